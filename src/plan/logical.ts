/**
 * @module plan/logical
 * The logical plan: relational algebra over bags of rows, as the binder produces it and the
 * rewrite passes transform it. Every node carries its output `schema`; expressions inside a node
 * refer to its input's columns by position (for joins: left columns, then right columns).
 * Both the one-shot evaluator (plan/evaluate) and the dataflow lowering (plan/lower) consume it.
 */
import type { SqlType } from '../common/types.ts';
import type { Value } from '../common/value.ts';
import type { MomentsFunction } from '../dataflow/aggregates/moments.ts';
import type { OrderedSetFunction } from '../dataflow/aggregates/order-statistics.ts';
import type { ScalarExpr } from './scalar.ts';

export interface Column {
  readonly name: string;
  readonly type: SqlType;
  readonly nullable: boolean;
}

export type Schema = readonly Column[];

export type LogicalPlan =
  | LogicalGet
  | LogicalValues
  | LogicalFilter
  | LogicalMap
  | LogicalJoin
  | LogicalAggregate
  | LogicalDistinct
  | LogicalTopK
  | LogicalWindow
  | LogicalSetOp
  | LogicalFlatMap
  | LogicalOrderBy;

export type LogicalKind = LogicalPlan['kind'];

/** Reads a catalog relation (table, source, view or materialized view) by its catalog id. */
export interface LogicalGet {
  readonly kind: 'get';
  readonly relationId: number;
  readonly name: string;
  readonly schema: Schema;
  /** A table's primary key columns, which no two rows share (join removal proves uniqueness by it). */
  readonly uniqueKey?: readonly number[];
}

/** A constant bag of rows; expressions are constant (no column refs). */
export interface LogicalValues {
  readonly kind: 'values';
  readonly rows: readonly (readonly ScalarExpr[])[];
  readonly schema: Schema;
}

/** Keeps the rows for which `predicate` is TRUE (not NULL, not FALSE). */
export interface LogicalFilter {
  readonly kind: 'filter';
  readonly input: LogicalPlan;
  readonly predicate: ScalarExpr;
  readonly schema: Schema;
}

/** Computes one output column per expression from each input row. */
export interface LogicalMap {
  readonly kind: 'map';
  readonly input: LogicalPlan;
  readonly exprs: readonly ScalarExpr[];
  readonly schema: Schema;
  /**
   * Set on the map that NULL-pads the unmatched rows of an outer join rewritten as a union
   * (decorrelate-join.ts): its NULL literals stand for the NULL-extended side, so a predicate
   * reading them must not move below it, onto rows that were matched (pushdown.ts).
   */
  readonly nullPadding?: true;
}

export type JoinType = 'inner' | 'left' | 'right' | 'full' | 'semi' | 'anti';

/**
 * Joins `left` and `right` on `on` (evaluated over left columns then right columns).
 * Output: left ++ right columns, except `semi`/`anti`, which output the left columns only.
 * `nullAwareAnti`: the anti join of `NOT IN`: a right row with a NULL compared value, or a NULL on
 * the left when the right is non-empty, makes the predicate unknown, so the left row is dropped.
 */
export interface LogicalJoin {
  readonly kind: 'join';
  readonly joinType: JoinType;
  readonly left: LogicalPlan;
  readonly right: LogicalPlan;
  readonly on: ScalarExpr;
  readonly nullAwareAnti?: boolean;
  readonly schema: Schema;
}

/** variance … regr_*: see dataflow/aggregates/moments.ts (a type-only import). */
export type AggregateFunction =
  | 'count_star'
  | 'count'
  | 'sum'
  | 'avg'
  | 'min'
  | 'max'
  | 'string_agg'
  | 'array_agg'
  | 'bool_and'
  | 'bool_or'
  | 'jsonb_agg'
  | 'jsonb_object_agg'
  | 'bit_and'
  | 'bit_or'
  | 'bit_xor'
  | 'first'
  | 'last'
  | MomentsFunction
  | OrderedSetFunction;

export interface AggregateCall {
  readonly fn: AggregateFunction;
  /** Input column positions of the arguments (string_agg: value, delimiter). */
  readonly args: readonly number[];
  readonly distinct: boolean;
  /** Input column position of the FILTER (WHERE …) boolean, if any. */
  readonly filter: number | null;
  /** ORDER BY inside the call (array_agg, string_agg, jsonb_agg). */
  readonly orderBy: readonly SortKey[];
  readonly type: SqlType;
}

