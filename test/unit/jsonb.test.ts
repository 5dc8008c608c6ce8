/**
 * @module test/unit/jsonb
 * jsonb input, output and order against answers recorded from PostgreSQL 15: `'<text>'::jsonb::text`
 * (errors as `ERR <sqlstate> <message> | <detail>`), and `dense_rank() over (order by j)`.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EddyError } from '../../src/common/errors.ts';
import { Jsonb, JsonObject } from '../../src/common/jsonb.ts';
import { jsonbFromJs } from '../../src/common/jsonb-convert.ts';
import { NESTING_DEPTH_MAX } from '../../src/common/jsonb-parse.ts';
import { Numeric } from '../../src/common/numeric.ts';

function outcome(f: () => string): string {
  try {
    return f();
  } catch (e) {
    if (!(e instanceof EddyError)) throw e;
    return `ERR ${e.code} ${e.message}${e.detail === undefined ? '' : ` | ${e.detail}`}`;
  }
}

/** `[input, '<input>'::jsonb::text]` from PostgreSQL 15. */
const parseCases: [string, string][] = [
  ['null', 'null'],
  ['true', 'true'],
  ['false', 'false'],
  ['"abc"', '"abc"'],
  ['0', '0'],
  ['-0', '0'],
  ['-0.0', '0.0'],
  ['1', '1'],
  ['-17', '-17'],
  ['1.50', '1.50'],
  ['1e2', '100'],
  ['1E+2', '100'],
  ['1.50e1', '15.0'],
  ['0.1e1', '1'],
  ['1e-7', '0.0000001'],
  ['-1.5e-7', '-0.00000015'],
  ['12345678901234567890', '12345678901234567890'],
  ['123456789012345678901234567890.123456789', '123456789012345678901234567890.123456789'],
  ['9007199254740993', '9007199254740993'],
  ['0.1', '0.1'],
  ['100.0', '100.0'],
  ['1e21', '1000000000000000000000'],
  ['1e20', '100000000000000000000'],
  ['0e1000000', '0'],
  ['0.00e2', '0'],
  ['0.000e2', '0.0'],
  ['3.14159265358979323846', '3.14159265358979323846'],
  ['1e-16384', 'ERR 22003 value overflows numeric format'],
  ['0e-16384', 'ERR 22003 value overflows numeric format'],
  ['1e131072', 'ERR 22003 value overflows numeric format'],
  ['1e1000000000000', 'ERR 22003 value overflows numeric format'],
  ['  42  ', '42'],
  ['\t[\n1\r]', '[1]'],
  ['"é\\u00e9\\/\\b\\f\\n\\r\\t\\"\\\\"', '"éé/\\b\\f\\n\\r\\t\\"\\\\"'],
  ['"\\u001f\\u007f"', '"\\u001f"'],
  ['"\\ud83d\\ude00"', '"😀"'],
  ['"\\uD83D\\uDE00 ok"', '"😀 ok"'],
  ['"\\u20AC"', '"€"'],
  ['"😀é"', '"😀é"'],
  ['[]', '[]'],
  ['{}', '{}'],
  ['[1, "a", null, true, [2, [3]], {"k": {}}]', '[1, "a", null, true, [2, [3]], {"k": {}}]'],
  ['{"b":1.50,"a":[1,2,"x"],"aa":null}', '{"a": [1, 2, "x"], "b": 1.50, "aa": null}'],
  ['{"a":1,"a":2,"b":3,"a":4}', '{"a": 4, "b": 3}'],
  [
    '{"bb":1,"a":2,"aaa":3,"é":4,"ab":5,"10":6,"2":7}',
    '{"2": 7, "a": 2, "10": 6, "ab": 5, "bb": 1, "é": 4, "aaa": 3}',
  ],
  ['{"\\ud83d\\ude00":1,"\\uffff":2,"abcd":3}', '{"￿": 2, "abcd": 3, "😀": 1}'],
  ['{"":0,"a":{"c":1,"b":2}}', '{"": 0, "a": {"b": 2, "c": 1}}'],
  [' [ 1 , { "a" : true } ] ', '[1, {"a": true}]'],
  ['', 'ERR 22P02 invalid input syntax for type json | The input string ended unexpectedly.'],
  ['  ', 'ERR 22P02 invalid input syntax for type json | The input string ended unexpectedly.'],
  ['[1,]', 'ERR 22P02 invalid input syntax for type json | Expected JSON value, but found "]".'],
  ['[,1]', 'ERR 22P02 invalid input syntax for type json | Expected JSON value, but found ",".'],
  ['[1 2]', 'ERR 22P02 invalid input syntax for type json | Expected "," or "]", but found "2".'],
  ['{1:2}', 'ERR 22P02 invalid input syntax for type json | Expected string or "}", but found "1".'],
  ['{"a":1,}', 'ERR 22P02 invalid input syntax for type json | Expected string, but found "}".'],
  ['{"a" 1}', 'ERR 22P02 invalid input syntax for type json | Expected ":", but found "1".'],
  ['{"a":1 "b":2}', 'ERR 22P02 invalid input syntax for type json | Expected "," or "}", but found ""b"".'],
  ['1 2', 'ERR 22P02 invalid input syntax for type json | Expected end of input, but found "2".'],
  ['1 @', 'ERR 22P02 invalid input syntax for type json | Token "@" is invalid.'],
  ['@', 'ERR 22P02 invalid input syntax for type json | Token "@" is invalid.'],
  ['tru', 'ERR 22P02 invalid input syntax for type json | Token "tru" is invalid.'],
  ['truex', 'ERR 22P02 invalid input syntax for type json | Token "truex" is invalid.'],
  ['nul', 'ERR 22P02 invalid input syntax for type json | Token "nul" is invalid.'],
  ['NULL', 'ERR 22P02 invalid input syntax for type json | Token "NULL" is invalid.'],
  ['01', 'ERR 22P02 invalid input syntax for type json | Token "01" is invalid.'],
  ['-', 'ERR 22P02 invalid input syntax for type json | Token "-" is invalid.'],
  ['-a', 'ERR 22P02 invalid input syntax for type json | Token "-a" is invalid.'],
  ['1.', 'ERR 22P02 invalid input syntax for type json | Token "1." is invalid.'],
  ['.5', 'ERR 22P02 invalid input syntax for type json | Token "." is invalid.'],
  ['1e', 'ERR 22P02 invalid input syntax for type json | Token "1e" is invalid.'],
  ['1e+', 'ERR 22P02 invalid input syntax for type json | Token "1e+" is invalid.'],
  ['+1', 'ERR 22P02 invalid input syntax for type json | Token "+" is invalid.'],
  ['"abc', 'ERR 22P02 invalid input syntax for type json | Token ""abc" is invalid.'],
  ['"a\\qb"', 'ERR 22P02 invalid input syntax for type json | Escape sequence "\\q" is invalid.'],
  [
    '"a\\u12"',
    'ERR 22P02 invalid input syntax for type json | "\\u" must be followed by four hexadecimal digits.',
  ],
  [
    '"a\\u12x4"',
    'ERR 22P02 invalid input syntax for type json | "\\u" must be followed by four hexadecimal digits.',
  ],
  ['"\\u0000"', 'ERR 22P05 unsupported Unicode escape sequence | \\u0000 cannot be converted to text.'],
  [
    '"\\ud800"',
    'ERR 22P02 invalid input syntax for type json | Unicode low surrogate must follow a high surrogate.',
  ],
  [
    '"\\ud800x"',
    'ERR 22P02 invalid input syntax for type json | Unicode low surrogate must follow a high surrogate.',
  ],
  [
    '"\\ud800\\ud800"',
    'ERR 22P02 invalid input syntax for type json | Unicode high surrogate must not follow a high surrogate.',
  ],
  [
    '"\\udc00"',
    'ERR 22P02 invalid input syntax for type json | Unicode low surrogate must follow a high surrogate.',
  ],
  [
    '"\\ud800\\n"',
    'ERR 22P02 invalid input syntax for type json | Unicode low surrogate must follow a high surrogate.',
  ],
  ['"a\nb"', 'ERR 22P02 invalid input syntax for type json | Character with value 0x0a must be escaped.'],
  [
    '["a\u0001b"]',
    'ERR 22P02 invalid input syntax for type json | Character with value 0x01 must be escaped.',
  ],
  ['[1,2', 'ERR 22P02 invalid input syntax for type json | The input string ended unexpectedly.'],
  ['{"a":', 'ERR 22P02 invalid input syntax for type json | The input string ended unexpectedly.'],
  ['{"a"', 'ERR 22P02 invalid input syntax for type json | The input string ended unexpectedly.'],
  ['{', 'ERR 22P02 invalid input syntax for type json | The input string ended unexpectedly.'],
  ['[', 'ERR 22P02 invalid input syntax for type json | The input string ended unexpectedly.'],
  [']', 'ERR 22P02 invalid input syntax for type json | Expected JSON value, but found "]".'],
  ['}', 'ERR 22P02 invalid input syntax for type json | Expected JSON value, but found "}".'],
  ['{"a":1}}', 'ERR 22P02 invalid input syntax for type json | Expected end of input, but found "}".'],
  ['[1]]', 'ERR 22P02 invalid input syntax for type json | Expected end of input, but found "]".'],
  ['ÿ', 'ERR 22P02 invalid input syntax for type json | Token "ÿ" is invalid.'],
  ['1ÿ', 'ERR 22P02 invalid input syntax for type json | Token "1ÿ" is invalid.'],
  ['"\\', 'ERR 22P02 invalid input syntax for type json | Token ""\\" is invalid.'],
  ['"\\u', 'ERR 22P02 invalid input syntax for type json | Token ""\\u" is invalid.'],
  ['"\\é"', 'ERR 22P02 invalid input syntax for type json | Escape sequence "\\é" is invalid.'],
  ['\f1', 'ERR 22P02 invalid input syntax for type json | Token "\f" is invalid.'],
  ['[1e200000 @]', 'ERR 22P02 invalid input syntax for type json | Token "@" is invalid.'],
  ['{"a":1,"b"}', 'ERR 22P02 invalid input syntax for type json | Expected ":", but found "}".'],
  ['[1}', 'ERR 22P02 invalid input syntax for type json | Expected "," or "]", but found "}".'],
  ['{"a":1]', 'ERR 22P02 invalid input syntax for type json | Expected "," or "}", but found "]".'],
  ['{,}', 'ERR 22P02 invalid input syntax for type json | Expected string or "}", but found ",".'],
  ['true false', 'ERR 22P02 invalid input syntax for type json | Expected end of input, but found "false".'],
  ["'a'", 'ERR 22P02 invalid input syntax for type json | Token "\'" is invalid.'],
];

