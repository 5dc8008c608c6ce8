/**
 * @module common/datetime-calendar
 * The proleptic Gregorian calendar under Eddy's date/time values: days ↔ year/month/day, ISO weeks,
 * range limits and the broken-down `DateTimeFields` every other datetime module works on.
 * Years are astronomical (0 = 1 BC, −1 = 2 BC), as PostgreSQL keeps them internally.
 */
import { DataError, SqlState } from './errors.ts';

export const USECS_PER_SEC = 1_000_000;
export const USECS_PER_MINUTE = 60_000_000;
export const USECS_PER_HOUR = 3_600_000_000;
export const USECS_PER_DAY = 86_400_000_000;
export const SECS_PER_DAY = 86_400;
export const DAYS_PER_MONTH = 30;

/** Julian day number of 1970-01-01, the epoch of `date` and `timestamp` values. */
export const UNIX_EPOCH_JDN = 2_440_588;

/** First valid date (4714-11-24 BC) and first date past the end (5874898-01-01), in days. */
export const DATE_MIN = -UNIX_EPOCH_JDN;
export const DATE_END = 2_147_483_494 - UNIX_EPOCH_JDN;
/** First valid timestamp (4714-11-24 BC 00:00) and first one past the end (294277-01-01), in µs. */
export const TIMESTAMP_MIN = -210_866_803_200_000_000;
export const TIMESTAMP_END = 9_224_318_016_000_000_000;

/** A broken-down date and time. `micros` is the fraction of the second (0 ≤ micros < 10^6). */
export interface DateTimeFields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  micros: number;
}

export function newFields(): DateTimeFields {
  return { year: 1970, month: 1, day: 1, hour: 0, minute: 0, second: 0, micros: 0 };
}

const monthDays = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

export function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : monthDays[month - 1];
}

/** Days since 1970-01-01 of a calendar date (any integers; months outside 1..12 are not allowed). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** Fills `out.year`, `out.month`, `out.day` from days since 1970-01-01. */
export function civilFromDays(days: number, out: DateTimeFields): void {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  out.day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  out.month = mp < 10 ? mp + 3 : mp - 9;
  out.year = yoe + era * 400 + (out.month <= 2 ? 1 : 0);
}

/** Fills every field of `out` from microseconds since 1970-01-01 00:00 (a finite timestamp). */
export function fieldsFromMicros(micros: number, out: DateTimeFields): void {
  const days = Math.floor(micros / USECS_PER_DAY);
  civilFromDays(days, out);
  fieldsFromTime(micros - days * USECS_PER_DAY, out);
}

/** Fills hour, minute, second and micros of `out` from microseconds since midnight. */
export function fieldsFromTime(time: number, out: DateTimeFields): void {
  out.hour = Math.floor(time / USECS_PER_HOUR);
  let rest = time - out.hour * USECS_PER_HOUR;
  out.minute = Math.floor(rest / USECS_PER_MINUTE);
  rest -= out.minute * USECS_PER_MINUTE;
  out.second = Math.floor(rest / USECS_PER_SEC);
  out.micros = rest - out.second * USECS_PER_SEC;
}

/** Microseconds since midnight of the time fields (hour may be 24, fields are not range-checked). */
export function timeFromFields(f: DateTimeFields): number {
  return ((f.hour * 60 + f.minute) * 60 + f.second) * USECS_PER_SEC + f.micros;
}

/** Microseconds since 1970-01-01 of all the fields, with no range check. */
export function microsFromFields(f: DateTimeFields): number {
  return daysFromCivil(f.year, f.month, f.day) * USECS_PER_DAY + timeFromFields(f);
}

/** 0 = Sunday … 6 = Saturday. */
export function dayOfWeek(days: number): number {
  return (((days + 4) % 7) + 7) % 7;
}

/** Days since 1970-01-01 of the Monday that starts ISO week 1 of `isoYear`. */
export function isoYearStart(isoYear: number): number {
  const jan4 = daysFromCivil(isoYear, 1, 4);
  return jan4 - ((dayOfWeek(jan4) + 6) % 7);
}

/** The ISO 8601 week-numbering year of a date. */
export function isoYearOf(days: number, year: number): number {
  if (days >= isoYearStart(year + 1)) return year + 1;
  if (days < isoYearStart(year)) return year - 1;
  return year;
}

/** The ISO 8601 week number (1..53) of a date. */
export function isoWeekOf(days: number, year: number): number {
  return Math.floor((days - isoYearStart(isoYearOf(days, year))) / 7) + 1;
}

export function isValidDate(days: number): boolean {
  return days >= DATE_MIN && days < DATE_END;
}

export function isValidTimestamp(micros: number): boolean {
  return micros >= TIMESTAMP_MIN && micros < TIMESTAMP_END;
}

/** Throws PostgreSQL's 22008 `timestamp out of range` unless `micros` is a valid finite timestamp. */
export function checkTimestamp(micros: number): number {
  if (!isValidTimestamp(micros))
    throw new DataError(SqlState.datetimeFieldOverflow, 'timestamp out of range');
  return micros;
}

/** Throws PostgreSQL's 22008 `date out of range` unless `days` is a valid finite date. */
export function checkDate(days: number): number {
  if (!isValidDate(days)) throw new DataError(SqlState.datetimeFieldOverflow, 'date out of range');
  return days;
}

/** C-style integer division (truncates toward zero), as PostgreSQL's field arithmetic does. */
export function tdiv(a: number, b: number): number {
  return Math.trunc(a / b);
}

/** Round half to even, like C's rint() under the default rounding mode. */
export function rint(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Zero-padded decimal of a non-negative integer. */
export function pad(n: number, width: number): string {
  const s = String(n);
  return s.length >= width ? s : '0'.repeat(width - s.length) + s;
}
