/**
 * @module common/datetime-parse
 * Text input of date, time, timestamp and timestamptz as PostgreSQL 15 reads it (DateStyle MDY):
 * ISO and SQL forms, month names, `T` separators, AM/PM, BC, offsets, zone abbreviations and IANA
 * names. `infinity`/`-infinity` become ±Infinity. Errors carry PostgreSQL's SQLSTATE and wording.
 */
import {
  DATE_END,
  DATE_MIN,
  daysFromCivil,
  daysInMonth,
  isValidTimestamp,
  rint,
  USECS_PER_DAY,
  USECS_PER_SEC,
} from './datetime-calendar.ts';
import { type Field, splitFields } from './datetime-lex.ts';
import { abbreviationOffset, findTimeZone, type TimeZone, UTC } from './datetime-zone.ts';
import { DataError, FeatureNotSupportedError, SqlState } from './errors.ts';

type TypeName = 'date' | 'time' | 'timestamp' | 'timestamp with time zone';

/** What the decoder found; reused across calls (parsing is synchronous). */
interface Decoded {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  micros: number;
  hasDate: boolean;
  hasTime: boolean;
  yearDigits: number;
  bc: boolean;
  ampm: 0 | 1 | 2;
  /** Explicit offset in seconds east, or NaN. */
  offset: number;
  zone: TimeZone | null;
  special: number;
}

const d: Decoded = {
  year: 0,
  month: 0,
  day: 0,
  hour: 0,
  minute: 0,
  second: 0,
  micros: 0,
  hasDate: false,
  hasTime: false,
  yearDigits: 0,
  bc: false,
  ampm: 0,
  offset: Number.NaN,
  zone: null,
  special: 0,
};

function reset(): void {
  d.year = d.month = d.day = d.hour = d.minute = d.second = d.micros = 0;
  d.hasDate = d.hasTime = d.bc = false;
  d.yearDigits = 0;
  d.ampm = 0;
  d.offset = Number.NaN;
  d.zone = null;
  d.special = 0;
}

const DIGITS = /^\d+$/;
const OPTIONAL_DIGITS = /^\d*$/;
const DATE_SEPARATOR = /[-/.]/;

const SYNTAX = 1;
const RANGE = 2;
const TZ_RANGE = 3;

const monthNames: ReadonlyMap<string, number> = new Map([
  ['jan', 1],
  ['january', 1],
  ['feb', 2],
  ['february', 2],
  ['mar', 3],
  ['march', 3],
  ['apr', 4],
  ['april', 4],
  ['may', 5],
  ['jun', 6],
  ['june', 6],
  ['jul', 7],
  ['july', 7],
  ['aug', 8],
  ['august', 8],
  ['sep', 9],
  ['sept', 9],
  ['september', 9],
  ['oct', 10],
  ['october', 10],
  ['nov', 11],
  ['november', 11],
  ['dec', 12],
  ['december', 12],
]);

const ignoredWords: ReadonlySet<string> = new Set([
  'sun',
  'sunday',
  'mon',
  'monday',
  'tue',
  'tues',
  'tuesday',
  'wed',
  'weds',
  'wednesday',
  'thu',
  'thur',
  'thurs',
  'thursday',
  'fri',
  'friday',
  'sat',
  'saturday',
  'at',
  'on',
  't',
  'ad',
]);

const clockWords: ReadonlySet<string> = new Set(['now', 'today', 'tomorrow', 'yesterday']);

class DecodeFailure {
  readonly kind: number;
  readonly message: string | null;
  constructor(kind: number, message: string | null = null) {
    this.kind = kind;
    this.message = message;
  }
}

function fail(kind: number): never {
  throw new DecodeFailure(kind);
}

