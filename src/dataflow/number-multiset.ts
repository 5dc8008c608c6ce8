/**
 * @module dataflow/number-multiset
 * An ordered multiset of JS numbers with counts, for min/max over number-valued columns (integers,
 * floats, dates, timestamps): sorted chunks of unboxed Float64Arrays shifted with copyWithin, and
 * the chunks' last values in one array, so an update touches two small arrays and allocates
 * nothing. NaN (above every number, as PostgreSQL orders it) is counted apart.
 * Invariant: values strictly increase across and within chunks; counts are non-zero.
 */

const chunkValuesMax = 256;
/** A group's first chunk starts this small and doubles, so millions of tiny groups stay cheap. */
const chunkValuesMin = 2;

export class NumberMultiset {
  private values: Float64Array[] = [];
  private counts: Float64Array[] = [];
  private lengths: number[] = [];
  /** The last value of each chunk. */
  private lasts: number[] = [];
  private nanCount = 0;
  /** Number of distinct values (NaN included). */
  size = 0;

  /** Adds `delta` to the count of `v`, dropping it at zero. */
  add(v: number, delta: number): void {
    if (Number.isNaN(v)) {
      const before = this.nanCount;
      this.nanCount += delta;
      if (before === 0) this.size++;
      else if (this.nanCount === 0) this.size--;
      return;
    }
    const lasts = this.lasts;
    if (lasts.length === 0) {
      this.values.push(new Float64Array(chunkValuesMin));
      this.counts.push(new Float64Array(chunkValuesMin));
      this.lengths.push(0);
      lasts.push(v);
    }
    let lo = 0;
    let hi = lasts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (lasts[mid]! < v) lo = mid + 1;
      else hi = mid;
    }
    const values = this.values[lo]!;
    const n = this.lengths[lo]!;
    let a = 0;
    let b = n;
    while (a < b) {
      const mid = (a + b) >> 1;
      if (values[mid]! < v) a = mid + 1;
      else b = mid;
    }
    if (a < n && values[a] === v) this.reweight(lo, a, delta);
    else this.insertAt(lo, a, v, delta);
  }

  /** The smallest value, or null when empty. */
  min(): number | null {
    if (this.lasts.length > 0) return this.values[0]![0]!;
    return this.nanCount !== 0 ? Number.NaN : null;
  }

  /** The largest value, or null when empty. */
  max(): number | null {
    if (this.nanCount !== 0) return Number.NaN;
    return this.lasts.length > 0 ? this.lasts[this.lasts.length - 1]! : null;
  }

  /** Visits every value with its count, in order. */
  forEach(fn: (v: number, count: number) => void): void {
    for (let c = 0; c < this.lasts.length; c++) {
      const values = this.values[c]!;
      const counts = this.counts[c]!;
      for (let i = 0; i < this.lengths[c]!; i++) fn(values[i]!, counts[i]!);
    }
    if (this.nanCount !== 0) fn(Number.NaN, this.nanCount);
  }

  private reweight(chunk: number, at: number, delta: number): void {
    const counts = this.counts[chunk]!;
    const w = counts[at]! + delta;
    if (w !== 0) {
      counts[at] = w;
      return;
    }
    const values = this.values[chunk]!;
    const n = this.lengths[chunk]! - 1;
    values.copyWithin(at, at + 1, n + 1);
    counts.copyWithin(at, at + 1, n + 1);
    this.lengths[chunk] = n;
    this.size--;
    if (n === 0) {
      this.values.splice(chunk, 1);
      this.counts.splice(chunk, 1);
      this.lengths.splice(chunk, 1);
      this.lasts.splice(chunk, 1);
    } else if (at === n) this.lasts[chunk] = values[n - 1]!;
  }

  private insertAt(chunk: number, at: number, v: number, delta: number): void {
    let values = this.values[chunk]!;
    let counts = this.counts[chunk]!;
    let n = this.lengths[chunk]!;
    if (n === chunkValuesMax) {
      this.split(chunk);
      if (at > chunkValuesMax >> 1) {
        chunk++;
        at -= chunkValuesMax >> 1;
      }
      values = this.values[chunk]!;
      counts = this.counts[chunk]!;
      n = this.lengths[chunk]!;
    } else if (n === values.length) {
      const grown = Math.min(chunkValuesMax, n * 2);
      const moreValues = new Float64Array(grown);
      const moreCounts = new Float64Array(grown);
      moreValues.set(values);
      moreCounts.set(counts);
      this.values[chunk] = values = moreValues;
      this.counts[chunk] = counts = moreCounts;
    }
    values.copyWithin(at + 1, at, n);
    counts.copyWithin(at + 1, at, n);
    values[at] = v;
    counts[at] = delta;
    this.lengths[chunk] = n + 1;
    if (at === n) this.lasts[chunk] = v;
    this.size++;
  }

  private split(chunk: number): void {
    const half = chunkValuesMax >> 1;
    const values = this.values[chunk]!;
    const counts = this.counts[chunk]!;
    // Both halves keep full-size arrays: a chunk that filled up is in a group that grows.
    const upperValues = new Float64Array(chunkValuesMax);
    const upperCounts = new Float64Array(chunkValuesMax);
    upperValues.set(values.subarray(half, chunkValuesMax));
    upperCounts.set(counts.subarray(half, chunkValuesMax));
    this.values.splice(chunk + 1, 0, upperValues);
    this.counts.splice(chunk + 1, 0, upperCounts);
    this.lengths.splice(chunk + 1, 0, chunkValuesMax - half);
    this.lasts.splice(chunk, 0, values[half - 1]!);
    this.lengths[chunk] = half;
  }
}
