/**
 * @module common/datetime-zone
 * Time zones for timestamptz: fixed offsets and IANA names (rules from the runtime's Intl/ICU data).
 * A `TimeZone` answers "offset east of UTC at this instant" and "which instant is this local wall
 * time", memoising Intl lookups per hour so hot loops rarely touch Intl.
 */

import { daysFromCivil, pad, SECS_PER_DAY, USECS_PER_SEC } from './datetime-calendar.ts';
import { DataError, SqlState } from './errors.ts';

const SECS_PER_HOUR = 3600;
/** Shifting by 400 Gregorian years keeps weekdays and leap years, so future DST rules repeat. */
const SECS_PER_400_YEARS = 146_097 * SECS_PER_DAY;
const LOOKUP_MIN_SEC = daysFromCivil(1800, 1, 1) * SECS_PER_DAY;
const LOOKUP_MAX_SEC = daysFromCivil(2400, 1, 1) * SECS_PER_DAY;
const CACHE_ENTRIES_MAX = 50_000;
/** Mid-winter and mid-summer 2024 (UTC micros): instants whose abbreviations ICU knows. */
const ABBREVIATION_REFERENCES = [1_705_320_000_000_000, 1_721_044_800_000_000];

interface HourEntry {
  /** Offset (seconds east) at the start of the hour and from `switchAt` on. */
  before: number;
  after: number;
  /** UTC second at which the offset changes inside this hour, or +Infinity. */
  switchAt: number;
}

export class TimeZone {
  /** The name as the user gave it or its canonical form (for display and errors). */
  readonly name: string;
  /** Seconds east of UTC when the zone never changes offset, else null. */
  readonly fixedOffset: number | null;
  readonly #format: Intl.DateTimeFormat | null;
  readonly #hours = new Map<number, HourEntry>();
  #abbrFormats: Intl.DateTimeFormat[] | null = null;

  constructor(name: string, fixedOffset: number | null, format: Intl.DateTimeFormat | null) {
    this.name = name;
    this.fixedOffset = fixedOffset;
    this.#format = format;
  }

  /** Offset in seconds east of UTC in effect at the UTC instant `utcMicros`. */
  offsetAt(utcMicros: number): number {
    if (this.fixedOffset !== null) return this.fixedOffset;
    let sec = Math.floor(utcMicros / USECS_PER_SEC);
    if (sec < LOOKUP_MIN_SEC) sec = LOOKUP_MIN_SEC;
    else if (sec >= LOOKUP_MAX_SEC)
      sec -= Math.ceil((sec - LOOKUP_MAX_SEC + 1) / SECS_PER_400_YEARS) * SECS_PER_400_YEARS;
    const hour = Math.floor(sec / SECS_PER_HOUR);
    let entry = this.#hours.get(hour);
    if (entry === undefined) entry = this.#fillHour(hour);
    return sec < entry.switchAt ? entry.before : entry.after;
  }

  /**
   * The UTC instant of a local wall time. In a spring-forward gap the offset before the change is
   * used; in a fall-back overlap the later (after the change) reading wins, as PostgreSQL does.
   */
  localToUtc(localMicros: number): number {
    if (this.fixedOffset !== null) return localMicros - this.fixedOffset * USECS_PER_SEC;
    const day = SECS_PER_DAY * USECS_PER_SEC;
    const before = this.offsetAt(localMicros - day);
    const after = this.offsetAt(localMicros + day);
    const utcAfter = localMicros - after * USECS_PER_SEC;
    if (before === after || this.offsetAt(utcAfter) === after) return utcAfter;
    return localMicros - before * USECS_PER_SEC;
  }

