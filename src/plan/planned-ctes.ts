/**
 * @module plan/planned-ctes
 * CTEs PostgreSQL plans on their own, whole: one its query text references more than once
 * (a reference from a CTE nothing reads counts too, as PostgreSQL counts references while parsing,
 * before it drops unread CTEs). Planning folds every column's constants, so their errors are the
 * query's even where no row is read, or the CTE is read only from an unread CTE. The binder marks
 * such a CTE's plan and attaches it to the plan of the query that defines it; constant folding
 * (`optimize/unread-columns.ts`) keeps all its columns and folds it even where nothing reaches it.
 * Like the pull-up barrier marks, these mean something on the bound plan only.
 */
import type { LogicalPlan } from './logical.ts';

const plannedWhole = new WeakSet<LogicalPlan>();
const definedBy = new WeakMap<LogicalPlan, LogicalPlan[]>();

/** Records that `query`'s WITH defines `cte`, which PostgreSQL plans whole. */
export function markPlannedCte(query: LogicalPlan, cte: LogicalPlan): void {
  plannedWhole.add(cte);
  const list = definedBy.get(query) ?? [];
  list.push(cte);
  definedBy.set(query, list);
}

export function isPlannedCte(plan: LogicalPlan): boolean {
  return plannedWhole.has(plan);
}

/** The CTEs planned whole that the WITH of the query planned as `query` defines. */
export function plannedCtesOf(query: LogicalPlan): readonly LogicalPlan[] {
  return definedBy.get(query) ?? [];
}
