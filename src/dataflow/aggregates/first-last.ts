/**
 * @module dataflow/aggregates/first-last
 * first(x ORDER BY …) and last(x ORDER BY …), DuckDB's aggregates (PostgreSQL has none): x of the
 * group's first or last row under the ORDER BY, NULL x included; rows tied on the keys are ordered
 * by x (NULLs last), so the answer is deterministic. Per group a weighted sorted list of
 * (keys…, x): an insertion or deletion costs O(log n) and never rescans the group.
 */
import type { Value } from '../../common/value.ts';
import { compareSortKey } from '../../common/value-ops.ts';
import type { SortKey } from '../row.ts';
import { SortedList } from '../sorted-list.ts';
import { num, tuple } from '../state.ts';
import { type Aggregator, growTo } from './aggregator.ts';

export class FirstLastAgg implements Aggregator {
  private readonly column: number;
  private readonly keys: readonly SortKey[];
  private readonly last: boolean;
  private readonly order: (a: readonly Value[], b: readonly Value[]) => number;
  private readonly lists: (SortedList<Value[]> | null)[] = [];

  constructor(column: number, keys: readonly SortKey[], last: boolean) {
    this.column = column;
    this.keys = keys;
    this.last = last;
    const n = keys.length;
    this.order = (a, b) => {
      for (let i = 0; i < n; i++) {
        const k = keys[i]!;
        const c = compareSortKey(a[i]!, b[i]!, k.descending, k.nullsFirst);
        if (c !== 0) return c;
      }
      return compareSortKey(a[n]!, b[n]!, false, false);
    };
  }

  reserve(capacity: number): void {
    growTo(this.lists, capacity, null);
  }

  update(slot: number, row: readonly Value[], base: number, weight: number): void {
    const entry = this.keys.map((k) => row[base + k.column]!);
    entry.push(row[base + this.column]!);
    let list = this.lists[slot]!;
    if (list === null) list = this.lists[slot] = new SortedList<Value[]>(this.order);
    list.addWeight(entry, weight);
  }

  result(slot: number): Value {
    const list = this.lists[slot];
    const entry = this.last ? list?.last() : list?.first();
    return entry === undefined ? null : entry[this.keys.length]!;
  }

  clear(slot: number): void {
    this.lists[slot] = null;
  }

  saveSlot(slot: number): Value {
    const arrays = this.lists[slot]?.toArrays() ?? { items: [], weights: [] };
    return [arrays.items, arrays.weights];
  }

  restoreSlot(slot: number, data: Value): void {
    const [items, weights] = tuple(data, 2);
    const entries = items as Value[][];
    for (let i = 0; i < entries.length; i++) {
      let list = this.lists[slot]!;
      if (list === null) list = this.lists[slot] = new SortedList<Value[]>(this.order);
      list.addWeight(entries[i]!.slice(), num((weights as Value[])[i]));
    }
  }
}
