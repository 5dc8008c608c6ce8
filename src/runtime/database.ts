/**
 * @module runtime/database
 * One Eddy database: the catalog, the stored contents of tables and materialized views, the
 * view maintainers (incremental dataflow), and the step loop's commit: a batch of whole
 * transactions' changes goes in, every view moves to its next consistent state, subscribers
 * see the step's changes. Steps are numbered; reads only ever observe step boundaries.
 */
import { Catalog } from '../catalog/catalog.ts';
import { isSystemRelationId, readSystemRelation } from '../catalog/system/registry.ts';
import { type Clock, systemClock } from '../common/clock.ts';
import { EddyError, FeatureNotSupportedError } from '../common/errors.ts';
import { asResourceLimitError } from '../common/stack-depth.ts';
import { checkUnicodeText } from '../common/utf8-text.ts';
import type { Value } from '../common/value.ts';
import type { Batch } from '../dataflow/batch.ts';
import type { OperatorStateSize } from '../dataflow/circuit.ts';
import type { RelationRows } from '../plan/evaluate/row-stream.ts';
import type { LogicalPlan } from '../plan/logical.ts';
import type { WindowClose } from '../plan/window-close.ts';
import { type EddyStatement, parseScript } from '../sql/front/index.ts';
import { ChangeSet } from './changes.ts';
import { CommitLog } from './commit-log.ts';
import type { MaintainerOptions } from './dataflow-maintainer.ts';
import type { DdlRecord, DurableLog } from './durable-log.ts';
import { appendOnlyRelation, applyEventTime, type LateCounts, relationWatermark } from './event-time.ts';
import { Hydration, hydrationChunkRowsDefault } from './hydration.ts';
import type { MemoryBudget } from './memory-budget.ts';
import { type RelationStore, RowStore } from './row-store.ts';
import { MemorySinkProgress, type SinkProgress } from './sinks/sink-progress.ts';
import { SpillingViewStore } from './spilling-view-store.ts';
import { StepHistory } from './step-history.ts';
import type { ViewState, ViewStateDelta, ViewStateSlicer } from './view-state.ts';

/** Keeps one materialized view's contents up to date from its inputs' changes. */
export interface ViewMaintainer {
  /** Feeds one step's changes (by relation id); returns the view's changes for that step. */
  step(inputs: ReadonlyMap<number, Batch>): Batch;
  /** A live row error (errors as data): reads of the view raise it while it lasts. */
  firstError(): EddyError | undefined;
  /** When the view's temporal filters next move a row (µs of the step clock), or null. */
  nextDue?(): number | null;
  /** How many of the view's rows are in error now (errors as data: their weights summed). */
  errorRows?(): number;
  /** The state its operators keep (for metrics). */
  stateSizes?(): readonly OperatorStateSize[];
  /**
   * Checkpoints (runtime/view-state.ts, dataflow/state.ts): the whole state, then from the
   * second save on the changes since the previous one; call between steps.
   */
  saveState?(): ViewState;
  saveStateDelta?(): ViewStateDelta;
  /** A full save in slices between steps, so a big view's first checkpoint does not stall steps. */
  beginSaveState?(): ViewStateSlicer;
  /**
   * Loads an image into a maintainer freshly created for the same view and plan, before any step.
   * Returns the view's rows when the image holds its contents and the maintainer keeps none
   * (a checkpoint written under a memory budget, read without one: ADR 0006).
   */
  restoreState?(state: ViewState): Batch | null;
}

/** Scripts kept parsed, and the longest text cached. */
const parsedScriptsMax = 8192;
const parsedTextMax = 2 * 1024;

export type MaintainerFactory = (
  plan: LogicalPlan,
  viewId: number,
  appendOnly: (relationId: number) => boolean,
  options?: MaintainerOptions,
) => ViewMaintainer;

/**
 * A materialized view as a checkpoint keeps it: its maintainer's state and its stored contents
 * at the same step boundary (docs/adr/0004-operator-state-images.md).
 */
export interface ViewImage {
  readonly state: ViewState;
  readonly contents: Batch;
}

