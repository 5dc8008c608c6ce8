/**
 * @module common/datetime-make
 * Constructors from numbers: make_date, make_time, make_timestamp, make_timestamptz, make_interval
 * and to_timestamp(double), plus the zone arguments of AT TIME ZONE and make_timestamptz.
 * Range errors use PostgreSQL's messages (22008) including its `%g` rendering of seconds.
 */
import {
  DATE_END,
  DATE_MIN,
  daysFromCivil,
  daysInMonth,
  isValidTimestamp,
  rint,
  TIMESTAMP_END,
  TIMESTAMP_MIN,
  USECS_PER_DAY,
  USECS_PER_HOUR,
  USECS_PER_MINUTE,
  USECS_PER_SEC,
} from './datetime-calendar.ts';
import { fixedZone, type TimeZone, timeZone } from './datetime-zone.ts';
import { DataError, SqlState } from './errors.ts';
import { checkedInterval, type Interval } from './interval.ts';

function overflow(message: string): DataError {
  return new DataError(SqlState.datetimeFieldOverflow, message);
}

function p2(n: number): string {
  return n >= 0 && n < 10 ? `0${n}` : String(n);
}

/** C's `%g`: six significant digits, exponent form outside 1e-4 ≤ |x| < 1e6. */
export function formatG(x: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
  if (x === 0) return '0';
  const exp = Math.floor(Math.log10(Math.abs(Number(x.toPrecision(6)))));
  if (exp < -4 || exp >= 6) {
    const [mant, e] = x.toExponential(5).split('e');
    const m = mant.includes('.') ? mant.replace(/0+$/, '').replace(/\.$/, '') : mant;
    const ev = Number(e);
    return `${m}e${ev < 0 ? '-' : '+'}${p2(Math.abs(ev))}`;
  }
  const s = x.toFixed(Math.max(0, 5 - exp));
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

/** `make_date(year, month, day)`; a negative year is BC. */
export function makeDate(year: number, month: number, day: number): number {
  const y = year < 0 ? year + 1 : year;
  if (year === 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(y, month)) {
    throw overflow(`date field value out of range: ${year}-${p2(month)}-${p2(day)}`);
  }
  const days = daysFromCivil(y, month, day);
  if (days < DATE_MIN || days >= DATE_END)
    throw overflow(`date out of range: ${year}-${p2(month)}-${p2(day)}`);
  return days;
}

function clockOverflows(hour: number, minute: number, sec: number): boolean {
  return (
    hour < 0 ||
    minute < 0 ||
    minute > 59 ||
    !(sec >= 0) ||
    sec > 60 ||
    hour > 24 ||
    (hour === 24 && (minute > 0 || sec > 0))
  );
}

function clockMicros(hour: number, minute: number, sec: number): number {
  return (hour * 60 + minute) * 60 * USECS_PER_SEC + rint(sec * USECS_PER_SEC);
}

/** `make_time(hour, min, sec)`. */
export function makeTime(hour: number, minute: number, sec: number): number {
  if (clockOverflows(hour, minute, sec))
    throw overflow(`time field value out of range: ${hour}:${p2(minute)}:${p2g(sec)}`);
  const t = clockMicros(hour, minute, sec);
  if (t > USECS_PER_DAY) throw overflow(`time field value out of range: ${hour}:${p2(minute)}:${p2g(sec)}`);
  return t;
}

/** `%02g`. */
function p2g(x: number): string {
  const s = formatG(x);
  return s.length < 2 ? `0${s}` : s;
}

/** `make_timestamp(year, month, day, hour, min, sec)`; a negative year is BC. */
export function makeTimestamp(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  sec: number,
): number {
  const date = makeDate(year, month, day);
  if (clockOverflows(hour, minute, sec))
    throw overflow(`time field value out of range: ${hour}:${p2(minute)}:${p2g(sec)}`);
  const ts = date * USECS_PER_DAY + clockMicros(hour, minute, sec);
  if (!isValidTimestamp(ts)) {
    throw overflow(
      `timestamp out of range: ${year}-${p2(month)}-${p2(day)} ${hour}:${p2(minute)}:${p2g(sec)}`,
    );
  }
  return ts;
}

/** `make_timestamptz(…, [zone])`: the wall time read in `zone` (the session zone when omitted). */
export function makeTimestamptz(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  sec: number,
  zone: TimeZone,
): number {
  const local = makeTimestamp(year, month, day, hour, minute, sec);
  const ts = zone.localToUtc(local);
  if (!isValidTimestamp(ts)) throw overflow('timestamp out of range');
  return ts;
}

const ISO_OFFSET = /^([+-])(\d{1,2})(?::?(\d{2}))?(?::?(\d{2}))?$/;

/**
 * The zone argument of make_timestamptz and date_trunc: a numeric offset in ISO sign convention
 * (`+05` = 5 hours east), else a name as `timeZone` resolves it.
 */
export function zoneArgument(text: string): TimeZone {
  const m = ISO_OFFSET.exec(text.trim());
  if (m === null) return timeZone(text);
  const seconds = Number(m[2]) * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0);
  if (Number(m[2]) > 15)
    throw new DataError(SqlState.invalidParameterValue, `time zone "${text}" not recognized`);
  return fixedZone(m[1] === '-' ? -seconds : seconds);
}

/** The zone of `AT TIME ZONE INTERVAL '…'`: a fixed offset east; months and days are rejected. */
export function zoneFromInterval(iv: Interval, text: string): TimeZone {
  if (iv.months !== 0 || iv.days !== 0) {
    throw new DataError(
      SqlState.invalidParameterValue,
      `interval time zone "${text}" must not include months or days`,
    );
  }
  return fixedZone(Math.trunc(iv.micros / USECS_PER_SEC));
}

/** `make_interval(years, months, weeks, days, hours, mins, secs)`. */
export function makeInterval(
  years = 0,
  months = 0,
  weeks = 0,
  days = 0,
  hours = 0,
  mins = 0,
  secs = 0,
): Interval {
  if (!Number.isFinite(secs)) throw overflow('interval out of range');
  const micros = hours * USECS_PER_HOUR + mins * USECS_PER_MINUTE + rint(secs * USECS_PER_SEC);
  return checkedInterval(years * 12 + months, weeks * 7 + days, micros || 0);
}

/** Seconds between 1970-01-01 and PostgreSQL's own epoch 2000-01-01, where it does the rounding. */
const PG_EPOCH_SECS = 946_684_800;

/** `to_timestamp(double precision)`: Unix seconds → timestamptz, rounded to the microsecond. */
export function toTimestamp(seconds: number): number {
  if (Number.isNaN(seconds)) throw overflow('timestamp cannot be NaN');
  if (!Number.isFinite(seconds)) return seconds;
  if (seconds < TIMESTAMP_MIN / USECS_PER_SEC || seconds >= TIMESTAMP_END / USECS_PER_SEC) {
    throw overflow(`timestamp out of range: "${formatG(seconds)}"`);
  }
  const result = rint((seconds - PG_EPOCH_SECS) * USECS_PER_SEC) + PG_EPOCH_SECS * USECS_PER_SEC;
  if (!isValidTimestamp(result)) throw overflow(`timestamp out of range: "${formatG(seconds)}"`);
  return result;
}
