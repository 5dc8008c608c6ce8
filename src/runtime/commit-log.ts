/**
 * @module runtime/commit-log
 * The changes of the steps committed since the oldest open transaction's snapshot. A transaction
 * reads the database as of its snapshot (the current contents with the later steps taken back
 * out), and at COMMIT finds the rows others wrote since then. Steps older than every open
 * snapshot are dropped; with no transaction open, nothing is kept.
 */
import type { Batch } from '../dataflow/batch.ts';

interface LoggedStep {
  readonly step: number;
  readonly changes: ReadonlyMap<number, Batch>;
}

export class CommitLog {
  /** Committed steps, oldest first. */
  private readonly steps: LoggedStep[] = [];
  /** Open snapshots: step → how many transactions read as of it. */
  private readonly snapshots = new Map<number, number>();

  /** Number of steps kept (for tests and metrics). */
  get retainedSteps(): number {
    return this.steps.length;
  }

  /** A transaction starts reading as of `step`: later steps are kept until it ends. */
  openSnapshot(step: number): void {
    this.snapshots.set(step, (this.snapshots.get(step) ?? 0) + 1);
  }

  /** The transaction reading as of `step` ended: steps no open snapshot needs are dropped. */
  closeSnapshot(step: number): void {
    const n = this.snapshots.get(step) ?? 0;
    if (n <= 1) this.snapshots.delete(step);
    else this.snapshots.set(step, n - 1);
    const oldest = this.snapshots.size === 0 ? Number.POSITIVE_INFINITY : Math.min(...this.snapshots.keys());
    let drop = 0;
    while (drop < this.steps.length && this.steps[drop]!.step <= oldest) drop++;
    if (drop > 0) this.steps.splice(0, drop);
  }

  /** Keeps a committed step's changes while some open snapshot predates it. */
  record(step: number, changes: ReadonlyMap<number, Batch>): void {
    if (this.snapshots.size > 0) this.steps.push({ step, changes });
  }

  /** The changes of `relationId` committed after step `since`, oldest first. */
  changesAfter(since: number, relationId: number): Batch[] {
    const out: Batch[] = [];
    for (let i = this.steps.length - 1; i >= 0 && this.steps[i]!.step > since; i--) {
      const b = this.steps[i]!.changes.get(relationId);
      if (b && b.length > 0) out.push(b);
    }
    return out.reverse();
  }
}
