/**
 * @module runtime/subscriptions
 * Push subscriptions to a relation's changes, step by step: optionally a snapshot at the current
 * step, then, for every later step, its changes to the relation or, when it did not change it, a
 * progress event. A bounded history of recent steps lets a subscriber that lost its connection
 * resume after the last step it saw, with no gap and no duplicate; when that history no longer
 * reaches back far enough, it gets a fresh snapshot instead (`resync`).
 */
import { type EddyError, SemanticError, SqlState } from '../common/errors.ts';
import type { Value } from '../common/value.ts';
import type { Batch } from '../dataflow/batch.ts';
import type { Database, StepChanges } from './database.ts';

export type SubscriptionEvent =
  /** The relation's contents as of `step` (all weights +1 per copy). */
  | { readonly kind: 'snapshot'; readonly step: number; readonly rows: readonly Value[][] }
  /** The contents as of `step`, replacing everything sent before (the history did not reach back). */
  | { readonly kind: 'resync'; readonly step: number; readonly rows: readonly Value[][] }
  /** The relation's changes in `step`. */
  | {
      readonly kind: 'changes';
      readonly step: number;
      readonly rows: readonly Value[][];
      readonly weights: readonly number[];
    }
  /** `step` committed without changing the relation. */
  | { readonly kind: 'progress'; readonly step: number }
  /**
   * As of `step` the view has a live row error (or a different one than before): its rows leave
   * out those that failed, and reads raise `error`, until it clears. Follows that step's event.
   */
  | { readonly kind: 'viewError'; readonly step: number; readonly error: EddyError }
  /** As of `step` the view's row errors are gone. */
  | { readonly kind: 'viewErrorCleared'; readonly step: number };

export interface SubscribeOptions {
  /** Send the current contents first (default true). */
  readonly snapshot?: boolean;
  /** Resume after this step: replay later steps from history, or resync if it is gone. */
  readonly afterStep?: number;
}

export type SubscriptionListener = (event: SubscriptionEvent) => void;

/** Rows of change history kept per relation for resuming subscribers. */
export const historyRowsMax = 100_000;

interface HistoryEntry {
  readonly step: number;
  readonly batch: Batch | null;
}

/** Recent steps' changes per relation, trimmed to `historyRowsMax` rows each. */
export class StepHistory {
  private readonly byRelation = new Map<number, { entries: HistoryEntry[]; rows: number; since: number }>();

  /** Records `step` for every watched relation (null batch: no change). */
  record(step: StepChanges, watched: Iterable<number>): void {
    for (const id of watched) {
      let h = this.byRelation.get(id);
      if (!h) this.byRelation.set(id, (h = { entries: [], rows: 0, since: step.step - 1 }));
      const batch = step.changes.byRelation.get(id) ?? null;
      h.entries.push({ step: step.step, batch: batch && batch.length > 0 ? batch : null });
      h.rows += batch?.length ?? 0;
      while (h.rows > historyRowsMax && h.entries.length > 1) {
        const dropped = h.entries.shift()!;
        h.rows -= dropped.batch?.length ?? 0;
        h.since = dropped.step;
      }
    }
  }

  /** The entries after `afterStep`, or null if the history does not reach back that far. */
  after(relationId: number, afterStep: number): HistoryEntry[] | null {
    const h = this.byRelation.get(relationId);
    if (!h || afterStep < h.since) return null;
    return h.entries.filter((e) => e.step > afterStep);
  }

  forget(relationId: number): void {
    this.byRelation.delete(relationId);
  }
}

export function rowsOf(batch: Batch): { rows: Value[][]; weights: number[] } {
  const rows: Value[][] = [];
  for (let i = 0; i < batch.length; i++) rows.push(batch.row(i));
  return { rows, weights: batch.weights.slice() };
}

/**
 * Subscribes to a table, source-less relation or materialized view. Events are delivered
 * synchronously at each step commit, in step order. Returns the function that ends it.
 */
export function subscribeRelation(
  db: Database,
  relationId: number,
  options: SubscribeOptions,
  listener: SubscriptionListener,
): () => void {
  const relation = db.catalog.relationById(relationId);
  if (relation.kind === 'view' || relation.kind === 'source') {
    throw new SemanticError(
      SqlState.wrongObjectType,
      `cannot subscribe to ${relation.kind} "${relation.name}": subscribe to a table or materialized view`,
    );
  }
  const errors = relation.kind === 'materializedView' ? new ErrorState(db, relationId) : null;
  db.watched.add(relationId);
  const current = db.currentStep;
  if (options.afterStep !== undefined && options.afterStep <= current) {
    const replay = db.history.after(relationId, options.afterStep);
    if (replay === null) listener({ kind: 'resync', step: current, rows: db.readStoredRows(relationId) });
    else
      for (const e of replay)
        listener(
          e.batch
            ? { kind: 'changes', step: e.step, ...rowsOf(e.batch) }
            : { kind: 'progress', step: e.step },
        );
  } else if (options.snapshot !== false) {
    listener({ kind: 'snapshot', step: current, rows: db.readStoredRows(relationId) });
  }
  errors?.report(current, listener);
  return db.onStep((step) => {
    const batch = step.changes.byRelation.get(relationId);
    listener(
      batch && batch.length > 0
        ? { kind: 'changes', step: step.step, ...rowsOf(batch) }
        : { kind: 'progress', step: step.step },
    );
    errors?.report(step.step, listener);
  });
}

/** Tells a subscriber when the view's live row error appears, changes or clears. */
class ErrorState {
  private readonly db: Database;
  private readonly relationId: number;
  /** `code: message` of the error last reported; '' while none. */
  private reported = '';

  constructor(db: Database, relationId: number) {
    this.db = db;
    this.relationId = relationId;
  }

  /** Called inside a step's commit: never throws into it. */
  report(step: number, listener: SubscriptionListener): void {
    let error: EddyError | undefined;
    try {
      error = this.db.liveError(this.relationId);
    } catch {
      return; // a view it reads is being recreated and hydrates: its state is reported next step
    }
    const key = error ? `${error.code}: ${error.message}` : '';
    if (key === this.reported) return;
    this.reported = key;
    listener(error ? { kind: 'viewError', step, error } : { kind: 'viewErrorCleared', step });
  }
}
