/**
 * @module dataflow/aggregates/sum
 * sum() and avg() as running totals that accept retractions exactly: integers in a safe JS number,
 * promoted to bigint only when a total leaves the safe range; numeric as an exact Numeric with
 * its NaN/±Infinity counted apart and the display scale of the live values tracked; floats as an
 * exact FloatSum (so the result does not depend on arrival order); interval field by field.
 * Result types as PostgreSQL: sum(int2/int4) int8, sum(int8) numeric, avg(integers) numeric.
 */
import { checkedInterval, divideInterval, type Interval } from '../../common/interval.ts';
import { Numeric } from '../../common/numeric.ts';
import type { Value } from '../../common/value.ts';
import { int8Canonical } from '../../functions/int-ops.ts';
import { FloatSum } from '../float-sum.ts';
import { num, numbers, stateMismatch, tuple } from '../state.ts';
import { type Aggregator, growTo } from './aggregator.ts';

/** sum/avg over smallint, integer or bigint values. */
export class IntSumAgg implements Aggregator {
  private readonly column: number;
  /** 'int8': sum returns bigint; 'numeric': sum returns numeric; 'avg': avg (numeric). */
  private readonly output: 'int8' | 'numeric' | 'avg';
  private readonly counts: number[] = [];
  private readonly sums: number[] = [];
  /** The exact total once it left the safe-integer range (then `sums` is unused). */
  private readonly bigs: (bigint | null)[] = [];

  constructor(column: number, output: 'int8' | 'numeric' | 'avg') {
    this.column = column;
    this.output = output;
  }

  reserve(capacity: number): void {
    growTo(this.counts, capacity, 0);
    growTo(this.sums, capacity, 0);
    growTo(this.bigs, capacity, null);
  }

  update(slot: number, row: readonly Value[], base: number, weight: number): void {
    const v = row[base + this.column]!;
    if (v === null) return;
    this.counts[slot]! += weight;
    if (typeof v === 'number' && this.bigs[slot] === null) {
      const p = v * weight;
      if (Number.isSafeInteger(p)) {
        const s = this.sums[slot]! + p;
        if (Number.isSafeInteger(s)) {
          this.sums[slot] = s;
          return;
        }
      }
    }
    const big = (this.bigs[slot] ?? BigInt(this.sums[slot]!)) + BigInt(v as number | bigint) * BigInt(weight);
    if (big <= 9007199254740991n && big >= -9007199254740991n) {
      this.sums[slot] = Number(big);
      this.bigs[slot] = null;
    } else this.bigs[slot] = big;
  }

  result(slot: number): Value {
    const n = this.counts[slot]!;
    if (n <= 0) return null;
    const big = this.bigs[slot];
    switch (this.output) {
      case 'int8':
        return big === null ? this.sums[slot]! : int8Canonical(big!);
      case 'numeric':
        return Numeric.fromInt(big ?? this.sums[slot]!);
      case 'avg':
        return Numeric.avg(Numeric.fromInt(big ?? this.sums[slot]!), n);
    }
  }

  /** [count, safe-integer total, bigint total or null]. */
  saveSlot(slot: number): Value {
    return [this.counts[slot]!, this.sums[slot]!, this.bigs[slot]!];
  }

  restoreSlot(slot: number, data: Value): void {
    const [count, sum, big] = tuple(data, 3);
    if (big !== null && typeof big !== 'bigint') throw stateMismatch('malformed integer sum');
    this.counts[slot] = num(count);
    this.sums[slot] = num(sum);
    this.bigs[slot] = big;
  }

  clear(slot: number): void {
    this.counts[slot] = 0;
    this.sums[slot] = 0;
    this.bigs[slot] = null;
  }

  seed(slot: number, result: Value): boolean {
    if (this.output === 'avg') return false;
    this.clear(slot);
    if (result === null) return true;
    // Only whether the count is positive matters to sum's result.
    this.counts[slot] = 1;
    const total = result instanceof Numeric ? result.digits : (result as number | bigint);
    if (typeof total === 'number') this.sums[slot] = total;
    else if (total <= 9007199254740991n && total >= -9007199254740991n) this.sums[slot] = Number(total);
    else this.bigs[slot] = total;
    return true;
  }
}

