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
import type { AggregateCall, Column, LogicalPlan } from '../../plan/logical.ts';
import { mapPlanExpressions, planEquals } from '../../plan/plan-visit.ts';
import type { ScalarExpr } from '../../plan/scalar.ts';
import { exprEquals, mapChildren } from '../../plan/scalar-visit.ts';
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
): Grouped {
  const groups: ScalarExpr[] = [];
  for (const g of groupBy) if (!groups.some((x) => exprEquals(x, g))) groups.push(g);
  const pre: ScalarExpr[] = [...groups];
  const slot = (e: ScalarExpr): number => {
    const found = pre.findIndex((x) => exprEquals(x, e));
    return found >= 0 ? found : pre.push(e) - 1;
  };
  const calls: AggregateCall[] = aggregates.map((a) => ({
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
  }));
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
  const plan = groupedRows(mapped, groups.length, calls, schema);
  const groupOf = (e: ScalarExpr): number => groups.findIndex((x) => exprEquals(x, e, planEquals));
  const lift = (e: ScalarExpr): ScalarExpr => {
    const g = groupOf(e);
    if (g >= 0) return { kind: 'column', index: g, type: e.type };
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
  return { plan, lifted: lists.map((list) => list.map(lift)) };
}
