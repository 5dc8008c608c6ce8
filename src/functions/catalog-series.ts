/**
 * @module functions/catalog-series
 * generate_series, PostgreSQL's set-returning series generator: over integers, bigints, numerics,
 * timestamps and timestamptz, with an optional step (`step size cannot equal zero`, 22023).
 * Results are capped by `seriesRowsMax` so a typo cannot exhaust memory (54000).
 */
import { addIntervalToTimestamp, addIntervalToTimestamptz } from '../common/datetime-arith.ts';
import { DataError, ResourceLimitError, SqlState } from '../common/errors.ts';
import { Interval } from '../common/interval.ts';
import { Numeric } from '../common/numeric.ts';
import { T } from '../common/types.ts';
import type { Value } from '../common/value.ts';
import type { CatalogBuilder } from './catalog-types.ts';

/** The most rows one generate_series call may produce. */
export const seriesRowsMax = 10_000_000;

function zeroStep(): DataError {
  return new DataError(SqlState.invalidParameterValue, 'step size cannot equal zero');
}

function tooMany(): ResourceLimitError {
  return new ResourceLimitError(
    SqlState.programLimitExceeded,
    `generate_series would produce more than ${seriesRowsMax} rows`,
  );
}

function integerSeries(start: Value, stop: Value, step: Value = 1): Value[] {
  const s = BigInt(start as number | bigint);
  const e = BigInt(stop as number | bigint);
  const d = BigInt(step as number | bigint);
  if (d === 0n) throw zeroStep();
  const count = d > 0n ? (e >= s ? (e - s) / d + 1n : 0n) : s >= e ? (s - e) / -d + 1n : 0n;
  if (count > BigInt(seriesRowsMax)) throw tooMany();
  const out: Value[] = [];
  for (let i = 0n, v = s; i < count; i++, v += d)
    out.push(v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v);
  return out;
}

function numericSeries(start: Value, stop: Value, step: Value = Numeric.ONE): Value[] {
  const s = start as Numeric;
  const e = stop as Numeric;
  const d = step as Numeric;
  if (Numeric.compare(d, Numeric.ZERO) === 0) throw zeroStep();
  const up = Numeric.compare(d, Numeric.ZERO) > 0;
  const out: Value[] = [];
  for (let v = s; up ? Numeric.compare(v, e) <= 0 : Numeric.compare(v, e) >= 0; v = v.add(d)) {
    if (out.length >= seriesRowsMax) throw tooMany();
    out.push(v);
  }
  return out;
}

function timestampSeries(
  add: (ts: number, iv: Interval) => number,
): (start: Value, stop: Value, step: Value) => Value[] {
  return (start, stop, step) => {
    const iv = step as Interval;
    const sign = Interval.compare(iv, Interval.ZERO);
    if (sign === 0) throw zeroStep();
    const out: Value[] = [];
    for (let v = start as number; sign > 0 ? v <= (stop as number) : v >= (stop as number); v = add(v, iv)) {
      if (out.length >= seriesRowsMax) throw tooMany();
      out.push(v);
    }
    return out;
  };
}

export function addSeriesCatalog(c: CatalogBuilder): void {
  for (const t of [T.int4, T.int8]) {
    c.fn('generate_series', {
      args: [t, t],
      returns: t,
      strict: true,
      returnsSet: true,
      impl: (a, b) => integerSeries(a!, b!),
    });
    c.fn('generate_series', {
      args: [t, t, t],
      returns: t,
      strict: true,
      returnsSet: true,
      impl: (a, b, d) => integerSeries(a!, b!, d!),
    });
  }
  c.fn('generate_series', {
    args: [T.numeric, T.numeric],
    returns: T.numeric,
    strict: true,
    returnsSet: true,
    impl: (a, b) => numericSeries(a!, b!),
  });
  c.fn('generate_series', {
    args: [T.numeric, T.numeric, T.numeric],
    returns: T.numeric,
    strict: true,
    returnsSet: true,
    impl: (a, b, d) => numericSeries(a!, b!, d!),
  });
  c.fn('generate_series', {
    args: [T.timestamp, T.timestamp, T.interval],
    returns: T.timestamp,
    strict: true,
    returnsSet: true,
    impl: timestampSeries(addIntervalToTimestamp),
  });
  c.fn('generate_series', {
    args: [T.timestamptz, T.timestamptz, T.interval],
    returns: T.timestamptz,
    strict: true,
    returnsSet: true,
    impl: () => [],
    bind: (_types, env) => timestampSeries((ts, iv) => addIntervalToTimestamptz(ts, iv, env.timeZone)),
  });
}
