/**
 * @module server/http/metrics
 * The server's Prometheus metrics: steps and their latency, rows in (writes to tables and
 * sources) and out (changes of views) per relation since the server started, stored rows per
 * relation, HTTP requests, subscriptions and errors by SQLSTATE. Counting happens in a step
 * listener and in the request path; `render` writes the text exposition format (0.0.4).
 */
import type { RelationEntry } from '../../catalog/catalog.ts';
import type { Database, StepChanges } from '../../runtime/database.ts';
import type { DurabilityStats } from '../../storage/durability.ts';
import type { HandshakeCounts } from '../handshake-bound.ts';

/** Step latency histogram bounds, in seconds. */
const stepBucketsSeconds = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
] as const;

export interface SubscriptionGauges {
  readonly sse: number;
  readonly websocket: number;
  /** Bytes written to subscribers and not yet taken by their sockets. */
  readonly bufferedBytes: number;
}

export class HttpMetrics {
  private readonly db: Database;
  private readonly rowsIn = new Map<number, number>();
  private readonly rowsOut = new Map<number, number>();
  private readonly stepBuckets = new Array<number>(stepBucketsSeconds.length).fill(0);
  private stepCount = 0;
  private stepSeconds = 0;
  private readonly errors = new Map<string, number>();
  private readonly requests = new Map<string, number>();
  subscriptionsDropped = 0;
  readonly detach: () => void;

  constructor(db: Database) {
    this.db = db;
    this.detach = db.onStep((step) => this.onStep(step));
  }

  private onStep(step: StepChanges): void {
    const seconds = step.durationMs / 1000;
    this.stepCount++;
    this.stepSeconds += seconds;
    for (let i = 0; i < stepBucketsSeconds.length; i++)
      if (seconds <= stepBucketsSeconds[i]!) this.stepBuckets[i]!++;
    for (const [id, batch] of step.changes.byRelation) {
      const relation = relationOf(this.db, id);
      if (!relation) continue;
      let rows = 0;
      const weights = batch.weights;
      for (let i = 0; i < weights.length; i++) rows += Math.abs(weights[i]!);
      const into = relation.kind === 'table' || relation.kind === 'source' ? this.rowsIn : this.rowsOut;
      into.set(id, (into.get(id) ?? 0) + rows);
    }
  }

  /** Rows in and out since the server started, summed over relations (for the console). */
  rowTotals(): { rowsIn: number; rowsOut: number } {
    let rowsIn = 0;
    let rowsOut = 0;
    for (const n of this.rowsIn.values()) rowsIn += n;
    for (const n of this.rowsOut.values()) rowsOut += n;
    return { rowsIn, rowsOut };
  }

  /** Errors answered over HTTP since the server started, by SQLSTATE. */
  errorCounts(): Record<string, number> {
    return Object.fromEntries(this.errors);
  }

  countError(code: string): void {
    this.errors.set(code, (this.errors.get(code) ?? 0) + 1);
  }

  countRequest(route: string, status: number): void {
    const key = `${route} ${status}`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
  }

