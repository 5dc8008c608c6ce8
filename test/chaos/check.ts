/**
 * @module test/chaos/check
 * The crash harness's verdict on a recovered database, as pure functions of what was sent, what
 * was acknowledged and what the database holds: each client's rows equal its acknowledged writes
 * applied in order, plus its one unacknowledged write wholly or not at all; each materialized view
 * equals its query run ad hoc; the step number did not go back; the subscriber ends with the
 * view's contents.
 */
import {
  applyWrite,
  type Cell,
  type ClientState,
  cloneClientState,
  type TableName,
  tables,
  type Write,
} from './workload.ts';

/** What a database holds, every value in a canonical text form (see `canonicalRow`). */
export interface Dump {
  /** Which of the workload's tables exist (all or none, since setup is one transaction). */
  readonly tablesPresent: boolean;
  /** Each table's rows, every column read as text. */
  readonly tables: Readonly<Record<TableName, readonly (readonly (string | null)[])[]>>;
  /** Every materialized view: its stored rows and its query's rows run ad hoc. */
  readonly views: readonly {
    readonly name: string;
    readonly stored: readonly string[];
    readonly adhoc: readonly string[];
  }[];
}

/** How one client's writes ended, in the order it sent them. */
export interface ClientHistory {
  /** The client's state when this phase began (resolved by the previous check). */
  readonly start: ClientState;
  readonly writes: { readonly write: Write; outcome: 'acked' | 'failed' | 'unknown' }[];
}

/** A canonical text for one result row: equal rows, equal texts, across the library and pg. */
export function canonicalRow(row: readonly unknown[]): string {
  return JSON.stringify(row.map(canonicalValue));
}

function canonicalValue(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (v instanceof Uint8Array) return Buffer.from(v).toString('hex');
  if (typeof v === 'object' && v.toString !== Object.prototype.toString) return String(v);
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? String(x) : x));
}

/** A model row as a table dump shows it (every column as text). */
function dumpKey(row: readonly Cell[]): string {
  return JSON.stringify(row.map((v) => (v === null ? null : String(v))));
}

/** Counts of each key in a list. */
export function multiset(keys: Iterable<string>): Map<string, number> {
  const m = new Map<string, number>();
  for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
  return m;
}

/** Rows in `actual` beyond `expected` (extra) and rows of `expected` missing from `actual`. */
export function multisetDifference(
  expected: Map<string, number>,
  actual: Map<string, number>,
): { missing: number; extra: number } {
  let missing = 0;
  let extra = 0;
  for (const [k, n] of expected) missing += Math.max(0, n - (actual.get(k) ?? 0));
  for (const [k, n] of actual) extra += Math.max(0, n - (expected.get(k) ?? 0));
  return { missing, extra };
}

const ownerColumn = new Map(tables.map((t) => [t.name, t.columns.indexOf('owner')]));

/** One client's rows of a dump: a multiset per table. */
function clientRows(dump: Dump, client: number): Map<TableName, Map<string, number>> {
  const out = new Map<TableName, Map<string, number>>();
  for (const t of tables) {
    const at = ownerColumn.get(t.name)!;
    out.set(
      t.name,
      multiset(dump.tables[t.name].filter((r) => r[at] === String(client)).map((r) => JSON.stringify(r))),
    );
  }
  return out;
}

function stateRows(state: ClientState): Map<TableName, Map<string, number>> {
  return new Map(tables.map((t) => [t.name, multiset(state.rows[t.name].map(dumpKey))]));
}

function sameRows(a: Map<TableName, Map<string, number>>, b: Map<TableName, Map<string, number>>): boolean {
  for (const t of tables) {
    const d = multisetDifference(a.get(t.name)!, b.get(t.name)!);
    if (d.missing !== 0 || d.extra !== 0) return false;
  }
  return true;
}

export interface ClientVerdict {
  /** The state the database holds for the client, when it is one the rules allow. */
  readonly resolved: ClientState | undefined;
  /** Acknowledged writes whose effect is missing. */
  readonly lostWrites: number;
  /** Rows beyond what the writes allow (a write applied twice, or half a transaction). */
  readonly extraRows: number;
  readonly missingRows: number;
  /** Whether the unacknowledged write turned out applied. */
  readonly unknownApplied: boolean;
  readonly problem: string | undefined;
}

/**
 * Checks one client's rows against its history. Allowed: the acknowledged writes applied in order
 * (failed ones skipped), with the one unacknowledged write either applied whole or absent.
 */
