/**
 * @module dataflow/operators/window
 * Window functions over PARTITION BY / ORDER BY. Given input changes, it emits, for every input
 * row whose window results changed, -1 for the row with its old results and +1 with its new
 * ones (a deleted row only retracts, an inserted one only inserts). Per partition only the
 * region a change can reach is recomputed: the changed span widened by each call's reach (lag
 * offsets, frame extents, peer groups; up to the partition end only for functions of position
 * such as row_number when the row count changed). Running aggregates resume from the row before.
 * State: per partition the ordered rows (one entry per copy), each with its last emitted results.
 * Checkpoints: one state entry per partition, [key, rows, results] (dataflow/state.ts).
 */
import type { SqlType } from '../../common/types.ts';
import type { Value } from '../../common/value.ts';
import { Batch } from '../batch.ts';
import { type KeyMap, makeKeyMap } from '../key-map.ts';
import type { Operator } from '../operator.ts';
import { partitionOf } from '../partitions.ts';
import {
  compareBySortKey,
  copyRow,
  makeRowComparator,
  makeRowPrimaryKey,
  type SortKey,
  sameValue,
} from '../row.ts';
import { type Cursor, SortedList } from '../sorted-list.ts';
import {
  beginSlices,
  deltaFrom,
  expectKind,
  num,
  type OperatorState,
  type OperatorStateDelta,
  StateChanges,
  type StateEntry,
  type StateSlicer,
  sliceEntries,
  stateMismatch,
  tuple,
} from '../state.ts';
import { approxRetainedBytes } from '../state-bytes.ts';
import { RegionEvaluator, shiftKey, WinEntry } from '../window/window-eval.ts';
import {
  addReach,
  boundOffset,
  hasValueOffsets,
  isFrameFunction,
  type Reach,
  type WindowCallSpec,
} from '../window/window-spec.ts';

class Partition {
  readonly key: Value[];
  readonly list: SortedList<WinEntry>;
  /** Rows inserted or deleted this step (kept only when RANGE offsets need their keys). */
  readonly changed: WinEntry[] = [];
  /** Positions (in the current list) bracketing every change of this step: [spanLo, spanHi]. */
  spanLo = 0;
  spanHi = 0;
  sizeBefore = 0;
  stamp = 0;
  /** Checkpoint entry id and change mark (dataflow/state.ts). */
  entryId = 0;
  mark = 0;
  constructor(
    key: Value[],
    cmp: (a: WinEntry, b: WinEntry) => number,
    primary: ((e: WinEntry) => number) | null,
  ) {
    this.key = key;
    this.list = new SortedList(cmp, primary);
  }

  /** Notes an insertion at `index`: later rows shift down; the row and its neighbours changed. */
  inserted(index: number): void {
    if (index <= this.spanHi) this.spanHi++;
    this.spanLo = Math.min(this.spanLo, index - 1);
    this.spanHi = Math.max(this.spanHi, index + 1);
  }

  /** Notes a removal at `index`: later rows shift up; its former neighbours changed. */
  removed(index: number): void {
    if (this.spanLo > index) this.spanLo--;
    if (this.spanHi > index) this.spanHi--;
    this.spanLo = Math.min(this.spanLo, index - 1);
    this.spanHi = Math.max(this.spanHi, index);
  }
}

export class WindowOp implements Operator {
  readonly arity: number;
  readonly pendingInitial = false;
  private readonly inputArity: number;
  private readonly partitionCols: readonly number[];
  private readonly orderBy: readonly SortKey[];
  private readonly calls: readonly WindowCallSpec[];
  private readonly partitions: KeyMap<Partition>;
  private readonly cmp: (a: WinEntry, b: WinEntry) => number;
  private readonly primary: ((e: WinEntry) => number) | null;
  /** Some call has a RANGE frame with value offsets: its region depends on changed keys. */
  private readonly valueOffsets: boolean;
  private readonly cursor: Cursor = { chunk: 0, offset: 0 };
  private readonly keyBuf: Value[];
  /** Bound once, so finding a partition allocates no closure per row. */
  private readonly newPart = (key: Value[]): Partition => {
    const part = new Partition(key.slice(), this.cmp, this.primary);
    part.entryId = this.changes.newId();
    return part;
  };
  private readonly changes = new StateChanges<Partition>();
  private readonly evaluator: RegionEvaluator;
  private readonly touched: Partition[] = [];
  private epoch = 0;
  /** The largest |offset| any lag/lead has read: how far a change reaches through them. */
  private lagReach = 0;
  private readonly reach: Reach = { before: 0, after: 0, peers: false };
  /** Per call: a running aggregate that can resume from the previous row's result. */
  private readonly seedable: readonly boolean[];

