/**
 * @module test/unit/datetime
 * Text input and output of date, time, timestamp and timestamptz, checked case by case against
 * answers recorded from PostgreSQL 15 (DateStyle ISO, MDY). `ERR <sqlstate> <message>` = an error.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  formatDate,
  formatInterval,
  formatOffset,
  formatTime,
  formatTimestamp,
  formatTimestamptz,
  parseDate,
  parseTime,
  parseTimestamp,
  parseTimestamptz,
  type TimeZone,
  timeZone,
  UTC,
} from '../../src/common/datetime.ts';
import { EddyError } from '../../src/common/errors.ts';
import { Interval } from '../../src/common/interval.ts';

/** PostgreSQL 15 answers with TimeZone = UTC. */
const utcCases: [string, string][] = [
  ['date|2024-01-31', '2024-01-31'],
  ['date|January 31, 2024', '2024-01-31'],
  ['date|20240131', '2024-01-31'],
  ['date|infinity', 'infinity'],
  ['date|-infinity', '-infinity'],
  ['date|epoch', '1970-01-01'],
  ['date|01/02/24', '2024-01-02'],
  ['date|31-Jan-2024', '2024-01-31'],
  ['date|Jan-31-2024', '2024-01-31'],
  ['date|2024-Jan-31', '2024-01-31'],
  ['date|1/2/2024', '2024-01-02'],
  ['date|2024.01.31', '2024-01-31'],
  ['date|0044-03-15 BC', '0044-03-15 BC'],
  ['date|01/02/70', '1970-01-02'],
  ['date|01/02/69', '2069-01-02'],
  ['date|1-2-3', '2003-01-02'],
  ['date|Jan 5 2024', '2024-01-05'],
  ['date|5 Jan 2024', '2024-01-05'],
  ['date|2024 Jan 5', '2024-01-05'],
  ['date|2024-02-30', 'ERR 22008 date/time field value out of range: "2024-02-30"'],
  ['date|2024-02-29', '2024-02-29'],
  ['date|2023-02-29', 'ERR 22008 date/time field value out of range: "2023-02-29"'],
  ['date|foo', 'ERR 22007 invalid input syntax for type date: "foo"'],
  ['date|2024-01-31 12:34', '2024-01-31'],
  ['date|5874898-01-01', 'ERR 22008 date out of range: "5874898-01-01"'],
  ['date|5874897-12-31', '5874897-12-31'],
  ['date|4714-11-24 BC', '4714-11-24 BC'],
  ['date|4714-11-23 BC', 'ERR 22008 date out of range: "4714-11-23 BC"'],
  ['date|0000-01-01', 'ERR 22008 date/time field value out of range: "0000-01-01"'],
  ['date|2024-13-01', 'ERR 22008 date/time field value out of range: "2024-13-01"'],
  ['date|2024-01-31T12:00:00Z', '2024-01-31'],
  ['date|  2024-01-31  ', '2024-01-31'],
  ['date|Wed Jan 31 2024', '2024-01-31'],
  ['date|2024-1-5', '2024-01-05'],
  ['date|12-31-2024', '2024-12-31'],
  ['date|2024/01/31', '2024-01-31'],
  ['date|10000-01-01', '10000-01-01'],
  ['date|99-01-02', 'ERR 22008 date/time field value out of range: "99-01-02"'],
  ['date|', 'ERR 22007 invalid input syntax for type date: ""'],
  ['date|2024-01', 'ERR 22007 invalid input syntax for type date: "2024-01"'],
  ['date|1999-12-31 BC', '1999-12-31 BC'],
  ['time|12:34:56.789', '12:34:56.789'],
  ['time|12:34', '12:34:00'],
  ['time|24:00', '24:00:00'],
  ['time|24:00:01', 'ERR 22008 date/time field value out of range: "24:00:01"'],
  ['time|25:00', 'ERR 22008 date/time field value out of range: "25:00"'],
  ['time|23:59:60', '24:00:00'],
  ['time|12:34+02', '12:34:00'],
  ['time|2024-01-31 12:34', '12:34:00'],
  ['time|allballs', '00:00:00'],
  ['time|12:34:56.9999999', '12:34:57'],
  ['time|1:2:3 pm', '13:02:03'],
  ['time|12:00 am', '00:00:00'],
  ['time|13:00 pm', 'ERR 22008 date/time field value out of range: "13:00 pm"'],
  ['time|12:60', 'ERR 22008 date/time field value out of range: "12:60"'],
  ['time|foo', 'ERR 22007 invalid input syntax for type time: "foo"'],
  ['time|2024-01-31', 'ERR 22007 invalid input syntax for type time: "2024-01-31"'],
  ['time|04:05:06 PST', '04:05:06'],
  ['time|040506', '04:05:06'],
  ['time|12:34:56.123456789', '12:34:56.123457'],
  ['timestamp|2024-01-31 12:34:56.123456', '2024-01-31 12:34:56.123456'],
  ['timestamp|2024-01-31T12:34:56', '2024-01-31 12:34:56'],
  ['timestamp|2024-01-31 12:34:56.5+02', '2024-01-31 12:34:56.5'],
  ['timestamp|infinity', 'infinity'],
  ['timestamp|-infinity', '-infinity'],
  ['timestamp|epoch', '1970-01-01 00:00:00'],
  ['timestamp|2024-01-31 24:00', '2024-02-01 00:00:00'],
  ['timestamp|2024-01-31 24:00:01', 'ERR 22008 date/time field value out of range: "2024-01-31 24:00:01"'],
  ['timestamp|294277-01-01', 'ERR 22008 timestamp out of range: "294277-01-01"'],
  ['timestamp|4714-11-24 00:00 BC', '4714-11-24 00:00:00 BC'],
  ['timestamp|4714-11-23 23:59 BC', 'ERR 22008 timestamp out of range: "4714-11-23 23:59 BC"'],
  ['timestamp|Wed Jan 31 12:34:56 2024', '2024-01-31 12:34:56'],
  ['timestamp|2024-01-31 1:2:3 pm', '2024-01-31 13:02:03'],
  ['timestamp|20240131T123456', '2024-01-31 12:34:56'],
  ['timestamp|20240131 123456', '2024-01-31 12:34:56'],
  ['timestamp|2024-01-31 12:34:56.1234567', '2024-01-31 12:34:56.123457'],
  ['timestamp|January 31, 2024 12:00', '2024-01-31 12:00:00'],
  ['timestamp|2024-01-31', '2024-01-31 00:00:00'],
  ['timestamp|2024-01-31 12:00 Europe/Paris', '2024-01-31 12:00:00'],
  ['timestamp|2024-01-31 12:00:00 America/New_York', '2024-01-31 12:00:00'],
  ['timestamp|1999-01-08 04:05:06 -8:00', '1999-01-08 04:05:06'],
  [
    'timestamp|2024-01-31 12:00 foo',
    'ERR 22007 invalid input syntax for type timestamp: "2024-01-31 12:00 foo"',
  ],
  ['timestamp|12:00', 'ERR 22007 invalid input syntax for type timestamp: "12:00"'],
  ['timestamp|0044-03-15 12:00 BC', '0044-03-15 12:00:00 BC'],
  ['timestamptz|2024-01-31 12:00 EST', '2024-01-31 17:00:00+00'],
  ['timestamptz|2024-01-31 12:00 -0800', '2024-01-31 20:00:00+00'],
  ['timestamptz|2024-01-31T12:00:00Z', '2024-01-31 12:00:00+00'],
  ['timestamptz|2024-01-31 12:00:00+05:30:15', '2024-01-31 06:29:45+00'],
  ['timestamptz|2024-01-31 12:00+15', '2024-01-30 21:00:00+00'],
  ['timestamptz|2024-01-31 12:00+16', 'ERR 22009 time zone displacement out of range: "2024-01-31 12:00+16"'],
  ['timestamptz|2024-01-31 12:00 Foo/Bar', 'ERR 22023 time zone "foo/bar" not recognized'],
  ['timestamptz|2024-03-31 02:30 Europe/Paris', '2024-03-31 01:30:00+00'],
  ['timestamptz|2024-10-27 02:30 Europe/Paris', '2024-10-27 01:30:00+00'],
  ['timestamptz|2024-07-01 12:00 Europe/Paris', '2024-07-01 10:00:00+00'],
  ['timestamptz|1800-01-01 12:00 Europe/Paris', '1800-01-01 11:50:39+00'],
  ['timestamptz|2024-01-31 12:00 +05:30', '2024-01-31 06:30:00+00'],
  ['timestamptz|2024-01-31 12:00:00.123+05', '2024-01-31 07:00:00.123+00'],
  ['timestamptz|2024-01-31 12:00 UTC', '2024-01-31 12:00:00+00'],
  ['timestamptz|2024-01-31 12:00 GMT', '2024-01-31 12:00:00+00'],
  ['timestamptz|2024-01-31 12:00 z', '2024-01-31 12:00:00+00'],
  ['timestamptz|2024-01-31 12:00 europe/paris', '2024-01-31 11:00:00+00'],
  ['timestamptz|2024-01-31 12:00 Asia/Kolkata', '2024-01-31 06:30:00+00'],
  ['timestamptz|2024-01-31 12:00 America/Argentina/Buenos_Aires', '2024-01-31 15:00:00+00'],
  ['timestamptz|2024-01-31 12:00 PST8PDT', '2024-01-31 20:00:00+00'],
  ['timestamptz|infinity', 'infinity'],
  [
    'timestamptz|2024-01-31 12:00+02:60',
    'ERR 22009 time zone displacement out of range: "2024-01-31 12:00+02:60"',
  ],
  ['timestamptz|2024-01-31 12:00 +2', '2024-01-31 10:00:00+00'],
  ['timestamptz|0044-03-15 12:00+02 BC', '0044-03-15 10:00:00+00 BC'],
  ['timestamptz|2024-01-31 12:00 CEST', '2024-01-31 10:00:00+00'],
  ['timestamptz|2024-01-31 12:34:56Z', '2024-01-31 12:34:56+00'],
  ['timestamptz|2024-01-31T12:34:56.5-08', '2024-01-31 20:34:56.5+00'],
  ['timestamptz|2024-01-31 12:34:56.123456+0530', '2024-01-31 07:04:56.123456+00'],
  ['timestamptz|2024-01-31 12:34:56.123456+05:30', '2024-01-31 07:04:56.123456+00'],
  ['timestamptz|2024-01-31 12:34:56.+05:30', '2024-01-31 07:04:56+00'],
  ['timestamptz|2024-01-31 12:34+05', '2024-01-31 07:34:00+00'],
  ['timestamptz|2024-01-31 12:34:56.1234567+05', '2024-01-31 07:34:56.123457+00'],
  [
    'timestamptz|2024-01-31 12:34:56-16',
    'ERR 22009 time zone displacement out of range: "2024-01-31 12:34:56-16"',
  ],
  ['timestamp|2024-01-31 12:34:56Z', '2024-01-31 12:34:56'],
  ['timestamp|2024-01-31 12:34:56.', '2024-01-31 12:34:56'],
  ['date|2024-01-31Z', '2024-01-31'],
  ['timestamp|2024-01-31 23:59:59.9999995', '2024-02-01 00:00:00'],
];

