/**
 * @module dataflow/aggregates/min-max
 * min() and max(): per group an ordered multiset of the non-NULL values with their counts, so a
 * deletion (even of the current extreme) never rescans the group: the answer is an end of the set.
 * Number-valued groups use the unboxed NumberMultiset; any other value (a bigint past 2^53, text,
 * numeric…) moves the group to the generic ordered list.
 */
import type { Value } from '../../common/value.ts';
import { compareValues } from '../../common/value-ops.ts';
import { NumberMultiset } from '../number-multiset.ts';
import { SortedList } from '../sorted-list.ts';
import { type Aggregator, growTo } from './aggregator.ts';

type ValueSet = NumberMultiset | SortedList<Value>;

export class MinMaxAgg implements Aggregator {
  private readonly column: number;
  private readonly isMax: boolean;
  private readonly sets: (ValueSet | null)[] = [];

  constructor(column: number, isMax: boolean) {
    this.column = column;
    this.isMax = isMax;
  }

  reserve(capacity: number): void {
    growTo(this.sets, capacity, null);
  }

  update(slot: number, row: readonly Value[], base: number, weight: number): void {
    const v = row[base + this.column]!;
    if (v === null) return;
    let set = this.sets[slot]!;
    if (typeof v === 'number') {
      if (set === null) {
        set = new NumberMultiset();
        this.sets[slot] = set;
      }
      if (set instanceof NumberMultiset) {
        set.add(v, weight);
        return;
      }
    } else if (set === null || set instanceof NumberMultiset) {
      set = toSortedList(set);
      this.sets[slot] = set;
    }
    set.addWeight(v, weight);
  }

  result(slot: number): Value {
    const set = this.sets[slot];
    if (set === null || set === undefined || set.size === 0) return null;
    if (set instanceof NumberMultiset) return this.isMax ? set.max() : set.min();
    return (this.isMax ? set.last() : set.first()) ?? null;
  }

  clear(slot: number): void {
    this.sets[slot] = null;
  }

  seed(slot: number, result: Value): boolean {
    this.sets[slot] = null;
    if (result !== null) this.update(slot, [result], -this.column, 1);
    return true;
  }
}

function toSortedList(set: NumberMultiset | null): SortedList<Value> {
  const list = new SortedList<Value>(compareValues);
  set?.forEach((v, count) => {
    list.addWeight(v, count);
  });
  return list;
}
