/**
 * @module storage/durability
 * A database kept in a data directory: recovery at open, the input log attached for every
 * later write, a checkpoint every `checkpointIntervalMs` (10 s by default) and at close, and
 * the figures /metrics shows. The entry point of `storage/` for the library and the server.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Batch } from '../dataflow/batch.ts';
import { loadJsSandbox } from '../functions/js-sandbox.ts';
import type { Database, ViewMaintainer } from '../runtime/database.ts';
import { MemoryBudget, type MemoryBudgetStats } from '../runtime/memory-budget.ts';
import { SpillingViewStore } from '../runtime/spilling-view-store.ts';
import { type CheckpointBoundary, CheckpointWriter, checkpointIds, truncate } from './checkpoint.ts';
import { DataDirectory } from './data-directory.ts';
import { InputLog, type LogSyncMode } from './input-log.ts';
import { SegmentWriter } from './log-segments.ts';
import { recover } from './recovery.ts';
import { RelationChanges } from './relation-changes.ts';
import { DirectorySinkProgress } from './sink-progress.ts';
import { LmdbSpillSpaces } from './spill-space.ts';
import { readWatched, writeWatched } from './subscription-history.ts';
import type { ViewSlicing } from './view-images.ts';

export const checkpointIntervalMsDefault = 10_000;
/** Early checkpoints asked for by the memory budget are at least this far apart. */
const pressureCheckpointGapMs = 1000;
/**
 * Compaction: a full checkpoint is taken after this many incremental ones in a row, or once the
 * incremental ones since the last full one hold more bytes than it did (ADR 0003).
 */
const incrementalChainMax = 16;

export interface DurabilityOptions {
  readonly dir: string;
  /** Milliseconds between checkpoints (0: only at close). */
  readonly checkpointIntervalMs?: number;
  /**
   * Anonymous resident memory (RssAnon) to stay under: views' state beyond it spills into the
   * directory (ADR 0006). Undefined: no budget, everything in memory.
   */
  readonly memoryBudgetBytes?: number;
  /** Where the recovery summary goes (nowhere by default; the server prints it). */
  readonly info?: (line: string) => void;
  /** Where warnings go: a skipped checkpoint, a failed one (stderr by default). */
  readonly warn?: (line: string) => void;
  /**
   * Incremental checkpoints (default false, opt-in until an unexplained recovery failure seen once
   * with them is understood; docs/reliability.md): a checkpoint writes only what changed since the
   * previous one, with a full one now and then (compaction). False: every checkpoint is full.
   */
  readonly incrementalCheckpoints?: boolean;
  /** Where the input log's fdatasync runs (storage/input-log): the thread pool (default) or the event loop. */
  readonly logSync?: LogSyncMode;
}

/** Figures for /metrics and tests. */
export interface DurabilityStats {
  readonly recoveryMs: number;
  readonly replayedRecords: number;
  /** Materialized views loaded from the checkpoint's saved state at start (not recomputed). */
  readonly viewsRestored: number;
  /** The last recovery's time by phase: checkpoint read and decoded, restored, log replayed. */
  readonly recoveryPhaseMs: { readonly read: number; readonly restore: number; readonly replay: number };
  readonly checkpoints: number;
  /** Checkpoints taken early because changed state kept memory over the budget (ADR 0006). */
  readonly pressureCheckpoints: number;
  readonly lastCheckpointMs: number;
  /** The last checkpoint's one pause of steps: copying tables and closing views at its boundary. */
  readonly lastCheckpointPauseMs: number;
  /** Checkpoints that held only the changes since the previous one (the rest are full). */
  readonly incrementalCheckpoints: number;
  /** The last checkpoint's payload bytes, and whether it was incremental. */
  readonly lastCheckpointBytes: number;
  readonly lastCheckpointIncremental: boolean;
  readonly logRecords: number;
  readonly syncs: number;
  /** Records the syncs made durable: over `syncs`, how many commits shared a sync. */
  readonly syncedRecords: number;
  readonly syncMs: number;
  /** `--log-sync turn`: time the event loop spent blocked in the log's fdatasync, in all and at most once. */
  readonly syncBlockMs: number;
  readonly syncBlockMaxMs: number;
  /** Under `--memory-budget`: the budget, RssAnon and the spilling caches' figures (ADR 0006). */
  readonly memory: MemoryBudgetStats | null;
}

