/**
 * @module runtime/changes
 * The changes of one step (or one open transaction): per relation id, a Z-set batch of rows with
 * weights (+n insert, −n delete), in the dataflow's own flat layout so writes reach the
 * operators without conversion.
 */
import type { Value } from '../common/value.ts';
import { Batch } from '../dataflow/batch.ts';

/**
 * Where a connector's rows for one relation came from (runtime/event-time keeps a watermark per
 * partition): the partition of each row of the relation's batch, in order; every partition the
 * connector reads (a known partition without rows holds the watermark back); and those idle
 * past the source's idle timeout (they follow the others instead of holding them back).
 */
export interface EventPartitions {
  readonly rowPartitions: readonly string[];
  readonly known: readonly string[];
  readonly idle: ReadonlySet<string>;
}

export class ChangeSet {
  readonly byRelation = new Map<number, Batch>();
  /** Set by connector sources, for relations with a watermark; absent: every row is partition ''. */
  readonly eventPartitions = new Map<number, EventPartitions>();

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
