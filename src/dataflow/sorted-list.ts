/**
 * @module dataflow/sorted-list
 * An ordered multiset: items kept sorted by a comparator in chunks of at most `chunkItemsMax`,
 * each item with a positive weight. Finding, inserting and removing cost O(log n + chunk size);
 * position ↔ item and weighted rank ↔ item use Fenwick trees over chunk counts, so ranked
 * windows (top-k, window functions) and min/max never rescan the whole set. An optional numeric
 * primary key, stored unboxed beside the items, lets searches compare numbers instead of chasing
 * item pointers. Invariant: items are in non-decreasing comparator order; chunks are never empty.
 */
import { assert } from '../common/errors.ts';

export const chunkItemsMax = 128;

/**
 * A number per item consistent with the comparator: primary(a) < primary(b) implies a < b
 * (equal numbers decide nothing: the comparator breaks the tie).
 */
export type PrimaryKey<T> = (item: T) => number;

class Chunk<T> {
  items: T[];
  weights: number[];
  /** primary(item) per item, or null when the list has no primary key. */
  keys: number[] | null;
  total: number;
  constructor(items: T[], weights: number[], keys: number[] | null, total: number) {
    this.items = items;
    this.weights = weights;
    this.keys = keys;
    this.total = total;
  }
}

/** Position of an item: chunk number and offset inside it. */
export interface Cursor {
  chunk: number;
  offset: number;
}

export class SortedList<T> {
  private readonly cmp: (a: T, b: T) => number;
  private readonly primary: PrimaryKey<T> | null;
  private chunks: Chunk<T>[] = [];
  /** With a primary key: each chunk's last key, contiguous, so finding a chunk touches one array. */
  private readonly lastKeys: number[] = [];
  private itemCount = 0;
  private weightTotal = 0;
  /** Fenwick trees over chunk item counts and weights; null when stale (rebuilt on demand). */
  private countTree: Float64Array | null = null;
  private weightTree: Float64Array | null = null;
  private readonly scratch: Cursor = { chunk: 0, offset: 0 };
  /** The list's entry id and change mark, when an operator checkpoints it as one entry (state.ts). */
  entryId = 0;
  mark = 0;

  constructor(cmp: (a: T, b: T) => number, primary: PrimaryKey<T> | null = null) {
    this.cmp = cmp;
    this.primary = primary;
  }

  get size(): number {
    return this.itemCount;
  }

  get total(): number {
    return this.weightTotal;
  }

  first(): T | undefined {
    return this.chunks.length === 0 ? undefined : this.chunks[0]!.items[0];
  }

  last(): T | undefined {
    const c = this.chunks[this.chunks.length - 1];
    return c === undefined ? undefined : c.items[c.items.length - 1];
  }

  // ---- searching ----

  /**
   * Positions `out` at the first item ≥ `item` (past the end: the last chunk at its length) and
   * returns whether that item equals `item`. The cursor stays valid until the list changes.
   */
  search(item: T, out: Cursor): boolean {
    if (this.chunks.length === 0) {
      out.chunk = 0;
      out.offset = 0;
      return false;
    }
    const key = this.primary === null ? 0 : this.primary(item);
    this.find(item, key, false, out);
    const chunk = this.chunks[out.chunk]!;
    if (out.offset >= chunk.items.length) return false;
    if (chunk.keys !== null && chunk.keys[out.offset] !== key) return false;
    return this.cmp(chunk.items[out.offset]!, item) === 0;
  }

  /** Index of the first item ≥ `item`. */
  lowerBound(item: T): number {
    return this.bound(item, false);
  }

  /** Index of the first item > `item`. */
  upperBound(item: T): number {
    return this.bound(item, true);
  }

  /** Index of an item equal to `item`, or -1. */
  indexOf(item: T): number {
    const cur = this.scratch;
    return this.search(item, cur) ? this.indexAt(cur) : -1;
  }

