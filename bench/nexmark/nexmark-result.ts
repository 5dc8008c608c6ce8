/**
 * @module bench/nexmark/nexmark-result
 * One measured Nexmark query, as its child process reports it and bench/results/nexmark-latest.json
 * keeps it: the engine benchmark's record shape (bench/engine/engine-result) with `suite: "nexmark"`.
 * Times and rates count the system's work only (the pushes), never event generation.
 */

export interface NexmarkCaseSpec {
  readonly query: string;
  readonly events: number;
  readonly batch: number;
  readonly seed: number;
}

export interface NexmarkResult {
  readonly suite: 'nexmark';
  readonly system: 'eddy';
  readonly query: string;
  readonly events: number;
  readonly batch: number;
  readonly status: 'ok' | 'error' | 'timeout';
  /** Wall-clock seconds of the pushes (each one step, view maintained). Null unless ok. */
  readonly seconds: number | null;
  /** User + system CPU seconds of the process over the run, less those spent generating events. */
  readonly cpuSeconds: number | null;
  readonly generateSeconds: number | null;
  readonly eventsPerSec: number | null;
  readonly eventsPerCpuSec: number | null;
  /** Peak resident set of the child process. */
  readonly peakRssBytes: number | null;
  /** Rows in the view at the end. */
  readonly outputRows: number | null;
  readonly error?: string;
}

export const RESULT_LINE_PREFIX = '@@nexmark-result ';
