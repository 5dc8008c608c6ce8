/**
 * @module runtime/changes
 * Weighted row changes as the runtime passes them between statements, stores and the dataflow
 * at step boundaries: per relation, rows with weights (+n insert, −n delete).
 */
import type { Value } from '../common/value.ts';

export interface RowChanges {
  readonly rows: Value[][];
  readonly weights: number[];
}

export function emptyChanges(): RowChanges {
  return { rows: [], weights: [] };
}

/** Changes per relation id, accumulated over one step (or one open transaction). */
export class ChangeSet {
  readonly byRelation = new Map<number, RowChanges>();

  add(relationId: number, row: Value[], weight: number): void {
    let c = this.byRelation.get(relationId);
    if (!c) this.byRelation.set(relationId, (c = emptyChanges()));
    c.rows.push(row);
    c.weights.push(weight);
  }

  get isEmpty(): boolean {
    for (const c of this.byRelation.values()) if (c.rows.length > 0) return false;
    return true;
  }

  /** The inverse changes, in reverse order (to undo a rolled-back transaction). */
  negated(): ChangeSet {
    const out = new ChangeSet();
    for (const [id, c] of this.byRelation) {
      for (let i = c.rows.length - 1; i >= 0; i--) out.add(id, c.rows[i]!, -c.weights[i]!);
    }
    return out;
  }

  merge(other: ChangeSet): void {
    for (const [id, c] of other.byRelation)
      for (let i = 0; i < c.rows.length; i++) this.add(id, c.rows[i]!, c.weights[i]!);
  }
}
