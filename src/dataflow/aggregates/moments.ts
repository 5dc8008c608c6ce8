/**
 * @module dataflow/aggregates/moments
 * The exact state of the statistical aggregates (variance, stddev, covar, corr, regr_*): a count
 * and sums of x, y, x², y², xy kept exactly, so adding a row w times and retracting it leaves no
 * trace whatever the order. Used by the dataflow (per group slot) and by the one-shot evaluator.
 * Numeric inputs (integers, numeric) give PostgreSQL's exact numeric results; float inputs keep the
 * sums as integers in units of 2^-1074 and round PostgreSQL's centred sums (Sxx, Syy, Sxy) once,
 * where PostgreSQL's Youngs–Cramer update rounds at each row (so a last digit may differ).
 */
import { Numeric } from '../../common/numeric.ts';
import { isqrt, pow10, roundDiv } from '../../common/numeric-digits.ts';
import type { Value } from '../../common/value.ts';

/** The aggregates over one numeric or float column with a numeric or float8 result. */
export type VarianceFunction = 'var_samp' | 'var_pop' | 'stddev_samp' | 'stddev_pop';
/** The aggregates over (y, x) pairs of float8 (PostgreSQL's argument order: dependent first). */
export type RegressionFunction =
  | 'corr'
  | 'covar_pop'
  | 'covar_samp'
  | 'regr_slope'
  | 'regr_intercept'
  | 'regr_count'
  | 'regr_r2'
  | 'regr_avgx'
  | 'regr_avgy'
  | 'regr_sxx'
  | 'regr_syy'
  | 'regr_sxy';
export type MomentsFunction = VarianceFunction | RegressionFunction;

export const varianceFunctions: ReadonlySet<string> = new Set([
  'var_samp',
  'var_pop',
  'stddev_samp',
  'stddev_pop',
]);
export const regressionFunctions: ReadonlySet<string> = new Set([
  'corr',
  'covar_pop',
  'covar_samp',
  'regr_slope',
  'regr_intercept',
  'regr_count',
  'regr_r2',
  'regr_avgx',
  'regr_avgy',
  'regr_sxx',
  'regr_syy',
  'regr_sxy',
]);

/** Exact moments of numeric values (integers are numerics of scale 0). */
export class NumericMoments {
  n = 0;
  nan = 0;
  posInf = 0;
  negInf = 0;
  /** The scale `sx` is kept at (the largest seen); `sxx` is at twice it. */
  scale = 0;
  sx = 0n;
  sxx = 0n;
  /** How many live values have each display scale (index = scale): the result's scale is the largest. */
  scales: number[] = [];

  add(v: Value, weight: number): void {
    if (v === null) return;
    let digits: bigint;
    let scale = 0;
    if (v instanceof Numeric) {
      if (!v.isFinite()) {
        if (v.isNaN()) this.nan += weight;
        else if (v.signum() > 0) this.posInf += weight;
        else this.negInf += weight;
        return;
      }
      digits = v.digits;
      scale = v.scale;
    } else digits = BigInt(v as number | bigint);
    if (scale > this.scale) {
      const d = scale - this.scale;
      this.sx *= pow10(d);
      this.sxx *= pow10(2 * d);
      this.scale = scale;
    }
    const x = digits * pow10(this.scale - scale);
    const w = BigInt(weight);
    this.n += weight;
    this.sx += w * x;
    this.sxx += w * x * x;
    while (this.scales.length <= scale) this.scales.push(0);
    this.scales[scale]! += weight;
  }

  isEmpty(): boolean {
    return this.n === 0 && this.nan === 0 && this.posInf === 0 && this.negInf === 0;
  }

