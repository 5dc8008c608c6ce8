/**
 * Text input and output of every type (src/functions/text-io.ts, array-text.ts) against
 * PostgreSQL 15: each row is the SQL run on a real server (`'text'::type`), the same parse and
 * print here, and the server's answer (text or error).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EddyError, FeatureNotSupportedError } from '../../src/common/errors.ts';
import { arrayOf, type EnumType, type SqlType, T, varchar } from '../../src/common/types.ts';
import { formatText, parseText } from '../../src/functions/text-io.ts';

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

/** Parses as `type` and prints the result: what `select 'text'::type` shows. */
function io(text: string, type: SqlType): () => string {
  return () => {
    const v = parseText(text, type);
    return v === null ? 'NULL' : formatText(v, type);
  };
}

const { bool, int2, int4, int8, text, bytea, uuid } = T;

test('boolean', () => {
  check([
    [`' yes '::bool`, io(' yes ', bool), 't'],
    [`'of'::bool`, io('of', bool), 'f'],
    [`'o'::bool`, io('o', bool), 'ERROR 22P02: invalid input syntax for type boolean: "o"'],
    [`'TR'::bool`, io('TR', bool), 't'],
    [`'1'::bool`, io('1', bool), 't'],
    [`'10'::bool`, io('10', bool), 'ERROR 22P02: invalid input syntax for type boolean: "10"'],
    [`''::bool`, io('', bool), 'ERROR 22P02: invalid input syntax for type boolean: ""'],
    [`'false'::bool`, io('false', bool), 'f'],
    [`'N'::bool`, io('N', bool), 'f'],
    [`'yess'::bool`, io('yess', bool), 'ERROR 22P02: invalid input syntax for type boolean: "yess"'],
  ]);
});

test('integers', () => {
  check([
    [`' 12 '::int4`, io(' 12 ', int4), '12'],
    [`'+5'::int2`, io('+5', int2), '5'],
    [`'-0'::int4`, io('-0', int4), '0'],
    [`'12a'::int4`, io('12a', int4), 'ERROR 22P02: invalid input syntax for type integer: "12a"'],
    [
      `'99999999999'::int4`,
      io('99999999999', int4),
      'ERROR 22003: value "99999999999" is out of range for type integer',
    ],
    [
      `'99999999999x'::int4`,
      io('99999999999x', int4),
      'ERROR 22003: value "99999999999x" is out of range for type integer',
    ],
    [
      `'2147483648'::int4`,
      io('2147483648', int4),
      'ERROR 22003: value "2147483648" is out of range for type integer',
    ],
    [`'-2147483648'::int4`, io('-2147483648', int4), '-2147483648'],
    [`'32768'::int2`, io('32768', int2), 'ERROR 22003: value "32768" is out of range for type smallint'],
    [`'  '::int4`, io('  ', int4), 'ERROR 22P02: invalid input syntax for type integer: "  "'],
    [`'1 2'::int4`, io('1 2', int4), 'ERROR 22P02: invalid input syntax for type integer: "1 2"'],
    [`'1.0'::int4`, io('1.0', int4), 'ERROR 22P02: invalid input syntax for type integer: "1.0"'],
    [`'-'::int8`, io('-', int8), 'ERROR 22P02: invalid input syntax for type bigint: "-"'],
    [`'9223372036854775807'::int8`, io('9223372036854775807', int8), '9223372036854775807'],
    [`'-9223372036854775808'::int8`, io('-9223372036854775808', int8), '-9223372036854775808'],
    [
      `'9223372036854775808'::int8`,
      io('9223372036854775808', int8),
      'ERROR 22003: value "9223372036854775808" is out of range for type bigint',
    ],
    [`'  00000000000000000000001  '::int8`, io('  00000000000000000000001  ', int8), '1'],
    [
      `'99999999999999999999x'::int8`,
      io('99999999999999999999x', int8),
      'ERROR 22003: value "99999999999999999999x" is out of range for type bigint',
    ],
    [
      `'1234567890123456x'::int8`,
      io('1234567890123456x', int8),
      'ERROR 22P02: invalid input syntax for type bigint: "1234567890123456x"',
    ],
  ]);
  assert.equal(parseText('9007199254740991', int8), 9007199254740991);
  assert.equal(parseText('9007199254740992', int8), 9007199254740992n);
  assert.equal(parseText('-9007199254740991', int8), -9007199254740991);
});

test('text and varchar', () => {
  check([
    [`'abc   '::varchar(3)`, io('abc   ', varchar(3)), 'abc'],
    [`'é😀x'::varchar(3)`, io('é😀x', varchar(3)), 'é😀x'],
    [`'é😀x '::varchar(3) || '|'`, () => (parseText('é😀x ', varchar(3)) as string) + '|', 'é😀x|'],
  ]);
  assert.throws(() => parseText('abcd', varchar(3)), /value too long for type character varying\(3\)/);
  assert.equal(parseText('  a b ', text), '  a b ');
});