  render(
    subscriptions: SubscriptionGauges,
    sessions: Readonly<Record<string, number>> = {},
    handshakes: Readonly<Record<string, HandshakeCounts>> = {},
  ): string {
    const out: string[] = [];
    metric(
      out,
      'eddy_sessions',
      'gauge',
      'Open sessions by protocol (HTTP requests run in their own short sessions).',
      Object.entries(sessions).map(([protocol, n]) => [`{protocol="${escapeLabel(protocol)}"}`, n]),
    );
    const byProtocol = Object.entries(handshakes);
    metric(
      out,
      'eddy_handshakes_pending',
      'gauge',
      'Connections not authenticated yet, by protocol (bounded by --max-handshakes).',
      byProtocol.map(([protocol, c]) => [`{protocol="${escapeLabel(protocol)}"}`, c.pending]),
    );
    metric(
      out,
      'eddy_handshakes_cut_total',
      'counter',
      'Unauthenticated connections cut: evicted past the bound, or past the handshake timeout.',
      byProtocol.flatMap(([protocol, c]): [string, number][] => [
        [`{protocol="${escapeLabel(protocol)}",reason="evicted"}`, c.evicted],
        [`{protocol="${escapeLabel(protocol)}",reason="timeout"}`, c.timedOut],
      ]),
    );
    metric(out, 'eddy_steps_total', 'counter', 'Steps committed by the database.', [
      ['', this.db.currentStep],
    ]);
    this.renderStepHistogram(out);
    const relationName = (id: number) => nameOf(this.db, id);
    metric(
      out,
      'eddy_rows_in_total',
      'counter',
      'Rows written to tables and sources (sum of |weight|) since the server started.',
      labelled(this.rowsIn, relationName, 'relation'),
    );
    metric(
      out,
      'eddy_rows_out_total',
      'counter',
      'Rows changed in materialized views (sum of |weight|) since the server started.',
      labelled(this.rowsOut, relationName, 'view'),
    );
    const stored: [string, number][] = [];
    for (const r of this.db.catalog.allRelations()) {
      if (!this.db.hasStore(r.id)) continue;
      stored.push([`{relation="${escapeLabel(r.name)}",kind="${r.kind}"}`, this.db.store(r.id).size]);
    }
    metric(out, 'eddy_relation_rows', 'gauge', 'Rows kept by each table and materialized view.', stored);
    const overruns = new Map([...this.db.catalog.stepOverruns].map(([id, o]) => [id, o.count]));
    metric(
      out,
      'eddy_view_steps_over_budget_total',
      'counter',
      'Steps whose maintenance of a materialized view took longer than the step budget (1 s).',
      labelled(overruns, relationName, 'view'),
    );
    metric(
      out,
      'eddy_late_rows_total',
      'counter',
      "Rows diverted into a relation's late-data table, being behind its watermark when they arrived.",
      labelled(this.db.lateRows, relationName, 'relation'),
    );
    const watermarks: [string, number][] = [];
    for (const r of this.db.catalog.allRelations()) {
      if ((r.kind !== 'source' && r.kind !== 'table') || r.watermark === undefined) continue;
      if (!this.db.hasStore(r.watermark.stateRelationId)) continue;
      for (const [partition, w] of this.db.store(r.watermark.stateRelationId).scan())
        if (Number.isFinite(w))
          watermarks.push([
            `{relation="${escapeLabel(r.name)}",partition="${escapeLabel(String(partition))}"}`,
            (w as number) / 1e6,
          ]);
    }
    metric(
      out,
      'eddy_watermark_seconds',
      'gauge',
      "Each partition's watermark (seconds since the epoch); the relation's is the least. A partition with no rows yet holds it at -infinity (not shown).",
      watermarks,
    );
    metric(
      out,
      'eddy_watermark_idle_partitions',
      'gauge',
      "A connector source's partitions idle past its watermark idle timeout at its latest step (they do not hold the watermark back).",
      labelled(this.db.idlePartitions, relationName, 'relation'),
    );
    const state = new Map<string, number>();
    const stateBytes = new Map<string, number>();
    const viewBytes = new Map<string, number>();
    for (const s of this.db.operatorState()) {
      const view = `view="${escapeLabel(nameOf(this.db, s.viewId) ?? `#${s.viewId}`)}"`;
      const key = `{${view},operator="${escapeLabel(s.operator)}"}`;
      state.set(key, (state.get(key) ?? 0) + s.entries);
      stateBytes.set(key, (stateBytes.get(key) ?? 0) + s.bytes);
      viewBytes.set(`{${view}}`, (viewBytes.get(`{${view}}`) ?? 0) + s.bytes);
    }
    metric(
      out,
      'eddy_operator_state_entries',
      'gauge',
      'State kept by the operators of each materialized view: keys of indexes, groups, partitions, distinct rows.',
      [...state],
    );
    metric(
      out,
      'eddy_operator_state_bytes',
      'gauge',
      "Approximate bytes of the operators' state, by a sampled walk priced with a model of V8's heap (docs/console.md).",
      [...stateBytes],
    );
    metric(
      out,
      'eddy_view_state_bytes',
      'gauge',
      "Approximate bytes of each materialized view's operator state (the sum of eddy_operator_state_bytes).",
      [...viewBytes],
    );
    metric(out, 'eddy_http_subscriptions', 'gauge', 'Open HTTP subscriptions.', [
      ['{transport="sse"}', subscriptions.sse],
      ['{transport="websocket"}', subscriptions.websocket],
    ]);
    metric(
      out,
      'eddy_http_subscriber_buffered_bytes',
      'gauge',
      'Bytes written to HTTP subscribers and not yet taken by their sockets.',
      [['', subscriptions.bufferedBytes]],
    );
    metric(
      out,
      'eddy_http_subscriptions_dropped_total',
      'counter',
      'Subscribers disconnected by the server (too slow to read, or their relation dropped).',
      [['', this.subscriptionsDropped]],
    );
    const requests: [string, number][] = [];
    for (const [key, n] of this.requests) {
      const [route, status] = key.split(' ');
      requests.push([`{route="${route}",status="${status}"}`, n]);
    }
    metric(out, 'eddy_http_requests_total', 'counter', 'HTTP requests by route and status.', requests);
    const errors: [string, number][] = [];
    for (const [code, n] of this.errors) errors.push([`{code="${code}"}`, n]);
    metric(out, 'eddy_errors_total', 'counter', 'Errors answered over HTTP, by SQLSTATE.', errors);
    return out.join('');
  }

