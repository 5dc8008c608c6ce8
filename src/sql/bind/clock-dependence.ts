/**
 * @module sql/bind/clock-dependence
 * Finds, in a query's syntax tree, the first function whose result can differ between two
 * evaluations over the same rows: the current time (now(), CURRENT_TIMESTAMP, …) or randomness
 * (random() and every other function the catalog marks volatile). A materialized view is
 * maintained from changes, so such a result would be frozen at the step that computed it (or,
 * for randomness, retractions would not match insertions); CREATE MATERIALIZED VIEW refuses them.
 * Plain views read by the query count through the name they were flagged with when created.
 */
import type { FuncCall, Node, RangeVar, SQLValueFunction } from 'libpg-query';
import type { Catalog } from '../../catalog/catalog.ts';
import { FeatureNotSupportedError } from '../../common/errors.ts';
import { scalarFunctions } from '../../functions/index.ts';

/** Functions of the current time; some are bound to constants, so the catalog cannot say. */
const CLOCK_FUNCTIONS = new Set([
  'now',
  'transaction_timestamp',
  'statement_timestamp',
  'clock_timestamp',
  'timeofday',
  'proctime',
]);

/** SQL's keyword forms of the current time, by parser operator. */
const CLOCK_KEYWORDS: Readonly<Record<string, string>> = {
  SVFOP_CURRENT_DATE: 'current_date',
  SVFOP_CURRENT_TIME: 'current_time',
  SVFOP_CURRENT_TIME_N: 'current_time',
  SVFOP_CURRENT_TIMESTAMP: 'current_timestamp',
  SVFOP_CURRENT_TIMESTAMP_N: 'current_timestamp',
  SVFOP_LOCALTIME: 'localtime',
  SVFOP_LOCALTIME_N: 'localtime',
  SVFOP_LOCALTIMESTAMP: 'localtimestamp',
  SVFOP_LOCALTIMESTAMP_N: 'localtimestamp',
};

export interface ClockDependence {
  /** How the function is written in SQL, e.g. `now()` or `current_date`. */
  readonly name: string;
  /** 1-based position in the statement, when it is in this statement (not in a view it reads). */
  readonly position?: number;
  readonly random: boolean;
  /** The plain view the function was found in, when not in the statement itself. */
  readonly view?: string;
}

/**
 * The first time- or randomness-dependent function in `tree` (a parse tree node or list), or null.
 * Functions `allowed` accepts are passed over (a plain view flagged for one is searched again).
 */
export function findClockDependence(
  tree: unknown,
  catalog: Catalog,
  allowed?: (name: string) => boolean,
): ClockDependence | null {
  if (Array.isArray(tree)) {
    for (const item of tree) {
      const found = findClockDependence(item, catalog, allowed);
      if (found) return found;
    }
    return null;
  }
  if (tree === null || typeof tree !== 'object') return null;
  const node = tree as NodeFields;
  const own = ownDependence(node, catalog);
  if (own && allowed?.(own.name)) {
    if (own.view !== undefined) {
      const query = catalog.relation(own.view);
      if (query?.kind === 'view' && query.clockDependence) {
        const inner = findClockDependence(query.clockDependence.query, catalog, allowed);
        if (inner) return { ...inner, position: undefined, view: inner.view ?? own.view };
      }
    }
  } else if (own) return own;
  for (const value of Object.values(node)) {
    const found = findClockDependence(value, catalog, allowed);
    if (found) return found;
  }
  return null;
}

/** The node kinds this check looks at; every other key is walked through. */
interface NodeFields {
  readonly FuncCall?: FuncCall;
  readonly SQLValueFunction?: SQLValueFunction;
  readonly RangeVar?: RangeVar;
}

function ownDependence(node: NodeFields, catalog: Catalog): ClockDependence | null {
  if (node.FuncCall) {
    const names = node.FuncCall.funcname ?? [];
    const last = names[names.length - 1];
    const name = last && 'String' in last ? (last.String.sval ?? '').toLowerCase() : '';
    const position = atLocation(node.FuncCall.location);
    if (CLOCK_FUNCTIONS.has(name)) return { name: `${name}()`, position, random: false };
    const defs = scalarFunctions[name];
    if (defs?.some((d) => d.volatile === true)) return { name: `${name}()`, position, random: true };
    if (windowedRelationName(node.FuncCall) === undefined) return null;
  }
  if (node.SQLValueFunction) {
    const name = CLOCK_KEYWORDS[node.SQLValueFunction.op ?? ''];
    return name ? { name, position: atLocation(node.SQLValueFunction.location), random: false } : null;
  }
  const relationName = node.RangeVar?.relname ?? windowedRelationName(node.FuncCall);
  if (relationName !== undefined) {
    const relation = catalog.relation(relationName);
    if (relation?.kind === 'view' && relation.clockDependence) {
      const { name, random } = relation.clockDependence;
      return { name, random, view: relation.name };
    }
  }
  return null;
}

/** The relation a window table function reads (`TUMBLE(b, …)` names it as a column reference). */
function windowedRelationName(call: FuncCall | undefined): string | undefined {
  if (call === undefined) return undefined;
  const names = call.funcname ?? [];
  const last = names[names.length - 1];
  const name = last && 'String' in last ? (last.String.sval ?? '').toLowerCase() : '';
  if (name !== 'tumble' && name !== 'hop' && name !== 'session') return undefined;
  const first = call.args?.[0];
  const fields = first && 'ColumnRef' in first ? (first.ColumnRef.fields ?? []) : [];
  const only = fields.length === 1 ? fields[0] : undefined;
  return only && 'String' in only ? only.String.sval : undefined;
}

function atLocation(location: number | undefined): number | undefined {
  return location === undefined || location < 0 ? undefined : location + 1;
}

/**
 * CREATE MATERIALIZED VIEW's check: 0A000 naming the function, with what to do instead. Functions
 * `allowed` accepts (the clock a temporal filter reads) are left to the plan's check.
 */
export function refuseClockDependence(
  query: Node,
  catalog: Catalog,
  allowed?: (name: string) => boolean,
): void {
  const found = findClockDependence(query, catalog, allowed);
  if (found === null) return;
  const why = found.random ? 'its result changes on every call' : 'its result depends on the current time';
  const where = found.view === undefined ? '' : ` (in view "${found.view}")`;
  throw new FeatureNotSupportedError(`a materialized view cannot use ${found.name}${where}: ${why}`, {
    position: found.position,
    hint: found.random
      ? 'Store the value in a column when the row is written and read that column instead.'
      : 'Store the time in a column when the row is written and compare with that, or run the query ad hoc.',
  });
}
