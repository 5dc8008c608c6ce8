/**
 * @module test/unit/datetime-functions
 * extract/date_part, date_trunc, make_*, to_timestamp, AT TIME ZONE, date casts and to_char,
 * checked against answers recorded from PostgreSQL 15 (TimeZone = UTC). EXTRACT answers are
 * PostgreSQL numerics, compared by numeric value with Eddy's JS numbers; '' is SQL NULL.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as D from '../../src/common/datetime.ts';
import { EddyError } from '../../src/common/errors.ts';

/** PostgreSQL 15 answers with TimeZone = UTC. */
const functionCases: [string, string][] = [
  ['ex.ts|century|2024-01-31 12:34:56.123456', '21'],
  ['ex.ts|decade|2024-01-31 12:34:56.123456', '202'],
  ['ex.ts|year|2024-01-31 12:34:56.123456', '2024'],
  ['ex.ts|quarter|2024-08-31 12:34:56.123456', '3'],
  ['ex.ts|month|2024-01-31 12:34:56.123456', '1'],
  ['ex.ts|week|2024-01-31 12:34:56.123456', '5'],
  ['ex.ts|week|2021-01-03', '53'],
  ['ex.ts|week|2020-12-31', '53'],
  ['ex.ts|week|2026-12-31', '53'],
  ['ex.ts|day|2024-01-31 12:34:56.123456', '31'],
  ['ex.ts|dow|2024-01-28 12:34:56.123456', '0'],
  ['ex.ts|isodow|2024-01-28 12:34:56.123456', '7'],
  ['ex.ts|doy|2024-12-31 12:34:56.123456', '366'],
  ['ex.ts|hour|2024-01-31 12:34:56.123456', '12'],
  ['ex.ts|minute|2024-01-31 12:34:56.123456', '34'],
  ['ex.ts|second|2024-01-31 12:34:56.123456', '56.123456'],
  ['ex.ts|milliseconds|2024-01-31 12:34:56.123456', '56123.456'],
  ['ex.ts|microseconds|2024-01-31 12:34:56.123456', '56123456'],
  ['ex.ts|epoch|2024-01-31 12:34:56.123456', '1706704496.123456'],
  ['ex.ts|epoch|1960-01-31 12:34:56.5', '-312981903.500000'],
  ['ex.ts|julian|2024-01-31 12:00', '2460341.50000000000000000000'],
  ['ex.ts|isoyear|2021-01-03', '2020'],
  ['ex.ts|isoyear|2024-12-30', '2025'],
  [
    'ex.ts|timezone|2024-01-31',
    'ERR 0A000 unit "timezone" not supported for type timestamp without time zone',
  ],
  ['ex.ts|foo|2024-01-31', 'ERR 22023 unit "foo" not recognized for type timestamp without time zone'],
  ['ex.ts|year|0044-03-15 BC', '-44'],
  ['ex.ts|century|0001-01-01 BC', '-1'],
  ['ex.ts|decade|0001-01-01 BC', '0'],
  ['ex.ts|millennium|2000-12-31', '2'],
  ['ex.ts|millennium|2001-01-01', '3'],
  ['ex.ts|century|2000-12-31', '20'],
  ['ex.ts|year|infinity', 'Infinity'],
  ['ex.ts|month|infinity', ''],
  ['ex.ts|epoch|-infinity', '-Infinity'],
  ['ex.ts|YEARS|2024-01-31', '2024'],
  ['ex.ts|mm|2024-01-31 12:34', '34'],
  ['ex.ts|doy|2024-02-01', '32'],
  ['ex.ts|microsecondsxx|2024-01-31 00:00:01', '1000000'],
  ['ex.tz|hour|2024-01-31 12:34:56+05', '7'],
  ['ex.tz|timezone|2024-01-31 12:34:56+05', '0'],
  ['ex.tz|timezone_hour|2024-07-31 12:34:56', '0'],
  ['ex.tz|timezone_minute|2024-07-31 12:34:56', '0'],
  ['ex.tz|epoch|2024-01-31 12:34:56+05', '1706686496.000000'],
  ['ex.tz|day|2024-01-31 23:34:56', '31'],
  ['ex.tz|julian|2024-01-31 23:34:56', '2460341.98259259259259259259'],
  ['ex.d|year|2024-01-31', '2024'],
  ['ex.d|hour|2024-01-31', 'ERR 0A000 unit "hour" not supported for type date'],
  ['ex.d|epoch|2024-01-31', '1706659200'],
  ['ex.d|julian|2024-01-31', '2460341'],
  ['ex.d|dow|infinity', ''],
  ['ex.d|year|-infinity', '-Infinity'],
  ['ex.d|week|2024-01-01', '1'],
  ['ex.d|century|2024-01-01', '21'],
  ['ex.d|isodow|2024-01-07', '7'],
  ['ex.t|hour|12:34:56.5', '12'],
  ['ex.t|second|12:34:56.5', '56.500000'],
  ['ex.t|microseconds|12:34:56.5', '56500000'],
  ['ex.t|epoch|12:34:56.5', '45296.500000'],
  ['ex.t|day|12:00', 'ERR 0A000 unit "day" not supported for type time without time zone'],
  ['ex.iv|epoch|1 year 1 mon 1 day 1 second', '34236001.000000'],
  ['ex.iv|quarter|-1 mon', '1'],
  ['ex.iv|microseconds|-1.5 seconds', '-1500000'],
  ['ex.iv|year|1 year 14 mons', '2'],
  ['ex.iv|month|-14 mons', '-2'],
  ['ex.iv|hour|-27:30:15.5', '-27'],
  ['ex.iv|minute|-27:30:15.5', '-30'],
  ['ex.iv|second|-27:30:15.5', '-15.500000'],
  ['ex.iv|milliseconds|-27:30:15.5', '-15500.000'],
  ['ex.iv|day|-3 days', '-3'],
  ['ex.iv|century|2500 years', '25'],
  ['ex.iv|millennium|2500 years', '2'],
  ['ex.iv|decade|-25 years', '-2'],
  ['ex.iv|week|1 day', 'ERR 0A000 unit "week" not supported for type interval'],
  ['ex.iv|dow|1 day', 'ERR 0A000 unit "dow" not supported for type interval'],
  ['ex.iv|epoch|-1 mon', '-2592000.000000'],
  ['tr.ts|microseconds|2024-08-15 12:34:56.123456', '2024-08-15 12:34:56.123456'],
  ['tr.ts|milliseconds|2024-08-15 12:34:56.123456', '2024-08-15 12:34:56.123'],
  ['tr.ts|second|2024-08-15 12:34:56.123456', '2024-08-15 12:34:56'],
  ['tr.ts|minute|2024-08-15 12:34:56.123456', '2024-08-15 12:34:00'],
  ['tr.ts|hour|2024-08-15 12:34:56.123456', '2024-08-15 12:00:00'],
  ['tr.ts|day|2024-08-15 12:34:56.123456', '2024-08-15 00:00:00'],
  ['tr.ts|week|2024-08-15 12:34:56.123456', '2024-08-12 00:00:00'],
  ['tr.ts|week|2024-01-01 12:00', '2024-01-01 00:00:00'],
  ['tr.ts|week|2024-01-07 12:00', '2024-01-01 00:00:00'],
  ['tr.ts|month|2024-08-15 12:34:56.123456', '2024-08-01 00:00:00'],
  ['tr.ts|quarter|2024-08-15 12:34:56.123456', '2024-07-01 00:00:00'],
  ['tr.ts|year|2024-08-15 12:34:56.123456', '2024-01-01 00:00:00'],
  ['tr.ts|decade|2024-08-15 12:34:56.123456', '2020-01-01 00:00:00'],
  ['tr.ts|century|2024-08-15 12:34:56.123456', '2001-01-01 00:00:00'],
  ['tr.ts|millennium|2024-08-15 12:34:56.123456', '2001-01-01 00:00:00'],
  ['tr.ts|century|0044-03-15 BC', '0100-01-01 00:00:00 BC'],
  ['tr.ts|decade|0044-03-15 BC', '0051-01-01 00:00:00 BC'],
  ['tr.ts|millennium|0044-03-15 BC', '1000-01-01 00:00:00 BC'],
  ['tr.ts|decade|0001-03-15 BC', '0001-01-01 00:00:00 BC'],
  ['tr.ts|dow|2024-01-01', 'ERR 22023 unit "dow" not recognized for type timestamp without time zone'],
  ['tr.ts|foo|2024-01-01', 'ERR 22023 unit "foo" not recognized for type timestamp without time zone'],
  [
    'tr.ts|timezone|2024-01-01',
    'ERR 0A000 unit "timezone" not supported for type timestamp without time zone',
  ],
  ['tr.ts|day|infinity', 'infinity'],
  ['tr.ts|julian|2024-01-01', 'ERR 22023 unit "julian" not recognized for type timestamp without time zone'],
  ['tr.ts|mm|2024-01-01', 'ERR 22023 unit "mm" not recognized for type timestamp without time zone'],
  ['tr.tz|day|2024-08-15 12:34:56.123456+05', '2024-08-15 00:00:00+00'],
  ['tr.tz|day|2024-08-15 12:34:56+00|Europe/Paris', '2024-08-14 22:00:00+00'],
  ['tr.tz|hour|2024-08-15 12:34:56+00|Asia/Kolkata', '2024-08-15 12:30:00+00'],
  ['tr.tz|month|2024-08-15 12:34:56+00|America/New_York', '2024-08-01 04:00:00+00'],
  ['tr.tz|day|2024-08-15 02:34:56+00|+05', '2024-08-14 05:00:00+00'],
  ['tr.tz|week|2024-08-15 02:34:56+00|EST', '2024-08-12 05:00:00+00'],
  ['tr.iv|year|1 year 2 mons 3 days 04:05:06.789', '1 year'],
  ['tr.iv|quarter|1 year 5 mons 3 days 04:05:06.789', '1 year 3 mons'],
  ['tr.iv|month|1 year 2 mons 3 days 04:05:06.789', '1 year 2 mons'],
  ['tr.iv|day|1 year 2 mons 3 days 04:05:06.789', '1 year 2 mons 3 days'],
  ['tr.iv|hour|1 year 2 mons 3 days 04:05:06.789', '1 year 2 mons 3 days 04:00:00'],
  ['tr.iv|minute|1 year 2 mons 3 days 04:05:06.789', '1 year 2 mons 3 days 04:05:00'],
  ['tr.iv|second|1 year 2 mons 3 days 04:05:06.789', '1 year 2 mons 3 days 04:05:06'],
  ['tr.iv|milliseconds|1 year 2 mons 3 days 04:05:06.789123', '1 year 2 mons 3 days 04:05:06.789'],
  ['tr.iv|decade|123 years', '120 years'],
  ['tr.iv|century|-123 years', '-100 years'],
  ['tr.iv|millennium|1234 years', '1000 years'],
  ['tr.iv|week|1 day', 'ERR 0A000 unit "week" not supported for type interval'],
  ['tr.iv|hour|-27:30:15.5', '-27:00:00'],
  ['mkd|2024|1|31', '2024-01-31'],
  ['mkd|-44|3|15', '0044-03-15 BC'],
  ['mkd|0|3|15', 'ERR 22008 date field value out of range: 0-03-15'],
  ['mkd|2023|2|29', 'ERR 22008 date field value out of range: 2023-02-29'],
  ['mkd|5874898|1|1', 'ERR 22008 date out of range: 5874898-01-01'],
  ['mkt|12|34|56.789', '12:34:56.789'],
  ['mkt|24|0|0', '24:00:00'],
  ['mkt|24|0|0.5', 'ERR 22008 time field value out of range: 24:00:0.5'],
  ['mkt|12|60|0', 'ERR 22008 time field value out of range: 12:60:00'],
  ['mkt|12|0|60', '12:01:00'],
  ['mkts|2024|1|31|12|34|56.5', '2024-01-31 12:34:56.5'],
  ['mkts|-44|3|15|12|0|0', '0044-03-15 12:00:00 BC'],
  ['mkts|2024|2|30|0|0|0', 'ERR 22008 date field value out of range: 2024-02-30'],
  ['mkts|2024|1|31|25|0|0', 'ERR 22008 time field value out of range: 25:00:00'],
  ['mkts|294277|1|1|0|0|0', 'ERR 22008 timestamp out of range: 294277-01-01 0:00:00'],
  ['mktz|2024|1|31|12|0|0', '2024-01-31 12:00:00+00'],
  ['mktz|2024|1|31|12|0|0|+05', '2024-01-31 07:00:00+00'],
  ['mktz|2024|1|31|12|0|0|Europe/Paris', '2024-01-31 11:00:00+00'],
  ['mktz|2024|1|31|12|0|0|EST', '2024-01-31 17:00:00+00'],
  ['mktz|2024|1|31|12|0|0|UTC+3', '2024-01-31 15:00:00+00'],
  ['mktz|2024|1|31|12|0|0|-03:30', '2024-01-31 15:30:00+00'],
  ['mktz|2024|1|31|12|0|0|Mars/Base', 'ERR 22023 time zone "Mars/Base" not recognized'],
  ['mki|1|2|3|4|5|6|7.5', '1 year 2 mons 25 days 05:06:07.5'],
  ['mki|0|0|0|0|0|0|0', '00:00:00'],
  ['mki|0|0|0|0|0|0|-1.0000005', '-00:00:01.000001'],
  ['mki|0|0|0|0|25|0|0', '25:00:00'],
  ['tots|0', '1970-01-01 00:00:00+00'],
  ['tots|1706704496.123456', '2024-01-31 12:34:56.123456+00'],
  ['tots|-1.5', '1969-12-31 23:59:58.5+00'],
  ['tots|1e20', 'ERR 22008 timestamp out of range: "1e+20"'],
  ["tots|'NaN'", 'ERR 22008 timestamp cannot be NaN'],
  ["tots|'Infinity'", 'infinity'],
  ["tots|'-Infinity'", '-infinity'],
  ['tots|1706704496.0000005', '2024-01-31 12:34:56+00'],
  ['atz.ts|Europe/Paris|2024-07-01 12:00', '2024-07-01 10:00:00+00'],
  ['atz.ts|+05|2024-01-01 12:00', '2024-01-01 17:00:00+00'],
  ['atz.ts|UTC+3|2024-01-01 12:00', '2024-01-01 15:00:00+00'],
  ['atz.ts|EST|2024-01-01 12:00', '2024-01-01 17:00:00+00'],
  ['atz.ts|america/new_york|2024-03-10 02:30', '2024-03-10 07:30:00+00'],
  ['atz.ts|America/New_York|2024-11-03 01:30', '2024-11-03 06:30:00+00'],
  ['atz.ts|Foo/Bar|2024-01-01 12:00', 'ERR 22023 time zone "Foo/Bar" not recognized'],
  ['atz.tz|Europe/Paris|2024-07-01 12:00', '2024-07-01 14:00:00'],
  ['atz.tz|Asia/Kolkata|2024-07-01 12:00', '2024-07-01 17:30:00'],
  ['atz.tz|-05|2024-07-01 12:00', '2024-07-01 17:00:00'],
  ['atz.tz|EST5EDT|2024-07-01 12:00', '2024-07-01 08:00:00'],
  ['atz.tz|Etc/GMT+5|2024-07-01 12:00', '2024-07-01 07:00:00'],
  ['atz.tz|UTC|infinity', 'infinity'],
  ['atz.ivts|+05:30|2024-01-01 12:00', '2024-01-01 06:30:00+00'],
  ['atz.ivts|1 day|2024-01-01 12:00', 'ERR 22023 interval time zone "1 day" must not include months or days'],
  ['c.d2ts|2024-01-31', '2024-01-31 00:00:00'],
  ['c.d2tz|2024-01-31', '2024-01-31 00:00:00+00'],
  ['c.tz2d|2024-01-31 23:30', '2024-01-31'],
  ['c.ts2tz|2024-07-01 12:00', '2024-07-01 12:00:00+00'],
  ['c.tz2ts|2024-07-01 12:00+02', '2024-07-01 10:00:00'],
  ['c.d2ts|5874897-12-31', 'ERR 22008 date out of range for timestamp'],
];

