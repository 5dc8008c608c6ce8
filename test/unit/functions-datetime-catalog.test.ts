/**
 * The date/time and interval entries of the function catalog (src/functions/catalog-datetime.ts),
 * resolved by signature and run as the binder runs them, in the session zone America/New_York.
 * Expected texts are PostgreSQL 15's answers (psql, TimeZone America/New_York), recorded below.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseInterval, parseTimestamptz, UTC } from '../../src/common/datetime.ts';
import { Numeric } from '../../src/common/numeric.ts';
import { binaryOperators, scalarFunctions } from '../../src/functions/index.ts';
import { type Case, evalCase } from './functions-catalog-support.ts';

const ZONE = 'America/New_York';

const OPERATOR_CASES: Case[] = [
  ['date + int4', ['2020-02-28', '2'], '2020-03-01'],
  ['int4 + date', ['1', '2020-12-31'], '2021-01-01'],
  ['date - int4', ['2020-03-01', '1'], '2020-02-29'],
  ['date + int4', ['5874897-12-31', '1'], 'ERR 22008 date out of range'],
  ['date - date', ['2020-03-01', '2020-02-01'], '29'],
  ['date - date', ['infinity', '2020-02-01'], 'ERR 22008 cannot subtract infinite dates'],
  ['date + interval', ['2020-01-31', '1 mon'], '2020-02-29 00:00:00'],
  ['interval + date', ['1 day 02:00', '2020-01-31'], '2020-02-01 02:00:00'],
  ['date - interval', ['2020-03-31', '1 mon'], '2020-02-29 00:00:00'],
  ['date + time', ['2020-01-01', '12:34:56.5'], '2020-01-01 12:34:56.5'],
  ['time + date', ['12:34:56.5', '2020-01-01'], '2020-01-01 12:34:56.5'],
  ['timestamp + interval', ['2020-01-31 10:00', '1 mon 1 day 01:00'], '2020-03-01 11:00:00'],
  ['interval + timestamp', ['1 year', '2020-02-29 10:00'], '2021-02-28 10:00:00'],
  ['timestamp - interval', ['2020-03-31 10:00', '1 mon'], '2020-02-29 10:00:00'],
  ['timestamp + interval', ['infinity', '1 day'], 'infinity'],
  ['timestamp + interval', ['294276-12-31 23:00', '1 day'], 'ERR 22008 timestamp out of range'],
  ['timestamptz + interval', ['2020-03-07 12:00+00', '1 day'], '2020-03-08 07:00:00-04'],
  ['timestamptz + interval', ['2020-03-07 12:00+00', '24 hours'], '2020-03-08 08:00:00-04'],
  ['interval + timestamptz', ['1 mon', '2020-01-31 12:00+00'], '2020-02-29 07:00:00-05'],
  ['timestamptz - interval', ['2020-03-08 12:00+00', '1 day'], '2020-03-07 08:00:00-05'],
  ['timestamptz - interval', ['2020-11-01 12:00+00', '1 mon 1 day'], '2020-09-30 07:00:00-04'],
  ['timestamp - timestamp', ['2020-03-01', '2020-01-01 12:00'], '59 days 12:00:00'],
  ['timestamp - timestamp', ['2020-01-01', '2020-01-02 00:00:01'], '-1 days -00:00:01'],
  ['timestamptz - timestamptz', ['2020-03-09 00:00-04', '2020-03-08 00:00-05'], '23:00:00'],
  ['timestamp - timestamp', ['infinity', '2020-01-01'], 'ERR 22008 cannot subtract infinite timestamps'],
  ['time + interval', ['23:00', '2 hours'], '01:00:00'],
  ['interval + time', ['1 day 01:00', '23:30'], '00:30:00'],
  ['time - interval', ['01:00', '2 hours'], '23:00:00'],
  ['time - time', ['01:00', '23:00'], '-22:00:00'],
  ['interval + interval', ['1 mon 2 days', '-3 days 04:00'], '1 mon -1 days +04:00:00'],
  ['interval - interval', ['1 mon', '1 day 00:00:01'], '1 mon -1 days -00:00:01'],
  ['- interval', ['1 mon -2 days 03:00'], '-1 mons +2 days -03:00:00'],
  ['interval * float8', ['1 mon 1 day', '1.5'], '1 mon 16 days 12:00:00'],
  ['float8 * interval', ['0.5', '1 mon'], '15 days'],
  ['interval / float8', ['1 mon', '7'], '4 days 06:51:25.6896'],
  ['interval / float8', ['1 day', '0'], 'ERR 22012 division by zero'],
  ['interval * float8', ['2147483647 days', '2'], 'ERR 22008 interval out of range'],
];
const FUNCTION_CASES: Case[] = [
  ['date_part(text,timestamp)', ['second', '2020-01-01 12:34:56.789'], '56.789'],
  ['date_part(text,timestamp)', ['epoch', '2020-01-01 12:34:56.789'], '1577882096.789'],
  ['date_part(text,timestamp)', ['julian', '2020-01-01 12:00'], '2458850.5'],
  ['date_part(text,timestamp)', ['dow', '2020-01-01'], '3'],
  ['date_part(text,timestamp)', ['hour', 'infinity'], 'NULL'],
  ['date_part(text,timestamp)', ['year', '-infinity'], '-Infinity'],
  [
    'date_part(text,timestamp)',
    ['timezone', '2020-01-01'],
    'ERR 0A000 unit "timezone" not supported for type timestamp without time zone',
  ],
  [
    'date_part(text,timestamp)',
    ['fortnight', '2020-01-01'],
    'ERR 22023 unit "fortnight" not recognized for type timestamp without time zone',
  ],
  ['date_part(text,date)', ['epoch', '2020-01-02'], '1577923200'],
  ['date_part(text,date)', ['hour', '2020-01-02'], '0'],
  ['date_part(text,date)', ['week', '2021-01-03'], '53'],
  ['date_part(text,time)', ['milliseconds', '12:34:56.789'], '56789'],
  ['date_part(text,time)', ['epoch', '01:00'], '3600'],
  ['date_part(text,interval)', ['epoch', '1 year 1 mon 1 day 00:00:01.5'], '34236001.5'],
  ['date_part(text,interval)', ['month', '14 mons'], '2'],
  ['date_part(text,interval)', ['day', '-3 days'], '-3'],
  ['date_part(text,timestamptz)', ['hour', '2020-06-01 12:00+00'], '8'],
  ['date_part(text,timestamptz)', ['timezone', '2020-06-01 12:00+00'], '-14400'],
  ['date_part(text,timestamptz)', ['epoch', '2020-06-01 12:00+00'], '1591012800'],
  ['extract(text,timestamp)', ['second', '2020-01-01 12:34:56.789'], '56.789000'],
  ['extract(text,timestamp)', ['second', '2020-01-01 12:34:00'], '0.000000'],
  ['extract(text,timestamp)', ['milliseconds', '2020-01-01 12:34:56.789'], '56789.000'],
  ['extract(text,timestamp)', ['microseconds', '2020-01-01 12:34:56.789'], '56789000'],
  ['extract(text,timestamp)', ['epoch', '2020-01-01 12:34:56.789'], '1577882096.789000'],
  ['extract(text,timestamp)', ['epoch', '1900-01-01 00:00:00.000001'], '-2208988799.999999'],
  ['extract(text,timestamp)', ['julian', '2020-01-01'], '2458850.0000000000000000000000000000'],
  ['extract(text,timestamp)', ['julian', '2020-01-01 12:00'], '2458850.50000000000000000000'],
  [
    'extract(text,timestamp)',
    ['julian', '2020-01-01 00:00:00.000001'],
    '2458850.0000000000115740740740740741',
  ],
  ['extract(text,timestamp)', ['year', '2020-01-01'], '2020'],
  ['extract(text,timestamp)', ['isoyear', '2021-01-03'], '2020'],
  ['extract(text,timestamp)', ['doy', '2020-12-31'], '366'],
  ['extract(text,timestamp)', ['day', 'infinity'], 'NULL'],
  ['extract(text,timestamp)', ['year', 'infinity'], 'Infinity'],
  ['extract(text,timestamp)', ['epoch', '-infinity'], '-Infinity'],
  ['extract(text,timestamp)', ['century', '0044-03-15 BC'], '-1'],
  ['extract(text,date)', ['epoch', '2020-01-02'], '1577923200'],
  ['extract(text,date)', ['julian', '2020-01-02'], '2458851'],
  ['extract(text,date)', ['dow', '2020-01-02'], '4'],
  ['extract(text,date)', ['year', '0001-01-01 BC'], '-1'],
  ['extract(text,date)', ['hour', '2020-01-02'], 'ERR 0A000 unit "hour" not supported for type date'],
  ['extract(text,date)', ['year', 'infinity'], 'Infinity'],
  ['extract(text,date)', ['month', '-infinity'], 'NULL'],
  ['extract(text,time)', ['second', '12:34:56.789'], '56.789000'],
  ['extract(text,time)', ['milliseconds', '12:34:56.789'], '56789.000'],
  ['extract(text,time)', ['epoch', '12:34:56.789'], '45296.789000'],
  ['extract(text,time)', ['hour', '12:34:56.789'], '12'],
  ['extract(text,time)', ['microseconds', '12:34:56.789'], '56789000'],
  [
    'extract(text,time)',
    ['day', '12:34:56.789'],
    'ERR 0A000 unit "day" not supported for type time without time zone',
  ],
  ['extract(text,interval)', ['epoch', '1 year 2 mons 3 days 04:05:06.7'], '37015506.700000'],
  ['extract(text,interval)', ['epoch', '-1.5 seconds'], '-1.500000'],
  ['extract(text,interval)', ['epoch', '100000000 years'], '3155760000000000.000000'],
  ['extract(text,interval)', ['second', '-1.5 seconds'], '-1.500000'],
  ['extract(text,interval)', ['milliseconds', '1 min 2.345 s'], '2345.000'],
  ['extract(text,interval)', ['microseconds', '1 min 2.345 s'], '2345000'],
  ['extract(text,interval)', ['hour', '27:00'], '27'],
  ['extract(text,interval)', ['year', '-14 mons'], '-1'],
  ['extract(text,interval)', ['quarter', '5 mons'], '2'],
  ['extract(text,interval)', ['dow', '1 day'], 'ERR 0A000 unit "dow" not supported for type interval'],
  ['extract(text,timestamptz)', ['hour', '2020-06-01 12:00+00'], '8'],
  ['extract(text,timestamptz)', ['timezone', '2020-06-01 12:00+00'], '-14400'],
  ['extract(text,timestamptz)', ['timezone_hour', '2020-06-01 12:00+00'], '-4'],
  ['extract(text,timestamptz)', ['epoch', '2020-06-01 12:00:00.5+00'], '1591012800.500000'],
  ['extract(text,timestamptz)', ['julian', '2020-06-01 12:00+00'], '2459002.33333333333333333333'],
  ['extract(text,timestamptz)', ['second', '2020-06-01 12:00:07.25+00'], '7.250000'],
  ['extract(text,timestamptz)', ['day', '2020-06-01 02:00+00'], '31'],
  ['date_trunc(text,timestamp)', ['week', '2020-06-03 12:34'], '2020-06-01 00:00:00'],
  ['date_trunc(text,timestamp)', ['quarter', '2020-06-03 12:34'], '2020-04-01 00:00:00'],
  ['date_trunc(text,timestamp)', ['hour', '2020-06-03 12:34:56'], '2020-06-03 12:00:00'],
  ['date_trunc(text,timestamp)', ['millennium', '2020-06-03'], '2001-01-01 00:00:00'],
  [
    'date_trunc(text,timestamp)',
    ['epoch', '2020-06-03'],
    'ERR 22023 unit "epoch" not recognized for type timestamp without time zone',
  ],
  ['date_trunc(text,interval)', ['hour', '1 day 02:34:56'], '1 day 02:00:00'],
  ['date_trunc(text,interval)', ['year', '14 mons 3 days'], '1 year'],
  ['date_trunc(text,timestamptz)', ['day', '2020-06-01 02:00+00'], '2020-05-31 00:00:00-04'],
  ['date_trunc(text,timestamptz)', ['month', '2020-06-01 02:00+00'], '2020-05-01 00:00:00-04'],
  ['date_trunc(text,timestamptz)', ['hour', '2020-11-01 05:30+00'], '2020-11-01 01:00:00-04'],
  ['date_trunc(text,timestamptz)', ['day', '2020-03-08 12:00+00'], '2020-03-08 00:00:00-05'],
  [
    'date_trunc(text,timestamptz,text)',
    ['day', '2020-06-01 02:00+00', 'Asia/Tokyo'],
    '2020-05-31 11:00:00-04',
  ],
  ['date_trunc(text,timestamptz,text)', ['day', '2020-06-01 02:00+00', '+05'], '2020-05-31 01:00:00-04'],
  ['date_trunc(text,timestamptz,text)', ['day', '2020-06-01 02:00+00', 'UTC'], '2020-05-31 20:00:00-04'],
  [
    'date_trunc(text,timestamptz,text)',
    ['day', '2020-06-01 02:00+00', 'Mars/Olympus'],
    'ERR 22023 time zone "Mars/Olympus" not recognized',
  ],
  [
    'date_bin(interval,timestamp,timestamp)',
    ['15 minutes', '2020-02-11 15:44:17', '2001-01-01'],
    '2020-02-11 15:30:00',
  ],
  [
    'date_bin(interval,timestamp,timestamp)',
    ['15 minutes', '2020-02-11 15:44:17', '2001-01-01 00:02:30'],
    '2020-02-11 15:32:30',
  ],
  [
    'date_bin(interval,timestamp,timestamp)',
    ['15 minutes', '2020-02-11 15:44:17', '2030-01-01'],
    '2020-02-11 15:30:00',
  ],
  [
    'date_bin(interval,timestamp,timestamp)',
    ['15 minutes', '2020-02-11 15:45:00', '2030-01-01'],
    '2020-02-11 15:45:00',
  ],
  [
    'date_bin(interval,timestamp,timestamp)',
    ['1 day 12:00', '2020-02-11 15:44:17', '2020-01-01'],
    '2020-02-10 12:00:00',
  ],
  ['date_bin(interval,timestamp,timestamp)', ['1 s', 'infinity', '2001-01-01'], 'infinity'],
  [
    'date_bin(interval,timestamp,timestamp)',
    ['1 mon', '2020-01-01', '2001-01-01'],
    'ERR 0A000 timestamps cannot be binned into intervals containing months or years',
  ],
  [
    'date_bin(interval,timestamp,timestamp)',
    ['0 s', '2020-01-01', '2001-01-01'],
    'ERR 22008 stride must be greater than zero',
  ],
  [
    'date_bin(interval,timestamp,timestamp)',
    ['-1 s', '2020-01-01', '2001-01-01'],
    'ERR 22008 stride must be greater than zero',
  ],
  [
    'date_bin(interval,timestamp,timestamp)',
    ['1 s', '2020-01-01', 'infinity'],
    'ERR 22008 origin out of range',
  ],
  [
    'date_bin(interval,timestamptz,timestamptz)',
    ['1 day', '2020-06-01 02:00+00', '2001-01-01'],
    '2020-05-31 01:00:00-04',
  ],
  ['isfinite(date)', ['infinity'], 'f'],
  ['isfinite(date)', ['2020-01-01'], 't'],
  ['isfinite(timestamp)', ['-infinity'], 'f'],
  ['isfinite(timestamptz)', ['2020-01-01 00:00+00'], 't'],
  ['isfinite(interval)', ['1 day'], 't'],
  ['make_date(int4,int4,int4)', ['2020', '2', '29'], '2020-02-29'],
  ['make_date(int4,int4,int4)', ['-44', '3', '15'], '0044-03-15 BC'],
  ['make_date(int4,int4,int4)', ['2021', '2', '29'], 'ERR 22008 date field value out of range: 2021-02-29'],
  ['make_date(int4,int4,int4)', ['0', '1', '1'], 'ERR 22008 date field value out of range: 0-01-01'],
  ['make_time(int4,int4,float8)', ['12', '30', '15.5'], '12:30:15.5'],
  ['make_time(int4,int4,float8)', ['24', '0', '0'], '24:00:00'],
  ['make_time(int4,int4,float8)', ['25', '0', '0'], 'ERR 22008 time field value out of range: 25:00:00'],
  [
    'make_timestamp(int4,int4,int4,int4,int4,float8)',
    ['2020', '2', '29', '12', '30', '15.5'],
    '2020-02-29 12:30:15.5',
  ],
  [
    'make_timestamp(int4,int4,int4,int4,int4,float8)',
    ['2020', '2', '29', '12', '60', '0'],
    'ERR 22008 time field value out of range: 12:60:00',
  ],
  [
    'make_timestamptz(int4,int4,int4,int4,int4,float8)',
    ['2020', '6', '1', '12', '0', '0'],
    '2020-06-01 12:00:00-04',
  ],
  [
    'make_timestamptz(int4,int4,int4,int4,int4,float8)',
    ['2020', '3', '8', '2', '30', '0'],
    '2020-03-08 03:30:00-04',
  ],
  [
    'make_timestamptz(int4,int4,int4,int4,int4,float8,text)',
    ['2020', '6', '1', '12', '0', '0', '+05'],
    '2020-06-01 03:00:00-04',
  ],
  [
    'make_timestamptz(int4,int4,int4,int4,int4,float8,text)',
    ['2020', '6', '1', '12', '0', '0', 'UTC+3'],
    '2020-06-01 11:00:00-04',
  ],
  [
    'make_timestamptz(int4,int4,int4,int4,int4,float8,text)',
    ['2020', '6', '1', '12', '0', '0', 'Europe/Paris'],
    '2020-06-01 06:00:00-04',
  ],
  [
    'make_timestamptz(int4,int4,int4,int4,int4,float8,text)',
    ['2020', '6', '1', '12', '0', '0', 'Nowhere/Special'],
    'ERR 22023 time zone "Nowhere/Special" not recognized',
  ],
  ['make_interval()', [], '00:00:00'],
  ['make_interval(int4)', ['1'], '1 year'],
  ['make_interval(int4,int4,int4)', ['1', '2', '3'], '1 year 2 mons 21 days'],
  [
    'make_interval(int4,int4,int4,int4,int4,int4,float8)',
    ['1', '2', '3', '4', '5', '6', '7.5'],
    '1 year 2 mons 25 days 05:06:07.5',
  ],
  [
    'make_interval(int4,int4,int4,int4,int4,int4,float8)',
    ['0', '0', '0', '0', '0', '0', '-0.0000005'],
    '00:00:00',
  ],
  ['to_timestamp(float8)', ['1591012800.5'], '2020-06-01 08:00:00.5-04'],
  ['to_timestamp(float8)', ['0'], '1969-12-31 19:00:00-05'],
  ['to_timestamp(float8)', ['NaN'], 'ERR 22008 timestamp cannot be NaN'],
  ['to_timestamp(float8)', ['Infinity'], 'infinity'],
  ['to_timestamp(float8)', ['1e20'], 'ERR 22008 timestamp out of range: "1e+20"'],
  ['justify_days(interval)', ['35 days'], '1 mon 5 days'],
  ['justify_days(interval)', ['1 mon -35 days'], '-5 days'],
  ['justify_hours(interval)', ['27 hours'], '1 day 03:00:00'],
  ['justify_hours(interval)', ['1 day -27 hours'], '-03:00:00'],
  ['justify_interval(interval)', ['1 mon -1 hour'], '29 days 23:00:00'],
  ['age(timestamp,timestamp)', ['2020-03-31', '2020-01-30 12:00'], '2 mons 12:00:00'],
  ['age(timestamp,timestamp)', ['1957-06-13', '2001-04-10'], '-43 years -9 mons -27 days'],
  ['age(timestamptz,timestamptz)', ['2020-03-31 00:00-04', '2019-01-30 12:00-05'], '1 year 2 mons 12:00:00'],
  ['age(timestamptz,timestamptz)', ['2020-11-02 00:00+00', '2020-10-01 00:00+00'], '1 mon 23:00:00'],
  ['timezone(text,timestamp)', ['UTC', '2020-06-01 12:00'], '2020-06-01 08:00:00-04'],
  ['timezone(text,timestamp)', ['+05', '2020-06-01 12:00'], '2020-06-01 13:00:00-04'],
  ['timezone(text,timestamp)', ['EST', '2020-06-01 12:00'], '2020-06-01 13:00:00-04'],
  ['timezone(text,timestamp)', ['Asia/Kolkata', '2020-06-01 12:00'], '2020-06-01 02:30:00-04'],
  [
    'timezone(text,timestamp)',
    ['Mars/Olympus', '2020-06-01 12:00'],
    'ERR 22023 time zone "Mars/Olympus" not recognized',
  ],
  ['timezone(text,timestamptz)', ['Asia/Tokyo', '2020-06-01 12:00+00'], '2020-06-01 21:00:00'],
  ['timezone(text,timestamptz)', ['UTC', 'infinity'], 'infinity'],
  ['timezone(interval,timestamp)', ['05:00', '2020-06-01 12:00'], '2020-06-01 03:00:00-04'],
  [
    'timezone(interval,timestamp)',
    ['1 day', '2020-06-01 12:00'],
    'ERR 22023 interval time zone "1 day" must not include months or days',
  ],
  ['timezone(interval,timestamptz)', ['-03:30', '2020-06-01 12:00+00'], '2020-06-01 08:30:00'],
  ['to_char(timestamp,text)', ['2020-06-01 12:34:56', 'YYYY-MM-DD HH24:MI:SS'], '2020-06-01 12:34:56'],
  ['to_char(timestamp,text)', ['infinity', 'YYYY'], 'NULL'],
  [
    'to_char(timestamptz,text)',
    ['2020-06-01 12:34:56+00', 'YYYY-MM-DD HH24:MI:SS TZ OF'],
    '2020-06-01 08:34:56 EDT -04',
  ],
  [
    'to_char(timestamptz,text)',
    ['2020-01-01 12:34:56+00', 'Day DD Mon YYYY HH12 AM TZ'],
    'Wednesday 01 Jan 2020 07 AM EST',
  ],
  ['date_part(text,timestamp)', ['second', 'NULL'], 'NULL'],
  ['make_date(int4,int4,int4)', ['NULL', '1', '1'], 'NULL'],
];

for (const [signature, args, expected] of [...OPERATOR_CASES, ...FUNCTION_CASES]) {
  test(`${signature} ${args.join(', ')}`, () => {
    assert.equal(evalCase(signature, args, ZONE), expected);
  });
}

test('zone-dependent entries fall back to UTC when not bound', () => {
  const add = binaryOperators['+']!.find((d) => d.left.id === 'timestamptz')!;
  const ts = parseTimestamptz('2020-03-07 12:00+00');
  const day = parseInterval('1 day');
  assert.equal(add.impl(ts, day), ts + 86_400_000_000);
  const hour = scalarFunctions.date_part!.find((d) => d.args[1]!.id === 'timestamptz')!;
  assert.equal(hour.impl('hour', ts), 12);
  assert.equal(hour.bind!([], { timeZone: UTC })('hour', ts), 12);
});

test('extract returns numeric values with the field scale', () => {
  const extract = scalarFunctions.extract!.find((d) => d.args[1]!.id === 'timestamp')!;
  const second = extract.impl('second', 0) as Numeric;
  assert.ok(second instanceof Numeric);
  assert.equal(second.scale, 6);
  assert.equal((extract.impl('milliseconds', 0) as Numeric).scale, 3);
  assert.equal((extract.impl('hour', 0) as Numeric).scale, 0);
});