  /** PostgreSQL's numeric_stddev_internal on the exact sums. */
  result(fn: VarianceFunction): Value {
    const total = this.n + this.nan + this.posInf + this.negInf;
    const sample = fn === 'var_samp' || fn === 'stddev_samp';
    if (total <= 0 || (sample && total <= 1)) return null;
    if (this.nan > 0 || this.posInf > 0 || this.negInf > 0) return Numeric.NaN;
    let dscale = this.scales.length - 1;
    while (dscale > 0 && this.scales[dscale]! <= 0) dscale--;
    // Every live value has a scale ≤ dscale, so the sums rescale exactly.
    const down = this.scale - dscale;
    const sx = this.sx / pow10(down);
    const sxx = this.sxx / pow10(2 * down);
    const n = BigInt(this.n);
    const numerator = n * sxx - sx * sx;
    if (numerator <= 0n) return Numeric.ZERO;
    const denominator = sample ? n * (n - 1n) : n * n;
    const variance = new Numeric(numerator, 2 * dscale).div(Numeric.fromInt(denominator));
    if (fn === 'var_samp' || fn === 'var_pop') return variance;
    // sqrt_var at the division's scale: the truncated root with one more digit, rounded.
    const rscale = variance.scale;
    const root = isqrt(variance.digits * pow10(2 * (rscale + 1) - rscale));
    return new Numeric(roundDiv(root, 10n), rscale);
  }

  toData(): Value {
    return [this.n, this.nan, this.posInf, this.negInf, this.scale, this.sx, this.sxx, this.scales.slice()];
  }

  static fromData(data: readonly Value[]): NumericMoments {
    const m = new NumericMoments();
    m.n = data[0] as number;
    m.nan = data[1] as number;
    m.posInf = data[2] as number;
    m.negInf = data[3] as number;
    m.scale = data[4] as number;
    m.sx = data[5] as bigint;
    m.sxx = data[6] as bigint;
    m.scales = (data[7] as number[]).slice();
    return m;
  }
}

/** Non-finite values counted apart: [+∞, −∞, NaN]. */
type Specials = [number, number, number];

/** Exact moments of float8 values or (y, x) pairs, in units of 2^-1074 (x², xy in 2^-2148). */
export class FloatMoments {
  n = 0;
  sx = 0n;
  sy = 0n;
  sxx = 0n;
  syy = 0n;
  sxy = 0n;
  xSpecials: Specials = [0, 0, 0];
  ySpecials: Specials = [0, 0, 0];

  /** Adds x (one-column aggregates pass y = 0). */
  add(y: number, x: number, weight: number): void {
    this.n += weight;
    const finiteX = countSpecial(this.xSpecials, x, weight);
    const finiteY = countSpecial(this.ySpecials, y, weight);
    const w = BigInt(weight);
    const bx = finiteX ? scaledBits(x) : 0n;
    const by = finiteY ? scaledBits(y) : 0n;
    if (bx !== 0n) {
      this.sx += w * bx;
      this.sxx += w * bx * bx;
    }
    if (by !== 0n) {
      this.sy += w * by;
      this.syy += w * by * by;
    }
    if (bx !== 0n && by !== 0n) this.sxy += w * bx * by;
  }

  isEmpty(): boolean {
    return this.n === 0;
  }

  /** The variance family over x, with float8's formulas (float8_var_samp and friends). */
  variance(fn: VarianceFunction): Value {
    const n = this.n;
    const sample = fn === 'var_samp' || fn === 'stddev_samp';
    if (n <= 0 || (sample && n <= 1)) return null;
    const sxx = this.centred(this.sxx, this.sx, this.sx, this.xSpecials, this.xSpecials);
    const v = sxx / (sample ? n - 1 : n);
    return fn === 'stddev_samp' || fn === 'stddev_pop' ? Math.sqrt(v) : v;
  }

  /** The regression family over (y, x) pairs (float8_regr_* and float8_corr / covar). */
  regression(fn: RegressionFunction): Value {
    const n = this.n;
    if (fn === 'regr_count') return n;
    if (n < 1 || (fn === 'covar_samp' && n < 2)) return null;
    const sxx = () => this.centred(this.sxx, this.sx, this.sx, this.xSpecials, this.xSpecials);
    const syy = () => this.centred(this.syy, this.sy, this.sy, this.ySpecials, this.ySpecials);
    const sxy = () => this.centred(this.sxy, this.sx, this.sy, this.xSpecials, this.ySpecials);
    switch (fn) {
      case 'covar_pop':
        return sxy() / n;
      case 'covar_samp':
        return sxy() / (n - 1);
      case 'regr_sxx':
        return sxx();
      case 'regr_syy':
        return syy();
      case 'regr_sxy':
        return sxy();
      case 'regr_avgx':
        return sum(this.sx, this.xSpecials) / n;
      case 'regr_avgy':
        return sum(this.sy, this.ySpecials) / n;
      case 'corr': {
        const xx = sxx();
        const yy = syy();
        if (xx === 0 || yy === 0) return null;
        return sxy() / Math.sqrt(xx * yy);
      }
      case 'regr_r2': {
        const xx = sxx();
        const yy = syy();
        if (xx === 0) return null;
        if (yy === 0) return 1;
        const xy = sxy();
        return (xy * xy) / (xx * yy);
      }
      case 'regr_slope': {
        const xx = sxx();
        return xx === 0 ? null : sxy() / xx;
      }
      case 'regr_intercept': {
        const xx = sxx();
        if (xx === 0) return null;
        return (sum(this.sy, this.ySpecials) - (sum(this.sx, this.xSpecials) * sxy()) / xx) / n;
      }
    }
  }

