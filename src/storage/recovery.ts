/**
 * @module storage/recovery
 * Brings a fresh database to the state its data directory holds (ADR 0003): the latest valid
 * checkpoint (falling back to the previous one when the latest fails its checksum), then the
 * log records after it, in order, re-forming the same steps with the same numbers. The clock is
 * moved past every reading recovered, so it never goes back across a restart. Watched relations
 * get their subscription history back: the checkpoint's, extended by every replayed step.
 */
import { clockAtLeast } from '../common/clock.ts';
import { failpoint } from '../common/failpoints.ts';
import type { Batch } from '../dataflow/batch.ts';
import type { Database } from '../runtime/database.ts';
import type { DdlRecord } from '../runtime/durable-log.ts';
import { Session } from '../runtime/session.ts';
import { type CheckpointState, checkpointIds, readCheckpoint } from './checkpoint.ts';
import type { DataDirectory } from './data-directory.ts';
import { decodeLogRecord, type LogRecord } from './log-record.ts';
import { listSegments, readSegment } from './log-segments.ts';
import { readWatched } from './subscription-history.ts';
import { corrupt } from './value-codec.ts';

export interface RecoveryResult {
  /** The last LSN replayed (the log continues after it). */
  readonly lastLsn: number;
  /** Where appends continue: the last segment and its whole records' length, or none yet. */
  readonly tail: { readonly path: string; readonly validBytes: number; readonly firstLsn: number } | null;
  /** The live catalog as statements, for the next checkpoint. */
  readonly ddlHistory: DdlRecord[];
  readonly checkpointId: number | undefined;
  /** Checkpoints that failed verification and were skipped, with why. */
  readonly skipped: readonly string[];
  readonly replayedRecords: number;
  /** Materialized views loaded from the checkpoint's saved state, not recomputed. */
  readonly viewsRestored: number;
  /** Where the time went: reading and decoding the checkpoint, restoring it, replaying the log. */
  readonly phaseMs: { readonly read: number; readonly restore: number; readonly replay: number };
}

export function recover(db: Database, dir: DataDirectory, warn: (line: string) => void): RecoveryResult {
  const phase = { read: 0, restore: 0, replay: 0 };
  let mark = performance.now();
  const lap = (): number => {
    const now = performance.now();
    const ms = now - mark;
    mark = now;
    return ms;
  };
  const { checkpoint, id, skipped } = latestValidCheckpoint(dir);
  phase.read = lap();
  const ddlHistory: DdlRecord[] = [];
  const session = new Session(db);
  const chunkRows = db.hydrationChunkRows;
  // Views created during recovery hydrate at once, as they did when the statements first ran.
  db.hydrationChunkRows = Number.POSITIVE_INFINITY;
  try {
    let lsn = 0;
    let viewsRestored = 0;
    const histories = new HistoryResumption(db, readWatched(dir));
    if (checkpoint) {
      viewsRestored = restoreCheckpoint(db, session, checkpoint, warn);
      histories.restore(checkpoint.histories);
      phase.restore = lap();
      ddlHistory.push(...checkpoint.ddlHistory);
      lsn = checkpoint.lsn;
    }
    histories.coverCreated();
    let replayed = 0;
    const segments = listSegments(dir.logFolder);
    if (!checkpoint && segments.length > 0 && segments[0]!.firstLsn !== 1)
      throw corrupt(`the input log starts at record ${segments[0]!.firstLsn} with no checkpoint before it`);
    let tail: RecoveryResult['tail'] = null;
    for (const [i, segment] of segments.entries()) {
      const { entries, validBytes, tornBytes } = readSegment(segment.path);
      const last = i === segments.length - 1;
      if (tornBytes > 0 && !last) throw corrupt(`input log segment ${segment.path} is damaged in the middle`);
      if (tornBytes > 0)
        warn(`eddy: recovery cut ${tornBytes} bytes of an unfinished write off the input log`);
      if (last) tail = { path: segment.path, validBytes, firstLsn: segment.firstLsn };
      for (const { lsn: key, record: bytes } of entries) {
        if (key <= lsn) continue;
        if (key !== lsn + 1) throw corrupt(`the input log jumps from record ${lsn} to ${key}`);
        failpoint('recovery.replay');
        replayRecord(db, session, decodeLogRecord(bytes), ddlHistory, warn, key);
        histories.coverCreated();
        lsn = key;
        replayed++;
      }
    }
    phase.replay = lap();
    return {
      phaseMs: phase,
      lastLsn: lsn,
      tail,
      ddlHistory,
      checkpointId: id,
      skipped,
      replayedRecords: replayed,
      viewsRestored,
    };
  } finally {
    db.hydrationChunkRows = chunkRows;
  }
}

/**
 * Rebuilds the catalog from the checkpoint's DDL history with each table's rows loaded as soon
 * as the table exists, and each materialized view's saved state and contents handed to it as it
 * is created (runtime `viewImages`): a view with an image is not hydrated; one without (it was
 * hydrating at the checkpoint) hydrates over the checkpoint's data as it did then.
 */
function restoreCheckpoint(
  db: Database,
  session: Session,
  checkpoint: CheckpointState,
  warn: (line: string) => void,
): number {
  for (const v of checkpoint.views) db.viewImages.set(v.relationId, { state: v.state, contents: v.rows });
  const tables = new Map(checkpoint.tables.map((t) => [t.relationId, t.batch]));
  const loadCreatedTables = (): void => {
    for (const [relationId, batch] of tables) {
      if (!db.hasStore(relationId)) continue;
      applyToStore(db, relationId, batch);
      tables.delete(relationId);
    }
  };
  let refused = 0;
  for (const d of checkpoint.ddlHistory) {
    refused += replayDdl(db, session, d, warn);
    loadCreatedTables();
  }
  if (tables.size > 0)
    throw corrupt(`the checkpoint holds rows of unknown relation ${[...tables.keys()][0]}`);
  // Images not taken belong to views the history no longer creates: nothing to restore them into.
  const restored = checkpoint.views.length - refused - db.viewImages.size;
  db.viewImages.clear();
  db.catalog.setNextId(Math.max(db.catalog.peekNextId(), checkpoint.nextId));
  db.restoreStepNumber(checkpoint.step);
  clockAtLeast(checkpoint.clockMicros);
  db.restoreStepClock(checkpoint.clockMicros);
  return restored;
}

