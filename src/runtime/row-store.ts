/**
 * @module runtime/row-store
 * The current contents of one table or materialized view: rows in one flat array with a count
 * per row slot. Appends are cheap (no hashing); the index from row values to slots, needed to
 * find a row being deleted, is built on the first deletion and kept from then on. A table with
 * a primary key always indexes its key, for constraint checks. Dead slots are compacted away
 * once they outnumber the live ones.
 */
import { InternalError } from '../common/errors.ts';
import type { Value } from '../common/value.ts';
import { hashCombine, hashValue, valuesEqual } from '../common/value-ops.ts';
import { Batch } from '../dataflow/batch.ts';

export class RowStore {
  readonly arity: number;
  private values: Value[] = [];
  private counts: number[] = [];
  private live = 0;
  private dead = 0;
  private byRow: Map<number, number[]> | null = null;
  private byKey: Map<number, number[]> | null;
  private readonly keyColumns: readonly number[];

  constructor(arity: number, keyColumns: readonly number[] = []) {
    this.arity = arity;
    this.keyColumns = keyColumns;
    this.byKey = keyColumns.length > 0 ? new Map() : null;
  }

  /** Number of rows, counting duplicates. */
  get size(): number {
    return this.live;
  }

  /** Applies `weight` copies of the row at `src[base…]` (negative: removal). Removing a missing row is a bug. */
  apply(src: readonly Value[], base: number, weight: number): void {
    if (weight === 0) return;
    this.live += weight;
    if (weight > 0 && this.byRow === null) {
      this.append(src, base, weight);
      return;
    }
    this.indexRows();
    const h = this.rowHash(src, base, this.allColumns);
    const slots = this.byRow!.get(h);
    let slot = -1;
    if (slots) for (const s of slots) if (this.counts[s]! > 0 && this.rowEquals(s, src, base)) slot = s;
    if (weight > 0) {
      if (slot >= 0) this.counts[slot]! += weight;
      else this.append(src, base, weight);
      return;
    }
    if (slot < 0 || this.counts[slot]! + weight < 0)
      throw new InternalError('row store: removing a row that is not present');
    this.counts[slot]! += weight;
    if (this.counts[slot] === 0) this.release(slot, h);
  }

  /** The row whose primary key equals `key`, if any. */
  lookupKey(key: readonly Value[]): Value[] | undefined {
    if (!this.byKey) return undefined;
    const slots = this.byKey.get(
      this.rowHash(
        key,
        0,
        key.map((_, i) => i),
      ),
    );
    if (!slots) return undefined;
    for (const s of slots) {
      if (
        this.counts[s]! > 0 &&
        this.keyColumns.every((c, i) => valuesEqual(this.values[s * this.arity + c]!, key[i]!))
      )
        return this.row(s);
    }
    return undefined;
  }

  keyOf(row: readonly Value[]): Value[] {
    return this.keyColumns.map((i) => row[i]!);
  }

  /** Every row, duplicates repeated, as fresh arrays. */
  scan(): Value[][] {
    const out: Value[][] = [];
    for (let s = 0; s < this.counts.length; s++) {
      const c = this.counts[s]!;
      if (c <= 0) continue;
      const row = this.row(s);
      for (let i = 0; i < c; i++) out.push(row);
    }
    return out;
  }

  /** The contents as one batch of insertions (for hydrating a new view). */
  toBatch(): Batch {
    const out = new Batch(this.arity);
    for (let s = 0; s < this.counts.length; s++)
      if (this.counts[s]! > 0) out.push(this.values, s * this.arity, this.counts[s]!);
    return out;
  }

  private get allColumns(): readonly number[] {
    return allColumnsOf(this.arity);
  }

  private row(slot: number): Value[] {
    return this.values.slice(slot * this.arity, slot * this.arity + this.arity);
  }

  private append(src: readonly Value[], base: number, weight: number): void {
    const slot = this.counts.length;
    for (let j = 0; j < this.arity; j++) this.values.push(src[base + j]!);
    this.counts.push(weight);
    if (this.byRow) addSlot(this.byRow, this.rowHash(src, base, this.allColumns), slot);
    if (this.byKey) addSlot(this.byKey, this.rowHash(src, base, this.keyColumns), slot);
  }

  private release(slot: number, rowHash: number): void {
    removeSlot(this.byRow!, rowHash, slot);
    if (this.byKey)
      removeSlot(this.byKey, this.rowHash(this.values, slot * this.arity, this.keyColumns), slot);
    for (let j = 0; j < this.arity; j++) this.values[slot * this.arity + j] = null;
    this.dead++;
    if (this.dead > 1024 && this.dead > this.counts.length / 2) this.compact();
  }

  /** Builds the row index on first need, merging slots that hold equal rows (appends do not merge). */
  private indexRows(): void {
    if (this.byRow) return;
    const index = new Map<number, number[]>();
    this.byRow = index;
    for (let s = 0; s < this.counts.length; s++) {
      if (this.counts[s]! <= 0) continue;
      const h = this.rowHash(this.values, s * this.arity, this.allColumns);
      const slots = index.get(h);
      const twin = slots?.find((t) => this.rowEquals(t, this.values, s * this.arity));
      if (twin === undefined) {
        addSlot(index, h, s);
        continue;
      }
      this.counts[twin]! += this.counts[s]!;
      this.counts[s] = 0;
      if (this.byKey) removeSlot(this.byKey, this.rowHash(this.values, s * this.arity, this.keyColumns), s);
      for (let j = 0; j < this.arity; j++) this.values[s * this.arity + j] = null;
      this.dead++;
    }
  }

  private compact(): void {
    const values = this.values;
    const counts = this.counts;
    this.values = [];
    this.counts = [];
    this.dead = 0;
    this.byRow = new Map();
    if (this.byKey) this.byKey = new Map();
    for (let s = 0; s < counts.length; s++)
      if (counts[s]! > 0) this.append(values, s * this.arity, counts[s]!);
  }

  private rowHash(src: readonly Value[], base: number, columns: readonly number[]): number {
    let h = 0x12345;
    for (const c of columns) h = hashCombine(h, hashValue(src[base + c]!));
    return h;
  }

  private rowEquals(slot: number, src: readonly Value[], base: number): boolean {
    const at = slot * this.arity;
    for (let j = 0; j < this.arity; j++) if (!valuesEqual(this.values[at + j]!, src[base + j]!)) return false;
    return true;
  }
}

const allColumnsCache: number[][] = [];

function allColumnsOf(arity: number): readonly number[] {
  return (allColumnsCache[arity] ??= Array.from({ length: arity }, (_, i) => i));
}

function addSlot(index: Map<number, number[]>, h: number, slot: number): void {
  const slots = index.get(h);
  if (slots) slots.push(slot);
  else index.set(h, [slot]);
}

function removeSlot(index: Map<number, number[]>, h: number, slot: number): void {
  const slots = index.get(h);
  if (!slots) return;
  const i = slots.indexOf(slot);
  if (i >= 0) slots.splice(i, 1);
  if (slots.length === 0) index.delete(h);
}
