/**
 * @module functions/numeric-fns
 * The numeric overloads of the math functions and operators, over common/numeric.ts's Numeric
 * (which owns the arithmetic, scales and special values); what Numeric lacks is computed here
 * exactly: gcd, lcm, width_bucket, scale, min_scale.
 */
import { DataError, SqlState } from '../common/errors.ts';
import { FINITE, NAN, Numeric } from '../common/numeric.ts';
import { outOfRange } from './errors.ts';

export const numericAdd = (a: Numeric, b: Numeric): Numeric => a.add(b);
export const numericSub = (a: Numeric, b: Numeric): Numeric => a.sub(b);
export const numericMul = (a: Numeric, b: Numeric): Numeric => a.mul(b);
export const numericDiv = (a: Numeric, b: Numeric): Numeric => a.div(b);
export const numericMod = (a: Numeric, b: Numeric): Numeric => a.mod(b);
export const numericDivTrunc = (a: Numeric, b: Numeric): Numeric => a.divTrunc(b);
export const numericPower = (a: Numeric, b: Numeric): Numeric => a.power(b);
export const numericNeg = (a: Numeric): Numeric => a.neg();
export const numericAbs = (a: Numeric): Numeric => a.abs();
export const numericSign = (a: Numeric): Numeric => a.sign();
export const numericCeil = (a: Numeric): Numeric => a.ceil();
export const numericFloor = (a: Numeric): Numeric => a.floor();
export const numericRound = (a: Numeric): Numeric => a.round(0);
export const numericRoundTo = (a: Numeric, scale: number): Numeric => a.round(scale);
export const numericTrunc = (a: Numeric): Numeric => a.trunc(0);
export const numericTruncTo = (a: Numeric, scale: number): Numeric => a.trunc(scale);
export const numericSqrt = (a: Numeric): Numeric => a.sqrt();
export const numericExp = (a: Numeric): Numeric => a.exp();
export const numericLn = (a: Numeric): Numeric => a.ln();
export const numericLog10 = (a: Numeric): Numeric => a.log10();
/** log(b, x): the logarithm of x in base b. */
export const numericLog = (b: Numeric, x: Numeric): Numeric => b.log(x);
export const numericTrimScale = (a: Numeric): Numeric => a.trimScale();

/** Both operands' digits at their common (larger) scale. */
function aligned(a: Numeric, b: Numeric): [bigint, bigint, number] {
  const scale = Math.max(a.scale, b.scale);
  const x = a.scale === scale ? a.digits : a.digits * 10n ** BigInt(scale - a.scale);
  const y = b.scale === scale ? b.digits : b.digits * 10n ** BigInt(scale - b.scale);
  return [x, y, scale];
}

function gcdBig(a: bigint, b: bigint): bigint {
  a = a < 0n ? -a : a;
  b = b < 0n ? -b : b;
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/** gcd(numeric, numeric): at the larger scale; NaN when either side is NaN or infinite. */
export function numericGcd(a: Numeric, b: Numeric): Numeric {
  if (a.special !== FINITE || b.special !== FINITE) return Numeric.NaN;
  const [x, y, scale] = aligned(a, b);
  return new Numeric(gcdBig(x, y), scale);
}

export function numericLcm(a: Numeric, b: Numeric): Numeric {
  if (a.special !== FINITE || b.special !== FINITE) return Numeric.NaN;
  const [x, y, scale] = aligned(a, b);
  if (x === 0n || y === 0n) return new Numeric(0n, scale);
  const l = (x / gcdBig(x, y)) * y;
  return new Numeric(l < 0n ? -l : l, scale);
}

/** scale(numeric): the display scale; NULL for NaN and infinities. */
export function numericScale(a: Numeric): number | null {
  return a.special === FINITE ? a.scale : null;
}

/** min_scale(numeric): the smallest scale that represents the value exactly. */
export function numericMinScale(a: Numeric): number | null {
  return a.special === FINITE ? a.trimScale().scale : null;
}

function widthBucketError(message: string): DataError {
  return new DataError(SqlState.invalidArgumentForWidthBucketFunction, message);
}

/** width_bucket(numeric, numeric, numeric, int4), computed exactly. */
export function widthBucketNumeric(
  operand: Numeric,
  bound1: Numeric,
  bound2: Numeric,
  count: number,
): number {
  if (count <= 0) throw widthBucketError('count must be greater than zero');
  if (operand.special === NAN || bound1.special === NAN || bound2.special === NAN) {
    throw widthBucketError('operand, lower bound, and upper bound cannot be NaN');
  }
  if (bound1.special !== FINITE || bound2.special !== FINITE) {
    throw widthBucketError('lower and upper bounds must be finite');
  }
  const cmp = bound1.compare(bound2);
  if (cmp === 0) throw widthBucketError('lower bound cannot equal upper bound');
  const ascending = cmp < 0;
  const below = ascending ? operand.compare(bound1) < 0 : operand.compare(bound1) > 0;
  if (below) return 0;
  const beyond = ascending ? operand.compare(bound2) >= 0 : operand.compare(bound2) <= 0;
  if (beyond) {
    if (count === 2147483647) throw outOfRange('integer');
    return count + 1;
  }
  const scale = Math.max(operand.scale, bound1.scale, bound2.scale);
  const lift = (n: Numeric): bigint => n.digits * 10n ** BigInt(scale - n.scale);
  const num = BigInt(count) * (ascending ? lift(operand) - lift(bound1) : lift(bound1) - lift(operand));
  const den = ascending ? lift(bound2) - lift(bound1) : lift(bound1) - lift(bound2);
  return Number(num / den) + 1;
}
