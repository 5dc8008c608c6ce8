/**
 * @module common/float-text
 * Text input and output of real and double precision exactly as PostgreSQL 12+ prints them:
 * the shortest digits that read back to the same value, in fixed notation for decimal exponents
 * -4 ≤ e < 15 (e < 6 for real) and `1.5e-07`-style scientific notation outside.
 */
import { DataError, SqlState } from './errors.ts';

/** C's isspace() in the C locale: what PostgreSQL's input functions skip around a value. */
export function isCSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/** Strips C whitespace (not Unicode spaces, unlike String#trim) from both ends. */
export function trimCSpace(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && isCSpace(s.charCodeAt(start))) start++;
  while (end > start && isCSpace(s.charCodeAt(end - 1))) end--;
  return start === 0 && end === s.length ? s : s.slice(start, end);
}

export function float8Out(x: number): string {
  const a = Math.abs(x);
  // JS prints the same shortest digits, and in fixed notation over this whole range.
  if (a >= 1e-4 && a < 1e15) return String(x);
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  if (Number.isNaN(a)) return 'NaN';
  if (a === Infinity) return x > 0 ? 'Infinity' : '-Infinity';
  let exp = x.toExponential();
  if (a >= 2 ** 53 && onBoundary(x, exp, 53)) exp = shortestInside(x, exp, 53);
  return scientific(exp);
}

export function float4Out(x: number): string {
  const a = Math.abs(x);
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  if (Number.isNaN(a)) return 'NaN';
  if (a === Infinity) return x > 0 ? 'Infinity' : '-Infinity';
  // Shortest significant digits that read back, as float32, to the same value.
  let p = 1;
  let exp = x.toExponential(0);
  while (p < 9 && (Math.fround(Number(exp)) !== x || (a >= 2 ** 24 && onBoundary(x, exp, 24)))) {
    exp = x.toExponential(p);
    p++;
  }
  const e = Number(exp.slice(exp.indexOf('e') + 1));
  if (e >= -4 && e < 6) return String(Number(exp));
  return scientific(exp);
}

/**
 * Whether the decimal `exp` (toExponential form) lies exactly half an ulp from the integer `x`.
 * PostgreSQL's Ryu never prints such a tie (strtod would have to round it to even); JS does.
 * Ties need a short decimal on a half-ulp boundary, so only integers beyond 2^precision qualify.
 */
function onBoundary(x: number, exp: string, precision: number): boolean {
  const at = exp.indexOf('e');
  const mantissa = exp.slice(0, at).replace('.', '').replace('-', '');
  const shift = Number(exp.slice(at + 1)) - (mantissa.length - 1);
  if (shift < 0) return false;
  const a = Math.abs(x);
  const diff = BigInt(mantissa) * 10n ** BigInt(shift) - BigInt(a);
  let e2 = Math.floor(Math.log2(a));
  if (2 ** e2 > a) e2--;
  else if (2 ** (e2 + 1) <= a) e2++;
  const ulp = 1n << BigInt(e2 - (precision - 1));
  if (2n * diff === ulp) return true;
  // Below a power of two the gap to the next smaller value is half as wide.
  return (a === 2 ** e2 ? 4n : 2n) * -diff === ulp;
}

/** The shortest digits for `x` strictly inside its rounding interval (17 always suffice for doubles). */
function shortestInside(x: number, exp: string, precision: number): string {
  for (let p = exp.indexOf('e'); p < 17; p++) {
    const candidate = x.toExponential(p);
    if (Number(candidate) === x && !onBoundary(x, candidate, precision)) return candidate;
  }
  return x.toExponential(16);
}

/** `1.5e-7` (JS) → `1.5e-07` (C printf style: signed exponent of at least two digits). */
function scientific(js: string): string {
  const at = js.indexOf('e');
  const sign = js.charCodeAt(at + 1) === 45 ? '-' : '+';
  const digits = js.slice(at + 2);
  return `${js.slice(0, at)}e${sign}${digits.length === 1 ? '0' : ''}${digits}`;
}

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const HEX_INTEGER = /^([+-]?)0[xX]([0-9a-fA-F]+)$/;
const NONZERO_MANTISSA = /^[^eE]*[1-9]/;

/** float8in: decimal (or strtod's hex integer) text, or NaN/Infinity/inf in any case. */
export function float8In(text: string): number {
  return parseFloatText(text, 'double precision', false);
}

export function float4In(text: string): number {
  return parseFloatText(text, 'real', true);
}

function parseFloatText(text: string, typeName: string, single: boolean): number {
  const s = trimCSpace(text);
  let v: number;
  if (DECIMAL.test(s)) {
    v = Number(s);
  } else {
    const special = specialFloat(s);
    if (special !== undefined) return special;
    const hex = HEX_INTEGER.exec(s);
    if (hex === null) {
      throw new DataError(
        SqlState.invalidTextRepresentation,
        `invalid input syntax for type ${typeName}: "${text}"`,
      );
    }
    v = Number.parseInt(hex[2]!, 16) * (hex[1] === '-' ? -1 : 1);
  }
  if (single) v = Math.fround(v);
  if (v === Infinity || v === -Infinity || (v === 0 && NONZERO_MANTISSA.test(s))) {
    throw new DataError(SqlState.numericValueOutOfRange, `"${text}" is out of range for type ${typeName}`);
  }
  return v;
}

function specialFloat(s: string): number | undefined {
  switch (s.toLowerCase()) {
    case 'nan':
      return Number.NaN;
    case 'infinity':
    case '+infinity':
    case 'inf':
    case '+inf':
      return Infinity;
    case '-infinity':
    case '-inf':
      return -Infinity;
    default:
      return undefined;
  }
}
