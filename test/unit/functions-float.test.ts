/**
 * real and double precision arithmetic and text I/O (src/functions/float-ops.ts, src/common/float-text.ts)
 * against PostgreSQL 15: each row is the SQL run on a real server, the same computation here, and
 * the server's answer. The output tables include ties that PostgreSQL's Ryu refuses to print short.
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { float4In, float4Out, float8In, float8Out } from '../../src/common/float-text.ts';
import { T } from '../../src/common/types.ts';
import * as F from '../../src/functions/float-ops.ts';
import { check, out } from './functions-check.ts';

const { float4, float8 } = T;

test('double precision arithmetic', () => {
  check([
    [
      `1e308::float8 * 10`,
      () => out(F.float8mul(1e308, 10), float8),
      'ERROR 22003: value out of range: overflow',
    ],
    [
      `1e-308::float8 * 1e-300`,
      () => out(F.float8mul(1e-308, 1e-300), float8),
      'ERROR 22003: value out of range: underflow',
    ],
    [`'Infinity'::float8 * 0`, () => out(F.float8mul(Infinity, 0), float8), 'NaN'],
    [`'Infinity'::float8 + 1`, () => out(F.float8pl(Infinity, 1), float8), 'Infinity'],
    [`'Infinity'::float8 - 'Infinity'::float8`, () => out(F.float8mi(Infinity, Infinity), float8), 'NaN'],
    [
      `1.7976931348623157e308::float8 + 1.7976931348623157e308`,
      () => out(F.float8pl(1.7976931348623157e308, 1.7976931348623157e308), float8),
      'ERROR 22003: value out of range: overflow',
    ],
    [
      `-1.7976931348623157e308::float8 - 1.7976931348623157e308`,
      () => out(F.float8mi(-1.7976931348623157e308, 1.7976931348623157e308), float8),
      'ERROR 22003: value out of range: overflow',
    ],
    [`1::float8 / 0`, () => out(F.float8div(1, 0), float8), 'ERROR 22012: division by zero'],
    [`'NaN'::float8 / 0`, () => out(F.float8div(Number.NaN, 0), float8), 'NaN'],
    [
      `1e308::float8 / 1e-10`,
      () => out(F.float8div(1e308, 1e-10), float8),
      'ERROR 22003: value out of range: overflow',
    ],
    [
      `1e-308::float8 / 1e300`,
      () => out(F.float8div(1e-308, 1e300), float8),
      'ERROR 22003: value out of range: underflow',
    ],
    [`1::float8 / 'Infinity'`, () => out(F.float8div(1, Infinity), float8), '0'],
    [`'Infinity'::float8 / 'Infinity'`, () => out(F.float8div(Infinity, Infinity), float8), 'NaN'],
    [`0.1::float8 + 0.2::float8`, () => out(F.float8pl(0.1, 0.2), float8), '0.30000000000000004'],
    [`-(0::float8)`, () => out(F.floatUm(0), float8), '-0'],
    [`1::float8 / 3`, () => out(F.float8div(1, 3), float8), '0.3333333333333333'],
  ]);
});

test('real arithmetic rounds to float32', () => {
  check([
    [`0.1::float4 + 0.2::float4`, () => out(F.float4pl(Math.fround(0.1), Math.fround(0.2)), float4), '0.3'],
    [`1::float4 / 3::float4`, () => out(F.float4div(1, 3), float4), '0.33333334'],
    [
      `3e38::float4 * 10::float4`,
      () => out(F.float4mul(Math.fround(3e38), 10), float4),
      'ERROR 22003: value out of range: overflow',
    ],
    [
      `1e-38::float4 * 1e-10::float4`,
      () => out(F.float4mul(Math.fround(1e-38), Math.fround(1e-10)), float4),
      'ERROR 22003: value out of range: underflow',
    ],
    [`1::float4 / 0::float4`, () => out(F.float4div(1, 0), float4), 'ERROR 22012: division by zero'],
    [`16777216::float4 + 1::float4`, () => out(F.float4pl(16777216, 1), float4), '1.6777216e+07'],
    [
      `0.1::float4 + 0.2::float8`,
      () => out(F.float8pl(Math.fround(0.1), 0.2), float8),
      '0.30000000149011613',
    ],
    [
      `1e-50::float8::float4`,
      () => out(F.float8ToFloat4(1e-50), float4),
      'ERROR 22003: value out of range: underflow',
    ],
    [
      `1e50::float8::float4`,
      () => out(F.float8ToFloat4(1e50), float4),
      'ERROR 22003: value out of range: overflow',
    ],
    [`'Infinity'::float8::float4`, () => out(F.float8ToFloat4(Infinity), float4), 'Infinity'],
  ]);
});

test('float text input', () => {
  check([
    [`' 12.5 '::float8`, () => out(float8In(' 12.5 '), float8), '12.5'],
    [`'0x10'::float8`, () => out(float8In('0x10'), float8), '16'],
    [`' Infinity'::float8`, () => out(float8In(' Infinity'), float8), 'Infinity'],
    [`'inf'::float8`, () => out(float8In('inf'), float8), 'Infinity'],
    [`'-INF'::float4`, () => out(float4In('-INF'), float4), '-Infinity'],
    [`'nan'::float8`, () => out(float8In('nan'), float8), 'NaN'],
    [`'-0'::float8`, () => out(float8In('-0'), float8), '-0'],
    [
      `'1e-400'::float8`,
      () => out(float8In('1e-400'), float8),
      'ERROR 22003: "1e-400" is out of range for type double precision',
    ],
    [`'0e-400'::float8`, () => out(float8In('0e-400'), float8), '0'],
    [`'1e-310'::float8`, () => out(float8In('1e-310'), float8), '1e-310'],
    [
      `'1e400'::float8`,
      () => out(float8In('1e400'), float8),
      'ERROR 22003: "1e400" is out of range for type double precision',
    ],
    [
      `'1e39'::float4`,
      () => out(float4In('1e39'), float4),
      'ERROR 22003: "1e39" is out of range for type real',
    ],
    [
      `'1e-46'::float4`,
      () => out(float4In('1e-46'), float4),
      'ERROR 22003: "1e-46" is out of range for type real',
    ],
    [
      `'1.5.2'::float8`,
      () => out(float8In('1.5.2'), float8),
      'ERROR 22P02: invalid input syntax for type double precision: "1.5.2"',
    ],
    [
      `''::float8`,
      () => out(float8In(''), float8),
      'ERROR 22P02: invalid input syntax for type double precision: ""',
    ],
    [`'.5'::float8`, () => out(float8In('.5'), float8), '0.5'],
    [`'5.'::float8`, () => out(float8In('5.'), float8), '5'],
    [
      `'1e'::float8`,
      () => out(float8In('1e'), float8),
      'ERROR 22P02: invalid input syntax for type double precision: "1e"',
    ],
    [
      `'Infinityx'::float8`,
      () => out(float8In('Infinityx'), float8),
      'ERROR 22P02: invalid input syntax for type double precision: "Infinityx"',
    ],
  ]);
});

test('float8 output is the shortest text PostgreSQL prints', () => {
  for (const [input, expected] of FLOAT8_OUT) assert.equal(float8Out(float8In(input)), expected, input);
});

test('float4 output is the shortest text PostgreSQL prints', () => {
  for (const [input, expected] of FLOAT4_OUT) assert.equal(float4Out(float4In(input)), expected, input);
});

/** [input text, PostgreSQL 15 output] for double precision. */
const FLOAT8_OUT: [string, string][] = [
  ['-8.374803168699999e+26', '-8.374803168699999e+26'],
  ['801240000000000000000', '8.0124e+20'],
  ['4.1279248986400005e-30', '4.1279248986400005e-30'],
  ['3.9482700000000004e-29', '3.9482700000000004e-29'],
  ['2.694993233308e+32', '2.694993233308e+32'],
  ['3581420000', '3581420000'],
  ['85420077759770', '85420077759770'],
  ['-4000000', '-4000000'],
  ['2.7799999999999997e+23', '2.7799999999999997e+23'],
  ['3229785841000000', '3.229785841e+15'],
  ['9.172661984339356e-28', '9.172661984339356e-28'],
  ['-8.038825728e+28', '-8.038825728e+28'],
  ['6.9843702e+27', '6.9843702e+27'],
  ['6.874914559999999e-16', '6.874914559999999e-16'],
  ['7.493491936480001e-19', '7.493491936480001e-19'],
  ['9.847526251999999e-39', '9.847526251999999e-39'],
  ['-6.8812e-19', '-6.8812e-19'],
  ['-1.89e-22', '-1.89e-22'],
  ['0.007171452948823571', '0.007171452948823571'],
  ['5.798000059999999e-40', '5.798000059999999e-40'],
  ['-9.16035718284547e+29', '-9.16035718284547e+29'],
  ['-5e-13', '-5e-13'],
  ['-3383278.67', '-3383278.67'],
  ['5.7895726710558005e-31', '5.7895726710558005e-31'],
  ['749164180000000000', '7.4916418e+17'],
  ['-4e-9', '-4e-09'],
  ['720000', '720000'],
  ['-6.4091469720006e+29', '-6.4091469720006e+29'],
  ['4.402397563681e+26', '4.402397563681e+26'],
  ['-993810', '-993810'],
  ['1000000000000000', '1e+15'],
  ['0.0001', '0.0001'],
  ['0.00009999999999999999', '9.999999999999999e-05'],
  ['999999999999999.9', '999999999999999.9'],
  ['10000000000000000', '1e+16'],
  ['123456789012345680', '1.2345678901234568e+17'],
  ['5e-324', '5e-324'],
  ['2.2250738585072014e-308', '2.2250738585072014e-308'],
  ['1.7976931348623157e+308', '1.7976931348623157e+308'],
  ['0.1', '0.1'],
  ['100', '100'],
  ['1e+21', '1e+21'],
  ['1e+22', '1e+22'],
  ['0.000123', '0.000123'],
  ['5.048e22', '5.0480000000000004e+22'],
  ['9.007199254740993e15', '9.007199254740992e+15'],
  ['1e23', '9.999999999999999e+22'],
  ['4.35e+25', '4.35e+25'],
];
/** [input text, PostgreSQL 15 output] for real. */
const FLOAT4_OUT: [string, string][] = [
  ['-8.374803362720063e+26', '-8.374803e+26'],
  ['801239983673856500000', '8.0124e+20'],
  ['4.12792501918373e-30', '4.127925e-30'],
  ['3.948270136231174e-29', '3.94827e-29'],
  ['2.6949931443866992e+32', '2.6949931e+32'],
  ['3581420032', '3.58142e+09'],
  ['85420079579136', '8.542008e+13'],
  ['-4000000', '-4e+06'],
  ['2.7799999923817693e+23', '2.78e+23'],
  ['3229785878691840', '3.229786e+15'],
  ['9.17266217583706e-28', '9.172662e-28'],
  ['-8.03882590644461e+28', '-8.038826e+28'],
  ['6.984369993135429e+27', '6.98437e+27'],
  ['6.874914329027559e-16', '6.8749143e-16'],
  ['7.493491724651702e-19', '7.4934917e-19'],
  ['9.847526867150149e-39', '9.847527e-39'],
  ['-6.881200227530763e-19', '-6.8812e-19'],
  ['-1.8900000359473237e-22', '-1.89e-22'],
  ['0.0071714529767632484', '0.007171453'],
  ['5.79799851300572e-40', '5.798e-40'],
  ['1000000', '1e+06'],
  ['999999.875', '999999.9'],
  ['0.00009999999747378752', '0.0001'],
  ['3.4028234663852886e+38', '3.4028235e+38'],
  ['1.401298464324817e-45', '1e-45'],
  ['1.1754943508222875e-38', '1.1754944e-38'],
  ['16777216', '1.6777216e+07'],
  ['16777216', '1.6777216e+07'],
  ['0.10000000149011612', '0.1'],
  ['123456', '123456'],
  ['16777217', '1.6777216e+07'],
  ['3.3554432e7', '3.3554432e+07'],
  ['1.5e10', '1.5000001e+10'],
];
