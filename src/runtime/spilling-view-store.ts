/**
 * @module runtime/spilling-view-store
 * A materialized view's contents under a memory budget (ADR 0006): rows grouped by their SQL
 * value in a spilling key map (each group a bag of rows that differ only in form, with counts),
 * so cold rows live in the spill space. Unlike `RowStore`, it checkpoints like an operator: its
 * groups are state entries, saved in slices with a closing delta, so a checkpoint never copies
 * the whole contents at its step boundary. Point lookups scan (it keeps no column indexes).
 */
import type { SqlType } from '../common/types.ts';
import type { Value } from '../common/value.ts';
import { valuesEqual } from '../common/value-ops.ts';
import { Batch } from '../dataflow/batch.ts';
import type { KeyMap } from '../dataflow/key-map.ts';
import { RowBag } from '../dataflow/row-bag.ts';
import { type SpillContext, SpillingKeyMap } from '../dataflow/spilling-key-map.ts';
import {
  bagEntry,
  bagFromData,
  beginSlices,
  chainSlicer,
  deltaFrom,
  expectKind,
  noteBag,
  type OperatorState,
  type OperatorStateDelta,
  type SideBag,
  StateChanges,
  type StateEntry,
  type StateSlicer,
  sliceEntries,
  stateMismatch,
  tuple,
} from '../dataflow/state.ts';
import type { RelationRows } from '../plan/evaluate/row-stream.ts';
import type { RelationStore } from './row-store.ts';

export class SpillingViewStore implements RelationStore {
  readonly arity: number;
  private readonly groups: KeyMap<RowBag>;
  private readonly changes = new StateChanges<SideBag>();
  private rows = 0;

  constructor(types: readonly SqlType[], spill: SpillContext) {
    this.arity = types.length;
    const arity = this.arity;
    const changes = this.changes;
    this.groups = spill.keyMap<RowBag>(types, {
      encode: (bag, key) => bagEntry(0, key, 0, arity, bag),
      decode: (entry) => {
        const bag = bagFromData(entry.data[2]!, arity, false);
        bag.entryId = entry.id;
        return bag;
      },
      pinned: (bag) => changes.tracking && bag.mark === changes.interval,
    });
  }

  get size(): number {
    return this.rows;
  }

  apply(src: readonly Value[], base: number, weight: number): void {
    if (weight === 0) return;
    let bag = this.groups.get(src, base);
    if (bag === undefined) {
      bag = new RowBag(this.arity, false);
      bag.entryId = this.changes.newId();
      this.groups.set(src, base, bag);
    }
    noteBag(this.changes, 0, bag);
    const slot = bag.add(src, base, weight, 0);
    this.rows += weight;
    if (bag.weights[slot] === 0) bag.removeAt(slot);
    if (bag.length === 0) {
      this.groups.delete(src, base);
      this.changes.noteDeleted(bag.entryId);
    }
  }

  count(src: readonly Value[], base: number): number {
    const bag = this.groups.get(src, base);
    const slot = bag === undefined ? -1 : bag.find(src, base);
    return slot < 0 ? 0 : bag!.weights[slot]!;
  }

  /** Views have no primary key. */
  lookupKey(): Value[] | undefined {
    return undefined;
  }

  keyOf(): Value[] {
    return [];
  }

  /** Column indexes are not kept here: lookups scan, which reads spilled rows without keeping them. */
  addIndex(): void {}

  indexColumns(): readonly (readonly number[])[] {
    return [];
  }

  lookup(columns: readonly number[], key: readonly Value[]): Value[][] {
    if (key.some((v) => v === null)) return [];
    const out: Value[][] = [];
    this.forEachRow((values, base, weight) => {
      for (let k = 0; k < columns.length; k++) if (!valuesEqual(values[base + columns[k]!]!, key[k]!)) return;
      const row = values.slice(base, base + this.arity);
      for (let i = 0; i < weight; i++) out.push(row);
    });
    return out;
  }

  /** A copy of the contents (spilled rows read back): later steps never touch it. */
  snapshot(): RelationRows {
    return this.scan();
  }

  scan(): Value[][] {
    const out: Value[][] = [];
    this.forEachRow((values, base, weight) => {
      const row = values.slice(base, base + this.arity);
      for (let i = 0; i < weight; i++) out.push(row);
    });
    return out;
  }

  toBatch(): Batch {
    const out = new Batch(this.arity);
    this.forEachRow((values, base, weight) => out.push(values, base, weight));
    return out;
  }

  private forEachRow(fn: (values: readonly Value[], base: number, weight: number) => void): void {
    const arity = this.arity;
    this.groups.forEach((bag) => {
      for (let s = 0; s < bag.length; s++) fn(bag.values, s * arity, bag.weights[s]!);
    });
  }

  // Checkpoints (ADR 0004 and 0006): one entry per group of rows, like a join side.

  private get kind(): string {
    return `contents/${this.arity}`;
  }

  saveState(): OperatorState {
    const entries: StateEntry[] = [];
    this.groups.forEach((bag, key, base) => {
      entries.push(bagEntry(0, key, base, this.arity, bag));
    });
    this.changes.saved();
    return { kind: this.kind, meta: [this.changes.idCounter], entries };
  }

  saveStateDelta(): OperatorStateDelta {
    return deltaFrom(
      this.kind,
      this.changes,
      () => this.saveState(),
      () => [this.changes.idCounter],
      ({ bag }) => bag.length > 0,
      ({ bag }) => bagEntry(0, bag.values, 0, this.arity, bag),
    );
  }

  beginSaveState(): StateSlicer {
    const current = beginSlices(this.changes);
    const bags: SideBag[] = [];
    const groups = this.groups;
    const spilled = groups instanceof SpillingKeyMap ? [groups.sliceSpilled()] : [];
    const add = (bag: RowBag) => {
      bags.push({ side: 0, bag });
    };
    if (groups instanceof SpillingKeyMap) groups.forEachResident(add);
    else groups.forEach(add);
    const entryOf = ({ bag }: SideBag) =>
      bag.length > 0 ? bagEntry(0, bag.values, 0, this.arity, bag) : null;
    return chainSlicer(sliceEntries(this.kind, bags, entryOf, current), spilled);
  }

  restoreState(state: OperatorState): void {
    expectKind(state, this.kind);
    if (this.groups.size > 0) throw stateMismatch('restoring into used view contents');
    for (const { id, data } of state.entries) {
      const [, key, rows] = tuple(data, 3);
      const bag = bagFromData(rows!, this.arity, false);
      bag.entryId = id;
      this.groups.set(tuple(key, this.arity), 0, bag);
      this.rows += bag.total;
    }
    this.changes.restored(state.meta[0]);
  }
}
