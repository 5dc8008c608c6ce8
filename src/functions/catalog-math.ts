/**
 * @module functions/catalog-math
 * Catalog entries for the numeric operators and math functions, with PostgreSQL 15's signatures
 * (pg_operator / pg_proc), including the cross-width integer operators (int2 + int4 → int4, ...).
 */
import { randomUUID } from 'node:crypto';
import { T } from '../common/types.ts';
import type { CatalogBuilder } from './catalog-types.ts';
import * as F from './float-ops.ts';
import * as I from './int-ops.ts';
import * as M from './math.ts';
import * as N from './numeric-fns.ts';

const { int2, int4, int8, float4, float8, numeric } = T;

function integerOperators(c: CatalogBuilder): void {
  const ops = [
    ['+', I.int2pl, I.int4pl, I.int8pl],
    ['-', I.int2mi, I.int4mi, I.int8mi],
    ['*', I.int2mul, I.int4mul, I.int8mul],
    ['/', I.int2div, I.int4div, I.int8div],
  ] as const;
  for (const [sym, f2, f4, f8] of ops) {
    c.op(sym, int2, int2, int2, f2);
    c.op(sym, int2, int4, int4, f4);
    c.op(sym, int4, int2, int4, f4);
    c.op(sym, int4, int4, int4, f4);
    for (const [l, r] of [
      [int2, int8],
      [int8, int2],
      [int4, int8],
      [int8, int4],
      [int8, int8],
    ] as const) {
      c.op(sym, l, r, int8, f8);
    }
  }
  c.op('%', int2, int2, int2, I.int2mod)
    .op('%', int4, int4, int4, I.int4mod)
    .op('%', int8, int8, int8, I.int8mod);
  for (const [sym, small, big] of [
    ['&', I.intAnd, I.int8and],
    ['|', I.intOr, I.int8or],
    ['#', I.intXor, I.int8xor],
  ] as const) {
    c.op(sym, int2, int2, int2, small).op(sym, int4, int4, int4, small).op(sym, int8, int8, int8, big);
  }
  c.op('<<', int2, int4, int2, I.int2shl)
    .op('<<', int4, int4, int4, I.int4shl)
    .op('<<', int8, int4, int8, I.int8shl);
  c.op('>>', int2, int4, int2, I.intShr)
    .op('>>', int4, int4, int4, I.intShr)
    .op('>>', int8, int4, int8, I.int8shr);
  c.prefix('-', int2, int2, I.int2um).prefix('-', int4, int4, I.int4um).prefix('-', int8, int8, I.int8um);
  c.prefix('+', int2, int2, I.identity)
    .prefix('+', int4, int4, I.identity)
    .prefix('+', int8, int8, I.identity);
  c.prefix('@', int2, int2, I.int2abs).prefix('@', int4, int4, I.int4abs).prefix('@', int8, int8, I.int8abs);
  c.prefix('~', int2, int2, I.intNot).prefix('~', int4, int4, I.intNot).prefix('~', int8, int8, I.int8not);
}

function floatOperators(c: CatalogBuilder): void {
  const ops = [
    ['+', F.float4pl, F.float8pl],
    ['-', F.float4mi, F.float8mi],
    ['*', F.float4mul, F.float8mul],
    ['/', F.float4div, F.float8div],
  ] as const;
  for (const [sym, f4, f8] of ops) {
    c.op(sym, float4, float4, float4, f4);
    c.op(sym, float4, float8, float8, f8);
    c.op(sym, float8, float4, float8, f8);
    c.op(sym, float8, float8, float8, f8);
  }
  c.op('^', float8, float8, float8, M.dpow);
  for (const t of [float4, float8]) {
    c.prefix('-', t, t, F.floatUm).prefix('+', t, t, I.identity).prefix('@', t, t, F.floatAbs);
  }
  c.prefix('|/', float8, float8, M.dsqrt).prefix('||/', float8, float8, M.dcbrt);
}

function numericOperators(c: CatalogBuilder): void {
  c.op('+', numeric, numeric, numeric, N.numericAdd)
    .op('-', numeric, numeric, numeric, N.numericSub)
    .op('*', numeric, numeric, numeric, N.numericMul)
    .op('/', numeric, numeric, numeric, N.numericDiv)
    .op('%', numeric, numeric, numeric, N.numericMod)
    .op('^', numeric, numeric, numeric, N.numericPower);
  c.prefix('-', numeric, numeric, N.numericNeg)
    .prefix('+', numeric, numeric, I.identity)
    .prefix('@', numeric, numeric, N.numericAbs);
}

