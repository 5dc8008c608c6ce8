/**
 * @module dataflow/spilling-key-map
 * A `KeyMap` for state larger than memory (ADR 0006): hot entries stay in memory, cold ones are
 * encoded as their checkpoint entry (ADR 0004) into a spill space (an LMDB range, given by the
 * runtime) in buckets by key hash. A miss reads and decodes the key's bucket and makes the entry
 * resident again. Entries are written out only by `evict`, which the memory budget calls between
 * steps: operators mutate the objects `get` returns, so nothing may leave memory inside a step.
 * Eviction is CLOCK (a used bit per resident entry, cleared by the sweeping hand); entries the
 * codec pins (changed since the last checkpoint save, so the save's delta still points at them)
 * are skipped. The space is scratch: it never outlives the process, checkpoints stay the truth.
 */
import type { SqlType } from '../common/types.ts';
import type { Value } from '../common/value.ts';
import { type KeyMap, makeKeyMap } from './key-map.ts';
import { hashRow, rowsEqual } from './row.ts';
import type { StateEntry } from './state.ts';

/** One spilled entry: its key values, its entry id and its entry data. */
export type SpilledEntry = [key: Value[], id: number, data: Value[]];

/** Where a spilling map keeps its cold entries: buckets of entries by key hash (storage implements it). */
export interface SpillSpace {
  /** The bucket stored under `hash`, if any (a fresh array the caller may keep). */
  read(hash: number): SpilledEntry[] | undefined;
  /** Writes every bucket of `buckets` (an empty one is removed) in one write transaction. */
  writeBuckets(buckets: ReadonlyMap<number, readonly SpilledEntry[]>): void;
  /** The hashes of every stored bucket, as of now. */
  hashes(): number[];
  /** Removes every bucket; with `forever`, the space is not used again. */
  clear(forever: boolean): void;
}

/** How an operator's per-key state goes to and comes back from a spill space. */
export interface SpillCodec<T> {
  /** The state as a checkpoint entry (plain data, nothing shared with `state`). */
  encode(state: T, key: readonly Value[]): StateEntry;
  /** A state rebuilt from `encode`'s entry. */
  decode(entry: StateEntry, key: readonly Value[]): T;
  /** Whether the state must stay in memory now (e.g. noted for the next checkpoint delta). */
  pinned(state: T): boolean;
  /** Called once an evicted state has left the map (frees what the operator keeps beside it). */
  evicted?(state: T): void;
}

/** Counters the memory budget sums for /metrics. */
export interface SpillCounters {
  hits: number;
  misses: number;
  evictions: number;
}

/** Creates the key maps of one view's operators: spilling ones under a memory budget. */
export interface SpillContext {
  keyMap<T>(keyTypes: readonly SqlType[], codec: SpillCodec<T>): KeyMap<T>;
}

/**
 * Which key hashes may have a spilled copy: a Bloom filter (two probes from one 32-bit hash), so a
 * key never spilled (a new group, a new join key) costs no read of the space. Deleted copies stay
 * set until it is rebuilt, which only costs a read that finds nothing.
 */
class SpilledHashes {
  private bits = new Int32Array(1 << 12);
  private mask = (1 << 17) - 1;
  private added = 0;

  add(hash: number): void {
    this.set(hash);
    this.set(Math.imul(hash, 0x9e3779b1) ^ (hash >>> 15));
    this.added++;
  }

  mayHave(hash: number): boolean {
    return this.test(hash) && this.test(Math.imul(hash, 0x9e3779b1) ^ (hash >>> 15));
  }

  /** Whether it holds too many hashes for its size (over one per 12 bits, ~2 % false positives). */
  get full(): boolean {
    return this.added * 12 > this.bits.length * 32;
  }

  /** Starts over, sized for `count` hashes. */
  reset(count: number): void {
    let words = 1 << 12;
    while (words * 32 < count * 24) words <<= 1;
    this.bits = new Int32Array(words);
    this.mask = words * 32 - 1;
    this.added = 0;
  }

  private set(h: number): void {
    const bit = h & this.mask;
    this.bits[bit >>> 5]! |= 1 << (bit & 31);
  }

  private test(h: number): boolean {
    const bit = h & this.mask;
    return (this.bits[bit >>> 5]! & (1 << (bit & 31))) !== 0;
  }
}

/** A resident entry; `state` undefined is a tombstone: deleted here, its stale copy still spilled. */
class Resident<T> {
  readonly key: Value[];
  state: T | undefined;
  /** A copy of the entry is in the space (stale while resident: the resident one shadows it). */
  stored: boolean;
  used = true;
  /** Chosen by the eviction under way (not to be chosen twice). */
  leaving = false;
  /** Position in the CLOCK ring. */
  pos = 0;
  constructor(key: Value[], state: T | undefined, stored: boolean) {
    this.key = key;
    this.state = state;
    this.stored = stored;
  }
}

