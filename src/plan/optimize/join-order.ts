/**
 * @module plan/optimize/join-order
 * Orders trees of inner joins so that each join has a condition connecting it to what is already
 * joined, avoiding cross products where the query has join predicates (a FROM list `a, b, c`
 * joined only through c would otherwise start with a × b). Greedy: keep the query's first
 * relation, then repeatedly add the earliest relation connected by an equality. Each conjunct is
 * placed at the lowest join that has all its columns; the original column order is restored.
 */
import type { LogicalPlan } from '../logical.ts';
import { memoizePlanRewrite, outerDepth, planChildren, withChildren } from '../plan-visit.ts';
import type { ScalarExpr } from '../scalar.ts';
import { anyNode, referencedColumns, remapColumns } from '../scalar-visit.ts';
import { andOf, conjunctsOf } from './pushdown.ts';

interface Flat {
  readonly leaves: LogicalPlan[];
  readonly conjuncts: ScalarExpr[];
}

function flatten(plan: LogicalPlan, offset: number, out: Flat): void {
  if (plan.kind === 'join' && plan.joinType === 'inner') {
    const nl = plan.left.schema.length;
    flatten(plan.left, offset, out);
    flatten(plan.right, offset + nl, out);
    for (const c of conjunctsOf(plan.on)) out.conjuncts.push(remapColumns(c, (i) => i + offset));
    return;
  }
  out.leaves.push(plan);
}

/** Orders the joins of every node; each node of a shared subplan once (the result stays shared). */
export const orderJoins = memoizePlanRewrite(orderJoinsOf);

function orderJoinsOf(plan: LogicalPlan): LogicalPlan {
  if (!(plan.kind === 'join' && plan.joinType === 'inner'))
    return withChildren(plan, planChildren(plan).map(orderJoins));
  const flat: Flat = { leaves: [], conjuncts: [] };
  flatten(plan, 0, flat);
  // A correlated subquery in a condition reads the joined row through outer references, which
  // neither the columns it is placed by nor the remapping see: such a tree keeps its written order.
  if (flat.conjuncts.some(readsJoinedRowInSubquery))
    return withChildren(plan, planChildren(plan).map(orderJoins));
  const leaves = flat.leaves.map(orderJoins);
  if (leaves.length < 3)
    return rebuild(
      leaves,
      flat.conjuncts,
      leaves.map((_, i) => i),
      plan,
    );
  const starts: number[] = [];
  let at = 0;
  for (const leaf of leaves) {
    starts.push(at);
    at += leaf.schema.length;
  }
  const leafOf = (col: number): number => {
    let i = starts.length - 1;
    while (starts[i]! > col) i--;
    return i;
  };
  const leavesOf = (c: ScalarExpr): Set<number> => new Set([...referencedColumns(c)].map(leafOf));
  const equiLinks = flat.conjuncts
    .filter((c) => c.kind === 'compare' && c.op === '=')
    .map(leavesOf)
    .filter((s) => s.size === 2);
  const order = [0];
  const placed = new Set([0]);
  while (order.length < leaves.length) {
    let next = -1;
    for (let j = 0; j < leaves.length && next < 0; j++) {
      if (placed.has(j)) continue;
      if (equiLinks.some((s) => s.has(j) && [...s].some((k) => placed.has(k)))) next = j;
    }
    if (next < 0) next = [...leaves.keys()].find((j) => !placed.has(j))!;
    order.push(next);
    placed.add(next);
  }
  return rebuild(leaves, flat.conjuncts, order, plan, starts, leafOf);
}

function rebuild(
  leaves: LogicalPlan[],
  conjuncts: ScalarExpr[],
  order: number[],
  original: LogicalPlan,
  starts?: number[],
  leafOf?: (col: number) => number,
): LogicalPlan {
  const begin = starts ?? prefixStarts(leaves);
  const owner = leafOf ?? ((col: number) => owningLeaf(begin, col));
  const position = new Map<number, number>();
  let current = leaves[order[0]!]!;
  const assign = (leaf: number, base: number): void => {
    for (let i = 0; i < leaves[leaf]!.schema.length; i++) position.set(begin[leaf]! + i, base + i);
  };
  assign(order[0]!, 0);
  const placed = new Set([order[0]!]);
  let remaining = conjuncts;
  for (const leaf of order.slice(1)) {
    const base = current.schema.length;
    assign(leaf, base);
    placed.add(leaf);
    const ready = remaining.filter((c) => [...referencedColumns(c)].every((col) => placed.has(owner(col))));
    remaining = remaining.filter((c) => !ready.includes(c));
    const right = leaves[leaf]!;
    current = {
      kind: 'join',
      joinType: 'inner',
      left: current,
      right,
      on: andOf(ready.map((c) => remapColumns(c, (i) => position.get(i)!))),
      schema: [...current.schema, ...right.schema],
    };
  }
  if (remaining.length > 0) {
    current = {
      kind: 'filter',
      input: current,
      predicate: andOf(remaining.map((c) => remapColumns(c, (i) => position.get(i)!))),
      schema: current.schema,
    };
  }
  const identity = order.every((leaf, i) => leaf === i);
  if (identity) return current;
  return {
    kind: 'map',
    input: current,
    exprs: original.schema.map((c, i) => ({ kind: 'column', index: position.get(i)!, type: c.type })),
    schema: original.schema,
  };
}

function prefixStarts(leaves: LogicalPlan[]): number[] {
  const starts: number[] = [];
  let at = 0;
  for (const leaf of leaves) {
    starts.push(at);
    at += leaf.schema.length;
  }
  return starts;
}

function owningLeaf(starts: number[], col: number): number {
  let i = starts.length - 1;
  while (starts[i]! > col) i--;
  return i;
}

function readsJoinedRowInSubquery(c: ScalarExpr): boolean {
  return anyNode(c, (n) => n.kind === 'subquery' && outerDepth(n.plan) > 0);
}
