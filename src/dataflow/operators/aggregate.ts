/**
 * @module dataflow/operators/aggregate
 * GROUP BY with aggregates. Given input changes, it updates each touched group's aggregate state
 * and emits, for each group whose output row changed, -1 for the old row and +1 for the new one
 * (a group that lost its last row only retracts; a new group only inserts). Without GROUP BY it
 * is SQL's scalar aggregate: exactly one row at all times, emitted on the very first step.
 * State: group key → slot; per slot the row count, the last emitted results and each
 * aggregator's column-wise state. Slots of emptied groups are freed and reused.
 * Checkpoints: one state entry per live group under an id of its own (dataflow/state.ts): not
 * its slot, since under a memory budget a cold group leaves its slot for the spill space and
 * comes back in another (ADR 0006).
 */
import type { SqlType } from '../../common/types.ts';
import type { Value } from '../../common/value.ts';
import type { Aggregator } from '../aggregates/aggregator.ts';
import { Batch } from '../batch.ts';
import { type KeyMap, makeKeyMap } from '../key-map.ts';
import type { Operator } from '../operator.ts';
import { sameValue } from '../row.ts';
import { type SpillCodec, type SpillContext, SpillingKeyMap } from '../spilling-key-map.ts';
import {
  beginSlices,
  chainSlicer,
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

export interface AggregateSpec {
  readonly aggregator: Aggregator;
  /** Input column of the FILTER (WHERE …) boolean, or -1: rows where it is not TRUE are skipped. */
  readonly filter: number;
}

/**
 * A group key that is a window bound (plan/window-close `groupClosing`): once the watermark (the
 * operator's second input) passes `key + offsetMicros`, the group can no longer change, and its
 * state is dropped without retracting its row.
 */
export interface GroupClosing {
  readonly keyIndex: number;
  readonly offsetMicros: number;
}

export class AggregateOp implements Operator {
  readonly arity: number;
  pendingInitial: boolean;
  private readonly inputArity: number;
  private readonly groupCols: readonly number[];
  private readonly aggs: readonly Aggregator[];
  private readonly filters: Int32Array;
  private readonly groups: KeyMap<number>;
  private readonly keyBuf: Value[];
  private readonly scalar: boolean;
  /** Per slot: weighted row count, group key values (flat), last emitted results (flat). */
  private rowCounts: number[] = [];
  private keys: Value[] = [];
  private results: Value[] = [];
  private emitted: boolean[] = [];
  private stamps: number[] = [];
  /** Per slot, the group's entry id; ids are never reused (the next one is in the image's meta). */
  private ids: number[] = [];
  private nextEntryId = 0;
  /** A sliced save is under way: groups stay in their slots, which its handles name. */
  private slicing = false;
  private capacity = 0;
  private slotsUsed = 0;
  private readonly freeSlots: number[] = [];
  private epoch = 0;
  private readonly touched: number[] = [];
  /** Per slot, the save interval in which the group was last noted as changed (0: not noted). */
  private marks: number[] = [];
  /** Changed groups (by slot) since the last save; a slot's id is the slot itself. */
  private readonly changes = new StateChanges<number>();
  private readonly newResults: Value[];
  private readonly closing: GroupClosing | undefined;

  constructor(
    inputArity: number,
    groupCols: readonly number[],
    groupTypes: readonly SqlType[],
    specs: readonly AggregateSpec[],
    closing?: GroupClosing,
    /** Under a memory budget, where cold groups go (ADR 0006); null keeps all in memory. */
    spill: SpillContext | null = null,
  ) {
    this.closing = closing;
    this.inputArity = inputArity;
    this.groupCols = groupCols;
    this.aggs = specs.map((s) => s.aggregator);
    this.filters = Int32Array.from(specs.map((s) => s.filter));
    this.arity = groupCols.length + specs.length;
    this.scalar = groupCols.length === 0;
    this.groups =
      spill === null || this.scalar
        ? makeKeyMap<number>(groupTypes)
        : spill.keyMap(groupTypes, this.groupCodec());
    this.keyBuf = new Array<Value>(groupCols.length).fill(null);
    this.newResults = new Array<Value>(specs.length).fill(null);
    this.pendingInitial = this.scalar;
    if (this.scalar) this.groups.set(this.keyBuf, 0, this.allocate());
  }

  stateSize(): number {
    return this.groups.size;
  }

  stateBytes(): number {
    return approxRetainedBytes([this]);
  }

  /** How groups spill: as their checkpoint entries, leaving their slots free for others. */
  private groupCodec(): SpillCodec<number> {
    return {
      encode: (slot) => this.entryAt(slot),
      decode: (entry) => this.restoreGroup(entry.id, entry.data),
      pinned: (slot) => this.slicing || (this.changes.tracking && this.marks[slot] === this.changes.interval),
      evicted: (slot) => this.clearSlot(slot),
    };
  }

  step(inputs: readonly Batch[]): Batch {
    const input = inputs[0]!;
    this.epoch++;
    this.touched.length = 0;
    // Insertions first, then deletions: every count and multiset stays non-negative in between.
    if (this.apply(input, true)) this.apply(input, false);
    if (this.pendingInitial) {
      this.pendingInitial = false;
      this.touch(0);
    }
    const out = new Batch(this.arity);
    for (let t = 0; t < this.touched.length; t++) this.emitChange(this.touched[t]!, out);
    // Each group emits at most its old row and a different new row: no two output rows are equal.
    out.consolidated = true;
    const watermarks = inputs[1];
    if (this.closing && watermarks)
      for (let i = 0; i < watermarks.length; i++)
        if (watermarks.weights[i]! > 0) this.forgetClosed(this.closing, watermarks.values[i]!);
    return out;
  }

  /** Drops the groups whose window the watermark has closed (their rows stay emitted). */
  private forgetClosed(closing: GroupClosing, watermark: Value): void {
    if (watermark === null) return;
    const keyArity = this.groupCols.length;
    const isClosed = (bound: Value) =>
      bound !== null && (bound as number) + closing.offsetMicros <= (watermark as number);
    const closed: number[] = [];
    const visit = (slot: number) => {
      if (isClosed(this.keys[slot * keyArity + closing.keyIndex]!)) closed.push(slot);
    };
    const groups = this.groups;
    if (groups instanceof SpillingKeyMap) {
      // Spilled groups are judged by their key and deleted where they lie (decoding one would
      // take a slot that nothing frees).
      groups.forEachResident(visit);
      const spilled: { key: readonly Value[]; id: number }[] = [];
      groups.forEachSpilled((entry, key) => {
        if (isClosed(key[closing.keyIndex]!)) spilled.push({ key, id: entry.id });
      });
      for (const { key, id } of spilled) {
        groups.delete(key, 0);
        this.changes.noteDeleted(id);
      }
    } else groups.forEach(visit);
    for (const slot of closed) this.release(slot);
  }

  /** Applies the rows of one sign; returns whether rows of the other sign were seen. */
  private apply(input: Batch, positive: boolean): boolean {
    const src = input.values;
    const weights = input.weights;
    const inputArity = this.inputArity;
    const groupCols = this.groupCols;
    const keyBuf = this.keyBuf;
    const aggs = this.aggs;
    const filters = this.filters;
    let skipped = false;
    for (let i = 0, base = 0; i < weights.length; i++, base += inputArity) {
      const w = weights[i]!;
      if (w > 0 !== positive || w === 0) {
        skipped = true;
        continue;
      }
      for (let k = 0; k < groupCols.length; k++) keyBuf[k] = src[base + groupCols[k]!]!;
      let slot = this.scalar ? 0 : this.groups.get(keyBuf, 0);
      if (slot === undefined) {
        slot = this.allocate();
        this.groups.set(keyBuf, 0, slot);
      }
      if (this.stamps[slot] !== this.epoch) this.touch(slot);
      this.rowCounts[slot]! += w;
      for (let j = 0; j < aggs.length; j++) {
        const f = filters[j]!;
        if (f >= 0 && src[base + f] !== true) continue;
        aggs[j]!.update(slot, src, base, w);
      }
    }
    return skipped;
  }

  private touch(slot: number): void {
    this.stamps[slot] = this.epoch;
    this.touched.push(slot);
    const changes = this.changes;
    if (changes.tracking && this.marks[slot] !== changes.interval) {
      this.marks[slot] = changes.interval;
      changes.add(slot);
    }
  }

  /** Emits the retraction of the group's old row and the insertion of its new one, if they differ. */
  private emitChange(slot: number, out: Batch): void {
    const nAggs = this.aggs.length;
    const live = this.scalar || this.rowCounts[slot]! > 0;
    const fresh = this.newResults;
    const was = this.emitted[slot]!;
    if (live) {
      let same = was;
      for (let j = 0; j < nAggs; j++) {
        const v = this.aggs[j]!.result(slot);
        fresh[j] = v;
        if (same && !sameValue(v, this.results[slot * nAggs + j]!)) same = false;
      }
      if (same) return;
    }
    if (was) this.pushRow(out, slot, this.results, slot * nAggs, -1);
    if (!live) {
      this.release(slot);
      return;
    }
    for (let j = 0; j < nAggs; j++) this.results[slot * nAggs + j] = fresh[j]!;
    this.emitted[slot] = true;
    this.pushRow(out, slot, this.results, slot * nAggs, 1);
  }

  private pushRow(out: Batch, slot: number, results: readonly Value[], at: number, w: number): void {
    const keyArity = this.groupCols.length;
    const values = out.values;
    for (let k = 0; k < keyArity; k++) values.push(this.keys[slot * keyArity + k]!);
    for (let j = 0; j < this.aggs.length; j++) values.push(results[at + j]!);
    out.weights.push(w);
  }

  private allocate(): number {
    const slot = this.freeSlots.length > 0 ? this.freeSlots.pop()! : this.slotsUsed++;
    if (slot >= this.capacity) this.grow(Math.max(16, this.capacity * 2));
    this.ids[slot] = this.nextEntryId++;
    const keyArity = this.groupCols.length;
    for (let k = 0; k < keyArity; k++) this.keys[slot * keyArity + k] = this.keyBuf[k]!;
    this.rowCounts[slot] = 0;
    this.emitted[slot] = false;
    return slot;
  }

  private grow(capacity: number): void {
    const keyArity = this.groupCols.length;
    const nAggs = this.aggs.length;
    while (this.rowCounts.length < capacity) {
      this.rowCounts.push(0);
      this.emitted.push(false);
      this.stamps.push(0);
      this.marks.push(0);
      this.ids.push(0);
    }
    while (this.keys.length < capacity * keyArity) this.keys.push(null);
    while (this.results.length < capacity * nAggs) this.results.push(null);
    for (const agg of this.aggs) agg.reserve(capacity);
    this.capacity = capacity;
  }

  private release(slot: number): void {
    this.groups.delete(this.keys, slot * this.groupCols.length);
    this.changes.noteDeleted(this.ids[slot]!);
    this.clearSlot(slot);
  }

  /** Frees a slot whose group is gone (released, or evicted to the spill space). */
  private clearSlot(slot: number): void {
    const keyArity = this.groupCols.length;
    const nAggs = this.aggs.length;
    for (let k = 0; k < keyArity; k++) this.keys[slot * keyArity + k] = null;
    for (let j = 0; j < nAggs; j++) {
      this.results[slot * nAggs + j] = null;
      this.aggs[j]!.clear(slot);
    }
    this.emitted[slot] = false;
    this.rowCounts[slot] = 0;
    this.freeSlots.push(slot);
    this.marks[slot] = 0;
  }

  saveState(): OperatorState {
    this.slicing = false;
    const state = this.image();
    this.changes.saved();
    return state;
  }

  saveStateDelta(): OperatorStateDelta {
    this.slicing = false;
    const interval = this.changes.interval;
    return deltaFrom(
      this.kind,
      this.changes,
      () => this.image(),
      () => this.meta(),
      (slot) => this.takeNoted(slot, interval),
      (slot) => this.entryAt(slot),
    );
  }

  beginSaveState(): StateSlicer {
    const current = beginSlices(this.changes);
    const slots: number[] = [];
    const add = (slot: number) => {
      slots.push(slot);
    };
    const groups = this.groups;
    const spilled = groups instanceof SpillingKeyMap ? [groups.sliceSpilled()] : [];
    if (groups instanceof SpillingKeyMap) groups.forEachResident(add);
    else groups.forEach(add);
    this.slicing = true;
    // After a step every allocated group has emitted its row; a released slot has not.
    const live = (slot: number) => this.emitted[slot] === true || this.scalar;
    const resident = sliceEntries(
      this.kind,
      slots,
      (slot) => (live(slot) ? this.entryAt(slot) : null),
      current,
    );
    return chainSlicer(resident, spilled);
  }

  restoreState(state: OperatorState): void {
    expectKind(state, this.kind);
    const [pending, nextId] = tuple(state.meta, 2);
    if (typeof pending !== 'boolean') throw stateMismatch('malformed aggregate meta');
    if (!this.scalar && this.groups.size > 0) throw stateMismatch('restoring into a used aggregate');
    // Images before ADR 0006 named groups by slot and kept the slots used here: ids stay below it.
    this.nextEntryId = num(nextId);
    if (this.scalar) {
      if (state.entries.length !== 1) throw stateMismatch('a scalar aggregate has one group');
      this.clearSlot(0);
      this.freeSlots.length = 0;
    } else {
      this.slotsUsed = 0;
      this.freeSlots.length = 0;
    }
    for (const { id, data } of state.entries) {
      const slot = this.restoreGroup(id, data);
      if (!this.scalar) this.groups.set(this.keys, slot * this.groupCols.length, slot);
    }
    this.pendingInitial = pending;
    this.changes.restored();
  }

  /** Puts a group's entry back into a free slot (the scalar aggregate's own slot 0); returns the slot. */
  private restoreGroup(id: number, data: Value[]): number {
    if (!Number.isSafeInteger(id) || id < 0 || id >= this.nextEntryId)
      throw stateMismatch('aggregate group id out of range');
    const keyArity = this.groupCols.length;
    const nAggs = this.aggs.length;
    const [key, rowCount, emitted, results, aggStates] = tuple(data, 5);
    const keyValues = tuple(key, keyArity);
    const resultValues = tuple(results, nAggs);
    const states = tuple(aggStates, nAggs);
    if (typeof emitted !== 'boolean') throw stateMismatch('malformed aggregate group');
    let slot = 0;
    if (!this.scalar) {
      slot = this.freeSlots.length > 0 ? this.freeSlots.pop()! : this.slotsUsed++;
      if (slot >= this.capacity) this.grow(Math.max(16, this.capacity * 2));
    }
    this.ids[slot] = id;
    for (let k = 0; k < keyArity; k++) this.keys[slot * keyArity + k] = keyValues[k]!;
    for (let j = 0; j < nAggs; j++) {
      this.results[slot * nAggs + j] = resultValues[j]!;
      this.aggs[j]!.clear(slot);
      this.aggs[j]!.restoreSlot(slot, states[j]!);
    }
    this.rowCounts[slot] = num(rowCount);
    this.emitted[slot] = emitted;
    this.marks[slot] = 0;
    return slot;
  }

  /**
   * Whether a noted slot still holds the group noted (a released slot's mark was cleared; a slot
   * noted twice, released and reused, is taken once).
   */
  private takeNoted(slot: number, interval: number): boolean {
    if (this.marks[slot] !== interval) return false;
    this.marks[slot] = 0;
    return true;
  }

  private get kind(): string {
    return `aggregate/${this.inputArity}/${this.groupCols.join(',')}/${this.aggs.map((a) => a.constructor.name).join(',')}`;
  }

  private meta(): Value[] {
    return [this.pendingInitial, this.nextEntryId];
  }

  private image(): OperatorState {
    const entries: StateEntry[] = [];
    const groups = this.groups;
    if (groups instanceof SpillingKeyMap) {
      groups.forEachResident((slot) => {
        entries.push(this.entryAt(slot));
      });
      groups.forEachSpilled((entry) => {
        entries.push(entry);
      });
    } else
      groups.forEach((slot) => {
        entries.push(this.entryAt(slot));
      });
    return { kind: this.kind, meta: this.meta(), entries };
  }

  /** A group's entry: [key, row count, emitted, last emitted results, aggregator states]. */
  private entryAt(slot: number): StateEntry {
    const keyArity = this.groupCols.length;
    const nAggs = this.aggs.length;
    return {
      id: this.ids[slot]!,
      data: [
        this.keys.slice(slot * keyArity, (slot + 1) * keyArity),
        this.rowCounts[slot]!,
        this.emitted[slot]!,
        this.results.slice(slot * nAggs, (slot + 1) * nAggs),
        this.aggs.map((a) => a.saveSlot(slot)),
      ],
    };
  }

  /** Number of live groups (for tests and memory accounting). */
  get groupCount(): number {
    return this.groups.size;
  }
}
