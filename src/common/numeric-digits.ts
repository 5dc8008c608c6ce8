/**
 * @module common/numeric-digits
 * BigInt helpers under `numeric`: cached powers of ten, digit counts, division rounded half away from
 * zero (PostgreSQL's rounding), and the base-10000 view of a value that PostgreSQL's scale rules read.
 */

/** Exact doubles 10^0 … 10^22 (every one is representable). */
export const POW10_NUM: readonly number[] = Array.from({ length: 23 }, (_, i) => 10 ** i);

export const SAFE_MAX = 9007199254740991n;
export const SAFE_MIN = -9007199254740991n;

/** Powers of ten up to this exponent are cached; larger ones (rare: huge scales) are computed. */
const pow10CacheMax = 4096;
const pow10Cache: bigint[] = [1n];

export function pow10(n: number): bigint {
  if (n < pow10Cache.length) return pow10Cache[n];
  if (n > pow10CacheMax) return 10n ** BigInt(n);
  let p = pow10Cache[pow10Cache.length - 1];
  for (let i = pow10Cache.length; i <= n; i++) {
    p *= 10n;
    pow10Cache.push(p);
  }
  return p;
}

/** Number of decimal digits of `abs` (≥ 0); 1 for zero. */
export function digitCount(abs: bigint): number {
  if (abs <= SAFE_MAX) {
    const x = Number(abs);
    let n = 1;
    while (n < 16 && x >= POW10_NUM[n]) n++;
    return n;
  }
  return abs.toString().length;
}

/** The power of ten of the leading digit of `abs / 10^scale` (abs > 0): 123.4 → 2, 0.05 → -2. */
export function decimalExponent(abs: bigint, scale: number): number {
  return digitCount(abs) - 1 - scale;
}

/** `n / d` rounded half away from zero; `d > 0`. */
export function roundDiv(n: bigint, d: bigint): bigint {
  const q = n / d;
  const r = n - q * d;
  if (r === 0n) return q;
  if (r > 0n) return r + r >= d ? q + 1n : q;
  return -(r + r) >= d ? q - 1n : q;
}

/** Digits of `digits / 10^from` expressed at scale `to`: exact when widening, rounded half away when narrowing. */
export function rescaleRound(digits: bigint, from: number, to: number): bigint {
  if (to >= from) return to === from ? digits : digits * pow10(to - from);
  return roundDiv(digits, pow10(from - to));
}

/** Like `rescaleRound`, truncating toward zero when narrowing. */
export function rescaleTrunc(digits: bigint, from: number, to: number): bigint {
  if (to >= from) return to === from ? digits : digits * pow10(to - from);
  return digits / pow10(from - to);
}

/** Floor of the square root of `n ≥ 0`. */
export function isqrt(n: bigint): bigint {
  if (n < 4503599627370496n) {
    let r = BigInt(Math.floor(Math.sqrt(Number(n))));
    while (r * r > n) r--;
    while ((r + 1n) * (r + 1n) <= n) r++;
    return r;
  }
  const bits = n.toString(16).length * 4;
  let x = 1n << BigInt((bits >> 1) + 1);
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) break;
    x = y;
  }
  while (x * x > n) x--;
  return x;
}

/**
 * The leading base-10000 digit (1…9999) of `abs / 10^scale` (abs > 0), as PostgreSQL stores it: the
 * digit groups are aligned on the decimal point, so 0.5 leads with 5000 and 12345 with 1.
 */
export function nbaseFirstDigit(abs: bigint, scale: number): number {
  const e10 = decimalExponent(abs, scale);
  const lead = e10 - 4 * Math.floor(e10 / 4) + 1;
  const n = digitCount(abs);
  if (n >= lead) return Number(abs / pow10(n - lead));
  return Number(abs) * POW10_NUM[lead - n];
}

/** PostgreSQL's base-10000 weight of a value whose leading decimal digit has exponent `e10`. */
export function nbaseWeight(e10: number): number {
  return Math.floor(e10 / 4);
}

/** A double close to `digits / 10^scale` (for estimates only, never for results). */
export function approxNumber(digits: bigint, scale: number): number {
  if (digits >= SAFE_MIN && digits <= SAFE_MAX && scale <= 22) return Number(digits) / POW10_NUM[scale];
  if (digits === 0n) return 0;
  const abs = digits < 0n ? -digits : digits;
  const n = digitCount(abs);
  const lead = n > 17 ? Number(abs / pow10(n - 17)) : Number(abs);
  const exp = (n > 17 ? n - 17 : 0) - scale;
  const v = exp >= 0 ? lead * 10 ** exp : lead / 10 ** -exp;
  return digits < 0n ? -v : v;
}

/** log10 of `abs / 10^scale` (abs > 0) as a double, without overflowing for huge values. */
export function approxLog10(abs: bigint, scale: number): number {
  const n = digitCount(abs);
  if (n <= 15) return Math.log10(Number(abs)) - scale;
  return Math.log10(Number(abs / pow10(n - 15))) + (n - 15) - scale;
}
