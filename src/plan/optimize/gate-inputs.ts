/**
 * @module plan/optimize/gate-inputs
 * A WHERE's one-time quals with an uncorrelated subquery (`WHERE (SELECT max(x) FROM u) > 3`)
 * decide, once, whether PostgreSQL runs the WHERE's input at all (`plan/one-time-filter.ts`); while
 * they are not TRUE, no row of the input is computed and no row error of it raised. The one-shot
 * evaluator checks them first. A view's dataflow computes every operator on every change, so this
 * pass gates each relation the input reads (FROM leaves, not subquery expressions) by a semi join
 * with the gate: one row with no columns while the quals are TRUE, none otherwise. While there is
 * none, no row enters, the input computes nothing and its row errors stay out of the view's error
 * collection. Predicate pushdown never moves a predicate below a gate (`isGate`). The WHERE keeps
 * the quals too (an aggregate without GROUP BY makes a row of nothing). Run before decorrelation,
 * which turns the subqueries into joins.
 */
import { T } from '../../common/types.ts';
import type { LogicalPlan } from '../logical.ts';
import { conjunction, splitOneTimeQuals } from '../one-time-filter.ts';
import {
  memoizePlanRewrite,
  outerDepth,
  planChildren,
  withChildren,
  withSubqueryPlans,
} from '../plan-visit.ts';
import type { ScalarExpr } from '../scalar.ts';
import { anyNode } from '../scalar-visit.ts';

/** `plan` with the inputs of every filter that has such quals gated at their relations. */
export const gateInputs = memoizePlanRewrite((plan: LogicalPlan): LogicalPlan => {
  // A subquery's own filters too: decorrelation makes its relations part of the view's dataflow.
  const p = withSubqueryPlans(withChildren(plan, planChildren(plan).map(gateInputs)), gateInputs);
  if (p.kind !== 'filter') return p;
  const gates = splitOneTimeQuals(p.predicate).oneTime.filter(readsUncorrelatedSubquery);
  if (gates.length === 0) return p;
  return { ...p, input: gateLeaves(p.input, conjunction(gates, p.predicate)) };
});

/** Only quals with a subquery: constant ones are folded already, outer references are per row. */
function readsUncorrelatedSubquery(q: ScalarExpr): boolean {
  return (
    anyNode(q, (n) => n.kind === 'subquery') &&
    !anyNode(q, (n) => n.kind === 'outerRef' || (n.kind === 'subquery' && outerDepth(n.plan) > 0))
  );
}

function gateLeaves(input: LogicalPlan, quals: ScalarExpr): LogicalPlan {
  // One gate relation for all the leaves: a shared node, computed once in the dataflow.
  const oneRow: LogicalPlan = { kind: 'values', rows: [[]], schema: [] };
  const gate: LogicalPlan = { kind: 'filter', input: oneRow, predicate: quals, schema: [] };
  const on: ScalarExpr = { kind: 'literal', value: true, type: T.bool };
  const rewrite = memoizePlanRewrite((p: LogicalPlan): LogicalPlan => {
    if (p.kind === 'get' || p.kind === 'values')
      return { kind: 'join', joinType: 'semi', left: p, right: gate, on, schema: p.schema };
    return withChildren(p, planChildren(p).map(rewrite));
  });
  return rewrite(input);
}

/** A semi join with a relation of no columns: a gate, which predicates are not pushed below. */
export function isGate(plan: LogicalPlan): boolean {
  return plan.kind === 'join' && plan.joinType === 'semi' && plan.right.schema.length === 0;
}
