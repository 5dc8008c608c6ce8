/**
 * Casts (src/functions/cast.ts) against PostgreSQL 15: conversions (each row is the SQL run on a
 * real server, the same cast here, and the server's answer), and which casts exist in which
 * context (pg_cast's rows among Eddy's types, recorded from the server, plus the I/O casts).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EddyError } from '../../src/common/errors.ts';
import { Jsonb } from '../../src/common/jsonb.ts';
import { Numeric } from '../../src/common/numeric.ts';
import { arrayOf, type SqlType, T, varchar } from '../../src/common/types.ts';
import type { Value } from '../../src/common/value.ts';
import {
  canCastAssignment,
  canCastExplicitly,
  canCastImplicitly,
  castContext,
  castValue,
  isPreferredType,
} from '../../src/functions/cast.ts';
import { formatText } from '../../src/functions/text-io.ts';

type Row = [sql: string, run: () => string, expected: string];

function check(rows: Row[]): void {
  for (const [sql, run, expected] of rows) {
    let actual: string;
    try {
      actual = run();
    } catch (e) {
      if (!(e instanceof EddyError)) throw e;
      actual = `ERROR ${e.code}: ${e.message}`;
    }
    assert.equal(actual, expected, sql);
  }
}

/** An explicit cast of `v` from one type to another, printed as psql shows it. */
function cast(v: Value, from: SqlType, to: SqlType, explicit = true): () => string {
  return () => {
    const r = castValue(v, from, to, explicit);
    return r === null ? 'NULL' : formatText(r, to);
  };
}

const { bool, int2, int4, int8, float4, float8, numeric, text, uuid, bytea } = T;
const n = (s: string): Numeric => Numeric.parse(s);

test('numeric widenings and narrowings', () => {
  check([
    [`100000::int4::int2`, cast(100000, int4, int2), 'ERROR 22003: smallint out of range'],
    [`(-32768)::int4::int2`, cast(-32768, int4, int2), '-32768'],
    [
      `9223372036854775807::int8::int4`,
      cast(9223372036854775807n, int8, int4),
      'ERROR 22003: integer out of range',
    ],
    [`2147483647::int8::int4`, cast(2147483647, int8, int4), '2147483647'],
    [`2.5::float8::int4`, cast(2.5, float8, int4), '2'],
    [`3.5::float8::int4`, cast(3.5, float8, int4), '4'],
    [`(-2.5)::float8::int4`, cast(-2.5, float8, int4), '-2'],
    [`(-0.5)::float8::int4`, cast(-0.5, float8, int4), '0'],
    [`2147483647.4::float8::int4`, cast(2147483647.4, float8, int4), '2147483647'],
    [`2147483647.5::float8::int4`, cast(2147483647.5, float8, int4), 'ERROR 22003: integer out of range'],
    [`1e10::float8::int4`, cast(1e10, float8, int4), 'ERROR 22003: integer out of range'],
    [`'NaN'::float8::int8`, cast(Number.NaN, float8, int8), 'ERROR 22003: bigint out of range'],
    [`'Infinity'::float8::int2`, cast(Infinity, float8, int2), 'ERROR 22003: smallint out of range'],
    [`9223372036854775807::float8::int8`, cast(2 ** 63, float8, int8), 'ERROR 22003: bigint out of range'],
    [`(-9223372036854775808)::float8::int8`, cast(-(2 ** 63), float8, int8), '-9223372036854775808'],
    [`1e17::float8::int8`, cast(1e17, float8, int8), '100000000000000000'],
    [`32767.5::float4::int2`, cast(Math.fround(32767.5), float4, int2), 'ERROR 22003: smallint out of range'],
    [`9007199254740993::int8::float8`, cast(9007199254740993n, int8, float8), '9.007199254740992e+15'],
    [`16777217::int4::float4`, cast(16777217, int4, float4), '1.6777216e+07'],
    [`0.1::float4::float8`, cast(Math.fround(0.1), float4, float8), '0.10000000149011612'],
    [`1e-50::float8::float4`, cast(1e-50, float8, float4), 'ERROR 22003: value out of range: underflow'],
    [`1e50::float8::float4`, cast(1e50, float8, float4), 'ERROR 22003: value out of range: overflow'],
  ]);
});

