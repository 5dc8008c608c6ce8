/**
 * @module runtime/result
 * What executing one statement returns: a command tag as PostgreSQL reports it (`INSERT 0 3`,
 * `SELECT 2`, `CREATE TABLE`) and, for statements that return rows, the columns and rows.
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
  /** NOTICE messages the statement raised (late rows diverted by the step it committed). */
  readonly notices?: readonly string[];
}

export function commandResult(command: string, rowCount = 0): StatementResult {
  return { command, rowCount, columns: [], rows: [] };
}
