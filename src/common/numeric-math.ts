/**
 * @module common/numeric-math
 * sqrt, exp, ln, log and power of `numeric` with PostgreSQL 15's result scales and special-value rules.
 * Results are computed in BigInt fixed point with guard digits, then rounded half away from zero.
 */
import { DataError, SqlState } from './errors.ts';
import {
  approxLog10,
  approxNumber,
  decimalExponent,
  digitCount,
  isqrt,
  nbaseWeight,
  pow10,
  rescaleRound,
  roundDiv,
} from './numeric-digits.ts';
import { checkRange, FINITE, NAN, NEG_INF, overflowError, POS_INF, type RawNumeric } from './numeric-text.ts';

const invalidArgumentForLog = SqlState.invalidArgumentForLogarithm;
const invalidArgumentForPower = SqlState.invalidArgumentForPowerFunction;

/** PostgreSQL's NUMERIC_MIN_SIG_DIGITS: results carry at least this many significant digits. */
const minSigDigits = 16;
const maxDisplayScale = 1000;
/** Extra decimal digits carried through every fixed-point computation. */
const guardDigits = 10;
// biome-ignore lint/suspicious/noApproximativeNumericConstant: PostgreSQL's literal; scale rules truncate products with it
const log10E = 0.434294481903252;
/** PostgreSQL's exp_var limit, 3 × NUMERIC_MAX_RESULT_SCALE. */
const expArgumentMax = 6000;
// biome-ignore lint/suspicious/noApproximativeNumericConstant: PostgreSQL's literal, as in estimate_ln_dweight
const ln10Double = 2.302585092994046;

const rawNaN: RawNumeric = { digits: 0n, scale: 0, special: NAN };
const rawPosInf: RawNumeric = { digits: 0n, scale: 0, special: POS_INF };
const rawNegInf: RawNumeric = { digits: 0n, scale: 0, special: NEG_INF };
const rawZero: RawNumeric = { digits: 0n, scale: 0, special: FINITE };
const rawOne: RawNumeric = { digits: 1n, scale: 0, special: FINITE };

function finite(digits: bigint, scale: number): RawNumeric {
  return { digits, scale, special: FINITE };
}

function logError(message: string): DataError {
  return new DataError(invalidArgumentForLog, message);
}

function powerError(message: string): DataError {
  return new DataError(invalidArgumentForPower, message);
}

/** PostgreSQL's clamp of a result scale: not below the inputs' scales nor 0, not above 1000. */
function clampScale(rscale: number, scaleA: number, scaleB = 0): number {
  return Math.min(Math.max(rscale, scaleA, scaleB, 0), maxDisplayScale);
}

function signOf(x: RawNumeric): number {
  if (x.special === POS_INF) return 1;
  if (x.special === NEG_INF) return -1;
  return x.digits > 0n ? 1 : x.digits < 0n ? -1 : 0;
}

function isOne(x: RawNumeric): boolean {
  return x.special === FINITE && x.digits === pow10(x.scale);
}

function isIntegral(x: RawNumeric): boolean {
  if (x.special !== FINITE) return x.special !== NAN;
  return x.scale === 0 || x.digits % pow10(x.scale) === 0n;
}

/** sqrt(x): scale gives ≥ 16 significant digits, never below x's scale (PostgreSQL's numeric_sqrt). */
export function sqrtNumeric(x: RawNumeric): RawNumeric {
  if (x.special === NEG_INF || (x.special === FINITE && x.digits < 0n)) {
    throw powerError('cannot take square root of a negative number');
  }
  if (x.special !== FINITE) return x;
  const weight = x.digits === 0n ? 0 : nbaseWeight(decimalExponent(x.digits, x.scale));
  const rscale = clampScale(minSigDigits - (2 * weight + 1), x.scale);
  if (x.digits === 0n) return finite(0n, rscale);
  // Truncated root with one extra digit, then rounded: exactly what PostgreSQL's sqrt_var yields.
  const root = isqrt(x.digits * pow10(2 * (rscale + 1) - x.scale));
  return finite(roundDiv(root, 10n), rscale);
}

