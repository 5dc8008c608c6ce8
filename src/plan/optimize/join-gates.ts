/**
 * @module plan/optimize/join-gates
 * An inner join's ON conjunct that reads no column of the joined rows (an uncorrelated subquery
 * compared with a constant, an outer reference) is, for PostgreSQL's planner, a qual like the
 * WHERE's: a one-time filter on a gating Result node (distribute_qual_to_rels marks it
 * pseudoconstant). Outside the nullable side of an outer join it gates the whole join tree, so
 * while it is not TRUE no relation of the FROM is read and no WHERE qual meets a row; inside a
 * nullable side it gates the tree at its own level (the outer join still keeps its other side's
 * rows). An outer join's own ON conjunct of that kind stays a join filter (never a gate).
 *
 * This pass moves such conjuncts into a filter over the tree they gate, where the evaluator runs
 * them first and once (`plan/one-time-filter.ts`) and `gate-inputs.ts` gates a view's relations.
 * Run after outer-join reduction, as PostgreSQL reduces joins before it places quals.
 */
import type { LogicalPlan } from '../logical.ts';
import { conjunction, splitOneTimeQuals } from '../one-time-filter.ts';
import { memoizePlanRewrite, planChildren, withChildren, withSubqueryPlans } from '../plan-visit.ts';
import type { ScalarExpr } from '../scalar.ts';

type Join = Extract<LogicalPlan, { kind: 'join' }>;

/** `plan` (and the subquery plans in its expressions) with inner joins' one-time ON quals as gates. */
export const gateJoinTrees = memoizePlanRewrite((plan: LogicalPlan): LogicalPlan => {
  if (plan.kind === 'join') return gatedTree(plan);
  return withSubqueryPlans(sameIfUnchanged(plan, planChildren(plan).map(gateJoinTrees)), gateJoinTrees);
});

/** The join tree rooted at `root`, its gates (collected below, see `collect`) in a filter over it. */
function gatedTree(root: Join): LogicalPlan {
  const gates: ScalarExpr[] = [];
  const tree = collect(root, gates);
  if (gates.length === 0) return tree;
  return { kind: 'filter', input: tree, predicate: conjunction(gates, root.on), schema: tree.schema };
}

/**
 * `plan` with the one-time quals of the inner joins that gate the same tree moved to `gates`: the
 * joins reached without entering an outer join's nullable side. A nullable side is a tree of its own.
 */
function collect(plan: LogicalPlan, gates: ScalarExpr[]): LogicalPlan {
  if (plan.kind !== 'join') return gateJoinTrees(plan);
  const type = plan.joinType;
  const sameTree = (side: LogicalPlan): LogicalPlan => collect(side, gates);
  let on = (withSubqueryPlans(plan, gateJoinTrees) as Join).on;
  if (type === 'inner') {
    // A cross join's TRUE gates nothing.
    const { oneTime, perRow } = splitOneTimeQuals(on);
    const moved = oneTime.filter((q) => !(q.kind === 'literal' && q.value === true));
    gates.push(...moved);
    if (moved.length > 0) on = conjunction(perRow, on);
  }
  const left = type === 'inner' || type === 'left' ? sameTree(plan.left) : gateJoinTrees(plan.left);
  const right = type === 'inner' || type === 'right' ? sameTree(plan.right) : gateJoinTrees(plan.right);
  if (left === plan.left && right === plan.right && on === plan.on) return plan;
  return { ...plan, left, right, on };
}

/** `plan` itself when its rewritten inputs are the same nodes (identity keeps shared nodes shared). */
function sameIfUnchanged(plan: LogicalPlan, inputs: readonly LogicalPlan[]): LogicalPlan {
  const children = planChildren(plan);
  return inputs.every((c, i) => c === children[i]) ? plan : withChildren(plan, inputs);
}