test('bytea', () => {
  check([
    [`'\\x01 02'::bytea`, io('\\x01 02', bytea), '\\x0102'],
    [`'\\x'::bytea`, io('\\x', bytea), '\\x'],
    [`'\\xAbCd'::bytea`, io('\\xAbCd', bytea), '\\xabcd'],
    [`'\\x0'::bytea`, io('\\x0', bytea), 'ERROR 22023: invalid hexadecimal data: odd number of digits'],
    [`'\\xzz'::bytea`, io('\\xzz', bytea), 'ERROR 22023: invalid hexadecimal digit: "z"'],
    [`'\\X01'::bytea`, io('\\X01', bytea), 'ERROR 22P02: invalid input syntax for type bytea'],
    [`'abc\\\\d'::bytea`, io('abc\\\\d', bytea), '\\x6162635c64'],
    [`'\\001\\002x'::bytea`, io('\\001\\002x', bytea), '\\x010278'],
    [`'\\400'::bytea`, io('\\400', bytea), 'ERROR 22P02: invalid input syntax for type bytea'],
    [`'a\\b'::bytea`, io('a\\b', bytea), 'ERROR 22P02: invalid input syntax for type bytea'],
    [`'é'::bytea`, io('é', bytea), '\\xc3a9'],
    [`''::bytea`, io('', bytea), '\\x'],
  ]);
});

test('uuid', () => {
  check([
    [
      `'{a0eebc99-9c0b4ef8-bb6d6bb9-bd380a11}'::uuid`,
      io('{a0eebc99-9c0b4ef8-bb6d6bb9-bd380a11}', uuid),
      'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
    ],
    [
      `'a0ee-bc99-9c0b-4ef8-bb6d-6bb9-bd38-0a11'::uuid`,
      io('a0ee-bc99-9c0b-4ef8-bb6d-6bb9-bd38-0a11', uuid),
      'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
    ],
    [
      `'A0EEBC999C0B4EF8BB6D6BB9BD380A11'::uuid`,
      io('A0EEBC999C0B4EF8BB6D6BB9BD380A11', uuid),
      'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
    ],
    [
      `'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid`,
      io('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', uuid),
      'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
    ],
    [
      `' a0eebc999c0b4ef8bb6d6bb9bd380a11'::uuid`,
      io(' a0eebc999c0b4ef8bb6d6bb9bd380a11', uuid),
      'ERROR 22P02: invalid input syntax for type uuid: " a0eebc999c0b4ef8bb6d6bb9bd380a11"',
    ],
    [
      `'{a0eebc999c0b4ef8bb6d6bb9bd380a11'::uuid`,
      io('{a0eebc999c0b4ef8bb6d6bb9bd380a11', uuid),
      'ERROR 22P02: invalid input syntax for type uuid: "{a0eebc999c0b4ef8bb6d6bb9bd380a11"',
    ],
    [
      `'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1'::uuid`,
      io('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1', uuid),
      'ERROR 22P02: invalid input syntax for type uuid: "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1"',
    ],
    [
      `'a0e-ebc999c0b4ef8bb6d6bb9bd380a11'::uuid`,
      io('a0e-ebc999c0b4ef8bb6d6bb9bd380a11', uuid),
      'ERROR 22P02: invalid input syntax for type uuid: "a0e-ebc999c0b4ef8bb6d6bb9bd380a11"',
    ],
    [
      `'a0eebc99--9c0b4ef8bb6d6bb9bd380a11'::uuid`,
      io('a0eebc99--9c0b4ef8bb6d6bb9bd380a11', uuid),
      'ERROR 22P02: invalid input syntax for type uuid: "a0eebc99--9c0b4ef8bb6d6bb9bd380a11"',
    ],
  ]);
});

test('numeric, date/time, interval and jsonb go through their common/ codecs', () => {
  check([
    [`' 1.50 '::numeric`, io(' 1.50 ', T.numeric), '1.50'],
    [`'1e3'::numeric(6,2)`, io('1e3', { id: 'numeric', precision: 6, scale: 2 }), '1000.00'],
    [
      `'12345.678'::numeric(6,2)`,
      io('12345.678', { id: 'numeric', precision: 6, scale: 2 }),
      'ERROR 22003: numeric field overflow',
    ],
    [`'2024-02-29'::date`, io('2024-02-29', T.date), '2024-02-29'],
    [`'12:34:56.789'::time`, io('12:34:56.789', T.time), '12:34:56.789'],
    [`'2024-01-31 12:34:56.5'::timestamp`, io('2024-01-31 12:34:56.5', T.timestamp), '2024-01-31 12:34:56.5'],
    [
      `'1 year 2 mons 3 days 04:05:06'::interval`,
      io('1 year 2 mons 3 days 04:05:06', T.interval),
      '1 year 2 mons 3 days 04:05:06',
    ],
    [
      `'{"b": [1, 2.50], "a": null}'::jsonb`,
      io('{"b": [1, 2.50], "a": null}', T.jsonb),
      '{"a": null, "b": [1, 2.50]}',
    ],
  ]);
});