function decodeField(f: Field, textMonth: boolean, prev: Field | null): void {
  switch (f.kind) {
    case 'date':
      if (d.hasDate) fail(SYNTAX);
      decodeDelimitedDate(f.text);
      return;
    case 'time':
      if (d.hasTime) fail(SYNTAX);
      decodeClock(f.text);
      return;
    case 'number':
      decodeNumber(f.text, textMonth, prev);
      return;
    case 'offset':
      if (!Number.isNaN(d.offset) || d.zone !== null) fail(SYNTAX);
      d.offset = decodeOffset(f.text);
      return;
    case 'zone':
      if (!Number.isNaN(d.offset) || d.zone !== null) fail(SYNTAX);
      d.zone = findTimeZone(f.text);
      if (d.zone === null) throw new DecodeFailure(0, `time zone "${f.text}" not recognized`);
      return;
    case 'word':
      decodeWord(f.text);
      return;
  }
}

function decodeWord(w: string): void {
  const month = monthNames.get(w);
  if (month !== undefined) {
    if (d.month !== 0) fail(SYNTAX);
    d.month = month;
    return;
  }
  if (ignoredWords.has(w)) return;
  switch (w) {
    case 'am':
    case 'pm':
      if (d.ampm !== 0) fail(SYNTAX);
      d.ampm = w === 'am' ? 1 : 2;
      return;
    case 'bc':
      d.bc = true;
      return;
    case 'infinity':
    case '+infinity':
      d.special = Number.POSITIVE_INFINITY;
      return;
    case '-infinity':
      d.special = Number.NEGATIVE_INFINITY;
      return;
    case 'epoch':
      d.special = 1;
      return;
    case 'allballs':
      d.hasTime = true;
      return;
    default:
      break;
  }
  if (clockWords.has(w))
    throw new DecodeFailure(-1, `"${w}" depends on the current time and is not supported in this context`);
  if (!Number.isNaN(d.offset) || d.zone !== null) fail(SYNTAX);
  const abbr = abbreviationOffset(w);
  if (abbr !== undefined) {
    d.offset = abbr;
    return;
  }
  const zone = findTimeZone(w);
  if (zone === null) fail(SYNTAX);
  d.zone = zone;
}

function setYear(text: string): void {
  d.year = Number(text);
  d.yearDigits = text.length;
}

/** `2024-01-31`, `01/31/2024`, `31-jan-2024`, `2024.01.31`: MDY unless the first part is a year. */
function decodeDelimitedDate(text: string): void {
  const parts = text.split(DATE_SEPARATOR);
  if (parts.length !== 3) fail(SYNTAX);
  let nums: string[] = [];
  for (const p of parts) {
    const m = monthNames.get(p);
    if (m !== undefined) {
      if (d.month !== 0) fail(SYNTAX);
      d.month = m;
    } else if (DIGITS.test(p)) nums.push(p);
    else fail(SYNTAX);
  }
  if (d.month !== 0) {
    if (nums.length !== 2) fail(SYNTAX);
    // With a month name: `2024-jan-31` and `jan-31-2024` / `31-jan-2024`.
    if (nums[0].length >= 3 || Number(nums[0]) > 31) [nums[0], nums[1]] = [nums[1], nums[0]];
    d.day = Number(nums[0]);
    setYear(nums[1]);
  } else if (nums[0].length >= 3) {
    setYear(nums[0]);
    d.month = Number(nums[1]);
    d.day = Number(nums[2]);
  } else {
    nums = nums.slice();
    d.month = Number(nums[0]);
    d.day = Number(nums[1]);
    setYear(nums[2]);
  }
  d.hasDate = true;
}

/** `hh:mm`, `hh:mm:ss`, `hh:mm:ss.ffffff`, and `mm:ss.ff` when the second part has a fraction. */
function decodeClock(text: string): void {
  const parts = text.split(':');
  if (parts.length < 2 || parts.length > 3) fail(SYNTAX);
  for (let i = 0; i < parts.length - 1; i++) if (!DIGITS.test(parts[i])) fail(SYNTAX);
  const last = parts[parts.length - 1];
  const dot = last.indexOf('.');
  const whole = dot < 0 ? last : last.slice(0, dot);
  if (!DIGITS.test(whole) || (dot >= 0 && !OPTIONAL_DIGITS.test(last.slice(dot + 1)))) fail(SYNTAX);
  const micros = dot < 0 ? 0 : rint(Number(`0${last.slice(dot)}`) * USECS_PER_SEC);
  if (parts.length === 2 && dot >= 0) {
    d.minute = Number(parts[0]);
    d.second = Number(whole);
  } else {
    d.hour = Number(parts[0]);
    d.minute = Number(parts.length === 2 ? whole : parts[1]);
    d.second = parts.length === 3 ? Number(whole) : 0;
  }
  d.micros = micros;
  d.hasTime = true;
}

