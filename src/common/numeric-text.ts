/**
 * @module common/numeric-text
 * Text and double conversions of `numeric`, byte for byte as PostgreSQL 15's numeric_in, numeric_out,
 * float8_numeric and numeric_float8. Works on raw (digits, scale, special) so `numeric.ts` can wrap.
 */
import { DataError, SqlState } from './errors.ts';
import { digitCount, POW10_NUM, pow10, SAFE_MAX, SAFE_MIN } from './numeric-digits.ts';

/** Values of `Numeric.special`. */
export const FINITE = 0;
export const NAN = 1;
export const POS_INF = 2;
export const NEG_INF = 3;

/** Largest stored exponent: PostgreSQL's int16 base-10000 weight (32767) gives 131072 integer digits. */
export const MAX_INTEGER_DIGITS = 131072;
/** Largest display scale PostgreSQL stores (14 bits). */
export const MAX_DSCALE = 16383;

export interface RawNumeric {
  digits: bigint;
  scale: number;
  special: number;
}

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Case-insensitive match of the lower-case ASCII `word` at `pos`. */
function matchesAt(text: string, pos: number, word: string): boolean {
  if (pos + word.length > text.length) return false;
  for (let i = 0; i < word.length; i++) {
    const c = text.charCodeAt(pos + i);
    const w = word.charCodeAt(i);
    if (c !== w && !(w >= 97 && w <= 122 && (c | 0x20) === w)) return false;
  }
  return true;
}

/** The words numeric_in accepts for special values, in the order it tries them (longest first). */
const specialWords: readonly (readonly [string, number])[] = [
  ['nan', NAN],
  ['infinity', POS_INF],
  ['+infinity', POS_INF],
  ['-infinity', NEG_INF],
  ['inf', POS_INF],
  ['+inf', POS_INF],
  ['-inf', NEG_INF],
];

export function syntaxError(text: string): DataError {
  return new DataError(
    SqlState.invalidTextRepresentation,
    `invalid input syntax for type numeric: "${text}"`,
  );
}

export function overflowError(): DataError {
  return new DataError(SqlState.numericValueOutOfRange, 'value overflows numeric format');
}

function onlySpacesFrom(text: string, i: number): boolean {
  for (; i < text.length; i++) if (!isSpace(text.charCodeAt(i))) return false;
  return true;
}

/** The exponent after 'e', read as C's strtol reads it (leading blanks and a sign allowed). */
function readExponent(text: string, i: number, out: { end: number }): number {
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  let negative = false;
  const c = text.charCodeAt(i);
  if (c === 43 || c === 45) {
    negative = c === 45;
    i++;
  }
  const start = i;
  let value = 0;
  while (i < text.length && isDigit(text.charCodeAt(i))) {
    if (value < 1e12) value = value * 10 + (text.charCodeAt(i) - 48);
    i++;
  }
  if (i === start) throw syntaxError(text);
  out.end = i;
  return negative ? -value : value;
}

const exponentEnd = { end: 0 };

/** PostgreSQL's numeric_in (without a typmod). */
export function parseNumeric(text: string): RawNumeric {
  let i = 0;
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  const first = text.charCodeAt(i);
  for (let k = 0; k < specialWords.length && !isDigit(first) && first !== 46; k++) {
    const [word, special] = specialWords[k];
    if (matchesAt(text, i, word)) {
      if (!onlySpacesFrom(text, i + word.length)) throw syntaxError(text);
      return { digits: 0n, scale: 0, special };
    }
  }
  let negative = false;
  let c = text.charCodeAt(i);
  if (c === 43 || c === 45) {
    negative = c === 45;
    i++;
  }
  const bodyStart = i;
  let dot = -1;
  if (text.charCodeAt(i) === 46) dot = i++;
  if (!isDigit(text.charCodeAt(i))) throw syntaxError(text);
  for (; i < text.length; i++) {
    c = text.charCodeAt(i);
    if (isDigit(c)) continue;
    if (c !== 46) break;
    if (dot >= 0) throw syntaxError(text);
    dot = i;
  }
  const bodyEnd = i;
  let exponent = 0;
  if (c === 101 || c === 69) {
    exponent = readExponent(text, i + 1, exponentEnd);
    i = exponentEnd.end;
    if (exponent >= 1073741823 || exponent <= -1073741823) throw overflowError();
  }
  if (!onlySpacesFrom(text, i)) throw syntaxError(text);
  const fractionDigits = dot < 0 ? 0 : bodyEnd - dot - 1;
  const body =
    dot < 0 ? text.slice(bodyStart, bodyEnd) : text.slice(bodyStart, dot) + text.slice(dot + 1, bodyEnd);
  let digits = BigInt(body);
  let scale = fractionDigits - exponent;
  if (scale < 0) {
    if (digits !== 0n) {
      if (digitCount(digits) - scale > MAX_INTEGER_DIGITS) throw overflowError();
      digits *= pow10(-scale);
    }
    scale = 0;
  }
  checkRange(digits, scale);
  return { digits: negative ? -digits : digits, scale, special: FINITE };
}

