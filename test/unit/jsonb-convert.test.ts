/**
 * @module test/unit/jsonb-convert
 * to_jsonb, jsonb_build_object / jsonb_build_array and the jsonb_agg helpers over Eddy runtime values,
 * against answers recorded from PostgreSQL 15 (session TimeZone UTC unless stated).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { daysFromCivil } from '../../src/common/datetime-calendar.ts';
import { timeZone } from '../../src/common/datetime-zone.ts';
import { EddyError } from '../../src/common/errors.ts';
import { Interval } from '../../src/common/interval.ts';
import { Jsonb } from '../../src/common/jsonb.ts';
import { jsonbAgg, jsonbBuildArray, jsonbBuildObject, jsonbObjectAgg } from '../../src/common/jsonb-build.ts';
import { jsonbToInt8, jsonbToNumeric, toJsonb } from '../../src/common/jsonb-convert.ts';
import { Numeric } from '../../src/common/numeric.ts';
import { arrayOf, type SqlType, T } from '../../src/common/types.ts';
import type { Value } from '../../src/common/value.ts';

const DAY = 86_400_000_000;
const date = (y: number, m: number, d: number): number => daysFromCivil(y, m, d);
const clock = (h: number, mi: number, s: number): number => Math.round((h * 3600 + mi * 60 + s) * 1e6);

function outcome(f: () => Jsonb | null): string | null {
  try {
    const j = f();
    return j === null ? null : j.toString();
  } catch (e) {
    if (!(e instanceof EddyError)) throw e;
    return `ERR ${e.code} ${e.message}`;
  }
}

/** `[SQL it mirrors, value, type, to_jsonb(...)::text from PostgreSQL 15]`. */
const toJsonbCases: [string, Value, SqlType, string][] = [
  ['1::int2', 1, T.int2, '1'],
  ['-2::int4', -2, T.int4, '-2'],
  ['9007199254740993::int8', 9007199254740993n, T.int8, '9007199254740993'],
  ['(-9223372036854775808)::int8', -9223372036854775808n, T.int8, '-9223372036854775808'],
  ['1152921504606846976::int8', 1152921504606846976n, T.int8, '1152921504606846976'],
  ['1.50::numeric', Numeric.parse('1.50'), T.numeric, '1.50'],
  ["'NaN'::numeric", Numeric.NaN, T.numeric, '"NaN"'],
  ["'-Infinity'::numeric", Numeric.NEGATIVE_INFINITY, T.numeric, '"-Infinity"'],
  ['0.000::numeric', Numeric.parse('0.000'), T.numeric, '0.000'],
  ['1e21::float8', 1e21, T.float8, '1000000000000000000000'],
  ['1e-7::float8', 1e-7, T.float8, '0.0000001'],
  ["'-0'::float8", -0, T.float8, '0'],
  ["'NaN'::float8", Number.NaN, T.float8, '"NaN"'],
  ["'-Infinity'::float8", -Infinity, T.float8, '"-Infinity"'],
  ['0.1::float8', 0.1, T.float8, '0.1'],
  ['123456789012345678::float8', 123456789012345680, T.float8, '123456789012345680'],
  ['0.1::float4', Math.fround(0.1), T.float4, '0.1'],
  ['3.4e38::float4', Math.fround(3.4e38), T.float4, '340000000000000000000000000000000000000'],
  ['1e-45::float4', Math.fround(1e-45), T.float4, '0.000000000000000000000000000000000000000000001'],
  ["'Infinity'::float4", Infinity, T.float4, '"Infinity"'],
  ['16777217::float4', Math.fround(16777217), T.float4, '16777216'],
  ['true', true, T.bool, 'true'],
  [`'a"b\\c'::text`, 'a"b\\c', T.text, '"a\\"b\\\\c"'],
  ["E'tab\\there'::varchar", 'tab\there', T.varchar, '"tab\\there"'],
  ["'\\x0102ff'::bytea", new Uint8Array([1, 2, 255]), T.bytea, '"\\\\x0102ff"'],
  [
    "'a0eebc99-…'::uuid",
    'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
    T.uuid,
    '"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"',
  ],
  ["'2020-01-02'::date", date(2020, 1, 2), T.date, '"2020-01-02"'],
  ["'infinity'::date", Infinity, T.date, '"infinity"'],
  ["'0044-03-15 BC'::date", date(-43, 3, 15), T.date, '"0044-03-15 BC"'],
  ["'12:34:56.5'::time", clock(12, 34, 56.5), T.time, '"12:34:56.5"'],
  ["'00:00:00'::time", 0, T.time, '"00:00:00"'],
  [
    "'2020-01-02 03:04:05'::timestamp",
    date(2020, 1, 2) * DAY + clock(3, 4, 5),
    T.timestamp,
    '"2020-01-02T03:04:05"',
  ],
  [
    "'2020-01-02 03:04:05.123456'::timestamp",
    date(2020, 1, 2) * DAY + clock(3, 4, 5.123456),
    T.timestamp,
    '"2020-01-02T03:04:05.123456"',
  ],
  [
    "'0044-03-15 12:00 BC'::timestamp",
    date(-43, 3, 15) * DAY + clock(12, 0, 0),
    T.timestamp,
    '"0044-03-15T12:00:00 BC"',
  ],
  ["'-infinity'::timestamp", -Infinity, T.timestamp, '"-infinity"'],
  [
    "'2020-01-02 03:04:05.123+00'::timestamptz",
    date(2020, 1, 2) * DAY + clock(3, 4, 5.123),
    T.timestamptz,
    '"2020-01-02T03:04:05.123+00:00"',
  ],
  [
    "'0044-03-15 12:00+00 BC'::timestamptz",
    date(-43, 3, 15) * DAY + clock(12, 0, 0),
    T.timestamptz,
    '"0044-03-15T12:00:00+00:00 BC"',
  ],
  ["'infinity'::timestamptz", Infinity, T.timestamptz, '"infinity"'],
  [
    "'1 year 2 mons 3 days 04:05:06.5'::interval",
    new Interval(14, 3, clock(4, 5, 6.5)),
    T.interval,
    '"1 year 2 mons 3 days 04:05:06.5"',
  ],
  ["'-1 days'::interval", new Interval(0, -1, 0), T.interval, '"-1 days"'],
  ['array[1,null,3]', [1, null, 3], arrayOf(T.int4), '[1, null, 3]'],
  ['array[]::int[]', [], arrayOf(T.int4), '[]'],
  ["array['a',null]", ['a', null], arrayOf(T.text), '["a", null]'],
  ["array['2020-01-02'::date]", [date(2020, 1, 2)], arrayOf(T.date), '["2020-01-02"]'],
  [
    "array[1.50, 'NaN']::numeric[]",
    [Numeric.parse('1.50'), Numeric.NaN],
    arrayOf(T.numeric),
    '[1.50, "NaN"]',
  ],
  [`'{"b":1,"a":[2]}'::jsonb`, Jsonb.parse('{"b":1,"a":[2]}'), T.jsonb, '{"a": [2], "b": 1}'],
];

