/**
 * @module common/datetime-arith
 * Date/time arithmetic as PostgreSQL does it: timestamp ± interval (months with end-of-month
 * clamping, then days, then micros; for timestamptz the calendar steps happen in the session zone),
 * date ± days, differences, `age`, casts between the types and AT TIME ZONE.
 */
import {
  checkTimestamp,
  DATE_END,
  DATE_MIN,
  daysInMonth,
  fieldsFromMicros,
  microsFromFields,
  newFields,
  TIMESTAMP_END,
  TIMESTAMP_MIN,
  USECS_PER_DAY,
  USECS_PER_SEC,
} from './datetime-calendar.ts';
import type { TimeZone } from './datetime-zone.ts';
import { DataError, SqlState } from './errors.ts';
import { checkedInterval, type Interval, justifyHours } from './interval.ts';

const f = newFields();
const g = newFields();

function rangeError(message: string): DataError {
  return new DataError(SqlState.datetimeFieldOverflow, message);
}

/** Steps the broken-down date in `f` by whole months, clamping the day to the month's end. */
function stepMonths(months: number): void {
  let month = f.month + months;
  let year = f.year;
  if (month > 12) {
    year += Math.trunc((month - 1) / 12);
    month = ((month - 1) % 12) + 1;
  } else if (month < 1) {
    year += Math.trunc(month / 12) - 1;
    month = (month % 12) + 12;
  }
  f.year = year;
  f.month = month;
  const last = daysInMonth(year, month);
  if (f.day > last) f.day = last;
}

/** Applies the month and day parts of `iv` to local wall-clock micros. */
function addCalendar(local: number, iv: Interval): number {
  fieldsFromMicros(local, f);
  if (iv.months !== 0) stepMonths(iv.months);
  return microsFromFields(f) + iv.days * USECS_PER_DAY;
}

/** `timestamp + interval`. Infinite timestamps are returned unchanged. */
export function addIntervalToTimestamp(ts: number, iv: Interval): number {
  if (!Number.isFinite(ts)) return ts;
  let result = ts;
  if (iv.months !== 0 || iv.days !== 0) result = checkTimestamp(addCalendar(ts, iv));
  return checkTimestamp(result + iv.micros);
}

export function subtractIntervalFromTimestamp(ts: number, iv: Interval): number {
  return addIntervalToTimestamp(ts, negated(iv));
}

/** `timestamptz + interval`: months and days move the wall clock in `zone`, micros move the instant. */
export function addIntervalToTimestamptz(ts: number, iv: Interval, zone: TimeZone): number {
  if (!Number.isFinite(ts)) return ts;
  let result = ts;
  if (iv.months !== 0) {
    const local = ts + zone.offsetAt(ts) * USECS_PER_SEC;
    fieldsFromMicros(local, f);
    stepMonths(iv.months);
    result = checkTimestamp(zone.localToUtc(microsFromFields(f)));
  }
  if (iv.days !== 0) {
    const local = result + zone.offsetAt(result) * USECS_PER_SEC;
    result = checkTimestamp(zone.localToUtc(local + iv.days * USECS_PER_DAY));
  }
  return checkTimestamp(result + iv.micros);
}

export function subtractIntervalFromTimestamptz(ts: number, iv: Interval, zone: TimeZone): number {
  return addIntervalToTimestamptz(ts, negated(iv), zone);
}

function negated(iv: Interval): Interval {
  return checkedInterval(-iv.months || 0, -iv.days || 0, -iv.micros || 0);
}

/** `timestamp - timestamp` (also timestamptz): days and micros, via justify_hours as PostgreSQL. */
export function subtractTimestamps(a: number, b: number): Interval {
  if (!Number.isFinite(a) || !Number.isFinite(b)) throw rangeError('cannot subtract infinite timestamps');
  return justifyHours(checkedInterval(0, 0, a - b));
}

/** `date + integer`. */
export function addDaysToDate(date: number, days: number): number {
  if (!Number.isFinite(date)) return date;
  const result = date + days;
  if (result < DATE_MIN || result >= DATE_END) throw rangeError('date out of range');
  return result;
}

export function subtractDaysFromDate(date: number, days: number): number {
  return addDaysToDate(date, -days);
}

/** `date - date` → integer days. */
export function subtractDates(a: number, b: number): number {
  if (!Number.isFinite(a) || !Number.isFinite(b)) throw rangeError('cannot subtract infinite dates');
  return a - b;
}

/** `date::timestamp` (midnight). */
export function dateToTimestamp(date: number): number {
  if (!Number.isFinite(date)) return date;
  const ts = date * USECS_PER_DAY;
  if (ts < TIMESTAMP_MIN || ts >= TIMESTAMP_END) throw rangeError('date out of range for timestamp');
  return ts;
}

