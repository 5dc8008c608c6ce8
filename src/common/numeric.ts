/**
 * @module common/numeric
 * PostgreSQL 15 `numeric`: exact decimals on BigInt (value = digits / 10^scale, scale = display scale);
 * NaN and ±Infinity are flagged by the `special` field. Immutable; every operation returns PostgreSQL's
 * value and result scale. Details (specials, hashing, precision of functions) on the class below.
 */
import { assert, DataError, FeatureNotSupportedError, SqlState } from './errors.ts';
import {
  decimalExponent,
  nbaseFirstDigit,
  nbaseWeight,
  POW10_NUM,
  pow10,
  roundDiv,
  SAFE_MAX,
  SAFE_MIN,
} from './numeric-digits.ts';
import { hashBigInt, hashNumber, hashWithScale } from './numeric-hash.ts';
import { expNumeric, lnNumeric, logNumeric, powerNumeric, sqrtNumeric } from './numeric-math.ts';
import {
  checkRange,
  FINITE,
  floatToNumeric,
  formatNumeric,
  MAX_DSCALE,
  NAN,
  NEG_INF,
  numericToFloat,
  POS_INF,
  parseNumeric,
  type RawNumeric,
} from './numeric-text.ts';

export { hashBigInt, hashNumber } from './numeric-hash.ts';
export { FINITE, NAN, NEG_INF, POS_INF } from './numeric-text.ts';

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;
/** PostgreSQL's NUMERIC_MAX_RESULT_SCALE: round/trunc clamp their scale argument to ±2000. */
const maxRoundScale = 2000;
const minSigDigits = 16;
const maxDisplayScale = 1000;
/** Sort rank by `special`: -Infinity < finite < +Infinity < NaN, PostgreSQL's total order. */
const rankBySpecial = [1, 3, 2, 0];
const hashBySpecial = [0, 0x7ff80001, 0x7ff00000, -0x100000];

function divisionByZero(): DataError {
  return new DataError(SqlState.divisionByZero, 'division by zero');
}

/**
 * A `numeric` value.
 *
 * - Finite values: `special === FINITE` (0), value `digits / 10^scale`, `scale ≥ 0` being PostgreSQL's
 *   display scale (so 1.50 is `(150n, 2)` and prints `1.50`). There is no negative zero.
 * - Special values: `special` is `NAN`, `POS_INF` or `NEG_INF` with `digits = 0n, scale = 0`; use the
 *   singletons `Numeric.NaN`, `Numeric.POSITIVE_INFINITY`, `Numeric.NEGATIVE_INFINITY`, but test the
 *   field (`isNaN()`, `isFinite()`), not identity. NaN equals NaN and sorts above everything.
 * - `hashCode()` is a 32-bit int equal for equal values whatever the scale, and an integral value hashes
 *   as `hashNumber(n)` / `hashBigInt(n)` of its integer, so int and numeric keys may share a table.
 * - sqrt, exp, ln, log and power return PostgreSQL's result scale and the value correctly rounded
 *   (PostgreSQL itself is accurate to within its guard digits, so a last-digit difference is possible
 *   only for results within ~1e-10 ulp of a rounding tie). The scale of power with a non-integral
 *   exponent comes from a double estimate of y·ln(x), as PostgreSQL's comes from an 8-digit one; they
 *   can differ only when that product is within ~1e-8 of an integer multiple of ln(10).
 */
export class Numeric {
  /** Unscaled digits: the value is `digits / 10^scale`. */
  readonly digits: bigint;
  /** Digits after the decimal point, ≥ 0 (PostgreSQL's display scale). */
  readonly scale: number;
  /** FINITE (0), NAN, POS_INF or NEG_INF. */
  readonly special: number;

  constructor(digits: bigint, scale: number, special: number = FINITE) {
    this.digits = digits;
    this.scale = scale;
    this.special = special;
  }

  static readonly NaN = new Numeric(0n, 0, NAN);
  static readonly POSITIVE_INFINITY = new Numeric(0n, 0, POS_INF);
  static readonly NEGATIVE_INFINITY = new Numeric(0n, 0, NEG_INF);
  static readonly ZERO = new Numeric(0n, 0);
  static readonly ONE = new Numeric(1n, 0);

  /** PostgreSQL's numeric_in: blanks around, sign, `.5`, `5.`, `1.5e3`, NaN, [+-]Infinity, [+-]inf. */
  static parse(text: string): Numeric {
    return fromRaw(parseNumeric(text));
  }

