/**
 * @module server/pgwire/pg-connection
 * One authenticated client connection: frames in, one message at a time through the protocol
 * handlers, backend messages out through one buffer. Invariants: messages are handled strictly
 * in arrival order (a handler that waits holds back the rest); outside a transaction block the
 * extended-protocol messages up to Sync are one implicit transaction, and after an error in one
 * everything up to Sync is skipped and that transaction rolled back; every wait (a subscriber's rows,
 * a slow socket, FETCH) can be interrupted by CancelRequest or by the client going away.
 */
import type { Socket } from 'node:net';
import { type TimeZone, timeZone } from '../../common/datetime-zone.ts';
import { AfterDurable } from '../../runtime/durable-log.ts';
import type { Session } from '../../runtime/session.ts';
import { backendKeyData, errorResponse, readyForQuery, type TransactionStatus } from './backend-messages.ts';
import { type Cursor, closeAllCursors } from './cursors.ts';
import {
  closeInFlightPortals,
  closeTransactionPortals,
  handleBind,
  handleClose,
  handleDescribe,
  handleExecute,
  handleParse,
  LocatedError,
} from './extended-query.ts';
import { type Frame, FrameReader } from './frame-reader.ts';
import { endImplicitTransaction } from './implicit-transaction.ts';
import { MessageWriter } from './message-writer.ts';
import type { Portal, PreparedStatement } from './portal.ts';
import { positionMapper } from './portal.ts';
import { reportAll, reportChanges } from './session-settings.ts';
import { handleQuery } from './simple-query.ts';
import { canceled, errorFields, WireError, WireState } from './wire-error.ts';

export interface ConnectionOptions {
  readonly messageBytesMax: number;
  /** Change rows, and their estimated bytes, a subscription may queue for a client that does not keep up. */
  readonly subscribeRowsMax: number;
  readonly subscribeBytesMax: number;
  /** How long FETCH from a SUBSCRIBE cursor waits for a first row (0: until one comes). */
  readonly fetchTimeoutMs: number;
}

/** Output bytes gathered before they are handed to the socket mid-result. */
export const flushBytes = 64 * 1024;
/** Frames, or bytes, queued behind a waiting handler before the socket stops being read. */
const inboxFramesMax = 1024;
const inboxBytesMax = 1024 * 1024;
/** How long a connection being dropped may take to flush its last words. */
const closeGraceMs = 5000;

const MSG = {
  query: 81,
  parse: 80,
  bind: 66,
  describe: 68,
  execute: 69,
  close: 67,
  flush: 72,
  sync: 83,
  terminate: 88,
  copyData: 100,
  copyDone: 99,
  copyFail: 102,
  functionCall: 70,
} as const;

const extendedMessages = new Set<number>([
  MSG.parse,
  MSG.bind,
  MSG.describe,
  MSG.execute,
  MSG.close,
  MSG.flush,
]);

export class PgConnection {
  readonly pid: number;
  readonly secret: number;
  readonly session: Session;
  readonly options: ConnectionOptions;
  readonly w = new MessageWriter();
  readonly statements = new Map<string, PreparedStatement>();
  readonly portals = new Map<string, Portal>();
  readonly cursors = new Map<string, Cursor>();
  /** Things to undo when the connection ends (subscriptions, temporary views). */
  readonly cleanups = new Set<() => void>();
  closed = false;
  private readonly socket: Socket;
  private readonly reader: FrameReader;
  private readonly onClosed: (c: PgConnection) => void;
  private inbox: Frame[] = [];
  private inboxHead = 0;
  /** Bytes received since the inbox was last empty (what its frames keep alive). */
  private inboxBytes = 0;
  private busy = false;
  private paused = false;
  private ignoreTillSync = false;
  private interruptWait: ((e: WireError) => void) | null = null;
  private reported = new Map<string, string>();
  private zoneName = '';
  private zoneValue: TimeZone | null = null;
  /** Output waits here for the input log's sync (see flush). */
  private readonly afterDurable: AfterDurable;

  constructor(
    socket: Socket,
    session: Session,
    ids: { pid: number; secret: number },
    options: ConnectionOptions,
    onClosed: (c: PgConnection) => void,
  ) {
    this.socket = socket;
    this.session = session;
    this.afterDurable = new AfterDurable(() => session.db.whenDurable());
    this.pid = ids.pid;
    this.secret = ids.secret;
    this.options = options;
    this.onClosed = onClosed;
    this.reader = new FrameReader(options.messageBytesMax);
    socket.on('close', () => this.cleanup());
    socket.on('error', () => {});
  }

