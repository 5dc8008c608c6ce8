/**
 * @module functions/datetime-fns
 * The date/time functions whose SQL result differs from what common/datetime computes: EXTRACT's
 * numeric results (PostgreSQL 14+ returns numeric with the scale of each field), date_bin and
 * isfinite. Field names, ranges and messages still come from common/datetime.
 */
import {
  datetimeUnit,
  extractDate,
  extractInterval,
  extractTime,
  extractTimestamp,
  extractTimestamptz,
  type TimeZone,
  tdiv,
  UNIX_EPOCH_JDN,
  USECS_PER_DAY,
  USECS_PER_SEC,
} from '../common/datetime.ts';
import { DataError, FeatureNotSupportedError, SqlState } from '../common/errors.ts';
import type { Interval } from '../common/interval.ts';
import { Numeric } from '../common/numeric.ts';

const MICROS_PER_DAY_NUMERIC = Numeric.fromInt(USECS_PER_DAY);

/** A float field value as numeric with `scale` digits (the value has at most that many). */
function scaled(x: number, scale: number): Numeric {
  return new Numeric(BigInt(Math.round(x * 10 ** scale)), scale);
}

/** Micros as a numeric number of seconds, scale 6, exact for every integral double. */
function secondsOfMicros(micros: number): Numeric {
  return new Numeric(BigInt(micros), 6);
}

/** The result of a float extract that is infinite or NULL (an infinite input), else undefined. */
function nonFinite(x: number | null): Numeric | null | undefined {
  if (x === null) return null;
  if (x === Number.POSITIVE_INFINITY) return Numeric.POSITIVE_INFINITY;
  if (x === Number.NEGATIVE_INFINITY) return Numeric.NEGATIVE_INFINITY;
  return undefined;
}

/** Shared by timestamp and timestamptz: `local` is the wall clock, `utc` the instant. */
function timestampNumeric(field: string, x: number, local: number, utc: number, tz: boolean): Numeric {
  switch (datetimeUnit(field, tz ? 'timestamp with time zone' : 'timestamp without time zone')) {
    case 'second':
      return scaled(x, 6);
    case 'milliseconds':
      return scaled(x, 3);
    case 'epoch':
      return secondsOfMicros(utc);
    case 'julian': {
      // PostgreSQL adds the day number to (time of day in µs) / (µs per day) as numerics, so the
      // scale is that of its numeric division, not a fixed one.
      const days = Math.floor(local / USECS_PER_DAY);
      const timeOfDay = Numeric.fromInt(local - days * USECS_PER_DAY);
      return Numeric.fromInt(days + UNIX_EPOCH_JDN).add(timeOfDay.div(MICROS_PER_DAY_NUMERIC));
    }
    default:
      return Numeric.fromInt(x);
  }
}

/** `extract(field from timestamp)`: numeric. */
export function extractTimestampNumeric(field: string, ts: number): Numeric | null {
  const x = extractTimestamp(field, ts);
  const special = nonFinite(x);
  if (special !== undefined) return special;
  return timestampNumeric(field, x!, ts, ts, false);
}

/** `extract(field from timestamptz)` in `zone`: numeric. */
export function extractTimestamptzNumeric(field: string, ts: number, zone: TimeZone): Numeric | null {
  const x = extractTimestamptz(field, ts, zone);
  const special = nonFinite(x);
  if (special !== undefined) return special;
  return timestampNumeric(field, x!, ts + zone.offsetAt(ts) * USECS_PER_SEC, ts, true);
}

/** `extract(field from date)`: every field of a date is integral, epoch and julian included. */
export function extractDateNumeric(field: string, days: number): Numeric | null {
  const x = extractDate(field, days);
  const special = nonFinite(x);
  if (special !== undefined) return special;
  return Numeric.fromInt(x!);
}

/** `extract(field from time)`: numeric. */
export function extractTimeNumeric(field: string, time: number): Numeric {
  const x = extractTime(field, time);
  switch (datetimeUnit(field, 'time without time zone')) {
    case 'second':
      return scaled(x, 6);
    case 'milliseconds':
      return scaled(x, 3);
    case 'epoch':
      return secondsOfMicros(time);
    default:
      return Numeric.fromInt(x);
  }
}

/** `extract(field from interval)`: numeric; epoch counts a year as 365.25 days, exactly. */
export function extractIntervalNumeric(field: string, iv: Interval): Numeric {
  const x = extractInterval(field, iv);
  switch (datetimeUnit(field, 'interval')) {
    case 'second':
      return scaled(x, 6);
    case 'milliseconds':
      return scaled(x, 3);
    case 'epoch': {
      // In quarter days, so that 365.25 days per year stays integral (as PostgreSQL does).
      const years = BigInt(tdiv(iv.months, 12));
      const months = BigInt(iv.months % 12);
      const quarterDays = 1461n * years + 120n * months + 4n * BigInt(iv.days);
      return new Numeric(quarterDays * 21_600_000_000n + BigInt(iv.micros), 6);
    }
    default:
      return Numeric.fromInt(x);
  }
}

/**
 * `date_bin(stride, source, origin)` for timestamp and timestamptz (the same arithmetic: bins are
 * fixed spans of µs from `origin`, time zones play no part). An infinite source comes back as is.
 */
export function dateBin(stride: Interval, source: number, origin: number): number {
  if (!Number.isFinite(source)) return source;
  if (!Number.isFinite(origin)) throw new DataError(SqlState.datetimeFieldOverflow, 'origin out of range');
  if (stride.months !== 0) {
    throw new FeatureNotSupportedError(
      'timestamps cannot be binned into intervals containing months or years',
    );
  }
  const strideMicros = stride.days * USECS_PER_DAY + stride.micros;
  if (strideMicros <= 0) {
    throw new DataError(SqlState.datetimeFieldOverflow, 'stride must be greater than zero');
  }
  const diff = source - origin;
  const modulo = diff % strideMicros;
  // Round toward -infinity, so a source before the origin lands at the start of its bin.
  let result = origin + (diff - modulo);
  if (modulo < 0) result -= strideMicros;
  return result;
}

/** `isfinite(date | timestamp | timestamptz)`. */
export function isFiniteDatetime(v: number): boolean {
  return Number.isFinite(v);
}