/** PostgreSQL 15 answers with TimeZone = America/New_York. */
const newYorkCases: [string, string][] = [
  ['timestamptz|2024-01-31 12:00 EST', '2024-01-31 12:00:00-05'],
  ['timestamptz|2024-01-31 12:00 -0800', '2024-01-31 15:00:00-05'],
  ['timestamptz|2024-01-31T12:00:00Z', '2024-01-31 07:00:00-05'],
  ['timestamptz|2024-01-31 12:00:00+05:30:15', '2024-01-31 01:29:45-05'],
  ['timestamptz|2024-01-31 12:00+15', '2024-01-30 16:00:00-05'],
  ['timestamptz|2024-01-31 12:00+16', 'ERR 22009 time zone displacement out of range: "2024-01-31 12:00+16"'],
  ['timestamptz|2024-01-31 12:00 Foo/Bar', 'ERR 22023 time zone "foo/bar" not recognized'],
  ['timestamptz|2024-03-31 02:30 Europe/Paris', '2024-03-30 21:30:00-04'],
  ['timestamptz|2024-10-27 02:30 Europe/Paris', '2024-10-26 21:30:00-04'],
  ['timestamptz|2024-07-01 12:00 Europe/Paris', '2024-07-01 06:00:00-04'],
  ['timestamptz|1800-01-01 12:00 Europe/Paris', '1800-01-01 06:54:37-04:56:02'],
  ['timestamptz|2024-01-31 12:00 +05:30', '2024-01-31 01:30:00-05'],
  ['timestamptz|2024-01-31 12:00:00.123+05', '2024-01-31 02:00:00.123-05'],
  ['timestamptz|2024-01-31 12:00 UTC', '2024-01-31 07:00:00-05'],
  ['timestamptz|2024-01-31 12:00 GMT', '2024-01-31 07:00:00-05'],
  ['timestamptz|2024-01-31 12:00 z', '2024-01-31 07:00:00-05'],
  ['timestamptz|2024-01-31 12:00 europe/paris', '2024-01-31 06:00:00-05'],
  ['timestamptz|2024-01-31 12:00 Asia/Kolkata', '2024-01-31 01:30:00-05'],
  ['timestamptz|2024-01-31 12:00 America/Argentina/Buenos_Aires', '2024-01-31 10:00:00-05'],
  ['timestamptz|2024-01-31 12:00 PST8PDT', '2024-01-31 15:00:00-05'],
  ['timestamptz|infinity', 'infinity'],
  [
    'timestamptz|2024-01-31 12:00+02:60',
    'ERR 22009 time zone displacement out of range: "2024-01-31 12:00+02:60"',
  ],
  ['timestamptz|2024-01-31 12:00 +2', '2024-01-31 05:00:00-05'],
  ['timestamptz|0044-03-15 12:00+02 BC', '0044-03-15 05:03:58-04:56:02 BC'],
  ['timestamptz|2024-01-31 12:00 CEST', '2024-01-31 05:00:00-05'],
  ['timestamptz|2024-01-31 12:34:56Z', '2024-01-31 07:34:56-05'],
  ['timestamptz|2024-01-31T12:34:56.5-08', '2024-01-31 15:34:56.5-05'],
  ['timestamptz|2024-01-31 12:34:56.123456+0530', '2024-01-31 02:04:56.123456-05'],
  ['timestamptz|2024-01-31 12:34:56.123456+05:30', '2024-01-31 02:04:56.123456-05'],
  ['timestamptz|2024-01-31 12:34:56.+05:30', '2024-01-31 02:04:56-05'],
  ['timestamptz|2024-01-31 12:34+05', '2024-01-31 02:34:00-05'],
  ['timestamptz|2024-01-31 12:34:56.1234567+05', '2024-01-31 02:34:56.123457-05'],
  [
    'timestamptz|2024-01-31 12:34:56-16',
    'ERR 22009 time zone displacement out of range: "2024-01-31 12:34:56-16"',
  ],
];