/** PostgreSQL 15 answers with TimeZone = UTC. */
const toCharCases: [string, string][] = [
  [
    'tc.ts|YYYY-MM-DD HH24:MI:SS.MS.US HH12 HH am PM A.M. p.m. Mon Month MONTH month Day DY dy D ID DDD IDDD WW IW W CC J Q RM rm SSSS Y,YYY YYY YY Y IYYY IY BC ad TZ OF FF3|2024-01-31 15:04:05.123456',
    '2024-01-31 15:04:05.123.123456 03 03 pm PM P.M. p.m. Jan January   JANUARY   january   Wednesday WED wed 4 3 031 031 05 05 5 21 2460341 1 I    i    54245 2,024 024 24 4 2024 24 AD ad  +00 123',
  ],
  [
    'tc.ts|YYYY CC BC B.C. Month HH12 AM FMMonth FMDD DDth FMDDTH Dth FMHH12 FMMI TZ|0044-03-15 00:04:05 BC',
    '0044 -01 BC B.C. March     12 AM March 15 15th 15TH 6th 12 4 ',
  ],
  ['tc.tz|TZ OF TZH:TZM tz|2024-07-31 15:04:05', 'UTC +00 +00:00 utc'],
  [
    'tc.ts|FMDay, FMDD "of" FMMonth YYYY \\HH "text"|2024-01-03 15:04:05',
    'Wednesday, 3 of January 2024 \\03 text',
  ],
  ['tc.ts|YYYY|12345-01-01', '12345'],
  ['tc.d|YYYY-MM-DD HH24|2024-01-01', '2024-01-01 00'],
  ['tc.ts|FMYYYY FMMM FMHH24 FMUS FMMS FMSS fmdd DdD|2024-01-31 15:04:05', '2024 1 15 000000 000 5 31 444'],
  ['tc.ts|DD/MM/YYYY HH:MI AM|2024-12-25 00:30', '25/12/2024 12:30 AM'],
  ['tc.ts|Dy, DD Mon YYYY HH24:MI:SS|2024-02-29 23:59:59.999999', 'Thu, 29 Feb 2024 23:59:59'],
  ['tc.ts|DDth MMth YYYYth|2024-02-01', '01st 02nd 2024th'],
  ['tc.ts|DDth|2024-02-02', '02nd'],
  ['tc.ts|DDth|2024-02-03', '03rd'],
  ['tc.ts|DDth|2024-02-11', '11th'],
  ['tc.ts|DDth|2024-02-12', '12th'],
  ['tc.ts|DDth|2024-02-22', '22nd'],
  ['tc.ts|FF1 FF2 FF4 FF5 FF6|2024-01-31 15:04:05.123456', '1 12 1234 12345 123456'],
  ['tc.ts|HH12:MI pm|2024-01-31 12:00', '12:00 pm'],
  ['tc.ts|"quoted ""YYYY"" text" YYYY|2024-01-31', 'quoted YYYY text 2024'],
  ['tc.ts|WW IW|2024-12-30', '53 01'],
  ['tc.ts|RM FMRM|2024-09-30', 'IX   IX'],
  ['tc.ts|SSSSS|2024-01-31 01:00:01', '3601'],
  ['tc.ts|YYYY|infinity', ''],
  ['tc.tz|YYYY-MM-DD HH24:MI:SS TZ OF|2024-01-31 15:04:05+00', '2024-01-31 15:04:05 UTC +00'],
  ['tc.tz|Mon DD HH24:MI tz|2024-07-04 12:00', 'Jul 04 12:00 utc'],
  ['tc.ts|IYYY-IW-ID|2021-01-03', '2020-53-7'],
  ['tc.ts|Month.Day|2024-05-05', 'May      .Sunday   '],
  ['tc.ts|MONTH DAY mon day|2024-05-05', 'MAY       SUNDAY    may sunday   '],
];

