/**
 * @module sql/bind/bpchar-keys
 * Grouping, DISTINCT and set operations over char values of mixed padding. A char(n) column holds
 * every value padded to n, so equal values are equal strings there; a `bpchar` without a length
 * (char(3) UNION char(5), coalesce(c, 'x'), `::bpchar`) can hold 'a  ' and 'a', which char's
 * comparison calls equal. Value-ops compares without types (ARCHITECTURE.md), so the plan does it:
 * such a column is keyed by its trimmed value and shows one of the group's values: PostgreSQL
 * shows whichever it met first; Eddy shows the greatest (the most padded), so the choice does not
 * depend on arrival order and is the char(n) column's form where a column meets an unpadded
 * literal or varchar (`coalesce(c, 'b')`), usually the commoner one. Both the one-shot evaluator
 * and the dataflow run the rewritten plan. ADR 0002 records the design.
 */
import { T } from '../../common/types.ts';
import type { AggregateCall, Column, LogicalPlan, SortKey } from '../../plan/logical.ts';
import type { ScalarExpr } from '../../plan/scalar.ts';
import { comparableBpchar } from './operators.ts';

/** Columns of a length-less bpchar type: their values may differ in padding only. */
export function looseBpcharColumns(schema: readonly Column[]): number[] {
  const out: number[] = [];
  schema.forEach((c, i) => {
    if (isLooseBpchar(c.type)) out.push(i);
  });
  return out;
}

function isLooseBpchar(type: Column['type']): boolean {
  return type.id === 'bpchar' && type.maxLength === undefined;
}

/** A length-less bpchar expression as a key (trimmed); anything else as it is. */
export function trimmedIfLoose(expr: ScalarExpr): ScalarExpr {
  return isLooseBpchar(expr.type) ? comparableBpchar(expr) : expr;
}

function column(index: number, type: Column['type']): ScalarExpr {
  return { kind: 'column', index, type };
}

/**
 * `SELECT DISTINCT`: as it is when no column is a length-less bpchar; otherwise grouped by every
 * column, as `groupedRows`.
 */
export function distinctRows(input: LogicalPlan): LogicalPlan {
  const schema = input.schema;
  if (looseBpcharColumns(schema).length === 0) return { kind: 'distinct', input, schema };
  const pre = { kind: 'map' as const, input, exprs: schema.map((c, i) => column(i, c.type)), schema };
  return groupedRows(pre, schema.length, [], schema);
}

function shownValue(argument: number, type: Column['type']): AggregateCall {
  return { fn: 'max', args: [argument], distinct: false, filter: null, orderBy: [], type };
}

/**
 * A set operation: UNION is DISTINCT over UNION ALL (as `distinctRows`); INTERSECT and EXCEPT are
 * the distinct rows of the left input with (without) an equal row on the right, found by a semi
 * (anti) join on every column, so the loose columns show a left value. INTERSECT ALL and EXCEPT
 * ALL, which count copies, compare the inputs with the loose columns trimmed, then show in each
 * copy the left input's value for that row (as `distinctRows` of the left input picks it).
 */
export function setOperation(
  op: 'union' | 'intersect' | 'except',
  all: boolean,
  left: LogicalPlan,
  right: LogicalPlan,
  schema: readonly Column[],
): LogicalPlan {
  const loose = looseBpcharColumns(schema);
  if (loose.length === 0 || (op === 'union' && all)) return { kind: 'setOp', op, all, left, right, schema };
  if (op === 'union') return distinctRows({ kind: 'setOp', op, all: true, left, right, schema });
  if (!all) return distinctRows(matchingRows(op === 'intersect' ? 'semi' : 'anti', left, right, schema));
  const trimmed = (p: LogicalPlan): LogicalPlan => ({
    kind: 'map',
    input: p,
    exprs: schema.map((c, i) => {
      const e = column(i, c.type);
      return loose.includes(i) ? { ...comparableBpchar(e), type: T.bpchar } : e;
    }),
    schema,
  });
  const counted: LogicalPlan = { kind: 'setOp', op, all, left: trimmed(left), right: trimmed(right), schema };
  const shown = distinctRows(left);
  const arity = schema.length;
  const joined: LogicalPlan = {
    kind: 'join',
    joinType: 'inner',
    left: counted,
    right: shown,
    on: sameRow(counted, shown),
    schema: [...schema, ...shown.schema],
  };
  return {
    kind: 'map',
    input: joined,
    exprs: schema.map((c, i) =>
      loose.includes(i) ? column(arity + i, shown.schema[i]!.type) : column(i, c.type),
    ),
    schema,
  };
}

/** The left rows with (semi) or without (anti) a right row equal in every column, NULL matching NULL. */
function matchingRows(
  joinType: 'semi' | 'anti',
  left: LogicalPlan,
  right: LogicalPlan,
  schema: readonly Column[],
): LogicalPlan {
  return { kind: 'join', joinType, left, right, on: sameRow(left, right), schema };
}