/** Bare digit strings: `20240131`, `240131`, `123456` (after a date), or one part of a date. */
function decodeNumber(text: string, textMonth: boolean, prev: Field | null): void {
  const dot = text.indexOf('.');
  const digits = dot < 0 ? text : text.slice(0, dot);
  const afterT =
    (prev !== null && prev.kind === 'word' && prev.text === 't') ||
    (timeOnly && d.yearDigits === 0 && d.month === 0);
  if (
    (d.hasDate || afterT) &&
    !d.hasTime &&
    (digits.length === 6 || digits.length === 4 || (afterT && digits.length === 2))
  ) {
    d.hour = Number(digits.slice(0, 2));
    d.minute = digits.length >= 4 ? Number(digits.slice(2, 4)) : 0;
    d.second = digits.length === 6 ? Number(digits.slice(4, 6)) : 0;
    d.micros = dot < 0 ? 0 : rint(Number(`0${text.slice(dot)}`) * USECS_PER_SEC);
    d.hasTime = true;
    return;
  }
  if (dot >= 0) fail(SYNTAX);
  if (
    !d.hasDate &&
    !textMonth &&
    d.year === 0 &&
    d.day === 0 &&
    (digits.length === 8 || digits.length === 6)
  ) {
    const yearLength = digits.length - 4;
    setYear(digits.slice(0, yearLength));
    d.month = Number(digits.slice(yearLength, yearLength + 2));
    d.day = Number(digits.slice(yearLength + 2));
    d.hasDate = true;
    return;
  }
  if (d.hasDate) fail(SYNTAX);
  const value = Number(digits);
  if (digits.length >= 3 || value > 31 || (d.day !== 0 && d.yearDigits === 0)) {
    if (d.yearDigits !== 0) fail(SYNTAX);
    setYear(digits);
  } else if (d.day === 0) {
    d.day = value;
  } else {
    fail(SYNTAX);
  }
  if (d.month !== 0 && d.day !== 0 && d.yearDigits !== 0) d.hasDate = true;
}

/** `+hh`, `-hhmm`, `+hh:mm`, `+hh:mm:ss` → seconds east of UTC (ISO sign convention). */
function decodeOffset(text: string): number {
  const sign = text.charCodeAt(0) === 45 ? -1 : 1;
  const body = text.slice(1);
  let h: number;
  let m = 0;
  let s = 0;
  if (body.includes(':')) {
    const parts = body.split(':');
    if (parts.length > 3 || parts.some((p) => !DIGITS.test(p))) fail(SYNTAX);
    h = Number(parts[0]);
    m = Number(parts[1]);
    s = parts.length === 3 ? Number(parts[2]) : 0;
  } else if (DIGITS.test(body)) {
    if (body.length <= 2) h = Number(body);
    else if (body.length <= 4) {
      h = Number(body.slice(0, body.length - 2));
      m = Number(body.slice(-2));
    } else {
      h = Number(body.slice(0, body.length - 4));
      m = Number(body.slice(-4, -2));
      s = Number(body.slice(-2));
    }
  } else {
    fail(SYNTAX);
  }
  if (h > 15 || m >= 60 || s >= 60) fail(TZ_RANGE);
  return sign * (h * 3600 + m * 60 + s);
}

/** Checks and completes the decoded fields; returns the time of day in micros. */
function finishTime(): number {
  if (d.ampm !== 0) {
    if (d.hour < 1 || d.hour > 12) fail(RANGE);
    if (d.ampm === 1 && d.hour === 12) d.hour = 0;
    else if (d.ampm === 2 && d.hour !== 12) d.hour += 12;
  }
  if (d.minute > 59 || d.second > 60 || d.hour > 24) fail(RANGE);
  const time = ((d.hour * 60 + d.minute) * 60 + d.second) * USECS_PER_SEC + d.micros;
  if (time > USECS_PER_DAY) fail(RANGE);
  return time;
}