  static fromInt(n: number | bigint): Numeric {
    if (typeof n === 'bigint') return new Numeric(n, 0);
    assert(Number.isInteger(n), 'Numeric.fromInt of a non-integer');
    return new Numeric(BigInt(n), 0);
  }

  /** The float8 → numeric cast (15 significant digits); pass 6 for float4. NaN and ±Infinity map over. */
  static fromFloat(x: number, significantDigits = 15): Numeric {
    if (Number.isNaN(x)) return Numeric.NaN;
    if (x === Infinity) return Numeric.POSITIVE_INFINITY;
    if (x === -Infinity) return Numeric.NEGATIVE_INFINITY;
    return fromRaw(floatToNumeric(x, significantDigits));
  }

  /**
   * Typmod coercion to numeric(precision, scale) (scale may be negative), as PostgreSQL's apply_typmod:
   * rounds to `scale`, then fails with 22003 `numeric field overflow` if the integer part is too wide.
   */
  static coerce(n: Numeric, precision: number, scale = 0): Numeric {
    if (n.special !== FINITE) {
      if (n.special === NAN) return n;
      throw new DataError(SqlState.numericValueOutOfRange, 'numeric field overflow', {
        detail: `A field with precision ${precision}, scale ${scale} cannot hold an infinite value.`,
      });
    }
    const rounded = n.round(scale);
    const maxDigits = precision - scale;
    const d = rounded.digits;
    if (d !== 0n && decimalExponent(d < 0n ? -d : d, rounded.scale) + 1 > maxDigits) {
      throw new DataError(SqlState.numericValueOutOfRange, 'numeric field overflow', {
        detail: `A field with precision ${precision}, scale ${scale} must round to an absolute value less than ${maxDigits ? `10^${maxDigits}` : '1'}.`,
      });
    }
    return rounded;
  }

  /** Comparator form of `a.compare(b)`, for sorts. */
  static compare(a: Numeric, b: Numeric): number {
    return a.compare(b);
  }

  /** avg's final step: sum / count with division's scale rules (avg of 1,2 → 1.5000000000000000). count > 0. */
  static avg(sum: Numeric, count: number | bigint): Numeric {
    assert(count > 0, 'Numeric.avg of an empty group');
    return sum.div(Numeric.fromInt(count));
  }

  isNaN(): boolean {
    return this.special === NAN;
  }

  isFinite(): boolean {
    return this.special === FINITE;
  }

  /** True for finite values with no nonzero fraction digits (1.00 is an integer). */
  isInteger(): boolean {
    return this.special === FINITE && (this.scale === 0 || this.digits % pow10(this.scale) === 0n);
  }

  toString(): string {
    if (this.special === FINITE) return formatNumeric(this.digits, this.scale);
    return this.special === NAN ? 'NaN' : this.special === POS_INF ? 'Infinity' : '-Infinity';
  }

  /** numeric → float8 (correctly rounded); a value outside double's range is PostgreSQL's 22003. */
  toFloat(): number {
    if (this.special === FINITE) return numericToFloat(this.digits, this.scale);
    return this.special === NAN ? Number.NaN : this.special === POS_INF ? Infinity : -Infinity;
  }

  /** numeric → bigint, rounding half away from zero; a number when safe, else a bigint (value.ts's form). */
  toInt64(): number | bigint {
    const q = this.roundedInteger('bigint');
    if (q <= SAFE_MAX && q >= SAFE_MIN) return Number(q);
    if (q > INT64_MAX || q < INT64_MIN)
      throw new DataError(SqlState.numericValueOutOfRange, 'bigint out of range');
    return q;
  }

  /** numeric → integer, rounding half away from zero. */
  toInt32(): number {
    const q = this.roundedInteger('integer');
    if (q > 2147483647n || q < -2147483648n) {
      throw new DataError(SqlState.numericValueOutOfRange, 'integer out of range');
    }
    return Number(q);
  }

  /** numeric → smallint, rounding half away from zero. */
  toInt16(): number {
    const q = this.roundedInteger('smallint');
    if (q > 32767n || q < -32768n)
      throw new DataError(SqlState.numericValueOutOfRange, 'smallint out of range');
    return Number(q);
  }

  private roundedInteger(typeName: string): bigint {
    if (this.special !== FINITE) {
      const what = this.special === NAN ? 'NaN' : 'infinity';
      throw new FeatureNotSupportedError(`cannot convert ${what} to ${typeName}`);
    }
    return this.scale === 0 ? this.digits : roundDiv(this.digits, pow10(this.scale));
  }