/**
 * Gives watched relations their subscription history back. A relation keeps the checkpoint's
 * history if it has one; any other watched relation is covered from when recovery first finds
 * it (the checkpoint's step, or the replayed record that created it), so the steps replayed
 * after that are recorded as they are re-formed, with the same numbers and changes.
 */
class HistoryResumption {
  private readonly db: Database;
  /** Watched relations not yet covered (not created yet, or dropped for good). */
  private readonly pending: Set<number>;

  constructor(db: Database, watched: readonly number[]) {
    this.db = db;
    this.pending = new Set(watched);
  }

  restore(saved: CheckpointState['histories']): void {
    for (const h of saved) {
      // A history that does not end at the checkpoint's step would leave a gap: start afresh.
      if (!this.db.hasStore(h.relationId) || h.through !== this.db.currentStep) {
        this.pending.add(h.relationId);
        continue;
      }
      this.db.history.restore(h);
      this.db.watched.add(h.relationId);
      this.pending.delete(h.relationId);
    }
  }

  /** Starts covering the watched relations that exist now, from the current step on. */
  coverCreated(): void {
    for (const id of this.pending) {
      if (!this.db.hasStore(id)) continue;
      this.db.history.begin(id, this.db.currentStep);
      this.db.watched.add(id);
      this.pending.delete(id);
    }
  }
}

/** Re-forms one logged step (same number, same changes) or re-runs one catalog change. */
function replayRecord(
  db: Database,
  session: Session,
  record: LogRecord,
  ddlHistory: DdlRecord[],
  warn: (line: string) => void,
  lsn: number,
): void {
  for (const d of record.ddl) replayDdl(db, session, d, warn);
  ddlHistory.push(...record.ddl);
  if (record.kind !== 'step') return;
  if (record.step !== db.currentStep + 1)
    throw corrupt(`log record ${lsn} holds step ${record.step}, expected ${db.currentStep + 1}`);
  clockAtLeast(record.clockMicros);
  for (const [relationId, batch] of record.changes.byRelation)
    if (db.hasStore(relationId)) applyToStore(db, relationId, batch);
  db.commitStep(record.changes, record.clockMicros);
}

function latestValidCheckpoint(dir: DataDirectory): {
  checkpoint: CheckpointState | undefined;
  id: number | undefined;
  skipped: string[];
} {
  const { latest, previous } = checkpointIds(dir);
  const skipped: string[] = [];
  for (const id of [latest, previous]) {
    if (id === undefined) continue;
    try {
      return { checkpoint: readCheckpoint(dir, id), id, skipped };
    } catch (e) {
      skipped.push((e as Error).message);
    }
  }
  const first = listSegments(dir.logFolder)[0];
  if (skipped.length > 0 && first !== undefined && first.firstLsn !== 1)
    throw corrupt(
      `no valid checkpoint (${skipped.join('; ')}) and the log no longer starts at its beginning`,
    );
  return { checkpoint: undefined, id: undefined, skipped };
}

/**
 * Re-runs a catalog change with the ids it first got. It committed then, so it succeeds now,
 * unless a view's saved state no longer fits its plan: the view is then computed afresh.
 * Returns how many saved view states the statement refused.
 */
function replayDdl(db: Database, session: Session, d: DdlRecord, warn: (line: string) => void): number {
  const high = db.catalog.peekNextId();
  db.catalog.setNextId(d.firstId);
  session.settings.timeZone = d.timeZone;
  let refused = 0;
  try {
    session.execute(d.sql);
  } catch (e) {
    refused = dropImagesOf(db, d.firstId);
    if (refused > 0) {
      // A view's saved state did not fit its plan (XX001): compute the view afresh instead.
      warn(
        `eddy: recovery: a materialized view's saved state was refused (${(e as Error).message}); recomputing it`,
      );
      db.catalog.setNextId(d.firstId);
      refused += replayDdl(db, session, d, warn);
    } else {
      warn(
        `eddy: recovery: a logged catalog change failed to re-run (${(e as Error).message}): ${shownSql(d.sql)}`,
      );
    }
  }
  db.catalog.setNextId(Math.max(high, db.catalog.peekNextId()));
  return refused;
}

/** A logged statement as a log line may show it: a secret's statement without its value. */
function shownSql(sql: string): string {
  return /^\s*(create|alter)\s+secret\b/i.test(sql)
    ? sql.replace(/\bAS\s+'(?:[^']|'')*'\s*$/i, "AS '[REDACTED]'")
    : sql.slice(0, 200);
}

/** Forgets the view images the statement that started allocating at `firstId` may have used. */
function dropImagesOf(db: Database, firstId: number): number {
  const ids = [...db.viewImages.keys()].filter((id) => id >= firstId && id < db.catalog.peekNextId());
  for (const id of ids) db.viewImages.delete(id);
  return ids.length;
}

function applyToStore(db: Database, relationId: number, batch: Batch): void {
  const store = db.store(relationId);
  for (let i = 0; i < batch.length; i++) store.apply(batch.values, i * batch.arity, batch.weights[i]!);
}