  constructor(
    inputArity: number,
    partitionCols: readonly number[],
    partitionTypes: readonly SqlType[],
    orderBy: readonly SortKey[],
    calls: readonly WindowCallSpec[],
  ) {
    this.inputArity = inputArity;
    this.arity = inputArity + calls.length;
    this.partitionCols = partitionCols;
    this.orderBy = orderBy;
    this.calls = calls;
    this.partitions = makeKeyMap(partitionTypes);
    this.keyBuf = new Array<Value>(partitionCols.length).fill(null);
    const rowCmp = makeRowComparator(orderBy, inputArity);
    this.cmp = (a, b) => rowCmp(a.row, b.row);
    const rowKey = makeRowPrimaryKey(orderBy);
    this.primary = rowKey === null ? null : (e) => rowKey(e.row);
    this.seedable = calls.map((call) => isSeedable(call));
    this.valueOffsets = calls.some((call) => hasValueOffsets(call.frame) && isFrameFunction(call.fn));
    this.evaluator = new RegionEvaluator(orderBy, this.seedable);
  }

  stateSize(): number {
    return this.partitions.size;
  }

  stateBytes(): number {
    // The partitions own the rows; the step's scratch and checkpoint notes only point at them.
    return approxRetainedBytes([this.partitions]);
  }

  step(inputs: readonly Batch[]): Batch {
    const input = inputs[0]!;
    const out = new Batch(this.arity);
    this.epoch++;
    this.touched.length = 0;
    this.apply(input, true, out);
    this.apply(input, false, out);
    for (const part of this.touched) this.recompute(part, out);
    return out;
  }

  private apply(input: Batch, positive: boolean, out: Batch): void {
    const arity = this.inputArity;
    const src = input.values;
    for (let i = 0, base = 0; i < input.length; i++, base += arity) {
      const w = input.weights[i]!;
      if (w === 0 || w > 0 !== positive) continue;
      const part = partitionOf(this.partitions, this.keyBuf, this.partitionCols, src, base, this.newPart);
      this.changes.note(part);
      if (part.stamp !== this.epoch) {
        part.stamp = this.epoch;
        part.sizeBefore = part.list.size;
        part.changed.length = 0;
        part.spanLo = Number.POSITIVE_INFINITY;
        part.spanHi = Number.NEGATIVE_INFINITY;
        this.touched.push(part);
      }
      const entry = new WinEntry(copyRow(src, base, arity));
      if (this.valueOffsets) part.changed.push(entry);
      if (w > 0) {
        this.noteLagOffsets(entry.row);
        for (let c = 0; c < w; c++)
          part.inserted(part.list.insert(c === 0 ? entry : new WinEntry(entry.row), 1));
      } else {
        for (let c = 0; c < -w; c++) this.removeCopy(part, entry, out);
      }
    }
  }

  private removeCopy(part: Partition, probe: WinEntry, out: Batch): void {
    const list = part.list;
    const at = this.cursor;
    if (!list.search(probe, at)) return;
    const old = list.itemAt(at);
    part.removed(list.indexAt(at));
    list.removeAtCursor(at);
    if (old.out !== null) pushResult(out, old.row, old.out, -1);
  }

  private noteLagOffsets(row: readonly Value[]): void {
    for (const call of this.calls) {
      if (call.fn !== 'lag' && call.fn !== 'lead') continue;
      const offset = call.args[1] === undefined ? 1 : row[call.args[1]]!;
      if (offset !== null) this.lagReach = Math.max(this.lagReach, Math.abs(Number(offset)));
    }
  }

