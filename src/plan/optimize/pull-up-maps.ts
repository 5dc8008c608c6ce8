/**
 * @module plan/optimize/pull-up-maps
 * Where a simple FROM subquery's select list is computed. PostgreSQL pulls such a subquery up into
 * its parent (pull_up_subqueries): its output expressions are put where the parent reads them, so
 * they are computed above the join the subquery sat in, only for the rows that join (an error in
 * `ARRAY[x.a, ARRAY[2]]` is never raised when no row joins, fuzz 1313:153). The plan computes them
 * there too: a join whose side is such a map gets the map's input as that side and the map on top,
 * its ON reading the map's expressions in place of its columns. Only on a side the join does not
 * NULL-extend: on an outer join's nullable side PostgreSQL keeps a placeholder computed below it.
 */
import type { LogicalPlan } from '../logical.ts';
import { outerDepth } from '../plan-visit.ts';
import type { ScalarExpr } from '../scalar.ts';
import { anyNode, transformUp } from '../scalar-visit.ts';

type Join = Extract<LogicalPlan, { kind: 'join' }>;
type MapNode = Extract<LogicalPlan, { kind: 'map' }>;
type Filter = Extract<LogicalPlan, { kind: 'filter' }>;

/**
 * `join` (children already rewritten) with the sides `pulled` says PostgreSQL pulls up moved
 * above it, or `join` itself when neither side is a map computing something that can be pulled.
 */
export function pullUpMaps(join: Join, pulled: (side: 'left' | 'right') => boolean): LogicalPlan {
  if (hasSubquery(join.on)) return join;
  const outer = join.joinType;
  const left = outer !== 'right' && outer !== 'full' && pulled('left') ? computing(join.left) : undefined;
  const right =
    (outer === 'inner' || outer === 'right') && pulled('right') ? computing(join.right) : undefined;
  if (!left && !right) return join;
  const newLeft = left ? left.input : join.left;
  const newRight = right ? right.input : join.right;
  const nl = join.left.schema.length;
  const nlNew = newLeft.schema.length;
  // Each column of the old join as an expression over the new join's row.
  const leftCol = (i: number): ScalarExpr =>
    left ? left.exprs[i]! : { kind: 'column', index: i, type: join.left.schema[i]!.type };
  const rightCol = (j: number): ScalarExpr =>
    right
      ? transformUp(right.exprs[j]!, (n) => (n.kind === 'column' ? { ...n, index: n.index + nlNew } : n))
      : { kind: 'column', index: nlNew + j, type: join.right.schema[j]!.type };
  const columnOf = (i: number): ScalarExpr => (i < nl ? leftCol(i) : rightCol(i - nl));
  const on = transformUp(join.on, (n) => (n.kind === 'column' ? columnOf(n.index) : n));
  const leftOnly = outer === 'semi' || outer === 'anti';
  const inner: Join = {
    ...join,
    left: newLeft,
    right: newRight,
    on,
    schema: leftOnly ? newLeft.schema : [...newLeft.schema, ...newRight.schema],
  };
  return { kind: 'map', input: inner, exprs: join.schema.map((_, i) => columnOf(i)), schema: join.schema };
}

/**
 * `filter` (input already rewritten) with its input map moved above it when `pulled`: a WHERE over
 * a pulled-up subquery tests its rows before the select list is computed (`WHERE x.id IN (…)`
 * keeps `ARRAY[…]` from rows that fail it). Not when a subquery in the WHERE reads the row.
 */
export function pullUpThroughFilter(filter: Filter, pulled: boolean): LogicalPlan {
  const map = pulled ? computing(filter.input) : undefined;
  if (!map || anyNode(filter.predicate, (n) => n.kind === 'subquery' && outerDepth(n.plan) > 0))
    return filter;
  const predicate = transformUp(filter.predicate, (n) => (n.kind === 'column' ? map.exprs[n.index]! : n));
  return { ...map, input: { ...filter, predicate, input: map.input, schema: map.input.schema } };
}

/** `p` when it is a map computing something other than columns and constants, free of subqueries. */
function computing(p: LogicalPlan): MapNode | undefined {
  if (p.kind !== 'map' || p.exprs.some(hasSubquery)) return undefined;
  return p.exprs.some((e) => e.kind !== 'column' && e.kind !== 'literal') ? p : undefined;
}

function hasSubquery(e: ScalarExpr): boolean {
  return anyNode(e, (n) => n.kind === 'subquery');
}
