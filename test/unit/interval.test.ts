/**
 * @module test/unit/interval
 * `interval`: text input (with field qualifiers), output, arithmetic, justify_*, ordering and
 * hashing, checked against answers recorded from PostgreSQL 15 (IntervalStyle postgres).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatInterval, type IntervalField, parseInterval } from '../../src/common/datetime.ts';
import { EddyError } from '../../src/common/errors.ts';
import {
  addIntervals,
  divideInterval,
  Interval,
  justifyDays,
  justifyHours,
  justifyInterval,
  multiplyInterval,
  negateInterval,
  subtractIntervals,
} from '../../src/common/interval.ts';

/** PostgreSQL 15: `SELECT interval '…' [qualifier]` (IntervalStyle postgres). */
const inputCases: [string, string][] = [
  ['interval|1 day 02:03:04', '1 day 02:03:04'],
  ['interval|1 year 2 mons', '1 year 2 mons'],
  ['interval|3 hours', '03:00:00'],
  ['interval|-1 day', '-1 days'],
  ['interval|@ 1 minute ago', '-00:01:00'],
  ['interval|P1Y2M3DT4H5M6S', '1 year 2 mons 3 days 04:05:06'],
  ['interval|1 2:03', '1 day 02:03:00'],
  ['interval|-1 2:03:04', '-1 days +02:03:04'],
  ['interval|1-2', '1 year 2 mons'],
  ['interval|-1-2', '-1 years -2 mons'],
  ['interval|10', '00:00:10'],
  ['interval|1 2', 'ERR 22007 invalid input syntax for type interval: "1 2"'],
  ['interval|1 day 2', '1 day 00:00:02'],
  ['interval|1 2 hours', '1 day 02:00:00'],
  ['interval|1.5 years', '1 year 6 mons'],
  ['interval|1.5 months', '1 mon 15 days'],
  ['interval|1.5 weeks', '10 days 12:00:00'],
  ['interval|1.5 days', '1 day 12:00:00'],
  ['interval|-1.5 days', '-1 days -12:00:00'],
  ['interval|1 day ago', '-1 days'],
  ['interval|-1 day -2 hours ago', '1 day 02:00:00'],
  ['interval|P1.5Y', '1 year 6 mons'],
  ['interval|PT1.5S', '00:00:01.5'],
  ['interval|P1W', '7 days'],
  ['interval|P0001-02-03T04:05:06', '1 year 2 mons 3 days 04:05:06'],
  ['interval|P-1Y', '-1 years'],
  ['interval|PT-1.5M', '-00:01:30'],
  ['interval|1 day 1 day', 'ERR 22007 invalid input syntax for type interval: "1 day 1 day"'],
  ['interval|1 hour 02:00', 'ERR 22007 invalid input syntax for type interval: "1 hour 02:00"'],
  ['interval|1day', '1 day'],
  ['interval|2h30m', '02:30:00'],
  ['interval|-1.5 years', '-1 years -6 mons'],
  ['interval|0.3 months', '9 days'],
  ['interval|1.123456789 seconds', '00:00:01.123457'],
  ['interval|2 millennium 3 centuries 4 decades', '2340 years'],
  ['interval|5 ms 3 us', '00:00:00.005003'],
  ['interval|ago', 'ERR 22007 invalid input syntax for type interval: "ago"'],
  ['interval|', 'ERR 22007 invalid input syntax for type interval: ""'],
  ['interval|1 year ago 2 days', '-1 years -2 days'],
  ['interval|-02:03', '-02:03:00'],
  ['interval|1 -02:03', '1 day -02:03:00'],
  ['interval|+1 -1:00', '1 day -01:00:00'],
  ['interval|-1 +1:00', '-1 days +01:00:00'],
  ['interval|00:00:00', '00:00:00'],
  ['interval|0', '00:00:00'],
  ['interval|1 mon', '1 mon'],
  ['interval|-1 mons', '-1 mons'],
  ['interval|1 year -1 mons', '11 mons'],
  ['interval|-1 year 1 mons', '-11 mons'],
  ['interval|100:00:00', '100:00:00'],
  ['interval|12:34.5', '00:12:34.5'],
  ['interval|-00:00:01', '-00:00:01'],
  ['interval|0.5', '00:00:00.5'],
  ['interval|-0.000001', '-00:00:00.000001'],
  ['interval|2147483647 days', '2147483647 days'],
  ['interval|-2147483648 days', '-2147483648 days'],
  ['interval|178956970 years', '178956970 years'],
  ['interval|178956971 years', 'ERR 22008 interval out of range'],
  ['interval|1 fortnight', 'ERR 22007 invalid input syntax for type interval: "1 fortnight"'],
  ['interval|1 year 2 mons 3 days 04:05:06.5', '1 year 2 mons 3 days 04:05:06.5'],
  ['interval|   5 minutes   ', '00:05:00'],
  ['interval|1,5 days', 'ERR 22007 invalid input syntax for type interval: "1,5 days"'],
  ['interval|P', 'ERR 22007 invalid input syntax for type interval: "P"'],
  ['interval|PT', '00:00:00'],
  ['interval|P1DT', '1 day'],
  ['interval|P1M1D', '1 mon 1 day'],
  ['interval|PT1M', '00:01:00'],
  ['interval|1 week 2 days', '9 days'],
  ['interval|1 w', '7 days'],
  ['interval|3 weeks ago', '-21 days'],
  ['interval|1 hour 30 minutes 45 seconds', '01:30:45'],
  ['interval|90 minutes', '01:30:00'],
  ['interval|36 hours', '36:00:00'],
  ['interval|1.5 hours', '01:30:00'],
  ['interval|1 millisecond', '00:00:00.001'],
  ['interval|1.5 ms', '00:00:00.0015'],
  ['interval|0.1 us', '00:00:00'],
  ['interval|1e3 seconds', 'ERR 22007 invalid input syntax for type interval: "1e3 seconds"'],
  ['interval|1 min 2 s', '00:01:02'],
  ['interval|2 yrs', '2 years'],
  ['interval|3 c', '300 years'],
  ['interval YEAR|2 years 3 months', '2 years'],
  ['interval YEAR|1.5', '1 year'],
  ['interval MONTH|1 year 2 mons 3 days', '1 year 2 mons'],
  ['interval YEAR TO MONTH|1-2', '1 year 2 mons'],
  ['interval DAY|10', '10 days'],
  ['interval DAY|1 day 02:03:04', '1 day'],
  ['interval HOUR|1 day 02:03:04', '1 day 02:00:00'],
  ['interval HOUR|10', '10:00:00'],
  ['interval MINUTE|10', '00:10:00'],
  ['interval MINUTE|1 day 02:03:04', '1 day 02:03:00'],
  ['interval SECOND|10', '00:00:10'],
  ['interval SECOND|10.5', '00:00:10.5'],
  ['interval DAY TO HOUR|1 2', '1 day 02:00:00'],
  ['interval DAY TO MINUTE|1 2:03', '1 day 02:03:00'],
  ['interval DAY TO SECOND|1 2:03:04', '1 day 02:03:04'],
  ['interval HOUR TO MINUTE|2:03', '02:03:00'],
  ['interval HOUR TO SECOND|2:03:04.5', '02:03:04.5'],
  ['interval MINUTE TO SECOND|1:30', '00:01:30'],
  ['interval MINUTE TO SECOND|1:30.5', '00:01:30.5'],
  ['interval DAY TO SECOND|10', '00:00:10'],
  ['interval HOUR TO MINUTE|10', '00:10:00'],
  ['interval YEAR TO MONTH|10', '10 mons'],
  ['interval DAY TO HOUR|-1 -2', '-1 days -02:00:00'],
];

