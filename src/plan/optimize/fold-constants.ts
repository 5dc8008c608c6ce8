/**
 * @module plan/optimize/fold-constants
 * Constant folding of a plan, as PostgreSQL's planner folds (eval_const_expressions, see
 * `fold-expression.ts`): it decides which expressions are ever evaluated (`x / 0 > NULL` raises
 * nothing), so ad-hoc queries and views both get it. The errors PostgreSQL raises while folding
 * are raised at plan time (`raisePlanTimeErrors`), before any row is read: `SELECT x FROM t WHERE
 * 1/0 = 1` fails on an empty table.
 */
import type { LogicalPlan } from '../logical.ts';
import { memoizePlanRewrite, planChildren, withChildren } from '../plan-visit.ts';
import type { ScalarExpr } from '../scalar.ts';
import { foldQuietly } from './fold-expression.ts';
import { gateJoinTrees } from './join-gates.ts';
import { reduceOuterJoins } from './outer-join-reduction.ts';
import { nullUnreadColumns } from './unread-columns.ts';

/**
 * A bound plan as PostgreSQL's planner leaves it: unread subquery columns dropped (NULL), the
 * errors of folding the rest raised, outer joins a WHERE makes inner reduced, inner joins' one-time
 * ON quals made gates over their join trees, the rest folded.
 */
export function foldConstants(plan: LogicalPlan): LogicalPlan {
  return foldPlan(gateJoinTrees(reduceOuterJoins(nullUnreadColumns(plan))));
}

/**
 * Folds every expression of `plan` as far as it folds without an error (an error is left for a
 * row to raise): the rewrite pass, also run after decorrelation, whose new plan shapes say
 * nothing of what PostgreSQL would have folded.
 */
export const foldPlan = memoizePlanRewrite((plan: LogicalPlan): LogicalPlan => {
  const p = withChildren(plan, planChildren(plan).map(foldPlan));
  // Nothing in, nothing out (a grouped aggregate included; one without GROUP BY makes a row):
  // PostgreSQL plans such a node as empty, and what reads it (a join) never runs its other input.
  if (emptyFromEmptyInput(p)) return { kind: 'values', rows: [], schema: p.schema };
  switch (p.kind) {
    case 'filter': {
      const predicate = foldQual(foldQuietly(p.predicate));
      // Never TRUE: like PostgreSQL's one-time filter, the input is never run, so a view does not
      // compute it either (nor keep its rows' errors).
      if (predicate.kind === 'literal' && predicate.value !== true)
        return { kind: 'values', rows: [], schema: p.schema };
      return { ...p, predicate };
    }
    case 'map':
      return { ...p, exprs: p.exprs.map(foldQuietly) };
    case 'join': {
      // A join with an input that is provably empty and no row to keep from the other side is
      // empty: PostgreSQL plans it as such and never runs the other input.
      const empty = isEmpty;
      const t = p.joinType;
      if (
        (empty(p.left) && t !== 'right' && t !== 'full') ||
        (empty(p.right) && (t === 'inner' || t === 'right' || t === 'semi'))
      )
        return { kind: 'values', rows: [], schema: p.schema };
      return { ...p, on: foldQual(foldQuietly(p.on)) };
    }
    case 'values':
      return { ...p, rows: p.rows.map((r) => r.map(foldQuietly)) };
    case 'flatMap':
      return { ...p, args: p.args.map(foldQuietly) };
    case 'topK':
      // LIMIT 0 reads nothing, as PostgreSQL's executor never starts its input: an error some
      // input row would raise is not raised (the input is still planned, and folded, above).
      return p.limit === 0 ? { kind: 'values', rows: [], schema: p.schema } : p;
    default:
      return p;
  }
});

function emptyFromEmptyInput(p: LogicalPlan): boolean {
  switch (p.kind) {
    case 'aggregate':
      return p.groupBy.length > 0 && isEmpty(p.input);
    case 'map':
    case 'filter':
    case 'distinct':
    case 'topK':
    case 'orderBy':
    case 'window':
    case 'flatMap':
      return isEmpty(p.input);
    case 'setOp':
      // PostgreSQL's SetOp reads both inputs whatever one of them holds (an empty INTERSECT or
      // EXCEPT input does not stop the other from running and raising its row errors).
      return isEmpty(p.left) && isEmpty(p.right);
    default:
      return false;
  }
}

/** A plan folding has shown to have no rows (nothing below it is ever run). */
function isEmpty(plan: LogicalPlan): boolean {
  return plan.kind === 'values' && plan.rows.length === 0;
}

/**
 * A WHERE / ON condition is a list of quals that must all be TRUE: if any is a constant other than
 * TRUE, no row can pass, and (like PostgreSQL's one-time filter) nothing else is evaluated.
 */
function foldQual(e: ScalarExpr): ScalarExpr {
  if (e.kind !== 'and') return e;
  const constantReject = e.args.some((a) => a.kind === 'literal' && a.value !== true);
  return constantReject ? { kind: 'literal', value: false, type: e.type } : e;
}
