/**
 * @module server/http/console-api
 * The JSON the console's pages read besides SQL and subscriptions (docs/openapi.yaml):
 * `GET /catalog` (every object with its columns, SQL, dependencies, indexes, row count,
 * hydration and live error), `GET /stats` (counters the overview turns into rates, step latency
 * percentiles over a recent window) and `GET /dataflow/{view}` (the view's operators with their
 * counters and state). Catalog objects are listed by kind, so a new kind of object (sources,
 * sinks, checkpoints) is one more entry in the same list, not a new endpoint.
 */
import type { RelationEntry } from '../../catalog/catalog.ts';
import { EddyError, SqlState } from '../../common/errors.ts';
import { typeName } from '../../common/types.ts';
import { cachedStateBytes } from '../../dataflow/state-bytes.ts';
import type { Database } from '../../runtime/database.ts';
import { HttpError } from './http-errors.ts';
import type { HttpMetrics, SubscriptionGauges } from './metrics.ts';
import type { OperatorProfiles } from './operator-profile.ts';
import { requireRelation } from './relation-name.ts';

/** Steps whose latency the percentiles are taken over: those of the last `latencyWindowMs`. */
const latencyWindowMs = 10_000;
/** Latency samples kept at most (a server stepping faster keeps the newest). */
const latencySamplesMax = 4096;

export interface ConsoleApiSources {
  readonly db: Database;
  readonly metrics: HttpMetrics;
  readonly profiles: OperatorProfiles | undefined;
  readonly subscriptions: () => SubscriptionGauges;
  readonly sessions: () => Readonly<Record<string, number>>;
}

export class ConsoleApi {
  private readonly sources: ConsoleApiSources;
  /** Recent steps as [finished at (ms since epoch), duration (ms)], oldest first. */
  private readonly recentSteps: [number, number][] = [];
  private readonly startedAt = Date.now();
  readonly detach: () => void;

  constructor(sources: ConsoleApiSources) {
    this.sources = sources;
    this.detach = sources.db.onStep((step) => {
      if (this.recentSteps.length >= latencySamplesMax) this.recentSteps.shift();
      this.recentSteps.push([Date.now(), step.durationMs]);
    });
  }

  /** `GET /catalog`: `{"step":n,"objects":[…]}`, user objects in creation order. */
  catalog(): string {
    const db = this.sources.db;
    const objects = db.catalog
      .allRelations()
      .sort((a, b) => a.id - b.id)
      .map((r) => this.describe(r));
    return JSON.stringify({ step: db.currentStep, objects });
  }

  private describe(r: RelationEntry): Record<string, unknown> {
    const db = this.sources.db;
    const hydration = db.catalog.hydrating.get(r.id);
    return {
      name: r.name,
      kind: r.kind,
      columns: r.schema.map((c) => ({ name: c.name, type: typeName(c.type) })),
      sql: r.sql,
      dependsOn:
        r.kind === 'view' || r.kind === 'materializedView'
          ? r.dependsOn.map((id) => relationNameOrNull(db, id))
          : [],
      dependents: db.catalog.dependents(r.id).map((d) => d.name),
      primaryKey: r.kind === 'table' || r.kind === 'source' ? r.primaryKey.map((i) => r.schema[i]!.name) : [],
      indexes: db.catalog
        .allIndexes()
        .filter((i) => i.relationId === r.id)
        .map((i) => ({ name: i.name, columns: i.columns.map((c) => r.schema[c]!.name) })),
      rows: db.hasStore(r.id) ? db.store(r.id).size : null,
      hydration: hydration ? { done: hydration.done, total: hydration.total } : null,
      error: hydration ? null : liveErrorJson(db, r),
    };
  }

  /** `GET /stats`: counters since the server started and the recent step latency. */
  stats(): string {
    const { db, metrics } = this.sources;
    const now = Date.now();
    const recent: number[] = [];
    for (const [at, ms] of this.recentSteps) if (at >= now - latencyWindowMs) recent.push(ms);
    recent.sort((a, b) => a - b);
    const memory = process.memoryUsage();
    const viewErrors: Record<string, unknown>[] = [];
    for (const r of db.catalog.allRelations()) {
      if (r.kind !== 'materializedView' || db.catalog.hydrating.has(r.id)) continue;
      const error = liveErrorJson(db, r);
      if (error) viewErrors.push({ view: r.name, rows: db.viewErrorRows(r.id), ...error });
    }
    return JSON.stringify({
      now,
      uptimeMs: now - this.startedAt,
      step: db.currentStep,
      ...metrics.rowTotals(),
      latency: {
        windowMs: latencyWindowMs,
        steps: recent.length,
        p50Ms: percentile(recent, 0.5),
        p99Ms: percentile(recent, 0.99),
      },
      memory: { rssBytes: memory.rss, heapUsedBytes: memory.heapUsed, stateBytes: operatorStateBytes(db) },
      sessions: this.sources.sessions(),
      subscriptions: this.sources.subscriptions(),
      errors: metrics.errorCounts(),
      viewErrors,
    });
  }

  /** `GET /dataflow/{view}`: the view's operator graph with cumulative counters. */
  dataflow(segment: string): string {
    const { db, profiles } = this.sources;
    const view = requireRelation(db, segment);
    if (view.kind !== 'materializedView') {
      throw new HttpError(400, SqlState.wrongObjectType, `"${view.name}" is not a materialized view`, {
        hint: 'Only materialized views run a dataflow; a plain view is computed when read.',
      });
    }
    if (!profiles) {
      throw new HttpError(404, SqlState.undefinedObject, 'this server keeps no operator profiles', {
        hint: 'Operator profiles are kept by `eddy serve`.',
      });
    }
    profiles.prune((id) => db.catalog.hasRelationId(id, null));
    const hydration = db.catalog.hydrating.get(view.id);
    const nodes = (profiles.nodesOf(view.id) ?? []).map((n) => ({
      id: n.id,
      operator: n.operator,
      relation: n.relationId >= 0 ? relationNameOrNull(db, n.relationId) : null,
      inputs: n.inputs,
      rowsIn: n.rowsIn,
      rowsOut: n.rowsOut,
      runs: n.runs,
      busyMs: n.busyMs,
      stateEntries: n.op?.stateSize?.() ?? null,
      stateBytes: n.op ? cachedStateBytes(n.op, n.runs) : null,
    }));
    return JSON.stringify({
      view: view.name,
      step: db.currentStep,
      now: Date.now(),
      hydration: hydration ? { done: hydration.done, total: hydration.total } : null,
      nodes,
    });
  }
}

/** The approximate bytes of every materialized view's operator state (runtime `operatorState`). */
function operatorStateBytes(db: Database): number {
  let total = 0;
  for (const s of db.operatorState()) total += s.bytes;
  return total;
}

function relationNameOrNull(db: Database, id: number): string | null {
  return db.catalog.hasRelationId(id, null) ? db.catalog.relationById(id).name : null;
}

/** A view's live row error (errors as data) as `{code, message, detail}`, else null. */
function liveErrorJson(db: Database, r: RelationEntry): Record<string, unknown> | null {
  if (r.kind !== 'materializedView') return null;
  let error: EddyError | undefined;
  try {
    error = db.liveError(r.id);
  } catch (e) {
    if (!(e instanceof EddyError)) throw e;
    error = e;
  }
  return error ? { code: error.code, message: error.message, detail: error.detail ?? null } : null;
}

/** The nearest-rank percentile of sorted samples (null without samples). */
function percentile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}
