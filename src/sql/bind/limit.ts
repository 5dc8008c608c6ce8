/**
 * @module sql/bind/limit
 * LIMIT and OFFSET counts: constant expressions evaluated at bind time (PostgreSQL's errors for
 * negative values; `LIMIT ALL` and `LIMIT NULL` mean no limit).
 */
import type { Node } from 'libpg-query';
import { DataError, FeatureNotSupportedError, SemanticError, SqlState } from '../../common/errors.ts';
import { T } from '../../common/types.ts';
import { compileScalar } from '../../plan/compile-scalar.ts';
import { anyNode } from '../../plan/scalar-visit.ts';
import { coerce } from './coerce.ts';
import type { BindContext } from './context.ts';
import { bindExpr } from './expr.ts';
import { Scope } from './scope.ts';

/**
 * The count a LIMIT or OFFSET expression gives. It is bound over the query's own columns (`scope`)
 * only to say, as PostgreSQL does, that naming one is not allowed (42P10).
 */
export function constantLimit(
  node: Node,
  clause: 'LIMIT' | 'OFFSET',
  scope: Scope,
  ctx: BindContext,
): number | null {
  if ('A_Const' in node && node.A_Const.isnull) return null;
  const expr = coerce(
    bindExpr(node, new Scope(scope.columns, null), {
      ...ctx,
      aggregates: null,
      windows: null,
      aggregateClause: clause,
    }),
    T.int8,
    false,
  );
  if (anyNode(expr, (e) => e.kind === 'column'))
    throw new SemanticError(
      SqlState.invalidColumnReference,
      `argument of ${clause} must not contain variables`,
    );
  if (anyNode(expr, (e) => e.kind === 'outerRef' || e.kind === 'subquery')) {
    throw new FeatureNotSupportedError(`${clause} must be a constant`);
  }
  const value = compileScalar(expr)([], 0);
  if (value === null) return null;
  const n = Number(value);
  if (n < 0) {
    throw new DataError(
      clause === 'LIMIT'
        ? SqlState.invalidRowCountInLimitClause
        : SqlState.invalidRowCountInResultOffsetClause,
      `${clause} must not be negative`,
    );
  }
  return n;
}