describe('jsonb input and output', () => {
  for (const [input, want] of parseCases) {
    test(JSON.stringify(input), () =>
      assert.equal(
        outcome(() => Jsonb.parse(input).toString()),
        want,
      ),
    );
  }

  test('numeric limits: 16383 decimals', () => {
    const text = Jsonb.parse('1e-16383').toString();
    assert.equal(text.length, 16385);
    assert.ok(text.startsWith('0.000') && text.endsWith('01'));
    assert.equal(Jsonb.parse('1e131071').toString().length, 131072);
  });

  test('nesting beyond the limit is refused, up to it works', () => {
    const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
    assert.equal(Jsonb.parse(deep(NESTING_DEPTH_MAX)).toString(), deep(NESTING_DEPTH_MAX));
    assert.throws(() => Jsonb.parse(deep(NESTING_DEPTH_MAX + 1)), { code: '54001' });
  });
});

describe('jsonb_pretty', () => {
  test('layout', () => {
    assert.equal(
      Jsonb.parse('{"a":[1,{"b":[]}],"c":{},"d":"x"}').pretty(),
      '{\n    "a": [\n        1,\n        {\n            "b": [\n            ]\n        }\n    ],\n    "c": {\n    },\n    "d": "x"\n}',
    );
    assert.equal(Jsonb.parse('[]').pretty(), '[\n]');
    assert.equal(Jsonb.parse('"s"').pretty(), '"s"');
    assert.equal(
      Jsonb.parse('[[1,[]],{},{"k":[{"x":null}]}]').pretty(),
      '[\n    [\n        1,\n        [\n        ]\n    ],\n    {\n    },\n    {\n        "k": [\n            {\n                "x": null\n            }\n        ]\n    }\n]',
    );
  });
});

