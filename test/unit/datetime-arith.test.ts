/**
 * @module test/unit/datetime-arith
 * Date/time arithmetic, differences, `age` and casts, checked against answers recorded from
 * PostgreSQL 15 under three session zones (UTC, Europe/Paris, America/New_York across DST changes).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as D from '../../src/common/datetime.ts';
import { EddyError } from '../../src/common/errors.ts';

/** PostgreSQL 15 answers with TimeZone = UTC. */
const utcCases: [string, string][] = [
  ['ts+iv|2024-01-31 12:00|1 mon', '2024-02-29 12:00:00'],
  ['ts+iv|2024-01-31|1 mon 1 day', '2024-03-01 00:00:00'],
  ['ts+iv|2024-02-29|1 year', '2025-02-28 00:00:00'],
  ['ts+iv|2024-03-31|-1 mon', '2024-02-29 00:00:00'],
  ['ts+iv|2024-01-31 23:00|2 hours', '2024-02-01 01:00:00'],
  ['ts+iv|2024-01-31|-13 mons', '2022-12-31 00:00:00'],
  ['ts+iv|2024-12-15|1 mon', '2025-01-15 00:00:00'],
  ['ts+iv|infinity|1 day', 'infinity'],
  ['ts+iv|294276-12-31|1 day', 'ERR 22008 timestamp out of range'],
  ['ts+iv|2024-01-01|1 year 2 mons 3 days 04:05:06.5', '2025-03-04 04:05:06.5'],
  ['ts-iv|2024-03-31|1 mon', '2024-02-29 00:00:00'],
  ['ts-iv|2024-01-01|1 day 00:00:01', '2023-12-30 23:59:59'],
  ['tz+iv|2024-03-30 12:00 Europe/Paris|1 day', '2024-03-31 11:00:00+00'],
  ['ts-ts|2024-01-31 12:00|2024-01-01', '30 days 12:00:00'],
  ['ts-ts|2024-01-01|2024-01-31 12:00', '-30 days -12:00:00'],
  ['ts-ts|2024-01-31 12:00:00.5|2024-01-31 12:00:01', '-00:00:00.5'],
  ['ts-ts|2024-03-01|2023-03-01', '366 days'],
  ['ts-ts|infinity|2024-01-01', 'ERR 22008 cannot subtract infinite timestamps'],
  ['d+i|2024-01-31|1', '2024-02-01'],
  ['d+i|2024-12-31|365', '2025-12-31'],
  ['d+i|infinity|1', 'infinity'],
  ['d+i|5874897-12-31|1', 'ERR 22008 date out of range'],
  ['d-i|2024-03-01|1', '2024-02-29'],
  ['d-d|2024-03-01|2024-02-01', '29'],
  ['d-d|2024-01-01|2025-01-01', '-366'],
  ['d-d|infinity|2024-01-01', 'ERR 22008 cannot subtract infinite dates'],
  ['d+iv|2024-01-31|1 mon', '2024-02-29 00:00:00'],
  ['d+iv|2024-01-31|1 hour', '2024-01-31 01:00:00'],
  ['d-iv|2024-03-31|1 mon 1 hour', '2024-02-28 23:00:00'],
  ['d+t|2024-01-31|12:34:56.5', '2024-01-31 12:34:56.5'],
  ['d+t|2024-01-31|24:00', '2024-02-01 00:00:00'],
  ['t+iv|23:00|2 hours', '01:00:00'],
  ['t+iv|01:00|-2 hours', '23:00:00'],
  ['t+iv|12:00|1 day 01:00', '13:00:00'],
  ['t-t|12:00|13:30', '-01:30:00'],
  ['age|2024-01-31|2023-12-31', '1 mon'],
  ['age|2024-03-01|2024-01-31', '1 mon 1 day'],
  ['age|2024-01-31|2024-03-01', '-1 mons -1 days'],
  ['age|2001-04-10|1957-06-13', '43 years 9 mons 27 days'],
  ['age|1957-06-13|2001-04-10', '-43 years -9 mons -27 days'],
  ['age|2024-01-01 00:00:00.5|2023-12-31 23:59:59.75', '00:00:00.75'],
  ['age|2024-02-29|2023-03-31', '10 mons 29 days'],
  ['age|2023-03-31|2024-02-29', '-10 mons -29 days'],
  ['agetz|2024-03-31 12:00|2024-03-30 12:00', '1 day'],
];

/** PostgreSQL 15 answers with TimeZone = Europe/Paris. */
const parisCases: [string, string][] = [
  ['tz+iv|2024-03-30 12:00 Europe/Paris|1 day', '2024-03-31 12:00:00+02'],
];