  /** Sends the startup reports, BackendKeyData and the first ReadyForQuery; then reads `leftover` and the socket. */
  start(reported: Map<string, string>, user: string, leftover: Buffer | null): void {
    this.reported = reported;
    reportAll(this.w, reported, user);
    backendKeyData(this.w, this.pid, this.secret);
    readyForQuery(this.w, 'I');
    this.flush();
    this.socket.on('data', (chunk: Buffer) => this.receive(chunk));
    if (leftover && leftover.length > 0) this.receive(leftover);
  }

  transactionStatus(): TransactionStatus {
    const t = this.session.transaction;
    return t === null ? 'I' : t.failed ? 'E' : 'T';
  }

  /** The session's time zone, for timestamptz output and input. */
  zone(): TimeZone {
    const name = this.session.settings.timeZone;
    if (name !== this.zoneName || this.zoneValue === null) {
      this.zoneValue = timeZone(name);
      this.zoneName = name;
    }
    return this.zoneValue;
  }

  /**
   * Hands the buffered output to the socket, once the input log is synced past every step
   * committed so far: no reply (a COMMIT's, or a read of a step still being synced) leaves
   * before what it reports is durable. Output held meanwhile keeps its order.
   */
  flush(): void {
    if (this.w.length === 0 || this.closed) return;
    const bytes = this.w.take();
    this.afterDurable.run(
      () => {
        if (!this.closed) this.socket.write(bytes);
      },
      (err) =>
        // The step was applied but could not be made durable: nothing may be acknowledged.
        this.terminate(
          WireError.fatal(
            WireState.ioError,
            `could not make the commit durable: ${(err as Error)?.message ?? err}`,
          ),
        ),
    );
  }

  /** Whether the socket holds more than its high-water mark: wait for `drained()` before writing more. */
  needsDrain(): boolean {
    return this.socket.writableNeedDrain;
  }

  /** Waits for the socket to drain; `alsoWake` may end the wait early (a statement's deadline). */
  drained(alsoWake?: (wake: () => void) => () => void): Promise<void> {
    return this.waitFor((done) => {
      this.socket.once('drain', done);
      const undoWake = alsoWake?.(done);
      return () => {
        this.socket.off('drain', done);
        undoWake?.();
      };
    });
  }

  /**
   * Waits until `register`'s callback fires; CancelRequest rejects the wait with 57014 and a
   * closed connection with 08000. `register` returns its own undo.
   */
  waitFor(register: (done: () => void) => () => void): Promise<void> {
    if (this.closed) return Promise.reject(connectionClosed());
    return new Promise<void>((resolve, reject) => {
      let undo: (() => void) | null = null;
      let settled = false;
      const finish = () => {
        settled = true;
        this.interruptWait = null;
        undo?.();
      };
      this.interruptWait = (e) => {
        finish();
        reject(e);
      };
      undo = register(() => {
        if (settled) return;
        finish();
        resolve();
      });
      if (settled) undo();
    });
  }

  /** CancelRequest: interrupts the statement, waiting or computing; nothing happens when idle. */
  cancel(): void {
    this.session.cancelStatement();
    this.interruptWait?.(canceled());
  }

  /** Ends the connection, first sending `error` (FATAL) if given. */
  terminate(error?: WireError): void {
    if (this.closed) return;
    if (error) {
      this.w.abandon();
      errorResponse(this.w, error.fields);
      // Straight out: a FATAL error acknowledges nothing, and held output is dropped with the connection.
      this.socket.write(this.w.take());
    }
    this.socket.end();
    const timer = setTimeout(() => this.socket.destroy(), closeGraceMs);
    timer.unref();
    this.cleanup();
  }

  /** Writes an ErrorResponse; FATAL ends the connection. Marks an open transaction failed. */
  sendError(err: unknown, statement?: PreparedStatement): void {
    this.w.abandon();
    const fields = errorFields(err, statement ? positionMapper(statement) : undefined);
    if (fields.severity === 'FATAL' || fields.severity === 'PANIC') {
      this.terminate(new WireError(fields));
      return;
    }
    const t = this.session.transaction;
    if (t) t.failed = true;
    errorResponse(this.w, fields);
  }

