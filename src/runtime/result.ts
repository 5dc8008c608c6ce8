/**
 * @module runtime/result
 * What executing one statement returns: a command tag as PostgreSQL reports it (`INSERT 0 3`,
 * `SELECT 2`, `CREATE TABLE`) and, for statements that return rows, the columns and rows. A long
 * query whose caller streams its rows (the wire protocol) returns the rows of its first time
 * slice and the rest still being evaluated (`more`), pulled slice by slice as the client reads.
 */
import type { SqlType } from '../common/types.ts';
import type { Value } from '../common/value.ts';

export interface ResultColumn {
  readonly name: string;
  readonly type: SqlType;
}

export interface StatementResult {
  readonly command: string;
  /** Rows affected or returned, as in the command tag. */
  readonly rowCount: number;
  readonly columns: readonly ResultColumn[];
  readonly rows: readonly Value[][];
  /**
   * The rows after `rows`, still being evaluated; then `command` and `rowCount` cover `rows`
   * only (the final count is known once `more` ends). The statement runs until `more` ends.
   */
  readonly more?: RowsInFlight;
  /** NOTICE messages the statement raised (late rows diverted by the step it committed). */
  readonly notices?: readonly string[];
}

/** A query's remaining rows, evaluated as they are pulled: the statement runs until they end. */
export interface RowsInFlight {
  /**
   * Evaluates for one time slice, handing each row to `take` until the slice is over, `take`
   * answers false (the receiver is full) or the rows end; answers whether they ended. Throws the
   * statement's error (57014, 53200, the query's own), after which it is closed.
   */
  pull(take: (row: Value[]) => boolean): boolean;
  /**
   * Calls `wake` once if the statement is cancelled or its statement_timeout passes while the
   * receiver waits (the next `pull` throws 57014); answers the undo.
   */
  watch(wake: () => void): () => void;
  /** Ends the evaluation early (a portal closed, a client gone), releasing what it holds. */
  close(): void;
}

export function commandResult(command: string, rowCount = 0): StatementResult {
  return { command, rowCount, columns: [], rows: [] };
}

/** Whether a statement's result is a row set (a SELECT of no columns still is one). */
export function returnsRows(result: StatementResult): boolean {
  return result.columns.length > 0 || result.command.startsWith('SELECT');
}
