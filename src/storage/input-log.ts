/**
 * @module storage/input-log
 * The input log with group commit (ADR 0003). Appends are synchronous writes of one framed
 * record each to the current segment (storage/log-segments), numbered by LSN; durability is a
 * separate fdatasync shared by every append made before it started: while one sync runs, later
 * commits queue and share the next. A sync that fails leaves memory ahead of disk, so the log
 * then refuses every further append (58030).
 *
 * Where the sync runs (`LogSyncMode`): `pool` starts it on libuv's thread pool as soon as a
 * commit waits, and the event loop goes on; `turn` runs it on the event loop itself at the end of
 * the turn in which the first commit waited (setImmediate, after every socket read in that turn),
 * covering every commit of the turn with no thread hand-off, but blocking the loop for the
 * fdatasync (counted in `stats.blockMs` / `blockMaxMs`).
 */
import { failpoint, failpointsArmed } from '../common/failpoints.ts';
import type { ChangeSet } from '../runtime/changes.ts';
import type { DdlRecord, DurableLog } from '../runtime/durable-log.ts';
import { encodeDdlRecord, encodeStepRecord } from './log-record.ts';
import type { SegmentWriter } from './log-segments.ts';

export type LogSyncMode = 'pool' | 'turn';
export const logSyncModes: readonly LogSyncMode[] = ['pool', 'turn'];

interface SyncWaiter {
  readonly lsn: number;
  readonly resolve: () => void;
  readonly reject: (e: unknown) => void;
}

export class InputLog implements DurableLog {
  private readonly segments: SegmentWriter;
  /** The first LSN of the current segment. */
  private segmentStart: number;
  /** The last LSN appended, and the last one known synced. */
  private appended: number;
  private synced: number;
  private syncing = false;
  private readonly waiters: SyncWaiter[] = [];
  private pending: { lsn: number; promise: Promise<void> } | null = null;
  private failure: Error | null = null;
  /** Every committed catalog change, in order: checkpoints store it to rebuild the catalog. */
  readonly ddlHistory: DdlRecord[];
  /**
   * For the group-commit figures in /metrics: records appended; syncs done, the records they
   * made durable (one per commit; more than syncs when commits share a sync) and the time from a
   * sync's start to its commits' release (the thread pool's and event loop's waits included).
   */
  readonly stats = { records: 0, syncs: 0, syncedRecords: 0, syncMs: 0, blockMs: 0, blockMaxMs: 0 };
  private syncStarted = 0;
  private readonly mode: LogSyncMode;

  constructor(
    segments: SegmentWriter,
    segmentStart: number,
    lastLsn: number,
    ddlHistory: DdlRecord[],
    mode: LogSyncMode = 'pool',
  ) {
    this.mode = mode;
    this.segments = segments;
    this.segmentStart = segmentStart;
    this.appended = lastLsn;
    this.synced = lastLsn;
    this.ddlHistory = ddlHistory;
  }

  get lastLsn(): number {
    return this.appended;
  }

  appendStep(step: number, clockMicros: number, ddl: readonly DdlRecord[], changes: ChangeSet): void {
    this.append(encodeStepRecord(step, clockMicros, ddl, changes));
    this.ddlHistory.push(...ddl);
  }

  appendDdl(ddl: readonly DdlRecord[]): void {
    if (ddl.length === 0) return;
    this.append(encodeDdlRecord(ddl));
    this.ddlHistory.push(...ddl);
  }

  private append(record: Uint8Array): void {
    if (this.failure) throw this.failure;
    failpoint('log.before-append');
    const lsn = this.appended + 1;
    try {
      this.segments.append(lsn, record);
    } catch (e) {
      // Frames kept for the next sync could not be written: the log is behind memory for good.
      if (this.segments.failed) this.failure = this.segments.failed;
      throw e;
    }
    this.appended = lsn;
    this.stats.records++;
    failpoint('log.after-append');
  }

  whenDurable(): Promise<void> | null {
    if (this.failure) return Promise.reject(this.failure);
    if (this.synced >= this.appended) return null;
    const lsn = this.appended;
    if (this.pending?.lsn === lsn) return this.pending.promise;
    const promise = new Promise<void>((resolve, reject) => {
      this.waiters.push({ lsn, resolve, reject });
    });
    this.pending = { lsn, promise };
    this.kick();
    return promise;
  }

  /**
   * Starts a new segment after the last record (a checkpoint covering it all was just taken),
   * so that truncation can later delete whole files. Nothing to do when the segment is empty.
   */
  rotate(): void {
    if (this.failure || this.appended < this.segmentStart) return;
    this.segmentStart = this.appended + 1;
    try {
      this.segments.rotate(this.segmentStart);
    } catch (e) {
      if (this.segments.failed) this.failure = this.segments.failed;
      throw e;
    }
  }

  close(): void {
    this.segments.close();
  }

  /** Resolves once everything appended so far is durable (clean shutdown, checkpoints). */
  async flush(): Promise<void> {
    await this.whenDurable();
  }

  /** Starts a sync unless one runs: it covers every append made before it starts. */
  private kick(): void {
    if (this.syncing || this.waiters.length === 0) return;
    this.syncing = true;
    if (this.mode === 'turn') {
      setImmediate(() => this.syncInTurn());
      return;
    }
    const target = this.appended;
    this.syncStarted = performance.now();
    this.segments.sync().then(
      () => this.onSynced(target),
      (e: Error) => {
        this.syncing = false;
        this.failure = e;
        for (const w of this.waiters.splice(0)) w.reject(e);
      },
    );
  }

  /** `turn` mode: one fdatasync on the event loop, covering every append made so far. */
  private syncInTurn(): void {
    const target = this.appended;
    this.syncStarted = performance.now();
    try {
      this.segments.syncNow();
    } catch (e) {
      this.syncing = false;
      this.failure = e as Error;
      for (const w of this.waiters.splice(0)) w.reject(e);
      return;
    }
    const blocked = performance.now() - this.syncStarted;
    this.stats.blockMs += blocked;
    this.stats.blockMaxMs = Math.max(this.stats.blockMaxMs, blocked);
    this.onSynced(target);
  }

  private onSynced(target: number): void {
    this.syncing = false;
    this.stats.syncMs += performance.now() - this.syncStarted;
    this.stats.syncedRecords += target - this.synced;
    this.synced = Math.max(this.synced, target);
    this.stats.syncs++;
    failpoint('group-commit.synced');
    const ready = this.waiters.filter((w) => w.lsn <= target);
    const rest = this.waiters.filter((w) => w.lsn > target);
    this.waiters.length = 0;
    this.waiters.push(...rest);
    if (this.pending && this.pending.lsn <= target) this.pending = null;
    if (failpointsArmed()) this.acknowledgeOneByOne(ready);
    else for (const w of ready) w.resolve();
    this.kick();
  }

  /**
   * Under a crash test: acknowledges the synced writers one event-loop turn apart, passing the
   * `group-commit.ack` failpoint before each, so a kill can land with some acknowledged and
   * others not yet.
   */
  private acknowledgeOneByOne(ready: SyncWaiter[]): void {
    const next = (): void => {
      const w = ready.shift();
      if (!w) return;
      failpoint('group-commit.ack');
      w.resolve();
      setImmediate(next);
    };
    next();
  }
}
