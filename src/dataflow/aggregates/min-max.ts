/**
 * @module dataflow/aggregates/min-max
 * min() and max(). Per group, the cheapest form that can still answer after a deletion:
 * - one distinct value, inline (most groups of a wide GROUP BY are tiny);
 * - numbers seen only by insertions: an unsorted append buffer and its running extreme;
 * - otherwise an ordered multiset (unboxed NumberMultiset for numbers, else the generic ordered
 *   list), where a deletion, even of the extreme, never rescans the group.
 * The first deletion in an append-only group, or its buffer passing `appendBufferMax` entries,
 * sorts the buffer into the multiset once: amortized over the insertions before, that is the
 * multiset's own insertion cost, and memory stays bounded by the distinct values.
 * The ordered list sorts by `minMaxOrder` (common/bpchar): char values trimmed, so a min set's
 * first item and a max set's last are the extremes char's comparison picks; the forms of one char
 * value stay separate items, so retracting one leaves the other.
 */
import type { Value } from '../../common/value.ts';
import { compareValues } from '../../common/value-ops.ts';
import { NumberMultiset } from '../number-multiset.ts';
import { SortedList } from '../sorted-list.ts';
import { num, numbers, stateMismatch, tuple } from '../state.ts';
import { type Aggregator, growTo } from './aggregator.ts';

type ValueSet = NumberMultiset | SortedList<Value>;

const appendBufferMax = 128;

/** An insert-only group's numbers (with counts, unsorted) and their extreme. */
class AppendBuffer {
  readonly values: number[];
  readonly counts: number[];
  extreme: number;
  constructor(values: number[], counts: number[], extreme: number) {
    this.values = values;
    this.counts = counts;
    this.extreme = extreme;
  }
}

export class MinMaxAgg implements Aggregator {
  private readonly column: number;
  private readonly isMax: boolean;
  /** The ordered list's order: the extreme sought is its first item (min) or last (max). */
  private readonly order: (a: Value, b: Value) => number;
  private readonly sets: (ValueSet | AppendBuffer | null)[] = [];
  /** A group's only distinct value and its count, while it has one and no set. */
  private readonly singles: Value[] = [];
  private readonly singleCounts: number[] = [];

  constructor(column: number, isMax: boolean, order: (a: Value, b: Value) => number) {
    this.column = column;
    this.isMax = isMax;
    this.order = order;
  }

  reserve(capacity: number): void {
    growTo(this.sets, capacity, null);
    growTo(this.singles, capacity, null);
    growTo(this.singleCounts, capacity, 0);
  }

  update(slot: number, row: readonly Value[], base: number, weight: number): void {
    const v = row[base + this.column]!;
    if (v !== null) this.add(slot, v, weight);
  }

  result(slot: number): Value {
    const set = this.sets[slot];
    if (set === null || set === undefined) return this.singleCounts[slot] === 0 ? null : this.singles[slot]!;
    if (set instanceof AppendBuffer) return set.extreme;
    if (set.size === 0) return null;
    if (set instanceof NumberMultiset) return this.isMax ? set.max() : set.min();
    return (this.isMax ? set.last() : set.first()) ?? null;
  }

  clear(slot: number): void {
    this.sets[slot] = null;
    this.singles[slot] = null;
    this.singleCounts[slot] = 0;
  }

  seed(slot: number, result: Value): boolean {
    this.clear(slot);
    if (result !== null) this.add(slot, result, 1);
    return true;
  }

  /**
   * The group's form and contents: ['single', value, count], ['append', values, counts, extreme],
   * ['numbers', values, counts] or ['sorted', values, counts] (ascending).
   */
  saveSlot(slot: number): Value {
    const set = this.sets[slot];
    if (set === null || set === undefined) return ['single', this.singles[slot]!, this.singleCounts[slot]!];
    if (set instanceof AppendBuffer) return ['append', set.values.slice(), set.counts.slice(), set.extreme];
    if (set instanceof NumberMultiset) {
      const values: number[] = [];
      const counts: number[] = [];
      set.forEach((v, count) => {
        values.push(v);
        counts.push(count);
      });
      return ['numbers', values, counts];
    }
    const { items, weights } = set.toArrays();
    return ['sorted', items, weights];
  }