  /** The zone abbreviation at an instant (`CET`, `EST`, `UTC`), or a numeric one like `+0530`. */
  abbreviationAt(utcMicros: number): string {
    if (this.#format === null)
      return this.fixedOffset === 0 ? this.name.toUpperCase() : numericAbbreviation(this.offsetAt(utcMicros));
    const offset = this.offsetAt(utcMicros);
    const known = zoneAbbreviations.get(this.#format.resolvedOptions().timeZone)?.get(offset);
    if (known !== undefined) return known;
    const direct = this.#intlAbbreviation(utcMicros);
    if (direct !== null) return direct;
    // ICU often names only present-day rules; tzdata calls odd historical offsets local mean time.
    if (offset % 900 !== 0) return 'LMT';
    for (const reference of ABBREVIATION_REFERENCES) {
      if (this.offsetAt(reference) === offset) {
        const named = this.#intlAbbreviation(reference);
        if (named !== null) return named;
      }
    }
    return numericAbbreviation(offset);
  }

  #intlAbbreviation(utcMicros: number): string | null {
    const format = this.#format;
    if (format === null) return null;
    if (this.#abbrFormats === null) {
      const timeZone = format.resolvedOptions().timeZone;
      this.#abbrFormats = [
        new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'short' }),
        new Intl.DateTimeFormat('en-GB', { timeZone, timeZoneName: 'short' }),
      ];
    }
    const date = new Date(Math.floor(utcMicros / 1000));
    for (const abbrFormat of this.#abbrFormats) {
      const parts = abbrFormat.formatToParts(date);
      const abbr = parts.find((p) => p.type === 'timeZoneName')?.value ?? '';
      if (abbr !== '' && (abbr === 'GMT' || abbr === 'UTC' || !abbr.startsWith('GMT'))) return abbr;
    }
    return null;
  }

  #fillHour(hour: number): HourEntry {
    if (this.#hours.size >= CACHE_ENTRIES_MAX) this.#hours.clear();
    const start = hour * SECS_PER_HOUR;
    const before = this.#intlOffset(start);
    const after = this.#intlOffset(start + SECS_PER_HOUR);
    let switchAt = Number.POSITIVE_INFINITY;
    if (before !== after) {
      let lo = start;
      let hi = start + SECS_PER_HOUR;
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (this.#intlOffset(mid) === before) lo = mid;
        else hi = mid;
      }
      switchAt = hi;
    }
    const entry = { before, after: before === after ? before : after, switchAt };
    this.#hours.set(hour, entry);
    return entry;
  }

  #intlOffset(sec: number): number {
    const format = this.#format;
    if (format === null) return 0;
    let year = 0;
    let month = 0;
    let day = 0;
    let hour = 0;
    let minute = 0;
    let second = 0;
    let bc = false;
    for (const part of format.formatToParts(new Date(sec * 1000))) {
      switch (part.type) {
        case 'year':
          year = Number(part.value);
          break;
        case 'month':
          month = Number(part.value);
          break;
        case 'day':
          day = Number(part.value);
          break;
        case 'hour':
          hour = Number(part.value);
          break;
        case 'minute':
          minute = Number(part.value);
          break;
        case 'second':
          second = Number(part.value);
          break;
        case 'era':
          bc = part.value.startsWith('B');
          break;
        default:
          break;
      }
    }
    if (bc) year = 1 - year;
    const local = daysFromCivil(year, month, day) * SECS_PER_DAY + hour * 3600 + minute * 60 + second;
    return local - sec;
  }
}

function abbrevs(entries: [number, string][], ...zones: string[]): [string, ReadonlyMap<number, string>][] {
  const map = new Map(entries);
  return zones.map((zone) => [zone, map]);
}

/**
 * tzdata's abbreviations for zones where ICU's English names fall back to `GMT+n`, by offset.
 * ICU (through Intl) supplies the rest, and a numeric form like `+0530` is the last resort.
 */
const zoneAbbreviations: ReadonlyMap<string, ReadonlyMap<number, string>> = new Map([
  ...abbrevs([[19_800, 'IST']], 'Asia/Calcutta', 'Asia/Kolkata'),
  ...abbrevs(
    [
      [7200, 'IST'],
      [10_800, 'IDT'],
    ],
    'Asia/Jerusalem',
  ),
  ...abbrevs(
    [
      [0, 'GMT'],
      [3600, 'BST'],
    ],
    'Europe/London',
  ),
  ...abbrevs(
    [
      [0, 'GMT'],
      [3600, 'IST'],
    ],
    'Europe/Dublin',
  ),
  ...abbrevs(
    [
      [3600, 'CET'],
      [7200, 'CEST'],
    ],
    'Europe/Paris',
    'Europe/Berlin',
    'Europe/Madrid',
    'Europe/Rome',
    'Europe/Amsterdam',
    'Europe/Brussels',
    'Europe/Vienna',
    'Europe/Zurich',
    'Europe/Stockholm',
    'Europe/Oslo',
    'Europe/Copenhagen',
    'Europe/Prague',
    'Europe/Warsaw',
    'Europe/Budapest',
    'Europe/Belgrade',
  ),
  ...abbrevs(
    [
      [7200, 'EET'],
      [10_800, 'EEST'],
    ],
    'Europe/Athens',
    'Europe/Helsinki',
    'Europe/Kiev',
    'Europe/Kyiv',
    'Europe/Bucharest',
    'Europe/Sofia',
    'Africa/Cairo',
  ),
  ...abbrevs(
    [
      [0, 'WET'],
      [3600, 'WEST'],
    ],
    'Europe/Lisbon',
  ),
  ...abbrevs([[10_800, 'MSK']], 'Europe/Moscow'),
  ...abbrevs([[32_400, 'JST']], 'Asia/Tokyo'),
  ...abbrevs([[32_400, 'KST']], 'Asia/Seoul'),
  ...abbrevs([[28_800, 'CST']], 'Asia/Shanghai', 'Asia/Taipei'),
  ...abbrevs([[28_800, 'HKT']], 'Asia/Hong_Kong'),
  ...abbrevs([[28_800, 'PST']], 'Asia/Manila'),
  ...abbrevs([[18_000, 'PKT']], 'Asia/Karachi'),
  ...abbrevs([[25_200, 'WIB']], 'Asia/Jakarta'),
  ...abbrevs([[7200, 'SAST']], 'Africa/Johannesburg'),
  ...abbrevs([[3600, 'WAT']], 'Africa/Lagos'),
  ...abbrevs([[10_800, 'EAT']], 'Africa/Nairobi'),
  ...abbrevs(
    [
      [36_000, 'AEST'],
      [39_600, 'AEDT'],
    ],
    'Australia/Sydney',
    'Australia/Melbourne',
    'Australia/Hobart',
    'Australia/Brisbane',
  ),
  ...abbrevs(
    [
      [34_200, 'ACST'],
      [37_800, 'ACDT'],
    ],
    'Australia/Adelaide',
    'Australia/Darwin',
  ),
  ...abbrevs([[28_800, 'AWST']], 'Australia/Perth'),
  ...abbrevs(
    [
      [43_200, 'NZST'],
      [46_800, 'NZDT'],
    ],
    'Pacific/Auckland',
  ),
]);

