/**
 * @module sql/bind/window-tvf
 * The window table functions in FROM: `TUMBLE(rel, col, size)` and `HOP(rel, col, slide, size)`
 * (RisingWave's and Flink's shape). Each reads a relation and appends `window_start` and
 * `window_end` to its rows, one row per window the event time `col` falls in (windows are
 * half-open, `[start, end)`, aligned on 1970-01-01 00:00 as `date_bin` with that origin). They
 * bind to a flat-map over the relation, so ad-hoc queries and materialized views (where a
 * flat-map is linear) compute them alike. `SESSION` windows merge: see session-window.ts.
 */
import type { FuncCall, Node, RangeFunction } from 'libpg-query';
import { FeatureNotSupportedError, SemanticError, SqlState } from '../../common/errors.ts';
import { Interval } from '../../common/interval.ts';
import { T, typeName } from '../../common/types.ts';
import type { Value } from '../../common/value.ts';
import type { LogicalPlan } from '../../plan/logical.ts';
import { foldExpression } from '../../plan/optimize/fold-expression.ts';
import { col, lit } from '../../plan/scalar.ts';
import { coerce } from './coerce.ts';
import type { BindContext } from './context.ts';
import { bindExpr } from './expr.ts';
import { Scope, type ScopeColumn } from './scope.ts';
import { bindSessionWindow } from './session-window.ts';

const USECS_PER_DAY = 86_400_000_000;
/** HOP's windows per row (size / slide) at most: a row fans out into that many. */
const maxWindowsPerRow = 10_000;

/** The window table functions by name. */
export const windowTableFunctions = new Set(['tumble', 'hop', 'session']);

export interface BoundRelation {
  readonly plan: LogicalPlan;
  readonly columns: ScopeColumn[];
}

/**
 * Binds `TUMBLE(…)` / `HOP(…)`; `bindRelation` binds the first argument as a FROM item naming a
 * relation (a table, source, view or CTE). Columns keep the relation's name as their table (so
 * `bid.auction` works over `HOP(bid, …)`), or take the alias.
 */
export function bindWindowTableFunction(
  name: string,
  call: FuncCall,
  rf: RangeFunction,
  outer: Scope,
  ctx: BindContext,
  bindRelation: (relation: Node) => BoundRelation,
): { plan: LogicalPlan; columns: ScopeColumn[] } {
  const position = call.location === undefined ? undefined : call.location + 1;
  if (name === 'session') return bindSessionWindow(call, rf, outer, ctx, bindRelation);
  const args = call.args ?? [];
  const expected = name === 'tumble' ? 3 : 4;
  if (args.length !== expected)
    throw new SemanticError(
      SqlState.undefinedFunction,
      name === 'tumble'
        ? 'TUMBLE takes (relation, time column, size)'
        : 'HOP takes (relation, time column, slide, size)',
      { position },
    );
  const relationName = columnRefName(args[0]!, 'the relation', position);
  const relation = bindRelation({ RangeVar: { relname: relationName, inh: true, location: call.location } });
  const timeName = columnRefName(args[1]!, 'the time column', position);
  const timeIndex = relation.columns.findIndex((c) => c.name === timeName);
  if (timeIndex < 0)
    throw new SemanticError(SqlState.undefinedColumn, `column "${timeName}" does not exist`, { position });
  const timeType = relation.columns[timeIndex]!.type;
  if (timeType.id !== 'timestamp' && timeType.id !== 'timestamptz')
    throw new SemanticError(
      SqlState.datatypeMismatch,
      `the time column of ${name.toUpperCase()} must be a timestamp or timestamptz, not ${typeName(timeType)}`,
      { position },
    );
  const intervals = args.slice(2).map((a) => windowInterval(a, outer, ctx, position));
  const slide = intervals[0]!;
  const size = intervals[intervals.length - 1]!;
  const slideMicros = windowMicros(slide, position);
  const sizeMicros = windowMicros(size, position);
  if (Math.ceil(sizeMicros / slideMicros) > maxWindowsPerRow)
    throw new SemanticError(
      SqlState.invalidParameterValue,
      `HOP would put each row in ${Math.ceil(sizeMicros / slideMicros)} windows; at most ${maxWindowsPerRow} are allowed`,
      { position, hint: 'Use a larger slide or a smaller size.' },
    );
  const input = relation.plan;
  const alias = rf.alias?.aliasname ?? relationName;
  const schema = [
    ...input.schema,
    { name: 'window_start', type: timeType, nullable: true },
    { name: 'window_end', type: timeType, nullable: true },
  ];
  const plan: LogicalPlan = {
    kind: 'flatMap',
    input,
    name,
    args: [col(timeIndex, timeType), lit(slide, T.interval), lit(size, T.interval)],
    impl: (values) => windowsOf(values[0] ?? null, slideMicros, sizeMicros),
    schema,
  };
  const columns = schema.map((c, i) => ({ table: alias, name: c.name, type: c.type, index: i }));
  return { plan, columns };
}

/**
 * The windows `[start, start + size)` with `start` a multiple of `slide` that hold `time`, as
 * `[start, end]` rows, latest first; none for a NULL time (the row belongs to no window).
 */
export function* windowsOf(time: Value, slideMicros: number, sizeMicros: number): Iterable<Value[]> {
  if (time === null) return;
  const t = time as number;
  for (let start = Math.floor(t / slideMicros) * slideMicros; start > t - sizeMicros; start -= slideMicros)
    yield [start, start + sizeMicros];
}

/** The name a bare column reference spells (`bid`, `date_time`); else 42601 naming the argument. */
export function columnRefName(node: Node, what: string, position: number | undefined): string {
  const fields = 'ColumnRef' in node ? (node.ColumnRef.fields ?? []) : [];
  const only = fields.length === 1 ? fields[0]! : undefined;
  if (only && 'String' in only) return only.String.sval!;
  throw new SemanticError(SqlState.syntaxError, `${what} of a window function must be a plain name`, {
    position,
  });
}

/** A window's slide or size: a constant interval (a literal or a constant expression). */
export function windowInterval(
  node: Node,
  outer: Scope,
  ctx: BindContext,
  position: number | undefined,
): Interval {
  const bound = bindExpr(node, new Scope([], outer, outer.ctes), {
    ...ctx,
    aggregates: null,
    windows: null,
    aggregateClause: 'functions in FROM',
  });
  const folded = foldExpression(coerce(bound, T.interval, false, position));
  if (folded.kind !== 'literal' || !(folded.value instanceof Interval))
    throw new SemanticError(SqlState.invalidParameterValue, 'window sizes must be constant intervals', {
      position,
    });
  return folded.value;
}

/** An interval as microseconds (days as 24 hours, as date_bin); months and non-positive spans are refused. */
export function windowMicros(interval: Interval, position: number | undefined): number {
  if (interval.months !== 0)
    throw new FeatureNotSupportedError('window sizes in months or years are not supported', {
      position,
      hint: 'Give the size in days or smaller units.',
    });
  const micros = interval.days * USECS_PER_DAY + interval.micros;
  if (!(micros > 0))
    throw new SemanticError(SqlState.invalidParameterValue, 'window sizes and slides must be positive', {
      position,
    });
  return micros;
}
