/**
 * @module bench/serve/serve-result
 * What one serve run measures, as bench/results/serve-latest.json keeps it: one phase per system ×
 * pgbench query mode, each with pgbench's throughput and latencies and the writer's achieved rate.
 */

import type { MachineInfo } from '../engine/engine-report.ts';
import type { BesideResult } from './heavy-beside.ts';

/** The floor: Eddy serves at least half of PostgreSQL's queries per second. */
export const QPS_FLOOR = 0.5;

export const SERVE_SYSTEMS = ['eddy', 'postgres'] as const;
export type ServeSystem = (typeof SERVE_SYSTEMS)[number];
export const QUERY_MODES = ['prepared', 'simple', 'extended'] as const;
export type QueryMode = (typeof QUERY_MODES)[number];

export function isServeSystem(s: string): s is ServeSystem {
  return (SERVE_SYSTEMS as readonly string[]).includes(s);
}

export function isQueryMode(s: string): s is QueryMode {
  return (QUERY_MODES as readonly string[]).includes(s);
}

export interface ServeSettings {
  readonly durationSec: number;
  readonly warmupSec: number;
  readonly clients: number;
  readonly threads: number;
  readonly modes: readonly QueryMode[];
  readonly systems: readonly ServeSystem[];
  readonly writerRowsPerSec: number;
  readonly writerBatchRows: number;
  readonly preloadRows: number;
  readonly users: number;
  readonly seed: number;
  /** Only the heavy-query measurement (no writer, no pgbench). */
  readonly besideOnly?: boolean;
}

export interface LatencySummary {
  readonly meanMs: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  readonly maxMs: number;
}

export interface PhaseResult {
  readonly system: ServeSystem;
  readonly mode: QueryMode;
  readonly status: 'ok' | 'error';
  readonly error?: string;
  /** pgbench's tps without connection time; one transaction is one SELECT, so this is queries/s. */
  readonly qps: number | null;
  readonly transactions: number | null;
  readonly failedTransactions: number | null;
  /** From pgbench's per-transaction log (--log), every transaction of the phase. */
  readonly latency: LatencySummary | null;
  readonly writerRowsPerSec: number | null;
  /** CPU seconds the server's processes used during the phase (PostgreSQL: postmaster and its backends). */
  readonly serverCpuSec: number | null;
  /** CPU seconds of the suite, its pgbench and its writer during the phase. */
  readonly clientCpuSec: number | null;
  /** The machine's busy CPU seconds less the server's and the clients': other work that competed. */
  readonly otherCpuSec: number | null;
  readonly seconds: number | null;
}

/** A system's whole run: the writer over every phase, then whether the view caught every row. */
export interface SystemSummary {
  readonly system: ServeSystem;
  /** A heavy ad-hoc query beside a second session's SELECT 1, and its cancel (heavy-beside). */
  readonly beside?: BesideResult | null;
  /** Set when the system could not be set up or its writer failed. */
  readonly error?: string;
  readonly writer: {
    readonly rows: number;
    readonly seconds: number;
    readonly rowsPerSec: number;
    /** Latency of one multi-row INSERT, as the writer saw it. */
    readonly insertP50Ms: number;
    readonly insertP99Ms: number;
    readonly insertMaxMs: number;
  } | null;
  /** After the writer stopped: rows in `events`, and `sum(n)` and `count(*)` over `per_user`. */
  readonly check: {
    readonly expectedEvents: number;
    readonly events: number;
    readonly viewCount: number;
    readonly viewGroups: number;
    readonly ok: boolean;
  } | null;
}

export interface ServeRun {
  readonly suite: 'serve';
  readonly command: string;
  readonly runAt: string;
  readonly machine: MachineInfo;
  readonly loadAvgBefore: string;
  readonly loadAvgAfter: string;
  readonly postgresVersion: string;
  readonly postgresSettings: string;
  readonly settings: ServeSettings;
  readonly phases: readonly PhaseResult[];
  readonly systems: readonly SystemSummary[];
  /** Eddy's QPS over PostgreSQL's, per mode measured on both. */
  readonly ratios: readonly { readonly mode: QueryMode; readonly qpsRatio: number }[];
  /** The floor: Eddy at least 50 % of PostgreSQL's QPS in every mode. */
  readonly floorMet: boolean | null;
}