/** sum/avg over numeric values. */
export class NumericSumAgg implements Aggregator {
  private readonly column: number;
  private readonly avg: boolean;
  private readonly counts: number[] = [];
  private readonly sums: Numeric[] = [];
  private readonly nans: number[] = [];
  private readonly posInfs: number[] = [];
  private readonly negInfs: number[] = [];
  /** Per group, how many live values have each display scale (index = scale); null until needed. */
  private readonly scales: (number[] | null)[] = [];

  constructor(column: number, avg: boolean) {
    this.column = column;
    this.avg = avg;
  }

  reserve(capacity: number): void {
    growTo(this.counts, capacity, 0);
    growTo(this.sums, capacity, Numeric.ZERO);
    growTo(this.nans, capacity, 0);
    growTo(this.posInfs, capacity, 0);
    growTo(this.negInfs, capacity, 0);
    growTo(this.scales, capacity, null);
  }

  update(slot: number, row: readonly Value[], base: number, weight: number): void {
    const v = row[base + this.column] as Numeric | null;
    if (v === null) return;
    this.counts[slot]! += weight;
    if (!v.isFinite()) {
      if (v.isNaN()) this.nans[slot]! += weight;
      else if (v.signum() > 0) this.posInfs[slot]! += weight;
      else this.negInfs[slot]! += weight;
      return;
    }
    const sum = this.sums[slot]!;
    this.sums[slot] =
      weight === 1 ? sum.add(v) : weight === -1 ? sum.sub(v) : sum.add(v.mul(Numeric.fromInt(weight)));
    let scales = this.scales[slot]!;
    if (scales === null) {
      scales = [];
      this.scales[slot] = scales;
    }
    while (scales.length <= v.scale) scales.push(0);
    scales[v.scale]! += weight;
  }

  result(slot: number): Value {
    const n = this.counts[slot]!;
    if (n <= 0) return null;
    if (this.nans[slot]! > 0 || (this.posInfs[slot]! > 0 && this.negInfs[slot]! > 0)) return Numeric.NaN;
    if (this.posInfs[slot]! > 0) return Numeric.POSITIVE_INFINITY;
    if (this.negInfs[slot]! > 0) return Numeric.NEGATIVE_INFINITY;
    let sum = this.sums[slot]!;
    // The running total keeps the largest scale ever added; a from-scratch sum has the largest
    // scale among the live values, and the total is exact at that scale.
    const scales = this.scales[slot];
    let live = 0;
    if (scales !== null)
      for (let s = scales.length - 1; s >= 0; s--)
        if (scales[s]! > 0) {
          live = s;
          break;
        }
    if (sum.scale > live) sum = sum.round(live);
    return this.avg ? Numeric.avg(sum, n) : sum;
  }

  /** [count, finite total, NaN count, +∞ count, −∞ count, live values per scale or null]. */
  saveSlot(slot: number): Value {
    const scales = this.scales[slot]!;
    return [
      this.counts[slot]!,
      this.sums[slot]!,
      this.nans[slot]!,
      this.posInfs[slot]!,
      this.negInfs[slot]!,
      scales === null ? null : scales.slice(),
    ];
  }

  restoreSlot(slot: number, data: Value): void {
    const [count, sum, nans, posInfs, negInfs, scales] = tuple(data, 6);
    if (!(sum instanceof Numeric)) throw stateMismatch('malformed numeric sum');
    this.counts[slot] = num(count);
    this.sums[slot] = sum;
    this.nans[slot] = num(nans);
    this.posInfs[slot] = num(posInfs);
    this.negInfs[slot] = num(negInfs);
    this.scales[slot] = scales === null ? null : numbers(scales);
  }

  clear(slot: number): void {
    this.counts[slot] = 0;
    this.sums[slot] = Numeric.ZERO;
    this.nans[slot] = 0;
    this.posInfs[slot] = 0;
    this.negInfs[slot] = 0;
    this.scales[slot] = null;
  }