export class Durability {
  readonly dir: DataDirectory;
  private readonly db: Database;
  private readonly log: InputLog;
  private readonly say: (line: string) => void;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private closed = false;
  private lastEndedAt = Number.NEGATIVE_INFINITY;
  private readonly figures = {
    pressureCheckpoints: 0,
    recoveryMs: 0,
    replayedRecords: 0,
    viewsRestored: 0,
    recoveryPhaseMs: { read: 0, restore: 0, replay: 0 },
    checkpoints: 0,
    lastCheckpointMs: 0,
    lastCheckpointPauseMs: 0,
    incrementalCheckpoints: 0,
    lastCheckpointBytes: 0,
    lastCheckpointIncremental: false,
  };
  /** Incremental checkpoints are taken (no memory budget, not turned off). */
  private readonly incremental: boolean;
  /** Tables' and views' row changes since the last checkpoint's boundary. */
  private readonly changes = new RelationChanges();
  /**
   * The views the last committed checkpoint saved, with the maintainer that saved them: their
   * next save can be a delta. Empty after a failed checkpoint (its boundary took a delta nobody kept).
   */
  private saved = new Map<number, ViewMaintainer>();
  /** What the boundary under way saves: `saved` once its checkpoint is committed. */
  private saving = new Map<number, ViewMaintainer>();
  /** The checkpoint this process last committed: changes are followed since its boundary. */
  private lastWritten: number | undefined;
  /** Incremental checkpoints since the last full one, their bytes, and the full one's bytes. */
  private chain = { length: 0, bytes: 0, baseBytes: 0 };

  private constructor(
    db: Database,
    dir: DataDirectory,
    log: InputLog,
    say: (line: string) => void,
    incremental: boolean,
  ) {
    this.db = db;
    this.dir = dir;
    this.log = log;
    this.say = say;
    // Under a memory budget, spilled state is re-read in slices by every checkpoint (ADR 0006).
    this.incremental = incremental && db.memoryBudget === null;
    if (this.incremental) this.detachChanges = db.onStep((step) => this.changes.observe(step));
  }

  private detachChanges: (() => void) | null = null;

  /**
   * Before `open` on a directory that already holds a database: loads what replaying its DDL may
   * need and cannot load synchronously (the JavaScript sandbox, ~3 MB, for CREATE FUNCTION).
   * A new directory loads nothing.
   */
  static async prepare(path: string): Promise<void> {
    if (existsSync(join(path, 'store'))) await loadJsSandbox();
  }

  /** Opens the directory (lock, format), recovers `db` (fresh, empty) from it and attaches the log. */
  static open(db: Database, options: DurabilityOptions): Durability {
    const say = options.warn ?? ((line: string) => process.stderr.write(`${line}\n`));
    const info = options.info ?? (() => {});
    const started = performance.now();
    const dir = DataDirectory.open(options.dir);
    try {
      if (options.memoryBudgetBytes !== undefined) {
        const spaces = new LmdbSpillSpaces(dir);
        db.memoryBudget = new MemoryBudget(options.memoryBudgetBytes, () => spaces.create(), {
          warn: say,
          spilledBytes: () => spaces.bytes(),
        });
      }
      // Sinks' progress first: the history each still needs is held while the log replays.
      const sinkProgress = new DirectorySinkProgress(dir);
      for (const { sinkId, relationId, step } of sinkProgress.all())
        db.history.hold(relationId, sinkId, step);
      db.sinkProgress = sinkProgress;
      const result = recover(db, dir, say);
      for (const why of result.skipped) say(`eddy: recovery skipped a checkpoint: ${why}`);
      const tail = result.tail;
      const segments = new SegmentWriter(dir.logFolder, tail ?? { firstLsn: result.lastLsn + 1 });
      const log = new InputLog(
        segments,
        tail?.firstLsn ?? result.lastLsn + 1,
        result.lastLsn,
        result.ddlHistory,
        options.logSync,
      );
      db.durableLog = log;
      const durability = new Durability(db, dir, log, say, options.incrementalCheckpoints ?? false);
      if (db.memoryBudget !== null) db.memoryBudget.onPinned = () => durability.checkpointUnderPressure();
      durability.rememberWatched();
      durability.figures.recoveryMs = performance.now() - started;
      durability.figures.replayedRecords = result.replayedRecords;
      durability.figures.viewsRestored = result.viewsRestored;
      durability.figures.recoveryPhaseMs = result.phaseMs;
      info(
        `eddy: recovered ${options.dir} in ${durability.figures.recoveryMs.toFixed(1)} ms: step ${db.currentStep}, ` +
          `checkpoint ${result.checkpointId ?? 'none'} (${result.viewsRestored} views restored), ` +
          `${result.replayedRecords} log records replayed (checkpoint read ${result.phaseMs.read.toFixed(0)} ms, ` +
          `restored ${result.phaseMs.restore.toFixed(0)} ms, log replayed ${result.phaseMs.replay.toFixed(0)} ms)`,
      );
      const interval = options.checkpointIntervalMs ?? checkpointIntervalMsDefault;
      if (interval > 0) {
        durability.timer = setInterval(
          () => void durability.checkpoint().catch((e) => durability.report(e)),
          interval,
        );
        durability.timer.unref();
      }
      return durability;
    } catch (e) {
      db.durableLog = null;
      db.memoryBudget = null;
      dir.close();
      throw e;
    }
  }

