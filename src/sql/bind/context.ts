/**
 * @module sql/bind/context
 * What the expression binder needs from its surroundings: the catalog, parameters, the session,
 * collectors for aggregate and window calls (present only where SQL allows them), and a way to
 * bind subqueries (provided by the query binder, which avoids an import cycle).
 */
import type { SelectStmt } from 'libpg-query';
import type { Catalog } from '../../catalog/catalog.ts';
import { systemAccess } from '../../catalog/system/introspection.ts';
import { timeZone } from '../../common/datetime-zone.ts';
import type { SqlType } from '../../common/types.ts';
import type { Value } from '../../common/value.ts';
import type { BindEnv } from '../../functions/index.ts';
import type { AggregateFunction, LogicalPlan, WindowFrame, WindowFunction } from '../../plan/logical.ts';
import type { ScalarExpr } from '../../plan/scalar.ts';
import type { Scope } from './scope.ts';

/** Placeholder column indexes for aggregate / window results, replaced once their node exists. */
export const AGGREGATE_BASE = 1 << 24;
export const WINDOW_BASE = 1 << 25;

export interface BoundSortKey {
  readonly expr: ScalarExpr;
  readonly descending: boolean;
  readonly nullsFirst: boolean;
}

export interface CollectedAggregate {
  /** 'grouping': grouping(…), a constant per grouping set that applyGrouping computes (no call). */
  readonly fn: AggregateFunction | 'grouping';
  readonly args: readonly ScalarExpr[];
  readonly distinct: boolean;
  readonly filter: ScalarExpr | null;
  readonly orderBy: readonly BoundSortKey[];
  readonly type: SqlType;
}

export interface CollectedWindow {
  readonly fn: WindowFunction;
  readonly args: readonly ScalarExpr[];
  readonly partitionBy: readonly ScalarExpr[];
  readonly orderBy: readonly BoundSortKey[];
  readonly frame: WindowFrame;
  readonly type: SqlType;
}

/**
 * Where an aggregate over an enclosing query's columns goes (PostgreSQL's outer-level
 * aggregate: `SELECT (SELECT sum(o.x)) FROM o` sums at the outer level): by scope level, the
 * collector of the clause the subquery sits in (null where aggregates are not allowed).
 */
export type OuterAggregates = ReadonlyMap<
  number,
  { readonly aggregates: CollectedAggregate[] | null; readonly clause?: string }
>;

export interface SessionSettings {
  timeZone: string;
  /** The statement's clock reading (µs since epoch): PostgreSQL's statement_timestamp(). */
  statementTime: number;
  /** Who the session authenticated as (current_user); absent: the built-in role `eddy`. */
  userName?: string;
  /** The transaction's start (µs since epoch): now() and CURRENT_TIMESTAMP, as in PostgreSQL. */
  transactionTime: number;
}

export interface BindContext {
  readonly catalog: Catalog;
  readonly session: SessionSettings;
  /** `$n` parameter values (1-based in SQL, 0-based here) and their declared types, if any. */
  readonly params: readonly Value[];
  readonly paramTypes: readonly (SqlType | undefined)[];
  /**
   * Describing a prepared statement: parameters have no values yet; their types are inferred
   * from context into this array (see params.ts).
   */
  readonly inferredParamTypes?: (SqlType | undefined)[];
  /**
   * Where given, the ids of the catalog relations named in FROM are added: a view's plan inlines
   * the views it reads, and its dependencies must still name them.
   */
  readonly namedRelations?: Set<number>;
  /** Aggregate calls found while binding; null where aggregates are not allowed. */
  aggregates: CollectedAggregate[] | null;
  /** Window calls found while binding; null where window functions are not allowed. */
  windows: CollectedWindow[] | null;
  /** Binding a column DEFAULT: now() and its kin stay calls, read per inserted row (clock-calls.ts). */
  readonly deferClock?: boolean;
  /** Where aggregates are not allowed, the clause name for the error message. */
  aggregateClause?: string;
  /** Aggregate collectors of the enclosing queries, for outer-level aggregates. */
  readonly outerAggregates?: OuterAggregates;
  /** Binds a nested SELECT in `scope` (for subqueries); returns its plan. */
  bindSubquery(stmt: SelectStmt, scope: Scope, outerAggregates?: OuterAggregates): LogicalPlan;
}

/** The session settings functions may specialise on at bind time (see functions' `bind`). */
export function bindEnv(ctx: BindContext): BindEnv {
  return { timeZone: timeZone(ctx.session.timeZone), system: systemAccess(ctx.catalog, ctx.session) };
}
