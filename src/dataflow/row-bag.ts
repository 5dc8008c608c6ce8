/**
 * @module dataflow/row-bag
 * The rows of one key in an arrangement: a compact row-major bag of distinct rows with weights,
 * plus an optional per-row counter (`aux`, e.g. a join's match count). Small bags are scanned;
 * past `bagIndexRowsMin` rows an open-addressing index over row hashes makes finding, reweighting
 * and removing a row O(1) expected, so a big group is never scanned to change one row.
 * Invariant: rows are pairwise distinct (by `RowMatch`); a row whose weight reaches zero is
 * removed by its owner.
 */
import type { Value } from '../common/value.ts';
import { hashRow, rowsEqual, rowsIdentical } from './row.ts';

/**
 * Which rows a bag merges: `form` keeps rows that differ only in form apart (1.10 and 1.1, as a
 * join's stored side must, to emit each row as it came); `value` merges rows equal as SQL values
 * (DISTINCT and set operations, where 1.10 = 1.1).
 */
export type RowMatch = 'form' | 'value';

/** Bags up to this many rows are scanned linearly; larger ones carry a hash index. */
export const bagIndexRowsMin = 8;

export class RowBag {
  readonly arity: number;
  readonly values: Value[] = [];
  readonly weights: number[] = [];
  /** Per-row counter kept beside the weight (join match counts); null when unused. */
  readonly aux: number[] | null;
  /** Per-row entry ids (operators checkpointing each row as its own entry); null when unused. */
  readonly ids: number[] | null;
  /** Sum of the weights of all rows. */
  total = 0;
  /** The bag's own entry id and change mark, when an operator checkpoints it as one entry (state.ts). */
  entryId = 0;
  mark = 0;
  /**
   * Set while a checkpoint's delta holds this bag's rows as of its boundary without a copy
   * (state.ts `boundaryBagEntry`): run once, by `settle`, before the rows next change in place.
   * Appends need not settle: the entry keeps only the rows the bag had at the boundary.
   */
  beforeWrite: (() => void) | null = null;
  private hashes: number[] | null = null;
  private index: Int32Array | null = null;
  private readonly same: typeof rowsEqual;

  constructor(arity: number, withAux: boolean, match: RowMatch = 'form', withIds = false) {
    this.arity = arity;
    this.aux = withAux ? [] : null;
    this.ids = withIds ? [] : null;
    this.same = match === 'form' ? rowsIdentical : rowsEqual;
  }

  get length(): number {
    return this.weights.length;
  }

  /** The slot of the row equal to `src[base…]`, or -1. */
  find(src: readonly Value[], base: number): number {
    const arity = this.arity;
    const index = this.index;
    if (index === null) {
      const values = this.values;
      const n = this.weights.length;
      for (let s = 0, b = 0; s < n; s++, b += arity) if (this.same(values, b, src, base, arity)) return s;
      return -1;
    }
    const h = hashRow(src, base, arity);
    const hashes = this.hashes!;
    const mask = index.length - 1;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const e = index[i]!;
      if (e === 0) return -1;
      if (hashes[e - 1] === h && this.same(this.values, (e - 1) * arity, src, base, arity)) return e - 1;
    }
  }

  /**
   * Adds `weight` to the row `src[base…]`, appending it (with `aux` = `auxInit`, id 0) when absent.
   * Returns its slot; the caller removes the row with `removeAt` if its weight became zero.
   */
  add(src: readonly Value[], base: number, weight: number, auxInit: number): number {
    this.total += weight;
    const s = this.find(src, base);
    if (s >= 0) {
      if (this.beforeWrite !== null) this.settle();
      this.weights[s]! += weight;
      return s;
    }
    const arity = this.arity;
    const values = this.values;
    for (let j = 0; j < arity; j++) values.push(src[base + j]!);
    this.weights.push(weight);
    if (this.aux !== null) this.aux.push(auxInit);
    if (this.ids !== null) this.ids.push(0);
    const slot = this.weights.length - 1;
    if (this.index !== null) this.indexInsert(slot, hashRow(src, base, arity));
    else if (slot + 1 > bagIndexRowsMin) this.buildIndex();
    return slot;
  }

  /** Removes the row at `slot` (its weight should be zero), moving the last row into its place. */
  removeAt(slot: number): void {
    if (this.beforeWrite !== null) this.settle();
    const last = this.weights.length - 1;
    const arity = this.arity;
    this.total -= this.weights[slot]!;
    if (this.index !== null) {
      this.indexDelete(slot);
      if (slot !== last) this.indexMove(last, slot);
    }
    if (slot !== last) {
      const values = this.values;
      const to = slot * arity;
      const from = last * arity;
      for (let j = 0; j < arity; j++) values[to + j] = values[from + j]!;
      this.weights[slot] = this.weights[last]!;
      if (this.aux !== null) this.aux[slot] = this.aux[last]!;
      if (this.ids !== null) this.ids[slot] = this.ids[last]!;
      if (this.hashes !== null) this.hashes[slot] = this.hashes[last]!;
    }
    this.values.length = last * arity;
    this.weights.length = last;
    if (this.aux !== null) this.aux.length = last;
    if (this.ids !== null) this.ids.length = last;
    if (this.hashes !== null) this.hashes.length = last;
  }

  /** Copies out what a checkpoint still holds of this bag's rows (call before changing them in place). */
  settle(): void {
    const copy = this.beforeWrite;
    this.beforeWrite = null;
    copy?.();
  }

  private buildIndex(): void {
    const n = this.weights.length;
    let size = 16;
    while (size < n * 2) size <<= 1;
    this.index = new Int32Array(size);
    const hashes: number[] = [];
    this.hashes = hashes;
    const arity = this.arity;
    for (let s = 0; s < n; s++) hashes.push(hashRow(this.values, s * arity, arity));
    for (let s = 0; s < n; s++) this.probeInsert(s, hashes[s]!);
  }

  private indexInsert(slot: number, h: number): void {
    this.hashes!.push(h);
    if ((slot + 1) * 2 > this.index!.length) this.buildIndex();
    else this.probeInsert(slot, h);
  }

  private probeInsert(slot: number, h: number): void {
    const index = this.index!;
    const mask = index.length - 1;
    let i = h & mask;
    while (index[i] !== 0) i = (i + 1) & mask;
    index[i] = slot + 1;
  }

  private positionOf(slot: number): number {
    const index = this.index!;
    const mask = index.length - 1;
    let i = this.hashes![slot]! & mask;
    while (index[i] !== slot + 1) i = (i + 1) & mask;
    return i;
  }

  /** Re-points the index entry of row `from` at slot `to` (the row moved). */
  private indexMove(from: number, to: number): void {
    this.index![this.positionOf(from)] = to + 1;
  }

  /** Linear-probing deletion with backward shift, so no tombstones accumulate. */
  private indexDelete(slot: number): void {
    const index = this.index!;
    const hashes = this.hashes!;
    const mask = index.length - 1;
    let i = this.positionOf(slot);
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      const e = index[j]!;
      if (e === 0) break;
      const home = hashes[e - 1]! & mask;
      const between = i <= j ? i < home && home <= j : i < home || home <= j;
      if (!between) {
        index[i] = e;
        i = j;
      }
    }
    index[i] = 0;
  }
}