  /**
   * Keeps the set of watched relations in the directory: now (dropped ones leave it) and
   * whenever a relation gets its first subscriber, so that recovery records their history.
   */
  private rememberWatched(): void {
    const save = (): void => {
      try {
        writeWatched(this.dir, this.db.watched);
      } catch (e) {
        // Only costs a resync after a restart: the subscription goes on.
        this.say(`eddy: could not record a subscribed relation: ${(e as Error)?.message ?? String(e)}`);
      }
    };
    const saved = readWatched(this.dir);
    if (saved.length !== this.db.watched.size || saved.some((id) => !this.db.watched.has(id))) save();
    this.db.onFirstWatch = save;
  }

  get stats(): DurabilityStats {
    const log = this.log.stats;
    return {
      ...this.figures,
      logRecords: log.records,
      syncs: log.syncs,
      syncedRecords: log.syncedRecords,
      syncMs: log.syncMs,
      syncBlockMs: log.blockMs,
      syncBlockMaxMs: log.blockMaxMs,
      memory: this.db.memoryBudget?.stats() ?? null,
    };
  }

  /**
   * Writes a checkpoint of the state as of now and truncates what recovery no longer needs.
   * One at a time: a call while one runs waits for it and returns.
   */
  checkpoint(): Promise<void> {
    if (this.running) return this.running;
    const run = this.writeOne().finally(() => {
      this.running = null;
    });
    this.running = run;
    return run;
  }

  /**
   * Under a memory budget, state changed since the last checkpoint stays in memory until one
   * saves it (ADR 0006): when that is what keeps memory over the budget, checkpoint early (at
   * most one at a time, and not again within `pressureCheckpointGapMs` of the last). Returns
   * when the checkpoint that frees it ends (the running one, or the one started), null when none
   * is running or may start yet.
   */
  checkpointUnderPressure(): Promise<void> | null {
    if (this.closed) return null;
    if (this.running) return this.running.catch(() => {});
    if (performance.now() - this.lastEndedAt < pressureCheckpointGapMs) return null;
    this.figures.pressureCheckpoints++;
    return this.checkpoint().catch((e) => this.report(e));
  }

  private async writeOne(): Promise<void> {
    try {
      await this.writeOneOrFail();
    } catch (e) {
      // The boundary may have taken deltas that no checkpoint kept: the next one is full.
      this.saved = new Map();
      this.lastWritten = undefined;
      this.changes.clear();
      throw e;
    }
  }

  private async writeOneOrFail(): Promise<void> {
    const started = performance.now();
    const { latest } = checkpointIds(this.dir);
    const incremental =
      this.incremental &&
      latest !== undefined &&
      latest === this.lastWritten &&
      this.chain.length < incrementalChainMax &&
      this.chain.bytes <= this.chain.baseBytes;
    const writer = new CheckpointWriter(this.dir, incremental ? latest : undefined);
    // Views' state is saved in slices over many turns (steps run between them), then closed,
    // with everything else, at one step boundary: the checkpoint is the state at that boundary.
    // In an incremental checkpoint, views the last one saved only give their delta at the boundary.
    const views = this.db.checkpointableViews();
    const deltas = new Set(
      incremental ? views.filter((v) => this.saved.get(v.id) === v.maintainer).map((v) => v.maintainer) : [],
    );
    const slicings = views.flatMap(({ id, maintainer }) =>
      maintainer.beginSaveState && !deltas.has(maintainer)
        ? [{ relationId: id, maintainer, slicer: maintainer.beginSaveState() }]
        : [],
    );
    await writer.viewSlices(slicings);
    const pauseStarted = performance.now();
    const boundary = this.boundary(slicings, deltas, incremental);
    this.figures.lastCheckpointPauseMs = performance.now() - pauseStarted;
    // Records after the boundary go to a new segment, so old segments can be deleted whole.
    this.log.rotate();
    await writer.boundary(boundary);
    // Everything the checkpoint covers must be durable before it is marked latest.
    await this.log.flush();
    const bytes = await writer.commit(() => this.dir.sync());
    this.saved = this.saving;
    this.lastWritten = writer.id;
    this.chain = incremental
      ? { ...this.chain, length: this.chain.length + 1, bytes: this.chain.bytes + bytes }
      : { length: 0, bytes: 0, baseBytes: bytes };
    truncate(this.dir);
    this.figures.checkpoints++;
    if (incremental) this.figures.incrementalCheckpoints++;
    this.figures.lastCheckpointIncremental = incremental;
    this.figures.lastCheckpointBytes = bytes;
    this.figures.lastCheckpointMs = performance.now() - started;
    this.lastEndedAt = performance.now();
  }

