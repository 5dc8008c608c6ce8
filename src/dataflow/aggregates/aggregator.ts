/**
 * @module dataflow/aggregates/aggregator
 * The contract of one aggregate function's incremental state, stored column-wise by group slot
 * (a small integer the aggregate operator assigns to each live group), so a group costs a few
 * array cells per aggregate rather than objects. Updates take weights: +w adds a row w times,
 * -w retracts it; the result is always that of the group's current contents.
 */
import type { Value } from '../../common/value.ts';

export interface Aggregator {
  /** Makes slots `0 … capacity-1` usable, each starting empty. */
  reserve(capacity: number): void;
  /** Applies the row at `row[base…]` with `weight` to group `slot`. */
  update(slot: number, row: readonly Value[], base: number, weight: number): void;
  /** The aggregate's value over the group's current rows (a fresh value, never mutated later). */
  result(slot: number): Value;
  /** Empties group `slot` so it can be reused for another group. */
  clear(slot: number): void;
  /**
   * Sets group `slot` to a state that only further insertions will follow and whose result is
   * `result` (a running window aggregate resumes from the previous row's output). Absent, or
   * returning false, when the result does not determine such a state (avg, float sums).
   */
  seed?(slot: number, result: Value): boolean;
  /** Group `slot`'s state as plain data (no live references; see dataflow/state.ts). */
  saveSlot(slot: number): Value;
  /** Sets group `slot` (reserved and empty) to a state `saveSlot` returned. */
  restoreSlot(slot: number, data: Value): void;
}

/** Grows `array` to `capacity` cells filled with `fill`. */
export function growTo<T>(array: T[], capacity: number, fill: T): void {
  while (array.length < capacity) array.push(fill);
}
