/**
 * @module runtime/step-history
 * The retained change history of watched relations, for subscribers resuming after a step:
 * per relation, every step in `(since, through]` is covered, the ones that changed it kept as
 * their change batches, the others implied (they changed nothing). Bounded by rows per relation;
 * trimming moves `since` forward, and a resume from before `since` must resync. Checkpoints carry
 * it (storage/subscription-history.ts, ADR 0003), so it survives a restart.
 */
import type { Batch } from '../dataflow/batch.ts';
import type { StepChanges } from './database.ts';

/** Rows of change history kept per watched relation unless configured otherwise. */
export const historyRowsMax = 100_000;

/** One step of a relation's history: its changes, or null for a step that left it unchanged. */
export interface HistoryEntry {
  readonly step: number;
  readonly batch: Batch | null;
}

/** One relation's retained history: every step in `(since, through]`, changed ones in `entries`. */
export interface RelationHistory {
  readonly relationId: number;
  since: number;
  through: number;
  /** Steps that changed the relation, ascending, each with a non-empty batch. */
  readonly entries: { readonly step: number; readonly batch: Batch }[];
  rows: number;
}

export class StepHistory {
  /** Rows kept per relation; past it the oldest steps go. */
  rowsMax = historyRowsMax;
  private readonly byRelation = new Map<number, RelationHistory>();
  /**
   * Steps holders still need, per relation (a sink's last delivered step): trimming never drops a
   * step after the least of them, whatever the row bound says, so a sink that is behind (its
   * target down) loses nothing; its lag shows in SHOW SINKS.
   */
  private readonly holds = new Map<number, Map<number, number>>();

  /** Starts covering `relationId` from after `step`, unless it is covered already. */
  begin(relationId: number, step: number): void {
    if (!this.byRelation.has(relationId))
      this.byRelation.set(relationId, { relationId, since: step, through: step, entries: [], rows: 0 });
  }

  /** Records `step` for every watched relation. */
  record(step: StepChanges, watched: Iterable<number>): void {
    for (const id of watched) {
      let h = this.byRelation.get(id);
      if (!h)
        this.byRelation.set(
          id,
          (h = { relationId: id, since: step.step - 1, through: 0, entries: [], rows: 0 }),
        );
      const batch = step.changes.byRelation.get(id);
      if (batch && batch.length > 0) {
        h.entries.push({ step: step.step, batch });
        h.rows += batch.length;
      }
      h.through = step.step;
      this.trim(h);
    }
  }

  /** Keeps `relationId`'s steps after `step` until `holder` moves or releases its hold. */
  hold(relationId: number, holder: number, step: number): void {
    let byHolder = this.holds.get(relationId);
    if (!byHolder) this.holds.set(relationId, (byHolder = new Map()));
    byHolder.set(holder, step);
  }

  /** Ends `holder`'s hold (its sink was dropped). */
  release(holder: number): void {
    for (const [relationId, byHolder] of this.holds)
      if (byHolder.delete(holder) && byHolder.size === 0) this.holds.delete(relationId);
  }

  private trim(h: RelationHistory): void {
    let drop = 0;
    let held = Number.POSITIVE_INFINITY;
    for (const step of this.holds.get(h.relationId)?.values() ?? []) held = Math.min(held, step);
    while (h.rows > this.rowsMax && drop < h.entries.length && h.entries[drop]!.step <= held) {
      const dropped = h.entries[drop++]!;
      h.rows -= dropped.batch.length;
      h.since = dropped.step;
    }
    if (drop > 0) h.entries.splice(0, drop);
  }

  /**
   * The steps after `afterStep` up to the last recorded: each changing step, then one entry with
   * a null batch for the last step when it changed nothing (steps in between that changed
   * nothing are implied). Null when the history does not reach back to `afterStep`.
   */
  after(relationId: number, afterStep: number): HistoryEntry[] | null {
    const h = this.byRelation.get(relationId);
    if (!h || afterStep < h.since || afterStep > h.through) return null;
    const out: HistoryEntry[] = h.entries.filter((e) => e.step > afterStep);
    if (h.through > (out.at(-1)?.step ?? afterStep)) out.push({ step: h.through, batch: null });
    return out;
  }

  forget(relationId: number): void {
    this.byRelation.delete(relationId);
  }

  /** Every relation's history as of now (entries copied; batches are never mutated), for a checkpoint. */
  copy(): RelationHistory[] {
    return [...this.byRelation.values()].map((h) => ({ ...h, entries: h.entries.slice() }));
  }

  /** Takes a history over as saved (recovery), trimmed to the bound in force. */
  restore(h: RelationHistory): void {
    this.byRelation.set(h.relationId, h);
    this.trim(h);
  }
}
