/**
 * @module runtime/row-store
 * The current contents of one table or materialized view: rows in one flat array with a count
 * per row slot. Appends are cheap (no hashing); the index from row values to slots, needed to
 * find a row being deleted, is built on the first deletion and kept from then on. Column indexes
 * (a table's primary key, `CREATE INDEX`) map key values to slots, for constraint checks and for
 * point lookups that answer without a scan. Dead slots are compacted away once they outnumber
 * the live ones.
 */
import { InternalError } from '../common/errors.ts';
import type { Value } from '../common/value.ts';
import { hashCombine, hashValue, valuesEqual } from '../common/value-ops.ts';
import { Batch } from '../dataflow/batch.ts';
import { rowsIdentical } from '../dataflow/row.ts';

/** What reads, writes and checkpoints use of a relation's contents (a table's or a view's). */
export interface RelationStore {
  readonly arity: number;
  /** Number of rows, counting duplicates. */
  readonly size: number;
  apply(src: readonly Value[], base: number, weight: number): void;
  count(src: readonly Value[], base: number): number;
  lookupKey(key: readonly Value[]): Value[] | undefined;
  keyOf(row: readonly Value[]): Value[];
  addIndex(columns: readonly number[]): void;
  indexColumns(): readonly (readonly number[])[];
  lookup(columns: readonly number[], key: readonly Value[]): Value[][];
  scan(): Value[][];
  toBatch(): Batch;
}

interface ColumnIndex {
  readonly columns: readonly number[];
  slots: Map<number, number[]>;
}

export class RowStore implements RelationStore {
  readonly arity: number;
  private values: Value[] = [];
  private counts: number[] = [];
  private live = 0;
  private dead = 0;
  private byRow: Map<number, number[]> | null = null;
  /** The primary key's index first (when there is one), then secondary indexes. */
  private readonly indexes: ColumnIndex[] = [];
  private readonly keyColumns: readonly number[];

  constructor(arity: number, keyColumns: readonly number[] = []) {
    this.arity = arity;
    this.keyColumns = keyColumns;
    if (keyColumns.length > 0) this.addIndex(keyColumns);
  }

  /** Number of rows, counting duplicates. */
  get size(): number {
    return this.live;
  }

  /** Indexes `columns` (idempotent); point lookups on exactly these columns then skip the scan. */
  addIndex(columns: readonly number[]): void {
    if (this.findIndex(columns)) return;
    const index: ColumnIndex = { columns: [...columns], slots: new Map() };
    for (let s = 0; s < this.counts.length; s++) {
      if (this.counts[s]! > 0)
        addSlot(index.slots, this.rowHash(this.values, s * this.arity, index.columns), s);
    }
    this.indexes.push(index);
  }

  /** The column sets this store is indexed on. */
  indexColumns(): readonly (readonly number[])[] {
    return this.indexes.map((i) => i.columns);
  }

  /** The index on exactly `columns` (in any order), if any. */
  findIndex(columns: readonly number[]): ColumnIndex | undefined {
    return this.indexes.find(
      (i) => i.columns.length === columns.length && i.columns.every((c) => columns.includes(c)),
    );
  }

