/**
 * @module common/datetime-to-char
 * `to_char(timestamp | timestamptz | date, format)` with PostgreSQL's template patterns (the common
 * subset: see `patterns` below; FM and FX prefixes, TH/th suffixes, "quoted" text). A format string
 * is compiled once and cached, so per-row work is a walk over the compiled nodes.
 */
import {
  dayOfWeek,
  daysFromCivil,
  fieldsFromMicros,
  isoWeekOf,
  isoYearOf,
  isoYearStart,
  newFields,
  pad,
  tdiv,
  UNIX_EPOCH_JDN,
  USECS_PER_DAY,
  USECS_PER_SEC,
} from './datetime-calendar.ts';
import { type TimeZone, UTC } from './datetime-zone.ts';

/** Name-like patterns print in the letter case the template uses: `Month`, `MONTH`, `month`. */
const caseStyledPatterns = [
  'A.M.',
  'P.M.',
  'AM',
  'PM',
  'B.C.',
  'A.D.',
  'BC',
  'AD',
  'MONTH',
  'MON',
  'DAY',
  'DY',
  'RM',
  'TZ',
];
const caseStyled: ReadonlySet<string> = new Set(caseStyledPatterns);

/** Supported patterns, longest first so that `HH24` wins over `HH` and `YYYY` over `YY`. */
const patterns = [
  'Y,YYY',
  'YYYY',
  'YYY',
  'YY',
  'Y',
  'IYYY',
  'IYY',
  'IY',
  'I',
  'HH24',
  'HH12',
  'HH',
  'MI',
  'SSSSS',
  'SSSS',
  'SS',
  'MS',
  'US',
  'FF1',
  'FF2',
  'FF3',
  'FF4',
  'FF5',
  'FF6',
  'MM',
  'DDD',
  'IDDD',
  'DD',
  'D',
  'ID',
  'WW',
  'IW',
  'W',
  'CC',
  'J',
  'Q',
  'TZH',
  'TZM',
  'OF',
  ...caseStyledPatterns,
].sort((a, b) => b.length - a.length);

type Style = 'upper' | 'lower' | 'capital';

interface Node {
  /** Pattern name in upper case, or null for literal text. */
  pattern: string | null;
  text: string;
  fm: boolean;
  th: '' | 'TH' | 'th';
  style: Style;
}

const monthNames = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const dayNames = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const romanMonths = ['I', 'II', 'III', 'IV', 'V', 'VI', 'VII', 'VIII', 'IX', 'X', 'XI', 'XII'];

const compiled = new Map<string, Node[]>();

function styleOf(text: string): Style {
  if (text === text.toUpperCase()) return 'upper';
  if (text === text.toLowerCase()) return 'lower';
  return 'capital';
}

/** PostgreSQL matches a pattern in upper or lower case, and name patterns also capitalised. */
function spelled(text: string, pattern: string): boolean {
  if (text === pattern || text === pattern.toLowerCase()) return true;
  return caseStyled.has(pattern) && text === pattern[0] + pattern.slice(1).toLowerCase();
}

function compile(format: string): Node[] {
  const nodes: Node[] = [];
  let literal = '';
  let i = 0;
  const flush = (): void => {
    if (literal !== '') nodes.push({ pattern: null, text: literal, fm: false, th: '', style: 'upper' });
    literal = '';
  };
  while (i < format.length) {
    const c = format[i];
    if (c === '"') {
      let j = i + 1;
      while (j < format.length && format[j] !== '"') {
        if (format[j] === '\\' && j + 1 < format.length) j++;
        literal += format[j];
        j++;
      }
      i = j + 1;
      continue;
    }
    if (c === '\\' && format[i + 1] === '"') {
      literal += '"';
      i += 2;
      continue;
    }
    let fm = false;
    let j = i;
    for (;;) {
      const prefix = format.slice(j, j + 2);
      if (prefix === 'FM' || prefix === 'fm') fm = true;
      else if (prefix !== 'FX' && prefix !== 'fx') break;
      j += 2;
    }
    const pattern = patterns.find((p) => spelled(format.slice(j, j + p.length), p));
    if (pattern === undefined) {
      literal += c;
      i++;
      continue;
    }
    flush();
    const text = format.slice(j, j + pattern.length);
    j += pattern.length;
    const suffix = format.slice(j, j + 2);
    const th = suffix === 'TH' || suffix === 'th' ? suffix : '';
    if (th !== '') j += 2;
    nodes.push({ pattern, text, fm, th, style: caseStyled.has(pattern) ? styleOf(text) : 'upper' });
    i = j;
  }
  flush();
  return nodes;
}