export interface StepChanges {
  readonly step: number;
  /** Changes of every relation (tables and views) in this step. */
  readonly changes: ChangeSet;
  /** Time commitStep spent maintaining the views, in milliseconds (for metrics). */
  readonly durationMs: number;
  /** The views whose maintenance in this step took longer than `viewStepBudgetMs`. */
  readonly overBudget: readonly { readonly viewId: number; readonly ms: number }[];
  /** Rows diverted as late in this step (runtime/event-time), by the relation written to. */
  readonly late: LateCounts;
}

export type StepListener = (step: StepChanges) => void;

interface MaintainedView {
  readonly id: number;
  readonly maintainer: ViewMaintainer;
}

export class Database {
  readonly catalog = new Catalog();
  /**
   * A view whose maintenance in one step takes longer than this is reported: counted in
   * pg_catalog.eddy_view_steps and /metrics, logged by the server. The step still completes.
   */
  viewStepBudgetMs = 1000;
  private readonly stores = new Map<number, RelationStore>();
  /** Materialized views in creation order, which is a topological order of their dependencies. */
  private readonly maintained: MaintainedView[] = [];
  private readonly listeners = new Set<StepListener>();
  private stepNumber = 0;
  /** Rows diverted as late since the process started, by relation (for metrics). */
  readonly lateRows = new Map<number, number>();
  /** Partitions of a connector source idle past its idle timeout at its latest step (metrics). */
  readonly idlePartitions = new Map<number, number>();
  /** Views still hydrating in the background, by id. */
  private readonly hydrating = new Map<number, Hydration>();
  /** Snapshot rows fed per event-loop turn while hydrating; fewer rows in all hydrate at once. */
  hydrationChunkRows = hydrationChunkRowsDefault;
  /** Recent steps' changes of subscribed relations, for resuming subscribers. */
  readonly history = new StepHistory();
  /** Each sink's last delivered step (runtime/sinks); the data directory's when there is one. */
  sinkProgress: SinkProgress = new MemorySinkProgress();
  /** Relations that have had a subscriber: only their history is kept. */
  readonly watched = new Set<number>();
  /** Told when a relation gets its first subscriber (a durable database remembers it). */
  onFirstWatch: ((relationId: number) => void) | null = null;
  /** Steps committed since the oldest open transaction's snapshot (snapshot reads, COMMIT checks). */
  readonly commitLog = new CommitLog();
  /**
   * Faults injected on purpose, for tests only (no SQL, setting or option reaches them): with
   * `skipCommitValidation`, COMMIT applies a transaction without checking it against concurrent
   * commits, and the last committer wins (lost updates), so the history checker can be shown
   * to catch them.
   */
  readonly testFaults = { skipCommitValidation: false };
  /**
   * State larger than memory (ADR 0006): set before any view exists (a durable database's
   * `--memory-budget`), it makes views' operator state and contents spill, and is checked
   * after every step. Null: everything stays in memory, and nothing on the step path changes.
   */
  memoryBudget: MemoryBudget | null = null;
  /** The input log of a durable database (null: in memory). Set once recovery is done. */
  durableLog: DurableLog | null = null;
  /** The DDL of the transaction being committed: logged with its step (or alone). */
  private committingDdl: readonly DdlRecord[] = [];
  /**
   * The clock steps read (the system clock; a ManualClock in tests). Each step's reading is
   * logged with it; temporal filters move rows in and out by it, and a timer on it commits a
   * step with no input when a view's temporal filter is next due.
   */
  clock: Clock = systemClock;
  /** The latest step's clock reading (µs): views maintain temporal filters as of it. */
  private stepClock = 0;
  /** The armed timer: when it fires and how to cancel it. */
  private timer: { readonly at: number; readonly cancel: () => void } | null = null;
  private timersStopped = false;
  /** The last error of a step the timer tried to commit (it retries), for diagnosis. */
  timerFailure: unknown = null;
  private readonly createMaintainer: MaintainerFactory;
  /**
   * Checkpoint images of materialized views by view id, set by recovery before it re-creates the
   * views: `addMaterializedView` then loads the view's state and contents from its image instead
   * of hydrating it (the image must come from the same view id and plan, else it fails: XX001).
   */
  readonly viewImages = new Map<number, ViewImage>();
  /** Parsed scripts by their text (prepared statements and repeated queries skip the parser). */
  private readonly parsed = new Map<string, readonly EddyStatement[]>();

