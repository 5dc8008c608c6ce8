/**
 * @module server/pgwire/subscription-feed
 * One SUBSCRIBE's rows, queued between the engine's step commits and the client: the snapshot at
 * one step, then per step one row per changed row with its consolidated weight, or a progress
 * row when the step left the relation unchanged. Rows have the shape
 * `(eddy_step, eddy_progressed, eddy_weight, <columns…>)`. Invariant: at most `rowsMax` change
 * rows, of at most about `bytesMax` bytes, wait in the queue; past either the feed fails with
 * 53400 and stops listening (the snapshot is exempt: it is already in memory when it is queued).
 * When the view's live row error appears, changes or clears, a notice takes its place in the
 * queue (a WARNING with the error's SQLSTATE, or a NOTICE 00000), so it reaches the client in
 * step order, between rows.
 */
import { T } from '../../common/types.ts';
import type { Value } from '../../common/value.ts';
import type { Database } from '../../runtime/database.ts';
import type { ResultColumn } from '../../runtime/result.ts';
import { resumeRefusal, type SubscriptionEvent, subscribeRelation } from '../../runtime/subscriptions.ts';
import { type ErrorFields, WireError, WireState } from './wire-error.ts';

export interface FeedOptions {
  /** Start with the relation's contents (default true). */
  readonly snapshot: boolean;
  /** Send a progress row for each step that did not change the relation (default true). */
  readonly progress: boolean;
  /**
   * Resume after this step: no snapshot, the retained history's steps since, then live ones.
   * Refused (55000) when the history does not reach back to it.
   */
  readonly afterStep?: number;
}

interface Chunk {
  readonly step: number;
  /** null: a progress row (or a notice). */
  readonly rows: readonly Value[][] | null;
  /** Set: this chunk is a notice, not a row. */
  readonly notice?: ErrorFields;
  /** null: every row has weight 1 (a snapshot lists each copy). */
  readonly weights: readonly number[] | null;
  /** Counts toward the limits (everything but the snapshot). */
  readonly counted: boolean;
  /** Estimated bytes held, when counted. */
  readonly bytes: number;
}

/** The leading columns of every SUBSCRIBE row. */
export const feedColumnsPrefix: readonly ResultColumn[] = [
  { name: 'eddy_step', type: T.int8 },
  { name: 'eddy_progressed', type: T.bool },
  { name: 'eddy_weight', type: T.int8 },
];

/** What a subscription may hold for a client that does not keep up. */
export interface FeedLimits {
  readonly rowsMax: number;
  readonly bytesMax: number;
}

export class SubscriptionFeed {
  readonly columns: readonly ResultColumn[];
  /** Set when the feed stopped on its own (overflow); the consumer reports it. */
  failure: WireError | null = null;
  /** Told of an overflow at once, from inside the step commit that caused it (so: defer real work). */
  onFailure: ((e: WireError) => void) | null = null;
  private readonly arity: number;
  private readonly limits: FeedLimits;
  private readonly progress: boolean;
  private chunks: Chunk[] = [];
  private chunkHead = 0;
  private rowHead = 0;
  private queued = 0;
  private countedRows = 0;
  private countedBytes = 0;
  private stop: (() => void) | null = null;
  private stopped = false;
  private wake: (() => void) | null = null;

  constructor(
    db: Database,
    relationId: number,
    relationColumns: readonly ResultColumn[],
    options: FeedOptions,
    limits: FeedLimits,
  ) {
    this.columns = [...feedColumnsPrefix, ...relationColumns];
    this.arity = relationColumns.length;
    this.limits = limits;
    this.progress = options.progress;
    const { afterStep } = options;
    if (afterStep !== undefined) {
      const refusal = resumeRefusal(db, relationId, afterStep);
      if (refusal) throw refusal;
    }
    const stop = subscribeRelation(
      db,
      relationId,
      afterStep === undefined ? { snapshot: options.snapshot } : { afterStep, snapshot: false },
      (e) => this.onEvent(e),
    );
    if (this.stopped) stop();
    else this.stop = stop;
  }

  /** Rows waiting to be sent. */
  get available(): number {
    return this.queued;
  }

  /** Calls `wake` once when rows arrive or the feed fails (at once if either already holds). */
  onReady(wake: () => void): () => void {
    if (this.queued > 0 || this.failure) {
      wake();
      return () => {};
    }
    this.wake = wake;
    return () => {
      if (this.wake === wake) this.wake = null;
    };
  }

