/**
 * @module plan/optimize/domain
 * The dependent-join push-down behind decorrelation (after Neumann & Kemper, "Unnesting
 * Arbitrary Queries"): given a subquery plan Q whose depth-1 outer references name columns of an
 * outer row, and the domain D of distinct values of those columns, builds Q_D with schema
 * [D columns…, Q columns…] such that the rows of Q_D with prefix d are exactly Q evaluated with
 * the outer row's values d. Outer references of depth ≥ 2 move one level in (depth − 1).
 */
import { T } from '../../common/types.ts';
import type { Column, LogicalPlan, Schema } from '../logical.ts';
import { forEachNode, mapPlanExpressions, outerDepth, planChildren, planExpressions } from '../plan-visit.ts';
import type { ScalarExpr } from '../scalar.ts';
import { anyNode, transformUp } from '../scalar-visit.ts';

export interface Domain {
  /** The domain plan: distinct rows of the referenced outer columns (schema D). */
  readonly plan: LogicalPlan;
  /** Outer column index → position in D. */
  readonly positionOf: ReadonlyMap<number, number>;
  /** Q_D of each node pushed so far: a shared subplan of Q is pushed once and stays shared. */
  readonly pushed: Map<LogicalPlan, LogicalPlan>;
}

const TRUE: ScalarExpr = { kind: 'literal', value: true, type: T.bool };

const depthOneReaders = new WeakMap<LogicalPlan, boolean>();

/** True if the plan (not counting nested subqueries, which must already be gone) has depth-1 outer refs. */
export function refersToOuter(plan: LogicalPlan): boolean {
  let answer = depthOneReaders.get(plan);
  if (answer === undefined) {
    answer =
      outerDepth(plan) > 0 &&
      (planExpressions(plan).some((e) => anyNode(e, (n) => n.kind === 'outerRef' && n.depth === 1)) ||
        planChildren(plan).some(refersToOuter));
    depthOneReaders.set(plan, answer);
  }
  return answer;
}

/** Depth-1 outer column indexes referenced anywhere in `plan`. */
export function outerColumns(plan: LogicalPlan, into: Set<number> = new Set()): Set<number> {
  forEachNode(plan, false, (p) => {
    for (const e of planExpressions(p)) {
      anyNode(e, (n) => {
        if (n.kind === 'outerRef' && n.depth === 1) into.add(n.index);
        return false;
      });
    }
  });
  return into;
}

/** `a IS NOT DISTINCT FROM b` over columns `left+i` / `right+i`, i < width; TRUE when width is 0. */
export function domainMatch(left: number, right: number, schema: Schema, width: number): ScalarExpr {
  if (width === 0) return TRUE;
  const args: ScalarExpr[] = [];
  for (let i = 0; i < width; i++) {
    const type = schema[left + i]!.type;
    args.push({
      kind: 'isDistinct',
      left: { kind: 'column', index: left + i, type },
      right: { kind: 'column', index: right + i, type },
      negated: true,
      type: T.bool,
    });
  }
  return args.length === 1 ? args[0]! : { kind: 'and', args, type: T.bool };
}

export function crossJoin(left: LogicalPlan, right: LogicalPlan): LogicalPlan {
  return {
    kind: 'join',
    joinType: 'inner',
    left,
    right,
    on: TRUE,
    schema: [...left.schema, ...right.schema],
  };
}

/** Column references to `count` columns of `schema` from `from`. */
export function columns(schema: Schema, from: number, count: number): ScalarExpr[] {
  return Array.from(
    { length: count },
    (_, i) => ({ kind: 'column', index: from + i, type: schema[from + i]!.type }) as ScalarExpr,
  );
}

/** Rewrites an expression of Q for Q_D: columns shift by `shift`, depth-1 refs become D columns. */
function rewrite(e: ScalarExpr, domain: Domain, shift: number, dOffset: number): ScalarExpr {
  return transformUp(e, (n) => {
    if (n.kind === 'column') return { ...n, index: n.index + shift };
    if (n.kind === 'outerRef') {
      if (n.depth === 1)
        return { kind: 'column', index: dOffset + domain.positionOf.get(n.index)!, type: n.type };
      return { ...n, depth: n.depth - 1 };
    }
    return n;
  });
}

