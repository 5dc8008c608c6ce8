/**
 * @module common/jsonb-number
 * jsonb numbers. PostgreSQL stores them as `numeric`, keeping the display scale (`1.50` prints `1.50`).
 * Canonical form: a JS number when `String(n)` is exactly PostgreSQL's numeric text, else a finite
 * `Numeric` (digits, scale); so one value with one scale has one form, and `-0` never appears.
 */
import { DataError, SqlState } from './errors.ts';
import type { JsonNumber, JsonValue } from './jsonb-value.ts';
import { Numeric } from './numeric.ts';

/** PostgreSQL's numeric limits: 131072 digits before the decimal point, 16383 after. */
const INTEGER_DIGITS_MAX = 131072;
const SCALE_MAX = 16383;

function overflow(): DataError {
  return new DataError(SqlState.numericValueOutOfRange, 'value overflows numeric format');
}

/**
 * The canonical number of a JSON number literal `text[start, end)`, which must match the JSON
 * grammar (`-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`). Throws 22003 past numeric's limits.
 */
export function numberFromToken(text: string, start: number, end: number): JsonNumber {
  const negative = text.charCodeAt(start) === 45;
  const first = negative ? start + 1 : start;
  if (end - first <= 15) {
    // Short integers, by far the most common case: no string building, no re-parse.
    let n = 0;
    let i = first;
    for (; i < end; i++) {
      const c = text.charCodeAt(i);
      if (c < 48 || c > 57) break;
      n = n * 10 + (c - 48);
    }
    if (i === end) return negative && n !== 0 ? -n : n;
  }
  const token = text.slice(start, end);
  if (!hasExponent(token)) {
    // Without an exponent, numeric_out prints the token itself (bar `-0.0`, which fails this test).
    const x = Number(token);
    if (String(x) === token) return x;
  }
  return numberFromDecimalText(numericText(text, first, end, negative));
}

function hasExponent(token: string): boolean {
  for (let i = 0; i < token.length; i++) if ((token.charCodeAt(i) | 0x20) === 101) return true;
  return false;
}

/** PostgreSQL's numeric_out text of a JSON number literal (sign already consumed). */
function numericText(text: string, first: number, end: number, negative: boolean): string {
  let i = first;
  while (i < end && isDigit(text.charCodeAt(i))) i++;
  const intEnd = i;
  let fracStart = i;
  let fracEnd = i;
  if (i < end && text.charCodeAt(i) === 46) {
    fracStart = ++i;
    while (i < end && isDigit(text.charCodeAt(i))) i++;
    fracEnd = i;
  }
  let exponent = 0;
  if (i < end) {
    i++; // 'e' or 'E'
    const sign = text.charCodeAt(i);
    const expNegative = sign === 45;
    if (sign === 43 || sign === 45) i++;
    for (; i < end; i++) {
      exponent = exponent * 10 + (text.charCodeAt(i) - 48);
      if (exponent > 1e9) throw overflow(); // numeric_in's bound is INT_MAX / 2
    }
    if (expNegative) exponent = -exponent;
  }
  let digits = text.slice(first, intEnd) + text.slice(fracStart, fracEnd);
  const shift = exponent - (fracEnd - fracStart);
  let lead = 0;
  while (lead < digits.length - 1 && digits.charCodeAt(lead) === 48) lead++;
  const zero = isAllZeros(digits);
  let out: string;
  if (shift >= 0) {
    if (zero) return '0';
    if (digits.length - lead + shift > INTEGER_DIGITS_MAX) throw overflow();
    out = digits.slice(lead) + '0'.repeat(shift);
  } else {
    const scale = -shift;
    if (scale > SCALE_MAX) throw overflow();
    if (digits.length - lead - scale > INTEGER_DIGITS_MAX) throw overflow();
    if (digits.length <= scale) digits = '0'.repeat(scale + 1 - digits.length) + digits;
    const point = digits.length - scale;
    lead = 0;
    while (lead < point - 1 && digits.charCodeAt(lead) === 48) lead++;
    out = `${digits.slice(lead, point)}.${digits.slice(point)}`;
  }
  return negative && !zero ? `-${out}` : out;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isAllZeros(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) !== 48) return false;
  return true;
}

