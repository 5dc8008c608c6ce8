/**
 * @module runtime/statements/returning
 * RETURNING of INSERT, UPDATE and DELETE: the list is bound over the written table's columns
 * before anything is written, and evaluated over the rows the statement wrote (the new rows of
 * INSERT and UPDATE, the removed rows of DELETE) before they are applied, so an error in it
 * changes nothing, as in PostgreSQL.
 */
import type { Node, ReturningClause } from 'libpg-query';
import type { TableEntry } from '../../catalog/catalog.ts';
import { FeatureNotSupportedError, SemanticError, SqlState } from '../../common/errors.ts';
import type { Value } from '../../common/value.ts';
import { evaluatePlan } from '../../plan/evaluate/evaluate.ts';
import type { LogicalPlan } from '../../plan/logical.ts';
import type { ScalarExpr } from '../../plan/scalar.ts';
import { bindScalar, type ScopeColumn } from '../../sql/bind/index.ts';
import { outputName } from '../../sql/bind/output-name.ts';
import { commandResult, type ResultColumn, type StatementResult } from '../result.ts';
import { bindOptions, type StatementContext } from './context.ts';
import { readSource } from './reads.ts';

/** A bound RETURNING list: one expression per result column, over the table's columns. */
export interface Returning {
  readonly columns: readonly ResultColumn[];
  readonly exprs: readonly ScalarExpr[];
}

/** The table's columns as a statement names them: by the alias if it has one, else by the table. */
export function tableScope(table: TableEntry, alias: string | undefined): ScopeColumn[] {
  return table.columns.map((c, i) => ({ table: alias ?? table.name, name: c.name, type: c.type, index: i }));
}

/** Binds the list (`*`, `t.*` and expressions) over the written table; null without RETURNING. */
export function bindReturning(
  ctx: StatementContext,
  table: TableEntry,
  alias: string | undefined,
  clause: ReturningClause | undefined,
): Returning | null {
  const list = clause?.exprs ?? [];
  if (list.length === 0) return null;
  if (clause?.options?.length)
    throw new FeatureNotSupportedError('RETURNING WITH (OLD / NEW) is not supported yet');
  const scope = tableScope(table, alias);
  const options = bindOptions(ctx);
  const columns: ResultColumn[] = [];
  const exprs: ScalarExpr[] = [];
  for (const item of list) {
    if (!('ResTarget' in item)) throw new FeatureNotSupportedError('RETURNING item');
    const val = item.ResTarget.val!;
    if (isStar(val, alias ?? table.name)) {
      table.columns.forEach((c, i) => {
        columns.push({ name: c.name, type: c.type });
        exprs.push({ kind: 'column', index: i, type: c.type });
      });
      continue;
    }
    const expr = bindScalar(val, scope, options, 'RETURNING');
    columns.push({ name: item.ResTarget.name ?? outputName(val), type: expr.type });
    exprs.push(expr);
  }
  return { columns, exprs };
}

/** `*` or `name.*` naming the written table (another name is 42P01, as in PostgreSQL). */
function isStar(node: Node, name: string): boolean {
  if (!('ColumnRef' in node)) return false;
  const fields = node.ColumnRef.fields ?? [];
  const last = fields[fields.length - 1];
  if (!last || !('A_Star' in last)) return false;
  if (fields.length === 2) {
    const first = fields[0]!;
    const qualifier = 'String' in first ? first.String.sval : undefined;
    if (qualifier !== name)
      throw new SemanticError(
        SqlState.undefinedTable,
        `missing FROM-clause entry for table "${qualifier ?? ''}"`,
      );
  }
  return true;
}

/** Evaluates `exprs` over each of `rows` (whose columns have the given `types`' order). */
export function evaluateOverRows(
  ctx: StatementContext,
  rows: readonly Value[][],
  rowSchema: LogicalPlan['schema'],
  exprs: readonly ScalarExpr[],
): Value[][] {
  if (rows.length === 0) return [];
  const input: LogicalPlan = {
    kind: 'values',
    rows: rows.map((r) =>
      r.map((value, i) => ({ kind: 'literal', value, type: rowSchema[i]!.type }) as ScalarExpr),
    ),
    schema: rowSchema,
  };
  const plan: LogicalPlan = {
    kind: 'map',
    input,
    exprs,
    schema: exprs.map((e, i) => ({ name: `c${i}`, type: e.type, nullable: true })),
  };
  return evaluatePlan(plan, readSource(ctx), ctx.guard);
}

/** The statement's result: its command tag, and with RETURNING the list over `rows`. */
export function writeResult(
  ctx: StatementContext,
  table: TableEntry,
  command: string,
  count: number,
  returning: Returning | null,
  rows: readonly Value[][],
): StatementResult {
  if (!returning) return commandResult(command, count);
  return {
    command,
    rowCount: count,
    columns: returning.columns,
    rows: evaluateOverRows(ctx, rows, table.schema, returning.exprs),
  };
}

/**
 * The columns an INSERT, UPDATE or DELETE returns (Describe before Execute), bound without
 * running it; null for a write without RETURNING or any other statement.
 */
export function returningColumns(ctx: StatementContext, node: Node): readonly ResultColumn[] | null {
  const stmt =
    'InsertStmt' in node
      ? node.InsertStmt
      : 'UpdateStmt' in node
        ? node.UpdateStmt
        : 'DeleteStmt' in node
          ? node.DeleteStmt
          : null;
  if (!stmt?.returningClause || !stmt.relation?.relname) return null;
  const table = ctx.session.db.catalog.requireRelation(stmt.relation.relname) as TableEntry;
  return bindReturning(ctx, table, stmt.relation.alias?.aliasname, stmt.returningClause)?.columns ?? null;
}
