/**
 * Math functions (src/functions/math.ts, numeric-fns.ts) against PostgreSQL 15: each row is the
 * SQL run on a real server, the same computation here, and the server's answer (text or error).
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Numeric } from '../../src/common/numeric.ts';
import { T } from '../../src/common/types.ts';
import type { Value } from '../../src/common/value.ts';
import * as M from '../../src/functions/math.ts';
import * as N from '../../src/functions/numeric-fns.ts';
import { check, out } from './functions-check.ts';

const { int4, float8, numeric } = T;
const n = (s: string): Numeric => Numeric.parse(s);
const d = (v: number): string => out(v, float8);
const nn = (v: Value): string => out(v, numeric);

test('rounding and sign of double precision', () => {
  check([
    [`ceil(-0.5::float8)`, () => d(M.dceil(-0.5)), '-0'],
    [`floor(-0.5::float8)`, () => d(M.dfloor(-0.5)), '-1'],
    [`trunc(-0.5::float8)`, () => d(M.dtrunc(-0.5)), '-0'],
    [`round(2.5::float8)`, () => d(M.rint(2.5)), '2'],
    [`round(3.5::float8)`, () => d(M.rint(3.5)), '4'],
    [`round(-2.5::float8)`, () => d(M.rint(-2.5)), '-2'],
    [`round(-1.5::float8)`, () => d(M.rint(-1.5)), '-2'],
    [`round(-0.4::float8)`, () => d(M.rint(-0.4)), '-0'],
    [`round(0.49999999999999994::float8)`, () => d(M.rint(0.49999999999999994)), '0'],
    [`round(4503599627370495.5::float8)`, () => d(M.rint(4503599627370495.5)), '4.503599627370496e+15'],
    [`sign('NaN'::float8)`, () => d(M.dsign(Number.NaN)), '0'],
    [`sign(-0.0::float8)`, () => d(M.dsign(-0)), '0'],
    [`sign(-3::float8)`, () => d(M.dsign(-3)), '-1'],
  ]);
});

test('powers, roots, logarithms of double precision', () => {
  check([
    [`sqrt(-1::float8)`, () => d(M.dsqrt(-1)), 'ERROR 2201F: cannot take square root of a negative number'],
    [`sqrt(2::float8)`, () => d(M.dsqrt(2)), '1.4142135623730951'],
    [`sqrt('Infinity'::float8)`, () => d(M.dsqrt(Infinity)), 'Infinity'],
    [`cbrt(-8::float8)`, () => d(M.dcbrt(-8)), '-2'],
    [`ln(0::float8)`, () => d(M.dln(0)), 'ERROR 2201E: cannot take logarithm of zero'],
    [`ln(-1::float8)`, () => d(M.dln(-1)), 'ERROR 2201E: cannot take logarithm of a negative number'],
    [`ln(10::float8)`, () => d(M.dln(10)), '2.302585092994046'],
    [`log(2::float8)`, () => d(M.dlog10(2)), '0.3010299956639812'],
    [`log10(-1::float8)`, () => d(M.dlog10(-1)), 'ERROR 2201E: cannot take logarithm of a negative number'],
    [`ln('Infinity'::float8)`, () => d(M.dln(Infinity)), 'Infinity'],
    [`exp(1::float8)`, () => d(M.dexp(1)), '2.718281828459045'],
    [`exp(1000::float8)`, () => d(M.dexp(1000)), 'ERROR 22003: value out of range: overflow'],
    [`exp(-1000::float8)`, () => d(M.dexp(-1000)), 'ERROR 22003: value out of range: underflow'],
    [`exp('-Infinity'::float8)`, () => d(M.dexp(-Infinity)), '0'],
    [`exp('NaN'::float8)`, () => d(M.dexp(Number.NaN)), 'NaN'],
    [
      `power(0::float8, -1::float8)`,
      () => d(M.dpow(0, -1)),
      'ERROR 2201F: zero raised to a negative power is undefined',
    ],
    [
      `power(-8::float8, 1.0/3)`,
      () => d(M.dpow(-8, 1 / 3)),
      'ERROR 2201F: a negative number raised to a non-integer power yields a complex result',
    ],
    [`power(1::float8, 'NaN')`, () => d(M.dpow(1, Number.NaN)), '1'],
    [`power('NaN'::float8, 0)`, () => d(M.dpow(Number.NaN, 0)), '1'],
    [`power(1e300::float8, 'NaN')`, () => d(M.dpow(1e300, Number.NaN)), 'NaN'],
    [`power(-1::float8, 'Infinity')`, () => d(M.dpow(-1, Infinity)), '1'],
    [`power(-2::float8, 'Infinity')`, () => d(M.dpow(-2, Infinity)), 'Infinity'],
    [`power(-0.5::float8, '-Infinity')`, () => d(M.dpow(-0.5, -Infinity)), 'Infinity'],
    [
      `power(0::float8, '-Infinity')`,
      () => d(M.dpow(0, -Infinity)),
      'ERROR 2201F: zero raised to a negative power is undefined',
    ],
    [`power('-Infinity'::float8, 3)`, () => d(M.dpow(-Infinity, 3)), '-Infinity'],
    [`power('-Infinity'::float8, -3)`, () => d(M.dpow(-Infinity, -3)), '-0'],
    [`power('-Infinity'::float8, 2)`, () => d(M.dpow(-Infinity, 2)), 'Infinity'],
    [
      `power('-Infinity'::float8, 0.5)`,
      () => d(M.dpow(-Infinity, 0.5)),
      'ERROR 2201F: a negative number raised to a non-integer power yields a complex result',
    ],
    [`power(10::float8, 400)`, () => d(M.dpow(10, 400)), 'ERROR 22003: value out of range: overflow'],
    [`power(10::float8, -400)`, () => d(M.dpow(10, -400)), 'ERROR 22003: value out of range: underflow'],
    [`power(0::float8, 0)`, () => d(M.dpow(0, 0)), '1'],
    [`power(-2::float8, 3)`, () => d(M.dpow(-2, 3)), '-8'],
    [`power(2::float8, 0.5)`, () => d(M.dpow(2, 0.5)), '1.4142135623730951'],
  ]);
});

test('trigonometry of double precision', () => {
  check([
    [`sin('Infinity'::float8)`, () => d(M.dsin(Infinity)), 'ERROR 22003: input is out of range'],
    [`sin(1::float8)`, () => d(M.dsin(1)), '0.8414709848078965'],
    [`cos(1::float8)`, () => d(M.dcos(1)), '0.5403023058681398'],
    [`tan(1::float8)`, () => d(M.dtan(1)), '1.5574077246549023'],
    [`cot(1::float8)`, () => d(M.dcot(1)), '0.6420926159343306'],
    [`cot(0::float8)`, () => d(M.dcot(0)), 'Infinity'],
    [`asin(2::float8)`, () => d(M.dasin(2)), 'ERROR 22003: input is out of range'],
    [`acos('NaN'::float8)`, () => d(M.dacos(Number.NaN)), 'NaN'],
    [`atan('Infinity'::float8)`, () => d(M.datan(Infinity)), '1.5707963267948966'],
    [`atan2(1::float8, 2::float8)`, () => d(M.datan2(1, 2)), '0.4636476090008061'],
    [`sinh(1000::float8)`, () => d(M.dsinh(1000)), 'Infinity'],
    [`acosh(0.5::float8)`, () => d(M.dacosh(0.5)), 'ERROR 22003: input is out of range'],
    [`atanh(1::float8)`, () => d(M.datanh(1)), 'Infinity'],
    [`atanh(2::float8)`, () => d(M.datanh(2)), 'ERROR 22003: input is out of range'],
    [`tanh(1::float8)`, () => d(M.dtanh(1)), '0.7615941559557649'],
    [`degrees(1::float8)`, () => d(M.ddegrees(1)), '57.29577951308232'],
    [`degrees(pi())`, () => d(M.ddegrees(M.dpi())), '180'],
    [`radians(180::float8)`, () => d(M.dradians(180)), '3.141592653589793'],
    [`pi()`, () => d(M.dpi()), '3.141592653589793'],
  ]);
});

test('width_bucket', () => {
  const wb = (o: number, a: number, b: number, c: number): string =>
    out(M.widthBucketFloat8(o, a, b, c), int4);
  const wn = (o: string, a: string, b: string, c: number): string =>
    out(N.widthBucketNumeric(n(o), n(a), n(b), c), int4);
  check([
    [`width_bucket(5.35::float8, 0.024, 10.06, 5)`, () => wb(5.35, 0.024, 10.06, 5), '3'],
    [`width_bucket(10.06::float8, 0.024, 10.06, 5)`, () => wb(10.06, 0.024, 10.06, 5), '6'],
    [`width_bucket(-1::float8, 0.024, 10.06, 5)`, () => wb(-1, 0.024, 10.06, 5), '0'],
    [`width_bucket(5::float8, 10, 0, 5)`, () => wb(5, 10, 0, 5), '3'],
    [`width_bucket(0::float8, 10, 0, 5)`, () => wb(0, 10, 0, 5), '6'],
    [
      `width_bucket(5::float8, 0, 10, 0)`,
      () => wb(5, 0, 10, 0),
      'ERROR 2201G: count must be greater than zero',
    ],
    [
      `width_bucket(5::float8, 0, 0, 3)`,
      () => wb(5, 0, 0, 3),
      'ERROR 2201G: lower bound cannot equal upper bound',
    ],
    [
      `width_bucket('NaN'::float8, 0, 1, 3)`,
      () => wb(Number.NaN, 0, 1, 3),
      'ERROR 2201G: operand, lower bound, and upper bound cannot be NaN',
    ],
    [
      `width_bucket(1::float8, 0, 'Infinity', 3)`,
      () => wb(1, 0, Infinity, 3),
      'ERROR 2201G: lower and upper bounds must be finite',
    ],
    [`width_bucket('Infinity'::float8, 0, 1, 3)`, () => wb(Infinity, 0, 1, 3), '4'],
    [
      `width_bucket(2::float8, 0, 1, 2147483647)`,
      () => wb(2, 0, 1, 2147483647),
      'ERROR 22003: integer out of range',
    ],
    [`width_bucket(0::float8, -1e308, 1e308, 10)`, () => wb(0, -1e308, 1e308, 10), '-2147483648'],
    [`width_bucket(0.3::float8, 0, 0.9, 3)`, () => wb(0.3, 0, 0.9, 3), '2'],
    [`width_bucket(5.35, 0.024, 10.06, 5)`, () => wn('5.35', '0.024', '10.06', 5), '3'],
    [`width_bucket(0.3, 0, 0.9, 3)`, () => wn('0.3', '0', '0.9', 3), '2'],
    [`width_bucket(5::numeric, 10, 0, 5)`, () => wn('5', '10', '0', 5), '3'],
    [`width_bucket('Infinity'::numeric, 0, 1, 3)`, () => wn('Infinity', '0', '1', 3), '4'],
    [
      `width_bucket(5::numeric, 0, 'Infinity', 3)`,
      () => wn('5', '0', 'Infinity', 3),
      'ERROR 2201G: lower and upper bounds must be finite',
    ],
    [
      `width_bucket('NaN'::numeric, 0, 1, 3)`,
      () => wn('NaN', '0', '1', 3),
      'ERROR 2201G: operand, lower bound, and upper bound cannot be NaN',
    ],
  ]);
});

test('numeric functions', () => {
  check([
    [`mod(7.5, 2)`, () => nn(N.numericMod(n('7.5'), n('2'))), '1.5'],
    [`div(7.5, 2)`, () => nn(N.numericDivTrunc(n('7.5'), n('2'))), '3'],
    [`div(-7.5, 2)`, () => nn(N.numericDivTrunc(n('-7.5'), n('2'))), '-3'],
    [`round(2.5)`, () => nn(N.numericRound(n('2.5'))), '3'],
    [`round(-2.5)`, () => nn(N.numericRound(n('-2.5'))), '-3'],
    [`round(1.2345, 2)`, () => nn(N.numericRoundTo(n('1.2345'), 2)), '1.23'],
    [`round(1234.5, -2)`, () => nn(N.numericRoundTo(n('1234.5'), -2)), '1200'],
    [`trunc(1.999, 1)`, () => nn(N.numericTruncTo(n('1.999'), 1)), '1.9'],
    [`ceil(-1.5)`, () => nn(N.numericCeil(n('-1.5'))), '-1'],
    [`floor(-1.5)`, () => nn(N.numericFloor(n('-1.5'))), '-2'],
    [`sign(-3.2)`, () => nn(N.numericSign(n('-3.2'))), '-1'],
    [`abs(-1.50)`, () => nn(N.numericAbs(n('-1.50'))), '1.50'],
    [`sqrt(2.0)`, () => nn(N.numericSqrt(n('2.0'))), '1.414213562373095'],
    [
      `sqrt(-1::numeric)`,
      () => nn(N.numericSqrt(n('-1'))),
      'ERROR 2201F: cannot take square root of a negative number',
    ],
    [`ln(0::numeric)`, () => nn(N.numericLn(n('0'))), 'ERROR 2201E: cannot take logarithm of zero'],
    [`log(2.0, 8.0)`, () => nn(N.numericLog(n('2.0'), n('8.0'))), '3.0000000000000000'],
    [`power(2.0, 10)`, () => nn(N.numericPower(n('2.0'), n('10'))), '1024.0000000000000000'],
    [
      `power(0::numeric, -1)`,
      () => nn(N.numericPower(n('0'), n('-1'))),
      'ERROR 2201F: zero raised to a negative power is undefined',
    ],
    [`1::numeric / 0`, () => nn(N.numericDiv(n('1'), n('0'))), 'ERROR 22012: division by zero'],
    [`gcd(12.5, 7.50)`, () => nn(N.numericGcd(n('12.5'), n('7.50'))), '2.50'],
    [`gcd(0::numeric, 0.00)`, () => nn(N.numericGcd(n('0'), n('0.00'))), '0.00'],
    [`gcd('NaN'::numeric, 1)`, () => nn(N.numericGcd(n('NaN'), n('1'))), 'NaN'],
    [`gcd('Infinity'::numeric, 1)`, () => nn(N.numericGcd(n('Infinity'), n('1'))), 'NaN'],
    [`lcm(1.5, 2.25)`, () => nn(N.numericLcm(n('1.5'), n('2.25'))), '4.50'],
    [`lcm(0.0, 5)`, () => nn(N.numericLcm(n('0.0'), n('5'))), '0.0'],
    [`lcm(-4::numeric, 6)`, () => nn(N.numericLcm(n('-4'), n('6'))), '12'],
    [`scale(1.50)`, () => out(N.numericScale(n('1.50')), int4), '2'],
    [`scale('NaN'::numeric)`, () => out(N.numericScale(n('NaN')), int4), 'NULL'],
    [`min_scale(1.50)`, () => out(N.numericMinScale(n('1.50')), int4), '1'],
    [`min_scale(0.00)`, () => out(N.numericMinScale(n('0.00')), int4), '0'],
    [`trim_scale(1.500)`, () => nn(N.numericTrimScale(n('1.500'))), '1.5'],
  ]);
});

test('random draws from the given generator', () => {
  const a = M.seededRandom(0.5);
  const b = M.seededRandom(0.5);
  const xs = Array.from({ length: 1000 }, () => M.random(a));
  assert.deepEqual(
    xs.slice(0, 5),
    Array.from({ length: 5 }, () => M.random(b)),
  );
  assert.ok(xs.every((x) => x >= 0 && x < 1));
  assert.ok(new Set(xs).size > 990);
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  assert.ok(Math.abs(mean - 0.5) < 0.05, `mean ${mean}`);
});