export class SpillingKeyMap<T> implements KeyMap<T> {
  readonly keyArity: number;
  readonly counters: SpillCounters = { hits: 0, misses: 0, evictions: 0 };
  private readonly resident: KeyMap<Resident<T>>;
  private readonly ring: Resident<T>[] = [];
  private hand = 0;
  private readonly tombstones: Resident<T>[] = [];
  private readonly space: SpillSpace;
  private readonly codec: SpillCodec<T>;
  private live = 0;
  /** Entries whose copy is in the space (shadowed ones included). */
  private stored = 0;
  private readonly filter = new SpilledHashes();

  constructor(keyTypes: readonly SqlType[], space: SpillSpace, codec: SpillCodec<T>) {
    this.keyArity = keyTypes.length;
    this.resident = makeKeyMap<Resident<T>>(keyTypes);
    this.space = space;
    this.codec = codec;
  }

  get size(): number {
    return this.live;
  }

  /** Entries in memory (tombstones included). */
  get residentCount(): number {
    return this.ring.length;
  }

  /** Entries only in the space. */
  get spilledCount(): number {
    return this.live - (this.ring.length - this.tombstones.length);
  }

  get(key: readonly Value[], base: number): T | undefined {
    const r = this.resident.get(key, base);
    if (r !== undefined) {
      this.counters.hits++;
      r.used = true;
      return r.state;
    }
    if (this.stored === 0) return undefined;
    const found = this.find(key, base);
    if (found === undefined) return undefined;
    this.counters.misses++;
    const state = this.codec.decode({ id: found[1], data: found[2] }, found[0]);
    this.admit(found[0], state, true);
    return state;
  }

  set(key: readonly Value[], base: number, state: T): void {
    const r = this.resident.get(key, base);
    if (r !== undefined) {
      if (r.state === undefined) this.live++;
      r.state = state;
      r.used = true;
      return;
    }
    const stored = this.stored > 0 && this.find(key, base) !== undefined;
    if (!stored) this.live++;
    this.admit(key.slice(base, base + this.keyArity), state, stored);
  }

  delete(key: readonly Value[], base: number): boolean {
    const r = this.resident.get(key, base);
    if (r !== undefined) {
      if (r.state === undefined) return false;
      this.live--;
      if (r.stored) {
        r.state = undefined;
        this.tombstones.push(r);
      } else this.drop(r);
      return true;
    }
    const found = this.stored > 0 ? this.find(key, base) : undefined;
    if (found === undefined) return false;
    this.live--;
    const tomb = this.admit(found[0], undefined, true);
    this.tombstones.push(tomb);
    return true;
  }

  /** Visits resident entries, then spilled ones decoded for the visit only (not made resident). */
  forEach(fn: (state: T, key: readonly Value[], base: number) => void): void {
    this.forEachResident(fn);
    this.forEachSpilled((entry, key) => fn(this.codec.decode(entry, key), key, 0));
  }

  forEachResident(fn: (state: T, key: readonly Value[], base: number) => void): void {
    for (let i = 0; i < this.ring.length; i++) {
      const r = this.ring[i]!;
      if (r.state !== undefined) fn(r.state, r.key, 0);
    }
  }

  /** Visits the entries held only in the space (a resident or deleted key shadows its copy). */
  forEachSpilled(fn: (entry: StateEntry, key: readonly Value[]) => void): void {
    if (this.stored === 0) return;
    for (const h of this.space.hashes()) this.forEachInBucket(h, fn);
  }

  /** The bucket hashes of the space now; with `forEachInBucket`, a walk spread over time (slicing). */
  spilledHashes(): number[] {
    return this.stored === 0 ? [] : this.space.hashes();
  }

  forEachInBucket(hash: number, fn: (entry: StateEntry, key: readonly Value[]) => void): void {
    for (const [key, id, data] of this.space.read(hash) ?? []) {
      if (this.resident.get(key, 0) === undefined) fn({ id, data }, key);
    }
  }

  /**
   * Takes a sliced save's walk of the entries spilled now: each call serialises up to `max` of
   * them as they are at that moment (a key made resident since is serialised from memory; one
   * deleted since is skipped, its deletion being in the save's final delta).
   */
  sliceSpilled(): (max: number) => StateEntry[] {
    const hashes = this.spilledHashes();
    let at = 0;
    return (max) => {
      const out: StateEntry[] = [];
      while (at < hashes.length && out.length < max) {
        for (const [key, id, data] of this.space.read(hashes[at++]!) ?? []) {
          const r = this.resident.get(key, 0);
          if (r === undefined) out.push({ id, data });
          else if (r.state !== undefined) out.push(this.codec.encode(r.state, key));
        }
      }
      return out;
    };
  }