/** Moves every outer reference of depth ≥ 2 one level in (Q is being inlined into its parent). */
export function shallower(plan: LogicalPlan): LogicalPlan {
  // Unchanged (and still shared with its other readers) when nothing reaches that far out.
  if (outerDepth(plan) < 2) return plan;
  const fix = (e: ScalarExpr): ScalarExpr =>
    transformUp(e, (n) => (n.kind === 'outerRef' && n.depth >= 2 ? { ...n, depth: n.depth - 1 } : n));
  return mapPlanExpressions(plan, fix);
}

/** Builds Q_D (see the module comment). */
export function pushDomain(q: LogicalPlan, domain: Domain): LogicalPlan {
  let out = domain.pushed.get(q);
  if (!out) {
    out = pushNode(q, domain);
    domain.pushed.set(q, out);
  }
  return out;
}

function pushNode(q: LogicalPlan, domain: Domain): LogicalPlan {
  const d = domain.plan;
  const m = d.schema.length;
  if (!refersToOuter(q)) return crossJoin(d, shallower(q));
  const withD = (schema: Schema): Column[] => [...d.schema, ...schema];
  switch (q.kind) {
    case 'filter': {
      const input = pushDomain(q.input, domain);
      return {
        kind: 'filter',
        input,
        predicate: rewrite(q.predicate, domain, m, 0),
        schema: withD(q.schema),
      };
    }
    case 'map': {
      const input = pushDomain(q.input, domain);
      const exprs = [...columns(input.schema, 0, m), ...q.exprs.map((e) => rewrite(e, domain, m, 0))];
      return { kind: 'map', input, exprs, schema: withD(q.schema) };
    }
    case 'values': {
      let out: LogicalPlan | null = null;
      for (const row of q.rows) {
        const one: LogicalPlan = {
          kind: 'map',
          input: d,
          exprs: [...columns(d.schema, 0, m), ...row.map((e) => rewrite(e, domain, m, 0))],
          schema: withD(q.schema),
        };
        out = out
          ? { kind: 'setOp', op: 'union', all: true, left: out, right: one, schema: one.schema }
          : one;
      }
      return (
        out ?? {
          kind: 'filter',
          input: crossJoin(d, q),
          predicate: { kind: 'literal', value: false, type: T.bool },
          schema: withD(q.schema),
        }
      );
    }
    case 'aggregate':
      return pushAggregate(q, domain);
    case 'distinct':
      return { kind: 'distinct', input: pushDomain(q.input, domain), schema: withD(q.schema) };
    case 'topK':
      return {
        ...q,
        input: pushDomain(q.input, domain),
        partitionBy: [...range(m), ...q.partitionBy.map((i) => i + m)],
        orderBy: q.orderBy.map((k) => ({ ...k, column: k.column + m })),
        schema: withD(q.schema),
      };
    case 'window':
      return {
        ...q,
        input: pushDomain(q.input, domain),
        partitionBy: [...range(m), ...q.partitionBy.map((i) => i + m)],
        orderBy: q.orderBy.map((k) => ({ ...k, column: k.column + m })),
        calls: q.calls.map((c) => ({ ...c, args: c.args.map((a) => a + m) })),
        schema: withD(q.schema),
      };
    case 'setOp':
      return {
        ...q,
        left: pushDomain(q.left, domain),
        right: pushDomain(q.right, domain),
        schema: withD(q.schema),
      };
    case 'flatMap': {
      const input = pushDomain(q.input, domain);
      return { ...q, input, args: q.args.map((e) => rewrite(e, domain, m, 0)), schema: withD(q.schema) };
    }
    case 'orderBy':
      return pushDomain(q.input, domain);
    case 'join':
      return pushJoin(q, domain);
    case 'get':
      return crossJoin(d, q);
  }
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/**
 * Grouped aggregates gain the D columns as leading group keys. A scalar aggregate (no GROUP BY)
 * must still yield one row per d even when Q's input is empty for that d: D is left-joined to the
 * grouped result and the counts of the missing groups become 0.
 */
function pushAggregate(q: Extract<LogicalPlan, { kind: 'aggregate' }>, domain: Domain): LogicalPlan {
  const d = domain.plan;
  const m = d.schema.length;
  const input = pushDomain(q.input, domain);
  const grouped: LogicalPlan = {
    kind: 'aggregate',
    input,
    groupBy: [...range(m), ...q.groupBy.map((i) => i + m)],
    aggregates: q.aggregates.map((a) => ({
      ...a,
      args: a.args.map((i) => i + m),
      filter: a.filter === null ? null : a.filter + m,
      orderBy: a.orderBy.map((k) => ({ ...k, column: k.column + m })),
    })),
    schema: [...d.schema, ...q.schema],
  };
  if (q.groupBy.length > 0) return grouped;
  const joinSchema = [...d.schema, ...grouped.schema.map((c) => ({ ...c, nullable: true }))];
  const joined: LogicalPlan = {
    kind: 'join',
    joinType: 'left',
    left: d,
    right: grouped,
    on: domainMatch(0, m, joinSchema, m),
    schema: joinSchema,
  };
  const exprs: ScalarExpr[] = [
    ...columns(joinSchema, 0, m),
    ...q.aggregates.map((a, i) => {
      const value: ScalarExpr = { kind: 'column', index: 2 * m + i, type: a.type };
      return a.fn === 'count' || a.fn === 'count_star' || a.fn === 'regr_count'
        ? ({
            kind: 'coalesce',
            args: [value, { kind: 'literal', value: 0, type: a.type }],
            type: a.type,
          } as ScalarExpr)
        : value;
    }),
  ];
  return { kind: 'map', input: joined, exprs, schema: [...d.schema, ...q.schema] };
}

/** Both sides carry D; they join on equal D values as well as on the original condition. */
function pushJoin(q: Extract<LogicalPlan, { kind: 'join' }>, domain: Domain): LogicalPlan {
  const m = domain.plan.schema.length;
  const left = pushDomain(q.left, domain);
  const right = pushDomain(q.right, domain);
  const nl = q.left.schema.length;
  const nr = q.right.schema.length;
  const schema = [...left.schema, ...right.schema];
  const on = transformUp(q.on, (n) => {
    if (n.kind === 'column') return { ...n, index: n.index < nl ? n.index + m : n.index + 2 * m };
    if (n.kind === 'outerRef') {
      if (n.depth === 1) return { kind: 'column', index: domain.positionOf.get(n.index)!, type: n.type };
      return { ...n, depth: n.depth - 1 };
    }
    return n;
  });
  const match = domainMatch(0, m + nl, schema, m);
  const condition: ScalarExpr = m === 0 ? on : { kind: 'and', args: [match, on], type: T.bool };
  const semi = q.joinType === 'semi' || q.joinType === 'anti';
  const join: LogicalPlan = {
    ...q,
    left,
    right,
    on: condition,
    schema: semi ? left.schema : schema.map((c, i) => ({ ...c, nullable: c.nullable || i >= 0 })),
  };
  if (semi) return join;
  const dFrom = (i: number): ScalarExpr => {
    const l: ScalarExpr = { kind: 'column', index: i, type: schema[i]!.type };
    const r: ScalarExpr = { kind: 'column', index: m + nl + i, type: schema[i]!.type };
    return q.joinType === 'right'
      ? r
      : q.joinType === 'full'
        ? { kind: 'coalesce', args: [l, r], type: l.type }
        : l;
  };
  const exprs = [...range(m).map(dFrom), ...columns(schema, m, nl), ...columns(schema, 2 * m + nl, nr)];
  return { kind: 'map', input: join, exprs, schema: [...domain.plan.schema, ...q.schema] };
}