const zone = D.UTC;
const { parseTimestamp: ts, parseDate: date, parseTime: time, parseInterval: iv, formatTimestamp: fts } = D;
const tz = (text: string): number => D.parseTimestamptz(text, zone);
const ftz = (micros: number): string => D.formatTimestamptz(micros, zone);
const num = (x: number | null): string => (x === null ? '' : String(x));

function extractCase(op: string, field: string, text: string): string {
  switch (op) {
    case 'ex.ts':
      return num(D.extractTimestamp(field, ts(text)));
    case 'ex.tz':
      return num(D.extractTimestamptz(field, tz(text), zone));
    case 'ex.d':
      return num(D.extractDate(field, date(text)));
    case 'ex.t':
      return num(D.extractTime(field, time(text)));
    default:
      return num(D.extractInterval(field, iv(text)));
  }
}

function truncCase(op: string, args: string[]): string {
  switch (op) {
    case 'tr.ts':
      return fts(D.truncTimestamp(args[0], ts(args[1])));
    case 'tr.tz':
      return ftz(
        D.truncTimestamptz(args[0], tz(args[1]), args[2] === undefined ? zone : D.timeZone(args[2])),
      );
    default:
      return D.formatInterval(D.truncInterval(args[0], iv(args[1])));
  }
}