  /** Recomputes the region of `part` its changes can reach, emitting the results that changed. */
  private recompute(part: Partition, out: Batch): void {
    const list = part.list;
    const n = list.size;
    if (n === 0) {
      this.deletePartition(part);
      return;
    }
    const spanLo = Math.max(0, part.spanLo);
    const spanHi = Math.min(n - 1, part.spanHi);
    const reach = this.reach;
    reach.before = 0;
    reach.after = 0;
    reach.peers = false;
    for (const call of this.calls) addReach(call, n !== part.sizeBefore, this.lagReach, spanLo === 0, reach);
    let lo = Math.max(0, spanLo - reach.before);
    let hi = Math.min(n - 1, spanHi + reach.after);
    for (const call of this.calls) {
      if (!hasValueOffsets(call.frame) || call.fn === 'lag' || call.fn === 'lead') continue;
      [lo, hi] = this.valueRegion(part, call, lo, hi);
    }
    if (reach.peers) [lo, hi] = this.extendToPeers(list, lo, hi);
    const [ctxLo, ctxHi] = this.context(list, lo, hi);
    const ev = this.evaluator;
    ev.begin(list, lo, hi, ctxLo, ctxHi);
    const results: Value[][] = [];
    for (let q = lo; q <= hi; q++) results.push(new Array<Value>(this.calls.length));
    for (let c = 0; c < this.calls.length; c++) ev.evaluate(this.calls[c]!, c, results);
    for (let q = lo; q <= hi; q++) {
      const entry = ev.entryAt(q);
      const fresh = results[q - lo]!;
      if (entry.out !== null) {
        if (sameResults(entry.out, fresh)) continue;
        pushResult(out, entry.row, entry.out, -1);
      }
      entry.out = fresh;
      pushResult(out, entry.row, fresh, 1);
    }
    part.changed.length = 0;
  }

  /** Widens [lo, hi] to the rows whose RANGE-offset frame can contain a changed key. */
  private valueRegion(part: Partition, call: WindowCallSpec, lo: number, hi: number): [number, number] {
    const list = part.list;
    const key = this.orderBy[0]!;
    const dir = key.descending ? -1 : 1;
    const s = boundOffset(call.frame.start);
    const e = boundOffset(call.frame.end);
    for (const probe of part.changed) {
      const v = probe.row[key.column]!;
      if (v === null) continue;
      // Row q's frame holds keys k+s … k+e (in sort direction): keys v-e … v-s can see v.
      const from = e === Number.POSITIVE_INFINITY ? 0 : lowerBoundKey(list, key, shiftKey(v, -dir * e));
      const to =
        s === Number.NEGATIVE_INFINITY ? list.size - 1 : upperBoundKey(list, key, shiftKey(v, -dir * s)) - 1;
      if (from <= to) {
        lo = Math.min(lo, from);
        hi = Math.max(hi, to);
      }
    }
    return [lo, hi];
  }

  private extendToPeers(list: SortedList<WinEntry>, lo: number, hi: number): [number, number] {
    if (this.orderBy.length === 0) return [0, list.size - 1];
    const ev = this.evaluator;
    let first = list.at(lo);
    while (lo > 0) {
      const prev = list.at(lo - 1);
      if (!ev.peers(prev, first)) break;
      lo--;
      first = prev;
    }
    let last = list.at(hi);
    while (hi < list.size - 1) {
      const next = list.at(hi + 1);
      if (!ev.peers(last, next)) break;
      hi++;
      last = next;
    }
    return [lo, hi];
  }

  /** The positions whose rows evaluating [lo, hi] reads in bulk (frames, lag/lead targets). */
  private context(list: SortedList<WinEntry>, lo: number, hi: number): [number, number] {
    let ctxLo = lo;
    let ctxHi = hi;
    const n = list.size;
    for (let c = 0; c < this.calls.length; c++) {
      const call = this.calls[c]!;
      if (call.fn === 'lag' || call.fn === 'lead') {
        ctxLo = Math.min(ctxLo, lo - this.lagReach);
        ctxHi = Math.max(ctxHi, hi + this.lagReach);
      } else if (call.makeAggregator !== undefined) {
        const start = call.frame.start;
        if (start.kind === 'unboundedPreceding') {
          if (!this.seedable[c] || lo === 0) ctxLo = 0;
        } else if (call.frame.mode === 'rows') ctxLo = Math.min(ctxLo, lo + Math.min(0, boundOffset(start)));
        if (call.frame.end.kind === 'unboundedFollowing') ctxHi = n - 1;
        else if (call.frame.mode === 'rows')
          ctxHi = Math.max(ctxHi, hi + Math.max(0, boundOffset(call.frame.end)));
      }
    }
    return [Math.max(0, ctxLo), Math.min(n - 1, ctxHi)];
  }