/** Checks and completes the decoded date; returns days since 1970-01-01. */
function finishDate(): number {
  if (!d.hasDate) {
    if (d.month !== 0 && d.day !== 0 && d.yearDigits !== 0) d.hasDate = true;
    else fail(SYNTAX);
  }
  let year = d.year;
  if (d.bc) {
    if (year <= 0) fail(RANGE);
    year = 1 - year;
  } else if (d.yearDigits <= 2) {
    year += year < 70 ? 2000 : 1900;
  } else if (year === 0) {
    fail(RANGE);
  }
  if (d.month < 1 || d.month > 12 || d.day < 1 || d.day > daysInMonth(year, d.month)) fail(RANGE);
  return daysFromCivil(year, d.month, d.day);
}

/** True while parsing `time` input, where a bare `hhmmss` number is a time, not a date. */
let timeOnly = false;

function decode(text: string, forTime = false): void {
  reset();
  timeOnly = forTime;
  const fields = splitFields(text);
  if (fields === null || fields.length === 0) fail(SYNTAX);
  let textMonth = false;
  for (const f of fields) if (f.kind === 'word' && monthNames.has(f.text)) textMonth = true;
  let prev: Field | null = null;
  for (const f of fields) {
    decodeField(f, textMonth, prev);
    prev = f;
  }
  if (d.special !== 0 && fields.length !== 1) fail(SYNTAX);
}

function report(e: unknown, type: TypeName, text: string): never {
  if (!(e instanceof DecodeFailure)) throw e;
  if (e.kind === -1) throw new FeatureNotSupportedError(e.message ?? '');
  if (e.kind === 0) throw new DataError(SqlState.invalidParameterValue, e.message ?? '');
  if (e.kind === RANGE)
    throw new DataError(SqlState.datetimeFieldOverflow, `date/time field value out of range: "${text}"`);
  if (e.kind === TZ_RANGE)
    throw new DataError(
      SqlState.invalidTimeZoneDisplacementValue,
      `time zone displacement out of range: "${text}"`,
    );
  throw new DataError(SqlState.invalidDatetimeFormat, `invalid input syntax for type ${type}: "${text}"`);
}

function digitsAt(text: string, at: number, count: number): number {
  let value = 0;
  for (let i = at; i < at + count; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    value = value * 10 + c;
  }
  return value;
}

/** The UTC offset (seconds east) `fastIso` found after the time, or NaN when there was none. */
let fastOffset = Number.NaN;

/**
 * The common ISO forms `YYYY-MM-DD` and `YYYY-MM-DD[ T]HH:MM[:SS[.f…]][Z|±HH[:MM]]`, read without
 * the general decoder: local micros, or NaN when the text is anything else (the caller falls back).
 */
