/**
 * @module dataflow/partitions
 * Finding a row's PARTITION BY state in the partitioned operators (top-k, window). The key is
 * gathered into the caller's scratch buffer, so a lookup allocates nothing unless the partition is new.
 * Also the checkpoint form of a partition holding a sorted list of rows (top-k).
 */
import type { Value } from '../common/value.ts';
import type { KeyMap } from './key-map.ts';
import type { SortedList } from './sorted-list.ts';
import { numbers, type StateEntry, stateMismatch, tuple } from './state.ts';

/**
 * The state of the partition of the row at `src[base]`, made by `create` if absent. Leaves the
 * key in `keyBuf` (for a later delete); `create` gets that buffer and must copy it to keep it.
 */
export function partitionOf<T>(
  partitions: KeyMap<T>,
  keyBuf: Value[],
  cols: readonly number[],
  src: readonly Value[],
  base: number,
  create: (key: Value[]) => T,
): T {
  for (let k = 0; k < cols.length; k++) keyBuf[k] = src[base + cols[k]!]!;
  let state = partitions.get(keyBuf, 0);
  if (state === undefined) {
    state = create(keyBuf);
    partitions.set(keyBuf, 0, state);
  }
  return state;
}

/** A partition's state entry: [key (read from its first row), rows in order, their weights]. */
export function rowListEntry(list: SortedList<Value[]>, cols: readonly number[]): StateEntry {
  const { items, weights } = list.toArrays();
  const first = items[0]!;
  return { id: list.entryId, data: [cols.map((c) => first[c]!), items.map((row) => row.slice()), weights] };
}

/** Loads `rowListEntry`s into `partitions`, each list made by `create`. */
export function restoreRowLists(
  entries: readonly StateEntry[],
  partitions: KeyMap<SortedList<Value[]>>,
  arity: number,
  create: () => SortedList<Value[]>,
): void {
  if (partitions.size > 0) throw stateMismatch('restoring into a used partitioned operator');
  for (const { id, data } of entries) {
    const [key, rows, weights] = tuple(data, 3);
    const ws = numbers(weights);
    if (!Array.isArray(rows) || rows.length !== ws.length) throw stateMismatch('malformed partition');
    const list = create();
    list.entryId = id;
    for (let i = 0; i < ws.length; i++) list.insert(tuple(rows[i], arity).slice(), ws[i]!);
    partitions.set(tuple(key, partitions.keyArity), 0, list);
  }
}
