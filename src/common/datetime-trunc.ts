/**
 * @module common/datetime-trunc
 * `date_trunc(field, source [, zone])` for timestamp, timestamptz and interval, as PostgreSQL 15:
 * BC-aware decade/century/millennium starts, ISO weeks starting on Monday, and for timestamptz the
 * truncation done on the wall clock of the zone. Infinite timestamps come back unchanged.
 */
import {
  checkTimestamp,
  type DateTimeFields,
  dayOfWeek,
  fieldsFromMicros,
  microsFromFields,
  newFields,
  tdiv,
  USECS_PER_DAY,
  USECS_PER_HOUR,
  USECS_PER_MINUTE,
  USECS_PER_SEC,
} from './datetime-calendar.ts';
import { type DatetimeUnit, datetimeUnit, type UnitTypeName, unsupportedUnit } from './datetime-units.ts';
import type { TimeZone } from './datetime-zone.ts';
import { checkedInterval, type Interval } from './interval.ts';

const f = newFields();

/** Truncates the fields in `t` (which hold a finite timestamp); false when the unit is not allowed. */
function truncFields(unit: DatetimeUnit, t: DateTimeFields, local: number): boolean {
  const y = t.year;
  switch (unit) {
    case 'week': {
      const days = Math.floor(local / USECS_PER_DAY);
      fieldsFromMicros((days - ((dayOfWeek(days) + 6) % 7)) * USECS_PER_DAY, t);
      return true;
    }
    case 'millennium':
      t.year = y > 0 ? tdiv(y + 999, 1000) * 1000 - 999 : -tdiv(999 - (y - 1), 1000) * 1000 + 1;
      break;
    case 'century':
      t.year = y > 0 ? tdiv(y + 99, 100) * 100 - 99 : -tdiv(99 - (y - 1), 100) * 100 + 1;
      break;
    case 'decade':
      t.year = y > 0 ? tdiv(y, 10) * 10 : -tdiv(8 - (y - 1), 10) * 10;
      break;
    case 'year':
    case 'quarter':
    case 'month':
    case 'day':
    case 'hour':
    case 'minute':
    case 'second':
      break;
    case 'milliseconds':
      t.micros = tdiv(t.micros, 1000) * 1000;
      return true;
    case 'microseconds':
      return true;
    default:
      return false;
  }
  clearBelow(unit, t);
  return true;
}

const order: readonly DatetimeUnit[] = [
  'millennium',
  'century',
  'decade',
  'year',
  'quarter',
  'month',
  'day',
  'hour',
  'minute',
  'second',
];

/** Resets every field smaller than `unit` (PostgreSQL's fall-through chain). */
function clearBelow(unit: DatetimeUnit, t: DateTimeFields): void {
  const rank = order.indexOf(unit);
  if (rank <= order.indexOf('year')) t.month = 1;
  if (rank <= order.indexOf('quarter')) t.month = 3 * tdiv(t.month - 1, 3) + 1;
  if (rank <= order.indexOf('month')) t.day = 1;
  if (rank <= order.indexOf('day')) t.hour = 0;
  if (rank <= order.indexOf('hour')) t.minute = 0;
  if (rank <= order.indexOf('minute')) t.second = 0;
  t.micros = 0;
}

function unitFor(field: string, type: UnitTypeName): DatetimeUnit {
  return datetimeUnit(field, type, true);
}

/** `date_trunc(field, timestamp)`. */
export function truncTimestamp(field: string, ts: number): number {
  const type = 'timestamp without time zone';
  const unit = unitFor(field, type);
  if (!Number.isFinite(ts)) return ts;
  fieldsFromMicros(ts, f);
  if (!truncFields(unit, f, ts)) throw unsupportedUnit(field, type);
  return checkTimestamp(microsFromFields(f));
}

/**
 * `date_trunc(field, timestamptz [, zone])`: truncates the wall clock in `zone`; for day and larger
 * units the zone offset is looked up again for the truncated time, for smaller ones it is kept.
 */
export function truncTimestamptz(field: string, ts: number, zone: TimeZone): number {
  const type = 'timestamp with time zone';
  const unit = unitFor(field, type);
  if (!Number.isFinite(ts)) return ts;
  const offset = zone.offsetAt(ts) * USECS_PER_SEC;
  const local = ts + offset;
  fieldsFromMicros(local, f);
  if (!truncFields(unit, f, local)) throw unsupportedUnit(field, type);
  const truncated = microsFromFields(f);
  const small =
    unit === 'hour' ||
    unit === 'minute' ||
    unit === 'second' ||
    unit === 'milliseconds' ||
    unit === 'microseconds';
  return checkTimestamp(small ? truncated - offset : zone.localToUtc(truncated));
}

/** `date_trunc(field, interval)`: clears the fields below `field` in the years/months/days/clock split. */
export function truncInterval(field: string, iv: Interval): Interval {
  const type = 'interval';
  const unit = unitFor(field, type);
  let year = tdiv(iv.months, 12);
  let month = iv.months % 12 || 0;
  let day = iv.days;
  let hour = tdiv(iv.micros, USECS_PER_HOUR);
  let minute = tdiv(iv.micros - hour * USECS_PER_HOUR, USECS_PER_MINUTE);
  let micros = iv.micros - hour * USECS_PER_HOUR - minute * USECS_PER_MINUTE;
  switch (unit) {
    case 'millennium':
      year = tdiv(year, 1000) * 1000;
      break;
    case 'century':
      year = tdiv(year, 100) * 100;
      break;
    case 'decade':
      year = tdiv(year, 10) * 10;
      break;
    case 'year':
    case 'quarter':
    case 'month':
    case 'day':
    case 'hour':
    case 'minute':
    case 'second':
      break;
    case 'milliseconds':
      micros = tdiv(micros, 1000) * 1000;
      break;
    case 'microseconds':
      break;
    default:
      throw unsupportedUnit(field, type);
  }
  const rank = order.indexOf(unit);
  if (rank >= 0) {
    if (rank <= order.indexOf('year')) month = 0;
    if (rank <= order.indexOf('quarter')) month = 3 * tdiv(month, 3);
    if (rank <= order.indexOf('month')) day = 0;
    if (rank <= order.indexOf('day')) hour = 0;
    if (rank <= order.indexOf('hour')) minute = 0;
    if (rank <= order.indexOf('minute')) micros = 0;
    else micros = tdiv(micros, USECS_PER_SEC) * USECS_PER_SEC;
  }
  return checkedInterval(
    year * 12 + month || 0,
    day,
    hour * USECS_PER_HOUR + minute * USECS_PER_MINUTE + micros || 0,
  );
}