function fastIso(text: string, allowTime: boolean): number {
  const n = text.length;
  fastOffset = Number.NaN;
  if (n < 10 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return Number.NaN;
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return Number.NaN;
  const days = daysFromCivil(year, month, day);
  if (n === 10) return days * USECS_PER_DAY;
  const sep = text.charCodeAt(10);
  if (!allowTime || (sep !== 32 && sep !== 84) || n < 16 || text.charCodeAt(13) !== 58) return Number.NaN;
  const hour = digitsAt(text, 11, 2);
  const minute = digitsAt(text, 14, 2);
  let second = 0;
  let micros = 0;
  let p = 16;
  if (text.charCodeAt(p) === 58) {
    second = digitsAt(text, 17, 2);
    p = 19;
    if (text.charCodeAt(p) === 46) {
      let scale = 100_000;
      for (p = 20; p < n && scale >= 1; p++) {
        const c = text.charCodeAt(p) - 48;
        if (c < 0 || c > 9) break;
        micros += c * scale;
        scale /= 10;
      }
      if (p === 20 || (p < n && text.charCodeAt(p) >= 48 && text.charCodeAt(p) <= 57)) return Number.NaN;
    }
  }
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return Number.NaN;
  if (p < n && !fastZone(text, p)) return Number.NaN;
  return days * USECS_PER_DAY + ((hour * 60 + minute) * 60 + second) * USECS_PER_SEC + micros;
}

/** `Z`, `±HH`, `±HHMM` or `±HH:MM` ending the text at `p`; sets `fastOffset`. */
function fastZone(text: string, p: number): boolean {
  const n = text.length;
  const c = text.charCodeAt(p);
  if ((c === 90 || c === 122) && p + 1 === n) {
    fastOffset = 0;
    return true;
  }
  if (c !== 43 && c !== 45) return false;
  const h = digitsAt(text, p + 1, 2);
  let m = 0;
  if (p + 3 === n) m = 0;
  else if (p + 5 === n) m = digitsAt(text, p + 3, 2);
  else if (p + 6 === n && text.charCodeAt(p + 3) === 58) m = digitsAt(text, p + 4, 2);
  else return false;
  if (h < 0 || h > 15 || m < 0 || m > 59) return false;
  fastOffset = (c === 45 ? -1 : 1) * (h * 3600 + m * 60);
  return true;
}

/** `date` input → days since 1970-01-01 (±Infinity for `infinity`). */
export function parseDate(text: string): number {
  const fast = fastIso(text, false);
  if (!Number.isNaN(fast)) return fast / USECS_PER_DAY;
  let days: number;
  try {
    decode(text);
    if (d.special !== 0) return d.special === 1 ? 0 : d.special;
    days = finishDate();
    if (d.hasTime) finishTime();
  } catch (e) {
    report(e, 'date', text);
  }
  if (days < DATE_MIN || days >= DATE_END)
    throw new DataError(SqlState.datetimeFieldOverflow, `date out of range: "${text}"`);
  return days;
}

/** `time` input → microseconds since midnight (a date or zone in the text is accepted and ignored). */
export function parseTime(text: string): number {
  try {
    decode(text, true);
    if (d.special !== 0 || !d.hasTime) fail(SYNTAX);
    if (d.hasDate || d.yearDigits !== 0) finishDate();
    return finishTime();
  } catch (e) {
    return report(e, 'time', text);
  }
}

/** The local (wall-clock) micros of a decoded timestamp, before any zone is applied. */
function decodeLocal(text: string, type: TypeName): number {
  try {
    decode(text);
    if (d.special !== 0) return d.special === 1 ? 0 : d.special;
    const days = finishDate();
    return days * USECS_PER_DAY + finishTime();
  } catch (e) {
    return report(e, type, text);
  }
}

/** `timestamp` input → microseconds since 1970-01-01 (a zone in the text is ignored, as in PostgreSQL). */
export function parseTimestamp(text: string): number {
  const fast = fastIso(text, true);
  if (!Number.isNaN(fast)) return fast;
  const local = decodeLocal(text, 'timestamp');
  if (!Number.isFinite(local)) return local;
  if (!isValidTimestamp(local))
    throw new DataError(SqlState.datetimeFieldOverflow, `timestamp out of range: "${text}"`);
  return local;
}

/** `timestamptz` input → UTC microseconds; text without a zone is read in `sessionZone`. */
export function parseTimestamptz(text: string, sessionZone: TimeZone = UTC): number {
  const fast = fastIso(text, true);
  if (!Number.isNaN(fast)) {
    return checkedUtc(
      Number.isNaN(fastOffset) ? sessionZone.localToUtc(fast) : fast - fastOffset * USECS_PER_SEC,
      text,
    );
  }
  const local = decodeLocal(text, 'timestamp with time zone');
  if (!Number.isFinite(local)) return local;
  if (d.special === 1) return 0;
  let utc: number;
  if (!Number.isNaN(d.offset)) utc = local - d.offset * USECS_PER_SEC;
  else utc = (d.zone ?? sessionZone).localToUtc(local);
  return checkedUtc(utc, text);
}

function checkedUtc(utc: number, text: string): number {
  if (!isValidTimestamp(utc))
    throw new DataError(SqlState.datetimeFieldOverflow, `timestamp out of range: "${text}"`);
  return utc;
}
