/**
 * @module functions/math
 * The mathematical functions on double precision (and the integer ones PostgreSQL defines), with
 * PostgreSQL's domain errors and its overflow/underflow checks. Numeric overloads live in
 * numeric-math.ts. `random` takes its generator as a parameter so that runs can be seeded.
 */
import { DataError, SqlState } from '../common/errors.ts';
import { floatOverflow, floatUnderflow, outOfRange } from './errors.ts';

const isInf = (x: number): boolean => x === Infinity || x === -Infinity;

/** PostgreSQL's RADIANS_PER_DEGREE; degrees() divides by it, as PostgreSQL does, for identical results. */
const RADIANS_PER_DEGREE = 0.017453292519943295;

/** C's rint(): round half to even, keeping the sign of zero. */
export function rint(x: number): number {
  const r = Math.round(x);
  // Math.round rounds halves up; a tie that landed on an odd integer goes back down.
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export const dceil = Math.ceil;
export const dfloor = Math.floor;
export const dtrunc = Math.trunc;

export function dsign(x: number): number {
  return x > 0 ? 1 : x < 0 ? -1 : 0;
}

export function dsqrt(x: number): number {
  if (x < 0) {
    throw new DataError(
      SqlState.invalidArgumentForPowerFunction,
      'cannot take square root of a negative number',
    );
  }
  return Math.sqrt(x);
}

/** V8's cbrt is correctly rounded where glibc's is not always (PostgreSQL: cbrt(27) = 3.0000000000000004). */
export function dcbrt(x: number): number {
  return Math.cbrt(x);
}

export function dexp(x: number): number {
  const r = Math.exp(x);
  if (r === Infinity && !isInf(x)) throw floatOverflow();
  if (r === 0 && !isInf(x)) throw floatUnderflow();
  return r;
}

function checkLogArg(x: number): void {
  if (x === 0) throw new DataError(SqlState.invalidArgumentForLogarithm, 'cannot take logarithm of zero');
  if (x < 0)
    throw new DataError(SqlState.invalidArgumentForLogarithm, 'cannot take logarithm of a negative number');
}

export function dln(x: number): number {
  checkLogArg(x);
  return Math.log(x);
}

export function dlog10(x: number): number {
  checkLogArg(x);
  return Math.log10(x);
}

/** power(float8, float8): C99/POSIX pow semantics (which differ from Math.pow on NaN and ±1), plus PostgreSQL's errors. */
export function dpow(x: number, y: number): number {
  if (Number.isNaN(x)) return Number.isNaN(y) || y !== 0 ? Number.NaN : 1;
  if (Number.isNaN(y)) return x === 1 ? 1 : Number.NaN;
  if (x === 0 && y < 0) {
    throw new DataError(
      SqlState.invalidArgumentForPowerFunction,
      'zero raised to a negative power is undefined',
    );
  }
  if (x < 0 && Math.floor(y) !== y) {
    throw new DataError(
      SqlState.invalidArgumentForPowerFunction,
      'a negative number raised to a non-integer power yields a complex result',
    );
  }
  if (isInf(y)) {
    const ax = Math.abs(x);
    if (ax === 1) return 1;
    return y > 0 === ax > 1 ? Infinity : 0;
  }
  if (isInf(x)) return x ** y;
  const r = x ** y;
  if (isInf(r)) throw floatOverflow();
  if (r === 0 && x !== 0) throw floatUnderflow();
  return r;
}

function checkTrigArg(x: number): void {
  if (isInf(x)) throw new DataError(SqlState.numericValueOutOfRange, 'input is out of range');
}

export function dsin(x: number): number {
  checkTrigArg(x);
  return Math.sin(x);
}

export function dcos(x: number): number {
  checkTrigArg(x);
  return Math.cos(x);
}

export function dtan(x: number): number {
  checkTrigArg(x);
  return Math.tan(x);
}

function checkInverseTrigArg(x: number): void {
  if (x < -1 || x > 1) throw new DataError(SqlState.numericValueOutOfRange, 'input is out of range');
}

export function dasin(x: number): number {
  checkInverseTrigArg(x);
  return Math.asin(x);
}

export function dacos(x: number): number {
  checkInverseTrigArg(x);
  return Math.acos(x);
}

export function dcot(x: number): number {
  checkTrigArg(x);
  return 1 / Math.tan(x);
}

export const datan = Math.atan;
export const datan2 = Math.atan2;

/** The hyperbolic functions overflow to ±Infinity without error, as in PostgreSQL. */
export const dsinh = Math.sinh;
export const dcosh = Math.cosh;
export const dtanh = Math.tanh;
export const dasinh = Math.asinh;

export function dacosh(x: number): number {
  if (x < 1) throw new DataError(SqlState.numericValueOutOfRange, 'input is out of range');
  return Math.acosh(x);
}

export function datanh(x: number): number {
  checkInverseTrigArg(x);
  return Math.atanh(x);
}

export function ddegrees(x: number): number {
  const r = x / RADIANS_PER_DEGREE;
  if (isInf(r) && !isInf(x)) throw floatOverflow();
  return r;
}

export function dradians(x: number): number {
  const r = x * RADIANS_PER_DEGREE;
  if (r === 0 && x !== 0) throw floatUnderflow();
  return r;
}

export function dpi(): number {
  return Math.PI;
}

/** C's (int32) conversion on x86: NaN and out-of-range doubles become INT_MIN. */
function cInt32(x: number): number {
  return x >= -2147483648 && x < 2147483648 ? Math.trunc(x) : -2147483648;
}

function widthBucketError(message: string): DataError {
  return new DataError(SqlState.invalidArgumentForWidthBucketFunction, message);
}

/** width_bucket(float8, float8, float8, int4), computed exactly as PostgreSQL 15 does (even its overflow). */
export function widthBucketFloat8(operand: number, bound1: number, bound2: number, count: number): number {
  if (count <= 0) throw widthBucketError('count must be greater than zero');
  if (Number.isNaN(operand) || Number.isNaN(bound1) || Number.isNaN(bound2)) {
    throw widthBucketError('operand, lower bound, and upper bound cannot be NaN');
  }
  if (isInf(bound1) || isInf(bound2)) throw widthBucketError('lower and upper bounds must be finite');
  if (bound1 < bound2) {
    if (operand < bound1) return 0;
    if (operand >= bound2) return overflowingSucc(count);
    return cInt32((count * (operand - bound1)) / (bound2 - bound1) + 1);
  }
  if (bound1 > bound2) {
    if (operand > bound1) return 0;
    if (operand <= bound2) return overflowingSucc(count);
    return cInt32((count * (bound1 - operand)) / (bound1 - bound2) + 1);
  }
  throw widthBucketError('lower bound cannot equal upper bound');
}

function overflowingSucc(count: number): number {
  if (count === 2147483647) throw outOfRange('integer');
  return count + 1;
}

/** A seedable generator of doubles in [0, 1): what `random()` draws from. */
export type RandomSource = () => number;

/** random(): the caller owns the generator (Math.random by default, a seeded one in tests and replays). */
export function random(source: RandomSource = Math.random): number {
  return source();
}

/**
 * A seeded generator (splitmix32 feeding 53-bit doubles), for deterministic runs. Not
 * PostgreSQL's sequence: setseed(x) there gives values no other engine reproduces anyway.
 */
export function seededRandom(seed: number): RandomSource {
  let state = Math.trunc(seed * 2147483647) | 0;
  const next32 = (): number => {
    state = (state + 0x9e3779b9) | 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  return () => (next32() * 2 ** 21 + (next32() >>> 11)) / 2 ** 53;
}