/** `date::timestamptz`: midnight in `zone`. */
export function dateToTimestamptz(date: number, zone: TimeZone): number {
  if (!Number.isFinite(date)) return date;
  const ts = zone.localToUtc(dateToTimestamp(date));
  if (ts < TIMESTAMP_MIN || ts >= TIMESTAMP_END) throw rangeError('date out of range for timestamp');
  return ts;
}

/** `timestamp::date`. */
export function timestampToDate(ts: number): number {
  if (!Number.isFinite(ts)) return ts;
  return Math.floor(ts / USECS_PER_DAY);
}

/** `timestamptz::date`: the date in `zone`. */
export function timestamptzToDate(ts: number, zone: TimeZone): number {
  if (!Number.isFinite(ts)) return ts;
  return Math.floor((ts + zone.offsetAt(ts) * USECS_PER_SEC) / USECS_PER_DAY);
}

/** `timestamp::time` and the time of day of a timestamp. */
export function timestampToTime(ts: number): number {
  return ts - Math.floor(ts / USECS_PER_DAY) * USECS_PER_DAY;
}

/** `timestamp::timestamptz`, also `timezone(zone, timestamp)`: the wall time read in `zone`. */
export function timestampToTimestamptz(ts: number, zone: TimeZone): number {
  if (!Number.isFinite(ts)) return ts;
  return checkTimestamp(zone.localToUtc(ts));
}

/** `timestamptz::timestamp`, also `timezone(zone, timestamptz)`: the wall time in `zone`. */
export function timestamptzToTimestamp(ts: number, zone: TimeZone): number {
  if (!Number.isFinite(ts)) return ts;
  return checkTimestamp(ts + zone.offsetAt(ts) * USECS_PER_SEC);
}

/** `date + interval` → timestamp. */
export function addIntervalToDate(date: number, iv: Interval): number {
  return addIntervalToTimestamp(dateToTimestamp(date), iv);
}

export function subtractIntervalFromDate(date: number, iv: Interval): number {
  return addIntervalToTimestamp(dateToTimestamp(date), negated(iv));
}

/** `date + time` → timestamp. */
export function addTimeToDate(date: number, time: number): number {
  const ts = dateToTimestamp(date);
  if (!Number.isFinite(ts)) return ts;
  return checkTimestamp(ts + time);
}

/** `time + interval` → time, wrapping around midnight (months and days are ignored). */
export function addIntervalToTime(time: number, iv: Interval): number {
  const t = (time + iv.micros) % USECS_PER_DAY;
  return t < 0 ? t + USECS_PER_DAY : t;
}

export function subtractIntervalFromTime(time: number, iv: Interval): number {
  return addIntervalToTime(time, negated(iv));
}

/** `time - time` → interval. */
export function subtractTimes(a: number, b: number): Interval {
  return checkedInterval(0, 0, a - b);
}

/** `age(a, b)` on timestamps: a symbolic years/months/days/time difference. */
export function age(a: number, b: number): Interval {
  if (!Number.isFinite(a) || !Number.isFinite(b)) throw rangeError('timestamp out of range');
  fieldsFromMicros(a, f);
  fieldsFromMicros(b, g);
  return symbolicDifference(a < b);
}

/** `age(a, b)` on timestamptz: the fields are read in `zone`. */
export function ageTz(a: number, b: number, zone: TimeZone): Interval {
  if (!Number.isFinite(a) || !Number.isFinite(b)) throw rangeError('timestamp out of range');
  fieldsFromMicros(a + zone.offsetAt(a) * USECS_PER_SEC, f);
  fieldsFromMicros(b + zone.offsetAt(b) * USECS_PER_SEC, g);
  return symbolicDifference(a < b);
}

/** Field-wise `f - g`, borrowing as PostgreSQL's timestamp_age (month lengths from the later side). */
function symbolicDifference(flip: boolean): Interval {
  const s = flip ? -1 : 1;
  let micros = s * (f.micros - g.micros);
  let sec = s * (f.second - g.second);
  let min = s * (f.minute - g.minute);
  let hour = s * (f.hour - g.hour);
  let day = s * (f.day - g.day);
  let month = s * (f.month - g.month);
  let year = s * (f.year - g.year);
  while (micros < 0) {
    micros += USECS_PER_SEC;
    sec--;
  }
  while (sec < 0) {
    sec += 60;
    min--;
  }
  while (min < 0) {
    min += 60;
    hour--;
  }
  while (hour < 0) {
    hour += 24;
    day--;
  }
  while (day < 0) {
    const from = flip ? f : g;
    day += daysInMonth(from.year, from.month);
    month--;
  }
  while (month < 0) {
    month += 12;
    year--;
  }
  const time = ((hour * 60 + min) * 60 + sec) * USECS_PER_SEC + micros;
  return checkedInterval(s * (year * 12 + month) || 0, s * day || 0, s * time || 0);
}
