/**
 * @module dataflow/float-sum
 * An exact running sum of doubles that supports retraction: the sum is kept as non-overlapping
 * partials (Shewchuk's algorithm) and read correctly rounded, with infinities and NaNs counted
 * apart. So an incremental float sum/avg is the same whatever order rows arrived and left in:
 * inserting 1e20, 1 and deleting 1e20 gives exactly 1.
 */

/** Veltkamp's splitter for doubles (2^27 + 1): splits a double into two 26-bit halves. */
const splitter = 134217729;

export class FloatSum {
  private partials: number[] = [];
  private posInf = 0;
  private negInf = 0;
  private nan = 0;

  /** Adds `x * weight` exactly (weight is an integer). */
  add(x: number, weight: number): void {
    if (x - x !== 0) {
      if (Number.isNaN(x)) this.nan += weight;
      else if (x > 0) this.posInf += weight;
      else this.negInf += weight;
      return;
    }
    if (weight === 1) this.addExact(x);
    else if (weight === -1) this.addExact(-x);
    else {
      const p = x * weight;
      this.addExact(p);
      const err = productError(x, weight, p);
      if (err !== 0) this.addExact(err);
    }
  }

  /** The exact state as plain numbers: [partials, +∞ count, −∞ count, NaN count]. */
  toData(): number[][] {
    return [this.partials.slice(), [this.posInf, this.negInf, this.nan]];
  }

  /** A sum rebuilt from `toData`'s form. */
  static fromData(partials: readonly number[], counts: readonly number[]): FloatSum {
    const sum = new FloatSum();
    sum.partials = partials.slice();
    sum.posInf = counts[0]!;
    sum.negInf = counts[1]!;
    sum.nan = counts[2]!;
    return sum;
  }

  /** The correctly rounded sum (NaN if NaN or both infinities are present). */
  value(): number {
    if (this.nan > 0 || (this.posInf > 0 && this.negInf > 0)) return Number.NaN;
    if (this.posInf > 0) return Number.POSITIVE_INFINITY;
    if (this.negInf > 0) return Number.NEGATIVE_INFINITY;
    return roundPartials(this.partials);
  }

  private addExact(x: number): void {
    const partials = this.partials;
    let i = 0;
    for (let k = 0; k < partials.length; k++) {
      let y = partials[k]!;
      if (Math.abs(x) < Math.abs(y)) {
        const t = x;
        x = y;
        y = t;
      }
      const hi = x + y;
      const lo = y - (hi - x);
      if (lo !== 0) partials[i++] = lo;
      x = hi;
    }
    partials.length = i;
    partials.push(x);
  }
}

/** The rounding error of `p = a * b` (Dekker's two-product without FMA). */
function productError(a: number, b: number, p: number): number {
  let t = splitter * a;
  const aHi = t - (t - a);
  const aLo = a - aHi;
  t = splitter * b;
  const bHi = t - (t - b);
  const bLo = b - bHi;
  return aLo * bLo - (p - aHi * bHi - aLo * bHi - aHi * bLo);
}

/** Sums non-overlapping partials (ascending magnitude) with one correct rounding, as Python's fsum. */
function roundPartials(partials: readonly number[]): number {
  let n = partials.length;
  if (n === 0) return 0;
  let hi = partials[--n]!;
  let lo = 0;
  while (n > 0) {
    const x = hi;
    const y = partials[--n]!;
    hi = x + y;
    const yr = hi - x;
    lo = y - yr;
    if (lo !== 0) break;
  }
  if (n > 0 && ((lo < 0 && partials[n - 1]! < 0) || (lo > 0 && partials[n - 1]! > 0))) {
    const y = lo * 2;
    const x = hi + y;
    if (y === x - hi) hi = x;
  }
  return hi;
}