export function checkClient(dump: Dump, history: ClientHistory): ClientVerdict {
  const actual = clientRows(dump, history.start.client);
  // prefixes[j]: the state after the first j acknowledged writes.
  const prefixes: ClientState[] = [cloneClientState(history.start)];
  const state = cloneClientState(history.start);
  let unknown: Write | undefined;
  for (const { write, outcome } of history.writes) {
    if (outcome === 'failed') {
      state.index = write.index + 1;
      continue;
    }
    if (outcome === 'unknown') {
      unknown = write;
      break;
    }
    applyWrite(state, write);
    prefixes.push(cloneClientState(state));
  }
  const acked = prefixes[prefixes.length - 1]!;
  const ackedCount = prefixes.length - 1;
  if (sameRows(stateRows(acked), actual)) {
    const resolved = cloneClientState(acked);
    if (unknown) resolved.index = unknown.index + 1;
    return verdict(resolved, false);
  }
  if (unknown) {
    const withUnknown = cloneClientState(acked);
    applyWrite(withUnknown, unknown);
    if (sameRows(stateRows(withUnknown), actual)) return verdict(withUnknown, true);
  }
  for (let j = ackedCount - 1; j >= 0; j--) {
    if (sameRows(stateRows(prefixes[j]!), actual)) {
      return {
        resolved: undefined,
        lostWrites: ackedCount - j,
        extraRows: 0,
        missingRows: 0,
        unknownApplied: false,
        problem: `client ${history.start.client}: holds only its first ${j} of ${ackedCount} acknowledged writes`,
      };
    }
  }
  let missing = 0;
  let extra = 0;
  const expected = stateRows(acked);
  for (const t of tables) {
    const d = multisetDifference(expected.get(t.name)!, actual.get(t.name)!);
    missing += d.missing;
    extra += d.extra;
  }
  return {
    resolved: undefined,
    lostWrites: 0,
    extraRows: extra,
    missingRows: missing,
    unknownApplied: false,
    problem: `client ${history.start.client}: rows match no allowed state (${missing} missing, ${extra} extra against its ${ackedCount} acknowledged writes${unknown ? ' without its unacknowledged one' : ''})`,
  };
}

function verdict(resolved: ClientState, unknownApplied: boolean): ClientVerdict {
  return { resolved, lostWrites: 0, extraRows: 0, missingRows: 0, unknownApplied, problem: undefined };
}

/** Each materialized view's stored rows equal its query's rows (as multisets). */
export function checkViews(dump: Dump): string[] {
  const problems: string[] = [];
  for (const v of dump.views) {
    const d = multisetDifference(multiset(v.adhoc), multiset(v.stored));
    if (d.missing !== 0 || d.extra !== 0)
      problems.push(
        `view ${v.name}: ${d.missing} rows missing and ${d.extra} extra against its query run ad hoc`,
      );
  }
  return problems;
}

/**
 * Which views exist: every view whose CREATE was acknowledged and whose DROP was not, and a view
 * whose DDL is unacknowledged either way.
 */
export function checkViewSet(dump: Dump, expected: ReadonlyMap<string, boolean | 'either'>): string[] {
  const present = new Set(dump.views.map((v) => v.name));
  const problems: string[] = [];
  for (const [name, want] of expected) {
    if (want === 'either') continue;
    if (want !== present.has(name))
      problems.push(`view ${name}: ${want ? 'missing' : 'present though dropped'}`);
  }
  for (const name of present)
    if (!expected.has(name)) problems.push(`view ${name}: present but never created`);
  return problems;
}

/** A subscriber's view of a relation: the snapshot plus every change since, as a multiset. */
export class SubscriberState {
  readonly rows = new Map<string, number>();
  lastStep = -1;
  resets = 0;

  reset(): void {
    this.rows.clear();
    this.resets++;
  }

  /** Carries on from where `other` stopped (a subscriber resuming after a restart). */
  continueFrom(other: SubscriberState): void {
    this.rows.clear();
    for (const [key, n] of other.rows) this.rows.set(key, n);
    this.lastStep = other.lastStep;
  }

  apply(step: number, key: string, weight: number): void {
    const n = (this.rows.get(key) ?? 0) + weight;
    if (n === 0) this.rows.delete(key);
    else this.rows.set(key, n);
    if (step > this.lastStep) this.lastStep = step;
  }

  /** Problems when the subscriber's rows differ from the view's. */
  compare(view: readonly string[]): string[] {
    for (const n of this.rows.values()) if (n < 0) return ['subscriber: a row with a negative count'];
    const d = multisetDifference(multiset(view), this.rows);
    return d.missing === 0 && d.extra === 0
      ? []
      : [`subscriber: ${d.missing} rows missing and ${d.extra} extra against the view`];
  }
}
