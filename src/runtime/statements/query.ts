/**
 * @module runtime/statements/query
 * Ad-hoc SELECT: bind, rewrite with the passes that keep the evaluator from materialising cross
 * products (predicate pushdown, join ordering), then evaluate once over the current state of the
 * relations read. `SET eddy.reference_evaluation = on` skips those rewrites: the plan as written,
 * the reference the oracle tests compare views with. A long query is evaluated in time slices
 * when the caller can await it, or streams its rows past the first slice when the caller pulls
 * them (the wire protocol). Reads see the last committed step plus the session's own
 * uncommitted writes.
 */
import type { SelectStmt } from 'libpg-query';
import { readsSystemRelations } from '../../catalog/system/registry.ts';
import { evaluatePlan, type Rows } from '../../plan/evaluate/evaluate.ts';
import { evaluateSliced, type SliceContext, streamSliced } from '../../plan/evaluate/evaluate-sliced.ts';
import type { LogicalPlan } from '../../plan/logical.ts';
import { foldConstants } from '../../plan/optimize/fold-constants.ts';
import { optimize, rewriteAdhoc } from '../../plan/optimize/optimize.ts';
import { bindQuery } from '../../sql/bind/index.ts';
import { PendingStatement } from '../pending-statement.ts';
import type { StatementResult } from '../result.ts';
import { bindOptions, type StatementContext } from './context.ts';
import { readSource } from './reads.ts';

export function executeSelect(ctx: StatementContext, stmt: SelectStmt): StatementResult {
  const plan = adhocPlan(ctx, planSelect(ctx, stmt));
  const source = readSource(ctx);
  if (!ctx.mayYield || !ctx.guard) return selectResult(plan, evaluatePlan(plan, source, ctx.guard));
  // Every slice reads the catalog as this statement's transaction sees it.
  const catalog = ctx.session.db.catalog;
  const transaction = ctx.session.transaction;
  const within: SliceContext = (slice) => catalog.readingAs(transaction, slice);
  if (ctx.streamRows) {
    const { rows, more } = streamSliced(plan, source, ctx.guard, within);
    return more ? { ...selectResult(plan, rows), more } : selectResult(plan, rows);
  }
  const rows = evaluateSliced(plan, source, ctx.guard, within);
  if (rows instanceof Promise) throw new PendingStatement(rows.then((r) => selectResult(plan, r)));
  return selectResult(plan, rows);
}

function selectResult(plan: LogicalPlan, rows: Rows): StatementResult {
  return {
    command: `SELECT ${rows.length}`,
    rowCount: rows.length,
    columns: plan.schema.map((c) => ({ name: c.name, type: c.type })),
    rows,
  };
}

/**
 * The plan an ad-hoc query is evaluated on. Catalog queries cross-join system relations (psql's
 * \d joins pg_class with itself) and get every pass. Others get pushdown and join ordering, so a
 * FROM list with per-table filters, or joined by equalities in WHERE, never materialises the
 * cross product; they leave correlated subqueries alone (evaluated per row, as written).
 */
export function adhocPlan(ctx: StatementContext, bound: LogicalPlan): LogicalPlan {
  if (readsSystemRelations(bound)) return optimize(bound);
  if (ctx.session.settings['guc:eddy.reference_evaluation'] === 'on') return bound;
  if (ctx.session.settings['guc:eddy.adhoc_rewrites'] === 'all') return optimize(bound);
  return rewriteAdhoc(bound);
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
  /** Keep now() and its kin as calls (a materialized view's temporal filters). */
  deferClock = false,
): LogicalPlan {
  return foldConstants(bindQuery(stmt, { ...bindOptions(ctx), namedRelations, deferClock }));
}