/** A join condition: the left and right rows are equal in every column as char compares, NULL matching NULL. */
function sameRow(left: LogicalPlan, right: LogicalPlan): ScalarExpr {
  const arity = left.schema.length;
  const same: ScalarExpr[] = left.schema.map((c, i) => ({
    kind: 'isDistinct',
    left: comparableBpchar(column(i, c.type)),
    right: comparableBpchar(column(arity + i, right.schema[i]!.type)),
    negated: true,
    type: T.bool,
  }));
  return same.length === 1 ? same[0]! : { kind: 'and', args: same, type: T.bool };
}

/**
 * GROUP BY over `pre` (the group expressions in its first `groupCount` columns, aggregate inputs
 * after them): loose bpchar groups are keyed trimmed, and the max() of their values, computed after
 * `aggregates`, takes their place in the output, whose columns stay those of `schema`.
 */
export function groupedRows(
  pre: Extract<LogicalPlan, { kind: 'map' }>,
  groupCount: number,
  aggregates: readonly AggregateCall[],
  schema: readonly Column[],
): LogicalPlan {
  const loose = looseBpcharColumns(pre.schema.slice(0, groupCount));
  const groupBy = Array.from({ length: groupCount }, (_, i) => i);
  if (loose.length === 0) return { kind: 'aggregate', input: pre, groupBy, aggregates, schema };
  const width = pre.exprs.length;
  const keyed: LogicalPlan = {
    kind: 'map',
    input: pre.input,
    exprs: [
      ...pre.exprs.map((e, i) => (loose.includes(i) ? comparableBpchar(e) : e)),
      ...loose.map((i) => pre.exprs[i]!),
    ],
    schema: [...pre.schema, ...loose.map((i) => pre.schema[i]!)],
  };
  // Aggregates over a grouped column read its values as they are, not the trimmed key.
  const original = (c: number): number => (loose.includes(c) ? width + loose.indexOf(c) : c);
  const reading = aggregates.map((a) => ({
    ...a,
    args: a.args.map(original),
    filter: a.filter === null ? null : original(a.filter),
    orderBy: a.orderBy.map((o) => ({ ...o, column: original(o.column) })),
  }));
  const shown = loose.map((i, k) => shownValue(width + k, pre.schema[i]!.type));
  const grouped: LogicalPlan = {
    kind: 'aggregate',
    input: keyed,
    groupBy,
    aggregates: [...reading, ...shown],
    schema: [...schema, ...shown.map((a) => ({ name: 'max', type: a.type, nullable: true }))],
  };
  return {
    kind: 'map',
    input: grouped,
    exprs: schema.map((c, i) => {
      const k = loose.indexOf(i);
      return column(k < 0 ? i : schema.length + k, c.type);
    }),
    schema,
  };
}

/**
 * The keys a top-k (DISTINCT ON, LIMIT without WITH TIES) adds after `sortKeys` so that, of rows
 * tied there by a length-less bpchar key (or DISTINCT ON key) holding forms of one value (`'a'`, `'a  '`), the most
 * padded comes first: each such key column itself, descending (its forms differ in trailing spaces
 * only, so the greatest string is the most padded). Grouping shows that form too (ADR 0002), and
 * the one-shot evaluator and the dataflow's top-k both break the remaining ties by the whole row,
 * where `'a'` sorts first. `schema` is the plan's before `trimmedSortKeys` appends its copies.
 */
export function mostPaddedFirst(
  schema: readonly Column[],
  sortKeys: readonly SortKey[],
  partitionBy: readonly number[],
): SortKey[] {
  const keyed = new Set([...sortKeys.map((k) => k.column), ...partitionBy]);
  const loose = [...keyed].filter((c) => isLooseBpchar(schema[c]!.type));
  return loose.map((column) => ({ column, descending: true, nullsFirst: false }));
}

/**
 * ORDER BY and DISTINCT ON over char: trailing spaces are insignificant to its order too (PostgreSQL's
 * bpcharcmp), so each bpchar sort or DISTINCT ON key reads a trimmed copy of its column, appended to
 * `plan`'s columns; the caller drops the copies after sorting. Plans without such keys are returned
 * as they are.
 */
export function trimmedSortKeys(
  plan: LogicalPlan,
  sortKeys: readonly SortKey[],
  partitionBy: readonly number[],
): { plan: LogicalPlan; sortKeys: SortKey[]; partitionBy: number[] } {
  const schema = plan.schema;
  const keyed = [...new Set([...sortKeys.map((k) => k.column), ...partitionBy])].filter(
    (c) => schema[c]!.type.id === 'bpchar',
  );
  if (keyed.length === 0) return { plan, sortKeys: [...sortKeys], partitionBy: [...partitionBy] };
  const at = (c: number): number => (keyed.includes(c) ? schema.length + keyed.indexOf(c) : c);
  return {
    plan: {
      kind: 'map',
      input: plan,
      exprs: [
        ...schema.map((c, i) => column(i, c.type)),
        ...keyed.map((c) => comparableBpchar(column(c, schema[c]!.type))),
      ],
      schema: [...schema, ...keyed.map((c) => ({ name: `?trimmed${c}?`, type: T.text, nullable: true }))],
    },
    sortKeys: sortKeys.map((k) => ({ ...k, column: at(k.column) })),
    partitionBy: partitionBy.map(at),
  };
}
