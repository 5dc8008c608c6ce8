/**
 * @module plan/optimize/join-removal
 * Left-join removal, as PostgreSQL's planner does it (its `join_is_removable`): a LEFT JOIN whose
 * right side yields at most one row per left row and none of whose columns is read above the join
 * changes nothing, so PostgreSQL drops the right side before planning it, and never meets what
 * planning or running it would raise (a constant error in a DISTINCT subquery's output). The right
 * side must be one relation PostgreSQL proves distinct on the join's equalities:
 *
 * - a FROM subquery planned apart whose DISTINCT, DISTINCT ON or GROUP BY columns are all compared
 *   by `=` with the left side in the ON (or one without GROUP BY that aggregates: one row), or a
 *   UNION / INTERSECT / EXCEPT without ALL all of whose columns are so compared;
 * - a table whose primary key columns are all so compared (or equated with a constant in the ON),
 *   read directly or through a subquery PostgreSQL pulls up (projections and WHERE only).
 *
 * An equality counts when one side reads only the right side and is that side's column (through a
 * cast within one type family, as PostgreSQL's cross-type operators compare without one), and the
 * other reads only the left side (or is a constant, for a key). A RIGHT JOIN is a LEFT JOIN with its
 * inputs swapped. The caller still folds the ON (PostgreSQL folds it before removing the join).
 */
import type { SqlType } from '../../common/types.ts';
import type { LogicalPlan } from '../logical.ts';
import { isPlannedCte } from '../planned-ctes.ts';
import type { ScalarExpr } from '../scalar.ts';
import { anyNode, referencedColumns } from '../scalar-visit.ts';
import { conjunctsOf } from './pushdown.ts';

type Join = Extract<LogicalPlan, { kind: 'join' }>;

/**
 * The side of `join` PostgreSQL removes, or null: the nullable side of a LEFT JOIN (or of a RIGHT
 * JOIN, which PostgreSQL plans as a LEFT JOIN with its inputs swapped) when none of that side's
 * columns is read above the join (`read`: the join's output columns its readers read). `shared`
 * tells a CTE or view read more than once (planned whole).
 */
export function removableSide(
  join: Join,
  read: ReadonlySet<number>,
  shared: (p: LogicalPlan) => boolean,
): 'left' | 'right' | null {
  if (join.nullAwareAnti || (join.joinType !== 'left' && join.joinType !== 'right')) return null;
  const nl = join.left.schema.length;
  const side = join.joinType === 'left' ? 'right' : 'left';
  const inSide = (i: number): boolean => (side === 'right' ? i >= nl : i < nl);
  if ([...read].some(inSide)) return null;
  const base = side === 'right' ? nl : 0;
  const compared = new Set<number>();
  const constant = new Set<number>();
  for (const q of conjunctsOf(join.on)) {
    // A volatile qual is no join clause to PostgreSQL (not mergejoinable).
    if (q.kind !== 'compare' || q.op !== '=' || isVolatile(q)) continue;
    for (const [inner, other] of [
      [q.left, q.right],
      [q.right, q.left],
    ] as const) {
      const col = sideColumn(inner, inSide);
      if (col === undefined || readsOuter(other)) continue;
      const reads = referencedColumns(other, new Set<number>());
      if (reads.size === 0) constant.add(col - base);
      else if (![...reads].some(inSide)) compared.add(col - base);
    }
  }
  const sets = distinctColumnSets(join[side], shared);
  if (sets === null) return null;
  const removable =
    sets.subquery.some((s) => s.every((c) => compared.has(c))) ||
    sets.table.some((s) => s.every((c) => compared.has(c) || constant.has(c)));
  return removable ? side : null;
}

/** The join column of the removable side that `e` is, or undefined. */
function sideColumn(e: ScalarExpr, inSide: (i: number) => boolean): number | undefined {
  let x = e;
  // bpchar comparisons compare trimmed copies (operators.ts's comparableBpchar): still the column.
  if (x.kind === 'call' && x.name === 'bpchar_trimmed' && x.args.length === 1) x = x.args[0]!;
  if (x.kind === 'cast' && sameFamily(x.arg.type, x.type)) x = x.arg;
  return x.kind === 'column' && inSide(x.index) ? x.index : undefined;
}

const families: readonly (readonly string[])[] = [
  ['int2', 'int4', 'int8'],
  ['float4', 'float8'],
  ['text', 'varchar'],
];

