/**
 * @module plan/optimize/gate-nullable-sides
 * PostgreSQL 15 runs a LEFT JOIN with its preserved side outer and stops when that side has no
 * row, before it reads the nullable side: a restriction there (a WHERE of a subquery, an ON
 * condition pushed to that side's scan) is never tested, and an error a row would raise in it is
 * not raised (fuzz 1212:123). The one-shot evaluator reads the right side only after the first
 * left row. A view's dataflow computes every operator on every change, so this pass, run after
 * pushdown, gates each relation of a nullable side that computes something a row can make fail
 * (a function call or cast in a filter or map) by a semi join with the preserved side projected
 * to no columns (as `gate-inputs.ts` gates): while that side has no row, no row enters the
 * nullable side and it raises nothing. The preserved side is one shared node, computed once.
 * Nothing is pushed below a gate (`isGate`). A semi or anti join over a LEFT JOIN reading only
 * its preserved side moves below it first, as PostgreSQL's join search may place it.
 */
import { T } from '../../common/types.ts';
import type { LogicalPlan } from '../logical.ts';
import {
  forEachNode,
  memoizePlanRewrite,
  planChildren,
  planExpressions,
  withChildren,
} from '../plan-visit.ts';
import type { ScalarExpr } from '../scalar.ts';
import { anyNode, referencedColumns, remapColumns } from '../scalar-visit.ts';
import { isGate } from './gate-inputs.ts';

export function gateNullableSides(plan: LogicalPlan): LogicalPlan {
  const moved = memoizePlanRewrite(
    (p: LogicalPlan): LogicalPlan => semiBelowLeftJoin(withChildren(p, planChildren(p).map(moved))),
  );
  const gated = memoizePlanRewrite(
    (p: LogicalPlan): LogicalPlan => gateJoin(withChildren(p, planChildren(p).map(gated))),
  );
  return gated(moved(plan));
}

/** `p` (children rewritten) with its nullable side gated when it is an outer join that needs it. */
function gateJoin(p: LogicalPlan): LogicalPlan {
  if (p.kind !== 'join' || (p.joinType !== 'left' && p.joinType !== 'right')) return p;
  const [preserved, nullable] = p.joinType === 'left' ? [p.left, p.right] : [p.right, p.left];
  if (!computesFallible(nullable)) return p;
  const gate: LogicalPlan = { kind: 'map', input: preserved, exprs: [], schema: [] };
  const gated = gateLeaves(nullable, gate);
  return p.joinType === 'left' ? { ...p, right: gated } : { ...p, left: gated };
}

/**
 * A semi or anti join (a decorrelated `IN` / `EXISTS`) over a LEFT JOIN whose condition reads only
 * the preserved side's columns filters that side first, as PostgreSQL's join search may place it:
 * `(a LEFT JOIN b) SEMI c` is `(a SEMI c) LEFT JOIN b` then, so the preserved side it gates is
 * empty when no row of `a` passes.
 */
function semiBelowLeftJoin(p: LogicalPlan): LogicalPlan {
  if (p.kind !== 'join' || (p.joinType !== 'semi' && p.joinType !== 'anti')) return p;
  const lj = p.left;
  if (lj.kind !== 'join' || lj.joinType !== 'left' || isGate(p)) return p;
  const na = lj.left.schema.length;
  const nb = lj.right.schema.length;
  const cols = referencedColumns(p.on);
  if ([...cols].some((i) => i >= na && i < na + nb)) return p;
  if (anyNode(p.on, (n) => n.kind === 'subquery' || n.kind === 'outerRef')) return p;
  const on = remapColumns(p.on, (i) => (i < na ? i : i - nb));
  const filtered: LogicalPlan = { ...p, left: lj.left, on, schema: lj.left.schema };
  return { ...lj, left: filtered };
}

/**
 * Whether `plan` computes something a row can make fail: a filter or map calling a function or
 * operator or casting (a comparison or a test of columns and constants raises nothing). Only then
 * is the gate worth its state (the gated relation's rows are held, to enter when the gate opens).
 */
function computesFallible(plan: LogicalPlan): boolean {
  let found = false;
  forEachNode(plan, false, (n) => {
    if ((n.kind === 'filter' || n.kind === 'map') && !isGate(n) && planExpressions(n).some(fallible))
      found = true;
  });
  return found;
}

const fallible = (e: ScalarExpr): boolean => anyNode(e, (n) => n.kind === 'call' || n.kind === 'cast');

function gateLeaves(input: LogicalPlan, gate: LogicalPlan): LogicalPlan {
  const on: ScalarExpr = { kind: 'literal', value: true, type: T.bool };
  const rewrite = memoizePlanRewrite((p: LogicalPlan): LogicalPlan => {
    if (p.kind === 'get' || p.kind === 'values')
      return { kind: 'join', joinType: 'semi', left: p, right: gate, on, schema: p.schema };
    if (isGate(p) && p.kind === 'join') return { ...p, left: rewrite(p.left) };
    return withChildren(p, planChildren(p).map(rewrite));
  });
  return rewrite(input);
}
