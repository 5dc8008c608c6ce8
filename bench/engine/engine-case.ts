/**
 * @module bench/engine/engine-case
 * What every system under test implements for one query: take batches (one step each), then
 * report what its view holds. Only `push` and `flush` are timed.
 */
import type { Row } from '../../src/common/value.ts';
import type { InputBatch } from './engine-input.ts';

export interface EngineCase {
  /** Applies one batch as one step (a d2ts version, an Eddy step). */
  push(batch: InputBatch): void | Promise<void>;
  /** Returns once every pushed batch is fully reflected in the output. */
  flush(): Promise<void>;
  /** Rows in the query's current result (the sum of output weights). */
  outputRows(): Promise<number>;
  /** The current result, rows in any order; only cases opened with `capture` can answer. */
  result(): Promise<Row[]>;
  /** The current result's `ResultDigest` value: every run compares it across systems. */
  digest(): Promise<string>;
  /**
   * Wall nanoseconds spent since the last call on work done only to verify the result (a sink
   * that keeps the digest up to date), which the timing must not count.
   */
  takeVerificationNs(): bigint;
  close(): Promise<void>;
}

export type OpenedCase =
  | { readonly ok: true; readonly engineCase: EngineCase }
  | { readonly ok: false; readonly reason: string };

export interface CaseOptions {
  /** Keep the full result for `result()` (verification); otherwise the sink only counts. */
  readonly capture: boolean;
}
