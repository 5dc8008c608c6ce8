/**
 * @module bench/engine/engine-result
 * One measured case, as the child process reports it and bench/results/engine-latest.json keeps it.
 * Every time and rate counts the system's work only (pushing batches, then flushing), never input generation.
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
  /** Wall-clock seconds spent in the system: every push, then the flush. Null unless ok. */
  readonly seconds: number | null;
  /** User + system CPU seconds of the whole process (GC threads included) over the same pushes and flush. */
  readonly cpuSeconds: number | null;
  /** Wall-clock seconds spent generating the input, between pushes: reported, never counted above. */
  readonly generateSeconds: number | null;
  readonly eventsPerSec: number | null;
  readonly eventsPerCpuSec: number | null;
  /** Events per wall second over the batches that cover the first 10% of the events. */
  readonly firstDecileEventsPerSec: number | null;
  /** Events per wall second over the batches that cover the last 10% of the events (and the flush). */
  readonly lastDecileEventsPerSec: number | null;
  /** Peak resident set of the child: the system's state plus the batch in flight (input is lazy). */
  readonly peakRssBytes: number | null;
  /** Resident set once the system is set up, after a GC, before the first batch: the baseline. */
  readonly baseRssBytes: number | null;
  /**
   * Live V8 heap plus external memory after a full GC once everything is pushed, less the same at
   * the baseline: the state the system keeps, without the garbage collector's slack that RSS includes.
   */
  readonly retainedHeapBytes: number | null;
  /** Rows in the query result at the end: both systems should agree. */
  readonly outputRows: number | null;
  /** The result's `ResultDigest` value, read after the measurements: the systems must agree on it. */
  readonly resultDigest: string | null;
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
    generateSeconds: null,
    eventsPerSec: null,
    eventsPerCpuSec: null,
    firstDecileEventsPerSec: null,
    lastDecileEventsPerSec: null,
    peakRssBytes: null,
    baseRssBytes: null,
    retainedHeapBytes: null,
    outputRows: null,
    resultDigest: null,
    error,
  };
}