function styled(name: string, style: Style): string {
  return style === 'upper' ? name.toUpperCase() : style === 'lower' ? name.toLowerCase() : name;
}

function ordinal(n: number, upper: boolean): string {
  const last2 = Math.abs(n) % 100;
  const last = Math.abs(n) % 10;
  const s =
    last2 >= 11 && last2 <= 13 ? 'th' : last === 1 ? 'st' : last === 2 ? 'nd' : last === 3 ? 'rd' : 'th';
  return upper ? s.toUpperCase() : s;
}

function num(n: number, width: number, node: Node): string {
  let s = node.fm ? String(Math.abs(n)) : pad(Math.abs(n), width);
  if (n < 0) s = `-${s}`;
  return node.th === '' ? s : s + ordinal(n, node.th === 'TH');
}

const f = newFields();

/** What a pattern reads: the local wall time, its UTC offset and zone (null for timestamp). */
interface Moment {
  local: number;
  offset: number;
  zone: TimeZone | null;
  utc: number;
}

function render(node: Node, m: Moment): string {
  const year = f.year;
  const adjYear = year > 0 ? year : 1 - year;
  const days = Math.floor(m.local / USECS_PER_DAY);
  const hour12 = f.hour % 12 === 0 ? 12 : f.hour % 12;
  const pm = f.hour >= 12;
  switch (node.pattern) {
    case 'Y,YYY':
      return `${tdiv(adjYear, 1000)},${pad(adjYear % 1000, 3)}`;
    case 'YYYY':
      return num(adjYear, 4, node);
    case 'YYY':
      return num(adjYear % 1000, 3, node);
    case 'YY':
      return num(adjYear % 100, 2, node);
    case 'Y':
      return num(adjYear % 10, 1, node);
    case 'IYYY':
      return num(isoYearOf(days, year), 4, node);
    case 'IYY':
      return num(isoYearOf(days, year) % 1000, 3, node);
    case 'IY':
      return num(isoYearOf(days, year) % 100, 2, node);
    case 'I':
      return num(isoYearOf(days, year) % 10, 1, node);
    case 'HH24':
      return num(f.hour, 2, node);
    case 'HH12':
    case 'HH':
      return num(hour12, 2, node);
    case 'MI':
      return num(f.minute, 2, node);
    case 'SS':
      return num(f.second, 2, node);
    case 'SSSS':
    case 'SSSSS':
      return num(f.hour * 3600 + f.minute * 60 + f.second, 1, node);
    case 'MS':
      return pad(tdiv(f.micros, 1000), 3);
    case 'US':
      return pad(f.micros, 6);
    case 'AM':
    case 'PM':
      return styled(pm ? 'PM' : 'AM', node.style);
    case 'A.M.':
    case 'P.M.':
      return styled(pm ? 'P.M.' : 'A.M.', node.style);
    case 'BC':
    case 'AD':
      return styled(year > 0 ? 'AD' : 'BC', node.style);
    case 'B.C.':
    case 'A.D.':
      return styled(year > 0 ? 'A.D.' : 'B.C.', node.style);
    case 'MONTH':
      return names(monthNames[f.month - 1], node, 9);
    case 'MON':
      return styled(monthNames[f.month - 1].slice(0, 3), node.style);
    case 'MM':
      return num(f.month, 2, node);
    case 'DAY':
      return names(dayNames[dayOfWeek(days)], node, 9);
    case 'DY':
      return styled(dayNames[dayOfWeek(days)].slice(0, 3), node.style);
    case 'DDD':
      return num(days - daysFromCivil(year, 1, 1) + 1, 3, node);
    case 'IDDD':
      return num(days - isoYearStart(isoYearOf(days, year)) + 1, 3, node);
    case 'DD':
      return num(f.day, 2, node);
    case 'D':
      return num(dayOfWeek(days) + 1, 1, node);
    case 'ID':
      return num(dayOfWeek(days) || 7, 1, node);
    case 'WW':
      return num(tdiv(days - daysFromCivil(year, 1, 1), 7) + 1, 2, node);
    case 'IW':
      return num(isoWeekOf(days, year), 2, node);
    case 'W':
      return num(tdiv(f.day - 1, 7) + 1, 1, node);
    case 'CC':
      return num(year > 0 ? tdiv(year - 1, 100) + 1 : tdiv(year, 100) - 1, 2, node);
    case 'J':
      return num(days + UNIX_EPOCH_JDN, 1, node);
    case 'Q':
      return num(tdiv(f.month - 1, 3) + 1, 1, node);
    case 'RM':
      return names(romanMonths[f.month - 1], node, 4);
    default:
      return zonePart(node, m);
  }
}

