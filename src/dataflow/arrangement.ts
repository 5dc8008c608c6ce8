/**
 * @module dataflow/arrangement
 * An arrangement: a collection's rows indexed by key columns, each key's rows in a compact bag
 * with their weights. Applying a delta and looking a key up are O(1) expected per row; keys and
 * rows whose weights reach zero are dropped at once. Serves materialized views (lookup by unique
 * key, full scans) and any operator that needs a keyed copy of its input.
 */
import type { SqlType } from '../common/types.ts';
import type { Value } from '../common/value.ts';
import { Batch } from './batch.ts';
import { type KeyMap, makeKeyMap } from './key-map.ts';
import { RowBag } from './row-bag.ts';

export class Arrangement {
  readonly arity: number;
  readonly keyCols: readonly number[];
  private readonly index: KeyMap<RowBag>;
  private readonly keyBuf: Value[];
  private rows = 0;

  constructor(arity: number, keyCols: readonly number[], keyTypes: readonly SqlType[]) {
    this.arity = arity;
    this.keyCols = keyCols;
    this.index = makeKeyMap<RowBag>(keyTypes);
    this.keyBuf = new Array<Value>(keyCols.length).fill(null);
  }

  /** Number of distinct live rows. */
  get size(): number {
    return this.rows;
  }

  /** Number of live keys. */
  get keyCount(): number {
    return this.index.size;
  }

  /** Adds a delta: each row's weight changes by its batch weight. */
  apply(delta: Batch): void {
    const arity = this.arity;
    const src = delta.values;
    const keyCols = this.keyCols;
    const keyBuf = this.keyBuf;
    for (let i = 0, base = 0; i < delta.length; i++, base += arity) {
      const w = delta.weights[i]!;
      if (w === 0) continue;
      for (let k = 0; k < keyCols.length; k++) keyBuf[k] = src[base + keyCols[k]!]!;
      let bag = this.index.get(keyBuf, 0);
      if (bag === undefined) {
        bag = new RowBag(arity, false);
        this.index.set(keyBuf, 0, bag);
      }
      const before = bag.length;
      const slot = bag.add(src, base, w, 0);
      if (bag.weights[slot] === 0) bag.removeAt(slot);
      this.rows += bag.length - before;
      if (bag.length === 0) this.index.delete(keyBuf, 0);
    }
  }

  /** The rows (with weights) of the key whose values start at `key[base]`, or undefined. */
  get(key: readonly Value[], base = 0): RowBag | undefined {
    return this.index.get(key, base);
  }

  /** Visits every live row with its weight (the row's values start at `values[base]`). */
  forEachRow(fn: (values: readonly Value[], base: number, weight: number) => void): void {
    const arity = this.arity;
    this.index.forEach((bag) => {
      for (let s = 0; s < bag.length; s++) fn(bag.values, s * arity, bag.weights[s]!);
    });
  }

  /** The whole contents as one batch (a snapshot, e.g. to hydrate a new view). */
  toBatch(): Batch {
    const out = new Batch(this.arity);
    this.forEachRow((values, base, weight) => out.push(values, base, weight));
    out.consolidated = true;
    return out;
  }
}
