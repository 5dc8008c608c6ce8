/**
 * @module runtime/statements/dispatch
 * Routes each parsed statement to its handler; anything else is reported as not supported.
 */
import { FeatureNotSupportedError } from '../../common/errors.ts';
import type { StatementResult } from '../result.ts';
import type { StatementContext } from './context.ts';
import { executeCreateEnum, executeCreateTable } from './create-table.ts';
import { executeCreateIndex, executeCreateMaterializedView, executeCreateView } from './create-view.ts';
import { executeDrop } from './drop.ts';
import { executeExplain } from './explain.ts';
import { executeInsert } from './insert.ts';
import { executeSelect } from './query.ts';
import { executeSet, executeShow, executeTransaction } from './session-statements.ts';
import { executeDelete, executeUpdate } from './update-delete.ts';

export function executeStatement(ctx: StatementContext): StatementResult {
  const node = ctx.node;
  if ('SelectStmt' in node) return executeSelect(ctx, node.SelectStmt);
  if ('InsertStmt' in node) return executeInsert(ctx, node.InsertStmt);
  if ('UpdateStmt' in node) return executeUpdate(ctx, node.UpdateStmt);
  if ('DeleteStmt' in node) return executeDelete(ctx, node.DeleteStmt);
  if ('CreateStmt' in node) return executeCreateTable(ctx, node.CreateStmt);
  if ('CreateEnumStmt' in node) return executeCreateEnum(ctx, node.CreateEnumStmt);
  if ('ViewStmt' in node) return executeCreateView(ctx, node.ViewStmt);
  if ('CreateTableAsStmt' in node) {
    if (node.CreateTableAsStmt.objtype !== 'OBJECT_MATVIEW')
      throw new FeatureNotSupportedError('CREATE TABLE … AS is not supported yet');
    return executeCreateMaterializedView(ctx, node.CreateTableAsStmt);
  }
  if ('IndexStmt' in node) return executeCreateIndex(ctx, node.IndexStmt);
  if ('DropStmt' in node) return executeDrop(ctx, node.DropStmt);
  if ('TransactionStmt' in node) return executeTransaction(ctx, node.TransactionStmt);
  if ('VariableSetStmt' in node) return executeSet(ctx, node.VariableSetStmt);
  if ('VariableShowStmt' in node) return executeShow(ctx, node.VariableShowStmt);
  if ('ExplainStmt' in node) return executeExplain(ctx, node.ExplainStmt);
  throw new FeatureNotSupportedError(`statement ${Object.keys(node)[0]} is not supported`);
}
