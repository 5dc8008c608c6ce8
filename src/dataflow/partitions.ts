/**
 * @module dataflow/partitions
 * Finding a row's PARTITION BY state in the partitioned operators (top-k, window). The key is
 * gathered into the caller's scratch buffer, so a lookup allocates nothing unless the partition is new.
 * Also the checkpoint form of a partition holding a sorted list of rows, and the whole
 * save/restore of an operator whose state is such partitions (`RowListsState`: top-k, top-k with
 * ties).
 */
import type { Value } from '../common/value.ts';
import type { KeyMap } from './key-map.ts';
import type { SortedList } from './sorted-list.ts';
import {
  beginSlices,
  deltaFrom,
  expectKind,
  numbers,
  type OperatorState,
  type OperatorStateDelta,
  type StateChanges,
  type StateEntry,
  type StateSlicer,
  sliceEntries,
  stateMismatch,
  tuple,
} from './state.ts';

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

/**
 * Checkpoints of an operator whose whole state is one sorted row list per partition: full images,
 * deltas since the last save and sliced saves (dataflow/state.ts), one entry per partition.
 * `kind` names the operator and its parameters, so an image restores only into its own kind.
 */
export class RowListsState {
  private readonly kind: string;
  private readonly partitions: KeyMap<SortedList<Value[]>>;
  private readonly partitionCols: readonly number[];
  private readonly changes: StateChanges<SortedList<Value[]>>;

  constructor(
    kind: string,
    partitions: KeyMap<SortedList<Value[]>>,
    partitionCols: readonly number[],
    changes: StateChanges<SortedList<Value[]>>,
  ) {
    this.kind = kind;
    this.partitions = partitions;
    this.partitionCols = partitionCols;
    this.changes = changes;
  }

  save(): OperatorState {
    const state = this.image();
    this.changes.saved();
    return state;
  }

  saveDelta(): OperatorStateDelta {
    return deltaFrom(
      this.kind,
      this.changes,
      () => this.image(),
      () => [this.changes.idCounter],
      (list) => list.size > 0,
      (list) => rowListEntry(list, this.partitionCols),
    );
  }

  beginSave(): StateSlicer {
    const current = beginSlices(this.changes);
    const lists: SortedList<Value[]>[] = [];
    this.partitions.forEach((list) => {
      lists.push(list);
    });
    const entryOf = (list: SortedList<Value[]>) =>
      list.size > 0 ? rowListEntry(list, this.partitionCols) : null;
    return sliceEntries(this.kind, lists, entryOf, current);
  }

  /** Loads an image into the (empty) partitions, each list made by `create`. */
  restore(state: OperatorState, arity: number, create: () => SortedList<Value[]>): void {
    expectKind(state, this.kind);
    restoreRowLists(state.entries, this.partitions, arity, create);
    this.changes.restored(state.meta[0]);
  }

  private image(): OperatorState {
    const entries: StateEntry[] = [];
    this.partitions.forEach((list) => {
      entries.push(rowListEntry(list, this.partitionCols));
    });
    return { kind: this.kind, meta: [this.changes.idCounter], entries };
  }
}
