/**
 * @module plan/evaluate/row-key-map
 * A hash map keyed by tuples of values (GROUP BY / DISTINCT / set-operation keys) using the
 * engine's value hashing and grouping equality (NULL equals NULL). For the one-shot evaluator.
 */
import type { Value } from '../../common/value.ts';
import { hashCombine, hashValue, valuesEqual } from '../../common/value-ops.ts';

interface Entry<V> {
  readonly key: readonly Value[];
  value: V;
}

export class RowKeyMap<V> {
  private readonly buckets = new Map<number, Entry<V>[]>();
  private readonly order: Entry<V>[] = [];

  get size(): number {
    return this.order.length;
  }

  get(key: readonly Value[]): V | undefined {
    return this.find(key, hashKey(key))?.value;
  }

  /** The value for `key`, created by `make` on first use. */
  upsert(key: readonly Value[], make: () => V): V {
    const h = hashKey(key);
    const found = this.find(key, h);
    if (found) return found.value;
    const entry: Entry<V> = { key: key.slice(), value: make() };
    const bucket = this.buckets.get(h);
    if (bucket) bucket.push(entry);
    else this.buckets.set(h, [entry]);
    this.order.push(entry);
    return entry.value;
  }

  /** Entries in first-insertion order. */
  entries(): readonly Entry<V>[] {
    return this.order;
  }

  private find(key: readonly Value[], h: number): Entry<V> | undefined {
    const bucket = this.buckets.get(h);
    if (!bucket) return undefined;
    for (const e of bucket) if (keysEqual(e.key, key)) return e;
    return undefined;
  }
}

export function hashKey(key: readonly Value[]): number {
  let h = 0x12345;
  for (let i = 0; i < key.length; i++) h = hashCombine(h, hashValue(key[i]!));
  return h;
}

export function keysEqual(a: readonly Value[], b: readonly Value[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!valuesEqual(a[i]!, b[i]!)) return false;
  return true;
}