function mathFunctions(c: CatalogBuilder): void {
  c.strict('abs', [int2], int2, I.int2abs)
    .strict('abs', [int4], int4, I.int4abs)
    .strict('abs', [int8], int8, I.int8abs)
    .strict('abs', [float4], float4, F.floatAbs)
    .strict('abs', [float8], float8, F.floatAbs)
    .strict('abs', [numeric], numeric, N.numericAbs);
  c.strict(['ceil', 'ceiling'], [float8], float8, M.dceil).strict(
    ['ceil', 'ceiling'],
    [numeric],
    numeric,
    N.numericCeil,
  );
  c.strict('floor', [float8], float8, M.dfloor).strict('floor', [numeric], numeric, N.numericFloor);
  c.strict('round', [float8], float8, M.rint)
    .strict('round', [numeric], numeric, N.numericRound)
    .strict('round', [numeric, int4], numeric, N.numericRoundTo);
  c.strict('trunc', [float8], float8, M.dtrunc)
    .strict('trunc', [numeric], numeric, N.numericTrunc)
    .strict('trunc', [numeric, int4], numeric, N.numericTruncTo);
  c.strict('sign', [float8], float8, M.dsign).strict('sign', [numeric], numeric, N.numericSign);
  c.strict('sqrt', [float8], float8, M.dsqrt).strict('sqrt', [numeric], numeric, N.numericSqrt);
  c.strict('cbrt', [float8], float8, M.dcbrt);
  c.strict(['power', 'pow'], [float8, float8], float8, M.dpow);
  c.strict(['power', 'pow'], [numeric, numeric], numeric, N.numericPower);
  c.strict('exp', [float8], float8, M.dexp).strict('exp', [numeric], numeric, N.numericExp);
  c.strict('ln', [float8], float8, M.dln).strict('ln', [numeric], numeric, N.numericLn);
  c.strict(['log', 'log10'], [float8], float8, M.dlog10).strict(
    ['log', 'log10'],
    [numeric],
    numeric,
    N.numericLog10,
  );
  c.strict('log', [numeric, numeric], numeric, N.numericLog);
  c.strict('mod', [int2, int2], int2, I.int2mod)
    .strict('mod', [int4, int4], int4, I.int4mod)
    .strict('mod', [int8, int8], int8, I.int8mod)
    .strict('mod', [numeric, numeric], numeric, N.numericMod);
  c.strict('div', [numeric, numeric], numeric, N.numericDivTrunc);
  c.strict('pi', [], float8, M.dpi);
  c.strict('degrees', [float8], float8, M.ddegrees).strict('radians', [float8], float8, M.dradians);
  const trig = [
    ['sin', M.dsin],
    ['cos', M.dcos],
    ['tan', M.dtan],
    ['cot', M.dcot],
    ['asin', M.dasin],
    ['acos', M.dacos],
    ['atan', M.datan],
    ['sinh', M.dsinh],
    ['cosh', M.dcosh],
    ['tanh', M.dtanh],
    ['asinh', M.dasinh],
    ['acosh', M.dacosh],
    ['atanh', M.datanh],
  ] as const;
  for (const [name, f] of trig) c.strict(name, [float8], float8, f);
  c.strict('atan2', [float8, float8], float8, M.datan2);
  c.strict('gcd', [int4, int4], int4, I.int4gcd)
    .strict('gcd', [int8, int8], int8, I.int8gcd)
    .strict('gcd', [numeric, numeric], numeric, N.numericGcd);
  c.strict('lcm', [int4, int4], int4, I.int4lcm)
    .strict('lcm', [int8, int8], int8, I.int8lcm)
    .strict('lcm', [numeric, numeric], numeric, N.numericLcm);
  c.strict('width_bucket', [float8, float8, float8, int4], int4, M.widthBucketFloat8);
  c.strict('width_bucket', [numeric, numeric, numeric, int4], int4, N.widthBucketNumeric);
  c.strict('scale', [numeric], int4, N.numericScale)
    .strict('min_scale', [numeric], int4, N.numericMinScale)
    .strict('trim_scale', [numeric], numeric, N.numericTrimScale);
  c.strict('to_hex', [int4], T.text, I.int4ToHex).strict('to_hex', [int8], T.text, I.int8ToHex);
  c.fn('random', { args: [], returns: float8, strict: true, volatile: true, impl: () => M.random() });
  // A version 4 UUID from the platform's cryptographic generator, lower-case as uuid values are kept.
  c.fn('gen_random_uuid', {
    args: [],
    returns: T.uuid,
    strict: true,
    volatile: true,
    impl: () => randomUUID(),
  });
}

export function addMathCatalog(c: CatalogBuilder): void {
  integerOperators(c);
  floatOperators(c);
  numericOperators(c);
  mathFunctions(c);
}
