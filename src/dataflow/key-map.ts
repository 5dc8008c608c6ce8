/**
 * @module dataflow/key-map
 * Maps a key (`keyArity` values read from `key[base]`) to per-key state in O(1) expected time.
 * A single key column whose values are JS primitives keys a native Map directly (SameValueZero
 * matches GROUP BY equality for canonical values: NaN = NaN, 0 = -0, NULL = NULL); other keys
 * hash with value-ops into chains checked with valuesEqual. Entries exist only for live keys.
 */
import type { SqlType } from '../common/types.ts';
import type { Value } from '../common/value.ts';
import { hashRow, rowsEqual } from './row.ts';

export interface KeyMap<T> {
  readonly keyArity: number;
  readonly size: number;
  get(key: readonly Value[], base: number): T | undefined;
  /** Sets the state of a key; the key values are copied, so `key` may be a scratch buffer. */
  set(key: readonly Value[], base: number, state: T): void;
  delete(key: readonly Value[], base: number): boolean;
  /** Visits every live key (its values start at `key[base]`) and state. */
  forEach(fn: (state: T, key: readonly Value[], base: number) => void): void;
  clear(): void;
}

/** Types whose runtime values are JS primitives (see common/value.ts), so a native Map keys them. */
export function isPrimitiveType(type: SqlType): boolean {
  switch (type.id) {
    case 'bool':
    case 'int2':
    case 'int4':
    case 'int8':
    case 'float4':
    case 'float8':
    case 'text':
    case 'varchar':
    case 'bpchar':
    case 'uuid':
    case 'date':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
    case 'enum':
    case 'unknown':
      return true;
    default:
      return false;
  }
}

/** The fastest map for keys of these column types. */
export function makeKeyMap<T>(keyTypes: readonly SqlType[]): KeyMap<T> {
  if (keyTypes.length === 1 && isPrimitiveType(keyTypes[0]!)) return new PrimitiveKeyMap<T>();
  return new HashKeyMap<T>(keyTypes.length);
}

export class PrimitiveKeyMap<T> implements KeyMap<T> {
  readonly keyArity = 1;
  private readonly map = new Map<Value, T>();
  private readonly keyBox: Value[] = [null];

  get size(): number {
    return this.map.size;
  }

  get(key: readonly Value[], base: number): T | undefined {
    return this.map.get(key[base]!);
  }

  set(key: readonly Value[], base: number, state: T): void {
    this.map.set(key[base]!, state);
  }

  delete(key: readonly Value[], base: number): boolean {
    return this.map.delete(key[base]!);
  }

  forEach(fn: (state: T, key: readonly Value[], base: number) => void): void {
    const box = this.keyBox;
    for (const [k, state] of this.map) {
      box[0] = k;
      fn(state, box, 0);
    }
  }

  clear(): void {
    this.map.clear();
  }
}

class HashEntry<T> {
  readonly key: Value[];
  state: T;
  next: HashEntry<T> | null;
  constructor(key: Value[], state: T, next: HashEntry<T> | null) {
    this.key = key;
    this.state = state;
    this.next = next;
  }
}

export class HashKeyMap<T> implements KeyMap<T> {
  readonly keyArity: number;
  private readonly buckets = new Map<number, HashEntry<T>>();
  private count = 0;

  constructor(keyArity: number) {
    this.keyArity = keyArity;
  }

  get size(): number {
    return this.count;
  }

  get(key: readonly Value[], base: number): T | undefined {
    const arity = this.keyArity;
    let e = this.buckets.get(hashRow(key, base, arity)) ?? null;
    while (e !== null) {
      if (rowsEqual(e.key, 0, key, base, arity)) return e.state;
      e = e.next;
    }
    return undefined;
  }

  set(key: readonly Value[], base: number, state: T): void {
    const arity = this.keyArity;
    const h = hashRow(key, base, arity);
    const head = this.buckets.get(h);
    for (let e = head ?? null; e !== null; e = e.next) {
      if (rowsEqual(e.key, 0, key, base, arity)) {
        e.state = state;
        return;
      }
    }
    const copy = new Array<Value>(arity);
    for (let j = 0; j < arity; j++) copy[j] = key[base + j]!;
    this.buckets.set(h, new HashEntry(copy, state, head ?? null));
    this.count++;
  }

  delete(key: readonly Value[], base: number): boolean {
    const arity = this.keyArity;
    const h = hashRow(key, base, arity);
    let prev: HashEntry<T> | null = null;
    for (let e = this.buckets.get(h) ?? null; e !== null; prev = e, e = e.next) {
      if (!rowsEqual(e.key, 0, key, base, arity)) continue;
      if (prev !== null) prev.next = e.next;
      else if (e.next !== null) this.buckets.set(h, e.next);
      else this.buckets.delete(h);
      this.count--;
      return true;
    }
    return false;
  }

  forEach(fn: (state: T, key: readonly Value[], base: number) => void): void {
    for (const head of this.buckets.values()) {
      for (let e: HashEntry<T> | null = head; e !== null; e = e.next) fn(e.state, e.key, 0);
    }
  }

  clear(): void {
    this.buckets.clear();
    this.count = 0;
  }
}