/** `[document, dense_rank() over (order by document::jsonb)]` from PostgreSQL 15. */
const ranked: [string, number][] = [
  ['null', 2],
  ['""', 3],
  ['"a"', 5],
  ['"ab"', 6],
  ['"b"', 7],
  ['"é"', 9],
  ['"z"', 8],
  ['"A"', 4],
  ['0', 12],
  ['-1', 11],
  ['1', 15],
  ['1.0', 15],
  ['1.50', 16],
  ['1.5', 16],
  ['2', 17],
  ['1e21', 19],
  ['1000000000000000000000.5', 20],
  ['0.1', 13],
  ['0.10000000000000001', 14],
  ['12345678901234567890', 18],
  ['-12345678901234567890', 10],
  ['false', 21],
  ['true', 22],
  ['[]', 1],
  ['[null]', 23],
  ['["a"]', 24],
  ['[1]', 25],
  ['[1.00]', 25],
  ['[true]', 26],
  ['[[]]', 27],
  ['[{}]', 29],
  ['[1,2]', 31],
  ['[2,1]', 32],
  ['[1,2,3]', 34],
  ['[[1],2]', 33],
  ['[[1,2]]', 28],
  ['["a", 1]', 30],
  ['{}', 35],
  ['{"a":null}', 36],
  ['{"a":1}', 38],
  ['{"a":1.0}', 38],
  ['{"a":2}', 39],
  ['{"b":1}', 47],
  ['{"aa":1}', 46],
  ['{"a":[1]}', 41],
  ['{"a":{}}', 43],
  ['{"a":1,"b":2}', 50],
  ['{"a":1,"c":1}', 51],
  ['{"b":1,"aa":1}', 52],
  ['{"c":1,"ab":1}', 53],
  ['{"a":{"b":1}}', 44],
  ['{"a":{"b":2}}', 45],
  ['{"a":[1,2]}', 42],
  ['{"a":"x"}', 37],
  ['{"a":true}', 40],
  ['{"é":1}', 49],
  ['{"z":1}', 48],
];