/**
 * Groups by the input columns `groupBy` and computes `aggregates` per group.
 * Output: the group columns, then one column per aggregate. With no group columns the result has
 * exactly one row, even over empty input (SQL's scalar aggregate).
 */
export interface LogicalAggregate {
  readonly kind: 'aggregate';
  readonly input: LogicalPlan;
  readonly groupBy: readonly number[];
  readonly aggregates: readonly AggregateCall[];
  readonly schema: Schema;
}

/** Set semantics: each distinct row once. */
export interface LogicalDistinct {
  readonly kind: 'distinct';
  readonly input: LogicalPlan;
  readonly schema: Schema;
}

export interface SortKey {
  readonly column: number;
  readonly descending: boolean;
  readonly nullsFirst: boolean;
}

/**
 * Per partition (all rows when `partitionBy` is empty), the rows ranked `offset+1 … offset+limit`
 * by `orderBy` (ties broken by the whole row, so the result is deterministic). `limit` null = all.
 * `withTies` (FETCH FIRST … WITH TIES): also every later row equal under `orderBy` to the last one.
 */
export interface LogicalTopK {
  readonly kind: 'topK';
  readonly input: LogicalPlan;
  readonly partitionBy: readonly number[];
  readonly orderBy: readonly SortKey[];
  readonly limit: number | null;
  readonly offset: number;
  readonly withTies: boolean;
  readonly schema: Schema;
}

export type WindowFunction =
  | 'row_number'
  | 'rank'
  | 'dense_rank'
  | 'percent_rank'
  | 'cume_dist'
  | 'ntile'
  | 'lag'
  | 'lead'
  | 'first_value'
  | 'last_value'
  | 'nth_value'
  | 'count_star'
  | 'count'
  | 'sum'
  | 'avg'
  | 'min'
  | 'max';

export type FrameBound =
  | { readonly kind: 'unboundedPreceding' }
  | { readonly kind: 'preceding'; readonly offset: number }
  | { readonly kind: 'currentRow' }
  | { readonly kind: 'following'; readonly offset: number }
  | { readonly kind: 'unboundedFollowing' };

export interface WindowFrame {
  /** `range` with the default bounds means peers (rows equal on ORDER BY) share a frame end. */
  readonly mode: 'rows' | 'range';
  readonly start: FrameBound;
  readonly end: FrameBound;
}

/** The window functions that are not aggregates: computed from row positions, allowed only with OVER. */
export const positionalWindowFunctions: ReadonlySet<string> = new Set([
  'row_number',
  'rank',
  'dense_rank',
  'percent_rank',
  'cume_dist',
  'ntile',
  'lag',
  'lead',
  'first_value',
  'last_value',
  'nth_value',
]);

export interface WindowCall {
  readonly fn: WindowFunction;
  /** Input column positions of the arguments (lag: value, offset, default as columns). */
  readonly args: readonly number[];
  readonly frame: WindowFrame;
  readonly type: SqlType;
}

/**
 * Window functions sharing one PARTITION BY / ORDER BY. Output: the input columns, then one
 * column per call, for every input row.
 */
export interface LogicalWindow {
  readonly kind: 'window';
  readonly input: LogicalPlan;
  readonly partitionBy: readonly number[];
  readonly orderBy: readonly SortKey[];
  readonly calls: readonly WindowCall[];
  readonly schema: Schema;
}

/** UNION / INTERSECT / EXCEPT, with bag (`all`) or set semantics; inputs have equal arity. */
export interface LogicalSetOp {
  readonly kind: 'setOp';
  readonly op: 'union' | 'intersect' | 'except';
  readonly all: boolean;
  readonly left: LogicalPlan;
  readonly right: LogicalPlan;
  readonly schema: Schema;
}

/**
 * For each input row, the rows of a set-returning function (unnest, generate_series,
 * jsonb_array_elements…), appended to the input columns.
 */
export interface LogicalFlatMap {
  readonly kind: 'flatMap';
  readonly input: LogicalPlan;
  readonly name: string;
  readonly args: readonly ScalarExpr[];
  /**
   * Produces the output rows (each of `schema.length - input arity` values) for the arguments,
   * lazily where the function can (generate_series), so a consumer may stream them.
   */
  readonly impl: (args: readonly Value[]) => Iterable<Value[]>;
  readonly schema: Schema;
}

/** Presentation order of an ad-hoc query's result. A view ignores it (a bag has no order). */
export interface LogicalOrderBy {
  readonly kind: 'orderBy';
  readonly input: LogicalPlan;
  readonly orderBy: readonly SortKey[];
  readonly schema: Schema;
}
