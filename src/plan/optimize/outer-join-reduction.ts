/**
 * @module plan/optimize/outer-join-reduction
 * An outer join under a WHERE or a join's ON that no NULL-extended row can pass becomes the join that keeps only
 * what passes (LEFT/RIGHT → INNER, FULL → LEFT/RIGHT), as PostgreSQL's planner reduces it
 * (reduce_outer_joins). The result is the same; what changes is which rows the WHERE is
 * evaluated on: PostgreSQL never evaluates it on NULL-extended rows, so an error such a row would
 * raise (`x.a = ANY(ARRAY[y.arr, ARRAY[1,2]])`) is not raised. Part of constant folding, so ad-hoc
 * queries, the reference evaluation and views all see the reduced join.
 */
import type { JoinType, LogicalPlan } from '../logical.ts';
import { memoizePlanRewrite, planChildren, sharedNodes } from '../plan-visit.ts';
import type { ScalarExpr } from '../scalar.ts';

type Join = Extract<LogicalPlan, { kind: 'join' }>;

/** `plan` with every outer join reduced that a WHERE directly above it (through joins) allows. */
export function reduceOuterJoins(plan: LogicalPlan): LogicalPlan {
  // A node read twice (a CTE) is left as it is: its other readers may keep the NULL-extended rows.
  const shared = sharedNodes(plan, true);
  const rewrite = memoizePlanRewrite((p: LogicalPlan): LogicalPlan => {
    const node = withInputs(p, rewrite);
    // A join's own ON clause reduces the joins below it (see `reduce`).
    if (node.kind === 'join') return reduce(node, new Set(), shared);
    if (node.kind !== 'filter') return node;
    const input = reduce(node.input, rejectedBy(node.predicate), shared);
    return input === node.input ? node : { ...node, input };
  });
  return rewrite(plan);
}

/**
 * The outer joins of `plan` that `reduceOuterJoins` reduces, each with the type it becomes: what
 * PostgreSQL's join removal sees, as it runs after reduce_outer_joins (a FULL JOIN a WHERE makes a
 * LEFT JOIN may lose its right side).
 */
export function reducedJoinTypes(plan: LogicalPlan): Map<LogicalPlan, JoinType> {
  const reduced = new Map<LogicalPlan, JoinType>();
  const seen = new Set<LogicalPlan>();
  const pair = (before: LogicalPlan, after: LogicalPlan): void => {
    // An unchanged node is the same object (withInputs keeps it), and so is all below it.
    if (before === after || seen.has(before)) return;
    seen.add(before);
    if (before.kind === 'join' && after.kind === 'join' && before.joinType !== after.joinType)
      reduced.set(before, after.joinType);
    const next = planChildren(after);
    for (const [i, c] of planChildren(before).entries()) pair(c, next[i]!);
  };
  pair(plan, reduceOuterJoins(plan));
  return reduced;
}

function withInputs(p: LogicalPlan, f: (p: LogicalPlan) => LogicalPlan): LogicalPlan {
  switch (p.kind) {
    case 'get':
    case 'values':
      return p;
    case 'join':
    case 'setOp': {
      const [left, right] = [f(p.left), f(p.right)];
      return left === p.left && right === p.right ? p : { ...p, left, right };
    }
    default: {
      const input = f(p.input);
      return input === p.input ? p : { ...p, input };
    }
  }
}

/** The columns whose NULL makes `predicate` not TRUE. */
function rejectedBy(predicate: ScalarExpr): Set<number> {
  const rejected = new Set<number>();
  for (const q of conjuncts(predicate)) nullRejected(q, rejected);
  return rejected;
}

/**
 * `plan` with the outer joins reduced that rows whose columns `rejected` are NULL cannot pass
 * (those rows are filtered out above it anyway). A join's ON clause rejects too, as PostgreSQL's
 * reduce_outer_joins uses it: an inner join's for both sides, an outer join's for its nullable
 * side only (a row of that side failing ON matches nothing, so it never reaches the output), as
 * in `(x0 LEFT JOIN x1 …) RIGHT JOIN x2 ON x1.l1 = ANY(…)`, where PostgreSQL then never
 * evaluates the ON over a NULL-extended x1 (fuzz case 808:1431).
 */
function reduce(
  plan: LogicalPlan,
  rejected: ReadonlySet<number>,
  shared: ReadonlySet<LogicalPlan>,
): LogicalPlan {
  if (shared.has(plan)) return plan;
  if (plan.kind === 'filter') {
    if (rejected.size === 0) return plan;
    const input = reduce(plan.input, rejected, shared);
    return input === plan.input ? plan : { ...plan, input };
  }
  if (plan.kind !== 'join') return plan;
  const nl = plan.left.schema.length;
  const [leftRejected, rightRejected] = split(rejected, nl);
  const joinType = reducedType(plan.joinType, leftRejected.size > 0, rightRejected.size > 0);
  const byOn =
    joinType === 'inner' || joinType === 'left' || joinType === 'right'
      ? rejectedBy(plan.on)
      : new Set<number>();
  const [leftByOn, rightByOn] = split(byOn, nl);
  // Only a side whose rows reach the output unchanged passes the rejection above on to its own joins.
  const keepsLeft = joinType === 'inner' || joinType === 'left' || joinType === 'semi' || joinType === 'anti';
  const keepsRight = joinType === 'inner' || joinType === 'right';
  const leftPass = union(keepsLeft ? leftRejected : null, joinType === 'left' ? null : leftByOn);
  const rightPass = union(keepsRight ? rightRejected : null, joinType === 'right' ? null : rightByOn);
  const left = leftPass.size > 0 ? reduce(plan.left, leftPass, shared) : plan.left;
  const right = rightPass.size > 0 ? reduce(plan.right, rightPass, shared) : plan.right;
  if (joinType === plan.joinType && left === plan.left && right === plan.right) return plan;
  return { ...plan, joinType, left, right } satisfies Join;
}