test('numeric ↔ int and float', () => {
  check([
    [`2.5::numeric::int4`, cast(n('2.5'), numeric, int4), '3'],
    [`(-2.5)::numeric::int2`, cast(n('-2.5'), numeric, int2), '-3'],
    [`'NaN'::numeric::int4`, cast(n('NaN'), numeric, int4), 'ERROR 0A000: cannot convert NaN to integer'],
    [
      `99999999999999999999::numeric::int8`,
      cast(n('99999999999999999999'), numeric, int8),
      'ERROR 22003: bigint out of range',
    ],
    [
      `1e39::numeric::float4`,
      cast(n('1e39'), numeric, float4),
      'ERROR 22003: "1000000000000000000000000000000000000000" is out of range for type real',
    ],
    [`1.1::numeric::float8`, cast(n('1.1'), numeric, float8), '1.1'],
    [`0.1::float8::numeric`, cast(0.1, float8, numeric), '0.1'],
    [`0.1::float4::numeric`, cast(Math.fround(0.1), float4, numeric), '0.1'],
    [`1e20::float8::numeric`, cast(1e20, float8, numeric), '100000000000000000000'],
    [`'Infinity'::float8::numeric`, cast(Infinity, float8, numeric), 'Infinity'],
    [`9223372036854775807::int8::numeric`, cast(9223372036854775807n, int8, numeric), '9223372036854775807'],
    [
      `123.456::numeric(5,2)`,
      cast(n('123.456'), numeric, { id: 'numeric', precision: 5, scale: 2 }),
      '123.46',
    ],
    [
      `1234.5::numeric(5,2)`,
      cast(n('1234.5'), numeric, { id: 'numeric', precision: 5, scale: 2 }),
      'ERROR 22003: numeric field overflow',
    ],
    [
      `12345::int4::numeric(3,0)`,
      cast(12345, int4, { id: 'numeric', precision: 3, scale: 0 }),
      'ERROR 22003: numeric field overflow',
    ],
  ]);
});

test('bool, text, varchar, uuid, bytea, jsonb', () => {
  check([
    [`true::int4`, cast(true, bool, int4), '1'],
    [`0::bool`, cast(0, int4, bool), 'f'],
    [`(-5)::bool`, cast(-5, int4, bool), 't'],
    [`true::text`, cast(true, bool, text), 'true'],
    [`false::varchar(3)`, cast(false, bool, varchar(3)), 'fal'],
    [`array[true, false]::text[]`, cast([true, false], arrayOf(bool), arrayOf(text)), '{true,false}'],
    [`array[true, false]::text`, cast([true, false], arrayOf(bool), text), '{t,f}'],
    [`'happy'::text::varchar(3)`, cast('happy', text, varchar(3)), 'hap'],
    [`1.5::float8::text`, cast(1.5, float8, text), '1.5'],
    [`1e20::float8::varchar`, cast(1e20, float8, T.varchar), '1e+20'],
    [`' 12 '::text::int4`, cast(' 12 ', text, int4), '12'],
    [`'yes'::text::bool`, cast('yes', text, bool), 't'],
    [
      `'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'::text::uuid`,
      cast('A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', text, uuid),
      'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
    ],
    [
      `'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid::text`,
      cast('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', uuid, text),
      'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
    ],
    [`'\\x0102'::bytea::text`, cast(new Uint8Array([1, 2]), bytea, text), '\\x0102'],
    [`'{1,2}'::text::int4[]`, cast('{1,2}', text, arrayOf(int4)), '{1,2}'],
    [`array[1, 2]::int8[]`, cast([1, 2], arrayOf(int4), arrayOf(int8)), '{1,2}'],
    [`array[1.5, 2.5]::float8[]::int4[]`, cast([1.5, 2.5], arrayOf(float8), arrayOf(int4)), '{2,2}'],
    [`array['abc', 'de']::varchar(2)[]`, cast(['abc', 'de'], arrayOf(text), arrayOf(varchar(2))), '{ab,de}'],
    [`'12'::jsonb::int4`, cast(Jsonb.parse('12'), T.jsonb, int4), '12'],
    [
      `'"12"'::jsonb::int4`,
      cast(Jsonb.parse('"12"'), T.jsonb, int4),
      'ERROR 22023: cannot cast jsonb string to type integer',
    ],
    [`'2.5'::jsonb::int8`, cast(Jsonb.parse('2.5'), T.jsonb, int8), '3'],
    [`'true'::jsonb::bool`, cast(Jsonb.parse('true'), T.jsonb, bool), 't'],
    [`'1.50'::jsonb::numeric`, cast(Jsonb.parse('1.50'), T.jsonb, numeric), '1.50'],
    [`'"x"'::jsonb::text`, cast(Jsonb.parse('"x"'), T.jsonb, text), '"x"'],
    [`'2024-01-31'::date::timestamp`, cast(19753, T.date, T.timestamp), '2024-01-31 00:00:00'],
    [`'2024-01-31 12:34:56'::timestamp::date`, cast(1706704496000000, T.timestamp, T.date), '2024-01-31'],
    [`'2024-01-31 12:34:56'::timestamp::time`, cast(1706704496000000, T.timestamp, T.time), '12:34:56'],
    [
      `'-25 hours'::interval::time`,
      cast(castValue('-25 hours', text, T.interval, true), T.interval, T.time),
      '23:00:00',
    ],
    [`'12:00'::time::interval`, cast(43200000000, T.time, T.interval), '12:00:00'],
  ]);
});

