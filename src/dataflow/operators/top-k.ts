/**
 * @module dataflow/operators/top-k
 * ORDER BY … LIMIT/OFFSET per partition. Given input changes, it emits only the changes to each
 * partition's ranked window (ranks offset … offset+limit-1, counting duplicate rows by weight,
 * ties broken by the whole row): the changed rows that fall inside, and the rows shifted in or out
 * at the window's edges. Each change costs O(log n + rows it moves), never a window rebuild.
 * State: per partition, all its rows in an ordered multiset (a later deletion may pull any in).
 * Checkpoints: one state entry per partition (dataflow/partitions.ts, dataflow/state.ts).
 */
import type { SqlType } from '../../common/types.ts';
import type { Value } from '../../common/value.ts';
import { Batch } from '../batch.ts';
import { type KeyMap, makeKeyMap } from '../key-map.ts';
import type { Operator } from '../operator.ts';
import { partitionOf, RowListsState } from '../partitions.ts';
import { copyRow, makeRowComparator, makeRowPrimaryKey, type SortKey } from '../row.ts';
import { type Cursor, SortedList } from '../sorted-list.ts';
import { type OperatorState, type OperatorStateDelta, StateChanges, type StateSlicer } from '../state.ts';
import { approxRetainedBytes } from '../state-bytes.ts';

export class TopKOp implements Operator {
  readonly arity: number;
  readonly pendingInitial = false;
  private readonly partitionCols: readonly number[];
  private readonly partitions: KeyMap<SortedList<Value[]>>;
  private readonly cmp: (a: Value[], b: Value[]) => number;
  private readonly primary: ((row: readonly Value[]) => number) | null;
  private readonly keyBuf: Value[];
  /** The window is ranks [from, to). */
  private readonly from: number;
  private readonly to: number;
  /** Scratch positions: of the changed row, and of the rows emitted at the window's edges. */
  private readonly at: Cursor = { chunk: 0, offset: 0 };
  private readonly cursor: Cursor = { chunk: 0, offset: 0 };
  /** Bound once, so finding a partition allocates no closure per row. */
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
    limit: number | null,
    offset: number,
  ) {
    this.arity = arity;
    this.partitionCols = partitionCols;
    this.partitions = makeKeyMap(partitionTypes);
    this.keyBuf = new Array<Value>(partitionCols.length).fill(null);
    this.from = offset;
    this.to = limit === null ? Number.POSITIVE_INFINITY : offset + limit;
    this.cmp = makeRowComparator(orderBy, arity);
    this.primary = makeRowPrimaryKey(orderBy);
    const kind = `top-k/${arity}/${partitionCols.join(',')}/${this.from}/${this.to}`;
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
    const out = new Batch(this.arity);
    // Insertions before deletions, so a deleted row is always present with enough weight.
    this.apply(input, true, out);
    this.apply(input, false, out);
    return out;
  }

  private apply(input: Batch, positive: boolean, out: Batch): void {
    const arity = this.arity;
    const src = input.values;
    for (let i = 0, base = 0; i < input.length; i++, base += arity) {
      const w = input.weights[i]!;
      if (w === 0 || w > 0 !== positive) continue;
      const list = partitionOf(this.partitions, this.keyBuf, this.partitionCols, src, base, this.newList);
      this.changes.note(list);
      const row = copyRow(src, base, arity);
      if (w > 0) this.insert(list, row, w, out);
      else this.remove(list, row, -w, out);
      if (list.size === 0) {
        this.partitions.delete(this.keyBuf, 0);
        this.changes.noteDeleted(list.entryId);
      }
    }
  }

  /** Adds `d` copies of `row`: rows at old ranks ≥ p move down by d. */
  private insert(list: SortedList<Value[]>, row: Value[], d: number, out: Batch): void {
    const a = this.from;
    const b = this.to;
    const at = this.at;
    const exists = list.search(row, at);
    const p = list.rankAt(at) + (exists ? list.weightAtCursor(at) : 0);
    // Old ranks [max(p, a, b-d), b) are pushed out past the end; [max(p, a-d), min(a, b-d)) in.
    if (b !== Number.POSITIVE_INFINITY) this.emitRanks(list, Math.max(p, a, b - d), b, -1, out);
    this.emitRanks(list, Math.max(p, a - d), Math.min(a, b - d), 1, out);
    if (exists) list.addWeightAtCursor(at, d);
    else list.insertAt(at, row, d);
    const inside = Math.min(p + d, b) - Math.max(p, a);
    if (inside > 0) out.push(row, 0, inside);
  }

  /** Removes `e` copies of `row` (the last ones, ranks [p, p+e)): rows after move up by e. */
  private remove(list: SortedList<Value[]>, row: Value[], e: number, out: Batch): void {
    const a = this.from;
    const b = this.to;
    const at = this.at;
    if (!list.search(row, at)) return;
    const p = list.rankAt(at) + list.weightAtCursor(at) - e;
    const inside = Math.min(p + e, b) - Math.max(p, a);
    if (inside > 0) out.push(row, 0, -inside);
    // Old ranks [max(p+e, a), min(b, a+e)) move out before the window; [max(p+e, b, a+e), b+e) in.
    this.emitRanks(list, Math.max(p + e, a), Math.min(b, a + e), -1, out);
    if (b !== Number.POSITIVE_INFINITY) this.emitRanks(list, Math.max(p + e, b, a + e), b + e, 1, out);
    list.addWeightAtCursor(at, -e);
  }

  /** Emits the rows at ranks [r0, r1) of `list` with weight `sign` each. */
  private emitRanks(list: SortedList<Value[]>, r0: number, r1: number, sign: number, out: Batch): void {
    r1 = Math.min(r1, list.total);
    if (r0 >= r1) return;
    const cur = this.cursor;
    let start = list.seekRank(r0, cur);
    for (;;) {
      const w = list.weightAtCursor(cur);
      const overlap = Math.min(start + w, r1) - Math.max(start, r0);
      if (overlap > 0) out.push(list.itemAt(cur), 0, sign * overlap);
      start += w;
      if (start >= r1 || !list.advance(cur)) return;
    }
  }
}