/** Canonical form of a numeric text as numeric_out prints it (no exponent, no `-0`). */
function numberFromDecimalText(text: string): JsonNumber {
  const n = Number(text);
  if (String(n) === text) return n;
  const point = text.indexOf('.');
  if (point < 0) return new Numeric(BigInt(text), 0);
  return new Numeric(BigInt(text.slice(0, point) + text.slice(point + 1)), text.length - point - 1);
}

/** Canonical form of a finite numeric `digits / 10^scale` shown with `scale` decimals. */
export function numberFromNumeric(digits: bigint, scale: number): JsonNumber {
  return numberFromDecimalText(formatDecimal(digits, scale));
}

/**
 * A double as jsonb holds it: PostgreSQL prints the shortest round-trip digits and reads them back
 * as numeric; NaN and ±Infinity are not JSON numbers, so they become strings.
 */
export function numberFromDouble(x: number): JsonValue {
  if (x === 0) return 0;
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity';
  const text = String(x);
  if (text.indexOf('e') < 0) return x;
  return numberFromToken(text, 0, text.length);
}

/** A real (float4 value held in a double): the shortest digits that read back as the same float4. */
export function numberFromFloat4(x: number): JsonValue {
  if (x === 0 || !Number.isFinite(x)) return numberFromDouble(x);
  let text = x.toPrecision(1);
  for (let p = 2; p <= 9 && Math.fround(Number(text)) !== x; p++) text = x.toPrecision(p);
  return numberFromToken(text, 0, text.length);
}

/** A bigint (int8 outside the safe range, or any integer) as a canonical number. */
export function numberFromBigInt(b: bigint): JsonNumber {
  return numberFromDecimalText(b.toString());
}

/** numeric_out of a finite decimal: every scale digit printed, never an exponent. */
export function formatDecimal(digits: bigint, scale: number): string {
  if (scale === 0) return digits.toString();
  const negative = digits < 0n;
  const s = (negative ? -digits : digits).toString();
  const out =
    s.length > scale
      ? `${s.slice(0, s.length - scale)}.${s.slice(s.length - scale)}`
      : `0.${'0'.repeat(scale - s.length)}${s}`;
  return negative ? `-${out}` : out;
}

export function numberText(n: JsonNumber): string {
  return typeof n === 'number' ? String(n) : formatDecimal(n.digits, n.scale);
}

/** The exact decimal a JSON number denotes (for a JS number: the decimal its text shows). */
export function toNumeric(n: JsonNumber): Numeric {
  if (typeof n !== 'number') return n;
  const text = String(n);
  const point = text.indexOf('.');
  if (point < 0) return new Numeric(BigInt(text), 0);
  return new Numeric(BigInt(text.slice(0, point) + text.slice(point + 1)), text.length - point - 1);
}

/** Numeric order (scale ignored: `1.5` = `1.50`), as numeric_cmp. */
export function compareNumbers(a: JsonNumber, b: JsonNumber): number {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  const x = toNumeric(a);
  const y = toNumeric(b);
  let dx = x.digits;
  let dy = y.digits;
  if (x.scale < y.scale) dx *= 10n ** BigInt(y.scale - x.scale);
  else if (y.scale < x.scale) dy *= 10n ** BigInt(x.scale - y.scale);
  return dx < dy ? -1 : dx > dy ? 1 : 0;
}

const scratchF64 = new Float64Array(1);
const scratchI32 = new Int32Array(scratchF64.buffer);

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

function hashDouble(x: number): number {
  if ((x | 0) === x) return fmix32(x);
  scratchF64[0] = x;
  return fmix32(scratchI32[0]! ^ fmix32(scratchI32[1]! ^ 0x27d4eb2f));
}

/**
 * A hash equal for equal values whatever their scale or form: a `Numeric` is stripped of trailing
 * fraction zeros, and hashes as the JS number when that text is a canonical JS number (the only
 * way a Numeric can equal a JS number), else through its text.
 */
export function hashNumber(n: JsonNumber): number {
  if (typeof n === 'number') return hashDouble(n);
  let digits = n.digits;
  let scale = n.scale;
  while (scale > 0 && digits % 10n === 0n) {
    digits /= 10n;
    scale--;
  }
  const text = formatDecimal(digits, scale);
  const x = Number(text);
  if (String(x) === text) return hashDouble(x);
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return fmix32(h);
}
