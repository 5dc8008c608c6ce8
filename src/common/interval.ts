/**
 * @module common/interval
 * PostgreSQL `interval`: months, days and microseconds kept apart, as PostgreSQL does, with its
 * ordering (a month counts as 30 days and a day as 24 hours, so `1 mon` = `30 days`) and arithmetic.
 * Invariant: months and days are int32, micros an integer (exact while |micros| ≤ 2^53).
 */
import { DataError, SqlState } from './errors.ts';

const USECS_PER_DAY = 86_400_000_000;
const INT32_MIN = -2_147_483_648;
const INT32_MAX = 2_147_483_647;
/** PostgreSQL keeps micros in an int64; beyond ±2^63 it reports overflow. */
const INT64_LIMIT = 2 ** 63;

export class Interval {
  readonly months: number;
  readonly days: number;
  readonly micros: number;
  constructor(months: number, days: number, micros: number) {
    this.months = months;
    this.days = days;
    this.micros = micros;
  }

  static readonly ZERO: Interval = new Interval(0, 0, 0);

  /** Orders by total span (months × 30 days + days × 24 h + micros), computed exactly. */
  static compare(a: Interval, b: Interval): number {
    const aDays = a.months * 30 + a.days;
    const bDays = b.months * 30 + b.days;
    const aWhole = aDays + Math.floor(a.micros / USECS_PER_DAY);
    const bWhole = bDays + Math.floor(b.micros / USECS_PER_DAY);
    if (aWhole !== bWhole) return aWhole < bWhole ? -1 : 1;
    const aRest = a.micros - Math.floor(a.micros / USECS_PER_DAY) * USECS_PER_DAY;
    const bRest = b.micros - Math.floor(b.micros / USECS_PER_DAY) * USECS_PER_DAY;
    return aRest < bRest ? -1 : aRest > bRest ? 1 : 0;
  }

  /** Equality as SQL `=` sees it: equal total spans (`1 mon` equals `30 days`). */
  static equals(a: Interval, b: Interval): boolean {
    return Interval.compare(a, b) === 0;
  }

  equals(other: Interval): boolean {
    return Interval.compare(this, other) === 0;
  }

  /** A 32-bit hash consistent with `equals`: it hashes the normalised span. */
  hashCode(): number {
    const whole = Math.floor(this.micros / USECS_PER_DAY);
    const days = this.months * 30 + this.days + whole;
    const rest = this.micros - whole * USECS_PER_DAY;
    let h = Math.imul(days | 0, 0x9e3779b1) ^ Math.imul(Math.floor(days / 4_294_967_296) | 0, 0x85ebca6b);
    h ^= Math.imul((rest % 4_294_967_296) | 0, 0xc2b2ae35);
    h ^= Math.imul(Math.floor(rest / 4_294_967_296) | 0, 0x27d4eb2f);
    h ^= h >>> 16;
    return Math.imul(h, 0x7feb352d) | 0;
  }
}

function outOfRange(): DataError {
  return new DataError(SqlState.datetimeFieldOverflow, 'interval out of range');
}

/** Builds an interval, throwing 22008 `interval out of range` when a field leaves its range. */
export function checkedInterval(months: number, days: number, micros: number): Interval {
  if (
    !(months >= INT32_MIN && months <= INT32_MAX) ||
    !(days >= INT32_MIN && days <= INT32_MAX) ||
    !(micros > -INT64_LIMIT && micros < INT64_LIMIT)
  ) {
    throw outOfRange();
  }
  return new Interval(months, days, micros);
}

export function addIntervals(a: Interval, b: Interval): Interval {
  return checkedInterval(a.months + b.months, a.days + b.days, a.micros + b.micros);
}

export function subtractIntervals(a: Interval, b: Interval): Interval {
  return checkedInterval(a.months - b.months, a.days - b.days, a.micros - b.micros);
}

export function negateInterval(a: Interval): Interval {
  return checkedInterval(-a.months || 0, -a.days || 0, -a.micros || 0);
}

function tsRound(x: number): number {
  return rintHalfEven(x * 1e6) / 1e6;
}

function rintHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function toInt32(x: number): number {
  if (Number.isNaN(x) || !(x > INT32_MIN - 1 && x < INT32_MAX + 1)) throw outOfRange();
  return Math.trunc(x) || 0;
}

/**
 * `interval * float8`: months and days are scaled and truncated, and the fractions spill down —
 * a fraction of a month into days (30 per month), a fraction of a day into micros — as PostgreSQL.
 */
export function multiplyInterval(a: Interval, factor: number): Interval {
  const months = toInt32(a.months * factor);
  let days = toInt32(a.days * factor);
  const monthRemainderDays = tsRound((a.months * factor - months) * 30);
  let secRemainder = tsRound(
    (a.days * factor - days + monthRemainderDays - Math.trunc(monthRemainderDays)) * 86_400,
  );
  if (Math.abs(secRemainder) >= 86_400) {
    const extra = Math.trunc(secRemainder / 86_400);
    days += extra;
    secRemainder -= extra * 86_400;
  }
  days += Math.trunc(monthRemainderDays);
  const micros = rintHalfEven(a.micros * factor + secRemainder * 1e6);
  if (Number.isNaN(micros)) throw outOfRange();
  return checkedInterval(months, days, micros || 0);
}

/** `interval / float8`, with the same spill rules as multiplication; 22012 on division by zero. */
export function divideInterval(a: Interval, divisor: number): Interval {
  if (divisor === 0) throw new DataError(SqlState.divisionByZero, 'division by zero');
  const months = toInt32(a.months / divisor);
  let days = toInt32(a.days / divisor);
  const monthRemainderDays = tsRound((a.months / divisor - months) * 30);
  let secRemainder = tsRound(
    (a.days / divisor - days + monthRemainderDays - Math.trunc(monthRemainderDays)) * 86_400,
  );
  if (Math.abs(secRemainder) >= 86_400) {
    const extra = Math.trunc(secRemainder / 86_400);
    days += extra;
    secRemainder -= extra * 86_400;
  }
  days += Math.trunc(monthRemainderDays);
  const micros = rintHalfEven(a.micros / divisor + secRemainder * 1e6);
  if (Number.isNaN(micros)) throw outOfRange();
  return checkedInterval(months, days, micros || 0);
}

/** `justify_hours`: whole 24-hour spans of micros become days; days and micros end up one sign. */
export function justifyHours(a: Interval): Interval {
  const wholeDays = Math.trunc(a.micros / USECS_PER_DAY);
  let micros = a.micros - wholeDays * USECS_PER_DAY;
  let days = a.days + wholeDays;
  if (days > 0 && micros < 0) {
    micros += USECS_PER_DAY;
    days--;
  } else if (days < 0 && micros > 0) {
    micros -= USECS_PER_DAY;
    days++;
  }
  return checkedInterval(a.months, days, micros || 0);
}

/** `justify_days`: whole 30-day spans become months; months and days end up one sign. */
export function justifyDays(a: Interval): Interval {
  const wholeMonths = Math.trunc(a.days / 30);
  let days = a.days - wholeMonths * 30;
  let months = a.months + wholeMonths;
  if (months > 0 && days < 0) {
    days += 30;
    months--;
  } else if (months < 0 && days > 0) {
    days -= 30;
    months++;
  }
  return checkedInterval(months, days || 0, a.micros);
}

/** `justify_interval`: both justifications, with signs made consistent across all three fields. */
export function justifyInterval(a: Interval): Interval {
  const wholeDays = Math.trunc(a.micros / USECS_PER_DAY);
  let micros = a.micros - wholeDays * USECS_PER_DAY;
  let days = a.days + wholeDays;
  const wholeMonths = Math.trunc(days / 30);
  days -= wholeMonths * 30;
  let months = a.months + wholeMonths;
  if (months > 0 && (days < 0 || (days === 0 && micros < 0))) {
    days += 30;
    months--;
  } else if (months < 0 && (days > 0 || (days === 0 && micros > 0))) {
    days -= 30;
    months++;
  }
  if (days > 0 && micros < 0) {
    micros += USECS_PER_DAY;
    days--;
  } else if (days < 0 && micros > 0) {
    micros -= USECS_PER_DAY;
    days++;
  }
  return checkedInterval(months, days || 0, micros || 0);
}