test('enums', () => {
  const mood: EnumType = { id: 'enum', name: 'mood', labels: ['sad', 'ok', 'happy'], oid: 90000 };
  assert.equal(parseText('ok', mood), 'ok');
  assert.equal(formatText('happy', mood), 'happy');
  assert.throws(
    () => parseText('meh', mood),
    (e: unknown) =>
      e instanceof EddyError &&
      e.code === '22P02' &&
      e.message === 'invalid input value for enum mood: "meh"',
  );
  assert.deepEqual(parseText('{ok,NULL,sad}', arrayOf(mood)), ['ok', null, 'sad']);
});

test('arrays', () => {
  const ta = arrayOf(text);
  const ia = arrayOf(int4);
  check([
    [`'{1,2,NULL,"a b"}'::text[]`, io('{1,2,NULL,"a b"}', ta), '{1,2,NULL,"a b"}'],
    [
      `'{ a , b c ,"" , "NULL", null, \\\\x }'::text[]`,
      io('{ a , b c ,"" , "NULL", null, \\\\x }', ta),
      '{a,"b c","","NULL",NULL,"\\\\x"}',
    ],
    [
      `array['a"b', 'c\\d', '', 'NULL', ' x', 'a,b', '{', 'é', 'null', 'x y']`,
      () => formatText(['a"b', 'c\\d', '', 'NULL', ' x', 'a,b', '{', 'é', 'null', 'x y'], ta),
      '{"a\\"b","c\\\\d","","NULL"," x","a,b","{",é,"null","x y"}',
    ],
    [`'{}'::int[]`, io('{}', ia), '{}'],
    [`'{ }'::int[]`, io('{ }', ia), '{}'],
    [`'{1,2'::int[]`, io('{1,2', ia), 'ERROR 22P02: malformed array literal: "{1,2"'],
    [`'1,2'::int[]`, io('1,2', ia), 'ERROR 22P02: malformed array literal: "1,2"'],
    [`'{1,2}x'::int[]`, io('{1,2}x', ia), 'ERROR 22P02: malformed array literal: "{1,2}x"'],
    [`'{1,2} '::int[]`, io('{1,2} ', ia), '{1,2}'],
    [`'[1:2]={1,2}'::int[]`, io('[1:2]={1,2}', ia), '{1,2}'],
    [`'[1:3]={1,2}'::int[]`, io('[1:3]={1,2}', ia), 'ERROR 22P02: malformed array literal: "[1:3]={1,2}"'],
    [`'{1,,2}'::int[]`, io('{1,,2}', ia), 'ERROR 22P02: malformed array literal: "{1,,2}"'],
    [`'{"a"b}'::text[]`, io('{"a"b}', ta), 'ERROR 22P02: malformed array literal: "{"a"b}"'],
    [`'{a"b"}'::text[]`, io('{a"b"}', ta), 'ERROR 22P02: malformed array literal: "{a"b"}"'],
    [`'{1, 2}'::int[]`, io('{1, 2}', ia), '{1,2}'],
    [`'{1,x}'::int[]`, io('{1,x}', ia), 'ERROR 22P02: invalid input syntax for type integer: "x"'],
    [`'{"1",2}'::int[]`, io('{"1",2}', ia), '{1,2}'],
    [`'{ab\\ ,c}'::text[]`, io('{ab\\ ,c}', ta), '{"ab ",c}'],
    [`'{\\NULL}'::text[]`, io('{\\NULL}', ta), '{"NULL"}'],
    [`'{"\\\\x0102"}'::bytea[]`, io('{"\\\\x0102"}', arrayOf(bytea)), '{"\\\\x0102"}'],
    [`'{t,f,NULL}'::bool[]`, io('{t,f,NULL}', arrayOf(bool)), '{t,f,NULL}'],
    [`'{1.5,1e20,-0}'::float8[]`, io('{1.5,1e20,-0}', arrayOf(T.float8)), '{1.5,1e+20,-0}'],
    [`'{abc,NULL}'::varchar(2)[]`, io('{ab,NULL}', arrayOf(varchar(2))), '{ab,NULL}'],
  ]);
  // Any depth under one type: the braces say how many dimensions.
  assert.deepEqual(parseText('{{1,2},{3,4}}', ia), [
    [1, 2],
    [3, 4],
  ]);
  assert.deepEqual(parseText('{{{NULL}}}', ia), [[[null]]]);
  assert.equal(
    formatText(
      [
        [1, null],
        [3, 4],
      ],
      ia,
    ),
    '{{1,NULL},{3,4}}',
  );
  assert.equal(formatText([['a b'], ['{']], ta), '{{"a b"},{"{"}}');
  const detail = (expected: string) => (e: unknown) => (e as { detail?: string }).detail === expected;
  assert.throws(
    () => parseText('{{1,2},{3}}', ia),
    detail('Multidimensional arrays must have sub-arrays with matching dimensions.'),
  );
  assert.throws(() => parseText('{{1},2}', ia), detail('Unexpected array element.'));
  assert.throws(() => parseText('{1,{2}}', ia), detail('Unexpected "{" character.'));
  assert.throws(() => parseText('[1:1][1:1]={{1}}', ia), FeatureNotSupportedError);
});