describe('jsonb order, equality and hash', () => {
  const docs = ranked.map(([text, rank]) => ({ text, rank, doc: Jsonb.parse(text) }));
  for (const a of docs) {
    test(a.text, () => {
      for (const b of docs) {
        const c = Jsonb.compare(a.doc, b.doc);
        assert.equal(Math.sign(c), Math.sign(a.rank - b.rank), `${a.text} vs ${b.text}`);
        assert.equal(a.doc.equals(b.doc), a.rank === b.rank, `${a.text} = ${b.text}`);
        if (a.rank === b.rank) assert.equal(a.doc.hashCode(), b.doc.hashCode(), `hash ${a.text} ${b.text}`);
      }
    });
  }

  test('hashes are 32-bit integers and spread', () => {
    const hashes = new Set(docs.map((d) => d.doc.hashCode()));
    for (const h of hashes) assert.ok(Number.isInteger(h) && h >= -(2 ** 31) && h < 2 ** 31);
    assert.ok(hashes.size >= new Set(docs.map((d) => d.rank)).size - 1);
  });
});

describe('canonical form', () => {
  test('numbers: JS numbers when the text round-trips, else Numeric keeping the scale', () => {
    assert.equal(Jsonb.parse('1.5').value, 1.5);
    assert.equal(Jsonb.parse('-0').value, 0);
    assert.ok(Object.is(Jsonb.parse('-0').value, 0));
    const scaled = Jsonb.parse('1.50').value;
    assert.ok(scaled instanceof Numeric);
    assert.equal(scaled.digits, 150n);
    assert.equal(scaled.scale, 2);
    assert.ok(Jsonb.parse('9007199254740993').value instanceof Numeric);
    assert.ok(Jsonb.parse('1e21').value instanceof Numeric);
    assert.equal(Jsonb.parse('1e20').value, 1e20);
  });

  test('objects: unique keys in jsonb order, last value wins', () => {
    const v = Jsonb.parse('{"bb":1,"a":2,"é":3,"a":4,"ccc":5}').value;
    assert.ok(v instanceof JsonObject);
    assert.deepEqual(v.keys, ['a', 'bb', 'é', 'ccc']);
    assert.deepEqual(v.values, [4, 1, 3, 5]);
    assert.equal(v.get('é'), 3);
    assert.equal(v.get('zz'), undefined);
  });

  test('large objects find keys by binary search', () => {
    const pairs = Array.from({ length: 50 }, (_, i) => `"k${i * 7}": ${i}`);
    const v = Jsonb.parse(`{${pairs.join(',')}}`).value as JsonObject;
    for (let i = 0; i < 50; i++) assert.equal(v.get(`k${i * 7}`), i);
    assert.equal(v.get('k1'), undefined);
    assert.equal(v.indexOf('k999'), -1);
  });

  test('large unsorted objects: sorted by length then bytes, duplicates keep the last value', () => {
    const keys = Array.from({ length: 40 }, (_, i) => `k${(i * 37) % 101}`).reverse();
    const text = `{${keys.map((k, i) => `"${k}": ${i}`).join(', ')}, "k0": "last"}`;
    const v = Jsonb.parse(text).value as JsonObject;
    const expected = [...new Set(keys)].sort((a, b) => a.length - b.length || (a < b ? -1 : 1));
    assert.deepEqual(v.keys, expected);
    assert.equal(v.get('k0'), 'last');
    assert.equal(v.get(keys[0]!), 0);
  });

  test('jsonbFromJs canonicalises plain data', () => {
    const doc = jsonbFromJs({ b: [1, 'x', null, true], a: 1e21, c: 12345678901234567890n, d: undefined });
    assert.equal(
      doc.toString(),
      '{"a": 1000000000000000000000, "b": [1, "x", null, true], "c": 12345678901234567890}',
    );
    assert.ok(doc.equals(Jsonb.parse('{"c":12345678901234567890,"a":1e21,"b":[1,"x",null,true]}')));
    assert.equal(jsonbFromJs(Number.NaN).toString(), '"NaN"');
    assert.throws(() => jsonbFromJs(new Map()), { code: '22023' });
  });
});
