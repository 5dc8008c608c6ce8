/**
 * @module runtime/row-store
 * The current contents of one relation (a table or a materialized view) as a bag of rows with
 * counts, updated by weighted changes. Ad-hoc reads scan it; UPDATE/DELETE find rows in it;
 * a table with a primary key also indexes its rows by key for constraint checks and upserts.
 */
import { InternalError } from '../common/errors.ts';
import type { Value } from '../common/value.ts';
import { hashKey, keysEqual } from '../plan/evaluate/row-key-map.ts';

interface Entry {
  readonly row: Value[];
  count: number;
}

export class RowStore {
  private readonly byRow = new Map<number, Entry[]>();
  private readonly byKey: Map<number, Entry[]> | null;
  private readonly keyColumns: readonly number[];
  private rowCount = 0;

  constructor(keyColumns: readonly number[] = []) {
    this.keyColumns = keyColumns;
    this.byKey = keyColumns.length > 0 ? new Map() : null;
  }

  /** Number of rows, counting duplicates. */
  get size(): number {
    return this.rowCount;
  }

  /** Applies `weight` copies of `row` (negative: removal). Removing a missing row is a bug. */
  apply(row: readonly Value[], weight: number): void {
    if (weight === 0) return;
    const h = hashKey(row);
    let bucket = this.byRow.get(h);
    let entry = bucket?.find((e) => keysEqual(e.row, row));
    if (!entry) {
      if (weight < 0) throw new InternalError('row store: removing a row that is not present');
      entry = { row: row.slice(), count: 0 };
      if (bucket) bucket.push(entry);
      else this.byRow.set(h, (bucket = [entry]));
      this.indexKey(entry, true);
    }
    entry.count += weight;
    this.rowCount += weight;
    if (entry.count < 0) throw new InternalError('row store: negative row count');
    if (entry.count === 0) {
      bucket!.splice(bucket!.indexOf(entry), 1);
      if (bucket!.length === 0) this.byRow.delete(h);
      this.indexKey(entry, false);
    }
  }

  /** The row whose primary key equals `key`, if any. */
  lookupKey(key: readonly Value[]): Value[] | undefined {
    if (!this.byKey) return undefined;
    const bucket = this.byKey.get(hashKey(key));
    return bucket?.find((e) => keysEqual(this.keyOf(e.row), key))?.row;
  }

  keyOf(row: readonly Value[]): Value[] {
    return this.keyColumns.map((i) => row[i]!);
  }

  /** Every row, duplicates repeated. The arrays are the store's own: callers must not mutate them. */
  scan(): Value[][] {
    const out: Value[][] = [];
    for (const bucket of this.byRow.values()) {
      for (const e of bucket) for (let i = 0; i < e.count; i++) out.push(e.row);
    }
    return out;
  }

  /** Each distinct row with its count. */
  *entries(): IterableIterator<{ readonly row: Value[]; readonly count: number }> {
    for (const bucket of this.byRow.values()) yield* bucket;
  }

  private indexKey(entry: Entry, add: boolean): void {
    if (!this.byKey) return;
    const h = hashKey(this.keyOf(entry.row));
    const bucket = this.byKey.get(h);
    if (add) {
      if (bucket) bucket.push(entry);
      else this.byKey.set(h, [entry]);
    } else if (bucket) {
      bucket.splice(bucket.indexOf(entry), 1);
      if (bucket.length === 0) this.byKey.delete(h);
    }
  }
}