  /** Index of the first item not below `probe` (`probe(item)` < 0 means item is below). */
  lowerBoundBy(probe: (item: T) => number): number {
    const chunks = this.chunks;
    let lo = 0;
    let hi = chunks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const items = chunks[mid]!.items;
      if (probe(items[items.length - 1]!) < 0) lo = mid + 1;
      else hi = mid;
    }
    if (lo === chunks.length) return this.itemCount;
    const items = chunks[lo]!.items;
    let a = 0;
    let b = items.length;
    while (a < b) {
      const mid = (a + b) >> 1;
      if (probe(items[mid]!) < 0) a = mid + 1;
      else b = mid;
    }
    return this.startOf(lo) + a;
  }

  // ---- positions and ranks ----

  /** The index of the item at a cursor (the size, at the end). */
  indexAt(cur: Cursor): number {
    return this.chunks.length === 0 ? 0 : this.startOf(cur.chunk) + cur.offset;
  }

  /** Sum of the weights of the items before a cursor. */
  rankAt(cur: Cursor): number {
    if (this.chunks.length === 0) return 0;
    const weights = this.chunks[cur.chunk]!.weights;
    let r = this.weightBefore(cur.chunk);
    for (let k = 0; k < cur.offset; k++) r += weights[k]!;
    return r;
  }

  /** Sum of the weights of the items before `index`. */
  rankOf(index: number): number {
    return this.rankAt(this.locate(index));
  }

  at(index: number): T {
    const c = this.scratch;
    this.seekIndex(index, c);
    return this.chunks[c.chunk]!.items[c.offset]!;
  }

  weightAt(index: number): number {
    const c = this.scratch;
    this.seekIndex(index, c);
    return this.chunks[c.chunk]!.weights[c.offset]!;
  }

  /** The position of item `index`, as a new cursor. */
  locate(index: number): Cursor {
    const out: Cursor = { chunk: 0, offset: 0 };
    this.seekIndex(index, out);
    return out;
  }

  /** Writes the position of item `index` (0 ≤ index < size) into `out`. */
  seekIndex(index: number, out: Cursor): void {
    assert(index >= 0 && index < this.itemCount, 'index beyond the sorted list');
    const chunks = this.chunks;
    if (chunks.length <= 4) {
      let c = 0;
      while (index >= chunks[c]!.items.length) index -= chunks[c++]!.items.length;
      out.chunk = c;
      out.offset = index;
      return;
    }
    this.ensureTrees();
    const tree = this.countTree!;
    let chunk = 0;
    for (let step = highestPowerOfTwo(tree.length); step > 0; step >>= 1) {
      const next = chunk + step;
      if (next <= tree.length && tree[next - 1]! <= index) {
        chunk = next;
        index -= tree[next - 1]!;
      }
    }
    out.chunk = chunk;
    out.offset = index;
  }

  /**
   * The item covering weighted rank `rank` (0 ≤ rank < total): writes its position into `out`
   * and returns the rank at which that item starts.
   */
  seekRank(rank: number, out: Cursor): number {
    this.ensureTrees();
    const tree = this.weightTree!;
    let chunk = 0;
    let before = 0;
    for (let step = highestPowerOfTwo(tree.length); step > 0; step >>= 1) {
      const next = chunk + step;
      if (next <= tree.length && before + tree[next - 1]! <= rank) {
        chunk = next;
        before += tree[next - 1]!;
      }
    }
    assert(chunk < this.chunks.length, 'rank beyond the sorted list');
    const weights = this.chunks[chunk]!.weights;
    let offset = 0;
    while (before + weights[offset]! <= rank) before += weights[offset++]!;
    out.chunk = chunk;
    out.offset = offset;
    return before;
  }

  // ---- cursors ----

  itemAt(cur: Cursor): T {
    return this.chunks[cur.chunk]!.items[cur.offset]!;
  }

  weightAtCursor(cur: Cursor): number {
    return this.chunks[cur.chunk]!.weights[cur.offset]!;
  }

  /** Moves the cursor to the next item; false past the end. */
  advance(cur: Cursor): boolean {
    const chunks = this.chunks;
    if (++cur.offset < chunks[cur.chunk]!.items.length) return true;
    cur.offset = 0;
    return ++cur.chunk < chunks.length;
  }

  /** Visits items from `index` on while `fn` returns true. */
  forEachFrom(index: number, fn: (item: T, weight: number) => boolean): void {
    if (index >= this.itemCount) return;
    const cur = this.locate(index);
    while (fn(this.itemAt(cur), this.weightAtCursor(cur)) && this.advance(cur)) {}
  }

  /** Every item with its weight, in order, as two plain arrays (a checkpoint's form). */
  toArrays(): { items: T[]; weights: number[] } {
    const items: T[] = [];
    const weights: number[] = [];
    for (const chunk of this.chunks) {
      for (let i = 0; i < chunk.items.length; i++) {
        items.push(chunk.items[i]!);
        weights.push(chunk.weights[i]!);
      }
    }
    return { items, weights };
  }

  // ---- changes ----

  /** Inserts `item` after every equal item; returns its index. */
  insert(item: T, weight: number): number {
    const cur = this.scratch;
    if (this.chunks.length === 0) cur.chunk = cur.offset = 0;
    else this.find(item, this.primary === null ? 0 : this.primary(item), true, cur);
    const index = this.indexAt(cur);
    this.insertAt(cur, item, weight);
    return index;
  }

  /** Inserts `item` at a cursor placed by `search` (its sorted position). */
  insertAt(cur: Cursor, item: T, weight: number): void {
    this.itemCount++;
    this.weightTotal += weight;
    const key = this.primary === null ? 0 : this.primary(item);
    if (this.chunks.length === 0) {
      this.chunks.push(new Chunk([item], [weight], this.primary === null ? null : [key], weight));
      if (this.primary !== null) this.lastKeys.push(key);
      this.countTree = null;
      this.weightTree = null;
      return;
    }
    const chunk = this.chunks[cur.chunk]!;
    if (cur.offset === chunk.items.length) {
      chunk.items.push(item);
      chunk.weights.push(weight);
      if (chunk.keys !== null) {
        chunk.keys.push(key);
        this.lastKeys[cur.chunk] = key;
      }
    } else {
      chunk.items.splice(cur.offset, 0, item);
      chunk.weights.splice(cur.offset, 0, weight);
      if (chunk.keys !== null) chunk.keys.splice(cur.offset, 0, key);
    }
    chunk.total += weight;
    if (chunk.items.length > chunkItemsMax) this.split(cur.chunk);
    else {
      if (this.countTree !== null) fenwickAdd(this.countTree, cur.chunk, 1);
      if (this.weightTree !== null) fenwickAdd(this.weightTree, cur.chunk, weight);
    }
  }

  /**
   * Adds `delta` to the weight of the item equal to `item`, inserting it when absent and removing
   * it when its weight reaches zero. Returns the new weight.
   */
  addWeight(item: T, delta: number): number {
    const cur = this.scratch;
    if (this.search(item, cur)) return this.addWeightAtCursor(cur, delta);
    this.insertAt(cur, item, delta);
    return delta;
  }

  /** Adds `delta` to the weight of the item at a cursor, removing it at zero; returns the new weight. */
  addWeightAtCursor(cur: Cursor, delta: number): number {
    const chunk = this.chunks[cur.chunk]!;
    const w = chunk.weights[cur.offset]! + delta;
    if (w === 0) {
      this.removeAtCursor(cur);
      return 0;
    }
    chunk.weights[cur.offset] = w;
    chunk.total += delta;
    this.weightTotal += delta;
    if (this.weightTree !== null) fenwickAdd(this.weightTree, cur.chunk, delta);
    return w;
  }

  removeAt(index: number): void {
    const cur = this.scratch;
    this.seekIndex(index, cur);
    this.removeAtCursor(cur);
  }

  /** Removes the item at a cursor. */
  removeAtCursor(cur: Cursor): void {
    const chunkIndex = cur.chunk;
    const offset = cur.offset;
    const chunk = this.chunks[chunkIndex]!;
    const w = chunk.weights[offset]!;
    chunk.items.splice(offset, 1);
    chunk.weights.splice(offset, 1);
    if (chunk.keys !== null) chunk.keys.splice(offset, 1);
    chunk.total -= w;
    this.itemCount--;
    this.weightTotal -= w;
    if (chunk.items.length === 0) {
      this.chunks.splice(chunkIndex, 1);
      if (chunk.keys !== null) this.lastKeys.splice(chunkIndex, 1);
      this.countTree = null;
      this.weightTree = null;
      return;
    }
    if (chunk.keys !== null && offset === chunk.items.length)
      this.lastKeys[chunkIndex] = chunk.keys[offset - 1]!;
    if (this.countTree !== null) fenwickAdd(this.countTree, chunkIndex, -1);
    if (this.weightTree !== null) fenwickAdd(this.weightTree, chunkIndex, -w);
  }

  // ---- internals ----

  private bound(item: T, upper: boolean): number {
    if (this.itemCount === 0) return 0;
    const cur = this.scratch;
    this.find(item, this.primary === null ? 0 : this.primary(item), upper, cur);
    return this.startOf(cur.chunk) + cur.offset;
  }

  /**
   * Writes into `out` the position of the first item ≥ `item` (> when `upper`); `key` is
   * primary(item). Past the end it is the last chunk at its length, so an insertion appends.
   */
  private find(item: T, key: number, upper: boolean, out: Cursor): void {
    const chunks = this.chunks;
    const bound = upper ? 0 : -1;
    const lastKeys = this.primary === null ? null : this.lastKeys;
    let lo = 0;
    let hi = chunks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      let c: number;
      if (lastKeys !== null) {
        const k = lastKeys[mid]!;
        c = k < key ? -1 : k > key ? 1 : this.cmp(chunks[mid]!.items[chunks[mid]!.items.length - 1]!, item);
      } else {
        const items = chunks[mid]!.items;
        c = this.cmp(items[items.length - 1]!, item);
      }
      if (c <= bound) lo = mid + 1;
      else hi = mid;
    }
    const chunk = chunks[lo]!;
    let a = 0;
    let b = chunk.items.length;
    while (a < b) {
      const mid = (a + b) >> 1;
      if (this.compareAt(chunk, mid, item, key) <= bound) a = mid + 1;
      else b = mid;
    }
    out.chunk = lo;
    out.offset = a;
  }

  /** Compares the item at `chunk[offset]` with `item` (whose primary key is `key`). */
  private compareAt(chunk: Chunk<T>, offset: number, item: T, key: number): number {
    const keys = chunk.keys;
    if (keys !== null) {
      const k = keys[offset]!;
      if (k < key) return -1;
      if (k > key) return 1;
    }
    return this.cmp(chunk.items[offset]!, item);
  }

  private startOf(chunk: number): number {
    if (chunk === 0) return 0;
    const chunks = this.chunks;
    if (chunk <= 4) {
      let n = 0;
      for (let c = 0; c < chunk; c++) n += chunks[c]!.items.length;
      return n;
    }
    this.ensureTrees();
    return fenwickPrefix(this.countTree!, chunk);
  }

  private weightBefore(chunk: number): number {
    if (chunk === 0) return 0;
    this.ensureTrees();
    return fenwickPrefix(this.weightTree!, chunk);
  }

  private split(chunkIndex: number): void {
    const chunk = this.chunks[chunkIndex]!;
    const half = chunk.items.length >> 1;
    const items = chunk.items.splice(half);
    const weights = chunk.weights.splice(half);
    const keys = chunk.keys === null ? null : chunk.keys.splice(half);
    let moved = 0;
    for (let k = 0; k < weights.length; k++) moved += weights[k]!;
    chunk.total -= moved;
    this.chunks.splice(chunkIndex + 1, 0, new Chunk(items, weights, keys, moved));
    if (chunk.keys !== null) this.lastKeys.splice(chunkIndex, 0, chunk.keys[half - 1]!);
    this.countTree = null;
    this.weightTree = null;
  }

  private ensureTrees(): void {
    if (this.countTree !== null) return;
    const chunks = this.chunks;
    const n = chunks.length;
    const counts = new Float64Array(n);
    const weights = new Float64Array(n);
    for (let c = 0; c < n; c++) {
      counts[c] = chunks[c]!.items.length;
      weights[c] = chunks[c]!.total;
    }
    fenwickBuild(counts);
    fenwickBuild(weights);
    this.countTree = counts;
    this.weightTree = weights;
  }
}

function fenwickBuild(tree: Float64Array): void {
  for (let i = 1; i <= tree.length; i++) {
    const parent = i + (i & -i);
    if (parent <= tree.length) tree[parent - 1]! += tree[i - 1]!;
  }
}

function fenwickAdd(tree: Float64Array, index: number, delta: number): void {
  for (let i = index + 1; i <= tree.length; i += i & -i) tree[i - 1]! += delta;
}

/** Sum of entries [0, count). */
function fenwickPrefix(tree: Float64Array, count: number): number {
  let s = 0;
  for (let i = count; i > 0; i -= i & -i) s += tree[i - 1]!;
  return s;
}

function highestPowerOfTwo(n: number): number {
  let p = 1;
  while (p * 2 <= n) p *= 2;
  return n === 0 ? 0 : p;
}