  constructor(createMaintainer: MaintainerFactory) {
    this.createMaintainer = createMaintainer;
  }

  /** Parses a script, reusing the result for text seen recently (the ASTs are never mutated). */
  parse(script: string): readonly EddyStatement[] {
    const cached = this.parsed.get(script);
    if (cached) {
      // Least recently used goes first: a hit moves the text to the end.
      this.parsed.delete(script);
      this.parsed.set(script, cached);
      return cached;
    }
    let statements: readonly EddyStatement[];
    try {
      statements = parseScript(checkUnicodeText(script));
    } catch (err) {
      throw asResourceLimitError(err);
    }
    if (script.length <= parsedTextMax) {
      if (this.parsed.size >= parsedScriptsMax) this.parsed.delete(this.parsed.keys().next().value!);
      this.parsed.set(script, statements);
    }
    return statements;
  }

  get currentStep(): number {
    return this.stepNumber;
  }

  store(relationId: number): RelationStore {
    const s = this.stores.get(relationId);
    if (!s) {
      const name = this.catalog.relationById(relationId).name;
      throw new FeatureNotSupportedError(`source "${name}" keeps no contents to read`, {
        hint: 'Read it through a materialized view, or create it as a table to keep its rows.',
      });
    }
    return s;
  }

  /** The store of a relation that keeps its contents (tables and materialized views; not sources). */
  hasStore(relationId: number): boolean {
    return this.stores.has(relationId);
  }

  addStore(relationId: number, arity: number, keyColumns: readonly number[] = []): RowStore {
    const store = new RowStore(arity, keyColumns);
    this.stores.set(relationId, store);
    return store;
  }

  /**
   * The contents of a table or materialized view as of now (a snapshot later steps never
   * change, taken without copying); a view with live row errors raises the first.
   */
  readRelation(relationId: number): RelationRows {
    if (isSystemRelationId(relationId)) return readSystemRelation(this.catalog, relationId);
    this.raiseViewError(relationId);
    return this.store(relationId).snapshot();
  }

  /**
   * The rows a relation's store holds, even while the view has live row errors (the rows that
   * failed are not among them): subscribers get these and are told of the error beside them.
   * A view still hydrating raises 55000 as for reads.
   */
  readStoredRows(relationId: number): Value[][] {
    this.viewError(relationId, new Set());
    return this.store(relationId).scan();
  }

  /** The live row error of a view (or of a view it reads), if any; 55000 while it hydrates. */
  liveError(relationId: number): EddyError | undefined {
    return this.viewError(relationId, new Set());
  }

  /**
   * How many rows of the view itself are in error now (0 for a view whose error comes from a view
   * it reads, and for relations that are not materialized views).
   */
  viewErrorRows(relationId: number): number {
    return this.maintained.find((m) => m.id === relationId)?.maintainer.errorRows?.() ?? 0;
  }

  /** Column sets a relation's store is indexed on (primary key, CREATE INDEX). */
  indexes(relationId: number): readonly (readonly number[])[] {
    return this.stores.get(relationId)?.indexColumns() ?? [];
  }

  lookup(relationId: number, columns: readonly number[], key: readonly Value[]): Value[][] {
    this.raiseViewError(relationId);
    return this.store(relationId).lookup(columns, key);
  }

  /** Raises a live row error of the view (or of one it reads) as a fresh error of the same SQLSTATE. */
  private raiseViewError(relationId: number): void {
    const error = this.viewError(relationId, new Set());
    if (error)
      throw new EddyError({
        code: error.code,
        message: error.message,
        detail: error.detail,
        hint: error.hint,
      });
  }

  /** A live row error of the view or of a materialized view it reads, if any. */
  private viewError(relationId: number, seen: Set<number>): EddyError | undefined {
    if (seen.has(relationId)) return undefined;
    seen.add(relationId);
    const hydration = this.hydrating.get(relationId);
    if (hydration) throw hydration.pending();
    const own = this.maintained.find((m) => m.id === relationId)?.maintainer.firstError();
    if (own) return own;
    const relation = this.catalog.relationById(relationId);
    if (relation.kind !== 'materializedView' && relation.kind !== 'view') return undefined;
    for (const dep of relation.dependsOn) {
      const e = this.viewError(dep, seen);
      if (e) return e;
    }
    return undefined;
  }