  /**
   * Removes and returns up to `max` rows (0: all), in order. A queued notice counts as one of
   * `available`: one at the head goes to `notice`, and one after rows ends the take there, so
   * that sending the rows and then taking again keeps the order.
   */
  take(max: number, notice: (fields: ErrorFields) => void): Value[][] {
    const out: Value[][] = [];
    const limit = max > 0 ? max : Number.POSITIVE_INFINITY;
    while (out.length < limit && this.queued > 0) {
      const chunk = this.chunks[this.chunkHead]!;
      if (chunk.notice) {
        // The rows taken so far are sent after this returns: the notice waits for the next take.
        if (out.length > 0) break;
        notice(chunk.notice);
        this.advance(chunk, 1);
        continue;
      }
      if (chunk.rows === null) {
        const row: Value[] = [chunk.step, true, null];
        for (let i = 0; i < this.arity; i++) row.push(null);
        out.push(row);
        this.advance(chunk, 1);
        continue;
      }
      const end = Math.min(chunk.rows.length, this.rowHead + (limit - out.length));
      for (let i = this.rowHead; i < end; i++) {
        out.push([chunk.step, false, chunk.weights ? chunk.weights[i]! : 1, ...chunk.rows[i]!]);
      }
      this.advance(chunk, end - this.rowHead);
    }
    if (this.chunkHead > 64 && this.chunkHead * 2 > this.chunks.length) {
      this.chunks = this.chunks.slice(this.chunkHead);
      this.chunkHead = 0;
    }
    return out;
  }

  /** Stops listening to the engine; queued rows are dropped. */
  close(): void {
    this.stopped = true;
    this.stop?.();
    this.stop = null;
    this.chunks = [];
    this.chunkHead = this.rowHead = this.queued = this.countedRows = this.countedBytes = 0;
  }

  private advance(chunk: Chunk, n: number): void {
    this.queued -= n;
    if (chunk.counted) this.countedRows -= n;
    this.rowHead += n;
    if (this.rowHead >= (chunk.rows === null ? 1 : chunk.rows.length)) {
      this.countedBytes -= chunk.bytes;
      this.chunkHead++;
      this.rowHead = 0;
    }
  }

  private onEvent(e: SubscriptionEvent): void {
    if (this.stopped) return;
    switch (e.kind) {
      case 'snapshot':
      case 'resync':
        // An empty snapshot still tells the client where it starts: a progress row at its step.
        if (e.rows.length > 0)
          this.push({ step: e.step, rows: e.rows, weights: null, counted: false, bytes: 0 });
        else if (this.progress)
          this.push({ step: e.step, rows: null, weights: null, counted: false, bytes: 0 });
        break;
      case 'changes':
        this.push({
          step: e.step,
          rows: e.rows,
          weights: e.weights,
          counted: true,
          bytes: estimateBytes(e.rows),
        });
        break;
      case 'progress':
        if (this.progress) this.push({ step: e.step, rows: null, weights: null, counted: true, bytes: 64 });
        break;
      case 'viewError':
        this.pushNotice(e.step, {
          severity: 'WARNING',
          code: e.error.code,
          message: e.error.message,
          detail: `The subscribed view has a row error as of step ${e.step}: its rows leave out those that failed until the error clears.`,
          hint: e.error.hint,
        });
        break;
      case 'viewErrorCleared':
        this.pushNotice(e.step, {
          severity: 'NOTICE',
          code: WireState.successfulCompletion,
          message: `the subscribed view's row errors cleared at step ${e.step}`,
        });
        break;
    }
  }

  private pushNotice(step: number, notice: ErrorFields): void {
    this.push({ step, rows: null, weights: null, counted: true, bytes: 256, notice });
  }

  private push(chunk: Chunk): void {
    const n = chunk.rows === null ? 1 : chunk.rows.length;
    if (n === 0) return;
    this.chunks.push(chunk);
    this.queued += n;
    if (chunk.counted) {
      this.countedRows += n;
      this.countedBytes += chunk.bytes;
    }
    if (this.countedRows > this.limits.rowsMax || this.countedBytes > this.limits.bytesMax) this.overflow();
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  private overflow(): void {
    this.failure = WireError.fatal(
      WireState.configurationLimitExceeded,
      'terminating connection because the subscriber fell too far behind',
      {
        detail: `${this.countedRows} rows (about ${this.countedBytes} bytes) were waiting to be read; the limits are ${this.limits.rowsMax} rows and ${this.limits.bytesMax} bytes.`,
        hint: 'Read the subscription faster (FETCH more rows at a time), or subscribe to a smaller view.',
      },
    );
    this.close();
    this.onFailure?.(this.failure);
  }
}

/** A cheap over-estimate of the memory a queue of rows holds (strings and bytes by length). */
function estimateBytes(rows: readonly Value[][]): number {
  let bytes = 0;
  for (const row of rows) {
    bytes += 32 + 8 * row.length;
    for (const v of row) {
      if (typeof v === 'string') bytes += v.length + 16;
      else if (v instanceof Uint8Array) bytes += v.length + 16;
      else if (v !== null && typeof v === 'object') bytes += 48;
    }
  }
  return bytes;
}