function zonePart(node: Node, m: Moment): string {
  const abs = Math.abs(m.offset);
  const sign = m.offset < 0 ? '-' : '+';
  switch (node.pattern) {
    case 'TZ':
      return m.zone === null ? '' : styled(m.zone.abbreviationAt(m.utc), node.style);
    case 'TZH':
      return `${sign}${pad(tdiv(abs, 3600), 2)}`;
    case 'TZM':
      return pad(tdiv(abs % 3600, 60), 2);
    case 'OF': {
      const minutes = tdiv(abs % 3600, 60);
      return `${sign}${pad(tdiv(abs, 3600), 2)}${minutes !== 0 ? `:${pad(minutes, 2)}` : ''}`;
    }
    default: {
      const digits = Number(node.pattern?.slice(2));
      return pad(f.micros, 6).slice(0, digits);
    }
  }
}

function names(name: string, node: Node, width: number): string {
  const s = styled(name, node.style);
  return node.fm ? s : s.padEnd(width, ' ');
}

function run(format: string, m: Moment): string {
  let nodes = compiled.get(format);
  if (nodes === undefined) {
    nodes = compile(format);
    if (compiled.size >= 1000) compiled.clear();
    compiled.set(format, nodes);
  }
  fieldsFromMicros(m.local, f);
  let out = '';
  for (const node of nodes) out += node.pattern === null ? node.text : render(node, m);
  return out;
}

const moment: Moment = { local: 0, offset: 0, zone: null, utc: 0 };

/** `to_char(timestamp, format)`; null for infinite timestamps, as PostgreSQL. */
export function toCharTimestamp(ts: number, format: string): string | null {
  if (!Number.isFinite(ts)) return null;
  moment.local = ts;
  moment.offset = 0;
  moment.zone = null;
  moment.utc = ts;
  return run(format, moment);
}

/** `to_char(timestamptz, format)`, rendered in `zone`. */
export function toCharTimestamptz(ts: number, format: string, zone: TimeZone = UTC): string | null {
  if (!Number.isFinite(ts)) return null;
  moment.offset = zone.offsetAt(ts);
  moment.local = ts + moment.offset * USECS_PER_SEC;
  moment.zone = zone;
  moment.utc = ts;
  return run(format, moment);
}

/** `to_char(date, format)`: PostgreSQL casts the date to timestamptz in the session zone first. */
export function toCharDate(days: number, format: string, zone: TimeZone = UTC): string | null {
  if (!Number.isFinite(days)) return null;
  return toCharTimestamptz(zone.localToUtc(days * USECS_PER_DAY), format, zone);
}
