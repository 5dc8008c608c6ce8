/**
 * Integer arithmetic (src/functions/int-ops.ts) against PostgreSQL 15: each row is the SQL that was
 * run on a real server, the same computation here, and the server's answer (text or error).
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { T } from '../../src/common/types.ts';
import * as I from '../../src/functions/int-ops.ts';
import { check, out } from './functions-check.ts';

const { int2, int4, int8 } = T;
const big = (s: string): number | bigint => {
  const b = BigInt(s);
  return b <= 9007199254740991n && b >= -9007199254740991n ? Number(b) : b;
};

test('smallint and integer arithmetic', () => {
  check([
    [`32767::int2 + 1::int2`, () => out(I.int2pl(32767, 1), int2), 'ERROR 22003: smallint out of range'],
    [`32766::int2 + 1::int2`, () => out(I.int2pl(32766, 1), int2), '32767'],
    [`(-32768)::int2 - 1::int2`, () => out(I.int2mi(-32768, 1), int2), 'ERROR 22003: smallint out of range'],
    [`200::int2 * 200::int2`, () => out(I.int2mul(200, 200), int2), 'ERROR 22003: smallint out of range'],
    [
      `(-32768)::int2 / (-1)::int2`,
      () => out(I.int2div(-32768, -1), int2),
      'ERROR 22003: smallint out of range',
    ],
    [`(-32768)::int2 % (-1)::int2`, () => out(I.int2mod(-32768, -1), int2), '0'],
    [`-((-32768)::int2)`, () => out(I.int2um(-32768), int2), 'ERROR 22003: smallint out of range'],
    [`@((-32768)::int2)`, () => out(I.int2abs(-32768), int2), 'ERROR 22003: smallint out of range'],
    [`7::int2 / 0::int2`, () => out(I.int2div(7, 0), int2), 'ERROR 22012: division by zero'],
    [`2147483647 + 1`, () => out(I.int4pl(2147483647, 1), int4), 'ERROR 22003: integer out of range'],
    [`(-2147483648) - 1`, () => out(I.int4mi(-2147483648, 1), int4), 'ERROR 22003: integer out of range'],
    [`65536 * 32768`, () => out(I.int4mul(65536, 32768), int4), 'ERROR 22003: integer out of range'],
    [`65536 * (-32768)`, () => out(I.int4mul(65536, -32768), int4), '-2147483648'],
    [`0 * (-5)`, () => out(I.int4mul(0, -5), int4), '0'],
    [
      `(-2147483648) / (-1)`,
      () => out(I.int4div(-2147483648, -1), int4),
      'ERROR 22003: integer out of range',
    ],
    [`(-2147483648) % (-1)`, () => out(I.int4mod(-2147483648, -1), int4), '0'],
    [`(-7) / 2`, () => out(I.int4div(-7, 2), int4), '-3'],
    [`(-7) % 2`, () => out(I.int4mod(-7, 2), int4), '-1'],
    [`7 % (-2)`, () => out(I.int4mod(7, -2), int4), '1'],
    [`(-6) % 3`, () => out(I.int4mod(-6, 3), int4), '0'],
    [`5 / 0`, () => out(I.int4div(5, 0), int4), 'ERROR 22012: division by zero'],
    [`5 % 0`, () => out(I.int4mod(5, 0), int4), 'ERROR 22012: division by zero'],
    [`-((-2147483648)::int4)`, () => out(I.int4um(-2147483648), int4), 'ERROR 22003: integer out of range'],
    [`abs(-2147483648)`, () => out(I.int4abs(-2147483648), int4), 'ERROR 22003: integer out of range'],
    [`32767::int2 + 1`, () => out(I.int4pl(32767, 1), int4), '32768'],
    [`1 + 32767::int2`, () => out(I.int4pl(1, 32767), int4), '32768'],
  ]);
});

test('bigint arithmetic stays canonical', () => {
  check([
    [`9007199254740991::int8 + 1`, () => out(I.int8pl(9007199254740991, 1), int8), '9007199254740992'],
    [
      `9223372036854775807::int8 + 1`,
      () => out(I.int8pl(big('9223372036854775807'), 1), int8),
      'ERROR 22003: bigint out of range',
    ],
    [
      `(-9223372036854775807)::int8 - 1`,
      () => out(I.int8mi(big('-9223372036854775807'), 1), int8),
      '-9223372036854775808',
    ],
    [
      `(-9223372036854775807)::int8 - 2`,
      () => out(I.int8mi(big('-9223372036854775807'), 2), int8),
      'ERROR 22003: bigint out of range',
    ],
    [
      `3037000500::int8 * 3037000500`,
      () => out(I.int8mul(3037000500, 3037000500), int8),
      'ERROR 22003: bigint out of range',
    ],
    [
      `3037000499::int8 * 3037000499`,
      () => out(I.int8mul(3037000499, 3037000499), int8),
      '9223372030926249001',
    ],
    [
      `4611686018427387904::int8 * 2`,
      () => out(I.int8mul(big('4611686018427387904'), 2), int8),
      'ERROR 22003: bigint out of range',
    ],
    [
      `(-4611686018427387904)::int8 * 2`,
      () => out(I.int8mul(big('-4611686018427387904'), 2), int8),
      '-9223372036854775808',
    ],
    [
      `9007199254740993::int8 / 3`,
      () => out(I.int8div(big('9007199254740993'), 3), int8),
      '3002399751580331',
    ],
    [`9007199254740991::int8 / 2`, () => out(I.int8div(9007199254740991, 2), int8), '4503599627370495'],
    [`(-9007199254740991)::int8 / 7`, () => out(I.int8div(-9007199254740991, 7), int8), '-1286742750677284'],
    [
      `(-9223372036854775808)::int8 / (-1)::int8`,
      () => out(I.int8div(big('-9223372036854775808'), -1), int8),
      'ERROR 22003: bigint out of range',
    ],
    [
      `(-9223372036854775808)::int8 % (-1)::int8`,
      () => out(I.int8mod(big('-9223372036854775808'), -1), int8),
      '0',
    ],
    [`9223372036854775807::int8 % 10`, () => out(I.int8mod(big('9223372036854775807'), 10), int8), '7'],
    [`1::int8 / 0::int8`, () => out(I.int8div(1, 0), int8), 'ERROR 22012: division by zero'],
    [
      `-((-9223372036854775808)::int8)`,
      () => out(I.int8um(big('-9223372036854775808')), int8),
      'ERROR 22003: bigint out of range',
    ],
    [
      `abs((-9223372036854775807)::int8)`,
      () => out(I.int8abs(big('-9223372036854775807')), int8),
      '9223372036854775807',
    ],
    [
      `5::int2 + 9223372036854775800::int8`,
      () => out(I.int8pl(5, big('9223372036854775800')), int8),
      '9223372036854775805',
    ],
  ]);
  // Canonical form: results back in the safe range are numbers, outside it bigints.
  assert.equal(I.int8mi(big('9007199254740992'), 1), 9007199254740991);
  assert.equal(I.int8pl(9007199254740991, 1), 9007199254740992n);
  assert.equal(I.int8mul(0, -5), 0);
  assert.ok(Object.is(I.int8div(0, -5), 0));
  assert.ok(Object.is(I.int4mul(0, -5), 0));
});

test('bitwise operators', () => {
  check([
    [`1 << 31`, () => out(I.int4shl(1, 31), int4), '-2147483648'],
    [`1 << 32`, () => out(I.int4shl(1, 32), int4), '1'],
    [`(-1) >> 1`, () => out(I.intShr(-1, 1), int4), '-1'],
    [`1::int2 << 15`, () => out(I.int2shl(1, 15), int2), '-32768'],
    [`1::int2 << 16`, () => out(I.int2shl(1, 16), int2), '0'],
    [`(-1)::int2 >> 40`, () => out(I.intShr(-1, 40), int2), '-1'],
    [`1::int8 << 63`, () => out(I.int8shl(1, 63), int8), '-9223372036854775808'],
    [`1::int8 << 64`, () => out(I.int8shl(1, 64), int8), '1'],
    [`1::int8 << -1`, () => out(I.int8shl(1, -1), int8), '-9223372036854775808'],
    [`3::int8 << 62`, () => out(I.int8shl(3, 62), int8), '-4611686018427387904'],
    [`(-5)::int8 << 52`, () => out(I.int8shl(-5, 52), int8), '-22517998136852480'],
    [
      `(-9223372036854775808)::int8 >> 3`,
      () => out(I.int8shr(big('-9223372036854775808'), 3), int8),
      '-1152921504606846976',
    ],
    [`(-7)::int8 >> 1`, () => out(I.int8shr(-7, 1), int8), '-4'],
    [`5 # 3`, () => out(I.intXor(5, 3), int4), '6'],
    [`~5`, () => out(I.intNot(5), int4), '-6'],
    [
      `~(-9223372036854775808)::int8`,
      () => out(I.int8not(big('-9223372036854775808')), int8),
      '9223372036854775807',
    ],
    [`~9007199254740991::int8`, () => out(I.int8not(9007199254740991), int8), '-9007199254740992'],
    [`12345678901234::int8 & 255`, () => out(I.int8and(12345678901234, 255), int8), '242'],
    [`12345678901234::int8 | (-1)::int8`, () => out(I.int8or(12345678901234, -1), int8), '-1'],
    [
      `(-12345678901234)::int8 # 9223372036854775807`,
      () => out(I.int8xor(-12345678901234, big('9223372036854775807')), int8),
      '-9223359691175874575',
    ],
  ]);
});

test('gcd, lcm, to_hex', () => {
  check([
    [
      `gcd((-2147483648)::int4, 0)`,
      () => out(I.int4gcd(-2147483648, 0), int4),
      'ERROR 22003: integer out of range',
    ],
    [`gcd((-2147483648)::int4, 6)`, () => out(I.int4gcd(-2147483648, 6), int4), '2'],
    [`gcd(0, 0)`, () => out(I.int4gcd(0, 0), int4), '0'],
    [`gcd(-12, 18)`, () => out(I.int4gcd(-12, 18), int4), '6'],
    [`lcm(-4, 6)`, () => out(I.int4lcm(-4, 6), int4), '12'],
    [`lcm(65536, 65537)`, () => out(I.int4lcm(65536, 65537), int4), 'ERROR 22003: integer out of range'],
    [`lcm(0, 5)`, () => out(I.int4lcm(0, 5), int4), '0'],
    [
      `gcd((-9223372036854775808)::int8, 0::int8)`,
      () => out(I.int8gcd(big('-9223372036854775808'), 0), int8),
      'ERROR 22003: bigint out of range',
    ],
    [
      `gcd(9223372036854775806::int8, 6::int8)`,
      () => out(I.int8gcd(big('9223372036854775806'), 6), int8),
      '6',
    ],
    [
      `lcm(4294967296::int8, 4294967297::int8)`,
      () => out(I.int8lcm(4294967296, 4294967297), int8),
      'ERROR 22003: bigint out of range',
    ],
    [
      `lcm(3037000499::int8, 3037000500::int8)`,
      () => out(I.int8lcm(3037000499, 3037000500), int8),
      '9223372033963249500',
    ],
    [`to_hex(-1)`, () => I.int4ToHex(-1), 'ffffffff'],
    [`to_hex(255)`, () => I.int4ToHex(255), 'ff'],
    [`to_hex(-1::int8)`, () => I.int8ToHex(-1), 'ffffffffffffffff'],
    [`to_hex(9223372036854775807::int8)`, () => I.int8ToHex(big('9223372036854775807')), '7fffffffffffffff'],
  ]);
});