test('varchar(n) fails on assignment but truncates on explicit casts', () => {
  assert.equal(castValue('happy', text, varchar(3), true), 'hap');
  assert.equal(castValue('abc   ', text, varchar(3), false), 'abc');
  assert.throws(
    () => castValue('happy', text, varchar(3), false),
    (e: unknown) =>
      e instanceof EddyError &&
      e.code === '22001' &&
      e.message === 'value too long for type character varying(3)',
  );
  assert.equal(castValue(null, text, int4, true), null);
});

test('cast contexts follow pg_cast and the I/O conversion rules', () => {
  const types = [
    bool,
    int2,
    int4,
    int8,
    numeric,
    float4,
    float8,
    text,
    T.varchar,
    bytea,
    uuid,
    T.date,
    T.time,
    T.timestamp,
    T.timestamptz,
    T.interval,
    T.jsonb,
  ];
  // pg_cast among these types (castcontext), from PostgreSQL 15's catalog.
  const pgCast = `bool>int4:e bool>text:a bool>varchar:a int8>int2:a int8>int4:a int8>float4:i int8>float8:i
    int8>numeric:i int2>int8:i int2>int4:i int2>float4:i int2>float8:i int2>numeric:i int4>bool:e int4>int8:i
    int4>int2:a int4>float4:i int4>float8:i int4>numeric:i text>varchar:i float4>int8:a float4>int2:a
    float4>int4:a float4>float8:i float4>numeric:a float8>int8:a float8>int2:a float8>int4:a float8>float4:a
    float8>numeric:a varchar>text:i date>timestamp:i date>timestamptz:i time>interval:i timestamp>date:a
    timestamp>time:a timestamp>timestamptz:i timestamptz>date:a timestamptz>time:a timestamptz>timestamp:a
    interval>time:a numeric>int8:a numeric>int2:a numeric>int4:a numeric>float4:i numeric>float8:i
    jsonb>bool:e jsonb>int8:e jsonb>int2:e jsonb>int4:e jsonb>float4:e jsonb>float8:e jsonb>numeric:e`;
  const expected = new Map(
    pgCast
      .trim()
      .split(/\s+/)
      .map((e) => e.split(':') as [string, string]),
  );
  for (const from of types) {
    for (const to of types) {
      if (from === to) continue;
      const key = `${from.id}>${to.id}`;
      // Without a pg_cast row, PostgreSQL converts through text: to a string type in assignment, from one explicitly.
      let want = expected.get(key);
      if (want === undefined && (to.id === 'text' || to.id === 'varchar')) want = 'a';
      if (want === undefined && (from.id === 'text' || from.id === 'varchar')) want = 'e';
      assert.equal(castContext(from, to), want, key);
      assert.equal(canCastImplicitly(from, to), want === 'i', key);
      assert.equal(canCastAssignment(from, to), want === 'i' || want === 'a', key);
      assert.equal(canCastExplicitly(from, to), want !== undefined, key);
    }
  }
  assert.ok(canCastImplicitly(arrayOf(int4), arrayOf(int8)));
  assert.ok(!canCastImplicitly(arrayOf(int8), arrayOf(int4)));
  assert.ok(canCastImplicitly(T.unknown, uuid));
  assert.ok(isPreferredType(float8) && isPreferredType(text) && !isPreferredType(int4));
});
