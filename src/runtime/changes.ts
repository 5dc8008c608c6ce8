/**
 * @module runtime/changes
 * The changes of one step (or one open transaction): per relation id, a Z-set batch of rows with
 * weights (+n insert, −n delete), in the dataflow's own flat layout so writes reach the
 * operators without conversion.
 */
import type { Value } from '../common/value.ts';
import { Batch } from '../dataflow/batch.ts';

export class ChangeSet {
  readonly byRelation = new Map<number, Batch>();

  batchFor(relationId: number, arity: number): Batch {
    let b = this.byRelation.get(relationId);
    if (!b) this.byRelation.set(relationId, (b = new Batch(arity)));
    return b;
  }

  /**
   * Adds `rowCount` insertions given flat (row-major); the first batch of a relation is one bulk
   * copy of the caller's array (which the caller may reuse once the step is done).
   */
  addFlat(relationId: number, arity: number, values: readonly Value[], rowCount: number): void {
    const existing = this.byRelation.get(relationId);
    if (!existing) {
      const copy = values.length === rowCount * arity ? values.slice() : values.slice(0, rowCount * arity);
      this.byRelation.set(relationId, new Batch(arity, copy, new Array<number>(rowCount).fill(1)));
      return;
    }
    for (let i = 0; i < rowCount; i++) existing.push(values, i * arity, 1);
  }

  add(relationId: number, row: readonly Value[], weight: number): void {
    this.batchFor(relationId, row.length).push(row, 0, weight);
  }

  get isEmpty(): boolean {
    for (const b of this.byRelation.values()) if (b.length > 0) return false;
    return true;
  }

  merge(other: ChangeSet): void {
    for (const [id, b] of other.byRelation) {
      const into = this.batchFor(id, b.arity);
      for (let i = 0; i < b.length; i++) into.push(b.values, i * b.arity, b.weights[i]!);
    }
  }
}