  /** Sum; scale = max of the scales. Inf + -Inf is NaN. */
  add(other: Numeric): Numeric {
    if ((this.special | other.special) !== FINITE) return addSpecial(this, other.special);
    const s1 = this.scale;
    const s2 = other.scale;
    if (s1 === s2) return new Numeric(this.digits + other.digits, s1);
    if (s1 > s2) return new Numeric(this.digits + other.digits * pow10(s1 - s2), s1);
    return new Numeric(this.digits * pow10(s2 - s1) + other.digits, s2);
  }

  /** Difference; scale = max of the scales. */
  sub(other: Numeric): Numeric {
    if ((this.special | other.special) !== FINITE) return addSpecial(this, negatedSpecial(other.special));
    const s1 = this.scale;
    const s2 = other.scale;
    if (s1 === s2) return new Numeric(this.digits - other.digits, s1);
    if (s1 > s2) return new Numeric(this.digits - other.digits * pow10(s1 - s2), s1);
    return new Numeric(this.digits * pow10(s2 - s1) - other.digits, s2);
  }

  /** Exact product; scale = sum of the scales (rounded to 16383 past PostgreSQL's limit). */
  mul(other: Numeric): Numeric {
    if ((this.special | other.special) !== FINITE) {
      if (this.special === NAN || other.special === NAN) return Numeric.NaN;
      const sign = this.signum() * other.signum();
      return sign === 0 ? Numeric.NaN : sign > 0 ? Numeric.POSITIVE_INFINITY : Numeric.NEGATIVE_INFINITY;
    }
    let digits = this.digits * other.digits;
    let scale = this.scale + other.scale;
    if (scale > MAX_DSCALE) {
      digits = roundDiv(digits, pow10(scale - MAX_DSCALE));
      scale = MAX_DSCALE;
    }
    checkRange(digits, scale);
    return new Numeric(digits, scale);
  }

  /** Quotient rounded to PostgreSQL's select_div_scale (≥ 16 significant digits, ≥ both scales). */
  div(other: Numeric): Numeric {
    if ((this.special | other.special) !== FINITE) return divSpecial(this, other);
    if (other.digits === 0n) throw divisionByZero();
    const rscale = selectDivScale(this, other);
    const negative = other.digits < 0n;
    const numerator = this.digits * pow10(rscale - this.scale + other.scale);
    const digits = roundDiv(negative ? -numerator : numerator, negative ? -other.digits : other.digits);
    checkRange(digits, rscale);
    return new Numeric(digits, rscale);
  }

  /** SQL `div(a, b)`: the quotient truncated toward zero, scale 0. */
  divTrunc(other: Numeric): Numeric {
    if ((this.special | other.special) !== FINITE) return divSpecial(this, other);
    if (other.digits === 0n) throw divisionByZero();
    const numerator = other.scale >= this.scale ? this.digits * pow10(other.scale - this.scale) : this.digits;
    const denominator =
      this.scale > other.scale ? other.digits * pow10(this.scale - other.scale) : other.digits;
    return new Numeric(numerator / denominator, 0);
  }

  /** Remainder with the dividend's sign; scale = max of the scales. */
  mod(other: Numeric): Numeric {
    if ((this.special | other.special) !== FINITE) {
      if (this.special === NAN || other.special === NAN) return Numeric.NaN;
      if (this.special !== FINITE) {
        if (other.special === FINITE && other.digits === 0n) throw divisionByZero();
        return Numeric.NaN;
      }
      return this;
    }
    if (other.digits === 0n) throw divisionByZero();
    const scale = Math.max(this.scale, other.scale);
    const a = this.scale === scale ? this.digits : this.digits * pow10(scale - this.scale);
    const b = other.scale === scale ? other.digits : other.digits * pow10(scale - other.scale);
    return new Numeric(a % b, scale);
  }

  neg(): Numeric {
    if (this.special !== FINITE) return fromSpecial(negatedSpecial(this.special));
    return this.digits === 0n ? this : new Numeric(-this.digits, this.scale);
  }

  abs(): Numeric {
    if (this.special === NEG_INF) return Numeric.POSITIVE_INFINITY;
    return this.digits < 0n ? new Numeric(-this.digits, this.scale) : this;
  }

