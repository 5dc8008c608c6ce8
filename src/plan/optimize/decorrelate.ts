/**
 * @module plan/optimize/decorrelate
 * Removes every subquery expression from a plan, turning it into joins, so the plan can be
 * lowered to the dataflow. Innermost subqueries go first. A WHERE conjunct `EXISTS`, `IN`,
 * `op ANY/ALL` or their negation whose correlation lives only in the subquery's top filters
 * becomes a semi or anti join; any other subquery (scalar, inside CASE, OR, a select list…) gets
 * its value attached as a column through the domain of the outer values it depends on
 * (domain.ts), which is exact for every shape, NULLs and empty results included.
 */
import { FeatureNotSupportedError } from '../../common/errors.ts';
import { T } from '../../common/types.ts';
import type { AggregateCall, Column, LogicalPlan } from '../logical.ts';
import { memoizePlanRewrite, planChildren, withChildren } from '../plan-visit.ts';
import type { CompareOp, ScalarExpr, Subquery } from '../scalar.ts';
import { anyNode, transformUp } from '../scalar-visit.ts';
import { decorrelateJoin } from './decorrelate-join.ts';
import {
  columns,
  type Domain,
  domainMatch,
  outerColumns,
  pushDomain,
  refersToOuter,
  shallower,
} from './domain.ts';
import { atMostOneRow, requireSingleRow } from './single-row.ts';

const TRUE: ScalarExpr = { kind: 'literal', value: true, type: T.bool };

const hasSubquery = (e: ScalarExpr): boolean => anyNode(e, (n) => n.kind === 'subquery');

/** Decorrelates a plan; each node of a shared subplan once (the result stays shared). */
export const decorrelate = memoizePlanRewrite(decorrelateNode);

function decorrelateNode(plan: LogicalPlan): LogicalPlan {
  plan = withChildren(plan, planChildren(plan).map(decorrelate));
  switch (plan.kind) {
    case 'filter':
      return hasSubquery(plan.predicate) ? decorrelateFilter(plan) : plan;
    case 'map':
      return plan.exprs.some(hasSubquery) ? decorrelateMap(plan) : plan;
    case 'join':
      return hasSubquery(plan.on) ? decorrelateJoin(plan, decorrelateFilter) : plan;
    case 'values':
      if (plan.rows.some((r) => r.some(hasSubquery)))
        throw new FeatureNotSupportedError('subqueries in VALUES are not supported in views yet');
      return plan;
    case 'flatMap':
      if (plan.args.some(hasSubquery))
        throw new FeatureNotSupportedError(
          'subqueries in set-returning function arguments are not supported yet',
        );
      return plan;
    default:
      return plan;
  }
}

/** Decorrelates the subquery plans inside `e` (innermost first). */
function inner(e: ScalarExpr): ScalarExpr {
  return transformUp(e, (n) => (n.kind === 'subquery' ? { ...n, plan: decorrelate(n.plan) } : n));
}

function conjuncts(e: ScalarExpr): ScalarExpr[] {
  return e.kind === 'and' ? e.args.flatMap(conjuncts) : [e];
}

function decorrelateFilter(plan: Extract<LogicalPlan, { kind: 'filter' }>): LogicalPlan {
  let input = plan.input;
  const rest: ScalarExpr[] = [];
  for (const c of conjuncts(inner(plan.predicate))) {
    const joined =
      c.kind === 'subquery' || (c.kind === 'not' && c.arg.kind === 'subquery')
        ? semiJoinFastPath(input, c)
        : null;
    if (joined) input = joined;
    else rest.push(c);
  }
  if (rest.length === 0) return input;
  const predicate: ScalarExpr = rest.length === 1 ? rest[0]! : { kind: 'and', args: rest, type: T.bool };
  if (!hasSubquery(predicate)) return { kind: 'filter', input, predicate, schema: plan.schema };
  const attached = attachAll(input, [predicate]);
  const filtered: LogicalPlan = {
    kind: 'filter',
    input: attached.plan,
    predicate: attached.exprs[0]!,
    schema: attached.plan.schema,
  };
  return project(filtered, plan.schema.length);
}

function decorrelateMap(plan: Extract<LogicalPlan, { kind: 'map' }>): LogicalPlan {
  const attached = attachAll(plan.input, plan.exprs.map(inner));
  return { kind: 'map', input: attached.plan, exprs: attached.exprs, schema: plan.schema };
}

/** Keeps the first `width` columns. */
function project(plan: LogicalPlan, width: number): LogicalPlan {
  if (plan.schema.length === width) return plan;
  const schema = plan.schema.slice(0, width);
  return {
    kind: 'map',
    input: plan,
    exprs: schema.map((c, i) => ({ kind: 'column', index: i, type: c.type })),
    schema,
  };
}

