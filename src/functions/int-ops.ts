/**
 * @module functions/int-ops
 * smallint, integer and bigint arithmetic with PostgreSQL's overflow and division errors.
 * Every bigint result is canonical (value.ts): a `number` when a safe integer, else a `bigint`.
 */
import { divisionByZero, outOfRange } from './errors.ts';

/** A bigint value in canonical form. */
export type Int8 = number | bigint;

const INT2_MIN = -32768;
const INT2_MAX = 32767;
const INT4_MIN = -2147483648;
const INT4_MAX = 2147483647;
const SAFE_MAX = Number.MAX_SAFE_INTEGER;
const SAFE_MAX_BIG = 9007199254740991n;
/** bigint's range, as JavaScript bigints. */
export const INT8_MIN = -9223372036854775808n;
export const INT8_MAX = 9223372036854775807n;

/** Range-checks a bigint result and returns it in canonical form. */
export function int8Canonical(v: bigint): Int8 {
  if (v > INT8_MAX || v < INT8_MIN) throw outOfRange('bigint');
  return v <= SAFE_MAX_BIG && v >= -SAFE_MAX_BIG ? Number(v) : v;
}

/** Canonical form of a value known to be in int64 range. */
function canon(v: bigint): Int8 {
  return v <= SAFE_MAX_BIG && v >= -SAFE_MAX_BIG ? Number(v) : v;
}

function int2(r: number): number {
  if (r > INT2_MAX || r < INT2_MIN) throw outOfRange('smallint');
  return r;
}

function int4(r: number): number {
  if (r > INT4_MAX || r < INT4_MIN) throw outOfRange('integer');
  return r;
}

// ---- smallint ---------------------------------------------------------------------------------

export function int2pl(a: number, b: number): number {
  return int2(a + b);
}
export function int2mi(a: number, b: number): number {
  return int2(a - b);
}
export function int2mul(a: number, b: number): number {
  return int2(a * b) + 0;
}
export function int2div(a: number, b: number): number {
  if (b === 0) throw divisionByZero();
  return int2((a - (a % b)) / b) + 0;
}
export function int2mod(a: number, b: number): number {
  if (b === 0) throw divisionByZero();
  return (a % b) + 0;
}
export function int2um(a: number): number {
  if (a === INT2_MIN) throw outOfRange('smallint');
  return -a + 0;
}
export function int2abs(a: number): number {
  if (a === INT2_MIN) throw outOfRange('smallint');
  return a < 0 ? -a : a;
}
/** `<<` computes in int and truncates to int16, as PostgreSQL's C does; the count is taken mod 32. */
export function int2shl(a: number, b: number): number {
  return ((a << b) << 16) >> 16;
}

// ---- integer (also the int2/int4 mixed operators: an int2 value is a valid int4 value) -------

export function int4pl(a: number, b: number): number {
  return int4(a + b);
}
export function int4mi(a: number, b: number): number {
  return int4(a - b);
}
/** The float product of two int32s can be inexact, but only when it is far out of range anyway. */
export function int4mul(a: number, b: number): number {
  return int4(a * b) + 0;
}
export function int4div(a: number, b: number): number {
  if (b === 0) throw divisionByZero();
  return int4((a - (a % b)) / b) + 0;
}
/** `INT_MIN % -1` is 0, not an error (PostgreSQL special-cases it). */
export function int4mod(a: number, b: number): number {
  if (b === 0) throw divisionByZero();
  return (a % b) + 0;
}
export function int4um(a: number): number {
  if (a === INT4_MIN) throw outOfRange('integer');
  return -a + 0;
}
export function int4abs(a: number): number {
  if (a === INT4_MIN) throw outOfRange('integer');
  return a < 0 ? -a : a;
}

// Bitwise operators for int2 and int4: results of & | # ~ >> stay in the operand's range.
export function intAnd(a: number, b: number): number {
  return a & b;
}
export function intOr(a: number, b: number): number {
  return a | b;
}
export function intXor(a: number, b: number): number {
  return a ^ b;
}
export function intNot(a: number): number {
  return ~a;
}
/** The shift count is taken mod 32, as x86 does for PostgreSQL's C shift. */
export function int4shl(a: number, b: number): number {
  return a << b;
}
export function intShr(a: number, b: number): number {
  return a >> b;
}

/** Identity, for unary `+`. */
export function identity<V>(a: V): V {
  return a;
}

// ---- bigint (also the int2/int4 × int8 mixed operators) ---------------------------------------

export function int8pl(a: Int8, b: Int8): Int8 {
  if (typeof a === 'number' && typeof b === 'number') {
    const r = a + b;
    // A sum of two safe integers is exact whenever the true sum is safe.
    if (r <= SAFE_MAX && r >= -SAFE_MAX) return r;
  }
  return int8Canonical(BigInt(a) + BigInt(b));
}