  /** PostgreSQL's sign(): -1, 0 or 1 (scale 0), NaN for NaN. */
  sign(): Numeric {
    if (this.special === NAN) return Numeric.NaN;
    const s = this.signum();
    return s === 0 ? Numeric.ZERO : s > 0 ? Numeric.ONE : MINUS_ONE;
  }

  /** -1, 0 or 1 as a number (NaN counts as 0; check `isNaN()` first where it matters). */
  signum(): number {
    if (this.special !== FINITE) return this.special === POS_INF ? 1 : this.special === NEG_INF ? -1 : 0;
    return this.digits > 0n ? 1 : this.digits < 0n ? -1 : 0;
  }

  /** Total order: -Infinity < finite values < +Infinity < NaN; 1.0 and 1.00 compare equal. */
  compare(other: Numeric): number {
    if ((this.special | other.special) === FINITE) {
      if (this.scale === other.scale)
        return this.digits < other.digits ? -1 : this.digits > other.digits ? 1 : 0;
      return compareFinite(this, other);
    }
    const r1 = rankBySpecial[this.special];
    const r2 = rankBySpecial[other.special];
    if (r1 !== r2) return r1 < r2 ? -1 : 1;
    return 0;
  }

  equals(other: Numeric): boolean {
    return this.compare(other) === 0;
  }

  /** See the class comment: scale-blind, and integral values hash as hashNumber / hashBigInt. */
  hashCode(): number {
    if (this.special !== FINITE) return hashBySpecial[this.special];
    const d = this.digits;
    let s = this.scale;
    let x = Number(d);
    if (Math.abs(x) <= Number.MAX_SAFE_INTEGER) {
      if (s === 0 || x === 0) return hashNumber(x);
      while (s > 0 && x % 10 === 0) {
        x /= 10;
        s--;
      }
      return s === 0 ? hashNumber(x) : hashWithScale(hashNumber(x), s);
    }
    let big = d;
    while (s >= 8 && big % 100000000n === 0n) {
      big /= 100000000n;
      s -= 8;
    }
    while (s > 0 && big % 10n === 0n) {
      big /= 10n;
      s--;
    }
    return s === 0 ? hashBigInt(big) : hashWithScale(hashBigInt(big), s);
  }

  /** round(x, s): half away from zero; s < 0 rounds left of the point (result scale 0); s > scale pads. */
  round(scale = 0): Numeric {
    if (this.special !== FINITE) return this;
    scale = Math.min(Math.max(scale, -maxRoundScale), maxRoundScale);
    if (scale >= this.scale) {
      return scale === this.scale ? this : new Numeric(this.digits * pow10(scale - this.scale), scale);
    }
    const q = roundDiv(this.digits, pow10(this.scale - scale));
    return scale >= 0 ? new Numeric(q, scale) : new Numeric(q * pow10(-scale), 0);
  }

  /** trunc(x, s): toward zero, same scale rules as round. */
  trunc(scale = 0): Numeric {
    if (this.special !== FINITE) return this;
    scale = Math.min(Math.max(scale, -maxRoundScale), maxRoundScale);
    if (scale >= this.scale) {
      return scale === this.scale ? this : new Numeric(this.digits * pow10(scale - this.scale), scale);
    }
    const q = this.digits / pow10(this.scale - scale);
    return scale >= 0 ? new Numeric(q, scale) : new Numeric(q * pow10(-scale), 0);
  }

  ceil(): Numeric {
    if (this.special !== FINITE || this.scale === 0) return this;
    const unit = pow10(this.scale);
    const q = this.digits / unit;
    return new Numeric(this.digits > 0n && q * unit !== this.digits ? q + 1n : q, 0);
  }

  floor(): Numeric {
    if (this.special !== FINITE || this.scale === 0) return this;
    const unit = pow10(this.scale);
    const q = this.digits / unit;
    return new Numeric(this.digits < 0n && q * unit !== this.digits ? q - 1n : q, 0);
  }

  /** PostgreSQL's trim_scale(): the same value with trailing fraction zeros dropped. */
  trimScale(): Numeric {
    if (this.special !== FINITE || this.scale === 0) return this;
    let d = this.digits;
    let s = this.scale;
    if (d === 0n) return Numeric.ZERO;
    while (s > 0 && d % 10n === 0n) {
      d /= 10n;
      s--;
    }
    return s === this.scale ? this : new Numeric(d, s);
  }

  sqrt(): Numeric {
    return fromRaw(sqrtNumeric(this));
  }

  exp(): Numeric {
    return fromRaw(expNumeric(this));
  }

