/**
 * @module runtime/statements/dispatch
 * Routes each parsed statement to its handler; anything else is reported as not supported.
 */
import type { CreateStmt, Node } from 'libpg-query';
import { FeatureNotSupportedError, SqlState, StateError } from '../../common/errors.ts';
import type { WatermarkClause } from '../../sql/front/ast.ts';
import type { EddyStatement } from '../../sql/front/index.ts';
import type { StatementResult } from '../result.ts';
import type { StatementContext } from './context.ts';
import {
  dropCatalogObjects,
  executeAlterSecret,
  executeCreateConnection,
  executeCreateSecret,
} from './create-connection.ts';
import { executeCreateFunction, executeDropFunction } from './create-function.ts';
import { executeCreatePostgresSource } from './create-postgres-source.ts';
import { dropSinks, executeCreateSink } from './create-sink.ts';
import { executeCreateSource, keptTables } from './create-source.ts';
import { executeCreateEnum, executeCreateTable } from './create-table.ts';
import { executeCreateIndex, executeCreateMaterializedView, executeCreateView } from './create-view.ts';
import { addWatermark } from './create-watermark.ts';
import { dropSources, executeDrop } from './drop.ts';
import { executeExplain } from './explain.ts';
import { executeInsert } from './insert.ts';
import { executeDeallocate, executeExecute, executePrepare } from './prepared.ts';
import { executeSelect } from './query.ts';
import { executeSet, executeShow, executeTransaction } from './session-statements.ts';
import { executeDelete, executeUpdate } from './update-delete.ts';

/** Runs one parsed statement: PostgreSQL's grammar, or one of Eddy's own statements. */
export function executeStatement(ctx: StatementContext, stmt: EddyStatement): StatementResult {
  refuseWriteIfReadOnly(ctx, stmt);
  switch (stmt.kind) {
    case 'postgres':
      return executePostgres(ctx, stmt.stmt);
    case 'createSource':
      if (stmt.structs.length > 0)
        throw new FeatureNotSupportedError('sources with struct columns are not supported yet');
      return withWatermark(ctx, stmt.table, stmt.watermarks, () => executeCreateSource(ctx, stmt));
    case 'createTable':
      if (stmt.with.length > 0 || stmt.format || stmt.structs.length > 0) {
        throw new FeatureNotSupportedError('tables with connectors or formats are not supported yet');
      }
      return withWatermark(ctx, stmt.stmt, stmt.watermarks, () => executeCreateTable(ctx, stmt.stmt));
    case 'createSink':
      return executeCreateSink(ctx, stmt);
    case 'createMaterializedView':
      return executeCreateMaterializedView(ctx, stmt.stmt, stmt.emitLocation);
    case 'showObjects':
      if (stmt.objectKind === 'sources') return executeShowSystem(ctx, 'eddy_sources', 'source', stmt.like);
      if (stmt.objectKind === 'sinks') return executeShowSystem(ctx, 'eddy_sinks', 'sink', stmt.like);
      throw new FeatureNotSupportedError(
        `SHOW ${stmt.objectKind.replace(/([A-Z])/g, ' $1').toUpperCase()} is not supported yet`,
      );
    case 'createSecret':
      return executeCreateSecret(ctx, stmt);
    case 'alterSecret':
      return executeAlterSecret(ctx, stmt);
    case 'createConnection':
      return executeCreateConnection(ctx, stmt);
    case 'createPostgresSource':
      return executeCreatePostgresSource(ctx, stmt);
    case 'drop':
      if (stmt.objectKind === 'source') return dropSources(ctx, stmt);
      if (stmt.objectKind === 'sink') return dropSinks(ctx, stmt);
      return dropCatalogObjects(ctx, stmt);
    default:
      throw new FeatureNotSupportedError(
        `${stmt.kind.replace(/([A-Z])/g, ' $1').toUpperCase()} is not supported yet`,
      );
  }
}