  /**
   * Starts maintaining a new materialized view: its maintainer is hydrated with the current
   * contents of everything it reads, as one step of insertions. (A source keeps no contents: a
   * view over it sees the source's rows from its creation on.)
   */
  addMaterializedView(
    viewId: number,
    plan: LogicalPlan,
    reads: ReadonlySet<number>,
    viewName = `#${viewId}`,
    /** EMIT ON WINDOW CLOSE (its watermark tables are among `reads`). */
    windowClose?: WindowClose,
  ): void {
    if ([...reads].some(isSystemRelationId))
      throw new FeatureNotSupportedError('materialized views over system catalogs are not supported', {
        hint: 'Query pg_catalog and information_schema directly, or through a plain view.',
      });
    for (const id of reads) {
      const upstream = this.hydrating.get(id);
      if (upstream) throw upstream.pending();
    }
    const spill = this.memoryBudget?.context(viewId) ?? null;
    let maintainer: ViewMaintainer;
    let contents: SpillingViewStore | null = null;
    try {
      if (spill !== null)
        contents = new SpillingViewStore(
          plan.schema.map((c) => c.type),
          spill,
        );
      maintainer = this.createMaintainer(plan, viewId, (id) => appendOnlyRelation(this.catalog, id), {
        spill,
        contents,
        windowClose,
        watermarkOf: (id) => relationWatermark(this.catalog, id),
        stepClock: () => this.stepClockMicros,
      });
    } catch (e) {
      this.memoryBudget?.dropView(viewId);
      throw e;
    }
    const store = contents ?? new RowStore(plan.schema.length);
    this.stores.set(viewId, store);
    const image = this.viewImages.get(viewId);
    if (image !== undefined && maintainer.restoreState !== undefined) {
      const rows = maintainer.restoreState(image.state);
      this.viewImages.delete(viewId);
      applyBatch(store, rows ?? image.contents);
      this.maintained.push({ id: viewId, maintainer });
      this.memoryBudget?.afterStep();
      this.armTimer();
      return;
    }
    const initial = new Map<number, Batch>();
    let rows = 0;
    for (const id of reads) {
      if (!this.stores.has(id)) continue;
      const snapshot = this.store(id).toBatch();
      initial.set(id, snapshot);
      rows += snapshot.length;
    }
    this.maintained.push({ id: viewId, maintainer });
    if (rows <= this.hydrationChunkRows) {
      applyBatch(store, maintainer.step(initial));
      this.memoryBudget?.afterStep();
      this.armTimer();
      return;
    }
    const hydration = new Hydration(viewName, initial, this.hydrationChunkRows);
    this.hydrating.set(viewId, hydration);
    this.catalog.hydrating.set(viewId, hydration);
    const work = (): void => {
      if (hydration.cancelled) return;
      const chunk = hydration.nextChunk() ?? hydration.buffered.shift();
      if (chunk) {
        applyBatch(store, maintainer.step(chunk));
        this.memoryBudget?.afterStep();
        setImmediate(work);
        return;
      }
      this.hydrating.delete(viewId);
      this.catalog.hydrating.delete(viewId);
      hydration.finish();
      this.armTimer();
    };
    setImmediate(work);
  }

  /** Per materialized view, the state its operators keep (operator class, entries, approximate bytes). */
  operatorState(): ({ readonly viewId: number } & OperatorStateSize)[] {
    const out: ({ viewId: number } & OperatorStateSize)[] = [];
    for (const m of this.maintained)
      for (const s of m.maintainer.stateSizes?.() ?? []) out.push({ viewId: m.id, ...s });
    return out;
  }

  /**
   * The materialized views whose state a checkpoint can take now, in dependency order: every
   * one not still hydrating (a hydrating view's state covers only part of its inputs; recovery
   * hydrates it again). Call between steps; `maintainer.saveState()` / `saveStateDelta()` and
   * `store(id)` give the view's state and contents at that step boundary.
   */
  checkpointableViews(): readonly { readonly id: number; readonly maintainer: ViewMaintainer }[] {
    return this.maintained.filter((m) => !this.hydrating.has(m.id) && m.maintainer.saveState !== undefined);
  }

