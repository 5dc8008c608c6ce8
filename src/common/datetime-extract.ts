/**
 * @module common/datetime-extract
 * `EXTRACT(field FROM …)` and `date_part` for date, time, timestamp, timestamptz and interval, as
 * PostgreSQL 15 computes them. Results are JS numbers (PostgreSQL's EXTRACT returns numeric: the
 * caller converts; `second`, `milliseconds`, `epoch` and `julian` carry fractions). null = SQL NULL.
 */
import {
  civilFromDays,
  type DateTimeFields,
  dayOfWeek,
  daysFromCivil,
  fieldsFromMicros,
  fieldsFromTime,
  isoWeekOf,
  isoYearOf,
  newFields,
  tdiv,
  UNIX_EPOCH_JDN,
  USECS_PER_DAY,
  USECS_PER_HOUR,
  USECS_PER_MINUTE,
  USECS_PER_SEC,
} from './datetime-calendar.ts';
import { type DatetimeUnit, datetimeUnit, unsupportedUnit } from './datetime-units.ts';
import type { TimeZone } from './datetime-zone.ts';
import type { Interval } from './interval.ts';

const f = newFields();

/** Fields that grow with time, so PostgreSQL reports ±Infinity for them on infinite inputs. */
function monotonic(unit: DatetimeUnit): boolean {
  return (
    unit === 'year' ||
    unit === 'decade' ||
    unit === 'century' ||
    unit === 'millennium' ||
    unit === 'julian' ||
    unit === 'isoyear' ||
    unit === 'epoch'
  );
}

/** The calendar fields shared by dates and timestamps; undefined when `unit` is not one of them. */
function calendarPart(unit: DatetimeUnit, days: number, t: DateTimeFields): number | undefined {
  const y = t.year;
  switch (unit) {
    case 'day':
      return t.day;
    case 'month':
      return t.month;
    case 'quarter':
      return tdiv(t.month - 1, 3) + 1;
    case 'week':
      return isoWeekOf(days, y);
    case 'year':
      return y > 0 ? y : y - 1;
    case 'decade':
      return y >= 0 ? tdiv(y, 10) : -tdiv(8 - (y - 1), 10);
    case 'century':
      return y > 0 ? tdiv(y + 99, 100) : -tdiv(99 - (y - 1), 100);
    case 'millennium':
      return y > 0 ? tdiv(y + 999, 1000) : -tdiv(999 - (y - 1), 1000);
    case 'isoyear': {
      const iso = isoYearOf(days, y);
      return iso > 0 ? iso : iso - 1;
    }
    case 'dow':
      return dayOfWeek(days);
    case 'isodow':
      return dayOfWeek(days) || 7;
    case 'doy':
      return days - daysFromCivil(y, 1, 1) + 1;
    default:
      return undefined;
  }
}

/** Clock fields of a time of day (or of a timestamp's fields). */
function clockPart(unit: DatetimeUnit, t: DateTimeFields): number | undefined {
  switch (unit) {
    case 'microseconds':
      return t.second * USECS_PER_SEC + t.micros;
    case 'milliseconds':
      return t.second * 1000 + t.micros / 1000;
    case 'second':
      return t.second + t.micros / USECS_PER_SEC;
    case 'minute':
      return t.minute;
    case 'hour':
      return t.hour;
    default:
      return undefined;
  }
}

function timestampPart(unit: DatetimeUnit, local: number, epochMicros: number): number | undefined {
  fieldsFromMicros(local, f);
  const days = Math.floor(local / USECS_PER_DAY);
  if (unit === 'epoch') return epochMicros / USECS_PER_SEC;
  if (unit === 'julian') return days + UNIX_EPOCH_JDN + (local - days * USECS_PER_DAY) / USECS_PER_DAY;
  return calendarPart(unit, days, f) ?? clockPart(unit, f);
}

/** `extract(field from timestamp)`. */
export function extractTimestamp(field: string, ts: number): number | null {
  const type = 'timestamp without time zone';
  const unit = datetimeUnit(field, type);
  if (unit === 'timezone' || unit === 'timezone_hour' || unit === 'timezone_minute')
    throw unsupportedUnit(field, type);
  if (!Number.isFinite(ts)) return monotonic(unit) ? ts : null;
  const value = timestampPart(unit, ts, ts);
  if (value === undefined) throw unsupportedUnit(field, type);
  return value;
}

/** `extract(field from timestamptz)`, with the calendar fields read in `zone`. */
export function extractTimestamptz(field: string, ts: number, zone: TimeZone): number | null {
  const type = 'timestamp with time zone';
  const unit = datetimeUnit(field, type);
  if (!Number.isFinite(ts)) return monotonic(unit) ? ts : null;
  const offset = zone.offsetAt(ts);
  switch (unit) {
    case 'timezone':
      return offset;
    case 'timezone_hour':
      return tdiv(offset, 3600);
    case 'timezone_minute':
      return tdiv(offset, 60) % 60;
    default:
      break;
  }
  const value = timestampPart(unit, ts + offset * USECS_PER_SEC, ts);
  if (value === undefined) throw unsupportedUnit(field, type);
  return value;
}

/** `extract(field from date)`: calendar fields only (use `extractTimestamp` for `date_part`). */
export function extractDate(field: string, days: number): number | null {
  const type = 'date';
  const unit = datetimeUnit(field, type);
  const finite = Number.isFinite(days);
  civilFromDays(finite ? days : 0, f);
  let value: number | undefined;
  if (unit === 'epoch') value = days * 86_400;
  else if (unit === 'julian') value = days + UNIX_EPOCH_JDN;
  else value = calendarPart(unit, finite ? days : 0, f);
  if (value === undefined) throw unsupportedUnit(field, type);
  if (!finite) return monotonic(unit) ? days : null;
  return value;
}

/** `extract(field from time)`. */
export function extractTime(field: string, time: number): number {
  const type = 'time without time zone';
  const unit = datetimeUnit(field, type);
  if (unit === 'epoch') return time / USECS_PER_SEC;
  fieldsFromTime(time, f);
  const value = clockPart(unit, f);
  if (value === undefined) throw unsupportedUnit(field, type);
  return value;
}

/** `extract(field from interval)`: fields of the months/days/micros split, signs kept. */
export function extractInterval(field: string, iv: Interval): number {
  const type = 'interval';
  const unit = datetimeUnit(field, type);
  const year = tdiv(iv.months, 12);
  const month = iv.months % 12 || 0;
  const hour = tdiv(iv.micros, USECS_PER_HOUR);
  const minute = tdiv(iv.micros - hour * USECS_PER_HOUR, USECS_PER_MINUTE);
  const secMicros = iv.micros - hour * USECS_PER_HOUR - minute * USECS_PER_MINUTE;
  switch (unit) {
    case 'microseconds':
      return secMicros;
    case 'milliseconds':
      return secMicros / 1000;
    case 'second':
      return secMicros / USECS_PER_SEC;
    case 'minute':
      return minute;
    case 'hour':
      return hour;
    case 'day':
      return iv.days;
    case 'month':
      return month;
    case 'quarter':
      return tdiv(month, 3) + 1;
    case 'year':
      return year;
    case 'decade':
      return tdiv(year, 10);
    case 'century':
      return tdiv(year, 100);
    case 'millennium':
      return tdiv(year, 1000);
    case 'epoch':
      return 31_557_600 * year + 2_592_000 * month + 86_400 * iv.days + iv.micros / USECS_PER_SEC;
    default:
      throw unsupportedUnit(field, type);
  }
}
