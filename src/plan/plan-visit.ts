/**
 * @module plan/plan-visit
 * Generic traversal of logical plans: a node's inputs and the expressions it holds, and
 * rebuilding a node with new inputs. Rewrite passes use these so that a new node kind is handled
 * in one place (the `Record<LogicalKind, …>` tables make the type checker enforce it).
 * Plans are DAGs: a subplan read several times (a CTE, a view, a decorrelated input) is one
 * shared object, so every traversal here visits each distinct node once and keeps it shared.
 */
import type { LogicalKind, LogicalPlan } from './logical.ts';
import type { ScalarExpr } from './scalar.ts';
import { children, exprEquals, transformUp } from './scalar-visit.ts';

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

/** Rebuilds `plan` with the expressions it holds itself replaced by `f` (inputs unchanged). */
export function withExpressions(plan: LogicalPlan, f: (e: ScalarExpr) => ScalarExpr): LogicalPlan {
  switch (plan.kind) {
    case 'filter':
      return { ...plan, predicate: f(plan.predicate) };
    case 'map':
      return { ...plan, exprs: plan.exprs.map(f) };
    case 'join':
      return { ...plan, on: f(plan.on) };
    case 'values':
      return { ...plan, rows: plan.rows.map((r) => r.map(f)) };
    case 'flatMap':
      return { ...plan, args: plan.args.map(f) };
    default:
      return plan;
  }
}

/**
 * Rebuilds every node of `plan` with its expressions replaced by `f` (not descending into
 * subquery plans: `f` decides). A subplan shared by several consumers (a CTE read twice) is
 * rewritten once and stays shared, so the work is linear in the plan's distinct nodes.
 */
export function mapPlanExpressions(plan: LogicalPlan, f: (e: ScalarExpr) => ScalarExpr): LogicalPlan {
  const visit = memoizePlanRewrite((p) => withExpressions(withChildren(p, planChildren(p).map(visit)), f));
  return visit(plan);
}

/**
 * `plan` with the subquery plans of its own expressions replaced by `f` (not its inputs'); the
 * same node object, and the same expression objects, where `f` changed no plan.
 */
export function withSubqueryPlans(plan: LogicalPlan, f: (p: LogicalPlan) => LogicalPlan): LogicalPlan {
  let changed = false;
  const out = withExpressions(plan, (e) => {
    let inE = false;
    const rewritten = transformUp(e, (n) => {
      if (n.kind !== 'subquery') return n;
      const sub = f(n.plan);
      if (sub === n.plan) return n;
      inE = true;
      return { ...n, plan: sub };
    });
    changed ||= inE;
    return inE ? rewritten : e;
  });
  return changed ? out : plan;
}

/**
 * Bottom-up rewrite of every expression node of `plan` and of the subquery plans nested in it;
 * `g` gets each node with its nesting `level` (`level` for `plan`'s own expressions, one more
 * per subquery entered), so an outer reference with `depth >= level` points outside `plan`.
 */
function transformPlanDeep(
  plan: LogicalPlan,
  g: (node: ScalarExpr, level: number) => ScalarExpr,
  level = 1,
): LogicalPlan {
  return mapPlanExpressions(plan, (e) => transformExprDeep(e, g, level));
}

/** `transformPlanDeep` for one expression evaluated at nesting `level`. */
function transformExprDeep(
  e: ScalarExpr,
  g: (node: ScalarExpr, level: number) => ScalarExpr,
  level: number,
): ScalarExpr {
  return transformUp(e, (n) =>
    g(n.kind === 'subquery' ? { ...n, plan: transformPlanDeep(n.plan, g, level + 1) } : n, level),
  );
}

/**
 * Moves the outer references of `plan` that point outside it `by` levels further out: `plan` was
 * bound at one nesting depth and is read `by` subquery levels deeper (a CTE used in a subquery).
 */
export function deepenOuterRefs(plan: LogicalPlan, by: number): LogicalPlan {
  if (by === 0 || outerDepth(plan) === 0) return plan;
  return transformPlanDeep(plan, (n, level) =>
    n.kind === 'outerRef' && n.depth >= level ? { ...n, depth: n.depth + by } : n,
  );
}

type PlanFields = Record<string, unknown>;

/** Node fields compared as plain data by `planEquals` (children and expressions are compared apart). */
const structuralKeys = new Set([
  'input',
  'left',
  'right',
  'schema',
  'predicate',
  'exprs',
  'on',
  'rows',
  'impl',
]);

/**
 * Structural equality of two plans: same node kinds and parameters, equal expressions, same
 * column types. Used to match a subquery in the select list with the same one in GROUP BY.
 */
