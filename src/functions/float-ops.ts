/**
 * @module functions/float-ops
 * real and double precision arithmetic as PostgreSQL does it: IEEE results, but an error when
 * finite operands overflow to ±Infinity or a non-zero product or quotient underflows to zero.
 * real results are rounded to float32 with Math.fround (exact: double rounding is innocuous here).
 */
import { divisionByZero, floatOverflow, floatUnderflow } from './errors.ts';

const isInf = (x: number): boolean => x === Infinity || x === -Infinity;

export function float8pl(a: number, b: number): number {
  const r = a + b;
  if (isInf(r) && !isInf(a) && !isInf(b)) throw floatOverflow();
  return r;
}

export function float8mi(a: number, b: number): number {
  const r = a - b;
  if (isInf(r) && !isInf(a) && !isInf(b)) throw floatOverflow();
  return r;
}

export function float8mul(a: number, b: number): number {
  const r = a * b;
  if (isInf(r) && !isInf(a) && !isInf(b)) throw floatOverflow();
  if (r === 0 && a !== 0 && b !== 0) throw floatUnderflow();
  return r;
}

export function float8div(a: number, b: number): number {
  if (b === 0 && !Number.isNaN(a)) throw divisionByZero();
  const r = a / b;
  if (isInf(r) && !isInf(a)) throw floatOverflow();
  if (r === 0 && a !== 0 && !isInf(b)) throw floatUnderflow();
  return r;
}

export function float4pl(a: number, b: number): number {
  const r = Math.fround(a + b);
  if (isInf(r) && !isInf(a) && !isInf(b)) throw floatOverflow();
  return r;
}

export function float4mi(a: number, b: number): number {
  const r = Math.fround(a - b);
  if (isInf(r) && !isInf(a) && !isInf(b)) throw floatOverflow();
  return r;
}

export function float4mul(a: number, b: number): number {
  const r = Math.fround(a * b);
  if (isInf(r) && !isInf(a) && !isInf(b)) throw floatOverflow();
  if (r === 0 && a !== 0 && b !== 0) throw floatUnderflow();
  return r;
}

export function float4div(a: number, b: number): number {
  if (b === 0 && !Number.isNaN(a)) throw divisionByZero();
  const r = Math.fround(a / b);
  if (isInf(r) && !isInf(a)) throw floatOverflow();
  if (r === 0 && a !== 0 && !isInf(b)) throw floatUnderflow();
  return r;
}

export function floatUm(a: number): number {
  return -a;
}

export function floatAbs(a: number): number {
  return Math.abs(a);
}

/** float8 → float4 (assignment cast): overflow and underflow are errors, as in PostgreSQL. */
export function float8ToFloat4(a: number): number {
  const r = Math.fround(a);
  if (isInf(r) && !isInf(a)) throw floatOverflow();
  if (r === 0 && a !== 0) throw floatUnderflow();
  return r;
}