  private renderStepHistogram(out: string[]): void {
    const name = 'eddy_step_duration_seconds';
    out.push(`# HELP ${name} Time to commit a step (view maintenance), since the server started.\n`);
    out.push(`# TYPE ${name} histogram\n`);
    for (let i = 0; i < stepBucketsSeconds.length; i++) {
      out.push(`${name}_bucket{le="${stepBucketsSeconds[i]}"} ${this.stepBuckets[i]}\n`);
    }
    out.push(`${name}_bucket{le="+Inf"} ${this.stepCount}\n`);
    out.push(`${name}_sum ${this.stepSeconds}\n${name}_count ${this.stepCount}\n`);
  }
}

function relationOf(db: Database, id: number): RelationEntry | undefined {
  try {
    return db.catalog.relationById(id);
  } catch {
    return undefined; // dropped since
  }
}

function nameOf(db: Database, id: number): string | undefined {
  return relationOf(db, id)?.name;
}

function labelled(
  counts: ReadonlyMap<number, number>,
  name: (id: number) => string | undefined,
  label: string,
): [string, number][] {
  const out: [string, number][] = [];
  for (const [id, n] of counts) {
    const relation = name(id);
    if (relation !== undefined) out.push([`{${label}="${escapeLabel(relation)}"}`, n]);
  }
  return out;
}

/** The durable store's figures: recovery at start, checkpoints, group commit. Empty in memory. */
export function durabilityMetrics(stats: DurabilityStats | null): string {
  if (stats === null) return '';
  const out: string[] = [];
  metric(out, 'eddy_recovery_seconds', 'gauge', 'Time the last start took to recover the data directory.', [
    ['', stats.recoveryMs / 1000],
  ]);
  const phases = stats.recoveryPhaseMs;
  metric(
    out,
    'eddy_recovery_phase_seconds',
    'gauge',
    'The last recovery by phase: reading and decoding the checkpoint, restoring operator state, replaying the log.',
    [
      ['{phase="read"}', phases.read / 1000],
      ['{phase="restore"}', phases.restore / 1000],
      ['{phase="replay"}', phases.replay / 1000],
    ],
  );
  metric(out, 'eddy_recovery_log_records', 'gauge', 'Input log records replayed by the last recovery.', [
    ['', stats.replayedRecords],
  ]);
  metric(
    out,
    'eddy_recovery_views_restored',
    'gauge',
    'Materialized views the last recovery loaded from checkpointed state instead of recomputing.',
    [['', stats.viewsRestored]],
  );
  metric(out, 'eddy_checkpoints_total', 'counter', 'Checkpoints written since start.', [
    ['', stats.checkpoints],
  ]);
  metric(out, 'eddy_checkpoint_last_seconds', 'gauge', 'Time the last checkpoint took.', [
    ['', stats.lastCheckpointMs / 1000],
  ]);
  metric(
    out,
    'eddy_checkpoint_last_pause_seconds',
    'gauge',
    "The last checkpoint's pause of steps (tables copied and views closed at its step boundary).",
    [['', stats.lastCheckpointPauseMs / 1000]],
  );
  metric(out, 'eddy_log_records_total', 'counter', 'Input log records appended since start.', [
    ['', stats.logRecords],
  ]);
  metric(
    out,
    'eddy_log_syncs_total',
    'counter',
    'Input log syncs since start (group commit: fewer than records).',
    [['', stats.syncs]],
  );
  metric(
    out,
    'eddy_log_sync_seconds_total',
    'counter',
    "Time the input log's syncs took, from start to releasing their commits.",
    [['', stats.syncMs / 1000]],
  );
  metric(
    out,
    'eddy_log_records_per_sync',
    'gauge',
    'Input log records (one per commit) made durable per sync since start: how many commits shared a sync.',
    [['', stats.syncs === 0 ? 0 : stats.syncedRecords / stats.syncs]],
  );
  metric(
    out,
    'eddy_log_sync_block_seconds_total',
    'counter',
    'Time the event loop was blocked in the input log sync (--log-sync turn; 0 with the thread pool).',
    [['', stats.syncBlockMs / 1000]],
  );
  metric(
    out,
    'eddy_log_sync_block_max_seconds',
    'gauge',
    'The longest single block of the event loop by an input log sync since start (--log-sync turn).',
    [['', stats.syncBlockMaxMs / 1000]],
  );
  metric(
    out,
    'eddy_checkpoints_incremental_total',
    'counter',
    'Checkpoints since start that held only the changes since the previous one.',
    [['', stats.incrementalCheckpoints]],
  );
  metric(out, 'eddy_checkpoint_last_bytes', 'gauge', "The last checkpoint's payload size.", [
    ['', stats.lastCheckpointBytes],
  ]);
  if (stats.memory !== null) memoryBudgetMetrics(out, stats);
  return out.join('');
}

