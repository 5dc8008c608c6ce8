/**
 * @module runtime/statements/query
 * Ad-hoc SELECT: bind, then evaluate once over the current state of the relations read, with the
 * one-shot evaluator on the plan as written (queries over system catalogs get the rewrite passes).
 * Reads see the last committed step plus the session's own uncommitted writes.
 */
import type { SelectStmt } from 'libpg-query';
import { readsSystemRelations } from '../../catalog/system/registry.ts';
import { evaluatePlan } from '../../plan/evaluate/evaluate.ts';
import type { LogicalPlan } from '../../plan/logical.ts';
import { foldConstants } from '../../plan/optimize/fold-constants.ts';
import { optimize } from '../../plan/optimize/optimize.ts';
import { bindQuery } from '../../sql/bind/index.ts';
import type { StatementResult } from '../result.ts';
import { bindOptions, type StatementContext } from './context.ts';
import { readSource } from './reads.ts';

export function executeSelect(ctx: StatementContext, stmt: SelectStmt): StatementResult {
  const bound = planSelect(ctx, stmt);
  // Catalog queries cross-join system relations (psql's \d joins pg_class with itself): rewrite
  // them so the evaluator does not materialise the cross products.
  const plan = readsSystemRelations(bound) ? optimize(bound) : bound;
  const rows = evaluatePlan(plan, readSource(ctx));
  return {
    command: `SELECT ${rows.length}`,
    rowCount: rows.length,
    columns: plan.schema.map((c) => ({ name: c.name, type: c.type })),
    rows,
  };
}

/**
 * The plan of a query as written, with PostgreSQL's constant folding (which decides what is ever
 * evaluated); the other rewrites apply only before dataflow lowering. `namedRelations` collects
 * the relations the query names (see BindOptions).
 */
export function planSelect(
  ctx: StatementContext,
  stmt: SelectStmt,
  namedRelations?: Set<number>,
): LogicalPlan {
  return foldConstants(bindQuery(stmt, { ...bindOptions(ctx), namedRelations }));
}