function makeCase(op: string, args: string[]): string {
  const n = args.map(Number);
  switch (op) {
    case 'mkd':
      return D.formatDate(D.makeDate(n[0], n[1], n[2]));
    case 'mkt':
      return D.formatTime(D.makeTime(n[0], n[1], n[2]));
    case 'mkts':
      return fts(D.makeTimestamp(n[0], n[1], n[2], n[3], n[4], n[5]));
    case 'mktz': {
      const where = args[6] === undefined ? zone : D.zoneArgument(args[6]);
      return ftz(D.makeTimestamptz(n[0], n[1], n[2], n[3], n[4], n[5], where));
    }
    case 'mki':
      return D.formatInterval(D.makeInterval(...n));
    default:
      return ftz(D.toTimestamp(Number(args[0].replaceAll("'", ''))));
  }
}

function otherCase(op: string, args: string[]): string {
  switch (op) {
    case 'atz.ts':
      return ftz(D.timestampToTimestamptz(ts(args[1]), D.timeZone(args[0])));
    case 'atz.tz':
      return fts(D.timestamptzToTimestamp(tz(args[1]), D.timeZone(args[0])));
    case 'atz.ivts':
      return ftz(D.timestampToTimestamptz(ts(args[1]), D.zoneFromInterval(iv(args[0]), args[0])));
    case 'c.d2ts':
      return fts(D.dateToTimestamp(date(args[0])));
    case 'c.d2tz':
      return ftz(D.dateToTimestamptz(date(args[0]), zone));
    case 'c.tz2d':
      return D.formatDate(D.timestamptzToDate(tz(args[0]), zone));
    case 'c.ts2tz':
      return ftz(D.timestampToTimestamptz(ts(args[0]), zone));
    case 'c.tz2ts':
      return fts(D.timestamptzToTimestamp(tz(args[0]), zone));
    case 'tc.ts':
      return D.toCharTimestamp(ts(args[1]), args[0]) ?? '';
    case 'tc.tz':
      return D.toCharTimestamptz(tz(args[1]), args[0], zone) ?? '';
    case 'tc.d':
      return D.toCharDate(date(args[1]), args[0], zone) ?? '';
    default:
      throw new Error(`unknown case ${op}`);
  }
}

