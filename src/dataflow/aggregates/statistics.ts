/**
 * @module dataflow/aggregates/statistics
 * variance / stddev (samp and pop), covar, corr and regr_* per group, on exact moments
 * (moments.ts): an insertion or retraction updates the group's sums, never reads its other rows.
 * Over integers and numeric the variance family answers numeric, exactly as PostgreSQL's; over
 * floats, and for the two-column aggregates (float8 in PostgreSQL), float8.
 */
import type { Value } from '../../common/value.ts';
import { stateMismatch } from '../state.ts';
import { type Aggregator, growTo } from './aggregator.ts';
import {
  FloatMoments,
  type MomentsFunction,
  NumericMoments,
  type RegressionFunction,
  regressionFunctions,
  type VarianceFunction,
} from './moments.ts';

export class StatisticsAgg implements Aggregator {
  private readonly fn: MomentsFunction;
  /** Argument columns: [x] for the variance family, [y, x] for the regression family. */
  private readonly columns: readonly number[];
  private readonly numeric: boolean;
  private readonly slots: (NumericMoments | FloatMoments | null)[] = [];

  /** `numeric`: the argument is an integer or numeric (the variance family's numeric form). */
  constructor(fn: MomentsFunction, columns: readonly number[], numeric: boolean) {
    this.fn = fn;
    this.columns = columns;
    this.numeric = numeric;
  }

  reserve(capacity: number): void {
    growTo(this.slots, capacity, null);
  }

  update(slot: number, row: readonly Value[], base: number, weight: number): void {
    const first = row[base + this.columns[0]!]!;
    if (first === null) return;
    if (this.numeric) {
      let m = this.slots[slot] as NumericMoments | null;
      if (m === null) m = this.slots[slot] = new NumericMoments();
      m.add(first, weight);
      return;
    }
    const second = this.columns.length > 1 ? row[base + this.columns[1]!]! : 0;
    if (second === null) return;
    let m = this.slots[slot] as FloatMoments | null;
    if (m === null) m = this.slots[slot] = new FloatMoments();
    // The variance family reads x alone; the regression family (y, x).
    if (this.columns.length > 1) m.add(first as number, second as number, weight);
    else m.add(0, first as number, weight);
  }

  result(slot: number): Value {
    const m = this.slots[slot];
    if (m === null || m === undefined || m.isEmpty()) return this.fn === 'regr_count' ? 0 : null;
    if (m instanceof NumericMoments) return m.result(this.fn as VarianceFunction);
    return regressionFunctions.has(this.fn)
      ? m.regression(this.fn as RegressionFunction)
      : m.variance(this.fn as VarianceFunction);
  }

  clear(slot: number): void {
    this.slots[slot] = null;
  }

  saveSlot(slot: number): Value {
    return this.slots[slot]?.toData() ?? null;
  }

  restoreSlot(slot: number, data: Value): void {
    if (data === null) {
      this.slots[slot] = null;
      return;
    }
    if (!Array.isArray(data)) throw stateMismatch('malformed statistics state');
    this.slots[slot] = this.numeric ? NumericMoments.fromData(data) : FloatMoments.fromData(data);
  }
}
