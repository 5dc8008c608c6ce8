/**
 * @module server/pgwire/subscribe-target
 * What a SUBSCRIBE reads: a table or materialized view directly; a plain view, a source or a
 * query through a temporary materialized view that lives as long as the subscription (named
 * `eddy_subscribe_<pid>_<n>`, created and dropped by an internal session), so every target
 * gets the same step-by-step changes. Also its `WITH (…)` options.
 */
import { EddyError } from '../../common/errors.ts';
import type { ResultColumn } from '../../runtime/result.ts';
import { Session } from '../../runtime/session.ts';
import type { Subscription, WithOption } from '../../sql/front/index.ts';
import { closingParen, quoteIdent } from './sql-text.ts';
import { type FeedOptions, feedColumnsPrefix } from './subscription-feed.ts';
import { WireError, WireState } from './wire-error.ts';

export interface SubscribeTarget {
  readonly relationId: number;
  readonly columns: readonly ResultColumn[];
  /** Drops the temporary view, if one was made. */
  release(): void;
}

let tempViews = 0;

/** Resolves `sub` (its locations are offsets into `text`) to a relation to subscribe to. */
export function resolveSubscribeTarget(
  session: Session,
  sub: Subscription,
  text: string,
  pid: number,
): SubscribeTarget {
  const catalog = session.db.catalog;
  let query: string;
  let location: number;
  if (sub.target.kind === 'relation') {
    const name = sub.target.name;
    const relation = catalog.requireRelation(name.name, name.location + 1);
    const columns = relation.schema.map((c) => ({ name: c.name, type: c.type }));
    if (relation.kind === 'table' || relation.kind === 'materializedView') {
      return { relationId: relation.id, columns, release: () => {} };
    }
    query = `SELECT * FROM ${quoteIdent(relation.name)}`;
    location = name.location;
  } else {
    location = sub.target.location;
    const end = closingParen(text, location);
    query = text.slice(location, end < 0 ? text.length : end);
  }
  const name = `eddy_subscribe_${pid}_${++tempViews}`;
  const prefix = `CREATE MATERIALIZED VIEW ${quoteIdent(name)} AS `;
  const internal = new Session(session.db);
  try {
    internal.execute(prefix + query);
  } catch (e) {
    // Point the error at the user's query, not at the wrapper.
    if (e instanceof EddyError && e.position !== undefined) {
      e.position = Math.max(1, e.position - prefix.length) + location;
    }
    throw e;
  }
  const relation = catalog.requireRelation(name);
  return {
    relationId: relation.id,
    columns: relation.schema.map((c) => ({ name: c.name, type: c.type })),
    release: () => {
      // Best effort: if someone built on the temporary view meanwhile, it stays until they drop theirs.
      try {
        if (catalog.relation(name)) internal.execute(`DROP MATERIALIZED VIEW ${quoteIdent(name)}`);
      } catch {}
    },
  };
}

/** The result columns of a SUBSCRIBE, without subscribing. */
export function describeSubscribe(session: Session, sub: Subscription, text: string): ResultColumn[] {
  let columns: readonly ResultColumn[];
  if (sub.target.kind === 'relation') {
    const name = sub.target.name;
    const relation = session.db.catalog.requireRelation(name.name, name.location + 1);
    columns = relation.schema.map((c) => ({ name: c.name, type: c.type }));
  } else {
    const location = sub.target.location;
    const end = closingParen(text, location);
    columns = session.describe(text.slice(location, end < 0 ? text.length : end)).columns ?? [];
  }
  return [...feedColumnsPrefix, ...columns];
}

/** `WITH (snapshot = true|false, progress = true|false, after_step = N)`. */
export function feedOptions(options: readonly WithOption[]): FeedOptions {
  let snapshot = true;
  let progress = true;
  let afterStep: number | undefined;
  for (const o of options) {
    const key = o.key.toLowerCase();
    if (key === 'snapshot') snapshot = booleanOption(o);
    else if (key === 'progress') progress = booleanOption(o);
    else if (key === 'after_step') afterStep = stepOption(o);
    else
      throw WireError.error(WireState.invalidParameterValue, `unrecognized SUBSCRIBE option "${o.key}"`, {
        hint: 'SUBSCRIBE takes the options snapshot, progress and after_step.',
      });
  }
  return { snapshot, progress, afterStep };
}

/** A step number: digits, as a number or a string literal (a token kept as text). */
function stepOption(o: WithOption): number {
  const v = o.value;
  const text = v.kind === 'number' || v.kind === 'string' ? v.value.trim() : '';
  const step = Number(text);
  if (!/^[0-9]+$/.test(text) || !Number.isSafeInteger(step))
    throw WireError.error(WireState.invalidParameterValue, `${o.key} requires a step number`, {
      hint: 'A step number is the eddy_step of the last row received (a non-negative integer).',
    });
  return step;
}

function booleanOption(o: WithOption): boolean {
  const v = o.value;
  if (v.kind === 'boolean') return v.value;
  if (v.kind === 'string' || v.kind === 'identifier' || v.kind === 'number') {
    const s = v.value.toLowerCase();
    if (s === 'true' || s === 'on' || s === '1') return true;
    if (s === 'false' || s === 'off' || s === '0') return false;
  }
  throw WireError.error(WireState.invalidParameterValue, `${o.key} requires a Boolean value`);
}