describe('to_jsonb', () => {
  for (const [sql, value, type, want] of toJsonbCases) {
    test(sql, () =>
      assert.equal(
        outcome(() => toJsonb(value, type)),
        want,
      ),
    );
  }

  test('NULL is SQL NULL (strict)', () => assert.equal(toJsonb(null, T.int4), null));

  test('timestamptz in the session time zone', () => {
    const t = date(2020, 1, 2) * DAY + clock(3, 4, 5);
    assert.equal(
      toJsonb(t, T.timestamptz, timeZone('Asia/Kolkata'))?.toString(),
      '"2020-01-02T08:34:05+05:30"',
    );
  });

  test('extreme doubles keep every digit', () => {
    const big = toJsonb(1.5e300, T.float8)!.toString();
    assert.equal(big, `15${'0'.repeat(299)}`);
    const tiny = toJsonb(5e-324, T.float8)!.toString();
    assert.equal(tiny, `0.${'0'.repeat(323)}5`);
  });

  test('jsonb numbers cast back to numeric and bigint exactly', () => {
    assert.equal(jsonbToNumeric(toJsonb(Numeric.parse('1.50'), T.numeric)!).toString(), '1.50');
    assert.equal(jsonbToInt8(toJsonb(9007199254740993n, T.int8)!), 9007199254740993n);
    assert.equal(jsonbToInt8(toJsonb(42, T.int8)!), 42);
  });
});

