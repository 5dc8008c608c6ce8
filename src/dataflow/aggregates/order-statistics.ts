/**
 * @module dataflow/aggregates/order-statistics
 * The ordered-set aggregates percentile_cont(f), percentile_disc(f) and mode() WITHIN GROUP
 * (ORDER BY x): per group the non-NULL values of x in a weighted sorted list (weight = how many
 * rows have the value), so the value at a rank is found in O(log n) and an insertion or deletion
 * never rescans the group; mode keeps a second list of (count, value) ordered by count, highest
 * first, ties in the ORDER BY's order (PostgreSQL answers the first of the most frequent).
 * The results and errors are PostgreSQL's (percentile_cont interpolates as float8_lerp does).
 */
import { DataError, SqlState } from '../../common/errors.ts';
import type { Value } from '../../common/value.ts';
import { compareSortKey } from '../../common/value-ops.ts';
import type { SortKey } from '../row.ts';
import { type Cursor, SortedList } from '../sorted-list.ts';
import { num, tuple } from '../state.ts';
import { type Aggregator, growTo } from './aggregator.ts';

export type OrderedSetFunction = 'percentile_cont' | 'percentile_disc' | 'mode';

interface ModeEntry {
  readonly value: Value;
  readonly count: number;
}

export class OrderedSetAgg implements Aggregator {
  private readonly fn: OrderedSetFunction;
  /** The ordered value's column. */
  private readonly column: number;
  /** The fraction's column (the direct argument, constant per group), or -1 for mode. */
  private readonly fractionColumn: number;
  private readonly order: (a: Value, b: Value) => number;
  private readonly values: (SortedList<Value> | null)[] = [];
  private readonly modes: (SortedList<ModeEntry> | null)[] = [];
  /** The fraction last seen per group (constant, so any row's). */
  private readonly fractions: Value[] = [];
  private readonly cursor: Cursor = { chunk: 0, offset: 0 };

  constructor(fn: OrderedSetFunction, args: readonly number[], key: SortKey) {
    this.fn = fn;
    this.column = key.column;
    this.fractionColumn = fn === 'mode' ? -1 : args[args.length - 1]!;
    this.order = (a, b) => compareSortKey(a, b, key.descending, key.nullsFirst);
  }

  reserve(capacity: number): void {
    growTo(this.values, capacity, null);
    growTo(this.modes, capacity, null);
    growTo(this.fractions, capacity, null);
  }

  update(slot: number, row: readonly Value[], base: number, weight: number): void {
    if (this.fractionColumn >= 0) this.fractions[slot] = row[base + this.fractionColumn]!;
    const v = row[base + this.column]!;
    if (v === null) return;
    let list = this.values[slot]!;
    if (list === null) list = this.values[slot] = new SortedList<Value>(this.order);
    const cur = this.cursor;
    const before = list.search(v, cur) ? list.weightAtCursor(cur) : 0;
    list.addWeight(v, weight);
    if (this.fn === 'mode') this.moveMode(slot, v, before, before + weight);
  }

  private moveMode(slot: number, value: Value, before: number, after: number): void {
    let modes = this.modes[slot]!;
    if (modes === null) {
      const order = this.order;
      modes = this.modes[slot] = new SortedList<ModeEntry>(
        (a, b) => b.count - a.count || order(a.value, b.value),
      );
    }
    if (before > 0) modes.addWeight({ value, count: before }, -1);
    if (after > 0) modes.addWeight({ value, count: after }, 1);
  }

  result(slot: number): Value {
    if (this.fn === 'mode') return this.modes[slot]?.first()?.value ?? null;
    const fraction = this.fractions[slot];
    if (fraction === null || fraction === undefined) return null;
    return percentile(this.fn, fraction as number, this.values[slot] ?? null, this.cursor);
  }

  clear(slot: number): void {
    this.values[slot] = null;
    this.modes[slot] = null;
    this.fractions[slot] = null;
  }

  /** [fraction, values, weights]; mode's list is rebuilt from the counts. */
  saveSlot(slot: number): Value {
    const arrays = this.values[slot]?.toArrays() ?? { items: [], weights: [] };
    return [this.fractions[slot] ?? null, arrays.items, arrays.weights];
  }

  restoreSlot(slot: number, data: Value): void {
    const [fraction, items, weights] = tuple(data, 3);
    this.fractions[slot] = fraction ?? null;
    const values = items as Value[];
    const counts = weights as Value[];
    for (let i = 0; i < values.length; i++) {
      const w = num(counts[i]);
      let list = this.values[slot]!;
      if (list === null) list = this.values[slot] = new SortedList<Value>(this.order);
      list.addWeight(values[i]!, w);
      if (this.fn === 'mode') this.moveMode(slot, values[i]!, 0, w);
    }
  }
}

/** percentile_cont / percentile_disc of the values in `list` (null when there are none). */
export function percentile(
  fn: 'percentile_cont' | 'percentile_disc',
  fraction: number,
  list: Pick<SortedList<Value>, 'total' | 'seekRank' | 'itemAt'> | null,
  cursor: Cursor,
): Value {
  checkFraction(fraction);
  const n = list?.total ?? 0;
  if (list === null || n <= 0) return null;
  const at = (rank: number): Value => {
    list.seekRank(rank, cursor);
    return list.itemAt(cursor);
  };
  if (fn === 'percentile_disc') {
    const row = Math.ceil(fraction * n);
    return at(row > 1 ? row - 1 : 0);
  }
  const position = fraction * (n - 1);
  const first = Math.floor(position);
  const second = Math.ceil(position);
  const lo = at(first) as number;
  if (first === second) return lo;
  const hi = at(second) as number;
  return lo + (hi - lo) * (position - first);
}

export function checkFraction(fraction: number): void {
  if (fraction < 0 || fraction > 1 || Number.isNaN(fraction))
    throw new DataError(
      SqlState.numericValueOutOfRange,
      `percentile value ${formatG(fraction)} is not between 0 and 1`,
    );
}

/** C's %g for the message (six significant digits). */
function formatG(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  return String(Number(x.toPrecision(6)));
}
