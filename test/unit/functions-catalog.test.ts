/**
 * The function and operator catalog (src/functions/index.ts): its signatures are exactly
 * PostgreSQL 15's (pg_proc / pg_operator rows recorded below), and type-dependent entries bind to
 * their argument types as PostgreSQL's output functions would print them.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UTC } from '../../src/common/datetime-zone.ts';
import { arrayOf, T } from '../../src/common/types.ts';
import {
  type ArgType,
  binaryOperators,
  type OperatorDef,
  type ScalarFunctionDef,
  scalarFunctions,
  unaryOperators,
} from '../../src/functions/index.ts';

const sig = (t: ArgType): string => (t.id === 'array' ? `${sig(t.element)}[]` : t.id);

function describeFunction(name: string, d: ScalarFunctionDef): string {
  const args = d.args.map(sig);
  if (d.variadic) args.push(`variadic ${sig(d.variadic)}`);
  return `${name}(${args.join(',')}) ${sig(d.returns)}${d.strict ? '' : ' nonstrict'}${d.returnsSet ? ' setof' : ''}`;
}

function find(name: string, args: string[]): ScalarFunctionDef {
  const def = scalarFunctions[name]?.find((d) => d.args.map(sig).join(',') === args.join(','));
  assert.ok(def, `${name}(${args})`);
  return def;
}

function findOp(symbol: string, left: string, right: string): OperatorDef {
  const def = binaryOperators[symbol]?.find((d) => sig(d.left) === left && sig(d.right) === right);
  assert.ok(def, `${left} ${symbol} ${right}`);
  return def;
}

test('function signatures are PostgreSQL 15 signatures', () => {
  const mine = Object.entries(scalarFunctions).flatMap(([name, defs]) =>
    defs.map((d) => describeFunction(name, d)),
  );
  // random() is the one entry whose pg_proc row says volatile; the list compares signatures only.
  assert.deepEqual([...new Set(mine)].sort(), PG_FUNCTIONS);
  assert.equal(new Set(mine).size, mine.length, 'no duplicate overloads');
  assert.ok(scalarFunctions.random![0]!.volatile);
});

test('operator signatures are PostgreSQL 15 signatures', () => {
  const mine = [
    ...Object.entries(binaryOperators).flatMap(([s, defs]) =>
      defs.map((d) => `${sig(d.left)} ${s} ${sig(d.right)} ${sig(d.returns)}`),
    ),
    ...Object.entries(unaryOperators).flatMap(([s, defs]) =>
      defs.map((d) => `${s} ${sig(d.arg)} ${sig(d.returns)}`),
    ),
  ];
  assert.deepEqual([...new Set(mine)].sort(), PG_OPERATORS);
  assert.equal(new Set(mine).size, mine.length, 'no duplicate operators');
});

const env = { timeZone: UTC };

test('"any" arguments print with their own types', () => {
  const concat = scalarFunctions.concat![0]!;
  assert.equal(
    concat.bind!([T.text, T.int4, T.float8, T.bool, T.text], env)('a', 1, 1e20, true, null),
    'a11e+20t',
  );
  const format = find('format', ['text']);
  assert.equal(format.impl('x%'.replace('%', '')), 'x');
  const formatAny = scalarFunctions.format!.find((d) => d.variadic)!;
  assert.equal(formatAny.bind!([T.text, T.float8, T.bool], env)('%s|%L', 0.5, false), "0.5|'f'");
  const quote = find('quote_literal', ['anyelement']);
  assert.equal(quote.bind!([T.int4], env)(42), "'42'");
  const arrayToString = find('array_to_string', ['anyarray', 'text']);
  assert.equal(arrayToString.bind!([arrayOf(T.float8), T.text], env)([1.5, null, 1e-7], ','), '1.5,1e-07');
  assert.equal(find('array_to_string', ['anyarray', 'text', 'text']).impl(['a', null], '-', '*'), 'a-*');
  const textAny = findOp('||', 'text', 'anynonarray');
  assert.equal(textAny.bind!([T.text, T.bool], env)('x', true), 'xt');
  assert.equal(findOp('||', 'anynonarray', 'text').bind!([T.int8, T.text], env)(12n, 'y'), '12y');
});

test('array operators', () => {
  const cat = findOp('||', 'anycompatiblearray', 'anycompatiblearray');
  assert.equal(cat.strict, false);
  assert.deepEqual(cat.impl([1], null), [1]);
  assert.deepEqual(cat.impl([1], [2, null]), [1, 2, null]);
  assert.deepEqual(findOp('||', 'anycompatiblearray', 'anycompatible').impl(null, null), [null]);
  assert.deepEqual(findOp('||', 'anycompatible', 'anycompatiblearray').impl(0, [1]), [0, 1]);
  assert.equal(findOp('@>', 'anyarray', 'anyarray').impl([1, 2, 3], [3, 1, 1]), true);
  assert.equal(findOp('@>', 'anyarray', 'anyarray').impl([1, null], [null]), false);
  assert.equal(findOp('<@', 'anyarray', 'anyarray').impl([], [1]), true);
  assert.equal(findOp('&&', 'anyarray', 'anyarray').impl(['a', 'b'], ['c', 'b']), true);
  assert.equal(findOp('&&', 'anyarray', 'anyarray').impl([null], [null]), false);
  const wb = find('width_bucket', ['anycompatible', 'anycompatiblearray']);
  assert.equal(wb.impl(5.35, [1, 3, 4, 6]), 3);
  assert.equal(wb.impl(0, [1, 3, 4, 6]), 0);
  assert.equal(wb.impl(6, [1, 3, 4, 6]), 4);
});

/** pg_proc rows (PostgreSQL 15) for every name in the catalog, over the types Eddy has. */
const PG_FUNCTIONS = [
  'abs(float4) float4',
  'abs(float8) float8',
  'abs(int2) int2',
  'abs(int4) int4',
  'abs(int8) int8',
  'abs(numeric) numeric',
  'acos(float8) float8',
  'acosh(float8) float8',
  'array_to_string(anyarray,text) text',
  'array_to_string(anyarray,text,text) text nonstrict',
  'ascii(text) int4',
  'asin(float8) float8',
  'asinh(float8) float8',
  'atan(float8) float8',
  'atan2(float8,float8) float8',
  'atanh(float8) float8',
  'bit_length(bytea) int4',
  'bit_length(text) int4',
  'btrim(bytea,bytea) bytea',
  'btrim(text) text',
  'btrim(text,text) text',
  'cbrt(float8) float8',
  'ceil(float8) float8',
  'ceil(numeric) numeric',
  'ceiling(float8) float8',
  'ceiling(numeric) numeric',
  'char_length(text) int4',
  'character_length(text) int4',
  'chr(int4) text',
  'concat(variadic any) text nonstrict',
  'concat_ws(text,variadic any) text nonstrict',
  'cos(float8) float8',
  'cosh(float8) float8',
  'cot(float8) float8',
  'decode(text,text) bytea',
  'degrees(float8) float8',
  'div(numeric,numeric) numeric',
  'encode(bytea,text) text',
  'exp(float8) float8',
  'exp(numeric) numeric',
  'floor(float8) float8',
  'floor(numeric) numeric',
  'format(text) text nonstrict',
  'format(text,variadic any) text nonstrict',
  'gcd(int4,int4) int4',
  'gcd(int8,int8) int8',
  'gcd(numeric,numeric) numeric',
  'get_byte(bytea,int4) int4',
  'initcap(text) text',
  'lcm(int4,int4) int4',
  'lcm(int8,int8) int8',
  'lcm(numeric,numeric) numeric',
  'left(text,int4) text',
  'length(bytea) int4',
  'length(text) int4',
  'like_escape(bytea,bytea) bytea',
  'like_escape(text,text) text',
  'ln(float8) float8',
  'ln(numeric) numeric',
  'log(float8) float8',
  'log(numeric) numeric',
  'log(numeric,numeric) numeric',
  'log10(float8) float8',
  'log10(numeric) numeric',
  'lower(text) text',
  'lpad(text,int4) text',
  'lpad(text,int4,text) text',
  'ltrim(bytea,bytea) bytea',
  'ltrim(text) text',
  'ltrim(text,text) text',
  'md5(bytea) text',
  'md5(text) text',
  'min_scale(numeric) int4',
  'mod(int2,int2) int2',
  'mod(int4,int4) int4',
  'mod(int8,int8) int8',
  'mod(numeric,numeric) numeric',
  'octet_length(bytea) int4',
  'octet_length(text) int4',
  'overlay(bytea,bytea,int4) bytea',
  'overlay(bytea,bytea,int4,int4) bytea',
  'overlay(text,text,int4) text',
  'overlay(text,text,int4,int4) text',
  'pi() float8',
  'position(bytea,bytea) int4',
  'position(text,text) int4',
  'pow(float8,float8) float8',
  'pow(numeric,numeric) numeric',
  'power(float8,float8) float8',
  'power(numeric,numeric) numeric',
  'quote_ident(text) text',
  'quote_literal(anyelement) text',
  'quote_literal(text) text',
  'quote_nullable(anyelement) text nonstrict',
  'quote_nullable(text) text nonstrict',
  'radians(float8) float8',
  'random() float8',
  'regexp_count(text,text) int4',
  'regexp_count(text,text,int4) int4',
  'regexp_count(text,text,int4,text) int4',
  'regexp_instr(text,text) int4',
  'regexp_instr(text,text,int4) int4',
  'regexp_instr(text,text,int4,int4) int4',
  'regexp_instr(text,text,int4,int4,int4) int4',
  'regexp_instr(text,text,int4,int4,int4,text) int4',
  'regexp_instr(text,text,int4,int4,int4,text,int4) int4',
  'regexp_like(text,text) bool',
  'regexp_like(text,text,text) bool',
  'regexp_match(text,text) text[]',
  'regexp_match(text,text,text) text[]',
  'regexp_matches(text,text) text[] setof',
  'regexp_matches(text,text,text) text[] setof',
  'regexp_replace(text,text,text) text',
  'regexp_replace(text,text,text,int4) text',
  'regexp_replace(text,text,text,int4,int4) text',
  'regexp_replace(text,text,text,int4,int4,text) text',
  'regexp_replace(text,text,text,text) text',
  'regexp_split_to_array(text,text) text[]',
  'regexp_split_to_array(text,text,text) text[]',
  'regexp_split_to_table(text,text) text setof',
  'regexp_split_to_table(text,text,text) text setof',
  'regexp_substr(text,text) text',
  'regexp_substr(text,text,int4) text',
  'regexp_substr(text,text,int4,int4) text',
  'regexp_substr(text,text,int4,int4,text) text',
  'regexp_substr(text,text,int4,int4,text,int4) text',
  'repeat(text,int4) text',
  'replace(text,text,text) text',
  'reverse(text) text',
  'right(text,int4) text',
  'round(float8) float8',
  'round(numeric) numeric',
  'round(numeric,int4) numeric',
  'rpad(text,int4) text',
  'rpad(text,int4,text) text',
  'rtrim(bytea,bytea) bytea',
  'rtrim(text) text',
  'rtrim(text,text) text',
  'scale(numeric) int4',
  'sha224(bytea) bytea',
  'sha256(bytea) bytea',
  'sha384(bytea) bytea',
  'sha512(bytea) bytea',
  'sign(float8) float8',
  'sign(numeric) numeric',
  'similar_to_escape(text) text',
  'similar_to_escape(text,text) text',
  'sin(float8) float8',
  'sinh(float8) float8',
  'split_part(text,text,int4) text',
  'sqrt(float8) float8',
  'sqrt(numeric) numeric',
  'starts_with(text,text) bool',
  'string_to_array(text,text) text[] nonstrict',
  'string_to_array(text,text,text) text[] nonstrict',
  'string_to_table(text,text) text nonstrict setof',
  'string_to_table(text,text,text) text nonstrict setof',
  'strpos(text,text) int4',
  'substr(bytea,int4) bytea',
  'substr(bytea,int4,int4) bytea',
  'substr(text,int4) text',
  'substr(text,int4,int4) text',
  'substring(bytea,int4) bytea',
  'substring(bytea,int4,int4) bytea',
  'substring(text,int4) text',
  'substring(text,int4,int4) text',
  'substring(text,text) text',
  'substring(text,text,text) text',
  'tan(float8) float8',
  'tanh(float8) float8',
  'textcat(text,text) text',
  'to_hex(int4) text',
  'to_hex(int8) text',
  'translate(text,text,text) text',
  'trim_scale(numeric) numeric',
  'trunc(float8) float8',
  'trunc(numeric) numeric',
  'trunc(numeric,int4) numeric',
  'upper(text) text',
  'width_bucket(anycompatible,anycompatiblearray) int4',
  'width_bucket(float8,float8,float8,int4) int4',
  'width_bucket(numeric,numeric,numeric,int4) int4',
];
/** pg_operator rows (PostgreSQL 15) over the types Eddy has, comparisons and text search excepted. */
const PG_OPERATORS = [
  '+ float4 float4',
  '+ float8 float8',
  '+ int2 int2',
  '+ int4 int4',
  '+ int8 int8',
  '+ numeric numeric',
  '- float4 float4',
  '- float8 float8',
  '- int2 int2',
  '- int4 int4',
  '- int8 int8',
  '- numeric numeric',
  '@ float4 float4',
  '@ float8 float8',
  '@ int2 int2',
  '@ int4 int4',
  '@ int8 int8',
  '@ numeric numeric',
  'anyarray && anyarray bool',
  'anyarray <@ anyarray bool',
  'anyarray @> anyarray bool',
  'anycompatible || anycompatiblearray anycompatiblearray',
  'anycompatiblearray || anycompatible anycompatiblearray',
  'anycompatiblearray || anycompatiblearray anycompatiblearray',
  'anynonarray || text text',
  'bytea !~~ bytea bool',
  'bytea || bytea bytea',
  'bytea ~~ bytea bool',
  'float4 * float4 float4',
  'float4 * float8 float8',
  'float4 + float4 float4',
  'float4 + float8 float8',
  'float4 - float4 float4',
  'float4 - float8 float8',
  'float4 / float4 float4',
  'float4 / float8 float8',
  'float8 * float4 float8',
  'float8 * float8 float8',
  'float8 + float4 float8',
  'float8 + float8 float8',
  'float8 - float4 float8',
  'float8 - float8 float8',
  'float8 / float4 float8',
  'float8 / float8 float8',
  'float8 ^ float8 float8',
  'int2 # int2 int2',
  'int2 % int2 int2',
  'int2 & int2 int2',
  'int2 * int2 int2',
  'int2 * int4 int4',
  'int2 * int8 int8',
  'int2 + int2 int2',
  'int2 + int4 int4',
  'int2 + int8 int8',
  'int2 - int2 int2',
  'int2 - int4 int4',
  'int2 - int8 int8',
  'int2 / int2 int2',
  'int2 / int4 int4',
  'int2 / int8 int8',
  'int2 << int4 int2',
  'int2 >> int4 int2',
  'int2 | int2 int2',
  'int4 # int4 int4',
  'int4 % int4 int4',
  'int4 & int4 int4',
  'int4 * int2 int4',
  'int4 * int4 int4',
  'int4 * int8 int8',
  'int4 + int2 int4',
  'int4 + int4 int4',
  'int4 + int8 int8',
  'int4 - int2 int4',
  'int4 - int4 int4',
  'int4 - int8 int8',
  'int4 / int2 int4',
  'int4 / int4 int4',
  'int4 / int8 int8',
  'int4 << int4 int4',
  'int4 >> int4 int4',
  'int4 | int4 int4',
  'int8 # int8 int8',
  'int8 % int8 int8',
  'int8 & int8 int8',
  'int8 * int2 int8',
  'int8 * int4 int8',
  'int8 * int8 int8',
  'int8 + int2 int8',
  'int8 + int4 int8',
  'int8 + int8 int8',
  'int8 - int2 int8',
  'int8 - int4 int8',
  'int8 - int8 int8',
  'int8 / int2 int8',
  'int8 / int4 int8',
  'int8 / int8 int8',
  'int8 << int4 int8',
  'int8 >> int4 int8',
  'int8 | int8 int8',
  'numeric % numeric numeric',
  'numeric * numeric numeric',
  'numeric + numeric numeric',
  'numeric - numeric numeric',
  'numeric / numeric numeric',
  'numeric ^ numeric numeric',
  'text !~ text bool',
  'text !~* text bool',
  'text !~~ text bool',
  'text !~~* text bool',
  'text ^@ text bool',
  'text || anynonarray text',
  'text || text text',
  'text ~ text bool',
  'text ~* text bool',
  'text ~<=~ text bool',
  'text ~<~ text bool',
  'text ~>=~ text bool',
  'text ~>~ text bool',
  'text ~~ text bool',
  'text ~~* text bool',
  '|/ float8 float8',
  '||/ float8 float8',
  '~ int2 int2',
  '~ int4 int4',
  '~ int8 int8',
];
