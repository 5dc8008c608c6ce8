/**
 * @module dataflow/aggregates/distinct
 * The DISTINCT form of an aggregate (count/sum/avg/bool_and/bool_or(DISTINCT x)): per group a count
 * of each non-NULL value; the inner aggregate sees a value once when its count becomes positive
 * and is retracted when it drops to zero, so it always aggregates the group's distinct values.
 */
import type { SqlType } from '../../common/types.ts';
import type { Value } from '../../common/value.ts';
import { type KeyMap, makeKeyMap } from '../key-map.ts';
import { num, stateMismatch, tuple } from '../state.ts';
import { type Aggregator, growTo } from './aggregator.ts';

export class DistinctAgg implements Aggregator {
  private readonly inner: Aggregator;
  private readonly column: number;
  private readonly types: readonly SqlType[];
  private readonly counts: (KeyMap<number> | null)[] = [];

  constructor(inner: Aggregator, column: number, type: SqlType) {
    this.inner = inner;
    this.column = column;
    this.types = [type];
  }

  reserve(capacity: number): void {
    this.inner.reserve(capacity);
    growTo(this.counts, capacity, null);
  }

  update(slot: number, row: readonly Value[], base: number, weight: number): void {
    const at = base + this.column;
    if (row[at] === null) return;
    let counts = this.counts[slot]!;
    if (counts === null) {
      counts = makeKeyMap<number>(this.types);
      this.counts[slot] = counts;
    }
    const before = counts.get(row, at) ?? 0;
    const after = before + weight;
    if (after === 0) counts.delete(row, at);
    else counts.set(row, at, after);
    if (before <= 0 && after > 0) this.inner.update(slot, row, base, 1);
    else if (before > 0 && after <= 0) this.inner.update(slot, row, base, -1);
  }

  result(slot: number): Value {
    return this.inner.result(slot);
  }

  clear(slot: number): void {
    this.inner.clear(slot);
    this.counts[slot] = null;
  }

  /** [inner state, [value, count, value, count, …]]. */
  saveSlot(slot: number): Value {
    const flat: Value[] = [];
    this.counts[slot]?.forEach((count, key, base) => {
      flat.push(key[base]!, count);
    });
    return [this.inner.saveSlot(slot), flat];
  }

  restoreSlot(slot: number, data: Value): void {
    const [inner, flat] = tuple(data, 2);
    this.inner.restoreSlot(slot, inner!);
    if (!Array.isArray(flat) || flat.length % 2 !== 0) throw stateMismatch('malformed distinct counts');
    if (flat.length === 0) return;
    const counts = makeKeyMap<number>(this.types);
    for (let i = 0; i < flat.length; i += 2) counts.set(flat, i, num(flat[i + 1]));
    this.counts[slot] = counts;
  }
}
