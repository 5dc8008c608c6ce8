/**
 * @module runtime/hydration
 * Background hydration of a new materialized view over existing data: the inputs' contents, as
 * of the view's creation, are fed to its maintainer in chunks between event-loop turns, so
 * writes and reads of everything else go on; steps committed meanwhile are buffered and fed
 * after the snapshot, in order (every intermediate state is then a real state of the inputs, so
 * no operator sees a negative weight). Until it is ready, reading the view raises 55000 with
 * its progress (`HydrationPendingError`), which the library turns into a wait.
 */
import { SqlState, StateError } from '../common/errors.ts';
import { Batch } from '../dataflow/batch.ts';

/** Rows fed to a hydrating view per event-loop turn; a view over fewer rows hydrates at once. */
export const hydrationChunkRowsDefault = 50_000;

/**
 * A statement that cannot run before something settles (`ready`): the session waits for it,
 * bounded by statement_timeout, and runs the statement again. Nothing ran before it was thrown.
 */
export class WaitThenRetryError extends StateError {
  readonly ready: Promise<void>;
  constructor(message: string, details: { detail?: string; hint?: string }, ready: Promise<void>) {
    super(SqlState.objectNotInPrerequisiteState, message, details);
    this.ready = ready;
  }
}

/** Raised by reads of a view that is still hydrating; `ready` settles when it can be read. */
export class HydrationPendingError extends WaitThenRetryError {
  constructor(view: string, done: number, total: number, ready: Promise<void>) {
    const percent = total === 0 ? 100 : Math.floor((done / total) * 100);
    super(
      `materialized view "${view}" is still being hydrated`,
      {
        detail: `${percent} % done: ${done} of ${total} input rows`,
        hint: 'Wait and retry, or SET eddy.hydration_wait = on so reads wait for it.',
      },
      ready,
    );
  }
}

export class Hydration {
  readonly view: string;
  readonly total: number;
  done = 0;
  cancelled = false;
  /** Steps committed while hydrating: each the inputs' changes the view would have seen. */
  readonly buffered: Map<number, Batch>[] = [];
  readonly ready: Promise<void>;
  private resolveReady!: () => void;
  private readonly chunks: Generator<Map<number, Batch>>;

  constructor(view: string, snapshots: ReadonlyMap<number, Batch>, chunkRows: number) {
    this.view = view;
    let total = 0;
    for (const b of snapshots.values()) total += b.length;
    this.total = total;
    this.ready = new Promise((resolve) => {
      this.resolveReady = resolve;
    });
    this.chunks = chunked(snapshots, chunkRows);
  }

  /** The next chunk of the snapshot, or null when the snapshot is done. */
  nextChunk(): Map<number, Batch> | null {
    const next = this.chunks.next();
    if (next.done) return null;
    for (const b of next.value.values()) this.done += b.length;
    return next.value;
  }

  pending(): HydrationPendingError {
    return new HydrationPendingError(this.view, this.done, this.total, this.ready);
  }

  finish(): void {
    this.resolveReady();
  }
}

function* chunked(snapshots: ReadonlyMap<number, Batch>, chunkRows: number): Generator<Map<number, Batch>> {
  for (const [id, batch] of snapshots) {
    const arity = batch.arity;
    for (let start = 0; start < batch.length; start += chunkRows) {
      const end = Math.min(batch.length, start + chunkRows);
      const chunk = new Batch(
        arity,
        batch.values.slice(start * arity, end * arity),
        batch.weights.slice(start, end),
      );
      yield new Map([[id, chunk]]);
    }
  }
}