/** The columns of a join's row split into its left input's and its right input's (renumbered). */
function split(columns: ReadonlySet<number>, leftWidth: number): [Set<number>, Set<number>] {
  const left = new Set([...columns].filter((i) => i < leftWidth));
  const right = new Set([...columns].filter((i) => i >= leftWidth).map((i) => i - leftWidth));
  return [left, right];
}

function union(a: ReadonlySet<number> | null, b: ReadonlySet<number> | null): Set<number> {
  return new Set([...(a ?? []), ...(b ?? [])]);
}

/** The join type left once rows with a NULL-extended left (right) side are rejected. */
function reducedType(type: JoinType, leftRejected: boolean, rightRejected: boolean): JoinType {
  if (type === 'left' && rightRejected) return 'inner';
  if (type === 'right' && leftRejected) return 'inner';
  if (type === 'full') {
    if (leftRejected && rightRejected) return 'inner';
    if (leftRejected) return 'left';
    if (rightRejected) return 'right';
  }
  return type;
}

function conjuncts(e: ScalarExpr): ScalarExpr[] {
  return e.kind === 'and' ? e.args.flatMap(conjuncts) : [e];
}

/** Adds the columns whose NULL makes the qual `q` not TRUE (it is NULL or FALSE then). */
function nullRejected(q: ScalarExpr, into: Set<number>): void {
  switch (q.kind) {
    case 'column':
      // A boolean column as the qual (`WHERE x.flag`): NULL is not TRUE.
      into.add(q.index);
      return;
    case 'isNull':
      // x IS NOT NULL; x IS NULL passes the NULL-extended rows.
      if (q.negated) nullPropagating(q.arg, into);
      return;
    case 'isDistinct':
      // x IS TRUE / IS FALSE (x IS NOT DISTINCT FROM a constant that is not NULL).
      if (q.negated) comparedWithConstant(q.left, q.right, into);
      return;
    case 'not':
      // NOT (x IS NOT TRUE) is x IS TRUE; NOT (x IS NULL) is x IS NOT NULL; NOT of a
      // NULL-propagating x is NULL.
      if (q.arg.kind === 'isDistinct' && !q.arg.negated) comparedWithConstant(q.arg.left, q.arg.right, into);
      else if (q.arg.kind === 'isNull' && !q.arg.negated) nullPropagating(q.arg.arg, into);
      else nullPropagating(q.arg, into);
      return;
    case 'or': {
      // Rejected by every branch.
      const [first, ...rest] = q.args.map((a) => {
        const s = new Set<number>();
        for (const c of conjuncts(a)) nullRejected(c, s);
        return s;
      });
      for (const c of first ?? []) if (rest.every((s) => s.has(c))) into.add(c);
      return;
    }
    case 'compare':
      nullPropagating(q.left, into);
      nullPropagating(q.right, into);
      return;
    case 'inList':
      nullPropagating(q.arg, into);
      return;
    case 'call':
      // x op ANY (array) is NULL or FALSE for a NULL x or array (FALSE on an empty array); with ALL
      // an empty array makes it TRUE whatever x is.
      if (q.name.endsWith(' ANY')) for (const a of q.args) nullPropagating(a, into);
      else if (q.name.endsWith(' ALL')) nullPropagating(q.args[1]!, into);
      else if (q.strict) for (const a of q.args) nullPropagating(a, into);
      return;
    default:
      return;
  }
}

function comparedWithConstant(left: ScalarExpr, right: ScalarExpr, into: Set<number>): void {
  if (right.kind === 'literal' && right.value !== null) nullPropagating(left, into);
  else if (left.kind === 'literal' && left.value !== null) nullPropagating(right, into);
}

/** Adds the columns whose NULL makes `e` NULL (through strict calls, casts and comparisons). */
function nullPropagating(e: ScalarExpr, into: Set<number>): void {
  switch (e.kind) {
    case 'column':
      into.add(e.index);
      return;
    case 'cast':
      nullPropagating(e.arg, into);
      return;
    case 'compare':
      nullPropagating(e.left, into);
      nullPropagating(e.right, into);
      return;
    case 'call':
      if (e.strict) for (const a of e.args) nullPropagating(a, into);
      return;
    default:
      return;
  }
}