  /** n·Σab − Σa·Σb over n, correctly rounded; NaN once a non-finite value is involved. */
  private centred(sab: bigint, sa: bigint, sb: bigint, specialsA: Specials, specialsB: Specials): number {
    if (hasSpecial(specialsA) || hasSpecial(specialsB)) return Number.NaN;
    const n = BigInt(this.n);
    return ratioToDouble(n * sab - sa * sb, n, 2 * unitBits);
  }

  toData(): Value {
    return [this.n, this.sx, this.sy, this.sxx, this.syy, this.sxy, [...this.xSpecials], [...this.ySpecials]];
  }

  static fromData(data: readonly Value[]): FloatMoments {
    const m = new FloatMoments();
    m.n = data[0] as number;
    m.sx = data[1] as bigint;
    m.sy = data[2] as bigint;
    m.sxx = data[3] as bigint;
    m.syy = data[4] as bigint;
    m.sxy = data[5] as bigint;
    m.xSpecials = [...(data[6] as number[])] as Specials;
    m.ySpecials = [...(data[7] as number[])] as Specials;
    return m;
  }
}

/** Sums are integers in units of 2^-unitBits (the least subnormal double). */
const unitBits = 1074;

function countSpecial(specials: Specials, v: number, weight: number): boolean {
  if (v - v === 0) return true;
  specials[Number.isNaN(v) ? 2 : v > 0 ? 0 : 1] += weight;
  return false;
}

function hasSpecial(s: Specials): boolean {
  return s[0] !== 0 || s[1] !== 0 || s[2] !== 0;
}

/** The correctly rounded sum, or its infinity / NaN. */
function sum(scaled: bigint, s: Specials): number {
  if (s[2] > 0 || (s[0] > 0 && s[1] > 0)) return Number.NaN;
  if (s[0] > 0) return Number.POSITIVE_INFINITY;
  if (s[1] > 0) return Number.NEGATIVE_INFINITY;
  return ratioToDouble(scaled, 1n, unitBits);
}

const bits = new DataView(new ArrayBuffer(8));

/** A finite double times 2^1074, exactly, as an integer. */
export function scaledBits(x: number): bigint {
  bits.setFloat64(0, x);
  const word = bits.getBigUint64(0);
  const exponent = Number((word >> 52n) & 0x7ffn);
  const mantissa = word & 0xfffffffffffffn;
  const magnitude = exponent === 0 ? mantissa : (mantissa | (1n << 52n)) << BigInt(exponent - 1);
  return word >> 63n === 1n ? -magnitude : magnitude;
}

/** num / (den · 2^exponent) (den > 0) rounded to the nearest double, ties to even. */
export function ratioToDouble(num: bigint, den: bigint, exponent = 0): number {
  if (num === 0n) return 0;
  const negative = num < 0n;
  const abs = negative ? -num : num;
  // A quotient of 63 to 71 bits (hex lengths bound the bit lengths within 3), with a sticky bit
  // for the remainder: then Number() rounds once, correctly.
  const shift = 67 - 4 * (abs.toString(16).length - den.toString(16).length);
  const scaledNum = shift >= 0 ? abs << BigInt(shift) : abs;
  const scaledDen = shift >= 0 ? den : den << BigInt(-shift);
  let q = scaledNum / scaledDen;
  if (q * scaledDen !== scaledNum) q |= 1n;
  let value = Number(q);
  let k = shift + exponent;
  while (k > 0) {
    const step = Math.min(k, 1000);
    value *= 2 ** -step;
    k -= step;
  }
  while (k < 0) {
    const step = Math.min(-k, 1000);
    value *= 2 ** step;
    k += step;
  }
  return negative ? -value : value;
}