  /** The hydration of a view still being computed in the background, if any. */
  hydrationOf(viewId: number): Hydration | undefined {
    return this.hydrating.get(viewId);
  }

  dropRelation(relationId: number): void {
    const hydration = this.hydrating.get(relationId);
    if (hydration) {
      hydration.cancelled = true;
      hydration.finish();
      this.hydrating.delete(relationId);
      this.catalog.hydrating.delete(relationId);
    }
    this.stores.delete(relationId);
    this.memoryBudget?.dropView(relationId);
    this.catalog.stepOverruns.delete(relationId);
    this.history.forget(relationId);
    this.watched.delete(relationId);
    const i = this.maintained.findIndex((m) => m.id === relationId);
    if (i >= 0) this.maintained.splice(i, 1);
    this.armTimer();
  }

  /**
   * Commits one step of table changes (already applied to the table stores by their writers):
   * runs every materialized view's maintainer in
   * dependency order (a view's changes feed the views that read it in the same step), updates
   * the view stores and notifies listeners. Returns the step's changes.
   */
  commitStep(tableChanges: ChangeSet, clockReading?: number): StepChanges {
    const late = applyEventTime(this, tableChanges);
    // The step's clock reading (a replayed step brings its logged one); never behind the last.
    const reading = Math.max(clockReading ?? this.clock.now(), this.stepClock);
    if (this.durableLog) this.logStep(tableChanges, reading);
    this.stepClock = reading;
    for (const [id, n] of late) this.lateRows.set(id, (this.lateRows.get(id) ?? 0) + n);
    for (const [id, p] of tableChanges.eventPartitions) this.idlePartitions.set(id, p.idle.size);
    // The step takes the change set over (the caller is done with it) and adds the views' changes.
    const all = tableChanges;
    const started = performance.now();
    const overBudget = this.maintainViews(all);
    this.stepNumber++;
    this.commitLog.record(this.stepNumber, all.byRelation);
    for (const { viewId, ms } of overBudget) {
      const count = (this.catalog.stepOverruns.get(viewId)?.count ?? 0) + 1;
      this.catalog.stepOverruns.set(viewId, { count, lastStep: this.stepNumber, lastMs: ms });
    }
    this.memoryBudget?.afterStep();
    const step = {
      step: this.stepNumber,
      changes: all,
      durationMs: performance.now() - started,
      overBudget,
      late,
    };
    this.history.record(step, this.watched);
    for (const listener of this.listeners) listener(step);
    this.armTimer();
    return step;
  }

  /** The latest step's clock reading (µs since the epoch). */
  get stepClockMicros(): number {
    return this.stepClock;
  }

  /** Recovery from a checkpoint: steps continue from its clock reading, never behind it. */
  restoreStepClock(micros: number): void {
    if (micros > this.stepClock) this.stepClock = micros;
  }

  /** When a materialized view's temporal filter next moves a row (µs), or null. */
  nextDue(): number | null {
    let next: number | null = null;
    for (const m of this.maintained) {
      if (this.hydrating.has(m.id)) continue;
      const due = m.maintainer.nextDue?.() ?? null;
      if (due !== null && (next === null || due < next)) next = due;
    }
    return next;
  }

  /**
   * Commits a step with no input when a temporal filter is due at the clock's reading (the
   * timer's work; callable directly). Returns the step, or null when nothing was due.
   */
  runDueStep(): StepChanges | null {
    const next = this.nextDue();
    if (next === null || next > Math.max(this.clock.now(), this.stepClock)) {
      this.armTimer();
      return null;
    }
    return this.commitStep(new ChangeSet());
  }

  /** Stops the temporal filters' timer for good (the database is closing). */
  stopTimers(): void {
    this.timersStopped = true;
    this.timer?.cancel();
    this.timer = null;
  }