/** PostgreSQL 15 answers with TimeZone = America/New_York (DST edges). */
const newYorkCases: [string, string][] = [
  ['tz+iv|2024-03-09 12:00|1 day', '2024-03-10 12:00:00-04'],
  ['tz+iv|2024-03-09 12:00|24 hours', '2024-03-10 13:00:00-04'],
  ['tz+iv|2024-03-10 01:30|1 hour', '2024-03-10 03:30:00-04'],
  ['tz+iv|2024-02-10 02:30|1 mon', '2024-03-10 03:30:00-04'],
  ['tz+iv|2024-11-02 01:30|1 day', '2024-11-03 01:30:00-05'],
  ['tz+iv|2024-10-31 12:00|1 mon 1 day 1 hour', '2024-12-01 13:00:00-05'],
  ['tz-iv|2024-03-11 00:00|1 day', '2024-03-10 00:00:00-05'],
  ['tz-tz|2024-03-11 00:00|2024-03-10 00:00', '23:00:00'],
  ['tr.tz|day|2024-03-10 12:00', '2024-03-10 00:00:00-05'],
  ['tr.tz|hour|2024-11-03 01:30-05', '2024-11-03 01:00:00-05'],
  ['tr.tz|hour|2024-11-03 01:30-04', '2024-11-03 01:00:00-04'],
  ['tr.tz|week|2024-03-12 12:00', '2024-03-11 00:00:00-04'],
  ['tr.tz|month|2024-03-12 12:00', '2024-03-01 00:00:00-05'],
  ['tr.tz|year|2024-07-12 12:00', '2024-01-01 00:00:00-05'],
  ['tr.tz|minute|2024-11-03 01:30:30-05', '2024-11-03 01:30:00-05'],
  ['agetz|2024-03-11 00:00|2024-03-10 00:00', '1 day'],
  ['agetz|2024-04-01|2024-03-01 12:00', '30 days 12:00:00'],
  ['ex.tz|timezone|2024-07-01', '-14400'],
  ['ex.tz|timezone_hour|2024-01-01', '-5'],
  ['ex.tz|hour|2024-11-03 01:30-05', '1'],
  ['ex.tz|epoch|2024-11-03 01:30-05', '1730615400.000000'],
  ['c.d2tz|2024-03-10', '2024-03-10 00:00:00-05'],
  ['c.tz2d|2024-03-10 03:00+00', '2024-03-09'],
  ['c.ts2tz|2024-03-10 02:30', '2024-03-10 03:30:00-04'],
  ['c.ts2tz|2024-11-03 01:30', '2024-11-03 01:30:00-05'],
  ['c.tz2ts|2024-11-03 06:30+00', '2024-11-03 01:30:00'],
  ['tc.tz|YYYY-MM-DD HH24:MI TZ OF|2024-07-04 12:00', '2024-07-04 12:00 EDT -04'],
  ['tc.tz|YYYY-MM-DD HH24:MI TZ OF TZH TZM|2024-01-04 12:00', '2024-01-04 12:00 EST -05 -05 00'],
  ['tc.d|YYYY-MM-DD HH24:MI TZ|2024-07-04', '2024-07-04 00:00 EDT'],
  ['mktz|2024|3|10|2|30|0', '2024-03-10 03:30:00-04'],
  ['mktz|2024|11|3|1|30|0', '2024-11-03 01:30:00-05'],
  ['tots|1706704496.5', '2024-01-31 07:34:56.5-05'],
  ['tots|0', '1969-12-31 19:00:00-05'],
];

