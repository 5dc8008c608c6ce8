/**
 * @module common/datetime-interval-parse
 * `interval` text input as PostgreSQL 15 reads it: `1 year 2 mons`, `1 day 02:03:04`, `-1 day`,
 * `@ 1 minute ago`, SQL-standard `1-2` and `1 2:03:04`, ISO 8601 `P1Y2M3DT4H5M6S`, and bare numbers
 * read through an optional field qualifier (`INTERVAL '10' SECOND`), which also truncates the result.
 */
import { rint, USECS_PER_DAY, USECS_PER_HOUR, USECS_PER_MINUTE, USECS_PER_SEC } from './datetime-calendar.ts';
import { type OrdinaryUnit, ordinaryUnit } from './datetime-units.ts';
import { DataError, SqlState } from './errors.ts';
import { checkedInterval, type Interval } from './interval.ts';

/** The interval field qualifiers of SQL: a single field or an `X TO Y` range. */
export type IntervalField =
  | 'YEAR'
  | 'MONTH'
  | 'DAY'
  | 'HOUR'
  | 'MINUTE'
  | 'SECOND'
  | 'YEAR TO MONTH'
  | 'DAY TO HOUR'
  | 'DAY TO MINUTE'
  | 'DAY TO SECOND'
  | 'HOUR TO MINUTE'
  | 'HOUR TO SECOND'
  | 'MINUTE TO SECOND';

/** The units an interval counts in: the ordinary field names, less those PostgreSQL's DecodeInterval rejects. */
type Unit = Exclude<OrdinaryUnit, 'quarter' | 'timezone' | 'timezone_hour' | 'timezone_minute'>;

/** One bit per field, to reject a field given twice (`1 day 1 day`) as PostgreSQL does. */
const fieldBit: Record<Unit | 'time', number> = {
  microseconds: 1,
  milliseconds: 2,
  second: 4,
  minute: 8,
  hour: 16,
  day: 32,
  week: 64,
  month: 128,
  year: 256,
  decade: 512,
  century: 1024,
  millennium: 2048,
  time: 16 | 8 | 4 | 2 | 1,
};

/** The unit a bare number takes under each qualifier (PostgreSQL: the rightmost field). */
const defaultUnit: Record<IntervalField, Unit> = {
  YEAR: 'year',
  MONTH: 'month',
  'YEAR TO MONTH': 'month',
  DAY: 'day',
  HOUR: 'hour',
  'DAY TO HOUR': 'hour',
  MINUTE: 'minute',
  'HOUR TO MINUTE': 'minute',
  'DAY TO MINUTE': 'minute',
  SECOND: 'second',
  'MINUTE TO SECOND': 'second',
  'HOUR TO SECOND': 'second',
  'DAY TO SECOND': 'second',
};

/** Accumulates the fields; reused across calls (parsing is synchronous). */
const acc = { months: 0, days: 0, micros: 0 };

class IntervalFailure {
  readonly kind: number;
  constructor(kind: number) {
    this.kind = kind;
  }
}

const BAD = new IntervalFailure(0);
/** A field's value does not fit (`1:60`, `2147483648 days`). */
const OVERFLOW = new IntervalFailure(1);
/** The sum does not fit an interval. */
const INTERVAL_RANGE = new IntervalFailure(2);

type Token = { kind: 'number' | 'time' | 'yearmonth' | 'word'; text: string };

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)/;
const TIME_TAIL = /^:[\d:.]*/;
const YEAR_MONTH_TAIL = /^-\d+/;
const WORD = /^[a-z]+/;
const SPACE = /^[\s,@]+/;

function tokenize(s: string): Token[] {
  const tokens: Token[] = [];
  let rest = s;
  while (rest.length > 0) {
    let m = SPACE.exec(rest);
    if (m !== null) {
      rest = rest.slice(m[0].length);
      continue;
    }
    m = NUMBER.exec(rest);
    if (m !== null) {
      let text = m[0];
      rest = rest.slice(text.length);
      const time = TIME_TAIL.exec(rest);
      const ym = text.includes('.') ? null : YEAR_MONTH_TAIL.exec(rest);
      if (time !== null && !text.includes('.')) {
        text += time[0];
        rest = rest.slice(time[0].length);
        tokens.push({ kind: 'time', text });
      } else if (ym !== null) {
        text += ym[0];
        rest = rest.slice(ym[0].length);
        tokens.push({ kind: 'yearmonth', text });
      } else {
        tokens.push({ kind: 'number', text });
      }
      continue;
    }
    m = WORD.exec(rest);
    if (m === null) throw BAD;
    rest = rest.slice(m[0].length);
    tokens.push({ kind: 'word', text: m[0] });
  }
  return tokens;
}

function addMonths(n: number): void {
  acc.months += n;
  if (acc.months < -2_147_483_648 || acc.months > 2_147_483_647) throw INTERVAL_RANGE;
}

function addDays(n: number): void {
  acc.days += n;
  if (acc.days < -2_147_483_648 || acc.days > 2_147_483_647) throw OVERFLOW;
}