/** SHOW SOURCES | SINKS [LIKE 'pattern']: pg_catalog.eddy_sources | eddy_sinks, by name. */
function executeShowSystem(
  ctx: StatementContext,
  relation: string,
  nameColumn: string,
  like: string | undefined,
): StatementResult {
  const filter = like === undefined ? '' : ` WHERE ${nameColumn} LIKE '${like.replaceAll("'", "''")}'`;
  const [select] = ctx.session.db.parse(
    `SELECT * FROM pg_catalog.${relation}${filter} ORDER BY ${nameColumn}`,
  );
  return executeStatement(ctx, select!);
}

/** Runs a CREATE; a relation it created gets its `WATERMARK FOR` (IF NOT EXISTS over an old one: none). */
function withWatermark(
  ctx: StatementContext,
  stmt: CreateStmt,
  watermarks: readonly WatermarkClause[],
  create: () => StatementResult,
): StatementResult {
  const name = stmt.relation!.relname!;
  const catalog = ctx.session.db.catalog;
  const existed = catalog.relation(name) !== undefined;
  const result = create();
  if (existed || watermarks.length === 0) return result;
  try {
    addWatermark(ctx, name, watermarks);
  } catch (err) {
    // Outside a transaction the relation is already published: a refused watermark takes it back.
    for (const created of [catalog.relation(name)!, ...keptTables(ctx.session.db, name)]) {
      catalog.removeRelation(created.id);
      ctx.session.db.dropRelation(created.id);
    }
    throw err;
  }
  return result;
}

function executePostgres(ctx: StatementContext, node: Node): StatementResult {
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
  if ('DropStmt' in node)
    return node.DropStmt.removeType === 'OBJECT_FUNCTION'
      ? executeDropFunction(ctx, node.DropStmt)
      : executeDrop(ctx, node.DropStmt);
  if ('CreateFunctionStmt' in node) return executeCreateFunction(ctx, node.CreateFunctionStmt);
  if ('TransactionStmt' in node) return executeTransaction(ctx, node.TransactionStmt);
  if ('VariableSetStmt' in node) return executeSet(ctx, node.VariableSetStmt);
  if ('VariableShowStmt' in node) return executeShow(ctx, node.VariableShowStmt);
  if ('ExplainStmt' in node) return executeExplain(ctx, node.ExplainStmt);
  if ('PrepareStmt' in node) return executePrepare(ctx, node.PrepareStmt);
  if ('ExecuteStmt' in node) {
    return executeExecute(ctx, node.ExecuteStmt, (statement, params, paramTypes) =>
      executeStatement({ ...ctx, params, paramTypes }, statement),
    );
  }
  if ('DeallocateStmt' in node) return executeDeallocate(ctx, node.DeallocateStmt);
  throw new FeatureNotSupportedError(`statement ${Object.keys(node)[0]} is not supported`);
}

/** Commands that write (data or the catalog), by statement: their names for the 25006 message. */
const writeCommands: Record<string, string> = {
  InsertStmt: 'INSERT',
  UpdateStmt: 'UPDATE',
  DeleteStmt: 'DELETE',
  CreateStmt: 'CREATE TABLE',
  CreateEnumStmt: 'CREATE TYPE',
  ViewStmt: 'CREATE VIEW',
  CreateTableAsStmt: 'CREATE MATERIALIZED VIEW',
  IndexStmt: 'CREATE INDEX',
  DropStmt: 'DROP',
  CreateFunctionStmt: 'CREATE FUNCTION',
};

/** A write in a READ ONLY transaction (or session, by default_transaction_read_only) fails with 25006. */
function refuseWriteIfReadOnly(ctx: StatementContext, stmt: EddyStatement): void {
  const txn = ctx.session.transaction;
  const readOnly = txn ? txn.readOnly : ctx.session.settings['guc:default_transaction_read_only'] === 'on';
  if (!readOnly) return;
  const command =
    stmt.kind === 'postgres'
      ? writeCommands[Object.keys(stmt.stmt)[0] ?? '']
      : stmt.kind === 'createSource' || stmt.kind === 'createPostgresSource'
        ? 'CREATE SOURCE'
        : stmt.kind === 'createSink'
          ? 'CREATE SINK'
          : stmt.kind === 'drop'
            ? 'DROP'
            : undefined;
  if (command)
    throw new StateError(
      SqlState.readOnlySqlTransaction,
      `cannot execute ${command} in a read-only transaction`,
    );
}
