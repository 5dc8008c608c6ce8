/**
 * @module plan/optimize/optimize
 * The rewrite pipeline applied to a bound plan before it is lowered to the dataflow, as a named
 * list of passes so EXPLAIN can show the plan after each one. Each pass preserves the plan's
 * result exactly. Ad-hoc queries get the passes that keep the one-shot evaluator from building
 * cross products (`adhocPasses`); the oracle tests evaluate the bound plan as written.
 */
import { EddyError, FeatureNotSupportedError } from '../../common/errors.ts';
import type { LogicalPlan } from '../logical.ts';
import { memoizePlanRewrite, planChildren, withChildren, withSubqueryPlans } from '../plan-visit.ts';
import { decorrelate } from './decorrelate.ts';
import { foldPlan } from './fold-constants.ts';
import { gateInputs } from './gate-inputs.ts';
import { gateNullableSides } from './gate-nullable-sides.ts';
import { orderJoins } from './join-order.ts';
import { orderQuals } from './order-quals.ts';
import { pruneColumns } from './prune-columns.ts';
import { pushdownPredicates } from './pushdown.ts';

export interface RewritePass {
  readonly name: string;
  readonly run: (plan: LogicalPlan) => LogicalPlan;
}

export const passes: readonly RewritePass[] = [
  { name: 'gate inputs', run: gateInputs },
  // A WHERE's subquery-free conditions go into its joins first: decorrelating makes the filter
  // holding the subquery a shared node (the subquery's domain reads it), which pushdown then
  // leaves whole, so its joins would stay cross products filtered afterwards (TPC-H Q2, Q16).
  { name: 'push down predicates before decorrelating', run: pushdownPredicates },
  { name: 'decorrelate', run: decorrelate },
  { name: 'fold constants', run: foldPlan },
  { name: 'push down predicates', run: pushdownPredicates },
  { name: 'gate nullable sides', run: gateNullableSides },
  { name: 'order joins', run: orderJoins },
  { name: 'order conditions', run: orderQuals },
  { name: 'prune columns', run: pruneColumns },
];

/** Pushdown and join ordering: filters below cross products, equalities into the joins' ON. */
const adhocPasses = passes.filter(
  (p) => p.run === pushdownPredicates || p.run === orderJoins || p.run === orderQuals,
);

/**
 * The rewrites an ad-hoc query gets before the one-shot evaluator runs it, in its subqueries'
 * plans too: a subquery's FROM list is joined by its equalities, not as a cross product filtered
 * afterwards (TPC-H Q2's and Q11's subqueries join four and three tables). A correlated
 * subquery's conditions on outer references stay above its joins (pushdown does not move them).
 */
export function rewriteAdhoc(plan: LogicalPlan): LogicalPlan {
  let out = plan;
  for (const pass of adhocPasses) out = runPass(pass, out);
  return rewriteSubqueryPlans(out);
}

const rewriteSubqueryPlans: (plan: LogicalPlan) => LogicalPlan = memoizePlanRewrite((plan) =>
  withSubqueryPlans(sameIfUnchanged(plan, planChildren(plan).map(rewriteSubqueryPlans)), rewriteSubquery),
);

/**
 * A subquery's plan rewritten once per plan object: a CTE read from subqueries at every level
 * of a chain (cte.slt's diamond through IN subqueries) is copied by each rewrite that passes
 * through it, but the subquery plans inside the copies are still the original objects.
 */
const rewriteSubquery: (plan: LogicalPlan) => LogicalPlan = memoizePlanRewrite((plan) => rewriteAdhoc(plan));

/** `plan` itself when its rewritten inputs are the same nodes (identity keeps shared nodes shared). */
function sameIfUnchanged(plan: LogicalPlan, inputs: readonly LogicalPlan[]): LogicalPlan {
  const children = planChildren(plan);
  return inputs.every((c, i) => c === children[i]) ? plan : withChildren(plan, inputs);
}

export function optimize(plan: LogicalPlan): LogicalPlan {
  let out = plan;
  for (const pass of passes) out = runPass(pass, out);
  return out;
}

/**
 * Runs one pass. A pass meeting a plan shape it was not written for must not leak a JavaScript
 * error (a TypeError) to the user: it becomes 0A000 naming the pass, the original kept as cause.
 */
function runPass(pass: RewritePass, plan: LogicalPlan): LogicalPlan {
  try {
    return pass.run(plan);
  } catch (e) {
    if (e instanceof EddyError) throw e;
    throw new FeatureNotSupportedError(`this query's shape is not supported by the ${pass.name} rewrite`, {
      detail: e instanceof Error ? e.message : String(e),
      cause: e,
    });
  }
}

/** The plan after each pass, for EXPLAIN. */
export function optimizeStages(plan: LogicalPlan): { name: string; plan: LogicalPlan }[] {
  const stages = [{ name: 'bound', plan }];
  let out = plan;
  for (const pass of passes) {
    out = runPass(pass, out);
    stages.push({ name: pass.name, plan: out });
  }
  return stages;
}