/** e^x with PostgreSQL's numeric_exp result scale. */
export function expNumeric(x: RawNumeric): RawNumeric {
  if (x.special === NEG_INF) return rawZero;
  if (x.special !== FINITE) return x;
  const val = Math.min(Math.max(approxNumber(x.digits, x.scale) * log10E, -2000), 2000);
  const rscale = clampScale(minSigDigits - Math.trunc(val), x.scale);
  return finite(expRounded(x.digits, x.scale, rscale), rscale);
}

/** Digits of e^(digits/10^scale) at `rscale`; |x| ≥ 6000 overflows (PostgreSQL's error) or underflows to 0. */
function expRounded(digits: bigint, scale: number, rscale: number): bigint {
  const val = approxNumber(digits, scale);
  if (Math.abs(val) >= expArgumentMax) {
    if (val > 0) throw overflowError();
    return 0n;
  }
  const dweight = Math.trunc(val * log10E);
  const significant = Math.max(rscale + dweight + 1, 1) + guardDigits;
  let halvings = 0;
  for (let v = Math.abs(val); v > 0.01; v /= 2) halvings++;
  // Each squaring doubles the relative error: carry log10(2^halvings) more digits.
  const w = significant + Math.ceil(halvings * 0.30103) + 8;
  const one = pow10(w);
  const abs = digits < 0n ? -digits : digits;
  const y = (abs * one) / (pow10(scale) << BigInt(halvings));
  let sum = one + y;
  let term = y;
  for (let n = 2n; ; n++) {
    term = (term * y) / (one * n);
    if (term === 0n) break;
    sum += term;
  }
  for (let i = 0; i < halvings; i++) sum = (sum * sum) / one;
  if (digits >= 0n) return roundDiv(sum, pow10(w - rscale));
  return roundDiv(pow10(w + rscale), sum);
}

/** ln(a)·10^w for a = fixed/10^w in about [0.1, 100]: square roots bring a near 1, then the atanh series. */
function lnNearOne(fixed: bigint, w: number): bigint {
  const one = pow10(w);
  const low = (one * 9n) / 10n;
  const high = (one * 11n) / 10n;
  let roots = 0;
  while (fixed <= low || fixed >= high) {
    fixed = isqrt(fixed * one);
    roots++;
  }
  const z = ((fixed - one) * one) / (fixed + one);
  const z2 = (z * z) / one;
  let sum = z;
  let power = z;
  for (let n = 3n; ; n += 2n) {
    power = (power * z2) / one;
    const term = power / n;
    if (term === 0n) break;
    sum += term;
  }
  return sum << BigInt(roots + 1);
}

let ln10Cache = { scale: 0, fixed: 2n };

function ln10Fixed(w: number): bigint {
  if (ln10Cache.scale < w) {
    const scale = w + 20;
    ln10Cache = { scale, fixed: lnNearOne(10n * pow10(scale), scale) };
  }
  return ln10Cache.fixed / pow10(ln10Cache.scale - w);
}

/** ln(abs/10^scale)·10^w, abs > 0, with an error well below one unit: ln x = ln(mantissa) + exponent·ln 10. */
function lnFixed(abs: bigint, scale: number, w: number): bigint {
  const wide = w + 16;
  const n = digitCount(abs);
  const exponent = n - 1 - scale;
  const mantissa = rescaleRound(abs, n - 1, wide);
  let r = lnNearOne(mantissa, wide);
  if (exponent !== 0) r += BigInt(exponent) * ln10Fixed(wide);
  return roundDiv(r, pow10(16));
}

