/**
 * @module runtime/pending-statement
 * A statement that did not finish in its first time slice (a long ad-hoc query evaluated in
 * slices): thrown instead of a result by the synchronous execution path, carrying the promise of
 * the result. Only callers that asked for slicing (`mayYield`) ever receive one; they await it.
 */
import type { StatementResult } from './result.ts';

export class PendingStatement extends Error {
  readonly result: Promise<StatementResult>;

  constructor(result: Promise<StatementResult>) {
    super('statement still running');
    this.name = 'PendingStatement';
    this.result = result;
  }
}