function run(spec: string, zone: TimeZone): string {
  const bar = spec.indexOf('|');
  const type = spec.slice(0, bar);
  const text = spec.slice(bar + 1);
  try {
    switch (type) {
      case 'date':
        return formatDate(parseDate(text));
      case 'time':
        return formatTime(parseTime(text));
      case 'timestamp':
        return formatTimestamp(parseTimestamp(text));
      default:
        return formatTimestamptz(parseTimestamptz(text, zone), zone);
    }
  } catch (e) {
    if (!(e instanceof EddyError)) throw e;
    return `ERR ${e.code} ${e.message}`;
  }
}

for (const [spec, expected] of utcCases) {
  test(`UTC: ${spec}`, () => assert.equal(run(spec, UTC), expected));
}

const newYork = timeZone('America/New_York');
for (const [spec, expected] of newYorkCases) {
  test(`America/New_York: ${spec}`, () => assert.equal(run(spec, newYork), expected));
}

test('values follow common/value.ts: days, micros since midnight, micros since the epoch', () => {
  assert.equal(parseDate('1970-01-02'), 1);
  assert.equal(parseDate('1969-12-31'), -1);
  assert.equal(parseTime('00:00:01.5'), 1_500_000);
  assert.equal(parseTimestamp('1970-01-01 00:00:01'), 1_000_000);
  assert.equal(parseTimestamptz('1970-01-01 01:00:00+01'), 0);
  assert.equal(
    parseTimestamptz('2024-01-31 12:00', timeZone('Europe/Paris')),
    parseTimestamptz('2024-01-31 11:00Z'),
  );
});

