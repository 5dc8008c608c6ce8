/**
 * @module runtime/row-store
 * The current contents of one table or materialized view: rows in flat chunks of `chunkSlots`
 * row slots, with a count per slot. Appends are cheap (no hashing); the index from row values to
 * slots, needed to find a row being deleted, is built on the first deletion and kept from then
 * on. Column indexes (a table's primary key, `CREATE INDEX`) map key values to slots, for
 * constraint checks and for point lookups that answer without a scan. Dead slots are compacted
 * away once they outnumber the live ones. A snapshot (`snapshot()`, what a long query reads)
 * shares the chunks as they are: the store copies a chunk before its first write after a
 * snapshot (copy on write), so taking one costs a reference per chunk, whatever the size.
 */
import { InternalError } from '../common/errors.ts';
import type { Value } from '../common/value.ts';
import { hashCombine, hashValue, valuesEqual } from '../common/value-ops.ts';
import { Batch } from '../dataflow/batch.ts';
import { rowsIdentical } from '../dataflow/row.ts';
import type { RelationRows } from '../plan/evaluate/row-stream.ts';

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
  /** The contents as of now, for reading later: writes after it never reach it. */
  snapshot(): RelationRows;
  toBatch(): Batch;
}

interface ColumnIndex {
  readonly columns: readonly number[];
  slots: Map<number, number[]>;
}

/** Row slots per chunk: a write after a snapshot copies one chunk of this many rows. */
const chunkSlots = 1024;
const chunkShift = 10;

