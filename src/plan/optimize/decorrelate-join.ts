/**
 * @module plan/optimize/decorrelate-join
 * Decorrelation of a join whose ON condition holds a subquery: the condition is applied as a
 * filter over the cross join (decorrelated like WHERE), and an outer join adds back the NULL-padded
 * rows of its preserved side(s) that matched nothing.
 */
import { FeatureNotSupportedError } from '../../common/errors.ts';
import { T } from '../../common/types.ts';
import type { LogicalPlan } from '../logical.ts';
import type { ScalarExpr } from '../scalar.ts';
import { columns, domainMatch } from './domain.ts';

const TRUE: ScalarExpr = { kind: 'literal', value: true, type: T.bool };

/**
 * A join whose ON condition holds a subquery. The inner part is the cross join filtered by the
 * condition (a filter decorrelates like WHERE). An outer join adds the rows of its preserved
 * side(s) that matched nothing, NULL-padded: those whose values are absent from the matched
 * rows (the condition depends only on a row's values, so equal rows match alike).
 */
export function decorrelateJoin(
  plan: Extract<LogicalPlan, { kind: 'join' }>,
  decorrelateFilter: (filter: Extract<LogicalPlan, { kind: 'filter' }>) => LogicalPlan,
): LogicalPlan {
  if (
    plan.joinType !== 'inner' &&
    plan.joinType !== 'left' &&
    plan.joinType !== 'right' &&
    plan.joinType !== 'full'
  )
    throw new FeatureNotSupportedError(`subqueries in the condition of a ${plan.joinType} join`);
  const { left, right, schema } = plan;
  const cross: LogicalPlan = {
    ...plan,
    joinType: 'inner',
    on: TRUE,
    schema: [...left.schema, ...right.schema],
  };
  const matched = decorrelateFilter({
    kind: 'filter',
    input: cross,
    predicate: plan.on,
    schema: cross.schema,
  });
  const nL = left.schema.length;
  const nR = right.schema.length;
  const nulls = (from: number, count: number): ScalarExpr[] =>
    Array.from({ length: count }, (_, i) => ({ kind: 'literal', value: null, type: schema[from + i]!.type }));
  let out: LogicalPlan = { ...matched, schema };
  if (plan.joinType === 'left' || plan.joinType === 'full') {
    const unmatched = unmatchedRows(left, matched, 0);
    const padded: LogicalPlan = {
      kind: 'map',
      input: unmatched,
      exprs: [...columns(left.schema, 0, nL), ...nulls(nL, nR)],
      schema,
      nullPadding: true,
    };
    out = { kind: 'setOp', op: 'union', all: true, left: out, right: padded, schema };
  }
  if (plan.joinType === 'right' || plan.joinType === 'full') {
    const unmatched = unmatchedRows(right, matched, nL);
    const padded: LogicalPlan = {
      kind: 'map',
      input: unmatched,
      exprs: [...nulls(0, nL), ...columns(right.schema, 0, nR)],
      schema,
      nullPadding: true,
    };
    out = { kind: 'setOp', op: 'union', all: true, left: out, right: padded, schema };
  }
  return out;
}

/** The rows of `side` whose values are not among `matched`'s columns `from…` (an anti join). */
function unmatchedRows(side: LogicalPlan, matched: LogicalPlan, from: number): LogicalPlan {
  const width = side.schema.length;
  const keys: LogicalPlan = {
    kind: 'distinct',
    input: { kind: 'map', input: matched, exprs: columns(matched.schema, from, width), schema: side.schema },
    schema: side.schema,
  };
  const joinSchema = [...side.schema, ...side.schema];
  return {
    kind: 'join',
    joinType: 'anti',
    left: side,
    right: keys,
    on: domainMatch(0, width, joinSchema, width),
    schema: side.schema,
  };
}