  restoreSlot(slot: number, data: Value): void {
    const form = Array.isArray(data) ? data[0] : undefined;
    if (form === 'single') {
      const [, value, count] = tuple(data, 3);
      this.singles[slot] = value!;
      this.singleCounts[slot] = num(count);
    } else if (form === 'append') {
      const [, values, counts, extreme] = tuple(data, 4);
      this.sets[slot] = new AppendBuffer(numbers(values), numbers(counts), num(extreme));
    } else if (form === 'numbers') {
      const [, values, counts] = tuple(data, 3);
      const set = new NumberMultiset();
      const vs = numbers(values);
      const cs = numbers(counts);
      for (let i = 0; i < vs.length; i++) set.add(vs[i]!, cs[i]!);
      this.sets[slot] = set;
    } else if (form === 'sorted') {
      const [, values, counts] = tuple(data, 3);
      const list = new SortedList<Value>(this.order);
      const cs = numbers(counts);
      if (!Array.isArray(values) || values.length !== cs.length) throw stateMismatch('malformed min/max set');
      for (let i = 0; i < cs.length; i++) list.insert(values[i]!, cs[i]!);
      this.sets[slot] = list;
    } else throw stateMismatch('malformed min/max state');
  }

  private add(slot: number, v: Value, weight: number): void {
    const set = this.sets[slot]!;
    if (set instanceof AppendBuffer) {
      if (typeof v === 'number' && weight > 0 && set.values.length < appendBufferMax) {
        set.values.push(v);
        set.counts.push(weight);
        if (this.better(v, set.extreme)) set.extreme = v;
        return;
      }
      this.addToSet(slot, this.toMultiset(set), v, weight);
      return;
    }
    if (set !== null) {
      this.addToSet(slot, set, v, weight);
      return;
    }
    const count = this.singleCounts[slot]!;
    if (count === 0) {
      this.singles[slot] = v;
      this.singleCounts[slot] = weight;
      return;
    }
    const single = this.singles[slot]!;
    if (single === v || compareValues(single, v) === 0) {
      this.singleCounts[slot] = count + weight;
      if (count + weight === 0) this.singles[slot] = null;
      return;
    }
    // A second distinct value: the group needs a set.
    this.singles[slot] = null;
    this.singleCounts[slot] = 0;
    if (typeof single === 'number' && typeof v === 'number' && weight > 0) {
      this.sets[slot] = new AppendBuffer([single, v], [count, weight], this.better(v, single) ? v : single);
      return;
    }
    const created = typeof single === 'number' ? new NumberMultiset() : new SortedList<Value>(this.order);
    this.sets[slot] = created;
    this.addToSet(slot, created, single, count);
    this.addToSet(slot, this.sets[slot] as ValueSet, v, weight);
  }

  /** Whether `v` beats `extreme` (max: greater; min: smaller), NaN above every number. */
  private better(v: number, extreme: number): boolean {
    const c = v < extreme ? -1 : v > extreme ? 1 : compareValues(v, extreme);
    return this.isMax ? c > 0 : c < 0;
  }

  private toMultiset(buffer: AppendBuffer): NumberMultiset {
    const set = new NumberMultiset();
    const { values, counts } = buffer;
    // In ascending order every addition appends to the multiset's last chunk.
    const order = Array.from(values.keys()).sort((a, b) => compareValues(values[a]!, values[b]!));
    for (let i = 0; i < order.length; i++) set.add(values[order[i]!]!, counts[order[i]!]!);
    return set;
  }

  private addToSet(slot: number, set: ValueSet, v: Value, weight: number): void {
    this.sets[slot] = set;
    if (set instanceof NumberMultiset) {
      if (typeof v === 'number') {
        set.add(v, weight);
        return;
      }
      set = toSortedList(set, this.order);
      this.sets[slot] = set;
    }
    set.addWeight(v, weight);
  }
}

function toSortedList(set: NumberMultiset, order: (a: Value, b: Value) => number): SortedList<Value> {
  const list = new SortedList<Value>(order);
  set.forEach((v, count) => {
    list.addWeight(v, count);
  });
  return list;
}
