/**
 * @module common/datetime-format
 * Text output of date, time, timestamp, timestamptz and interval exactly as PostgreSQL prints them
 * with DateStyle ISO and IntervalStyle postgres. ±Infinity dates and timestamps print as
 * `infinity` / `-infinity`.
 */
import {
  civilFromDays,
  type DateTimeFields,
  fieldsFromMicros,
  fieldsFromTime,
  newFields,
  pad,
  USECS_PER_HOUR,
  USECS_PER_MINUTE,
  USECS_PER_SEC,
} from './datetime-calendar.ts';
import type { TimeZone } from './datetime-zone.ts';
import { UTC } from './datetime-zone.ts';
import type { Interval } from './interval.ts';

const scratch = newFields();

function infinity(value: number): string {
  return value > 0 ? 'infinity' : '-infinity';
}

function datePart(f: DateTimeFields): string {
  const year = f.year > 0 ? f.year : 1 - f.year;
  return `${pad(year, 4)}-${pad(f.month, 2)}-${pad(f.day, 2)}`;
}

/** `SS` or `SS.ffffff` with trailing zeros of the fraction dropped. */
export function secondsText(second: number, micros: number): string {
  if (micros === 0) return pad(second, 2);
  let frac = pad(micros, 6);
  let end = 6;
  while (frac.charCodeAt(end - 1) === 48) end--;
  frac = frac.slice(0, end);
  return `${pad(second, 2)}.${frac}`;
}

function timePart(f: DateTimeFields): string {
  return `${pad(f.hour, 2)}:${pad(f.minute, 2)}:${secondsText(f.second, f.micros)}`;
}

/** `date` text: `2024-01-31`, `0044-03-15 BC`, `infinity`. */
export function formatDate(days: number): string {
  if (!Number.isFinite(days)) return infinity(days);
  civilFromDays(days, scratch);
  return scratch.year > 0 ? datePart(scratch) : `${datePart(scratch)} BC`;
}

/** `time` text: `12:34:56.789`, `24:00:00`. */
export function formatTime(micros: number): string {
  fieldsFromTime(micros, scratch);
  return timePart(scratch);
}

/** `timestamp` text: `2024-01-31 12:34:56.123456`. */
export function formatTimestamp(micros: number): string {
  if (!Number.isFinite(micros)) return infinity(micros);
  fieldsFromMicros(micros, scratch);
  const text = `${datePart(scratch)} ${timePart(scratch)}`;
  return scratch.year > 0 ? text : `${text} BC`;
}

/** `timestamptz` text in `zone`: `2024-01-31 13:34:56+01`, offsets as `+05:30` when needed. */
export function formatTimestamptz(micros: number, zone: TimeZone = UTC): string {
  if (!Number.isFinite(micros)) return infinity(micros);
  const offset = zone.offsetAt(micros);
  fieldsFromMicros(micros + offset * USECS_PER_SEC, scratch);
  const text = `${datePart(scratch)} ${timePart(scratch)}${formatOffset(offset)}`;
  return scratch.year > 0 ? text : `${text} BC`;
}

/** A UTC offset (seconds east) as PostgreSQL appends it: `+00`, `-08`, `+05:30`, `+00:09:21`. */
export function formatOffset(offsetSec: number): string {
  const abs = Math.abs(offsetSec);
  const h = Math.floor(abs / 3600);
  const m = Math.floor((abs % 3600) / 60);
  const s = abs % 60;
  let text = `${offsetSec < 0 ? '-' : '+'}${pad(h, 2)}`;
  if (m !== 0 || s !== 0) text += `:${pad(m, 2)}`;
  if (s !== 0) text += `:${pad(s, 2)}`;
  return text;
}

/** `interval` text in IntervalStyle postgres: `1 year 2 mons -3 days +04:05:06.5`, `00:00:00`. */
export function formatInterval(iv: Interval): string {
  const year = Math.trunc(iv.months / 12);
  const month = iv.months - year * 12;
  let text = '';
  let negativeBefore = false;
  const part = (value: number, unit: string): void => {
    if (value === 0) return;
    const sign = negativeBefore && value > 0 ? '+' : '';
    text += `${text === '' ? '' : ' '}${sign}${value} ${unit}${value !== 1 ? 's' : ''}`;
    negativeBefore = value < 0;
  };
  part(year, 'year');
  part(month, 'mon');
  part(iv.days, 'day');
  const micros = iv.micros;
  if (text === '' || micros !== 0) {
    const abs = Math.abs(micros);
    const hours = Math.floor(abs / USECS_PER_HOUR);
    const minutes = Math.floor((abs - hours * USECS_PER_HOUR) / USECS_PER_MINUTE);
    const rest = abs - hours * USECS_PER_HOUR - minutes * USECS_PER_MINUTE;
    const seconds = Math.floor(rest / USECS_PER_SEC);
    const sign = micros < 0 ? '-' : negativeBefore ? '+' : '';
    const clock = `${pad(hours, 2)}:${pad(minutes, 2)}:${secondsText(seconds, rest - seconds * USECS_PER_SEC)}`;
    text += `${text === '' ? '' : ' '}${sign}${clock}`;
  }
  return text;
}