  private deletePartition(part: Partition): void {
    this.partitions.delete(part.key, 0);
    this.changes.noteDeleted(part.entryId);
  }

  saveState(): OperatorState {
    const state = this.image();
    this.changes.saved();
    return state;
  }

  saveStateDelta(): OperatorStateDelta {
    return deltaFrom(
      this.kind,
      this.changes,
      () => this.image(),
      () => this.meta(),
      (part) => part.list.size > 0,
      (part) => partitionEntry(part),
    );
  }

  beginSaveState(): StateSlicer {
    const current = beginSlices(this.changes);
    const parts: Partition[] = [];
    this.partitions.forEach((part) => {
      parts.push(part);
    });
    const entryOf = (part: Partition) => (part.list.size > 0 ? partitionEntry(part) : null);
    return sliceEntries(this.kind, parts, entryOf, current);
  }

  restoreState(state: OperatorState): void {
    expectKind(state, this.kind);
    if (this.partitions.size > 0) throw stateMismatch('restoring into a used window operator');
    const [, lagReach] = tuple(state.meta, 2);
    for (const { id, data } of state.entries) {
      const [key, rows, outs] = tuple(data, 3);
      if (!Array.isArray(rows) || !Array.isArray(outs) || rows.length !== outs.length)
        throw stateMismatch('malformed window partition');
      const part = new Partition(tuple(key, this.partitionCols.length).slice(), this.cmp, this.primary);
      part.entryId = id;
      for (let i = 0; i < rows.length; i++) {
        const entry = new WinEntry(tuple(rows[i], this.inputArity).slice());
        const out = outs[i]!;
        entry.out = out === null ? null : tuple(out, this.calls.length).slice();
        part.list.insert(entry, 1);
      }
      this.partitions.set(part.key, 0, part);
    }
    this.changes.restored(state.meta[0]);
    this.lagReach = num(lagReach);
  }

  private get kind(): string {
    const calls = this.calls.map((c) => c.fn).join(',');
    return `window/${this.inputArity}/${this.partitionCols.join(',')}/${calls}`;
  }

  private meta(): Value[] {
    return [this.changes.idCounter, this.lagReach];
  }

  private image(): OperatorState {
    const entries: StateEntry[] = [];
    this.partitions.forEach((part) => {
      entries.push(partitionEntry(part));
    });
    return { kind: this.kind, meta: this.meta(), entries };
  }
}

/** A partition's entry: [key, rows in order (one per copy), each row's last emitted results]. */
function partitionEntry(part: Partition): StateEntry {
  const rows: Value[] = [];
  const outs: Value[] = [];
  part.list.forEachFrom(0, (entry) => {
    rows.push(entry.row.slice());
    outs.push(entry.out === null ? null : entry.out.slice());
    return true;
  });
  return { id: part.entryId, data: [part.key.slice(), rows, outs] };
}

function lowerBoundKey(list: SortedList<WinEntry>, key: SortKey, target: Value): number {
  return list.lowerBoundBy((e) => compareBySortKey(e.row[key.column]!, target, key));
}

function upperBoundKey(list: SortedList<WinEntry>, key: SortKey, target: Value): number {
  return list.lowerBoundBy((e) => (compareBySortKey(e.row[key.column]!, target, key) <= 0 ? -1 : 1));
}

/** A running aggregate (from the partition start to the current row) whose result is its state. */
function isSeedable(call: WindowCallSpec): boolean {
  if (call.makeAggregator === undefined) return false;
  const frame = call.frame;
  if (frame.start.kind !== 'unboundedPreceding' || frame.end.kind !== 'currentRow') return false;
  const probe = call.makeAggregator();
  probe.reserve(1);
  return probe.seed?.(0, null) === true;
}

function sameResults(a: readonly Value[], b: readonly Value[]): boolean {
  for (let i = 0; i < a.length; i++) if (!sameValue(a[i]!, b[i]!)) return false;
  return true;
}

function pushResult(out: Batch, row: readonly Value[], results: readonly Value[], w: number): void {
  const values = out.values;
  for (let j = 0; j < row.length; j++) values.push(row[j]!);
  for (let j = 0; j < results.length; j++) values.push(results[j]!);
  out.weights.push(w);
}
