/**
 * @module bench/engine/engine-result
 * One measured case, as the child process reports it and bench/results/engine-latest.json keeps it.
 */
import type { EngineQuery, EngineSystem } from './engine-queries.ts';

/** What the parent asks a child process to run. */
export interface CaseSpec {
  readonly query: EngineQuery;
  readonly system: EngineSystem;
  readonly events: number;
  readonly batch: number;
  readonly seed: number;
}

export type CaseStatus = 'ok' | 'unavailable' | 'error' | 'timeout';

export interface EngineResult {
  readonly suite: 'engine';
  readonly query: EngineQuery;
  readonly system: EngineSystem;
  readonly events: number;
  readonly batch: number;
  readonly status: CaseStatus;
  /** Wall-clock seconds of the timed loop (feeding every batch, then flushing). Null unless ok. */
  readonly seconds: number | null;
  /** User + system CPU seconds of the whole process (GC threads included) over the timed loop. */
  readonly cpuSeconds: number | null;
  readonly eventsPerSec: number | null;
  readonly eventsPerCpuSec: number | null;
  /** Peak resident set of the child, pre-generated input included (see inputRssBytes). */
  readonly peakRssBytes: number | null;
  /** Resident set once the system is set up and the input pre-generated (after a GC), before feeding. */
  readonly inputRssBytes: number | null;
  /** Rows in the query result at the end: both systems should agree. */
  readonly outputRows: number | null;
  readonly error?: string;
}

/** The child prints its result on one stdout line that starts with this. */
export const RESULT_LINE_PREFIX = '@@engine-result ';

export function failedResult(spec: CaseSpec, status: CaseStatus, error: string): EngineResult {
  return {
    suite: 'engine',
    query: spec.query,
    system: spec.system,
    events: spec.events,
    batch: spec.batch,
    status,
    seconds: null,
    cpuSeconds: null,
    eventsPerSec: null,
    eventsPerCpuSec: null,
    peakRssBytes: null,
    inputRssBytes: null,
    outputRows: null,
    error,
  };
}
