/**
 * @module runtime/statements/create-watermark
 * `WATERMARK FOR col AS expr` on CREATE SOURCE and CREATE TABLE: checks the declaration, binds
 * the expression over the relation's row and creates the two tables the relation keeps for its
 * event time, `<name>_late` (rows diverted as late) and `<name>_watermarks` (its watermark per
 * partition). A table with a watermark is append-only: a primary key (which makes INSERT an
 * upsert with ON CONFLICT) is refused with 0A000, and so are UPDATE and DELETE on it later.
 */
import type { TableColumn, TableEntry, WatermarkSpec } from '../../catalog/catalog.ts';
import { FeatureNotSupportedError, SemanticError, SqlState } from '../../common/errors.ts';
import { T, typeName } from '../../common/types.ts';
import { anyNode } from '../../plan/scalar-visit.ts';
import { bindScalar, coerceForAssignment } from '../../sql/bind/index.ts';
import type { WatermarkClause } from '../../sql/front/ast.ts';
import { bindOptions, type StatementContext } from './context.ts';

export function lateTableName(relation: string): string {
  return `${relation}_late`;
}

export function watermarkTableName(relation: string): string {
  return `${relation}_watermarks`;
}

/** Gives the relation `name`, just created by this statement, its watermark and kept tables. */
export function addWatermark(ctx: StatementContext, name: string, clauses: readonly WatermarkClause[]): void {
  const catalog = ctx.session.db.catalog;
  const relation = catalog.relation(name) as TableEntry;
  if (clauses.length > 1)
    throw new FeatureNotSupportedError('a relation may declare one watermark', {
      position: clauses[1]!.location + 1,
    });
  const clause = clauses[0]!;
  if (relation.primaryKey.length > 0)
    throw new FeatureNotSupportedError(
      relation.kind === 'table'
        ? 'a table with a primary key cannot have a watermark'
        : 'a keyed source (FORMAT UPSERT or DEBEZIUM) cannot have a watermark',
      {
        detail:
          relation.kind === 'table'
            ? 'A watermark needs an append-only table; a primary key lets INSERT … ON CONFLICT update rows.'
            : 'A watermark needs an append-only source; a keyed source updates and deletes its rows.',
        position: clause.location + 1,
      },
    );
  const column = relation.columns.findIndex((c) => c.name === clause.column);
  if (column < 0)
    throw new SemanticError(SqlState.undefinedColumn, `column "${clause.column}" does not exist`, {
      position: clause.columnLocation + 1,
    });
  const type = relation.columns[column]!.type;
  if (type.id !== 'timestamp' && type.id !== 'timestamptz')
    throw new SemanticError(
      SqlState.datatypeMismatch,
      `the event-time column "${clause.column}" must be a timestamp or timestamptz, not ${typeName(type)}`,
      { position: clause.columnLocation + 1 },
    );
  const scope = relation.columns.map((c, index) => ({ table: name, name: c.name, type: c.type, index }));
  const bound = bindScalar(
    clause.expr,
    scope,
    { ...bindOptions(ctx), deferClock: true },
    'WATERMARK expressions',
  );
  // Replay re-forms the watermark from the rows alone: the clock, chance or other rows may not enter.
  if (
    anyNode(bound, (e) => e.kind === 'subquery' || e.kind === 'outerRef' || (e.kind === 'call' && e.volatile))
  )
    throw new FeatureNotSupportedError(
      'a WATERMARK expression must depend on its row alone (no subqueries, no volatile functions)',
      { position: clause.location + 1 },
    );
  const expr = coerceForAssignment(bound, type, clause.column);
  for (const kept of [lateTableName(name), watermarkTableName(name)])
    if (catalog.relation(kept))
      throw new SemanticError(SqlState.duplicateTable, `relation "${kept}" already exists`, {
        detail: `A relation with a watermark keeps its late rows and watermark in tables named after it.`,
      });
  const lateRelationId = addKeptTable(ctx, lateTableName(name), relation.columns, name);
  const stateRelationId = addKeptTable(
    ctx,
    watermarkTableName(name),
    [column_('partition', T.text), column_('watermark', type)],
    name,
  );
  const watermark: WatermarkSpec = { column, expr, lateRelationId, stateRelationId };
  catalog.replaceRelation({ ...relation, watermark });
}

function addKeptTable(
  ctx: StatementContext,
  name: string,
  columns: readonly TableColumn[],
  keptBy: string,
): number {
  const db = ctx.session.db;
  const id = db.catalog.allocateId();
  const plain = columns.map((c) => ({ ...c, defaultExpr: null }));
  db.catalog.addRelation({
    kind: 'table',
    id,
    name,
    schema: plain,
    columns: plain,
    primaryKey: [],
    sql: ctx.text,
    keptBy,
  });
  db.addStore(id, plain.length);
  return id;
}

function column_(name: string, type: TableColumn['type']): TableColumn {
  return { name, type, nullable: false, defaultExpr: null };
}

/**
 * UPDATE / DELETE of a relation with a watermark (0A000). Writes to its kept tables are refused
 * with every kept table's (create-source's refuseKeptRelation).
 */
export function refuseEventTimeWrite(relation: TableEntry, write: 'insert' | 'update' | 'delete'): void {
  if (relation.watermark !== undefined && write !== 'insert')
    throw new FeatureNotSupportedError(
      `cannot ${write.toUpperCase()} "${relation.name}": a relation with a watermark is append-only`,
    );
}

/** The tables a relation keeps for its event time (dropped with it). */
export function eventTimeTables(relation: TableEntry): number[] {
  return relation.watermark ? [relation.watermark.lateRelationId, relation.watermark.stateRelationId] : [];
}