function evaluate(spec: string): string {
  const [op, ...args] = spec.split('|');
  try {
    if (op.startsWith('ex.')) return extractCase(op, args[0], args[1]);
    if (op.startsWith('tr.')) return truncCase(op, args);
    if (op.startsWith('mk') || op === 'tots') return makeCase(op, args);
    return otherCase(op, args);
  } catch (e) {
    if (!(e instanceof EddyError)) throw e;
    return `ERR ${e.code} ${e.message}`;
  }
}

/** PostgreSQL's numeric text vs Eddy's number: same value (julian/epoch within double precision). */
function sameNumber(actual: string, expected: string): boolean {
  if (actual === expected) return true;
  const a = Number(actual);
  const b = Number(expected);
  return Number.isFinite(b) && Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
}

for (const [spec, expected] of [...functionCases, ...toCharCases]) {
  test(spec, () => {
    const actual = evaluate(spec);
    if (spec.startsWith('ex.') && !expected.startsWith('ERR') && expected !== '') {
      assert.ok(sameNumber(actual, expected), `${actual} vs ${expected}`);
    } else {
      assert.equal(actual, expected);
    }
  });
}

test('extract returns JS numbers; NULL for non-monotonic fields of infinite inputs', () => {
  assert.equal(D.extractTimestamp('second', ts('2024-01-31 12:34:56.5')), 56.5);
  assert.equal(D.extractTimestamp('hour', Number.POSITIVE_INFINITY), null);
  assert.equal(D.extractDate('year', Number.NEGATIVE_INFINITY), Number.NEGATIVE_INFINITY);
});

test('to_char caches compiled formats and keeps literal text outside patterns', () => {
  const t = ts('2024-01-31 15:04:05');
  assert.equal(D.toCharTimestamp(t, 'at HH24h'), 'at 15h');
  assert.equal(D.toCharTimestamp(t, 'at HH24h'), 'at 15h');
  assert.equal(D.toCharTimestamp(Number.POSITIVE_INFINITY, 'YYYY'), null);
});