/** Under --memory-budget (ADR 0006): the budget against RssAnon, and the spilling caches. */
function memoryBudgetMetrics(out: string[], stats: DurabilityStats): void {
  const m = stats.memory!;
  metric(
    out,
    'eddy_memory_budget_bytes',
    'gauge',
    'The --memory-budget: anonymous resident memory to stay under.',
    [['', m.budgetBytes]],
  );
  metric(
    out,
    'eddy_memory_rss_anon_bytes',
    'gauge',
    'RssAnon (anonymous resident memory) after the last step.',
    [['', m.rssAnonBytes]],
  );
  metric(
    out,
    'eddy_memory_rss_anon_peak_bytes',
    'gauge',
    'The highest RssAnon seen after a step since start.',
    [['', m.rssAnonPeakBytes]],
  );
  metric(
    out,
    'eddy_memory_budget_exceeded_total',
    'counter',
    'Steps after which RssAnon was over the budget (state stayed correct; steps went on).',
    [['', m.overBudgetChecks]],
  );
  metric(
    out,
    'eddy_memory_throttled_writes_total',
    'counter',
    'Times acknowledgements waited for a checkpoint to free state pinned over the budget.',
    [['', m.throttledWrites]],
  );
  metric(out, 'eddy_state_resident_entries', 'gauge', 'Operator and view state entries held in memory.', [
    ['', m.residentEntries],
  ]);
  metric(out, 'eddy_state_spilled_entries', 'gauge', 'State entries held only in the data directory.', [
    ['', m.spilledEntries],
  ]);
  metric(
    out,
    'eddy_state_spilled_bytes',
    'gauge',
    'Bytes the spilled state occupies in the data directory.',
    [['', m.spilledBytes]],
  );
  metric(out, 'eddy_state_cache_hits_total', 'counter', 'Lookups of state found in memory.', [
    ['', m.cacheHits],
  ]);
  metric(
    out,
    'eddy_state_cache_misses_total',
    'counter',
    'Lookups of state read back from the data directory.',
    [['', m.cacheMisses]],
  );
  metric(out, 'eddy_state_evictions_total', 'counter', 'State entries written out to the data directory.', [
    ['', m.evictions],
  ]);
  metric(
    out,
    'eddy_state_spill_failures_total',
    'counter',
    'Spills that failed (e.g. disk full); the state stayed in memory.',
    [['', m.spillFailures]],
  );
  metric(
    out,
    'eddy_pressure_checkpoints_total',
    'counter',
    'Checkpoints taken early to free state pinned by changes.',
    [['', stats.pressureCheckpoints]],
  );
}

export function metric(
  out: string[],
  name: string,
  type: 'counter' | 'gauge',
  help: string,
  samples: readonly (readonly [string, number])[],
): void {
  out.push(`# HELP ${name} ${help}\n# TYPE ${name} ${type}\n`);
  for (const [labels, value] of samples) out.push(`${name}${labels} ${value}\n`);
}

/** Prometheus label values escape backslash, double quote and newline. */
export function escapeLabel(s: string): string {
  return s.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
}
