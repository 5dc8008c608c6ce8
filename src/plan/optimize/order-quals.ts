/**
 * @module plan/optimize/order-quals
 * The order a WHERE's or a join's conditions are tested in. PostgreSQL's planner sorts every list
 * of quals by its estimate of their cost per row, cheapest first, equal costs kept in their order
 * (`order_qual_clauses`), and its executor stops at the first one that is not TRUE. Which one
 * runs first decides whether a row raises a later one's error: in `x0.id = ANY(x1.a) AND x1.a >=
 * ARRAY[x1.a, x0.a]` the array comparison (one operator) runs before the `= ANY` over a column
 * (an operator for half of an array PostgreSQL guesses has ten elements), so a pair raises 2202E
 * that the written order would have ruled out first (fuzz 1414:882). Costs here are
 * PostgreSQL's (`cost_qual_eval`) in units of one operator: each operator or function call 1
 * (casts and GREATEST / LEAST too), `op ANY (array)` and `IN (list)` half the array's length (a
 * literal's or constructor's, else 10), a subquery more than any expression; building an array,
 * AND / OR / NOT, CASE, COALESCE and IS NULL nothing of their own.
 */
import type { LogicalPlan } from '../logical.ts';
import { planChildren, withChildren, withSubqueryPlans } from '../plan-visit.ts';
import type { ScalarExpr } from '../scalar.ts';
import { anyNode, children, referencedColumns } from '../scalar-visit.ts';

/** A subquery's cost: more than any expression's (PostgreSQL adds the subplan's whole cost). */
const subqueryCost = 1e6;

/** PostgreSQL's guess for an array whose length it cannot see (`estimate_array_length`). */
const unknownArrayLength = 10;

/** Estimated cost per row of evaluating `e`, in operators. */
export function qualCost(e: ScalarExpr): number {
  const inner = children(e).reduce((sum, c) => sum + qualCost(c), 0);
  switch (e.kind) {
    case 'column':
    case 'outerRef':
    case 'literal':
    case 'and':
    case 'or':
    case 'not':
    case 'isNull':
    case 'case':
    case 'coalesce':
      return inner;
    case 'subquery':
      return subqueryCost + inner;
    case 'inList':
      return inner + e.list.length * 0.5;
    case 'call':
      if (e.name === 'array') return inner;
      // Eddy's own step before a char comparison; PostgreSQL's bpchar operators need none.
      if (e.name === 'bpchar_trimmed') return inner;
      if (/ (ANY|ALL)$/.test(e.name)) return inner + arrayLength(e.args[1]!) * 0.5;
      return inner + 1;
    default:
      // compare, isDistinct, cast, minMax: one operator or function.
      return inner + 1;
  }
}

function arrayLength(e: ScalarExpr): number {
  if (e.kind === 'literal' && Array.isArray(e.value)) return e.value.length;
  if (e.kind === 'call' && e.name === 'array') return e.args.length;
  if (e.kind === 'cast') return arrayLength(e.arg);
  return unknownArrayLength;
}

/**
 * Whether `e` is an equality of an expression of the join's left input with one of its right
 * (`x0.id = x1.id + 1`): PostgreSQL hashes or merges on such a condition, so it is tested before
 * any other, on every plan but a nested loop.
 */
function joinKey(e: ScalarExpr, leftWidth: number): boolean {
  if (e.kind !== 'compare' || e.op !== '=') return false;
  const side = (x: ScalarExpr): 'left' | 'right' | null => {
    if (
      anyNode(x, (n) => n.kind === 'subquery' || n.kind === 'outerRef' || (n.kind === 'call' && n.volatile))
    )
      return null;
    const cols = [...referencedColumns(x)];
    if (cols.length === 0) return null;
    if (cols.every((c) => c < leftWidth)) return 'left';
    return cols.every((c) => c >= leftWidth) ? 'right' : null;
  };
  const [l, r] = [side(e.left), side(e.right)];
  return l !== null && r !== null && l !== r;
}

/**
 * `e`'s conjuncts in PostgreSQL's order: a join's keys first (when `leftWidth` is given), then
 * cheapest first, equal costs as they were.
 */
function ordered(e: ScalarExpr, leftWidth?: number): ScalarExpr {
  if (e.kind !== 'and' || e.args.length < 2) return e;
  const costs = e.args.map((a) => (leftWidth !== undefined && joinKey(a, leftWidth) ? -1 : qualCost(a)));
  const order = e.args.map((_, i) => i).sort((a, b) => costs[a]! - costs[b]! || a - b);
  if (order.every((i, k) => i === k)) return e;
  return { ...e, args: order.map((i) => e.args[i]!) };
}

/** Every filter's and join's conditions (subquery plans included) in PostgreSQL's order. */
export function orderQuals(plan: LogicalPlan): LogicalPlan {
  const done = new Map<LogicalPlan, LogicalPlan>();
  const visit = (p: LogicalPlan): LogicalPlan => {
    let out = done.get(p);
    if (out) return out;
    const inputs = planChildren(p);
    const visited = inputs.map(visit);
    out = withSubqueryPlans(visited.some((c, i) => c !== inputs[i]) ? withChildren(p, visited) : p, visit);
    if (out.kind === 'filter') {
      const predicate = ordered(out.predicate);
      if (predicate !== out.predicate) out = { ...out, predicate };
    } else if (out.kind === 'join') {
      const on = ordered(out.on, out.left.schema.length);
      if (on !== out.on) out = { ...out, on };
    }
    done.set(p, out);
    return out;
  };
  return visit(plan);
}