  ln(): Numeric {
    return fromRaw(lnNumeric(this));
  }

  log10(): Numeric {
    return fromRaw(logNumeric(TEN, this));
  }

  /** SQL `log(b, x)` is `b.log(x)`: the logarithm of `x` in base `this`. */
  log(x: Numeric): Numeric {
    return fromRaw(logNumeric(this, x));
  }

  /** x ^ y. Integral exponents (int32) multiply exactly then round to max(16, x's scale). */
  power(exponent: Numeric): Numeric {
    return fromRaw(powerNumeric(this, exponent));
  }
}

const MINUS_ONE = new Numeric(-1n, 0);
const TEN = new Numeric(10n, 0);
const specialsByKind = [Numeric.ZERO, Numeric.NaN, Numeric.POSITIVE_INFINITY, Numeric.NEGATIVE_INFINITY];

function fromSpecial(special: number): Numeric {
  return specialsByKind[special];
}

function fromRaw(raw: RawNumeric): Numeric {
  if (raw instanceof Numeric) return raw;
  return raw.special === FINITE ? new Numeric(raw.digits, raw.scale) : fromSpecial(raw.special);
}

function negatedSpecial(special: number): number {
  return special === POS_INF ? NEG_INF : special === NEG_INF ? POS_INF : special;
}

/** a + b where one side is special; `bSpecial` is b's kind after any negation (b finite when FINITE). */
function addSpecial(a: Numeric, bSpecial: number): Numeric {
  if (a.special === NAN || bSpecial === NAN) return Numeric.NaN;
  if (a.special === FINITE) return fromSpecial(bSpecial);
  if (bSpecial === FINITE || bSpecial === a.special) return a;
  return Numeric.NaN;
}

function divSpecial(a: Numeric, b: Numeric): Numeric {
  if (a.special === NAN || b.special === NAN) return Numeric.NaN;
  if (a.special !== FINITE) {
    if (b.special !== FINITE) return Numeric.NaN;
    const sign = b.signum();
    if (sign === 0) throw divisionByZero();
    return (a.special === POS_INF) === sign > 0 ? Numeric.POSITIVE_INFINITY : Numeric.NEGATIVE_INFINITY;
  }
  return Numeric.ZERO;
}

function compareFinite(a: Numeric, b: Numeric): number {
  const shift = b.scale - a.scale;
  if (shift <= 15 && shift >= -15) {
    // Rescale in doubles while every value stays an exact integer: no BigInt allocation. A double
    // within the safe range can only come from a bigint within it (conversion rounds to nearest).
    let x = Number(a.digits);
    let y = Number(b.digits);
    if (Math.abs(x) <= Number.MAX_SAFE_INTEGER && Math.abs(y) <= Number.MAX_SAFE_INTEGER) {
      if (shift > 0) x *= POW10_NUM[shift];
      else y *= POW10_NUM[-shift];
      if (Math.abs(x) <= Number.MAX_SAFE_INTEGER && Math.abs(y) <= Number.MAX_SAFE_INTEGER) {
        return x < y ? -1 : x > y ? 1 : 0;
      }
    }
  }
  const sa = a.digits > 0n ? 1 : a.digits < 0n ? -1 : 0;
  const sb = b.digits > 0n ? 1 : b.digits < 0n ? -1 : 0;
  if (sa !== sb) return sa < sb ? -1 : 1;
  if (sa === 0) return 0;
  const x = a.scale < b.scale ? a.digits * pow10(b.scale - a.scale) : a.digits;
  const y = b.scale < a.scale ? b.digits * pow10(a.scale - b.scale) : b.digits;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** PostgreSQL's select_div_scale, on its base-10000 weights and leading digits. */
function selectDivScale(a: Numeric, b: Numeric): number {
  let weight1 = 0;
  let first1 = 0;
  if (a.digits !== 0n) {
    const abs = a.digits < 0n ? -a.digits : a.digits;
    weight1 = nbaseWeight(decimalExponent(abs, a.scale));
    first1 = nbaseFirstDigit(abs, a.scale);
  }
  const absB = b.digits < 0n ? -b.digits : b.digits;
  const weight2 = nbaseWeight(decimalExponent(absB, b.scale));
  const first2 = nbaseFirstDigit(absB, b.scale);
  const qweight = first1 <= first2 ? weight1 - weight2 - 1 : weight1 - weight2;
  return Math.min(Math.max(minSigDigits - qweight * 4, a.scale, b.scale, 0), maxDisplayScale);
}
