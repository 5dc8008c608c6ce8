/**
 * @module runtime/statements/explain
 * EXPLAIN <query>: the logical plan after binding and after each rewrite pass (one section per
 * stage), as one text column, PostgreSQL's `QUERY PLAN`. EXPLAIN ANALYZE <query> runs the query
 * as an ad-hoc SELECT runs (the same rewrites, the evaluator) and prints the plan it ran, each
 * node with the rows it returned, its runs (`loops`: a node under a correlated subquery runs per
 * outer row) and the milliseconds spent pulling its rows, its inputs' included.
 */
import type { ExplainStmt, SelectStmt } from 'libpg-query';
import { FeatureNotSupportedError } from '../../common/errors.ts';
import { T } from '../../common/types.ts';
import { profilePlan } from '../../plan/evaluate/evaluate.ts';
import { QueryGuard } from '../../plan/evaluate/query-guard.ts';
import { explainPlan } from '../../plan/explain.ts';
import { optimizeStages } from '../../plan/optimize/optimize.ts';
import { bindQuery } from '../../sql/bind/index.ts';
import type { StatementResult } from '../result.ts';
import { bindOptions, type StatementContext } from './context.ts';
import { adhocPlan, planSelect } from './query.ts';
import { readSource } from './reads.ts';

export function executeExplain(ctx: StatementContext, stmt: ExplainStmt): StatementResult {
  const query = stmt.query!;
  let select = 'SelectStmt' in query ? query.SelectStmt : undefined;
  // A materialized view's plan keeps the clock as calls (its temporal filters read each step's).
  const view = !select && 'CreateTableAsStmt' in query;
  if (!select && 'CreateTableAsStmt' in query) {
    const inner = query.CreateTableAsStmt.query;
    select = inner && 'SelectStmt' in inner ? inner.SelectStmt : undefined;
  }
  if (!select) throw new FeatureNotSupportedError('EXPLAIN supports queries and CREATE MATERIALIZED VIEW');
  if (explainOption(stmt, 'analyze')) {
    if (view)
      throw new FeatureNotSupportedError('EXPLAIN ANALYZE supports queries, not CREATE MATERIALIZED VIEW');
    return textResult(explainAnalyze(ctx, select));
  }
  const stages = optimizeStages(bindQuery(select, { ...bindOptions(ctx), deferClock: view }));
  const lines: string[] = [];
  stages.forEach((stage, i) => {
    if (i > 0) lines.push('');
    lines.push(`${stage.name}:`, ...explainPlan(stage.plan).map((l) => `  ${l}`));
  });
  return textResult(lines);
}

function textResult(lines: readonly string[]): StatementResult {
  return {
    command: 'EXPLAIN',
    rowCount: lines.length,
    columns: [{ name: 'QUERY PLAN', type: T.text }],
    rows: lines.map((l) => [l]),
  };
}

/** Whether a boolean EXPLAIN option is on (`ANALYZE`, `(ANALYZE)`, `(ANALYZE true)`). */
function explainOption(stmt: ExplainStmt, name: string): boolean {
  for (const node of stmt.options ?? []) {
    const def = 'DefElem' in node ? node.DefElem : undefined;
    if (def?.defname !== name) continue;
    const arg = def.arg as
      | { String?: { sval?: string }; Boolean?: { boolval?: boolean }; Integer?: { ival?: number } }
      | undefined;
    if (arg === undefined) return true;
    if (arg.Boolean !== undefined) return arg.Boolean.boolval === true;
    if (arg.Integer !== undefined) return (arg.Integer.ival ?? 0) !== 0;
    const text = arg.String?.sval?.toLowerCase();
    return text === 'true' || text === 'on' || text === '1';
  }
  return false;
}

function explainAnalyze(ctx: StatementContext, select: SelectStmt): string[] {
  const plan = adhocPlan(ctx, planSelect(ctx, select));
  const start = performance.now();
  const { rows, profile } = profilePlan(plan, readSource(ctx), ctx.guard ?? new QueryGuard());
  const total = performance.now() - start;
  const lines = explainPlan(plan, (node) => {
    const p = profile.get(node);
    if (p === undefined) return '(never executed)';
    return `(rows=${p.rows} loops=${p.loops} time=${p.ms.toFixed(3)} ms)`;
  });
  return [...lines, `Result rows: ${rows.length}`, `Execution Time: ${total.toFixed(3)} ms`];
}
