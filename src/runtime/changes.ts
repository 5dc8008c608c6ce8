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

  add(relationId: number, row: readonly Value[], weight: number): void {
    this.batchFor(relationId, row.length).push(row, 0, weight);
  }

  get isEmpty(): boolean {
    for (const b of this.byRelation.values()) if (b.length > 0) return false;
    return true;
  }

  /** The inverse changes (to undo a rolled-back transaction). */
  negated(): ChangeSet {
    const out = new ChangeSet();
    for (const [id, b] of this.byRelation) {
      out.byRelation.set(
        id,
        new Batch(
          b.arity,
          b.values.slice(),
          b.weights.map((w) => -w),
        ),
      );
    }
    return out;
  }

  merge(other: ChangeSet): void {
    for (const [id, b] of other.byRelation) {
      const into = this.batchFor(id, b.arity);
      for (let i = 0; i < b.length; i++) into.push(b.values, i * b.arity, b.weights[i]!);
    }
  }
}