export function int8mi(a: Int8, b: Int8): Int8 {
  if (typeof a === 'number' && typeof b === 'number') {
    const r = a - b;
    if (r <= SAFE_MAX && r >= -SAFE_MAX) return r;
  }
  return int8Canonical(BigInt(a) - BigInt(b));
}

export function int8mul(a: Int8, b: Int8): Int8 {
  if (typeof a === 'number' && typeof b === 'number') {
    const r = a * b;
    // Rounding is monotonic: a rounded product in the safe range means an exact one.
    if (r <= SAFE_MAX && r >= -SAFE_MAX) return r + 0;
  }
  return int8Canonical(BigInt(a) * BigInt(b));
}

export function int8div(a: Int8, b: Int8): Int8 {
  if (typeof a === 'number' && typeof b === 'number') {
    if (b === 0) throw divisionByZero();
    // `a - a % b` is an exact multiple of b, so the quotient is exact (Math.trunc(a / b) is not).
    return (a - (a % b)) / b + 0;
  }
  const bb = BigInt(b);
  if (bb === 0n) throw divisionByZero();
  return int8Canonical(BigInt(a) / bb);
}

export function int8mod(a: Int8, b: Int8): Int8 {
  if (typeof a === 'number' && typeof b === 'number') {
    if (b === 0) throw divisionByZero();
    return (a % b) + 0;
  }
  const bb = BigInt(b);
  if (bb === 0n) throw divisionByZero();
  return canon(BigInt(a) % bb);
}

export function int8um(a: Int8): Int8 {
  return typeof a === 'number' ? -a + 0 : int8Canonical(-a);
}

export function int8abs(a: Int8): Int8 {
  if (typeof a === 'number') return a < 0 ? -a : a;
  return int8Canonical(a < 0n ? -a : a);
}

function isInt32(a: Int8): a is number {
  return typeof a === 'number' && (a | 0) === a;
}

export function int8and(a: Int8, b: Int8): Int8 {
  if (isInt32(a) && isInt32(b)) return a & b;
  return canon(BigInt(a) & BigInt(b));
}

export function int8or(a: Int8, b: Int8): Int8 {
  if (isInt32(a) && isInt32(b)) return a | b;
  return canon(BigInt(a) | BigInt(b));
}

export function int8xor(a: Int8, b: Int8): Int8 {
  if (isInt32(a) && isInt32(b)) return a ^ b;
  return canon(BigInt(a) ^ BigInt(b));
}

export function int8not(a: Int8): Int8 {
  if (typeof a === 'number') {
    const r = -a - 1;
    return r >= -SAFE_MAX ? r : BigInt(r);
  }
  return canon(~a);
}

/** The shift count is taken mod 64, as x86 does for PostgreSQL's C shift; bits shifted out are lost. */
export function int8shl(a: Int8, b: number): Int8 {
  const s = b & 63;
  if (typeof a === 'number') {
    const r = a * 2 ** s;
    if (r <= SAFE_MAX && r >= -SAFE_MAX) return r;
  }
  return canon(BigInt.asIntN(64, BigInt(a) << BigInt(s)));
}

export function int8shr(a: Int8, b: number): Int8 {
  const s = b & 63;
  if (typeof a === 'number') return Math.floor(a / 2 ** s);
  return canon(a >> BigInt(s));
}

// ---- gcd, lcm, to_hex -------------------------------------------------------------------------

function gcdNumber(a: number, b: number): number {
  a = a < 0 ? -a : a;
  b = b < 0 ? -b : b;
  while (b !== 0) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}

function gcdBig(a: bigint, b: bigint): bigint {
  a = a < 0n ? -a : a;
  b = b < 0n ? -b : b;
  while (b !== 0n) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}

export function int4gcd(a: number, b: number): number {
  return int4(gcdNumber(a, b));
}

export function int8gcd(a: Int8, b: Int8): Int8 {
  if (typeof a === 'number' && typeof b === 'number') return gcdNumber(a, b);
  return int8Canonical(gcdBig(BigInt(a), BigInt(b)));
}

export function int4lcm(a: number, b: number): number {
  if (a === 0 || b === 0) return 0;
  const g = int4(gcdNumber(a, b));
  const r = int4((a / g) * b);
  return int4(r < 0 ? -r : r);
}

export function int8lcm(a: Int8, b: Int8): Int8 {
  if (a === 0 || b === 0) return 0;
  const g = int8Canonical(gcdBig(BigInt(a), BigInt(b)));
  const r = int8Canonical((BigInt(a) / BigInt(g)) * BigInt(b));
  return int8abs(r);
}

/** Negative values print as their two's complement, 32 or 64 bits wide. */
export function int4ToHex(a: number): string {
  return (a >>> 0).toString(16);
}

export function int8ToHex(a: Int8): string {
  if (typeof a === 'number' && a >= 0) return a.toString(16);
  return BigInt.asUintN(64, BigInt(a)).toString(16);
}
