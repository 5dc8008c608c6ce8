/**
 * @module server/http/view-subscription
 * One HTTP subscriber of a relation, whatever the transport (SSE or WebSocket): a snapshot (or,
 * resuming after a step, the steps since, or a resync), then one event per step, progress events
 * coalesced to at most one per interval; `view-error` / `view-error-cleared` when the view's live
 * row error appears, changes or clears (the subscription goes on). Each event's payload is a JSON object carrying its step.
 * A subscriber whose socket holds more than `bufferBytesMax` unsent bytes is dropped with a final
 * error event, so a client that stops reading costs bounded memory.
 */
import type { RelationEntry } from '../../catalog/catalog.ts';
import { UTC } from '../../common/datetime-zone.ts';
import { EddyError, SqlState, UndefinedObjectError } from '../../common/errors.ts';
import type { Value } from '../../common/value.ts';
import type { Database } from '../../runtime/database.ts';
import { AfterDurable } from '../../runtime/durable-log.ts';
import { type SubscriptionEvent, subscribeRelation } from '../../runtime/subscriptions.ts';
import { errorJson } from './http-errors.ts';
import { columnsJson, rowEncoder, rowsJson } from './json-encode.ts';

export type EventKind = 'snapshot' | 'resync' | 'changes' | 'progress' | 'view-error' | 'view-error-cleared';

/** Where events go: an SSE response or a WebSocket. */
export interface SubscriberTransport {
  readonly kind: 'sse' | 'websocket';
  /** Bytes written and not yet taken by the socket. */
  bufferedBytes(): number;
  /** Sends one event; `payload` is a JSON object text carrying `step`. */
  send(event: EventKind, step: number, payload: string): void;
  /** Sends `error` (a JSON object text) as the final event and closes. */
  fail(error: string): void;
  /** Sends a keep-alive (SSE comment, WebSocket ping). */
  heartbeat(): void;
  /** Closes without an error (server shutdown). */
  close(): void;
}

export interface SubscriptionLimits {
  readonly bufferBytesMax: number;
  readonly progressIntervalMs: number;
}

/**
 * A step's encoded changes per relation, shared by all subscribers of one server: each step is
 * delivered to every subscriber synchronously inside its commit, so the entry is encoded once
 * and forgotten right after (a microtask), never holding a large payload.
 */
export class ChangesPayloadCache {
  private readonly last = new Map<number, { step: number; payload: string }>();

  get(relationId: number, step: number, encode: () => string): string {
    const hit = this.last.get(relationId);
    if (hit && hit.step === step) return hit.payload;
    const payload = encode();
    if (!hit) queueMicrotask(() => this.last.delete(relationId));
    this.last.set(relationId, { step, payload });
    return payload;
  }
}

export class ViewSubscription {
  readonly transport: SubscriberTransport;
  private readonly db: Database;
  private readonly relation: RelationEntry;
  private readonly limits: SubscriptionLimits;
  private readonly cache: ChangesPayloadCache;
  private readonly onEnd: (subscription: ViewSubscription, dropped: boolean) => void;
  private readonly encodeRow: (row: readonly Value[]) => string;
  private unsubscribe: (() => void) | null = null;
  private readonly afterDurable: AfterDurable;
  private ended = false;
  private lastProgressAt = 0;
  private pendingProgress = -1;
  private progressTimer: NodeJS.Timeout | null = null;
  /** Set while a resume token from the future is answered: the snapshot is sent as a resync. */
  private snapshotAsResync = false;

  constructor(
    db: Database,
    relation: RelationEntry,
    transport: SubscriberTransport,
    limits: SubscriptionLimits,
    cache: ChangesPayloadCache,
    onEnd: (subscription: ViewSubscription, dropped: boolean) => void,
  ) {
    this.db = db;
    this.afterDurable = new AfterDurable(() => db.whenDurable());
    this.relation = relation;
    this.transport = transport;
    this.limits = limits;
    this.cache = cache;
    this.onEnd = onEnd;
    this.encodeRow = rowEncoder(
      relation.schema.map((c) => c.type),
      UTC,
    );
  }

  /**
   * Starts delivering: resuming after `afterStep` when given (a step not reached yet gets a
   * resync), else from a snapshot unless `snapshot` is false. Throws (before sending anything)
   * when the relation cannot be subscribed to or read.
   */
  start(afterStep: number | undefined, snapshot: boolean): void {
    let resume = afterStep;
    if (resume !== undefined && resume >= this.db.currentStep) {
      // Up to date: nothing to replay. A token from the future (another database) gets a resync.
      snapshot = resume > this.db.currentStep;
      this.snapshotAsResync = snapshot;
      resume = undefined;
    }
    const off = subscribeRelation(this.db, this.relation.id, { afterStep: resume, snapshot }, (event) =>
      this.deliver(event),
    );
    this.snapshotAsResync = false;
    if (this.ended) off();
    else this.unsubscribe = off;
  }

  /** Ends the subscription (client gone or server closing); idempotent. */
  stop(): void {
    this.end(false);
  }