const t = T.text;
const i4 = T.int4;

/** `[SQL, run, ::text from PostgreSQL 15]`. */
const buildCases: [string, () => Jsonb | null, string | null][] = [
  [
    "jsonb_build_object('a', 1, 'b', 'x', 'c', null, 'd', 1.50, 'e', true, 'a', 2)",
    () =>
      jsonbBuildObject(
        ['a', 1, 'b', 'x', 'c', null, 'd', Numeric.parse('1.50'), 'e', true, 'a', 2],
        [t, i4, t, t, t, t, t, T.numeric, t, T.bool, t, i4],
      ),
    '{"a": 2, "b": "x", "c": null, "d": 1.50, "e": true}',
  ],
  ['jsonb_build_object()', () => jsonbBuildObject([], []), '{}'],
  [
    "jsonb_build_object('a')",
    () => jsonbBuildObject(['a'], [t]),
    'ERR 22023 argument list must have even number of elements',
  ],
  [
    'jsonb_build_object(null::text, 1)',
    () => jsonbBuildObject([null, 1], [t, i4]),
    'ERR 22023 argument 1: key must not be null',
  ],
  [
    "jsonb_build_object('k', 1, null::text, 2)",
    () => jsonbBuildObject(['k', 1, null, 2], [t, i4, t, i4]),
    'ERR 22023 argument 3: key must not be null',
  ],
  [
    "jsonb_build_object(1, 2, true, 3, 1.5, 4, '2020-01-02'::date, 5)",
    () =>
      jsonbBuildObject(
        [1, 2, true, 3, Numeric.parse('1.5'), 4, date(2020, 1, 2), 5],
        [i4, i4, T.bool, i4, T.numeric, i4, T.date, i4],
      ),
    '{"1": 2, "1.5": 4, "true": 3, "2020-01-02": 5}',
  ],
  [
    'jsonb_build_object(array[1], 2)',
    () => jsonbBuildObject([[1], 2], [arrayOf(i4), i4]),
    'ERR 22023 key value must be scalar, not array, composite, or json',
  ],
  [
    `jsonb_build_object('{"a":1}'::jsonb, 2)`,
    () => jsonbBuildObject([Jsonb.parse('{"a":1}'), 2], [T.jsonb, i4]),
    'ERR 22023 key value must be scalar, not array, composite, or json',
  ],
  [
    "jsonb_build_object('2020-01-02 03:04:05.5'::timestamp, 1, 'NaN'::numeric, 2, 'Infinity'::float8, 3, 1e21::float8, 4, 1e-7::float8, 5, 0.1::float4, 6, 1.5e7::float4, 7, 123456789012345678::float8, 8, -0::float8, 9)",
    () =>
      jsonbBuildObject(
        [
          ...[date(2020, 1, 2) * DAY + clock(3, 4, 5.5), 1, Numeric.NaN, 2, Infinity, 3, 1e21, 4, 1e-7, 5],
          ...[Math.fround(0.1), 6, Math.fround(1.5e7), 7, 123456789012345680, 8, -0, 9],
        ],
        [
          T.timestamp,
          i4,
          T.numeric,
          i4,
          T.float8,
          i4,
          T.float8,
          i4,
          T.float8,
          i4,
          T.float4,
          i4,
          T.float4,
          i4,
          T.float8,
          i4,
          T.float8,
          i4,
        ],
      ),
    '{"-0": 9, "0.1": 6, "NaN": 2, "1e+21": 4, "1e-07": 5, "1.5e+07": 7, "Infinity": 3, "2020-01-02T03:04:05.5": 1, "1.2345678901234568e+17": 8}',
  ],
  [
    "jsonb_build_object('k', (-9223372036854775808)::int8, 'i', '1 day'::interval, 'b', '\\x01'::bytea, 't', '12:00'::time, (-9223372036854775808)::int8, 1, '1 day'::interval, 2, '\\x01'::bytea, 3, '12:00'::time, 4, 1.50, 5, 1.5::float4, 6)",
    () => {
      const values: Value[] = [
        -9223372036854775808n,
        new Interval(0, 1, 0),
        new Uint8Array([1]),
        clock(12, 0, 0),
      ];
      const types: SqlType[] = [T.int8, T.interval, T.bytea, T.time];
      const args: Value[] = ['k', values[0]!, 'i', values[1]!, 'b', values[2]!, 't', values[3]!];
      const argTypes: SqlType[] = [t, types[0]!, t, types[1]!, t, types[2]!, t, types[3]!];
      values.forEach((v, i) => {
        args.push(v, i + 1);
        argTypes.push(types[i]!, i4);
      });
      args.push(Numeric.parse('1.50'), 5, 1.5, 6);
      argTypes.push(T.numeric, i4, T.float4, i4);
      return jsonbBuildObject(args, argTypes);
    },
    '{"b": "\\\\x01", "i": "1 day", "k": -9223372036854775808, "t": "12:00:00", "1.5": 6, "1.50": 5, "\\\\x01": 3, "1 day": 2, "12:00:00": 4, "-9223372036854775808": 1}',
  ],
  [
    "jsonb_build_array(1, 'a', null::text, 2.50, array['x'], '{\"a\":1}'::jsonb, '2020-01-02 03:04:05.5'::timestamp)",
    () =>
      jsonbBuildArray(
        [
          1,
          'a',
          null,
          Numeric.parse('2.50'),
          ['x'],
          Jsonb.parse('{"a":1}'),
          date(2020, 1, 2) * DAY + clock(3, 4, 5.5),
        ],
        [i4, t, t, T.numeric, arrayOf(t), T.jsonb, T.timestamp],
      ),
    '[1, "a", null, 2.50, ["x"], {"a": 1}, "2020-01-02T03:04:05.5"]',
  ],
  ['jsonb_build_array()', () => jsonbBuildArray([], []), '[]'],
  ['jsonb_agg over 1, null, 3', () => jsonbAgg([1, null, 3], i4), '[1, null, 3]'],
  ['jsonb_agg over no rows', () => jsonbAgg([], i4), null],
  [
    `jsonb_agg over '{"a":1}'::jsonb, null`,
    () => jsonbAgg([Jsonb.parse('{"a":1}'), null], T.jsonb),
    '[{"a": 1}, null]',
  ],
  ['jsonb_agg over int[] values', () => jsonbAgg([[1, 2], [3]], arrayOf(i4)), '[[1, 2], [3]]'],
  [
    "jsonb_object_agg over ('a',1),('b',null),('a',3)",
    () => jsonbObjectAgg(['a', 'b', 'a'], [1, null, 3], t, i4),
    '{"a": 3, "b": null}',
  ],
  [
    "jsonb_object_agg over ('a',1),(null,2)",
    () => jsonbObjectAgg(['a', null], [1, 2], t, i4),
    'ERR 22023 field name must not be null',
  ],
  ['jsonb_object_agg over no rows', () => jsonbObjectAgg([], [], t, i4), null],
  [
    "jsonb_object_agg over (1,'x'),(2,'y')",
    () => jsonbObjectAgg([1, 2], ['x', 'y'], i4, t),
    '{"1": "x", "2": "y"}',
  ],
  [
    "jsonb_object_agg over (array[1],'x')",
    () => jsonbObjectAgg([[1]], ['x'], arrayOf(i4), t),
    'ERR 22023 key value must be scalar, not array, composite, or json',
  ],
];

describe('jsonb_build_object, jsonb_build_array, jsonb_agg, jsonb_object_agg', () => {
  for (const [sql, run, want] of buildCases) test(sql, () => assert.equal(outcome(run), want));

  test('the odd-argument error carries PostgreSQL hint', () => {
    assert.throws(() => jsonbBuildObject(['a'], [t]), {
      hint: 'The arguments of jsonb_build_object() must consist of alternating keys and values.',
    });
  });
});
