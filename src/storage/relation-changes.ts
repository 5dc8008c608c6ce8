/**
 * @module storage/relation-changes
 * What an incremental checkpoint (ADR 0003) writes for tables' rows and views' stored rows: the
 * changes since the previous checkpoint's step boundary, gathered from each step as it commits.
 * A relation is followed only from a boundary whose checkpoint wrote it; one the last checkpoint
 * did not write, or whose changes outgrow its contents, is written whole instead.
 */
import { Batch } from '../dataflow/batch.ts';
import { consolidate } from '../dataflow/consolidate.ts';
import type { StepChanges } from '../runtime/database.ts';

/** Changes kept per relation beyond its size at the boundary before it is written whole instead. */
const changesSlackRows = 65_536;

interface Followed {
  readonly batches: Batch[];
  rows: number;
  readonly limit: number;
}

export class RelationChanges {
  /** Relations followed since the last boundary; null: outgrown, to be written whole. */
  private followed = new Map<number, Followed | null>();

  /** Adds a committed step's changes of the followed relations. */
  observe(step: StepChanges): void {
    if (this.followed.size === 0) return;
    for (const [id, batch] of step.changes.byRelation) {
      const f = this.followed.get(id);
      if (f == null || batch.length === 0) continue;
      f.rows += batch.length;
      if (f.rows > f.limit) this.followed.set(id, null);
      else f.batches.push(batch);
    }
  }

  /**
   * The changes of relation `id` since the last boundary, consolidated; null when it must be
   * written whole (not followed, or outgrown).
   */
  take(id: number, arity: number): Batch | null {
    const f = this.followed.get(id);
    if (f == null) return null;
    if (f.batches.length === 0) return new Batch(arity);
    return consolidate(Batch.concat(arity, f.batches));
  }

  /** At a boundary, once everything was taken: follow these relations from now on (only them). */
  restart(relations: readonly { readonly id: number; readonly size: number }[]): void {
    this.followed = new Map(
      relations.map(({ id, size }) => [id, { batches: [], rows: 0, limit: size + changesSlackRows }]),
    );
  }

  /** A checkpoint failed after its boundary: nothing is followed, the next one writes everything. */
  clear(): void {
    this.followed = new Map();
  }
}