/** A cast PostgreSQL does not need: its operators of one btree family compare across these types. */
function sameFamily(from: SqlType, to: SqlType): boolean {
  return from.id === to.id || families.some((f) => f.includes(from.id) && f.includes(to.id));
}

const isVolatile = (e: ScalarExpr): boolean => anyNode(e, (n) => n.kind === 'call' && n.volatile);

function readsOuter(e: ScalarExpr): boolean {
  return anyNode(e, (n) => n.kind === 'outerRef' || n.kind === 'subquery');
}

/**
 * Column sets on which `plan`'s rows are distinct, as PostgreSQL proves it for a join's inner
 * relation: `subquery` from the subquery's own DISTINCT / GROUP BY / aggregate / set operation
 * (all of a set must be compared with the left side), `table` from a primary key (a constant
 * equality also counts). Null when it proves nothing.
 */
function distinctColumnSets(
  plan: LogicalPlan,
  shared: (p: LogicalPlan) => boolean,
): { subquery: number[][]; table: number[][] } | null {
  const subquery = subqueryDistinctSets(plan, shared);
  const table = pulledUpTableKey(plan, shared);
  if (subquery === null && table === null) return null;
  return { subquery: subquery ?? [], table: table === null ? [] : [table] };
}

/** A projection's outputs for the input columns of `set`, or null when one is not output. */
function projectSet(exprs: readonly ScalarExpr[], set: readonly number[]): number[] | null {
  const out: number[] = [];
  for (const c of set) {
    const at = exprs.findIndex((e) => e.kind === 'column' && e.index === c);
    if (at < 0) return null;
    out.push(at);
  }
  return out;
}

function projectSets(exprs: readonly ScalarExpr[], sets: readonly number[][]): number[][] {
  return sets.map((s) => projectSet(exprs, s)).filter((s): s is number[] => s !== null);
}

/**
 * The distinct column sets of a subquery's own level: its DISTINCT (ON), GROUP BY, ungrouped
 * aggregate or set operation without ALL, looking down through what the same query level adds
 * above it (the select list, HAVING, windows, ORDER BY, LIMIT). A set-returning function in the
 * select list would break it (PostgreSQL: except with DISTINCT); it is a flatMap here, which
 * proves nothing.
 */
function subqueryDistinctSets(plan: LogicalPlan, shared: (p: LogicalPlan) => boolean): number[][] | null {
  if (shared(plan) || isPlannedCte(plan)) return null;
  switch (plan.kind) {
    case 'distinct':
      return [[...plan.schema.keys()]];
    case 'setOp':
      return plan.all ? null : [[...plan.schema.keys()]];
    case 'aggregate':
      return [plan.groupBy.map((_, i) => i)];
    case 'topK': {
      // DISTINCT ON: one row per partition.
      if (plan.partitionBy.length > 0 && plan.limit === 1 && plan.offset === 0 && !plan.withTies)
        return [[...plan.partitionBy]];
      if (plan.partitionBy.length > 0) return null;
      return subqueryDistinctSets(plan.input, shared);
    }
    case 'orderBy':
    case 'filter':
      return subqueryDistinctSets(plan.input, shared);
    case 'window':
      // Window functions add columns to each row; the rows stay those of the level's grouping.
      return subqueryDistinctSets(plan.input, shared);
    case 'map': {
      const inner = subqueryDistinctSets(plan.input, shared);
      if (inner === null) return null;
      const sets = projectSets(plan.exprs, inner);
      return sets.length > 0 ? sets : null;
    }
    default:
      return null;
  }
}

/**
 * A table's primary key read directly or through a subquery PostgreSQL pulls up into the join
 * (column projections and WHERE filters only), in the plan's columns; null otherwise.
 */
function pulledUpTableKey(plan: LogicalPlan, shared: (p: LogicalPlan) => boolean): number[] | null {
  if (shared(plan) || isPlannedCte(plan)) return null;
  switch (plan.kind) {
    case 'get':
      return plan.uniqueKey !== undefined && plan.uniqueKey.length > 0 ? [...plan.uniqueKey] : null;
    case 'filter':
      return pulledUpTableKey(plan.input, shared);
    case 'map': {
      const key = pulledUpTableKey(plan.input, shared);
      return key === null ? null : projectSet(plan.exprs, key);
    }
    default:
      return null;
  }
}
