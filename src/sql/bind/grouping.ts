/**
 * @module sql/bind/grouping
 * Turns a grouped query into plan nodes: a map computing the GROUP BY expressions and every
 * aggregate's inputs, the aggregate node, and the "lifting" of the select list, HAVING and
 * ORDER BY into the aggregate's output (a column outside GROUP BY and outside an aggregate is
 * PostgreSQL's error 42803, also when a subquery refers to it from inside). Lifting reaches into
 * subqueries: their outer references to the grouped query's row are renumbered to group columns
 * (and to aggregates of this query called inside them).
 */
import { SemanticError, SqlState } from '../../common/errors.ts';
import { T } from '../../common/types.ts';
import type { AggregateCall, Column, LogicalPlan } from '../../plan/logical.ts';
import { mapPlanExpressions, planEquals } from '../../plan/plan-visit.ts';
import { markGroupingSetUnion } from '../../plan/pull-up-barrier.ts';
import type { ScalarExpr } from '../../plan/scalar.ts';
import { anyNode, exprEquals, mapChildren } from '../../plan/scalar-visit.ts';
import { groupedRows } from './bpchar-keys.ts';
import { AGGREGATE_BASE, type CollectedAggregate, type CollectedWindow, WINDOW_BASE } from './context.ts';
import type { Scope } from './scope.ts';

export interface Grouped {
  readonly plan: LogicalPlan;
  /** Each input list of expressions, rewritten over the aggregate's output columns. */
  readonly lifted: ScalarExpr[][];
}

/** A scope column as PostgreSQL names it in grouping errors: `table.column`. */
function qualifiedName(scope: Scope, index: number): string {
  const column = scope.columns.find((c) => c.index === index);
  if (!column) return `#${index}`;
  return column.table ? `${column.table}.${column.name}` : column.name;
}

export function applyGrouping(
  input: LogicalPlan,
  scope: Scope,
  groupBy: readonly ScalarExpr[],
  aggregates: readonly CollectedAggregate[],
  windows: CollectedWindow[],
  lists: readonly (readonly ScalarExpr[])[],
  groupingSets: readonly (readonly ScalarExpr[])[] | null = null,
): Grouped {
  const groups: ScalarExpr[] = [];
  // Equal keys are one key, subqueries too: PostgreSQL finds both in the same target entry (1919:487).
  for (const g of groupBy) if (!groups.some((x) => exprEquals(x, g, planEquals))) groups.push(g);
  const pre: ScalarExpr[] = [...groups];
  const slot = (e: ScalarExpr): number => {
    const found = pre.findIndex((x) => exprEquals(x, e));
    return found >= 0 ? found : pre.push(e) - 1;
  };
  const groupingArgs = aggregates.map((a) =>
    a.fn === 'grouping' ? a.args.map((e) => groupingArgument(groups, e)) : null,
  );
  const calls: AggregateCall[] = [];
  for (const a of aggregates) {
    if (a.fn === 'grouping') continue;
    calls.push({
      fn: a.fn,
      args: a.args.map(slot),
      distinct: a.distinct,
      filter: a.filter ? slot(a.filter) : null,
      orderBy: a.orderBy.map((o) => ({
        column: slot(o.expr),
        descending: o.descending,
        nullsFirst: o.nullsFirst,
      })),
      type: a.type,
    });
  }
  const preSchema: Column[] = pre.map((e, i) => ({ name: `?group${i}?`, type: e.type, nullable: true }));
  const mapped = { kind: 'map' as const, input, exprs: pre, schema: preSchema };
  const schema: Column[] = [
    ...groups.map((g, i) => ({
      name:
        g.kind === 'column'
          ? (scope.columns.find((c) => c.index === g.index)?.name ?? `?column${i}?`)
          : '?column?',
      type: g.type,
      nullable: true,
    })),
    ...aggregates.map((a) => ({ name: a.fn, type: a.type, nullable: true })),
  ];
  const sets = groupingSets?.map((set) =>
    groups.flatMap((g, i) => (set.some((e) => exprEquals(e, g, planEquals)) ? [i] : [])),
  );
  const plan =
    sets === undefined && groupingArgs.every((g) => g === null)
      ? groupedRows(mapped, groups.length, calls, schema)
      : unionOfGroupings(
          mapped,
          groups,
          aggregates,
          groupingArgs,
          calls,
          schema,
          sets ?? [groups.map((_, i) => i)],
        );
  // With grouping sets a key may be NULL in a row, so matching matters. PostgreSQL plans each
  // subquery apart: one written again inside an expression is evaluated on its own (its outer
  // references read the group columns) and matched to the key only when it reads a column that is
  // not grouped (where evaluating it apart would be 42803).
  const groupOf = (e: ScalarExpr): number => groups.findIndex((x) => exprEquals(x, e, planEquals));
  const lift = (e: ScalarExpr): ScalarExpr => {
    const g = groupOf(e);
    if (g < 0) return liftParts(e);
    if (sets === undefined || !anyNode(e, (n) => n.kind === 'subquery'))
      return { kind: 'column', index: g, type: e.type };
    try {
      return liftParts(e);
    } catch (error) {
      if (error instanceof SemanticError && error.code === SqlState.groupingError)
        return { kind: 'column', index: g, type: e.type };
      throw error;
    }
  };
  const liftParts = (e: ScalarExpr): ScalarExpr => {
    if (e.kind === 'column') {
      if (e.index >= WINDOW_BASE) return e;
      if (e.index >= AGGREGATE_BASE)
        return { kind: 'column', index: groups.length + (e.index - AGGREGATE_BASE), type: e.type };
      throw new SemanticError(
        SqlState.groupingError,
        `column "${qualifiedName(scope, e.index)}" must appear in the GROUP BY clause or be used in an aggregate function`,
      );
    }
    if (e.kind === 'subquery') return liftSubquery(mapChildren(e, lift) as typeof e, 1);
    return mapChildren(e, lift);
  };
  /**
   * An expression inside a subquery `level` levels below the grouped query: an outer reference
   * to the grouped row must name a GROUP BY column (PostgreSQL matches only plain columns there,
   * not grouped expressions), else 42803.
   */
  const liftInside = (e: ScalarExpr, level: number): ScalarExpr => {
    if (e.kind === 'outerRef' && e.depth === level) {
      // An aggregate of the grouped query used inside the subquery (outer-level aggregate).
      if (e.index >= AGGREGATE_BASE && e.index < WINDOW_BASE)
        return { ...e, index: groups.length + (e.index - AGGREGATE_BASE) };
      const g = groupOf({ kind: 'column', index: e.index, type: e.type });
      if (g >= 0) return { ...e, index: g };
      throw new SemanticError(
        SqlState.groupingError,
        `subquery uses ungrouped column "${qualifiedName(scope, e.index)}" from outer query`,
      );
    }
    const mapped = mapChildren(e, (c) => liftInside(c, level));
    return mapped.kind === 'subquery' ? liftSubquery(mapped, level + 1) : mapped;
  };
  const liftSubquery = (e: Extract<ScalarExpr, { kind: 'subquery' }>, level: number): ScalarExpr => ({
    ...e,
    plan: mapPlanExpressions(e.plan, (x) => liftInside(x, level)),
  });
  for (let i = 0; i < windows.length; i++) {
    const w = windows[i]!;
    windows[i] = {
      ...w,
      args: w.args.map(lift),
      partitionBy: w.partitionBy.map(lift),
      orderBy: w.orderBy.map((o) => ({ ...o, expr: lift(o.expr) })),
    };
  }
  // A whole item equal to a key is that key, subqueries too (PostgreSQL's target-list match). In
  // the select list PostgreSQL binds a key to the first equal item only; with grouping sets a later
  // item holding a subquery is a subplan of its own, evaluated apart like one inside an expression
  // (fuzz 1919:28). ORDER BY and DISTINCT ON items find that same first item.
  const claimed = new Set<number>();
  const liftItem = (e: ScalarExpr, selectList: boolean): ScalarExpr => {
    const g = groups.findIndex((x) => exprEquals(x, e, planEquals));
    if (g < 0) return lift(e);
    if (selectList && claimed.has(g)) return lift(e);
    if (selectList) claimed.add(g);
    return { kind: 'column', index: g, type: e.type };
  };
  return { plan, lifted: lists.map((list, n) => list.map((e) => liftItem(e, n === 0))) };
}