/**
 * Replaces every subquery in `exprs` (over `input`'s columns) by a column holding its value,
 * attached to `input` with one extra column per subquery (row multiplicities unchanged).
 */
function attachAll(
  input: LogicalPlan,
  exprs: readonly ScalarExpr[],
): { plan: LogicalPlan; exprs: ScalarExpr[] } {
  let plan = input;
  const rewritten = exprs.map((e) =>
    transformUp(e, (n) => {
      if (n.kind !== 'subquery') return n;
      const attached = attachValue(plan, n);
      plan = attached.plan;
      return { kind: 'column', index: attached.index, type: n.type };
    }),
  );
  return { plan, exprs: rewritten };
}

function compare(op: CompareOp, left: ScalarExpr, right: ScalarExpr): ScalarExpr {
  return { kind: 'compare', op, left, right, type: T.bool };
}

/** The general path: L' = L ⋈ V where V holds, per distinct outer value d, the subquery's value. */
function attachValue(input: LogicalPlan, sub: Subquery): { plan: LogicalPlan; index: number } {
  const nL = input.schema.length;
  const refs = [...outerColumns(sub.plan)].sort((a, b) => a - b);
  const dExprs: ScalarExpr[] = refs.map((c) => ({ kind: 'column', index: c, type: input.schema[c]!.type }));
  if (sub.test) dExprs.push(sub.test);
  const dSchema: Column[] = dExprs.map((e, i) => ({ name: `?d${i}?`, type: e.type, nullable: true }));
  const m = dSchema.length;
  const dPlan: LogicalPlan = {
    kind: 'distinct',
    input: { kind: 'map', input, exprs: dExprs, schema: dSchema },
    schema: dSchema,
  };
  const domain: Domain = { plan: dPlan, positionOf: new Map(refs.map((c, i) => [c, i])), pushed: new Map() };
  const qd = pushDomain(sub.plan, domain);
  const value = domainValue(sub, qd, dPlan, m);
  const withD: LogicalPlan = {
    kind: 'map',
    input,
    exprs: [...columns(input.schema, 0, nL), ...dExprs],
    schema: [...input.schema, ...dSchema],
  };
  const joinSchema = [...withD.schema, ...value.schema.map((c) => ({ ...c, nullable: true }))];
  const joined: LogicalPlan = {
    kind: 'join',
    joinType: 'left',
    left: withD,
    right: value,
    on: domainMatch(nL, nL + m, joinSchema, m),
    schema: joinSchema,
  };
  const result: ScalarExpr = { kind: 'column', index: nL + 2 * m, type: sub.type };
  const schema = [...input.schema, { name: '?subquery?', type: sub.type, nullable: true }];
  return {
    plan: { kind: 'map', input: joined, exprs: [...columns(joinSchema, 0, nL), result], schema },
    index: nL,
  };
}

/** V: one row per domain value d: [d…, value]. */
function domainValue(sub: Subquery, qd: LogicalPlan, d: LogicalPlan, m: number): LogicalPlan {
  const dSchema = d.schema;
  const leftJoin = (right: LogicalPlan): LogicalPlan => {
    const schema = [...dSchema, ...right.schema.map((c) => ({ ...c, nullable: true }))];
    return { kind: 'join', joinType: 'left', left: d, right, on: domainMatch(0, m, schema, m), schema };
  };
  const counted = (calls: AggregateCall[], input: LogicalPlan): LogicalPlan => ({
    kind: 'aggregate',
    input,
    groupBy: Array.from({ length: m }, (_, i) => i),
    aggregates: calls,
    schema: [...dSchema, ...calls.map((c, i) => ({ name: `?count${i}?`, type: c.type, nullable: false }))],
  });
  const count = (filter: number | null): AggregateCall => ({
    fn: 'count_star',
    args: [],
    distinct: false,
    filter,
    orderBy: [],
    type: T.int8,
  });
  const finish = (joined: LogicalPlan, value: ScalarExpr): LogicalPlan => ({
    kind: 'map',
    input: joined,
    exprs: [...columns(joined.schema, 0, m), value],
    schema: [...dSchema, { name: '?value?', type: sub.type, nullable: true }],
  });
  const zeroIfNull = (index: number): ScalarExpr => ({
    kind: 'coalesce',
    args: [
      { kind: 'column', index, type: T.int8 },
      { kind: 'literal', value: 0, type: T.int8 },
    ],
    type: T.int8,
  });
  const positive = (index: number): ScalarExpr =>
    compare('>', zeroIfNull(index), { kind: 'literal', value: 0, type: T.int8 });
  switch (sub.subquery) {
    case 'scalar': {
      const values = finish(leftJoin(qd), { kind: 'column', index: 2 * m, type: sub.type });
      return atMostOneRow(sub.plan) ? values : requireSingleRow(values, m);
    }
    case 'exists': {
      const joined = leftJoin(counted([count(null)], qd));
      return finish(joined, positive(2 * m));
    }
    case 'any':
    case 'all': {
      const cmp = compare(
        sub.op!,
        { kind: 'column', index: m - 1, type: sub.test!.type },
        { kind: 'column', index: m, type: qd.schema[m]!.type },
      );
      const isTrue: ScalarExpr = { kind: 'isDistinct', left: cmp, right: TRUE, negated: true, type: T.bool };
      const isFalse: ScalarExpr = {
        kind: 'isDistinct',
        left: cmp,
        right: { kind: 'literal', value: false, type: T.bool },
        negated: true,
        type: T.bool,
      };
      const isNull: ScalarExpr = { kind: 'isNull', arg: cmp, negated: false, type: T.bool };
      const flags: LogicalPlan = {
        kind: 'map',
        input: qd,
        exprs: [...columns(qd.schema, 0, m), isTrue, isNull, isFalse],
        schema: [
          ...dSchema,
          ...['t', 'n', 'f'].map((n) => ({ name: `?${n}?`, type: T.bool, nullable: false })),
        ],
      };
      const joined = leftJoin(counted([count(m), count(m + 1), count(m + 2)], flags));
      const [t, n, f] = [2 * m, 2 * m + 1, 2 * m + 2];
      const lit = (v: boolean | null): ScalarExpr => ({ kind: 'literal', value: v, type: T.bool });
      const value: ScalarExpr =
        sub.subquery === 'any'
          ? {
              kind: 'case',
              whens: [
                { when: positive(t), result: lit(true) },
                { when: positive(n), result: lit(null) },
              ],
              otherwise: lit(false),
              type: T.bool,
            }
          : {
              kind: 'case',
              whens: [
                { when: positive(f), result: lit(false) },
                { when: positive(n), result: lit(null) },
              ],
              otherwise: lit(true),
              type: T.bool,
            };
      return finish(joined, value);
    }
  }
}