function numericAbbreviation(offset: number): string {
  const abs = Math.abs(offset);
  const h = Math.floor(abs / 3600);
  const m = Math.floor((abs % 3600) / 60);
  const s = abs % 60;
  return `${offset < 0 ? '-' : '+'}${pad(h, 2)}${m !== 0 || s !== 0 ? pad(m, 2) : ''}${s !== 0 ? pad(s, 2) : ''}`;
}

/** A zone with a constant offset (seconds east of UTC). */
export function fixedZone(offsetSec: number, name?: string): TimeZone {
  return new TimeZone(name ?? numericAbbreviation(offsetSec), offsetSec, null);
}

export const UTC: TimeZone = fixedZone(0, 'UTC');

/**
 * Abbreviations PostgreSQL's default `timezone_abbreviations` set knows, in seconds east of UTC
 * (a common subset; PostgreSQL reads its full list from a configuration file).
 */
const abbreviations: ReadonlyMap<string, number> = new Map([
  ['utc', 0],
  ['gmt', 0],
  ['z', 0],
  ['zulu', 0],
  ['ut', 0],
  ['wet', 0],
  ['west', 3600],
  ['bst', 3600],
  ['cet', 3600],
  ['cest', 7200],
  ['met', 3600],
  ['mest', 7200],
  ['eet', 7200],
  ['eest', 10_800],
  ['msk', 10_800],
  ['ist', 7200],
  ['est', -18_000],
  ['edt', -14_400],
  ['cst', -21_600],
  ['cdt', -18_000],
  ['mst', -25_200],
  ['mdt', -21_600],
  ['pst', -28_800],
  ['pdt', -25_200],
  ['akst', -32_400],
  ['akdt', -28_800],
  ['hst', -36_000],
  ['ast', -14_400],
  ['adt', -10_800],
  ['nst', -12_600],
  ['ndt', -9000],
  ['jst', 32_400],
  ['kst', 32_400],
  ['hkt', 28_800],
  ['sgt', 28_800],
  ['awst', 28_800],
  ['acst', 34_200],
  ['acdt', 37_800],
  ['aest', 36_000],
  ['aedt', 39_600],
  ['nzst', 43_200],
  ['nzdt', 46_800],
]);

/** Seconds east of UTC of a zone abbreviation, or undefined. `key` must be lower case. */
export function abbreviationOffset(key: string): number | undefined {
  return abbreviations.get(key);
}

const zoneCache = new Map<string, TimeZone | null>();
const posixZone = /^([a-z]{3,})?([+-]?)(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?$/;

/**
 * Resolves a zone name as `SET TIME ZONE` and `AT TIME ZONE` take it: an abbreviation (`EST`),
 * an IANA name (`Europe/Paris`, any case) or a POSIX-style offset (`UTC+3`, `+05`), where — as in
 * POSIX and PostgreSQL — a positive number means west of Greenwich. Returns null when unknown.
 */
export function findTimeZone(name: string): TimeZone | null {
  const cached = zoneCache.get(name);
  if (cached !== undefined) return cached;
  const zone = resolveZone(name);
  if (zoneCache.size >= 10_000) zoneCache.clear();
  zoneCache.set(name, zone);
  return zone;
}

/** `findTimeZone`, throwing PostgreSQL's 22023 `time zone "x" not recognized` when unknown. */
export function timeZone(name: string): TimeZone {
  const zone = findTimeZone(name);
  if (zone === null)
    throw new DataError(SqlState.invalidParameterValue, `time zone "${name}" not recognized`);
  return zone;
}

function resolveZone(name: string): TimeZone | null {
  const key = name.toLowerCase();
  const abbr = abbreviations.get(key);
  if (abbr !== undefined) return fixedZone(abbr, name.toUpperCase());
  const m = posixZone.exec(key);
  if (m !== null) {
    const seconds = Number(m[3]) * 3600 + Number(m[4] ?? 0) * 60 + Number(m[5] ?? 0);
    if (Number(m[3]) > 24) return null;
    return fixedZone(m[2] === '-' ? seconds : -seconds, name);
  }
  if (!/^[a-z][a-z0-9_+\-/]*$/.test(key)) return null;
  try {
    const format = new Intl.DateTimeFormat('en-US', {
      timeZone: name,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    const canonical = format.resolvedOptions().timeZone;
    if (canonical === 'UTC' || canonical === 'Etc/UTC' || canonical === 'Etc/GMT') return fixedZone(0, name);
    return new TimeZone(name, null, format);
  } catch {
    return null;
  }
}
