/**
 * @module sql/bind
 * The binder's entry points: a query (SELECT) to a logical plan, and an expression in a given
 * scope (for DEFAULTs, UPDATE SET and DML predicates).
 */
import type { Node, SelectStmt } from 'libpg-query';
import type { Catalog } from '../../catalog/catalog.ts';
import type { SqlType } from '../../common/types.ts';
import type { Value } from '../../common/value.ts';
import type { LogicalPlan } from '../../plan/logical.ts';
import type { ScalarExpr } from '../../plan/scalar.ts';
import type { BindContext, SessionSettings } from './context.ts';
import { bindExpr } from './expr.ts';
import { Scope, type ScopeColumn } from './scope.ts';
import { bindSelect } from './select.ts';

export { coerce, coerceForAssignment } from './coerce.ts';
export type { SessionSettings } from './context.ts';
export { Scope, type ScopeColumn } from './scope.ts';
export { resolveTypeName } from './type-name.ts';

export interface BindOptions {
  readonly catalog: Catalog;
  readonly session: SessionSettings;
  readonly params?: readonly Value[];
  readonly paramTypes?: readonly (SqlType | undefined)[];
  /** Describing: parameters have no values; their inferred types are collected here. */
  readonly inferredParamTypes?: (SqlType | undefined)[];
  /** Collects the ids of the catalog relations the query names, views included (views are inlined). */
  readonly namedRelations?: Set<number>;
  /** Binding a column DEFAULT (see BindContext.deferClock). */
  readonly deferClock?: boolean;
}

export function makeBindContext(options: BindOptions): BindContext {
  const ctx: BindContext = {
    catalog: options.catalog,
    session: options.session,
    params: options.params ?? [],
    paramTypes: options.paramTypes ?? [],
    inferredParamTypes: options.inferredParamTypes,
    namedRelations: options.namedRelations,
    deferClock: options.deferClock,
    aggregates: null,
    windows: null,
    bindSubquery: (stmt, scope, outerAggregates) =>
      bindSelect(stmt, scope, { ...ctx, aggregates: null, windows: null, outerAggregates }),
  };
  return ctx;
}

/** Binds a top-level query to a logical plan; its schema names the output columns. */
export function bindQuery(stmt: SelectStmt, options: BindOptions): LogicalPlan {
  const ctx = makeBindContext(options);
  return bindSelect(stmt, new Scope([], null), ctx);
}

/** Binds a scalar expression over `columns` (no aggregates or window functions). */
export function bindScalar(
  node: Node,
  columns: readonly ScopeColumn[],
  options: BindOptions,
  clause: string,
): ScalarExpr {
  const ctx = makeBindContext(options);
  return bindExpr(node, new Scope(columns, null), { ...ctx, aggregateClause: clause });
}