function addFractionMicros(frac: number, scale: number): void {
  if (frac === 0) return;
  const x = frac * scale;
  const whole = Math.trunc(x);
  acc.micros += whole + rint(x - whole);
}

function addFractionDays(frac: number, scale: number): void {
  if (frac === 0) return;
  const x = frac * scale;
  const whole = Math.trunc(x);
  addDays(whole);
  addFractionMicros(x - whole, USECS_PER_DAY);
}

/** Adds `whole + frac` of `unit`, with PostgreSQL's spill of fractions into smaller fields. */
function addUnit(unit: Unit, whole: number, frac: number): void {
  switch (unit) {
    case 'microseconds':
      acc.micros += whole;
      addFractionMicros(frac, 1);
      return;
    case 'milliseconds':
      acc.micros += whole * 1000;
      addFractionMicros(frac, 1000);
      return;
    case 'second':
      acc.micros += whole * USECS_PER_SEC;
      addFractionMicros(frac, USECS_PER_SEC);
      return;
    case 'minute':
      acc.micros += whole * USECS_PER_MINUTE;
      addFractionMicros(frac, USECS_PER_MINUTE);
      return;
    case 'hour':
      acc.micros += whole * USECS_PER_HOUR;
      addFractionMicros(frac, USECS_PER_HOUR);
      return;
    case 'day':
      addDays(whole);
      addFractionMicros(frac, USECS_PER_DAY);
      return;
    case 'week':
      addDays(whole * 7);
      addFractionDays(frac, 7);
      return;
    case 'month':
      addMonths(whole);
      addFractionDays(frac, 30);
      return;
    default: {
      const years = unit === 'year' ? 1 : unit === 'decade' ? 10 : unit === 'century' ? 100 : 1000;
      addMonths(whole * years * 12);
      addMonths(rint(frac * years * 12));
    }
  }
}

/** `h:mm`, `h:mm:ss[.f]`, `mm:ss.f` (and `mm:ss` under MINUTE TO SECOND) → micros. */
function clockMicros(text: string, minuteToSecond: boolean): number {
  const parts = text.split(':');
  if (parts.length > 3 || parts.some((p) => p === '')) throw BAD;
  const last = parts[parts.length - 1];
  const dot = last.indexOf('.');
  if (dot >= 0 && parts.length === 1) throw BAD;
  const frac = dot < 0 ? 0 : rint(Number(`0${last.slice(dot)}`) * USECS_PER_SEC);
  const lastWhole = Number(dot < 0 ? last : last.slice(0, dot));
  if (Number.isNaN(frac) || Number.isNaN(lastWhole)) throw BAD;
  let h = Number(parts[0]);
  let m: number;
  let s: number;
  if (parts.length === 3) {
    m = Number(parts[1]);
    s = lastWhole;
  } else if (dot >= 0 || minuteToSecond) {
    m = h;
    h = 0;
    s = lastWhole;
  } else {
    m = lastWhole;
    s = 0;
  }
  if (Number.isNaN(m) || m > 59 || s > 60) throw OVERFLOW;
  return h * USECS_PER_HOUR + m * USECS_PER_MINUTE + s * USECS_PER_SEC + frac;
}

function splitNumber(text: string): [number, number] {
  const value = Number(text);
  if (Number.isNaN(value)) throw BAD;
  const whole = Math.trunc(value);
  if (!Number.isSafeInteger(whole)) throw OVERFLOW;
  return [whole || 0, value - whole];
}

/** PostgreSQL's DecodeInterval: fields are read right to left, so a unit names the number before it. */
function decodeFields(tokens: Token[], field: IntervalField | undefined): void {
  let unit: Unit | null = null;
  let implied: Unit = field === undefined ? 'second' : defaultUnit[field];
  let seen = 0;
  let ago = false;
  for (let i = tokens.length - 1; i >= 0; i--) {
    const t = tokens[i];
    let bit: number;
    if (t.kind === 'word') {
      if (t.text === 'ago') ago = true;
      else if (unit !== null) throw BAD;
      else unit = intervalUnit(t.text);
      continue;
    }
    const sign = t.text.charCodeAt(0);
    const negative = sign === 45;
    const body = sign === 45 || sign === 43 ? t.text.slice(1) : t.text;
    if (t.kind === 'time') {
      if (unit !== null) throw BAD;
      const micros = clockMicros(body, field === 'MINUTE TO SECOND');
      acc.micros += negative ? -micros : micros;
      bit = fieldBit.time;
      implied = 'day';
    } else if (t.kind === 'yearmonth') {
      if (unit !== null && unit !== 'month') throw BAD;
      const dash = body.indexOf('-');
      const months = Number(body.slice(dash + 1));
      if (months >= 12) throw OVERFLOW;
      addMonths((negative ? -1 : 1) * (Number(body.slice(0, dash)) * 12 + months));
      bit = fieldBit.month;
      implied = 'month';
    } else {
      const u = unit ?? implied;
      const [whole, frac] = splitNumber(t.text);
      addUnit(u, whole, frac);
      bit = u === 'second' && frac !== 0 ? fieldBit.time & 7 : fieldBit[u];
      implied = u === 'hour' ? 'day' : u;
    }
    unit = null;
    if ((seen & bit) !== 0) throw BAD;
    seen |= bit;
  }
  if (seen === 0 || unit !== null) throw BAD;
  if (ago) {
    acc.months = -acc.months;
    acc.days = -acc.days;
    acc.micros = -acc.micros;
  }
}