/** Throws PostgreSQL's overflow error if the value cannot be stored (too many integer digits or too large a scale). */
export function checkRange(digits: bigint, scale: number): void {
  if (scale > MAX_DSCALE) throw overflowError();
  if (digits === 0n || (digits <= SAFE_MAX && digits >= SAFE_MIN)) return;
  const abs = digits < 0n ? -digits : digits;
  if (digitCount(abs) - scale > MAX_INTEGER_DIGITS) throw overflowError();
}

/** PostgreSQL's numeric_out for a finite value: every scale digit printed, never an exponent. */
export function formatNumeric(digits: bigint, scale: number): string {
  if (scale === 0) return digits.toString();
  const negative = digits < 0n;
  const s = (negative ? -digits : digits).toString();
  let out: string;
  if (s.length > scale) out = `${s.slice(0, s.length - scale)}.${s.slice(s.length - scale)}`;
  else out = `0.${'0'.repeat(scale - s.length)}${s}`;
  return negative ? `-${out}` : out;
}

const floatView = new Float64Array(1);
const floatBits = new BigUint64Array(floatView.buffer);

/**
 * A finite double as numeric, as PostgreSQL's float8_numeric does: printed with `%.{significant}g`
 * (round half to even on the exact binary value, trailing zeros dropped), then read back.
 */
export function floatToNumeric(x: number, significant: number): RawNumeric {
  if (Number.isInteger(x) && Math.abs(x) < POW10_NUM[significant]) {
    return { digits: BigInt(x), scale: 0, special: FINITE };
  }
  floatView[0] = Math.abs(x);
  const bits = floatBits[0];
  const biased = Number(bits >> 52n);
  const fraction = bits & 0xfffffffffffffn;
  const mantissa = biased === 0 ? fraction : fraction | 0x10000000000000n;
  const exp2 = (biased === 0 ? 1 : biased) - 1075;
  let digits = exp2 >= 0 ? mantissa << BigInt(exp2) : mantissa * 5n ** BigInt(-exp2);
  let scale = exp2 >= 0 ? 0 : -exp2;
  const n = digitCount(digits);
  if (n > significant) {
    const drop = n - significant;
    const unit = pow10(drop);
    let q = digits / unit;
    const twice = (digits - q * unit) * 2n;
    if (twice > unit || (twice === unit && (q & 1n) === 1n)) q++;
    digits = q;
    scale -= drop;
  }
  while (scale > 0 && digits % 10n === 0n) {
    digits /= 10n;
    scale--;
  }
  if (scale < 0) {
    digits *= pow10(-scale);
    scale = 0;
  }
  return { digits: x < 0 ? -digits : digits, scale, special: FINITE };
}

/** PostgreSQL's numeric_float8 for a finite value: correctly rounded; out of range is an error, as float8in says. */
export function numericToFloat(digits: bigint, scale: number): number {
  if (digits <= SAFE_MAX && digits >= SAFE_MIN && scale <= 22) {
    // Both operands are exact doubles, so the one IEEE division is correctly rounded.
    return scale === 0 ? Number(digits) : Number(digits) / POW10_NUM[scale];
  }
  const text = formatNumeric(digits, scale);
  const x = Number.parseFloat(text);
  if (!Number.isFinite(x) || (x === 0 && digits !== 0n)) {
    throw new DataError(
      SqlState.numericValueOutOfRange,
      `"${text}" is out of range for type double precision`,
    );
  }
  return x;
}
