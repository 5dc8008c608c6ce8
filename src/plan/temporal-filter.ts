/**
 * @module plan/temporal-filter
 * Temporal filters: a materialized view's WHERE conjunct comparing a row's time with the clock,
 * `expr op now() [± INTERVAL 'c']` (op one of < <= > >=, either side; BETWEEN binds to two
 * such conjuncts). Each such conjunct bounds the clock readings at which the row is in the view:
 * from when it enters (`now() >= enter`) until it leaves (`now() < leave`), where `enter` and
 * `leave` are the row's time shifted by the constant. The dataflow keeps such rows and moves them
 * in and out as the database's step clock passes those times (dataflow/operators/temporal-filter).
 * Any other use of the clock in a view is refused (0A000), as before temporal filters existed.
 */
import { FeatureNotSupportedError } from '../common/errors.ts';
import { Interval } from '../common/interval.ts';
import { isProctimeCall } from './clock-calls.ts';
import type { LogicalPlan } from './logical.ts';
import { forEachNode, planExpressions } from './plan-visit.ts';
import type { CompareOp, ScalarExpr } from './scalar.ts';
import { anyNode } from './scalar-visit.ts';

/** The clock calls a temporal filter may compare with: all read the step's clock reading. */
const TEMPORAL_CLOCKS = new Set(['now', 'transaction_timestamp', 'statement_timestamp', 'CURRENT_TIMESTAMP']);

/** How a temporal filter is written in SQL, for messages. */
export const temporalClockNames = new Set([
  'now()',
  'transaction_timestamp()',
  'statement_timestamp()',
  'current_timestamp',
]);

/**
 * One bound of a row's time in the view: `enter` — in once the clock reaches `time + offset`;
 * `leave` — in while the clock is before `time + offset`. `time` is an expression over the
 * filter's input row (timestamptz microseconds) that does not read the clock.
 */
export interface TemporalBound {
  readonly kind: 'enter' | 'leave';
  readonly time: ScalarExpr;
  readonly offsetMicros: number;
}

/** A filter predicate split into its temporal bounds and the rest (null: nothing else). */
export interface TemporalSplit {
  readonly bounds: readonly TemporalBound[];
  readonly rest: ScalarExpr | null;
}

/** A volatile call: the clock, or chance. */
function isVolatileCall(e: ScalarExpr): boolean {
  return e.kind === 'call' && e.volatile;
}

function isTemporalClock(e: ScalarExpr): boolean {
  return e.kind === 'call' && e.volatile && e.args.length === 0 && TEMPORAL_CLOCKS.has(e.name);
}

/** True when `e` reads the clock (or anything volatile) anywhere. */
export function readsClock(e: ScalarExpr): boolean {
  return anyNode(e, isVolatileCall);
}

/**
 * `now()`, `now() + c` or `now() - c` with `c` a constant interval of fixed length: the constant
 * in microseconds (a day counts 24 hours), or undefined for any other expression. Months are
 * refused: their length depends on the date.
 */
function clockOffset(e: ScalarExpr): number | undefined {
  if (isTemporalClock(e)) return 0;
  if (e.kind !== 'call' || (e.name !== '+' && e.name !== '-') || e.args.length !== 2) return undefined;
  const [clock, constant] = e.args as [ScalarExpr, ScalarExpr];
  if (!isTemporalClock(clock) || constant.kind !== 'literal' || !(constant.value instanceof Interval))
    return undefined;
  const { months, days, micros } = constant.value;
  if (months !== 0)
    throw new FeatureNotSupportedError('a temporal filter cannot use an interval of months or years', {
      hint: "Write the interval in days or smaller units, e.g. INTERVAL '30 days'.",
    });
  const length = days * 86_400_000_000 + micros;
  return e.name === '+' ? length : -length;
}

const flipped: Readonly<Record<CompareOp, CompareOp>> = {
  '<': '>',
  '<=': '>=',
  '>': '<',
  '>=': '<=',
  '=': '=',
  '<>': '<>',
};

