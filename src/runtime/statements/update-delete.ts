/**
 * @module runtime/statements/update-delete
 * UPDATE … SET … WHERE and DELETE … WHERE over a table's current rows. An update is a delete of
 * the old row plus an insert of the new one (the change the dataflow sees). Rows are computed and
 * checked before any change is applied.
 */

import type { DeleteStmt, Node, UpdateStmt } from 'libpg-query';
import type { TableEntry } from '../../catalog/catalog.ts';
import { FeatureNotSupportedError, SemanticError, SqlState } from '../../common/errors.ts';
import { T } from '../../common/types.ts';
import type { Value } from '../../common/value.ts';
import { evaluatePlan } from '../../plan/evaluate/evaluate.ts';
import type { LogicalPlan } from '../../plan/logical.ts';
import type { ScalarExpr } from '../../plan/scalar.ts';
import { bindScalar, coerce, coerceForAssignment, type ScopeColumn } from '../../sql/bind/index.ts';
import type { StatementResult } from '../result.ts';
import { defaultExpression } from './column-defaults.ts';
import { bindOptions, type StatementContext } from './context.ts';
import { applyRows, checkRows, requireTable } from './insert.ts';
import { readSource } from './reads.ts';
import { bindReturning, tableScope, writeResult } from './returning.ts';

function matchingRows(
  ctx: StatementContext,
  table: TableEntry,
  where: ScalarExpr | null,
  extra: ScalarExpr[],
): Value[][] {
  let plan: LogicalPlan = { kind: 'get', relationId: table.id, name: table.name, schema: table.schema };
  if (where) plan = { kind: 'filter', input: plan, predicate: where, schema: plan.schema };
  if (extra.length > 0) {
    const exprs: ScalarExpr[] = [
      ...table.columns.map((c, i) => ({ kind: 'column', index: i, type: c.type }) as ScalarExpr),
      ...extra,
    ];
    plan = {
      kind: 'map',
      input: plan,
      exprs,
      schema: exprs.map((e, i) => ({ name: `c${i}`, type: e.type, nullable: true })),
    };
  }
  return evaluatePlan(plan, readSource(ctx), ctx.guard);
}

export function executeUpdate(ctx: StatementContext, stmt: UpdateStmt): StatementResult {
  const table = requireTable(ctx, stmt.relation!.relname!, 'update');
  if (stmt.fromClause?.length) throw new FeatureNotSupportedError('UPDATE … FROM is not supported yet');
  const alias = stmt.relation!.alias?.aliasname;
  const scope = tableScope(table, alias);
  const options = bindOptions(ctx);
  const where = stmt.whereClause
    ? coerce(bindScalar(stmt.whereClause, scope, options, 'WHERE'), T.bool, false)
    : null;
  const assignments = bindAssignments(ctx, table, stmt.targetList ?? [], scope, 'UPDATE');
  const returning = bindReturning(ctx, table, alias, stmt.returningClause);
  const arity = table.columns.length;
  const matched = matchingRows(
    ctx,
    table,
    where,
    assignments.map((a) => a.expr),
  );
  const oldRows = matched.map((r) => r.slice(0, arity));
  const newRows = matched.map((r) => {
    const row = r.slice(0, arity);
    assignments.forEach((a, k) => {
      row[a.index] = r[arity + k]!;
    });
    return row;
  });
  checkRows(ctx, table, newRows, false, oldRows);
  const result = writeResult(ctx, table, `UPDATE ${matched.length}`, matched.length, returning, newRows);
  applyRows(ctx, table.id, oldRows, -1);
  applyRows(ctx, table.id, newRows, 1);
  return result;
}

export function executeDelete(ctx: StatementContext, stmt: DeleteStmt): StatementResult {
  const table = requireTable(ctx, stmt.relation!.relname!, 'delete');
  if (stmt.usingClause?.length) throw new FeatureNotSupportedError('DELETE … USING is not supported yet');
  const alias = stmt.relation!.alias?.aliasname;
  const scope = tableScope(table, alias);
  const returning = bindReturning(ctx, table, alias, stmt.returningClause);
  const where = stmt.whereClause
    ? coerce(bindScalar(stmt.whereClause, scope, bindOptions(ctx), 'WHERE'), T.bool, false)
    : null;
  const rows = matchingRows(ctx, table, where, []).map((r) => r.slice());
  const result = writeResult(ctx, table, `DELETE ${rows.length}`, rows.length, returning, rows);
  applyRows(ctx, table.id, rows, -1);
  return result;
}

/** An assignment of SET: the column's index and its new value's expression (over `scope`). */
export interface Assignment {
  readonly index: number;
  readonly expr: ScalarExpr;
}

/** Binds SET `col = expr, …` (UPDATE, ON CONFLICT DO UPDATE) over `scope`; DEFAULT is allowed. */
export function bindAssignments(
  ctx: StatementContext,
  table: TableEntry,
  targetList: readonly Node[],
  scope: readonly ScopeColumn[],
  clause: string,
): Assignment[] {
  const options = bindOptions(ctx);
  const assigned = new Set<number>();
  return targetList.map((n) => {
    const val = 'ResTarget' in n ? n.ResTarget.val : undefined;
    if (!('ResTarget' in n) || !val || 'MultiAssignRef' in val)
      throw new FeatureNotSupportedError(`${clause} SET (…) = (…) is not supported yet`);
    const name = n.ResTarget.name!;
    const index = table.columns.findIndex((c) => c.name === name);
    if (index < 0)
      throw new SemanticError(
        SqlState.undefinedColumn,
        `column "${name}" of relation "${table.name}" does not exist`,
      );
    // Which value would win is undefined: PostgreSQL refuses, and so does Eddy.
    if (assigned.has(index))
      throw new SemanticError(SqlState.syntaxError, `multiple assignments to same column "${name}"`);
    assigned.add(index);
    const column = table.columns[index]!;
    const expr: ScalarExpr =
      'SetToDefault' in val
        ? defaultExpression(column, ctx.session.settings)
        : coerceForAssignment(bindScalar(val, scope, options, clause), column.type, name);
    return { index, expr };
  });
}
