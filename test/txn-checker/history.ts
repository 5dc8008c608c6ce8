/**
 * @module test/txn-checker/history
 * The history a list-append workload leaves: per transaction, its session, its micro-operations
 * (read a key's list, append a unique value to a key's list) with what each read returned, and
 * how it ended. The analysis (analyze.ts) takes nothing else.
 */

/** Reads observe a key's whole list; appends add one value, unique per key across the history. */
export type MicroOp =
  | { readonly f: 'read'; readonly key: number; value: number[] | null }
  | { readonly f: 'append'; readonly key: number; readonly value: number };

/** ok: COMMIT succeeded; fail: rolled back for sure (an error, ROLLBACK); info: unknown. */
export type Outcome = 'ok' | 'fail' | 'info';

export interface TxnRecord {
  readonly index: number;
  readonly session: number;
  readonly ops: MicroOp[];
  outcome: Outcome;
  /** The error that ended it, if any (SQLSTATE and message). */
  error?: string;
}

export interface History {
  readonly txns: TxnRecord[];
  /**
   * Every key's list read once all sessions stopped: every committed append must be in it
   * (a missing one is a lost write). Absent when the run could not take it.
   */
  readonly finalState?: ReadonlyMap<number, readonly number[]>;
}