/** PostgreSQL's estimate_ln_dweight: roughly log10(|ln x|), from x's leading base-10000 digits. */
function estimateLnDweight(abs: bigint, scale: number): number {
  const unit = pow10(scale);
  const tenfold = abs * 10n;
  if (tenfold >= 9n * unit && tenfold <= 11n * unit) {
    const t = abs - unit;
    if (t === 0n) return 0;
    return decimalExponent(t < 0n ? -t : t, scale);
  }
  const alignedScale = Math.ceil(scale / 4) * 4;
  const text = (abs * pow10(alignedScale - scale)).toString();
  const groups = Math.ceil(text.length / 4);
  const lead = text.length - (groups - 1) * 4;
  let leading = Number(text.slice(0, lead));
  let dweight = (groups - 1 - alignedScale / 4) * 4;
  let more = false;
  for (let i = lead; i < text.length && !more; i++) more = text.charCodeAt(i) !== 48;
  if (more) {
    leading = leading * 10000 + Number(text.slice(lead, lead + 4));
    dweight -= 4;
  }
  return Math.trunc(Math.log10(Math.abs(Math.log(leading) + dweight * ln10Double)));
}

function checkLogArgument(x: RawNumeric): void {
  const sign = signOf(x);
  if (sign < 0) throw logError('cannot take logarithm of a negative number');
  if (sign === 0) throw logError('cannot take logarithm of zero');
}

/** ln(x) with PostgreSQL's numeric_ln result scale. */
export function lnNumeric(x: RawNumeric): RawNumeric {
  if (x.special === NAN) return x;
  checkLogArgument(x);
  if (x.special !== FINITE) return x;
  const rscale = clampScale(minSigDigits - estimateLnDweight(x.digits, x.scale), x.scale);
  return finite(roundDiv(lnFixed(x.digits, x.scale, rscale + guardDigits), pow10(guardDigits)), rscale);
}

/** log(base, x) as PostgreSQL's numeric_log; log10 is log(10, x). */
export function logNumeric(base: RawNumeric, x: RawNumeric): RawNumeric {
  if (base.special === NAN || x.special === NAN) return rawNaN;
  if (signOf(base) < 0 || signOf(x) < 0) throw logError('cannot take logarithm of a negative number');
  checkLogArgument(base);
  checkLogArgument(x);
  if (base.special === POS_INF) return x.special === POS_INF ? rawNaN : rawZero;
  if (x.special === POS_INF) return rawPosInf;
  const baseDweight = estimateLnDweight(base.digits, base.scale);
  const resultDweight = estimateLnDweight(x.digits, x.scale) - baseDweight;
  const rscale = clampScale(minSigDigits - resultDweight, base.scale, x.scale);
  const w = rscale + Math.max(resultDweight, 0) + Math.max(-baseDweight, 0) + 2 * guardDigits;
  let lnBase = lnFixed(base.digits, base.scale, w);
  let lnX = lnFixed(x.digits, x.scale, w);
  if (lnBase === 0n) throw new DataError(SqlState.divisionByZero, 'division by zero');
  if (lnBase < 0n) {
    lnBase = -lnBase;
    lnX = -lnX;
  }
  return finite(roundDiv(lnX * pow10(rscale), lnBase), rscale);
}

/** x^y as PostgreSQL's numeric_power, including its POSIX rules for NaN and infinities. */
export function powerNumeric(x: RawNumeric, y: RawNumeric): RawNumeric {
  if (x.special !== FINITE || y.special !== FINITE) return powerSpecial(x, y);
  if (x.digits === 0n && y.digits < 0n) throw powerError('zero raised to a negative power is undefined');
  const integral = isIntegral(y);
  const yInteger = integral ? y.digits / pow10(y.scale) : 0n;
  if (integral && yInteger >= -2147483648n && yInteger <= 2147483647n) {
    const rscale = clampScale(minSigDigits, x.scale);
    return finite(powerIntRounded(x.digits, x.scale, Number(yInteger), rscale), rscale);
  }
  if (x.digits === 0n) return finite(0n, minSigDigits);
  if (x.digits < 0n && !integral) {
    throw powerError('a negative number raised to a non-integer power yields a complex result');
  }
  const negative = x.digits < 0n && (yInteger & 1n) === 1n;
  const absX = x.digits < 0n ? -x.digits : x.digits;
  let val = approxLog10(absX, x.scale) * ln10Double * approxNumber(y.digits, y.scale);
  if (Math.abs(val) > expArgumentMax * 1.01) {
    if (val > 0) throw overflowError();
    return finite(0n, maxDisplayScale);
  }
  val *= log10E;
  const rscale = clampScale(minSigDigits - Math.trunc(val), x.scale, y.scale);
  // y·ln|x| must be exact to the result's significant digits plus guards: e^(L+δ) = e^L·(1+δ).
  const wL = Math.max(rscale + Math.trunc(val), 0) + guardDigits + 2;
  const absY = y.digits < 0n ? -y.digits : y.digits;
  const wLn = wL + Math.max(0, decimalExponent(absY, y.scale) + 1);
  const product = roundDiv(lnFixed(absX, x.scale, wLn) * y.digits, pow10(wLn + y.scale - wL));
  const digits = expRounded(product, wL, rscale);
  return finite(negative ? -digits : digits, rscale);
}

