/**
 * @module dataflow/tracked-rows
 * A bag of distinct rows (DISTINCT, set operations) checkpointed one row per state entry: each
 * row carries an entry id, rows changed since the last save are noted (copied, only once a save
 * has happened), and removed rows' ids are noted as deletions (see dataflow/state.ts).
 * An entry's data is [row values, weight, aux counter or null].
 */

import { assert } from '../common/errors.ts';
import type { Value } from '../common/value.ts';
import { RowBag } from './row-bag.ts';
import {
  changesNotedMax,
  type OperatorState,
  type OperatorStateDelta,
  StateChanges,
  type StateEntry,
  type StateSlicer,
  stateMismatch,
} from './state.ts';

export class TrackedRows {
  readonly bag: RowBag;
  private readonly arity: number;
  private readonly changes = new StateChanges<never>();
  /** Rows changed since the last save, flat (`arity` values each); may repeat a row. */
  private readonly changedRows: Value[] = [];
  private changedCount = 0;

  constructor(arity: number, withAux: boolean) {
    this.arity = arity;
    this.bag = new RowBag(arity, withAux, 'value', true);
  }

  /** The slot of row `src[base…]`, appending it with weight 0 (and a new id) when absent. */
  slotOf(src: readonly Value[], base: number): number {
    const bag = this.bag;
    let slot = bag.find(src, base);
    if (slot < 0) {
      slot = bag.add(src, base, 0, 0);
      bag.ids![slot] = this.changes.newId();
    }
    if (this.changes.tracking) this.noteRow(src, base);
    return slot;
  }

  /**
   * Removes the row at `slot` (its weights all zero). The last row moves into the slot: it is
   * noted as changed, since a sliced save may already have visited that slot.
   */
  removeAt(slot: number): void {
    const bag = this.bag;
    this.changes.noteDeleted(bag.ids![slot]!);
    const last = bag.length - 1;
    if (this.changes.tracking && slot !== last) this.noteRow(bag.values, last * this.arity);
    bag.removeAt(slot);
  }

  /** A sliced full save (dataflow/state.ts `StateSlicer`): visits rows by slot. */
  beginSave(kind: string): StateSlicer {
    this.startInterval();
    const interval = this.changes.interval;
    let slot = 0;
    return {
      kind,
      next: (max: number): StateEntry[] => {
        assert(
          this.changes.interval === interval,
          'a sliced save was overtaken by another save of the operator',
        );
        const out: StateEntry[] = [];
        while (slot < this.bag.length && out.length < max) out.push(this.entryAt(slot++));
        return out;
      },
    };
  }

  /** The full image; starts noting changes. */
  save(kind: string): OperatorState {
    const bag = this.bag;
    const entries: StateEntry[] = [];
    for (let s = 0; s < bag.length; s++) entries.push(this.entryAt(s));
    this.startInterval();
    return { kind, meta: [this.changes.idCounter], entries };
  }

  saveDelta(kind: string): OperatorStateDelta {
    if (this.changes.needsFull) {
      const image = this.save(kind);
      return { kind, full: true, meta: image.meta, upserts: image.entries, deletes: [] };
    }
    const bag = this.bag;
    const rows = this.changedRows;
    const arity = this.arity;
    const seen = new Set<number>();
    const upserts: StateEntry[] = [];
    for (let i = 0, base = 0; i < this.changedCount; i++, base += arity) {
      const slot = bag.find(rows, base);
      if (slot < 0 || seen.has(bag.ids![slot]!)) continue;
      seen.add(bag.ids![slot]!);
      upserts.push(this.entryAt(slot));
    }
    const deletes = this.changes.deleted.slice();
    this.startInterval();
    return { kind, full: false, meta: [this.changes.idCounter], upserts, deletes };
  }

  restore(state: OperatorState): void {
    const bag = this.bag;
    if (bag.length !== 0) throw stateMismatch('restoring into an operator that already holds rows');
    for (const { id, data } of state.entries) {
      const [row, weight, aux] = data as [Value[], number, number | null];
      if (!Array.isArray(row) || row.length !== this.arity || (aux === null) !== (bag.aux === null))
        throw stateMismatch('malformed row entry');
      const slot = bag.add(row, 0, weight, aux ?? 0);
      if (slot !== bag.length - 1) throw stateMismatch('row entry held twice');
      bag.ids![slot] = id;
    }
    this.changes.restored(state.meta[0]);
  }

  private entryAt(slot: number): StateEntry {
    const bag = this.bag;
    const arity = this.arity;
    const row = bag.values.slice(slot * arity, slot * arity + arity);
    return { id: bag.ids![slot]!, data: [row, bag.weights[slot]!, bag.aux === null ? null : bag.aux[slot]!] };
  }

  private noteRow(src: readonly Value[], base: number): void {
    const rows = this.changedRows;
    if (this.changedCount >= changesNotedMax) {
      this.changes.overflowed = true;
      return;
    }
    for (let j = 0; j < this.arity; j++) rows.push(src[base + j]!);
    this.changedCount++;
  }

  private startInterval(): void {
    this.changes.saved();
    this.changedRows.length = 0;
    this.changedCount = 0;
  }
}