export class RowStore implements RelationStore {
  readonly arity: number;
  /** Chunk c holds the values of slots [c·chunkSlots, (c+1)·chunkSlots), row-major. */
  private valueChunks: Value[][] = [];
  private countChunks: number[][] = [];
  /** The snapshot epoch each chunk was created or copied in: writable only in the current one. */
  private chunkEpochs: number[] = [];
  private epoch = 0;
  private slots = 0;
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
    for (let s = 0; s < this.slots; s++) {
      if (this.countAt(s) > 0) addSlot(index.slots, this.slotHash(s, index.columns), s);
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
      if (slot >= 0) this.addCount(slot, weight);
      else this.append(src, base, weight);
      return;
    }
    if (slot < 0 || this.countAt(slot) + weight < 0)
      throw new InternalError('row store: removing a row that is not present');
    this.addCount(slot, weight);
    if (this.countAt(slot) === 0) this.release(slot, h);
  }

  /** How many copies of the row at `src[base…]` are stored. */
  count(src: readonly Value[], base: number): number {
    const slot = this.findSlot(src, base, this.rowHash(src, base, this.allColumns));
    return slot < 0 ? 0 : this.countAt(slot);
  }

  /** The live slot holding the row at `src[base…]` (whose hash is `h`), or −1. */
  private findSlot(src: readonly Value[], base: number, h: number): number {
    this.indexRows();
    const slots = this.byRow!.get(h);
    if (slots) for (const s of slots) if (this.countAt(s) > 0 && this.rowEquals(s, src, base)) return s;
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
    const matches = (s: number): boolean => {
      const chunk = this.valueChunks[s >> chunkShift]!;
      const base = (s & (chunkSlots - 1)) * this.arity;
      return columns.every((c, k) => valuesEqual(chunk[base + c]!, key[k]!));
    };
    const emit = (s: number): void => {
      const c = this.countAt(s);
      if (c <= 0 || !matches(s)) return;
      const row = this.row(s);
      for (let i = 0; i < c; i++) out.push(row);
    };
    if (index) {
      for (const s of index.slots.get(this.rowHash(key, 0, keyPositions(key.length))) ?? []) emit(s);
    } else {
      for (let s = 0; s < this.slots; s++) emit(s);
    }
    return out;
  }

  keyOf(row: readonly Value[]): Value[] {
    return this.keyColumns.map((i) => row[i]!);
  }

  /** Every row, duplicates repeated, as fresh arrays. */
  scan(): Value[][] {
    // Read at once, so the chunks need not be marked shared.
    return [...new StoreSnapshot(this.valueChunks, this.countChunks, this.arity, this.slots, this.live)];
  }

  /**
   * The contents as they are now, for reading later: the chunks are shared, not copied (the
   * store copies a chunk before writing it again), so this costs a reference per chunk.
   */
  snapshot(): StoreSnapshot {
    this.epoch++;
    return new StoreSnapshot(
      this.valueChunks.slice(),
      this.countChunks.slice(),
      this.arity,
      this.slots,
      this.live,
    );
  }

  /** The contents as one batch of insertions (for hydrating a new view). */
  toBatch(): Batch {
    const out = new Batch(this.arity);
    for (let s = 0; s < this.slots; s++) {
      const c = this.countAt(s);
      if (c > 0) out.push(this.valueChunks[s >> chunkShift]!, (s & (chunkSlots - 1)) * this.arity, c);
    }
    return out;
  }

  private get allColumns(): readonly number[] {
    return keyPositions(this.arity);
  }

  private countAt(slot: number): number {
    return this.countChunks[slot >> chunkShift]![slot & (chunkSlots - 1)]!;
  }

  private row(slot: number): Value[] {
    const base = (slot & (chunkSlots - 1)) * this.arity;
    return this.valueChunks[slot >> chunkShift]!.slice(base, base + this.arity);
  }

  /** Chunk `c`, copied first if a snapshot shares it. */
  private writable(c: number): void {
    if (this.chunkEpochs[c] === this.epoch) return;
    this.valueChunks[c] = this.valueChunks[c]!.slice();
    this.countChunks[c] = this.countChunks[c]!.slice();
    this.chunkEpochs[c] = this.epoch;
  }

  private addCount(slot: number, weight: number): void {
    const c = slot >> chunkShift;
    this.writable(c);
    this.countChunks[c]![slot & (chunkSlots - 1)]! += weight;
  }

  private append(src: readonly Value[], base: number, weight: number): void {
    const slot = this.slots++;
    const c = slot >> chunkShift;
    if (c === this.valueChunks.length) {
      this.valueChunks.push([]);
      this.countChunks.push([]);
      this.chunkEpochs.push(this.epoch);
    } else this.writable(c);
    const values = this.valueChunks[c]!;
    for (let j = 0; j < this.arity; j++) values.push(src[base + j]!);
    this.countChunks[c]!.push(weight);
    if (this.byRow) addSlot(this.byRow, this.rowHash(src, base, this.allColumns), slot);
    for (const index of this.indexes) addSlot(index.slots, this.rowHash(src, base, index.columns), slot);
  }

  private release(slot: number, rowHash: number): void {
    removeSlot(this.byRow!, rowHash, slot);
    this.clearSlot(slot);
    if (this.dead > 1024 && this.dead > this.slots / 2) this.compact();
  }

  /** Takes a slot whose count is 0 out of the column indexes and drops its values. */
  private clearSlot(slot: number): void {
    for (const index of this.indexes) removeSlot(index.slots, this.slotHash(slot, index.columns), slot);
    const c = slot >> chunkShift;
    this.writable(c);
    const values = this.valueChunks[c]!;
    const base = (slot & (chunkSlots - 1)) * this.arity;
    for (let j = 0; j < this.arity; j++) values[base + j] = null;
    this.dead++;
  }

  /** Builds the row index on first need, merging slots that hold equal rows (appends do not merge). */
  private indexRows(): void {
    if (this.byRow) return;
    const byRow = new Map<number, number[]>();
    this.byRow = byRow;
    for (let s = 0; s < this.slots; s++) {
      if (this.countAt(s) <= 0) continue;
      const h = this.slotHash(s, this.allColumns);
      const chunk = this.valueChunks[s >> chunkShift]!;
      const base = (s & (chunkSlots - 1)) * this.arity;
      const twin = byRow.get(h)?.find((t) => this.rowEquals(t, chunk, base));
      if (twin === undefined) {
        addSlot(byRow, h, s);
        continue;
      }
      this.addCount(twin, this.countAt(s));
      this.addCount(s, -this.countAt(s));
      this.clearSlot(s);
    }
  }

  private compact(): void {
    const valueChunks = this.valueChunks;
    const countChunks = this.countChunks;
    const slots = this.slots;
    this.valueChunks = [];
    this.countChunks = [];
    this.chunkEpochs = [];
    this.slots = 0;
    this.dead = 0;
    this.byRow = new Map();
    for (const index of this.indexes) index.slots = new Map();
    for (let s = 0; s < slots; s++) {
      const count = countChunks[s >> chunkShift]![s & (chunkSlots - 1)]!;
      if (count > 0) this.append(valueChunks[s >> chunkShift]!, (s & (chunkSlots - 1)) * this.arity, count);
    }
  }

  /** The hash of `columns` of the row in `slot`. */
  private slotHash(slot: number, columns: readonly number[]): number {
    return this.rowHash(
      this.valueChunks[slot >> chunkShift]!,
      (slot & (chunkSlots - 1)) * this.arity,
      columns,
    );
  }

  private rowHash(src: readonly Value[], base: number, columns: readonly number[]): number {
    let h = 0x12345;
    for (const c of columns) h = hashCombine(h, hashValue(src[base + c]!));
    return h;
  }

  /** Row identity is the exact form (1.10 and 1.1 are two rows), as in consolidation. */
  private rowEquals(slot: number, src: readonly Value[], base: number): boolean {
    const chunk = this.valueChunks[slot >> chunkShift]!;
    return rowsIdentical(chunk, (slot & (chunkSlots - 1)) * this.arity, src, base, this.arity);
  }
}

/**
 * A store's rows as of one moment, read lazily: each row becomes a fresh array as it is
 * iterated, duplicates repeated. Writes to the store after the snapshot never reach it.
 */
export class StoreSnapshot implements Iterable<Value[]> {
  /** The number of rows, duplicates counted. */
  readonly length: number;
  private readonly valueChunks: readonly (readonly Value[])[];
  private readonly countChunks: readonly (readonly number[])[];
  private readonly arity: number;
  private readonly slots: number;

  constructor(
    valueChunks: readonly (readonly Value[])[],
    countChunks: readonly (readonly number[])[],
    arity: number,
    slots: number,
    length: number,
  ) {
    this.valueChunks = valueChunks;
    this.countChunks = countChunks;
    this.arity = arity;
    this.slots = slots;
    this.length = length;
  }

  *[Symbol.iterator](): Iterator<Value[]> {
    const arity = this.arity;
    for (let s = 0; s < this.slots; s++) {
      const count = this.countChunks[s >> chunkShift]![s & (chunkSlots - 1)]!;
      if (count <= 0) continue;
      const base = (s & (chunkSlots - 1)) * arity;
      const row = this.valueChunks[s >> chunkShift]!.slice(base, base + arity);
      for (let i = 0; i < count; i++) yield row;
    }
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