  /** Applies `weight` copies of the row at `src[base…]` (negative: removal). Removing a missing row is a bug. */
  apply(src: readonly Value[], base: number, weight: number): void {
    if (weight === 0) return;
    this.live += weight;
    if (weight > 0 && this.byRow === null) {
      this.append(src, base, weight);
      return;
    }
    const h = this.rowHash(src, base, this.allColumns);
    const slot = this.findSlot(src, base, h);
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

  /** How many copies of the row at `src[base…]` are stored. */
  count(src: readonly Value[], base: number): number {
    const slot = this.findSlot(src, base, this.rowHash(src, base, this.allColumns));
    return slot < 0 ? 0 : this.counts[slot]!;
  }

  /** The live slot holding the row at `src[base…]` (whose hash is `h`), or −1. */
  private findSlot(src: readonly Value[], base: number, h: number): number {
    this.indexRows();
    const slots = this.byRow!.get(h);
    if (slots) for (const s of slots) if (this.counts[s]! > 0 && this.rowEquals(s, src, base)) return s;
    return -1;
  }

  /** The row whose primary key equals `key`, if any. */
  lookupKey(key: readonly Value[]): Value[] | undefined {
    if (this.keyColumns.length === 0) return undefined;
    return this.lookup(this.keyColumns, key)[0];
  }

  /**
   * The rows whose `columns` equal `key` (NULL never equals), duplicates repeated; from the index
   * on those columns, or by a scan when there is none.
   */
  lookup(columns: readonly number[], key: readonly Value[]): Value[][] {
    if (key.some((v) => v === null)) return [];
    const out: Value[][] = [];
    const index = this.indexes.find(
      (i) => i.columns.length === columns.length && i.columns.every((c, k) => c === columns[k]),
    );
    const matches = (s: number): boolean =>
      columns.every((c, k) => valuesEqual(this.values[s * this.arity + c]!, key[k]!));
    const emit = (s: number): void => {
      const c = this.counts[s]!;
      if (c <= 0 || !matches(s)) return;
      const row = this.row(s);
      for (let i = 0; i < c; i++) out.push(row);
    };
    if (index) {
      for (const s of index.slots.get(this.rowHash(key, 0, keyPositions(key.length))) ?? []) emit(s);
    } else {
      for (let s = 0; s < this.counts.length; s++) emit(s);
    }
    return out;
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
    for (let s = 0; s < this.counts.length; s++) {
      if (this.counts[s]! > 0) out.push(this.values, s * this.arity, this.counts[s]!);
    }
    return out;
  }

  private get allColumns(): readonly number[] {
    return keyPositions(this.arity);
  }

  private row(slot: number): Value[] {
    return this.values.slice(slot * this.arity, slot * this.arity + this.arity);
  }

  private append(src: readonly Value[], base: number, weight: number): void {
    const slot = this.counts.length;
    for (let j = 0; j < this.arity; j++) this.values.push(src[base + j]!);
    this.counts.push(weight);
    if (this.byRow) addSlot(this.byRow, this.rowHash(src, base, this.allColumns), slot);
    for (const index of this.indexes) addSlot(index.slots, this.rowHash(src, base, index.columns), slot);
  }

  private release(slot: number, rowHash: number): void {
    removeSlot(this.byRow!, rowHash, slot);
    this.unindex(slot);
    for (let j = 0; j < this.arity; j++) this.values[slot * this.arity + j] = null;
    this.dead++;
    if (this.dead > 1024 && this.dead > this.counts.length / 2) this.compact();
  }

  private unindex(slot: number): void {
    for (const index of this.indexes)
      removeSlot(index.slots, this.rowHash(this.values, slot * this.arity, index.columns), slot);
  }

  /** Builds the row index on first need, merging slots that hold equal rows (appends do not merge). */
  private indexRows(): void {
    if (this.byRow) return;
    const byRow = new Map<number, number[]>();
    this.byRow = byRow;
    for (let s = 0; s < this.counts.length; s++) {
      if (this.counts[s]! <= 0) continue;
      const h = this.rowHash(this.values, s * this.arity, this.allColumns);
      const twin = byRow.get(h)?.find((t) => this.rowEquals(t, this.values, s * this.arity));
      if (twin === undefined) {
        addSlot(byRow, h, s);
        continue;
      }
      this.counts[twin]! += this.counts[s]!;
      this.counts[s] = 0;
      this.unindex(s);
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
    for (const index of this.indexes) index.slots = new Map();
    for (let s = 0; s < counts.length; s++)
      if (counts[s]! > 0) this.append(values, s * this.arity, counts[s]!);
  }

  private rowHash(src: readonly Value[], base: number, columns: readonly number[]): number {
    let h = 0x12345;
    for (const c of columns) h = hashCombine(h, hashValue(src[base + c]!));
    return h;
  }

  /** Row identity is the exact form (1.10 and 1.1 are two rows), as in consolidation. */
  private rowEquals(slot: number, src: readonly Value[], base: number): boolean {
    return rowsIdentical(this.values, slot * this.arity, src, base, this.arity);
  }
}

const positionsCache: number[][] = [];

/** [0, 1, …, n − 1], shared. */
function keyPositions(n: number): readonly number[] {
  return (positionsCache[n] ??= Array.from({ length: n }, (_, i) => i));
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
