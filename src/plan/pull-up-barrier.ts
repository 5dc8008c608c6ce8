/**
 * @module plan/pull-up-barrier
 * Subquery plans PostgreSQL plans on their own instead of pulling them up into their reader: a
 * FROM subquery or CTE with its own WITH or ORDER BY, which the plan's shape does not show. The
 * binder marks the plans it makes for them; constant folding (`optimize/unread-columns.ts`), which
 * runs on the bound plan, does not carry their constant columns into the reader. A rewritten node
 * is a new object and unmarked: the mark means something on the bound plan only.
 */
import type { SelectStmt } from 'libpg-query';
import type { LogicalPlan } from './logical.ts';

const barriers = new WeakSet<LogicalPlan>();

/** Marks `plan`, bound from `stmt`, when PostgreSQL would not pull `stmt` up into its reader. */
export function markPullUpBarrier(stmt: SelectStmt, plan: LogicalPlan): void {
  if (stmt.withClause !== undefined || (stmt.sortClause?.length ?? 0) > 0) barriers.add(plan);
}

export function isPullUpBarrier(plan: LogicalPlan): boolean {
  return barriers.has(plan);
}

const appendUnions = new WeakSet<LogicalPlan>();

/**
 * Marks a UNION ALL PostgreSQL flattens into an append of its branches when it is read as a FROM
 * subquery (is_simple_union_all: UNION ALL all the way down, no ORDER BY, LIMIT or WITH, every
 * branch's columns already of the result's types). Each branch then drops the columns its
 * reader does not read (pulled up, or remove_unused_subquery_outputs), which it never does for
 * any other set operation.
 */
export function markAppendUnion(plan: LogicalPlan): void {
  appendUnions.add(plan);
}

export function isAppendUnion(plan: LogicalPlan): boolean {
  return appendUnions.has(plan);
}

const groupingSetUnions = new WeakSet<LogicalPlan>();

/**
 * Marks the union the binder makes of a query level's grouping sets (one aggregate per set): to
 * PostgreSQL that is one grouped level, not a FROM subquery, so a HAVING never TRUE above it does
 * not make it an empty relation left unplanned (its input's constants are still folded).
 */
export function markGroupingSetUnion(plan: LogicalPlan): void {
  groupingSetUnions.add(plan);
}

export function isGroupingSetUnion(plan: LogicalPlan): boolean {
  return groupingSetUnions.has(plan);
}
