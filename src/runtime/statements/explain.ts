/**
 * @module runtime/statements/explain
 * EXPLAIN <query>: the logical plan after binding and after each rewrite pass (one section per
 * stage), as one text column, PostgreSQL's `QUERY PLAN`.
 */
import type { ExplainStmt } from 'libpg-query';
import { FeatureNotSupportedError } from '../../common/errors.ts';
import { T } from '../../common/types.ts';
import { explainPlan } from '../../plan/explain.ts';
import { optimizeStages } from '../../plan/optimize/optimize.ts';
import { bindQuery } from '../../sql/bind/index.ts';
import type { StatementResult } from '../result.ts';
import { bindOptions, type StatementContext } from './context.ts';

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
  const stages = optimizeStages(bindQuery(select, { ...bindOptions(ctx), deferClock: view }));
  const lines: string[] = [];
  stages.forEach((stage, i) => {
    if (i > 0) lines.push('');
    lines.push(`${stage.name}:`, ...explainPlan(stage.plan).map((l) => `  ${l}`));
  });
  return {
    command: 'EXPLAIN',
    rowCount: lines.length,
    columns: [{ name: 'QUERY PLAN', type: T.text }],
    rows: lines.map((l) => [l]),
  };
}