/** Digits at `rscale` of (digits/10^scale)^n for an int32 n (PostgreSQL's power_var_int). */
function powerIntRounded(digits: bigint, scale: number, n: number, rscale: number): bigint {
  if (n === 0) return pow10(rscale);
  if (digits === 0n) return 0n;
  if (n === 1) return rescaleRound(digits, scale, rscale);
  const abs = digits < 0n ? -digits : digits;
  const f = n * approxLog10(abs, scale);
  if (f > 3 * 32767 * 4 || f > 131073) throw overflowError();
  if (f + 1 < -rscale || f + 1 < -maxDisplayScale) return 0n;
  const count = Math.abs(n);
  const precision = Math.max(1 + rscale + Math.trunc(f), 1) + guardDigits + digitCount(BigInt(count));
  let resultM = 1n;
  let resultE = 0;
  let baseM = abs;
  let baseE = -scale;
  for (let k = count; ; ) {
    if (k % 2 === 1) {
      resultM *= baseM;
      resultE += baseE;
      [resultM, resultE] = trimSignificant(resultM, resultE, precision);
    }
    k = Math.floor(k / 2);
    if (k === 0) break;
    baseM *= baseM;
    baseE *= 2;
    [baseM, baseE] = trimSignificant(baseM, baseE, precision);
  }
  let r: bigint;
  if (n > 0) r = rescaleRound(resultM, -resultE, rscale);
  else r = rscale - resultE >= 0 ? roundDiv(pow10(rscale - resultE), resultM) : 0n;
  checkRange(r, rscale);
  return digits < 0n && count % 2 === 1 ? -r : r;
}

/** m·10^e truncated to at most `precision` significant digits. */
function trimSignificant(m: bigint, e: number, precision: number): [bigint, number] {
  const n = digitCount(m);
  if (n <= precision) return [m, e];
  return [m / pow10(n - precision), e + n - precision];
}

function powerSpecial(x: RawNumeric, y: RawNumeric): RawNumeric {
  if (x.special === NAN) return y.special === FINITE && y.digits === 0n ? rawOne : rawNaN;
  if (y.special === NAN) return isOne(x) ? rawOne : rawNaN;
  const signX = signOf(x);
  const signY = signOf(y);
  if (signX === 0 && signY < 0) throw powerError('zero raised to a negative power is undefined');
  if (signX < 0 && !isIntegral(y)) {
    throw powerError('a negative number raised to a non-integer power yields a complex result');
  }
  if (isOne(x) || signY === 0) return rawOne;
  if (signX === 0) return rawZero;
  if (y.special !== FINITE) {
    if (x.special === FINITE && x.digits === -pow10(x.scale)) return rawOne;
    const absAboveOne = x.special !== FINITE || (x.digits < 0n ? -x.digits : x.digits) > pow10(x.scale);
    return absAboveOne === signY > 0 ? rawPosInf : rawZero;
  }
  if (x.special === POS_INF) return signY > 0 ? rawPosInf : rawZero;
  if (signY < 0) return rawZero;
  return isIntegral(y) && (y.digits / pow10(y.scale)) % 2n !== 0n ? rawNegInf : rawPosInf;
}