/**
 * A WHERE conjunct [NOT] EXISTS / IN / op ANY / op ALL whose subquery is
 * `[map] → filter* → base` with outer references only in the filters (and the map): a semi or
 * anti join carrying the filters' predicates in its ON condition. Null if the shape differs.
 */
function semiJoinFastPath(input: LogicalPlan, conjunct: ScalarExpr): LogicalPlan | null {
  const negated = conjunct.kind === 'not';
  const sub = (negated ? (conjunct as { arg: ScalarExpr }).arg : conjunct) as Subquery;
  // A subquery inside the tested value must be attached first: the general path does that.
  if (sub.subquery === 'scalar' || (sub.test && hasSubquery(sub.test))) return null;
  let q = sub.plan;
  let projection: readonly ScalarExpr[] | null = null;
  if (q.kind === 'map') {
    projection = q.exprs;
    q = q.input;
  }
  const predicates: ScalarExpr[] = [];
  while (q.kind === 'filter') {
    predicates.push(q.predicate);
    q = q.input;
  }
  if (q.kind === 'orderBy') q = q.input;
  if (refersToOuter(q)) return null;
  const base = shallower(q);
  const nL = input.schema.length;
  const toJoin = (e: ScalarExpr): ScalarExpr =>
    transformUp(e, (n) => {
      if (n.kind === 'column') return { ...n, index: n.index + nL };
      if (n.kind === 'outerRef')
        return n.depth === 1
          ? { kind: 'column', index: n.index, type: n.type }
          : { ...n, depth: n.depth - 1 };
      return n;
    });
  const on = predicates.map(toJoin);
  let joinType: 'semi' | 'anti' = negated ? 'anti' : 'semi';
  let nullAwareAnti = false;
  if (sub.subquery === 'any' || sub.subquery === 'all') {
    if (projection?.length !== 1) return null;
    const value = toJoin(projection[0]!);
    const cmp = compare(sub.op!, sub.test!, value);
    const all = sub.subquery === 'all';
    if (!all && !negated) on.push(cmp);
    else if (!all && negated) {
      // NOT (x op ANY q): drop l when any row compares TRUE or NULL.
      if (on.length > 0) return null;
      on.push(cmp);
      nullAwareAnti = true;
    } else if (all && !negated) {
      // x op ALL q: keep l when no row compares FALSE or NULL.
      on.push({ kind: 'isDistinct', left: cmp, right: TRUE, negated: false, type: T.bool });
      joinType = 'anti';
    } else {
      // NOT (x op ALL q) is TRUE only when some row compares FALSE: left to the general path.
      return null;
    }
  }
  const predicate: ScalarExpr =
    on.length === 0 ? TRUE : on.length === 1 ? on[0]! : { kind: 'and', args: on, type: T.bool };
  return {
    kind: 'join',
    joinType,
    left: input,
    right: base,
    on: predicate,
    nullAwareAnti,
    schema: input.schema,
  };
}