  /**
   * The state at this step boundary, copied (this runs synchronously, between steps): the
   * catalog, tables, and for each view still maintained its rows and state's delta (since its
   * slicing began, or for `deltas` since the last checkpoint). A view created or dropped while
   * slicing has no image; recovery computes it from its inputs. In an `incremental` checkpoint,
   * tables and views' rows followed since the last boundary give only their changes.
   */
  private boundary(
    slicings: readonly ViewSlicing[],
    deltas: ReadonlySet<ViewMaintainer>,
    incremental: boolean,
  ): CheckpointBoundary {
    const catalog = this.db.catalog;
    const rowsOf = (id: number): { batch: Batch; delta: boolean } => {
      const store = this.db.store(id);
      const changed = incremental ? this.changes.take(id, store.arity) : null;
      return changed === null ? { batch: store.toBatch(), delta: false } : { batch: changed, delta: true };
    };
    const tables = catalog
      .allRelations()
      .filter((r) => (r.kind === 'table' || r.kind === 'source') && this.db.hasStore(r.id))
      .map((r) => ({ relationId: r.id, ...rowsOf(r.id) }));
    const sliced = new Map(slicings.map((s) => [s.maintainer, s.relationId]));
    this.saving = new Map();
    const views = this.db
      .checkpointableViews()
      .filter((v) => sliced.get(v.maintainer) === v.id || deltas.has(v.maintainer))
      .map(({ id, maintainer }) => {
        this.saving.set(id, maintainer);
        const spilling = this.db.store(id) instanceof SpillingViewStore;
        const rows = spilling ? { batch: this.boundaryRows(id), delta: false } : rowsOf(id);
        return {
          relationId: id,
          rows: rows.batch,
          rowsDelta: rows.delta,
          sliced: !deltas.has(maintainer),
          delta: maintainer.saveStateDelta!(),
        };
      });
    if (this.incremental)
      this.changes.restart(
        [...tables.map((t) => t.relationId), ...views.map((v) => v.relationId)]
          .filter((id) => !(this.db.store(id) instanceof SpillingViewStore))
          .map((id) => ({ id, size: this.db.store(id).size })),
      );
    return {
      ddlHistory: this.log.ddlHistory.slice(),
      nextId: catalog.peekNextId(),
      step: this.db.currentStep,
      // The latest step's reading: views with temporal filters hold their state as of it.
      clockMicros: this.db.stepClockMicros,
      lsn: this.log.lastLsn,
      tables,
      views,
      histories: this.db.history.copy(),
    };
  }

  /** A view's rows at the boundary; spilling contents are in the view's sliced state instead (ADR 0006). */
  private boundaryRows(relationId: number): Batch {
    const store = this.db.store(relationId);
    return store instanceof SpillingViewStore ? new Batch(store.arity) : store.toBatch();
  }

  private report(e: unknown): void {
    this.say(`eddy: checkpoint failed: ${(e as Error)?.message ?? String(e)}`);
  }

  /** Clean shutdown: a last checkpoint, then the directory is closed and unlocked. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.db.stopTimers();
    try {
      await this.running;
      await this.checkpoint();
    } catch (e) {
      this.report(e);
    } finally {
      this.db.durableLog = null;
      this.db.onFirstWatch = null;
      this.db.memoryBudget?.close();
      this.detachChanges?.();
      await this.log.flush().catch(() => {});
      this.log.close();
      this.dir.close();
    }
  }
}
