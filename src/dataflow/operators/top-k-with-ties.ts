/**
 * @module dataflow/operators/top-k-with-ties
 * ORDER BY … OFFSET m FETCH FIRST n ROWS WITH TIES per partition: the rows ranked m … m+n-1 plus
 * every later row that ties (is equal under ORDER BY) with the one ranked m+n-1. Given input
 * changes, it emits, for each partition they reach, the window after minus the window before.
 * Ties make the window's end move with values, not ranks, so such a partition costs
 * O(log n + window + ties) per step rather than TopKOp's O(rows moved); changes sorting after a
 * full window's last row reach nothing and cost O(log n).
 * State: per partition, all its rows in an ordered multiset (a later deletion may pull any in).
 * Checkpoints: one state entry per partition (dataflow/partitions.ts, dataflow/state.ts).
 */
import type { SqlType } from '../../common/types.ts';
import type { Value } from '../../common/value.ts';
import { Batch } from '../batch.ts';
import { consolidate } from '../consolidate.ts';
import { type KeyMap, makeKeyMap } from '../key-map.ts';
import type { Operator } from '../operator.ts';
import { partitionOf, RowListsState } from '../partitions.ts';
import { compareBySortKeys, copyRow, makeRowComparator, makeRowPrimaryKey, type SortKey } from '../row.ts';
import { type Cursor, SortedList } from '../sorted-list.ts';
import { type OperatorState, type OperatorStateDelta, StateChanges, type StateSlicer } from '../state.ts';
import { approxRetainedBytes } from '../state-bytes.ts';

export class TopKWithTiesOp implements Operator {
  readonly arity: number;
  readonly pendingInitial = false;
  private readonly partitionCols: readonly number[];
  private readonly partitions: KeyMap<SortedList<Value[]>>;
  private readonly orderBy: readonly SortKey[];
  private readonly cmp: (a: Value[], b: Value[]) => number;
  private readonly primary: ((row: readonly Value[]) => number) | null;
  private readonly keyBuf: Value[];
  /** The window is ranks [from, to), extended by the ties of rank to-1. */
  private readonly from: number;
  private readonly to: number;
  private readonly cursor: Cursor = { chunk: 0, offset: 0 };
  private readonly newList = (): SortedList<Value[]> => {
    const list = new SortedList(this.cmp, this.primary);
    list.entryId = this.changes.newId();
    return list;
  };
  private readonly changes = new StateChanges<SortedList<Value[]>>();
  private readonly state: RowListsState;

  constructor(
    arity: number,
    partitionCols: readonly number[],
    partitionTypes: readonly SqlType[],
    orderBy: readonly SortKey[],
    limit: number,
    offset: number,
  ) {
    this.arity = arity;
    this.partitionCols = partitionCols;
    this.partitions = makeKeyMap(partitionTypes);
    this.keyBuf = new Array<Value>(partitionCols.length).fill(null);
    this.orderBy = orderBy;
    this.from = offset;
    this.to = offset + limit;
    this.cmp = makeRowComparator(orderBy, arity);
    this.primary = makeRowPrimaryKey(orderBy);
    const kind = `top-k-with-ties/${arity}/${partitionCols.join(',')}/${this.from}/${this.to}`;
    this.state = new RowListsState(kind, this.partitions, partitionCols, this.changes);
  }

  stateSize(): number {
    return this.partitions.size;
  }

  stateBytes(): number {
    // The partitions own the rows; the checkpoint notes only point at them.
    return approxRetainedBytes([this.partitions]);
  }

  saveState(): OperatorState {
    return this.state.save();
  }

  saveStateDelta(): OperatorStateDelta {
    return this.state.saveDelta();
  }

  beginSaveState(): StateSlicer {
    return this.state.beginSave();
  }

  restoreState(state: OperatorState): void {
    this.state.restore(state, this.arity, this.newList);
  }

  step(inputs: readonly Batch[]): Batch {
    const input = inputs[0]!;
    const arity = this.arity;
    const out = new Batch(arity);
    const seen = new Map<SortedList<Value[]>, { key: Value[]; touched: boolean }>();
    const src = input.values;
    for (let i = 0, base = 0; i < input.length; i++, base += arity) {
      const list = partitionOf(this.partitions, this.keyBuf, this.partitionCols, src, base, this.newList);
      let entry = seen.get(list);
      if (entry === undefined) {
        entry = { key: [...this.keyBuf], touched: false };
        seen.set(list, entry);
      }
      if (!entry.touched && !this.beyondWindow(list, src, base)) {
        entry.touched = true;
        this.emitWindow(list, -1, out);
      }
    }
    // Insertions before deletions, so a deleted row is always present with enough weight.
    for (const positive of [true, false]) {
      for (let i = 0, base = 0; i < input.length; i++, base += arity) {
        const w = input.weights[i]!;
        if (w === 0 || w > 0 !== positive) continue;
        const list = partitionOf(this.partitions, this.keyBuf, this.partitionCols, src, base, this.newList);
        this.changes.note(list);
        const row = copyRow(src, base, arity);
        if (w > 0) list.addWeight(row, w);
        else if (list.search(row, this.cursor)) list.addWeightAtCursor(this.cursor, w);
      }
    }
    for (const [list, { key, touched }] of seen) {
      if (touched) this.emitWindow(list, 1, out);
      if (list.size === 0 && this.partitions.delete(key, 0)) this.changes.noteDeleted(list.entryId);
    }
    return consolidate(out);
  }

  /**
   * Whether the row at `src[base]` sorts strictly after the full window's last row (and its ties):
   * inserting or deleting it then leaves the window as it is, so the step skips the rebuild.
   */
  private beyondWindow(list: SortedList<Value[]>, src: readonly Value[], base: number): boolean {
    if (this.to === 0) return true;
    if (list.total < this.to) return false;
    list.seekRank(this.to - 1, this.cursor);
    return compareBySortKeys(src, base, list.itemAt(this.cursor), 0, this.orderBy) > 0;
  }

  /** Emits the window's rows with weight `sign` each. */
  private emitWindow(list: SortedList<Value[]>, sign: number, out: Batch): void {
    const end = Math.min(this.to, list.total);
    if (this.from >= end) return;
    const cur = this.cursor;
    let start = list.seekRank(this.from, cur);
    let last: Value[] | null = null;
    for (;;) {
      const row = list.itemAt(cur);
      const w = list.weightAtCursor(cur);
      if (start < end) {
        // Copies of the row past `end` tie with the one at end-1: itself.
        out.push(row, 0, sign * (start + w - Math.max(start, this.from)));
        last = row;
      } else if (compareBySortKeys(row, 0, last!, 0, this.orderBy) === 0) {
        out.push(row, 0, sign * w);
      } else {
        return;
      }
      start += w;
      if (!list.advance(cur)) return;
    }
  }
}