function evaluate(spec: string, zone: D.TimeZone): string {
  const [op, a, b = ''] = spec.split('|');
  const ts = D.parseTimestamp;
  const tz = (text: string): number => D.parseTimestamptz(text, zone);
  const ftz = (micros: number): string => D.formatTimestamptz(micros, zone);
  const { parseDate: date, parseTime: time, parseInterval: iv, formatTimestamp: fts, formatInterval: fi } = D;
  switch (op) {
    case 'ts+iv':
      return fts(D.addIntervalToTimestamp(ts(a), iv(b)));
    case 'ts-iv':
      return fts(D.subtractIntervalFromTimestamp(ts(a), iv(b)));
    case 'tz+iv':
      return ftz(D.addIntervalToTimestamptz(tz(a), iv(b), zone));
    case 'tz-iv':
      return ftz(D.subtractIntervalFromTimestamptz(tz(a), iv(b), zone));
    case 'ts-ts':
      return fi(D.subtractTimestamps(ts(a), ts(b)));
    case 'tz-tz':
      return fi(D.subtractTimestamps(tz(a), tz(b)));
    case 'd+i':
      return D.formatDate(D.addDaysToDate(date(a), Number(b)));
    case 'd-i':
      return D.formatDate(D.subtractDaysFromDate(date(a), Number(b)));
    case 'd-d':
      return String(D.subtractDates(date(a), date(b)));
    case 'd+iv':
      return fts(D.addIntervalToDate(date(a), iv(b)));
    case 'd-iv':
      return fts(D.subtractIntervalFromDate(date(a), iv(b)));
    case 'd+t':
      return fts(D.addTimeToDate(date(a), time(b)));
    case 't+iv':
      return D.formatTime(D.addIntervalToTime(time(a), iv(b)));
    case 't-t':
      return fi(D.subtractTimes(time(a), time(b)));
    case 'age':
      return fi(D.age(ts(a), ts(b)));
    case 'agetz':
      return fi(D.ageTz(tz(a), tz(b), zone));
    case 'c.d2tz':
      return ftz(D.dateToTimestamptz(date(a), zone));
    case 'c.tz2d':
      return D.formatDate(D.timestamptzToDate(tz(a), zone));
    case 'c.ts2tz':
      return ftz(D.timestampToTimestamptz(ts(a), zone));
    case 'c.tz2ts':
      return fts(D.timestamptzToTimestamp(tz(a), zone));
    default:
      return evaluateFunction(op, a, b, zone);
  }
}

/** The few function cases recorded under America/New_York. */
function evaluateFunction(op: string, a: string, b: string, zone: D.TimeZone): string {
  switch (op) {
    case 'tr.tz':
      return D.formatTimestamptz(D.truncTimestamptz(a, D.parseTimestamptz(b, zone), zone), zone);
    case 'ex.tz':
      return String(D.extractTimestamptz(a, D.parseTimestamptz(b, zone), zone));
    case 'tc.tz':
      return D.toCharTimestamptz(D.parseTimestamptz(b, zone), a, zone) ?? '';
    case 'tc.d':
      return D.toCharDate(D.parseDate(b), a, zone) ?? '';
    case 'tots':
      return D.formatTimestamptz(D.toTimestamp(Number(a)), zone);
    default:
      throw new Error(`unknown case ${op}`);
  }
}

function attempt(spec: string, zone: D.TimeZone): string {
  try {
    return evaluate(spec, zone);
  } catch (e) {
    if (!(e instanceof EddyError)) throw e;
    return `ERR ${e.code} ${e.message}`;
  }
}

/** `mktz` cases carry six numbers; the rest at most two text arguments. */
function attemptSpec(spec: string, zone: D.TimeZone): string {
  if (!spec.startsWith('mktz|')) return attempt(spec, zone);
  const n = spec.split('|').slice(1).map(Number);
  return D.formatTimestamptz(D.makeTimestamptz(n[0], n[1], n[2], n[3], n[4], n[5], zone), zone);
}

const zones: [string, [string, string][]][] = [
  ['UTC', utcCases],
  ['Europe/Paris', parisCases],
  ['America/New_York', newYorkCases],
];
for (const [name, cases] of zones) {
  const zone = D.timeZone(name);
  for (const [spec, expected] of cases) {
    test(`${name}: ${spec}`, () => {
      const actual = attemptSpec(spec, zone);
      if (spec.startsWith('ex.')) assert.equal(Number(actual), Number(expected));
      else assert.equal(actual, expected);
    });
  }
}

test('timestamp arithmetic keeps the value forms: micros in, micros out', () => {
  const start = D.parseTimestamp('2024-01-31 00:00');
  assert.equal(
    D.addIntervalToTimestamp(start, D.parseInterval('1 mon')),
    D.parseTimestamp('2024-02-29 00:00'),
  );
  assert.equal(D.addDaysToDate(D.parseDate('2024-02-28'), 2), D.parseDate('2024-03-01'));
  assert.equal(
    D.addIntervalToTimestamp(Number.POSITIVE_INFINITY, D.parseInterval('1 day')),
    Number.POSITIVE_INFINITY,
  );
});

test('overflow is 22008 timestamp out of range / date out of range', () => {
  const last = D.parseTimestamp('294276-12-31 00:00');
  assert.throws(() => D.addIntervalToTimestamp(last, D.parseInterval('1 day')), {
    code: '22008',
    message: 'timestamp out of range',
  });
  assert.throws(() => D.addDaysToDate(D.parseDate('5874897-12-31'), 1), {
    code: '22008',
    message: 'date out of range',
  });
});