  /** After each statement: report changed settings; cursors and portals still computing end with their transaction. */
  afterStatement(command: string): void {
    if (command === 'SET' || command === 'RESET') reportChanges(this.w, this.session, this.reported);
    if (this.session.transaction === null) {
      if (this.cursors.size > 0) closeAllCursors(this, false);
      closeInFlightPortals(this);
    }
  }

  private receive(chunk: Buffer): void {
    if (this.closed) return;
    this.inboxBytes += chunk.length;
    try {
      this.reader.push(chunk, this.inbox);
    } catch (e) {
      this.terminate(e instanceof WireError ? e : WireError.fatal(WireState.protocolViolation, String(e)));
      return;
    }
    this.pump();
  }

  private pump(): void {
    while (!this.busy && !this.closed && this.inboxHead < this.inbox.length) {
      const frame = this.inbox[this.inboxHead++]!;
      let pending: void | Promise<void>;
      try {
        pending = this.dispatch(frame);
      } catch (e) {
        this.onHandlerError(e, frame.type);
        continue;
      }
      if (pending) {
        this.busy = true;
        pending.then(
          () => this.resume(),
          (e) => {
            this.onHandlerError(e, frame.type);
            this.resume();
          },
        );
        break;
      }
    }
    if (this.inboxHead === this.inbox.length) {
      this.inbox = [];
      this.inboxHead = 0;
      this.inboxBytes = this.reader.bufferedBytes;
    }
    const backlog = this.inbox.length - this.inboxHead;
    if (this.busy && !this.paused && (backlog > inboxFramesMax || this.inboxBytes > inboxBytesMax)) {
      this.paused = true;
      this.socket.pause();
    } else if (this.paused && backlog === 0) {
      this.paused = false;
      this.socket.resume();
    }
    if (!this.busy) this.flush();
  }

  private resume(): void {
    this.busy = false;
    this.pump();
  }

  private onHandlerError(e: unknown, type: number): void {
    if (this.closed) return;
    if (e instanceof LocatedError) this.sendError(e.error, e.statement);
    else this.sendError(e);
    if (extendedMessages.has(type)) this.ignoreTillSync = true;
  }

  private dispatch(frame: Frame): void | Promise<void> {
    const type = frame.type;
    if (this.ignoreTillSync && type !== MSG.sync && type !== MSG.terminate) return;
    switch (type) {
      case MSG.query:
        return handleQuery(this, frame.body);
      case MSG.parse:
        return handleParse(this, frame.body);
      case MSG.bind:
        return handleBind(this, frame.body);
      case MSG.describe:
        return handleDescribe(this, frame.body);
      case MSG.execute:
        return handleExecute(this, frame.body);
      case MSG.close:
        return handleClose(this, frame.body);
      case MSG.flush:
        this.flush();
        return;
      case MSG.sync:
        this.ignoreTillSync = false;
        endImplicitTransaction(this);
        if (this.session.transaction === null) closeTransactionPortals(this);
        readyForQuery(this.w, this.transactionStatus());
        this.flush();
        return;
      case MSG.terminate:
        this.terminate();
        return;
      case MSG.copyData:
      case MSG.copyDone:
      case MSG.copyFail:
        // Outside COPY FROM these are ignored, as PostgreSQL does (a COPY that failed early).
        return;
      case MSG.functionCall:
        throw WireError.error(WireState.featureNotSupported, 'the function call protocol is not supported');
      default:
        this.terminate(WireError.fatal(WireState.protocolViolation, `invalid frontend message type ${type}`));
    }
  }

  private cleanup(): void {
    if (this.closed) return;
    this.closed = true;
    // A query still computing for a client that is gone (or a server shutting down) stops.
    this.session.cancelStatement('shutdown');
    this.interruptWait?.(connectionClosed());
    closeAllCursors(this, true);
    for (const portal of this.portals.values()) portal.release?.();
    this.portals.clear();
    for (const undo of this.cleanups) undo();
    this.cleanups.clear();
    this.session.rollback();
    this.onClosed(this);
  }
}

function connectionClosed(): WireError {
  return WireError.fatal(WireState.connectionException, 'the client closed the connection');
}