/** PostgreSQL 15 answers for interval operators and functions. */
const arithmeticCases: [string, string][] = [
  ['iv+iv|1 day|-1 hour', '1 day -01:00:00'],
  ['iv+iv|1 mon|30 days', '1 mon 30 days'],
  ['iv+iv|2147483647 days|1 day', 'ERR 22008 interval out of range'],
  ['iv-iv|1 year|1 day', '1 year -1 days'],
  ['iv*f|1 mon|1.5', '1 mon 15 days'],
  ['iv*f|1 day|1.5', '1 day 12:00:00'],
  ['iv*f|1 mon 1 day 01:00|0.3', '9 days 07:30:00'],
  ['iv*f|1 year|0.5', '6 mons'],
  ['iv*f|1 hour|-2', '-02:00:00'],
  ['iv*f|1 mon|0.1', '3 days'],
  ['iv*f|10 days|3.7', '37 days'],
  ['iv*f|1 mon|1e10', 'ERR 22008 interval out of range'],
  ["iv*f|1 day|'NaN'", 'ERR 22008 interval out of range'],
  ['iv/f|1 mon|3', '10 days'],
  ['iv/f|1 day|3', '08:00:00'],
  ['iv/f|1 year 1 mon 1 day|7', '1 mon 25 days 20:34:17.167543'],
  ['iv/f|1 hour|0', 'ERR 22012 division by zero'],
  ['iv/f|35 days|-2', '-17 days -12:00:00'],
  ['iv/f|1 mon|0.7', '1 mon 12 days 20:34:17.1552'],
  ['-iv|1 year 2 mons -3 days 04:05', '-1 years -2 mons +3 days -04:05:00'],
  ['-iv|-2147483648 days', 'ERR 22008 interval out of range'],
  ['jd|35 days', '1 mon 5 days'],
  ['jd|-35 days', '-1 mons -5 days'],
  ['jd|1 mon -1 day', '29 days'],
  ['jd|-1 mon 1 day', '-29 days'],
  ['jh|27 hours', '1 day 03:00:00'],
  ['jh|-27 hours', '-1 days -03:00:00'],
  ['jh|1 day -1 hour', '23:00:00'],
  ['jh|-1 day 1 hour', '-23:00:00'],
  ['ji|1 mon -1 hour', '29 days 23:00:00'],
  ['ji|-1 mon 1 hour', '-29 days -23:00:00'],
  ['ji|1 mon -31 days', '-1 days'],
  ['ji|29 days 25:00', '1 mon 01:00:00'],
  ['ji|-1 mon 30 days -00:00:01', '-00:00:01'],
  ['cmp|1 mon|30 days', '0'],
  ['cmp|1 day|24 hours', '0'],
  ['cmp|1 day|23:59:59.999999', '1'],
  ['cmp|1 year|360 days', '0'],
  ['cmp|1 year|365 days', '-1'],
  ['cmp|-1 mon|-29 days', '-1'],
  ['cmp|1 mon -1 day|29 days', '0'],
  ['cmp|100000 years|1 day', '1'],
];

