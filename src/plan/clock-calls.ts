/**
 * @module plan/clock-calls
 * now(), CURRENT_TIMESTAMP and their kin. In a query they are constants of the statement (bound
 * as literals of the session's readings). In a column DEFAULT they must be read when a row is
 * inserted, so the binder keeps them as calls (shown as PostgreSQL shows them: `now()`), and
 * `resolveClockCalls` fills in the inserting statement's readings before the default runs.
 */
import { clockMicros } from '../common/clock.ts';
import { type SqlType, T } from '../common/types.ts';
import type { Value } from '../common/value.ts';
import type { Call, Literal, ScalarExpr } from './scalar.ts';
import { transformUp } from './scalar-visit.ts';

/** The clock functions, by the name a DEFAULT shows: which reading each takes and its type. */
const CLOCKS = {
  now: { reading: 'transaction', type: T.timestamptz },
  transaction_timestamp: { reading: 'transaction', type: T.timestamptz },
  statement_timestamp: { reading: 'statement', type: T.timestamptz },
  CURRENT_TIMESTAMP: { reading: 'transaction', type: T.timestamptz },
  LOCALTIMESTAMP: { reading: 'transaction', type: T.timestamp },
  CURRENT_DATE: { reading: 'transaction', type: T.date },
} as const satisfies Record<string, { reading: 'transaction' | 'statement'; type: SqlType }>;

export type ClockName = keyof typeof CLOCKS;

/** The session's clock readings (µs since the epoch) a statement runs with. */
export interface ClockReadings {
  readonly statementTime: number;
  readonly transactionTime: number;
}

const MICROS_PER_DAY = 86_400_000_000;

function valueAt(name: ClockName, micros: number): Value {
  return CLOCKS[name].type.id === 'date' ? Math.floor(micros / MICROS_PER_DAY) : micros;
}

function readingOf(name: ClockName, settings: ClockReadings): number {
  return CLOCKS[name].reading === 'statement' ? settings.statementTime : settings.transactionTime;
}

function isClockName(name: string): name is ClockName {
  return Object.hasOwn(CLOCKS, name);
}

/** The clock function as a constant of the current statement. */
export function clockLiteral(name: ClockName, settings: ClockReadings): Literal {
  return { kind: 'literal', value: valueAt(name, readingOf(name, settings)), type: CLOCKS[name].type };
}

/**
 * The clock function kept as a call, for a DEFAULT. Its one argument, the reading, is supplied by
 * `resolveClockCalls`; run without it (no statement resolved it), it reads the clock itself.
 */
export function clockCall(name: ClockName): Call {
  return {
    kind: 'call',
    name,
    args: [],
    impl: (reading?: Value) => valueAt(name, typeof reading === 'number' ? reading : clockMicros()),
    strict: false,
    volatile: true,
    type: CLOCKS[name].type,
  };
}

/**
 * `proctime()`, processing time: in a materialized view, the clock reading of the step in which
 * a row reaches the view (lowering binds it to the step clock, plan/lower/lower-plan); an ad hoc
 * query reads the transaction's time. Views allow it only over append-only input (a retraction
 * would read another step's time), checked by plan/temporal-filter's checkTemporalFilters.
 */
export const PROCTIME = 'proctime';

export function proctimeCall(readStepClock?: () => number): Call {
  return {
    kind: 'call',
    name: PROCTIME,
    args: [],
    impl: readStepClock ?? (() => clockMicros()),
    strict: false,
    volatile: true,
    type: T.timestamptz,
  };
}

/** True for a `proctime()` call. */
export function isProctimeCall(e: ScalarExpr): boolean {
  return e.kind === 'call' && e.name === PROCTIME && e.args.length === 0 && e.volatile;
}

/** `expr` with every clock call given the statement's reading (a no-op for other expressions). */
export function resolveClockCalls(expr: ScalarExpr, settings: ClockReadings): ScalarExpr {
  return transformUp(expr, (node) =>
    node.kind === 'call' && node.args.length === 0 && node.volatile && isClockName(node.name)
      ? { ...node, args: [{ kind: 'literal', value: readingOf(node.name, settings), type: T.int8 }] }
      : node,
  );
}

/** True when `name` is shown without parentheses (`CURRENT_TIMESTAMP`, as PostgreSQL deparses it). */
export function isBareClockName(name: string): boolean {
  return isClockName(name) && name === name.toUpperCase();
}
