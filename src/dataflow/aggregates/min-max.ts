/**
 * @module dataflow/aggregates/min-max
 * min() and max(): per group an ordered multiset of the non-NULL values with their counts, so a
 * deletion (even of the current extreme) never rescans the group: the answer is an end of the set.
 */
import type { Value } from '../../common/value.ts';
import { compareValues } from '../../common/value-ops.ts';
import { SortedList } from '../sorted-list.ts';
import { type Aggregator, growTo } from './aggregator.ts';

export class MinMaxAgg implements Aggregator {
  private readonly column: number;
  private readonly isMax: boolean;
  private readonly sets: (SortedList<Value> | null)[] = [];

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
    if (set === null) {
      set = new SortedList<Value>(typeof v === 'number' ? compareNumbers : compareValues);
      this.sets[slot] = set;
    }
    set.addWeight(v, weight);
  }

  result(slot: number): Value {
    const set = this.sets[slot];
    if (set === null || set === undefined || set.size === 0) return null;
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

/** compareValues for numbers, without its dispatch (NaN above every number, as PostgreSQL). */
function compareNumbers(a: Value, b: Value): number {
  if ((a as number) < (b as number)) return -1;
  if ((a as number) > (b as number)) return 1;
  if (a === b) return 0;
  return compareValues(a, b);
}