function attempt(fn: () => string): string {
  try {
    return fn();
  } catch (e) {
    if (!(e instanceof EddyError)) throw e;
    return `ERR ${e.code} ${e.message}`;
  }
}

for (const [spec, expected] of inputCases) {
  const bar = spec.indexOf('|');
  const qualifier = spec.slice('interval'.length, bar).trim();
  const field = qualifier === '' ? undefined : (qualifier as IntervalField);
  test(`input: ${spec}`, () => {
    assert.equal(
      attempt(() => formatInterval(parseInterval(spec.slice(bar + 1), field))),
      expected,
    );
  });
}

const iv = parseInterval;
const binary: Record<string, (a: string, b: string) => string> = {
  'iv+iv': (a, b) => formatInterval(addIntervals(iv(a), iv(b))),
  'iv-iv': (a, b) => formatInterval(subtractIntervals(iv(a), iv(b))),
  'iv*f': (a, b) => formatInterval(multiplyInterval(iv(a), Number(b.replaceAll("'", '')))),
  'iv/f': (a, b) => formatInterval(divideInterval(iv(a), Number(b))),
  '-iv': (a) => formatInterval(negateInterval(iv(a))),
  jd: (a) => formatInterval(justifyDays(iv(a))),
  jh: (a) => formatInterval(justifyHours(iv(a))),
  ji: (a) => formatInterval(justifyInterval(iv(a))),
  cmp: (a, b) => String(Interval.compare(iv(a), iv(b))),
};

for (const [spec, expected] of arithmeticCases) {
  const [op, a, b = ''] = spec.split('|');
  test(`arithmetic: ${spec}`, () =>
    assert.equal(
      attempt(() => binary[op](a, b)),
      expected,
    ));
}

test('equal spans are equal and hash alike: 1 mon = 30 days, 1 day = 24 hours', () => {
  const pairs: [string, string][] = [
    ['1 mon', '30 days'],
    ['1 day', '24:00:00'],
    ['1 year', '360 days'],
    ['-1 day', '-86400 seconds'],
    ['1 mon -1 day', '29 days'],
    ['00:00:00', '0 years'],
  ];
  for (const [a, b] of pairs) {
    assert.ok(Interval.equals(iv(a), iv(b)), `${a} = ${b}`);
    assert.ok(iv(a).equals(iv(b)));
    assert.equal(iv(a).hashCode(), iv(b).hashCode(), `${a} hash`);
  }
  assert.ok(!Interval.equals(iv('1 day'), iv('1 day 00:00:00.000001')));
  assert.notEqual(iv('1 day').hashCode(), iv('2 days').hashCode());
});

test('compare is a total order by span', () => {
  const sorted = [
    '-1 year',
    '-1 mon',
    '-1 day',
    '-00:00:01',
    '0',
    '1 microsecond',
    '23:59:59',
    '1 day',
    '1 mon 1 day',
    '1 year',
  ];
  for (let i = 0; i < sorted.length; i++) {
    for (let j = 0; j < sorted.length; j++) {
      assert.equal(
        Interval.compare(iv(sorted[i]), iv(sorted[j])),
        Math.sign(i - j),
        `${sorted[i]} vs ${sorted[j]}`,
      );
    }
  }
});

test('fields stay apart: no normalisation on input or arithmetic', () => {
  const v = iv('1 year 2 mons 3 days 04:05:06.5');
  assert.deepEqual([v.months, v.days, v.micros], [14, 3, 14_706_500_000]);
  const w = addIntervals(iv('25 hours'), iv('31 days'));
  assert.deepEqual([w.months, w.days, w.micros], [0, 31, 90_000_000_000]);
});

test('field overflow on input: PostgreSQL says 22015, Eddy reports 22008 (no 22015 in SqlState yet)', () => {
  assert.throws(() => iv('1:60'), { code: '22008', message: 'interval field value out of range: "1:60"' });
  assert.throws(() => iv('2147483648 days'), {
    code: '22008',
    message: 'interval field value out of range: "2147483648 days"',
  });
});

test('interval overflow in arithmetic is 22008 interval out of range', () => {
  assert.throws(() => multiplyInterval(iv('1 mon'), 1e10), {
    code: '22008',
    message: 'interval out of range',
  });
  assert.throws(() => divideInterval(iv('1 mon'), 0), { code: '22012', message: 'division by zero' });
});
