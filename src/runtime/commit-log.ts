/**
 * @module runtime/commit-log
 * The changes of the steps committed since the oldest open transaction's snapshot. A transaction
 * reads the database as of its snapshot (the current contents with the later steps taken back
 * out), and at COMMIT finds the rows others wrote since then. Steps older than every open
 * snapshot are dropped; with no transaction open, nothing is kept. The rows kept are bounded: past
 * `rowsMax` the oldest steps go, and a transaction whose snapshot needed them fails with 72000.
 */
import { SqlState, StateError } from '../common/errors.ts';
import type { Batch } from '../dataflow/batch.ts';

/** Rows of committed changes kept for open snapshots, at most (about 100 bytes each and up). */
const commitLogRowsMaxDefault = 1_000_000;

interface LoggedStep {
  readonly step: number;
  readonly changes: ReadonlyMap<number, Batch>;
  readonly rows: number;
}

export class CommitLog {
  /** Committed steps, oldest first. */
  private readonly steps: LoggedStep[] = [];
  /** Open snapshots: step → how many transactions read as of it. */
  private readonly snapshots = new Map<number, number>();
  private rows = 0;
  /** The newest step dropped while a snapshot still needed it: older snapshots are too old. */
  private droppedStep = 0;
  rowsMax = commitLogRowsMaxDefault;

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
    while (drop < this.steps.length && this.steps[drop]!.step <= oldest)
      this.rows -= this.steps[drop++]!.rows;
    if (drop > 0) this.steps.splice(0, drop);
  }

  /** Keeps a committed step's changes while some open snapshot predates it. */
  record(step: number, changes: ReadonlyMap<number, Batch>): void {
    if (this.snapshots.size === 0) return;
    let rows = 0;
    for (const b of changes.values()) rows += b.length;
    this.steps.push({ step, changes, rows });
    this.rows += rows;
    while (this.rows > this.rowsMax && this.steps.length > 0) {
      const dropped = this.steps.shift()!;
      this.rows -= dropped.rows;
      this.droppedStep = dropped.step;
    }
  }

  /** The changes of `relationId` committed after step `since`, oldest first. */
  changesAfter(since: number, relationId: number): Batch[] {
    if (since < this.droppedStep)
      throw new StateError(SqlState.snapshotTooOld, 'snapshot too old', {
        detail: 'The transaction stayed open while more changes were committed than Eddy keeps for it.',
        hint: 'Retry the transaction; keep transactions short while others write.',
      });
    const out: Batch[] = [];
    for (let i = this.steps.length - 1; i >= 0 && this.steps[i]!.step > since; i--) {
      const b = this.steps[i]!.changes.get(relationId);
      if (b && b.length > 0) out.push(b);
    }
    return out.reverse();
  }
}