function intervalUnit(word: string): Unit {
  const unit = ordinaryUnit(word);
  switch (unit) {
    case undefined:
    case 'quarter':
    case 'timezone':
    case 'timezone_hour':
    case 'timezone_minute':
      throw BAD;
    default:
      return unit;
  }
}

function badUnit(): never {
  throw BAD;
}

const isoDateUnits: ReadonlyMap<string, Unit> = new Map<string, Unit>([
  ['y', 'year'],
  ['m', 'month'],
  ['w', 'week'],
  ['d', 'day'],
]);
const isoTimeUnits: ReadonlyMap<string, Unit> = new Map<string, Unit>([
  ['h', 'hour'],
  ['m', 'minute'],
  ['s', 'second'],
]);
const ISO_PART = /^(-?\d*\.?\d*)([ymwdhs])/;
const ISO_ALTERNATIVE = /^p(\d{4})-(\d{2})-(\d{2})(?:t(\d{2}):(\d{2}):(\d{2}(?:\.\d*)?))?$/;

/** ISO 8601 `P…` durations, in the designator form or the alternative `P0001-02-03T04:05:06`. */
function decodeIso(s: string): void {
  const alt = ISO_ALTERNATIVE.exec(s);
  if (alt !== null) {
    addMonths(Number(alt[1]) * 12 + Number(alt[2]));
    addDays(Number(alt[3]));
    if (alt[4] !== undefined) {
      acc.micros += Number(alt[4]) * USECS_PER_HOUR + Number(alt[5]) * USECS_PER_MINUTE;
      acc.micros += rint(Number(alt[6]) * USECS_PER_SEC);
    }
    return;
  }
  let rest = s.slice(1);
  let timePart = false;
  if (rest === '') throw BAD;
  while (rest.length > 0) {
    if (rest[0] === 't') {
      if (timePart) throw BAD;
      timePart = true;
      rest = rest.slice(1);
      continue;
    }
    const m = ISO_PART.exec(rest);
    if (m === null || m[1] === '' || m[1] === '-' || m[1] === '.') throw BAD;
    rest = rest.slice(m[0].length);
    const [whole, frac] = splitNumber(m[1]);
    const unit = (timePart ? isoTimeUnits : isoDateUnits).get(m[2]) ?? badUnit();
    if (unit === 'year') {
      addMonths(whole * 12 + rint(frac * 12));
    } else {
      addUnit(unit, whole, frac);
    }
  }
}

/** Truncates the fields below the qualifier's last field, as PostgreSQL's interval typmod does. */
export function truncateIntervalToField(iv: Interval, field: IntervalField): Interval {
  let { months, days, micros } = iv;
  switch (field) {
    case 'YEAR':
      months = Math.trunc(months / 12) * 12;
      days = 0;
      micros = 0;
      break;
    case 'MONTH':
    case 'YEAR TO MONTH':
      days = 0;
      micros = 0;
      break;
    case 'DAY':
      micros = 0;
      break;
    case 'HOUR':
    case 'DAY TO HOUR':
      micros = Math.trunc(micros / USECS_PER_HOUR) * USECS_PER_HOUR;
      break;
    case 'MINUTE':
    case 'DAY TO MINUTE':
    case 'HOUR TO MINUTE':
      micros = Math.trunc(micros / USECS_PER_MINUTE) * USECS_PER_MINUTE;
      break;
    default:
      return iv;
  }
  return checkedInterval(months || 0, days || 0, micros || 0);
}

/**
 * `interval` input. `field` is the SQL qualifier of `INTERVAL '…' <field>`: it decides the unit of
 * a bare number and truncates smaller fields. Errors: 22007 for bad syntax, 22008 for overflow.
 */
export function parseInterval(text: string, field?: IntervalField): Interval {
  acc.months = 0;
  acc.days = 0;
  acc.micros = 0;
  const s = text.trim().toLowerCase();
  try {
    if (s.startsWith('p')) decodeIso(s);
    else decodeFields(tokenize(s), field);
  } catch (e) {
    if (!(e instanceof IntervalFailure)) throw e;
    if (e.kind === 2) throw new DataError(SqlState.datetimeFieldOverflow, 'interval out of range');
    if (e.kind === 1)
      throw new DataError(SqlState.datetimeFieldOverflow, `interval field value out of range: "${text}"`);
    throw new DataError(SqlState.invalidDatetimeFormat, `invalid input syntax for type interval: "${text}"`);
  }
  if (Math.abs(acc.micros) >= 2 ** 63) {
    throw new DataError(SqlState.datetimeFieldOverflow, `interval field value out of range: "${text}"`);
  }
  const iv = checkedInterval(acc.months || 0, acc.days || 0, acc.micros || 0);
  return field === undefined ? iv : truncateIntervalToField(iv, field);
}
