/**
 * @module plan/optimize/pushed-quals
 * The plan-time errors of join quals PostgreSQL pushes into a subquery it plans on its own. An
 * ON conjunct reading only one side of a join, a side that may take it (either side of an inner
 * join, the nullable side of a LEFT or RIGHT join), becomes a restriction of that side; when the
 * side is a grouped or DISTINCT subquery, PostgreSQL pushes it into the subquery (its HAVING or
 * WHERE, set_subquery_pathlist) with the subquery's output expressions put for its columns, and
 * folds it there while planning the subquery: `LEFT JOIN (SELECT ARRAY[1] AS a … GROUP BY g) s ON
 * ARRAY[s.a, '{}'] = s.a` fails with 2202E even under `WHERE false` (fuzz 1010:372). Nothing is
 * rewritten here; the conjunct is folded as PostgreSQL would, raising what that folding raises.
 */
import type { LogicalPlan } from '../logical.ts';
import type { ScalarExpr } from '../scalar.ts';
import { anyNode, referencedColumns, transformUp } from '../scalar-visit.ts';
import { foldExpression, foldQuietly } from './fold-expression.ts';
import { conjunctsOf } from './pushdown.ts';

type Join = Extract<LogicalPlan, { kind: 'join' }>;
type MapNode = Extract<LogicalPlan, { kind: 'map' }>;

/**
 * Folds, raising, each conjunct of `join`'s ON that PostgreSQL pushes into a side planned apart.
 * `shared` tells a CTE or view read more than once (planned whole: nothing is pushed into it);
 * `sideRead` whether a column of that side is read above the join.
 */
export function raisePushedQualErrors(
  join: Join,
  shared: (plan: LogicalPlan) => boolean,
  sideRead: (side: 'left' | 'right') => boolean,
): void {
  const t = join.joinType;
  if (t !== 'inner' && t !== 'left' && t !== 'right') return;
  const nl = join.left.schema.length;
  // The ON as PostgreSQL's planner has it before distributing it: `false AND q` pushes nothing.
  const conjuncts = conjunctsOf(foldQuietly(join.on));
  const sides: ('left' | 'right')[] = t === 'inner' ? ['left', 'right'] : t === 'left' ? ['right'] : ['left'];
  for (const side of sides) {
    const plan = join[side];
    const outputs = shared(plan) ? null : outputsOfPushTarget(plan);
    if (outputs === null) continue;
    const offset = side === 'left' ? 0 : nl;
    const width = plan.schema.length;
    const onSide = (i: number) => i >= offset && i < offset + width;
    // A LEFT JOIN to a grouped subquery whose columns nothing reads may be removed when its ON
    // equates its group columns (join removal), and then nothing is planned: only ONs without an
    // equality between the sides are judged there.
    if (t !== 'inner' && !sideRead(side) && conjuncts.some((c) => equatesSides(c, onSide))) continue;
    for (const c of conjuncts) {
      if (!pushable(c)) continue;
      const columns = [...referencedColumns(c)];
      if (columns.length === 0 || !columns.every(onSide)) continue;
      const substituted = transformUp(c, (n) => {
        if (n.kind !== 'column') return n;
        const e = outputs[n.index - offset]!;
        return isConstant(e) ? e : n;
      });
      foldExpression(substituted);
    }
  }
}

/**
 * The output expressions of a subquery PostgreSQL plans apart and pushes quals into: a map over a
 * grouped aggregate (through HAVING filters), or a DISTINCT over a map. Null for anything else
 * (pulled-up subqueries, LIMIT, windows, set operations, ungrouped aggregates: kept out, narrow).
 */
function outputsOfPushTarget(plan: LogicalPlan): readonly ScalarExpr[] | null {
  const map: MapNode | null =
    plan.kind === 'map' ? plan : plan.kind === 'distinct' && plan.input.kind === 'map' ? plan.input : null;
  if (map === null || map.exprs.some(isVolatile)) return null;
  if (plan.kind === 'distinct') return map.exprs;
  let input = map.input;
  while (input.kind === 'filter') input = input.input;
  return input.kind === 'aggregate' && input.groupBy.length > 0 ? map.exprs : null;
}

/** What PostgreSQL pushes: no subquery, nothing volatile (qual_is_pushdown_safe). */
function pushable(e: ScalarExpr): boolean {
  return !anyNode(
    e,
    (n) => n.kind === 'subquery' || n.kind === 'outerRef' || (n.kind === 'call' && n.volatile),
  );
}

function equatesSides(c: ScalarExpr, onSide: (i: number) => boolean): boolean {
  if (c.kind !== 'compare' || c.op !== '=') return false;
  const sides = [c.left, c.right].map((e) => [...referencedColumns(e)]);
  return sides.some((cols) => cols.some(onSide)) && sides.some((cols) => cols.some((i) => !onSide(i)));
}

const isVolatile = (e: ScalarExpr): boolean => anyNode(e, (n) => n.kind === 'call' && n.volatile);

function isConstant(e: ScalarExpr): boolean {
  return !anyNode(
    e,
    (n) => n.kind === 'column' || n.kind === 'outerRef' || n.kind === 'subquery' || isVolatile(n),
  );
}