/** The GROUP BY position of grouping()'s argument `e`, or 42803. */
function groupingArgument(groups: readonly ScalarExpr[], e: ScalarExpr): number {
  const g = groups.findIndex((x) => exprEquals(x, e, planEquals));
  if (g < 0)
    throw new SemanticError(
      SqlState.groupingError,
      'arguments to GROUPING must be grouping expressions of the associated query level',
    );
  return g;
}

/**
 * GROUPING SETS, ROLLUP and CUBE: one aggregate per grouping set over the same input, each padded
 * to the full row (NULL for the group columns outside the set, grouping()'s bits as constants),
 * and their UNION ALL, so a change to the input reaches each set's groups and nothing else.
 * `sets` holds positions in `groups`.
 */
function unionOfGroupings(
  mapped: Extract<LogicalPlan, { kind: 'map' }>,
  groups: readonly ScalarExpr[],
  collected: readonly CollectedAggregate[],
  groupingArgs: readonly (readonly number[] | null)[],
  calls: readonly AggregateCall[],
  schema: readonly Column[],
  sets: readonly (readonly number[])[],
): LogicalPlan {
  const branches = sets.map((set): LogicalPlan => {
    const k = set.length;
    const exprs = [...set.map((i) => groups[i]!), ...mapped.exprs];
    const pre = {
      kind: 'map' as const,
      input: mapped.input,
      exprs,
      schema: exprs.map((e, i) => ({ name: `?group${i}?`, type: e.type, nullable: true })),
    };
    const shift = (c: number) => c + k;
    const shifted = calls.map((c) => ({
      ...c,
      args: c.args.map(shift),
      filter: c.filter === null ? null : shift(c.filter),
      orderBy: c.orderBy.map((o) => ({ ...o, column: shift(o.column) })),
    }));
    const aggregateSchema: Column[] = [
      ...set.map((i) => schema[i]!),
      ...calls.map((c) => ({ name: c.fn, type: c.type, nullable: true })),
    ];
    const grouped = groupedRows(pre, k, shifted, aggregateSchema);
    let call = 0;
    const padded: ScalarExpr[] = [
      ...groups.map((g, i): ScalarExpr => {
        const at = set.indexOf(i);
        return at >= 0
          ? { kind: 'column', index: at, type: g.type }
          : { kind: 'literal', value: null, type: g.type };
      }),
      ...collected.map((a, j): ScalarExpr => {
        const args = groupingArgs[j];
        if (args === null || args === undefined) return { kind: 'column', index: k + call++, type: a.type };
        let bits = 0;
        for (const g of args) bits = (bits << 1) | (set.includes(g) ? 0 : 1);
        return { kind: 'literal', value: bits, type: T.int4 };
      }),
    ];
    return { kind: 'map', input: grouped, exprs: padded, schema: [...schema] };
  });
  const union = branches.reduce(
    (left, right): LogicalPlan => ({
      kind: 'setOp',
      op: 'union',
      all: true,
      left,
      right,
      schema: [...schema],
    }),
  );
  markGroupingSetUnion(union);
  return union;
}
