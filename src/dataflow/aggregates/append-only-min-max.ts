/**
 * @module dataflow/aggregates/append-only-min-max
 * min / max over an append-only input (a source, and what filters, maps, inner joins and UNION
 * ALL make of sources): no row is ever retracted, so each group keeps just its current extreme,
 * one value instead of a multiset of every value seen. A retraction would be a planning bug.
 * The extreme is sought in `minMaxOrder` (common/bpchar), char's trimmed order for char values.
 */
import { InternalError } from '../../common/errors.ts';
import type { Value } from '../../common/value.ts';
import { type Aggregator, growTo } from './aggregator.ts';

export class AppendOnlyMinMaxAgg implements Aggregator {
  private readonly column: number;
  /** +1 for max, −1 for min. */
  private readonly sign: number;
  private readonly order: (a: Value, b: Value) => number;
  private readonly best: Value[] = [];

  constructor(column: number, max: boolean, order: (a: Value, b: Value) => number) {
    this.column = column;
    this.sign = max ? 1 : -1;
    this.order = order;
  }

  reserve(capacity: number): void {
    growTo(this.best, capacity, null);
  }

  update(slot: number, row: readonly Value[], base: number, weight: number): void {
    if (weight < 0) throw new InternalError('append-only min/max received a retraction');
    const v = row[base + this.column]!;
    if (v === null) return;
    const current = this.best[slot]!;
    if (current === null || this.sign * this.order(v, current) > 0) this.best[slot] = v;
  }

  result(slot: number): Value {
    return this.best[slot]!;
  }

  clear(slot: number): void {
    this.best[slot] = null;
  }

  seed(slot: number, result: Value): boolean {
    this.best[slot] = result;
    return true;
  }

  saveSlot(slot: number): Value {
    return this.best[slot]!;
  }

  restoreSlot(slot: number, data: Value): void {
    this.best[slot] = data;
  }
}
