/**
 * The jsonb entries of the function catalog (src/functions/catalog-jsonb.ts), resolved by signature
 * and run as the binder runs them, in the session zone America/New_York. Expected texts are
 * PostgreSQL 15's answers (psql; set-returning functions as their rows joined by `|`).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Jsonb } from '../../src/common/jsonb.ts';
import { recordSetFunctions, scalarFunctions } from '../../src/functions/index.ts';
import { type Case, evalCase } from './functions-catalog-support.ts';

const ZONE = 'America/New_York';

const OPERATOR_CASES: Case[] = [
  ['jsonb -> text', ['{"a":{"b":[1,2,{"c":null}]},"d":"x"}', 'a'], '{"b": [1, 2, {"c": null}]}'],
  ['jsonb -> text', ['{"a":{"b":[1,2,{"c":null}]},"d":"x"}', 'zz'], 'NULL'],
  ['jsonb -> text', ['[1]', 'a'], 'NULL'],
  ['jsonb -> int4', ['[10,20,30]', '-1'], '30'],
  ['jsonb -> int4', ['[10,20]', '5'], 'NULL'],
  ['jsonb -> int4', ['{"0":1}', '0'], 'NULL'],
  ['jsonb ->> text', ['{"a":"x"}', 'a'], 'x'],
  ['jsonb ->> text', ['{"a":null}', 'a'], 'NULL'],
  ['jsonb ->> text', ['{"a":[1, "b"]}', 'a'], '[1, "b"]'],
  ['jsonb ->> int4', ['[1,"two"]', '1'], 'two'],
  ['jsonb ->> int4', ['"s"', '0'], 's'],
  ['jsonb #> text[]', ['{"a":{"b":[1,2,{"c":null}]},"d":"x"}', '{a,b,2}'], '{"c": null}'],
  ['jsonb #> text[]', ['{"a":{"b":[1,2,{"c":null}]},"d":"x"}', '{a,b,-1,c}'], 'null'],
  ['jsonb #> text[]', ['{"a":1}', '{}'], '{"a": 1}'],
  ['jsonb #> text[]', ['{"a":{"b":[1,2,{"c":null}]},"d":"x"}', '{a,x}'], 'NULL'],
  ['jsonb #> text[]', ['{"a":{"b":[1,2,{"c":null}]},"d":"x"}', '{a,NULL}'], 'NULL'],
  ['jsonb #>> text[]', ['{"a":{"b":[1,2,"z"]}}', '{a,b,2}'], 'z'],
  ['jsonb #>> text[]', ['{"a":{"b":[1,2,"z"]}}', '{a}'], '{"b": [1, 2, "z"]}'],
  ['jsonb ? text', ['{"a":1,"b":2}', 'a'], 't'],
  ['jsonb ? text', ['["a","b"]', 'b'], 't'],
  ['jsonb ? text', ['{"a":{"c":1}}', 'c'], 'f'],
  ['jsonb ?| text[]', ['["a","b"]', '{x,b}'], 't'],
  ['jsonb ?| text[]', ['["a","b"]', '{}'], 'f'],
  ['jsonb ?& text[]', ['{"a":1,"b":2}', '{a,c}'], 'f'],
  ['jsonb ?& text[]', ['{"a":1,"b":2}', '{a,NULL}'], 't'],
  ['jsonb @> jsonb', ['{"a":1,"b":{"c":3}}', '{"b":{}}'], 't'],
  ['jsonb @> jsonb', ['[1,[2,3]]', '[[3]]'], 't'],
  ['jsonb @> jsonb', ['[1,2]', '1'], 't'],
  ['jsonb <@ jsonb', ['[1]', '[1,2]'], 't'],
  ['jsonb <@ jsonb', ['{"a":1}', '{"a":2}'], 'f'],
  ['jsonb || jsonb', ['{"a":1}', '{"b":2,"a":3}'], '{"a": 3, "b": 2}'],
  ['jsonb || jsonb', ['[1]', '2'], '[1, 2]'],
  ['jsonb || jsonb', ['{"a":1}', '[2]'], '[{"a": 1}, 2]'],
  ['jsonb - text', ['{"a":1,"b":2}', 'a'], '{"b": 2}'],
  ['jsonb - text', ['["a","b","a"]', 'a'], '["b"]'],
  ['jsonb - text', ['1', 'a'], 'ERR 22023 cannot delete from scalar'],
  ['jsonb - int4', ['[1,2,3]', '-1'], '[1, 2]'],
  ['jsonb - int4', ['[1,2,3]', '7'], '[1, 2, 3]'],
  ['jsonb - int4', ['{"a":1}', '0'], 'ERR 22023 cannot delete from object using integer index'],
  ['jsonb - text[]', ['{"a":1,"b":2,"c":3}', '{a,c}'], '{"b": 2}'],
  ['jsonb #- text[]', ['{"a":{"b":1,"c":2}}', '{a,b}'], '{"a": {"c": 2}}'],
  ['jsonb #- text[]', ['[1,[2,3]]', '{1,0}'], '[1, [3]]'],
  ['jsonb #- text[]', ['5', '{a}'], 'ERR 22023 cannot delete path in scalar'],
];
const FUNCTION_CASES: Case[] = [
  ['jsonb_typeof(jsonb)', ['1.5'], 'number'],
  ['jsonb_typeof(jsonb)', ['null'], 'null'],
  ['jsonb_typeof(jsonb)', ['{"a":1}'], 'object'],
  ['jsonb_typeof(jsonb)', ['[true]'], 'array'],
  ['jsonb_array_length(jsonb)', ['[1,[2],3]'], '3'],
  ['jsonb_array_length(jsonb)', ['{}'], 'ERR 22023 cannot get array length of a non-array'],
  ['jsonb_array_length(jsonb)', ['7'], 'ERR 22023 cannot get array length of a scalar'],
  ['jsonb_strip_nulls(jsonb)', ['{"a":null,"b":[null,{"c":null}]}'], '{"b": [null, {}]}'],
  [
    'jsonb_pretty(jsonb)',
    ['{"a":[1,{"b":2}],"c":{}}'],
    '{\n    "a": [\n        1,\n        {\n            "b": 2\n        }\n    ],\n    "c": {\n    }\n}',
  ],
  ['jsonb_extract_path(jsonb,text,text)', ['{"a":{"b":7}}', 'a', 'b'], '7'],
  ['jsonb_extract_path(jsonb,text)', ['{"a":[1]}', 'a'], '[1]'],
  ['jsonb_extract_path(jsonb,text,text)', ['{"a":{"b":7}}', 'a', 'NULL'], 'NULL'],
  ['jsonb_extract_path_text(jsonb,text,text)', ['{"a":{"b":"s"}}', 'a', 'b'], 's'],
  ['jsonb_extract_path_text(jsonb,text,text)', ['{"a":[1,2]}', 'a', '1'], '2'],
  ['jsonb_set(jsonb,text[],jsonb)', ['{"a":[1,2]}', '{a,0}', '"x"'], '{"a": ["x", 2]}'],
  ['jsonb_set(jsonb,text[],jsonb)', ['{"a":1}', '{b}', '2'], '{"a": 1, "b": 2}'],
  ['jsonb_set(jsonb,text[],jsonb,bool)', ['{"a":1}', '{b}', '2', 'false'], '{"a": 1}'],
  ['jsonb_set(jsonb,text[],jsonb,bool)', ['[1,2]', '{-5}', '0', 'true'], '[0, 1, 2]'],
  ['jsonb_set(jsonb,text[],jsonb)', ['"s"', '{a}', '1'], 'ERR 22023 cannot set path in scalar'],
  ['jsonb_insert(jsonb,text[],jsonb)', ['{"a":[1,2]}', '{a,1}', '9'], '{"a": [1, 9, 2]}'],
  ['jsonb_insert(jsonb,text[],jsonb,bool)', ['{"a":[1,2]}', '{a,1}', '9', 'true'], '{"a": [1, 2, 9]}'],
  ['jsonb_insert(jsonb,text[],jsonb)', ['{"a":1}', '{a}', '2'], 'ERR 22023 cannot replace existing key'],
  ['jsonb_array_elements(jsonb)', ['[1,"a",null,{"b":[2]}]'], '1|"a"|null|{"b": [2]}'],
  ['jsonb_array_elements(jsonb)', ['[]'], ''],
  ['jsonb_array_elements(jsonb)', ['{"a":1}'], 'ERR 22023 cannot extract elements from an object'],
  ['jsonb_array_elements_text(jsonb)', ['[1,"a",null,{"b":1}]'], '1|a|NULL|{"b": 1}'],
  ['jsonb_array_elements_text(jsonb)', ['3'], 'ERR 22023 cannot extract elements from a scalar'],
  ['jsonb_object_keys(jsonb)', ['{"bb":1,"a":2,"ccc":3}'], 'a|bb|ccc'],
  ['jsonb_object_keys(jsonb)', ['[1]'], 'ERR 22023 cannot call jsonb_object_keys on an array'],
  ['jsonb_object_keys(jsonb)', ['NULL'], ''],
  ['to_jsonb(numeric)', ['1.50'], '1.50'],
  ['to_jsonb(text)', ['x"y'], '"x\\"y"'],
  ['to_jsonb(int4[])', ['{1,NULL}'], '[1, null]'],
  ['to_jsonb(timestamptz)', ['2020-06-01 12:00+00'], '"2020-06-01T08:00:00-04:00"'],
  ['to_jsonb(timestamp)', ['2020-06-01 12:00:00.5'], '"2020-06-01T12:00:00.5"'],
  ['to_jsonb(bool)', ['true'], 'true'],
  ['to_jsonb(date)', ['2020-01-02'], '"2020-01-02"'],
  ['to_jsonb(float8)', ['NaN'], '"NaN"'],
  ['to_jsonb(interval)', ['1 day 02:00'], '"1 day 02:00:00"'],
  ['to_jsonb(jsonb)', ['{"a":1}'], '{"a": 1}'],
  ['to_jsonb(text)', ['NULL'], 'NULL'],
  ['jsonb_build_object()', [], '{}'],
  [
    'jsonb_build_object(text,timestamptz,text,int4,int4,float8)',
    ['t', '2020-06-01 12:00+00', 'n', 'NULL', '1', '2.5'],
    '{"1": 2.5, "n": null, "t": "2020-06-01T08:00:00-04:00"}',
  ],
  ['jsonb_build_object(text)', ['a'], 'ERR 22023 argument list must have even number of elements'],
  ['jsonb_build_object(text,int4)', ['NULL', '1'], 'ERR 22023 argument 1: key must not be null'],
  ['jsonb_build_object(text,text,text,text)', ['a', '1', 'a', '2'], '{"a": "2"}'],
  ['jsonb_build_array()', [], '[]'],
  ['jsonb_build_array(int4,text,int4,int4[])', ['1', 'a', 'NULL', '{1,2}'], '[1, "a", null, [1, 2]]'],
];

for (const [signature, args, expected] of [...OPERATOR_CASES, ...FUNCTION_CASES]) {
  test(`${signature} ${args.join(', ')}`, () => {
    assert.equal(evalCase(signature, args, ZONE), expected);
  });
}

test('jsonb_each and jsonb_each_text return (key, value) rows', () => {
  const each = recordSetFunctions.jsonb_each![0]!;
  assert.deepEqual(
    each.columns.map((c) => `${c.name} ${c.type.id}`),
    ['key text', 'value jsonb'],
  );
  const rows = each.impl(Jsonb.parse('{"b":1,"a":[2]}'));
  assert.deepEqual(
    rows.map(([k, v]) => `${k}|${String(v)}`),
    ['a|[2]', 'b|1'],
  );
  const eachText = recordSetFunctions.jsonb_each_text![0]!;
  assert.deepEqual(
    eachText.columns.map((c) => c.type.id),
    ['text', 'text'],
  );
  assert.deepEqual(eachText.impl(Jsonb.parse('{"b":1,"a":"x","c":null}')), [
    ['a', 'x'],
    ['b', '1'],
    ['c', null],
  ]);
  assert.throws(() => each.impl(Jsonb.parse('[1]')), {
    code: '22023',
    message: 'cannot call jsonb_each on a non-object',
  });
  assert.equal(scalarFunctions.jsonb_each, undefined);
});

test('"any" and anyelement entries only run bound to their argument types', () => {
  const build = scalarFunctions.jsonb_build_object!.find((d) => d.variadic)!;
  assert.throws(() => build.impl('a', 1), { code: 'XX000' });
});
