/**
 * @module functions/catalog-series
 * generate_series, PostgreSQL's set-returning series generator: over integers, bigints, numerics,
 * timestamps and timestamptz, with an optional step (`step size cannot equal zero`, 22023).
 * Each call yields its values lazily; results are capped by `seriesRowsMax` so a typo cannot
 * run (or, in a materialized view, grow) without end (54000).
 */
import { addIntervalToTimestamp, addIntervalToTimestamptz } from '../common/datetime-arith.ts';
import { DataError, ResourceLimitError, SqlState } from '../common/errors.ts';
import { Interval } from '../common/interval.ts';
import { Numeric } from '../common/numeric.ts';
import { T } from '../common/types.ts';
import type { Value } from '../common/value.ts';
import { type CatalogBuilder, setReturning } from './catalog-types.ts';

/**
 * The most rows one generate_series call may produce. An ad-hoc query is bounded by its guard
 * (statement_timeout, cancel, eddy.query_memory) and streams its rows to the client, so this
 * only stops a typo in a materialized view from growing without end.
 */
export const seriesRowsMax = 100_000_000;

function zeroStep(): DataError {
  return new DataError(SqlState.invalidParameterValue, 'step size cannot equal zero');
}

function tooMany(): ResourceLimitError {
  return new ResourceLimitError(
    SqlState.programLimitExceeded,
    `generate_series would produce more than ${seriesRowsMax} rows`,
  );
}

/** How many values a series from `start` to `stop` by `step` has (integers, step ≠ 0). */
function integerSeriesLength(start: bigint, stop: bigint, step: bigint): bigint {
  if (step > 0n) return stop >= start ? (stop - start) / step + 1n : 0n;
  return start >= stop ? (start - stop) / -step + 1n : 0n;
}

// The series are generators: FROM generate_series(…) streams its rows, holding none of them.
function* integerSeries(start: Value, stop: Value, step: Value = 1): Generator<Value, void, void> {
  const s = BigInt(start as number | bigint);
  const d = BigInt(step as number | bigint);
  if (d === 0n) throw zeroStep();
  const count = integerSeriesLength(s, BigInt(stop as number | bigint), d);
  if (count > BigInt(seriesRowsMax)) throw tooMany();
  const last = s + (count - 1n) * d;
  if (count > 0n && isSafe(s) && isSafe(last)) {
    // Every value lies between the first and the last, so plain numbers are exact here.
    for (let i = 0, v = Number(s), n = Number(count), dn = Number(d); i < n; i++, v += dn) yield v;
    return;
  }
  for (let i = 0n, v = s; i < count; i++, v += d) yield isSafe(v) ? Number(v) : v;
}

function isSafe(v: bigint): boolean {
  return v >= -9007199254740991n && v <= 9007199254740991n;
}

function* numericSeries(start: Value, stop: Value, step: Value = Numeric.ONE): Generator<Value, void, void> {
  const s = start as Numeric;
  const e = stop as Numeric;
  const d = step as Numeric;
  if (Numeric.compare(d, Numeric.ZERO) === 0) throw zeroStep();
  const up = Numeric.compare(d, Numeric.ZERO) > 0;
  let produced = 0;
  for (let v = s; up ? Numeric.compare(v, e) <= 0 : Numeric.compare(v, e) >= 0; v = v.add(d)) {
    if (produced++ >= seriesRowsMax) throw tooMany();
    yield v;
  }
}

function timestampSeries(
  add: (ts: number, iv: Interval) => number,
): (start: Value, stop: Value, step: Value) => Generator<Value, void, void> {
  return function* (start, stop, step) {
    const iv = step as Interval;
    const sign = Interval.compare(iv, Interval.ZERO);
    if (sign === 0) throw zeroStep();
    let produced = 0;
    for (let v = start as number; sign > 0 ? v <= (stop as number) : v >= (stop as number); v = add(v, iv)) {
      if (produced++ >= seriesRowsMax) throw tooMany();
      yield v;
    }
  };
}

export function addSeriesCatalog(c: CatalogBuilder): void {
  for (const t of [T.int4, T.int8]) {
    c.fn('generate_series', {
      args: [t, t],
      returns: t,
      strict: true,
      returnsSet: true,
      impl: setReturning((a, b) => integerSeries(a!, b!)),
    });
    c.fn('generate_series', {
      args: [t, t, t],
      returns: t,
      strict: true,
      returnsSet: true,
      impl: setReturning((a, b, d) => integerSeries(a!, b!, d!)),
    });
  }
  c.fn('generate_series', {
    args: [T.numeric, T.numeric],
    returns: T.numeric,
    strict: true,
    returnsSet: true,
    impl: setReturning((a, b) => numericSeries(a!, b!)),
  });
  c.fn('generate_series', {
    args: [T.numeric, T.numeric, T.numeric],
    returns: T.numeric,
    strict: true,
    returnsSet: true,
    impl: setReturning((a, b, d) => numericSeries(a!, b!, d!)),
  });
  c.fn('generate_series', {
    args: [T.timestamp, T.timestamp, T.interval],
    returns: T.timestamp,
    strict: true,
    returnsSet: true,
    impl: setReturning(timestampSeries(addIntervalToTimestamp)),
  });
  c.fn('generate_series', {
    args: [T.timestamptz, T.timestamptz, T.interval],
    returns: T.timestamptz,
    strict: true,
    returnsSet: true,
    impl: () => [],
    bind: (_types, env) =>
      setReturning(timestampSeries((ts, iv) => addIntervalToTimestamptz(ts, iv, env.timeZone))),
  });
}
