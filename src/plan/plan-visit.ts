/**
 * @module plan/plan-visit
 * Generic traversal of logical plans: a node's inputs and the expressions it holds, and
 * rebuilding a node with new inputs. Rewrite passes use these so that a new node kind is handled
 * in one place (the `Record<LogicalKind, …>` tables make the type checker enforce it).
 */
import type { LogicalKind, LogicalPlan } from './logical.ts';
import type { ScalarExpr } from './scalar.ts';
import { children } from './scalar-visit.ts';

type ChildrenOf = { [K in LogicalKind]: (p: Extract<LogicalPlan, { kind: K }>) => LogicalPlan[] };

const childrenOf: ChildrenOf = {
  get: () => [],
  values: () => [],
  filter: (p) => [p.input],
  map: (p) => [p.input],
  join: (p) => [p.left, p.right],
  aggregate: (p) => [p.input],
  distinct: (p) => [p.input],
  topK: (p) => [p.input],
  window: (p) => [p.input],
  setOp: (p) => [p.left, p.right],
  flatMap: (p) => [p.input],
  orderBy: (p) => [p.input],
};

export function planChildren(plan: LogicalPlan): LogicalPlan[] {
  return childrenOf[plan.kind](plan as never);
}

type ExpressionsOf = { [K in LogicalKind]: (p: Extract<LogicalPlan, { kind: K }>) => readonly ScalarExpr[] };

const expressionsOf: ExpressionsOf = {
  get: () => [],
  values: (p) => p.rows.flat(),
  filter: (p) => [p.predicate],
  map: (p) => p.exprs,
  join: (p) => [p.on],
  aggregate: () => [],
  distinct: () => [],
  topK: () => [],
  window: () => [],
  setOp: () => [],
  flatMap: (p) => p.args,
  orderBy: () => [],
};

/** The scalar expressions a node evaluates (over its input's columns). */
export function planExpressions(plan: LogicalPlan): readonly ScalarExpr[] {
  return expressionsOf[plan.kind](plan as never);
}

/** Rebuilds `plan` with its inputs replaced by `inputs` (same count and order as planChildren). */
export function withChildren(plan: LogicalPlan, inputs: readonly LogicalPlan[]): LogicalPlan {
  switch (plan.kind) {
    case 'get':
    case 'values':
      return plan;
    case 'join':
    case 'setOp':
      return { ...plan, left: inputs[0]!, right: inputs[1]! };
    default:
      return { ...plan, input: inputs[0]! };
  }
}

/**
 * Rebuilds `plan` with `f` applied to every expression of every node, inputs included (`f` itself
 * decides whether to enter subquery plans inside the expressions).
 */
export function mapPlanExpressions(plan: LogicalPlan, f: (e: ScalarExpr) => ScalarExpr): LogicalPlan {
  const inputs = planChildren(plan).map((c) => mapPlanExpressions(c, f));
  const rebuilt = withChildren(plan, inputs);
  switch (rebuilt.kind) {
    case 'filter':
      return { ...rebuilt, predicate: f(rebuilt.predicate) };
    case 'map':
      return { ...rebuilt, exprs: rebuilt.exprs.map(f) };
    case 'join':
      return { ...rebuilt, on: f(rebuilt.on) };
    case 'values':
      return { ...rebuilt, rows: rebuilt.rows.map((r) => r.map(f)) };
    case 'flatMap':
      return { ...rebuilt, args: rebuilt.args.map(f) };
    default:
      return rebuilt;
  }
}

/** Relation ids the plan reads (including inside subqueries). */
export function readRelations(plan: LogicalPlan, into: Set<number> = new Set()): Set<number> {
  if (plan.kind === 'get') into.add(plan.relationId);
  const visit = (e: ScalarExpr): void => {
    if (e.kind === 'subquery') readRelations(e.plan, into);
    for (const c of children(e)) visit(c);
  };
  for (const e of planExpressions(plan)) visit(e);
  for (const c of planChildren(plan)) readRelations(c, into);
  return into;
}