/** The bound a conjunct sets, or undefined when it is not a temporal filter. */
function boundOf(e: ScalarExpr): TemporalBound | undefined {
  if (e.kind !== 'compare') return undefined;
  let op = e.op;
  let time = e.left;
  let offset = clockOffset(e.right);
  if (offset === undefined) {
    offset = clockOffset(e.left);
    time = e.right;
    op = flipped[op];
  }
  if (offset === undefined || readsClock(time) || time.type.id !== 'timestamptz') return undefined;
  // time op now() + d, solved for now().
  switch (op) {
    case '>': // now() < time - d
      return { kind: 'leave', time, offsetMicros: -offset };
    case '>=': // now() <= time - d
      return { kind: 'leave', time, offsetMicros: -offset + 1 };
    case '<': // now() > time - d
      return { kind: 'enter', time, offsetMicros: -offset + 1 };
    case '<=': // now() >= time - d
      return { kind: 'enter', time, offsetMicros: -offset };
    default:
      return undefined;
  }
}

function conjuncts(e: ScalarExpr, into: ScalarExpr[] = []): ScalarExpr[] {
  if (e.kind === 'and') for (const a of e.args) conjuncts(a, into);
  else into.push(e);
  return into;
}

/** Splits a filter predicate; undefined when it reads the clock other than as temporal filters. */
export function splitTemporal(predicate: ScalarExpr): TemporalSplit | undefined {
  const bounds: TemporalBound[] = [];
  const rest: ScalarExpr[] = [];
  for (const c of conjuncts(predicate)) {
    if (!readsClock(c)) {
      rest.push(c);
      continue;
    }
    const bound = boundOf(c);
    if (bound === undefined) return undefined;
    bounds.push(bound);
  }
  const restExpr: ScalarExpr | null =
    rest.length === 0
      ? null
      : rest.length === 1
        ? rest[0]!
        : { kind: 'and', args: rest, type: predicate.type };
  return { bounds, rest: restExpr };
}

/** True when every clock call in `e` is proctime() (there is at least one: readsClock). */
function readsOnlyProctime(e: ScalarExpr): boolean {
  return !anyNode(e, (n) => isVolatileCall(n) && !isProctimeCall(n));
}

/** How a clock call is written in SQL (as sql/bind/clock-dependence names it). */
function sqlName(e: ScalarExpr): string {
  let name = 'now()';
  anyNode(e, (n) => {
    if (n.kind !== 'call' || !n.volatile || n.args.length !== 0) return false;
    name = n.name === n.name.toUpperCase() ? n.name.toLowerCase() : `${n.name}()`;
    return true;
  });
  return name;
}

/**
 * CREATE MATERIALIZED VIEW's check of a plan bound with clock calls kept: throws 0A000 naming
 * the function when the clock is read anywhere but in a temporal filter. `positionOf` gives
 * where the statement itself writes a function, by its SQL name, when it does.
 */
export function checkTemporalFilters(
  plan: LogicalPlan,
  positionOf: (name: string) => number | undefined,
  appendOnly: (input: LogicalPlan) => boolean,
): void {
  forEachNode(plan, true, (node) => {
    for (const e of planExpressions(node)) {
      if (!readsClock(e)) continue;
      if (node.kind === 'filter' && e === node.predicate && splitTemporal(e) !== undefined) continue;
      if (node.kind === 'map' && readsOnlyProctime(e)) {
        if (appendOnly(node.input)) continue;
        throw new FeatureNotSupportedError(
          'a materialized view can use proctime() only over rows that are never deleted',
          {
            position: positionOf('proctime()'),
            hint: 'proctime() is the time a row reached the view; read it from sources or tables with a watermark, through filters, projections and inner joins.',
          },
        );
      }
      const name = sqlName(e);
      throw new FeatureNotSupportedError(
        `a materialized view cannot use ${name} here: its result depends on the current time`,
        {
          position: positionOf(name),
          hint:
            "Only a temporal filter may read the current time: a WHERE condition comparing a timestamp with now() plus or minus a constant interval, e.g. WHERE ts > now() - INTERVAL '1 hour'. " +
            'Otherwise store the time in a column when the row is written, or run the query ad hoc.',
        },
      );
    }
  });
}