  clear(): void {
    this.resident.clear();
    this.ring.length = 0;
    this.tombstones.length = 0;
    this.hand = 0;
    this.live = 0;
    if (this.stored > 0) this.space.clear(false);
    this.stored = 0;
  }

  /** Frees the space for good (the operator is dropped). */
  dispose(): void {
    this.clear();
    this.space.clear(true);
  }

  /**
   * Writes cold entries out until at most `target` stay resident, and deleted ones' stale
   * copies away. Call between steps only. Memory changes only once the space has taken the
   * writes: if it fails (disk full), every entry stays resident and the error is thrown.
   * Returns the entries evicted.
   */
  evict(target: number): number {
    const pending = new Map<number, SpilledEntry[]>();
    const bucket = (h: number): SpilledEntry[] => {
      let b = pending.get(h);
      if (b === undefined) {
        b = (this.filter.mayHave(h) ? this.space.read(h) : undefined) ?? [];
        pending.set(h, b);
      }
      return b;
    };
    const arity = this.keyArity;
    const deleted: Resident<T>[] = [];
    let copiesDeleted = 0;
    for (const r of this.tombstones) {
      // A key deleted and set again is no tombstone any more: its stale copy is overwritten on eviction.
      if (r.state !== undefined) continue;
      const b = bucket(hashRow(r.key, 0, arity));
      const at = b.findIndex((e) => rowsEqual(e[0], 0, r.key, 0, arity));
      if (at >= 0) {
        b.splice(at, 1);
        copiesDeleted++;
      }
      deleted.push(r);
    }
    const evicted: Resident<T>[] = [];
    const ring = this.ring;
    const keep = ring.length - deleted.length;
    for (
      let scanned = 0, limit = ring.length * 2;
      keep - evicted.length > target && scanned < limit;
      scanned++
    ) {
      if (this.hand >= ring.length) this.hand = 0;
      const r = ring[this.hand++]!;
      if (r.state === undefined || r.leaving) continue;
      if (r.used || this.codec.pinned(r.state)) {
        r.used = false;
        continue;
      }
      const entry = this.codec.encode(r.state, r.key);
      const hash = hashRow(r.key, 0, arity);
      const b = bucket(hash);
      const spilled: SpilledEntry = [r.key, entry.id, entry.data];
      const at = r.stored ? b.findIndex((e) => rowsEqual(e[0], 0, r.key, 0, arity)) : -1;
      if (at >= 0) b[at] = spilled;
      else b.push(spilled);
      r.leaving = true;
      evicted.push(r);
    }
    for (const r of evicted) this.filter.add(hashRow(r.key, 0, arity));
    try {
      if (pending.size > 0) this.space.writeBuckets(pending);
    } catch (e) {
      // Some buckets may be written: every entry tried may have a copy now, which its resident shadows.
      for (const r of evicted) {
        this.markStored(r);
        r.leaving = false;
      }
      throw e;
    }
    this.stored -= copiesDeleted;
    for (const r of deleted) this.drop(r);
    this.tombstones.length = 0;
    for (const r of evicted) {
      this.markStored(r);
      const state = r.state!;
      this.drop(r);
      this.codec.evicted?.(state);
    }
    if (this.filter.full) this.rebuildFilter();
    this.counters.evictions += evicted.length;
    return evicted.length;
  }

  private markStored(r: Resident<T>): void {
    if (r.stored) return;
    r.stored = true;
    this.stored++;
  }

  /** Sizes the filter anew from the hashes the space holds now (dropping deleted copies' bits). */
  private rebuildFilter(): void {
    const hashes = this.space.hashes();
    this.filter.reset(Math.max(hashes.length, this.stored) * 2);
    for (const h of hashes) this.filter.add(h);
  }

  /** The spilled copy of the key, if any. */
  private find(key: readonly Value[], base: number): SpilledEntry | undefined {
    const hash = hashRow(key, base, this.keyArity);
    if (!this.filter.mayHave(hash)) return undefined;
    const bucket = this.space.read(hash);
    if (bucket === undefined) return undefined;
    for (const e of bucket) if (rowsEqual(e[0], 0, key, base, this.keyArity)) return e;
    return undefined;
  }

  private admit(key: Value[], state: T | undefined, stored: boolean): Resident<T> {
    const r = new Resident(key, state, stored);
    r.pos = this.ring.length;
    this.ring.push(r);
    this.resident.set(key, 0, r);
    return r;
  }

  /** Removes a resident entry from memory (its stored copy, if any, stays). */
  private drop(r: Resident<T>): void {
    this.resident.delete(r.key, 0);
    const last = this.ring.pop()!;
    if (last !== r) {
      this.ring[r.pos] = last;
      last.pos = r.pos;
    }
  }
}