export function planEquals(a: LogicalPlan, b: LogicalPlan): boolean {
  if (a === b) return true;
  if (a.kind !== b.kind || a.schema.length !== b.schema.length) return false;
  if (!a.schema.every((c, i) => c.type.id === b.schema[i]!.type.id)) return false;
  const fa = a as unknown as PlanFields;
  const fb = b as unknown as PlanFields;
  for (const key of new Set([...Object.keys(fa), ...Object.keys(fb)])) {
    if (structuralKeys.has(key) || (a.kind === 'flatMap' && key === 'args')) continue;
    if (!dataEquals(fa[key], fb[key])) return false;
  }
  const ea = planExpressions(a);
  const eb = planExpressions(b);
  if (ea.length !== eb.length || !ea.every((e, i) => exprEquals(e, eb[i]!, planEquals))) return false;
  const ca = planChildren(a);
  const cb = planChildren(b);
  return ca.every((c, i) => planEquals(c, cb[i]!));
}

/** Deep equality of plain data (numbers, strings, arrays, records of them). */
function dataEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => dataEquals((a as PlanFields)[k], (b as PlanFields)[k]));
}

/** Relation ids the plan reads (including inside subqueries). */
export function readRelations(plan: LogicalPlan, into: Set<number> = new Set()): Set<number> {
  forEachNode(plan, true, (p) => {
    if (p.kind === 'get') into.add(p.relationId);
  });
  return into;
}

/**
 * Calls `f` once for each distinct node of `plan` (a subplan shared by several consumers is
 * visited once), descending into subquery plans when `deep`.
 */
export function forEachNode(plan: LogicalPlan, deep: boolean, f: (node: LogicalPlan) => void): void {
  const seen = new Set<LogicalPlan>();
  const visitExpr = (e: ScalarExpr): void => {
    if (e.kind === 'subquery') visit(e.plan);
    for (const c of children(e)) visitExpr(c);
  };
  const visit = (p: LogicalPlan): void => {
    if (seen.has(p)) return;
    seen.add(p);
    f(p);
    if (deep) for (const e of planExpressions(p)) visitExpr(e);
    for (const c of planChildren(p)) visit(c);
  };
  visit(plan);
}

/**
 * The nodes of `plan` read by more than one consumer (a CTE or view read twice, a decorrelated
 * subquery's input): passes rewrite them once and keep them shared, the dataflow computes them
 * once. With `deep`, a subquery plan counts as a consumer too.
 */
export function sharedNodes(plan: LogicalPlan, deep: boolean): Set<LogicalPlan> {
  const consumers = new Map<LogicalPlan, number>();
  const count = (p: LogicalPlan): void => {
    consumers.set(p, (consumers.get(p) ?? 0) + 1);
  };
  const countExpr = (e: ScalarExpr): void => {
    if (e.kind === 'subquery') count(e.plan);
    for (const c of children(e)) countExpr(c);
  };
  forEachNode(plan, deep, (p) => {
    for (const c of planChildren(p)) count(c);
    if (deep) for (const e of planExpressions(p)) countExpr(e);
  });
  const shared = new Set<LogicalPlan>();
  for (const [p, n] of consumers) if (n > 1) shared.add(p);
  return shared;
}

const outerDepths = new WeakMap<LogicalPlan, number>();

/**
 * How many query levels out of `plan` its outer references reach: 0 when it reads no outer row,
 * 1 when it reads the row of the query it is a subquery of, and so on. Memoized per node (plans
 * are immutable), so asking for every node of a shared plan stays linear.
 */
export function outerDepth(plan: LogicalPlan): number {
  const known = outerDepths.get(plan);
  if (known !== undefined) return known;
  let depth = 0;
  const visitExpr = (e: ScalarExpr): void => {
    if (e.kind === 'outerRef') depth = Math.max(depth, e.depth);
    if (e.kind === 'subquery') depth = Math.max(depth, outerDepth(e.plan) - 1);
    for (const c of children(e)) visitExpr(c);
  };
  for (const e of planExpressions(plan)) visitExpr(e);
  for (const c of planChildren(plan)) depth = Math.max(depth, outerDepth(c));
  outerDepths.set(plan, depth);
  return depth;
}

/**
 * Wraps a pure rewrite of plans so that each distinct node is rewritten once: a shared subplan
 * yields one shared result (linear work on a DAG instead of work per path). Results are kept in
 * a WeakMap, so they live as long as the input nodes do.
 */
export function memoizePlanRewrite(
  f: (plan: LogicalPlan) => LogicalPlan,
): (plan: LogicalPlan) => LogicalPlan {
  const done = new WeakMap<LogicalPlan, LogicalPlan>();
  return (plan) => {
    let out = done.get(plan);
    if (!out) {
      out = f(plan);
      done.set(plan, out);
    }
    return out;
  };
}