test('infinity and -infinity are ±Infinity for date and timestamps', () => {
  assert.equal(parseDate('infinity'), Number.POSITIVE_INFINITY);
  assert.equal(parseTimestamp('-infinity'), Number.NEGATIVE_INFINITY);
  assert.equal(parseTimestamptz('infinity'), Number.POSITIVE_INFINITY);
  assert.equal(formatTimestamptz(Number.NEGATIVE_INFINITY), '-infinity');
});

test('the ISO fast path and the general decoder agree', () => {
  const texts = [
    '2024-02-29 23:59:59.5',
    '2024-02-29T00:00',
    '1999-12-31 12:00:00.000001+05:30',
    '2024-01-01 00:00:00Z',
  ];
  for (const text of texts) {
    assert.equal(parseTimestamptz(text), parseTimestamptz(` ${text}`), text);
  }
});

test('timestamptz output uses the zone offset in force at each instant', () => {
  const paris = timeZone('Europe/Paris');
  assert.equal(formatTimestamptz(parseTimestamptz('2024-01-15 12:00Z'), paris), '2024-01-15 13:00:00+01');
  assert.equal(formatTimestamptz(parseTimestamptz('2024-07-15 12:00Z'), paris), '2024-07-15 14:00:00+02');
  assert.equal(
    formatTimestamptz(parseTimestamptz('1900-01-01 12:00Z'), paris),
    '1900-01-01 12:09:21+00:09:21',
  );
  assert.equal(formatTimestamptz(0, timeZone('Asia/Kolkata')), '1970-01-01 05:30:00+05:30');
});

test('zone names: abbreviations, IANA names in any case, POSIX offsets (west positive)', () => {
  assert.equal(timeZone('EST').offsetAt(0), -18_000);
  assert.equal(timeZone('europe/PARIS').offsetAt(0), 3600);
  assert.equal(timeZone('UTC+3').offsetAt(0), -10_800);
  assert.equal(timeZone('+05').offsetAt(0), -18_000);
  assert.throws(() => timeZone('Mars/Olympus'), {
    code: '22023',
    message: 'time zone "Mars/Olympus" not recognized',
  });
});

test('formatOffset prints hours, then minutes and seconds only when present', () => {
  assert.equal(formatOffset(0), '+00');
  assert.equal(formatOffset(-28_800), '-08');
  assert.equal(formatOffset(19_800), '+05:30');
  assert.equal(formatOffset(561), '+00:09:21');
});

test('formatInterval is exported beside the other output functions', () => {
  assert.equal(formatInterval(new Interval(14, 3, 14_706_500_000)), '1 year 2 mons 3 days 04:05:06.5');
});