  /** Arms the clock's timer for the next due temporal filter (or disarms it). */
  private armTimer(): void {
    if (this.timersStopped) return;
    const next = this.nextDue();
    if (this.timer !== null && this.timer.at === next) return;
    this.timer?.cancel();
    this.timer = null;
    if (next === null) return;
    const cancel = this.clock.schedule(next, () => {
      this.timer = null;
      if (this.timersStopped) return;
      try {
        this.runDueStep();
      } catch (e) {
        // The log refused the step (53100 disk full): nothing changed; try again in a second.
        this.timerFailure = e;
        const retry = Math.max(this.clock.now(), this.stepClock) + 1_000_000;
        this.timer = { at: retry, cancel: this.clock.schedule(retry, () => this.retryTimer()) };
      }
    });
    this.timer = { at: next, cancel };
  }

  private retryTimer(): void {
    this.timer = null;
    this.armTimer();
  }

  /**
   * Appends the step to the input log before any view sees it. If the log refuses it, the
   * writers' changes already applied to the table stores are taken back out, and the error
   * (53100 disk full) fails the statement or COMMIT with nothing changed.
   */
  private logStep(tableChanges: ChangeSet, reading: number): void {
    try {
      this.durableLog!.appendStep(this.stepNumber + 1, reading, this.committingDdl, tableChanges);
      this.committingDdl = [];
    } catch (err) {
      for (const [id, batch] of tableChanges.byRelation) {
        const store = this.stores.get(id);
        if (!store) continue;
        for (let i = 0; i < batch.length; i++) store.apply(batch.values, i * batch.arity, -batch.weights[i]!);
      }
      throw err;
    }
  }

  /** Runs every materialized view's maintainer over `all` in dependency order, adding their changes. */
  private maintainViews(all: ChangeSet): { viewId: number; ms: number }[] {
    const overBudget: { viewId: number; ms: number }[] = [];
    for (const m of this.maintained) {
      const hydration = this.hydrating.get(m.id);
      if (hydration) {
        // Fed after the snapshot, in order: what this view would have seen at this point of the step.
        hydration.buffered.push(new Map(all.byRelation));
        continue;
      }
      const viewStarted = performance.now();
      const out = m.maintainer.step(all.byRelation);
      const ms = performance.now() - viewStarted;
      if (ms > this.viewStepBudgetMs) overBudget.push({ viewId: m.id, ms });
      if (out.length === 0) continue;
      applyBatch(this.store(m.id), out);
      all.byRelation.set(m.id, out);
    }
    return overBudget;
  }

  /**
   * Null when every committed step and catalog change is durable (always, in memory); else a
   * promise that settles when they are. Replies and acknowledgements wait for it.
   */
  whenDurable(): Promise<void> | null {
    const durable = this.durableLog?.whenDurable() ?? null;
    // Over a memory budget with state pinned until a checkpoint, acknowledgements also wait for it.
    const relief = this.memoryBudget?.pressureRelief() ?? null;
    if (relief === null) return durable;
    return durable === null ? relief : Promise.all([durable, relief]).then(() => undefined);
  }

  /**
   * Commits a transaction: `ddl` (the catalog changes it publishes) is logged with the step
   * `writeStep` commits, or alone when it commits none. Throws, having logged nothing, when the
   * log refuses the write (53100 disk full).
   */
  commitTransaction(ddl: readonly DdlRecord[], writeStep: () => void): void {
    this.committingDdl = ddl;
    try {
      writeStep();
      if (this.committingDdl.length > 0) this.durableLog?.appendDdl(this.committingDdl);
    } finally {
      this.committingDdl = [];
    }
  }

  /** Recovery: the state restored from a checkpoint is that of `step`; numbering continues after it. */
  /** Keeps the history of `relationId` from now on (it has a subscriber). */
  watch(relationId: number): void {
    if (this.watched.has(relationId)) return;
    this.watched.add(relationId);
    this.onFirstWatch?.(relationId);
  }

  restoreStepNumber(step: number): void {
    this.stepNumber = step;
  }

  onStep(listener: StepListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

function applyBatch(store: RelationStore, batch: Batch): void {
  const arity = batch.arity;
  for (let i = 0; i < batch.length; i++) store.apply(batch.values, i * arity, batch.weights[i]!);
}
