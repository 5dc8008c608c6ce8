/**
 * @module runtime/subscriptions
 * Push subscriptions to a relation's changes, step by step: optionally a snapshot at the current
 * step, then, for every later step, its changes to the relation or, when it did not change it, a
 * progress event. A bounded history of recent steps lets a subscriber that lost its connection
 * resume after the last step it saw, with no gap and no duplicate; when that history no longer
 * reaches back far enough, it gets a fresh snapshot instead (`resync`).
 */
import { type EddyError, SemanticError, SqlState, StateError } from '../common/errors.ts';
import type { Value } from '../common/value.ts';
import type { Batch } from '../dataflow/batch.ts';
import type { Database } from './database.ts';

export { historyRowsMax } from './step-history.ts';

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
  /**
   * Resume after this step: replay later steps from the retained history (a run of steps that
   * left the relation unchanged comes as one progress event, for its last step), or resync if
   * the history no longer reaches back to it.
   */
  readonly afterStep?: number;
}

export type SubscriptionListener = (event: SubscriptionEvent) => void;

export function rowsOf(batch: Batch): { rows: Value[][]; weights: number[] } {
  const rows: Value[][] = [];
  for (let i = 0; i < batch.length; i++) rows.push(batch.row(i));
  return { rows, weights: batch.weights.slice() };
}

/**
 * Null when a subscription to `relationId` can resume after `afterStep` with no gap; else why
 * not (55000): the step is ahead of this database, or the retained history no longer reaches
 * back to it. For surfaces that refuse rather than resync (the wire protocol's SUBSCRIBE).
 */
export function resumeRefusal(db: Database, relationId: number, afterStep: number): StateError | null {
  const current = db.currentStep;
  const hint = 'Subscribe again without a step to resume after, which starts from a snapshot.';
  if (afterStep > current)
    return new StateError(
      SqlState.objectNotInPrerequisiteState,
      `cannot resume after step ${afterStep}: the database is at step ${current}`,
      { hint },
    );
  if (afterStep === current || db.history.after(relationId, afterStep) !== null) return null;
  return new StateError(
    SqlState.objectNotInPrerequisiteState,
    `cannot resume after step ${afterStep}: the retained change history no longer reaches back to it`,
    {
      hint,
      detail: 'Eddy keeps a bounded history of each subscribed relation (--subscription-history-rows).',
    },
  );
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
  db.watch(relationId);
  const current = db.currentStep;
  if (options.afterStep !== undefined && options.afterStep <= current) {
    const replay = options.afterStep === current ? [] : db.history.after(relationId, options.afterStep);
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