  private end(dropped: boolean): void {
    if (this.ended) return;
    this.ended = true;
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (this.progressTimer) clearTimeout(this.progressTimer);
    this.progressTimer = null;
    this.onEnd(this, dropped);
  }

  /** Called inside the database's step commit: never throws into it. */
  private deliver(event: SubscriptionEvent): void {
    if (this.ended) return;
    if (this.db.catalog.relation(this.relation.name) !== this.relation) {
      this.fail(
        new UndefinedObjectError(SqlState.undefinedTable, `relation "${this.relation.name}" was dropped`),
      );
      return;
    }
    try {
      switch (event.kind) {
        case 'snapshot':
        case 'resync':
          this.emit(
            this.snapshotAsResync ? 'resync' : event.kind,
            event.step,
            `{"step":${event.step},"columns":${columnsJson(this.relation.schema)},"rows":${rowsJson(this.relation.schema, event.rows, UTC)}}`,
          );
          return;
        case 'changes': {
          this.pendingProgress = -1;
          const payload = this.cache.get(this.relation.id, event.step, () =>
            this.changesPayload(event.step, event.rows, event.weights),
          );
          this.emit('changes', event.step, payload);
          return;
        }
        case 'progress':
          this.progress(event.step);
          return;
        case 'viewError':
          this.emit('view-error', event.step, `{"step":${event.step},"error":${errorJson(event.error)}}`);
          return;
        case 'viewErrorCleared':
          this.emit('view-error-cleared', event.step, `{"step":${event.step}}`);
          return;
      }
    } catch (err) {
      this.fail(
        err instanceof EddyError
          ? err
          : new EddyError({ code: SqlState.internalError, message: String(err), cause: err }),
      );
    }
  }

  private changesPayload(step: number, rows: readonly Value[][], weights: readonly number[]): string {
    let out = `{"step":${step},"changes":[`;
    for (let i = 0; i < rows.length; i++) {
      if (i > 0) out += ',';
      out += `{"row":${this.encodeRow(rows[i]!)},"weight":${weights[i]}}`;
    }
    return `${out}]}`;
  }

  /** A progress event now, or, within the interval since the last, once the interval has passed. */
  private progress(step: number): void {
    const now = Date.now();
    const wait = this.lastProgressAt + this.limits.progressIntervalMs - now;
    if (wait <= 0) {
      // A timer that is late for an older pending step must not send it after this one.
      this.pendingProgress = -1;
      this.lastProgressAt = now;
      this.emit('progress', step, `{"step":${step}}`);
      return;
    }
    this.pendingProgress = step;
    this.progressTimer ??= setTimeout(() => {
      this.progressTimer = null;
      const pending = this.pendingProgress;
      this.pendingProgress = -1;
      if (pending >= 0 && !this.ended) {
        this.lastProgressAt = Date.now();
        this.emit('progress', pending, `{"step":${pending}}`);
      }
    }, wait);
  }

  /** Sends an event once its step is durable (events never overtake each other). */
  private emit(event: EventKind, step: number, payload: string): void {
    this.afterDurable.run(
      () => {
        if (!this.ended) this.send(event, step, payload);
      },
      (err) =>
        this.fail(
          err instanceof EddyError
            ? err
            : new EddyError({ code: SqlState.ioError, message: String(err), cause: err }),
        ),
    );
  }

  private send(event: EventKind, step: number, payload: string): void {
    const buffered = this.transport.bufferedBytes();
    if (buffered > this.limits.bufferBytesMax) {
      this.fail(
        new EddyError({
          code: SqlState.insufficientResources,
          message: `subscriber too slow: ${buffered} bytes unsent (limit ${this.limits.bufferBytesMax})`,
          hint: 'Read events as they arrive; reconnect with the last step seen to resume.',
        }),
      );
      return;
    }
    this.transport.send(event, step, payload);
  }

  /** Drops the subscriber with a final error event. */
  private fail(error: EddyError): void {
    if (this.ended) return;
    this.end(true);
    this.transport.fail(errorJson(error));
  }

  /** A keep-alive, unless the subscriber is already behind (then its next event decides). */
  heartbeat(): void {
    if (!this.ended && this.transport.bufferedBytes() <= this.limits.bufferBytesMax)
      this.transport.heartbeat();
  }
}

const digitsOnly = /^[0-9]+$/;

/** The step to resume after: `Last-Event-ID` first (an SSE reconnect), else `?from=`. */
export function resumePoint(lastEventId: string | undefined, from: string | null): number | undefined {
  const token = lastEventId ?? from ?? undefined;
  if (token === undefined || token === '') return undefined;
  const step = Number(token);
  if (!digitsOnly.test(token) || !Number.isSafeInteger(step)) {
    throw new EddyError({
      code: SqlState.invalidParameterValue,
      message: `invalid step token "${token}"`,
      hint: 'A step token is the id of the last event received (a non-negative integer).',
    });
  }
  return step;
}