  seed(slot: number, result: Value): boolean {
    if (this.avg) return false;
    this.clear(slot);
    if (result !== null) this.update(slot, [result], -this.column, 1);
    return true;
  }
}

/** sum/avg over real or double precision values. */
export class FloatSumAgg implements Aggregator {
  private readonly column: number;
  private readonly output: 'float4' | 'float8' | 'avg';
  private readonly counts: number[] = [];
  private readonly sums: (FloatSum | null)[] = [];

  constructor(column: number, output: 'float4' | 'float8' | 'avg') {
    this.column = column;
    this.output = output;
  }

  reserve(capacity: number): void {
    growTo(this.counts, capacity, 0);
    growTo(this.sums, capacity, null);
  }

  update(slot: number, row: readonly Value[], base: number, weight: number): void {
    const v = row[base + this.column] as number | null;
    if (v === null) return;
    this.counts[slot]! += weight;
    let sum = this.sums[slot]!;
    if (sum === null) {
      sum = new FloatSum();
      this.sums[slot] = sum;
    }
    sum.add(v, weight);
  }

  result(slot: number): Value {
    const n = this.counts[slot]!;
    if (n <= 0) return null;
    const total = this.sums[slot]!.value();
    if (this.output === 'avg') return total / n;
    return this.output === 'float4' ? Math.fround(total) : total;
  }

  /** [count, [exact partials, infinity and NaN counts] or null]. */
  saveSlot(slot: number): Value {
    const sum = this.sums[slot]!;
    return [this.counts[slot]!, sum === null ? null : sum.toData()];
  }

  restoreSlot(slot: number, data: Value): void {
    const [count, sum] = tuple(data, 2);
    this.counts[slot] = num(count);
    if (sum === null) return;
    const [partials, counts] = tuple(sum, 2);
    const infinities = numbers(counts);
    if (infinities.length !== 3) throw stateMismatch('malformed float sum');
    this.sums[slot] = FloatSum.fromData(numbers(partials), infinities);
  }

  clear(slot: number): void {
    this.counts[slot] = 0;
    this.sums[slot] = null;
  }
}

/** sum/avg over interval values, field by field as PostgreSQL adds intervals. */
export class IntervalSumAgg implements Aggregator {
  private readonly column: number;
  private readonly avg: boolean;
  private readonly counts: number[] = [];
  private readonly months: number[] = [];
  private readonly days: number[] = [];
  private readonly micros: number[] = [];

  constructor(column: number, avg: boolean) {
    this.column = column;
    this.avg = avg;
  }

  reserve(capacity: number): void {
    growTo(this.counts, capacity, 0);
    growTo(this.months, capacity, 0);
    growTo(this.days, capacity, 0);
    growTo(this.micros, capacity, 0);
  }

  update(slot: number, row: readonly Value[], base: number, weight: number): void {
    const v = row[base + this.column] as Interval | null;
    if (v === null) return;
    this.counts[slot]! += weight;
    this.months[slot]! += v.months * weight;
    this.days[slot]! += v.days * weight;
    this.micros[slot]! += v.micros * weight;
  }

  result(slot: number): Value {
    const n = this.counts[slot]!;
    if (n <= 0) return null;
    const sum = checkedInterval(this.months[slot]!, this.days[slot]!, this.micros[slot]!);
    return this.avg ? divideInterval(sum, n) : sum;
  }

  /** [count, months, days, microseconds]. */
  saveSlot(slot: number): Value {
    return [this.counts[slot]!, this.months[slot]!, this.days[slot]!, this.micros[slot]!];
  }

  restoreSlot(slot: number, data: Value): void {
    const [count, months, days, micros] = tuple(data, 4);
    this.counts[slot] = num(count);
    this.months[slot] = num(months);
    this.days[slot] = num(days);
    this.micros[slot] = num(micros);
  }

  clear(slot: number): void {
    this.counts[slot] = 0;
    this.months[slot] = 0;
    this.days[slot] = 0;
    this.micros[slot] = 0;
  }
}
