/**
 * @module plan/optimize/single-row
 * A scalar subquery must yield at most one row per outer row (else 21000, as PostgreSQL). When
 * decorrelation joins its values to the outer rows, a second row would silently duplicate the
 * outer row; this module proves the bound where the plan's shape allows, and otherwise turns the
 * value of an outer value that has several rows into a row error (a view keeps it in its error
 * collection while the duplicate rows last).
 */
import { DataError, SqlState } from '../../common/errors.ts';
import { T } from '../../common/types.ts';
import type { LogicalPlan } from '../logical.ts';
import type { ScalarExpr } from '../scalar.ts';
import { domainMatch } from './domain.ts';

/** True when `plan` can never produce more than one row (for each outer row it depends on). */
export function atMostOneRow(plan: LogicalPlan): boolean {
  switch (plan.kind) {
    case 'aggregate':
      return plan.groupBy.length === 0 || atMostOneRow(plan.input);
    case 'values':
      return plan.rows.length <= 1;
    case 'topK':
      return (
        (plan.partitionBy.length === 0 && plan.limit !== null && plan.limit <= 1) || atMostOneRow(plan.input)
      );
    case 'map':
    case 'filter':
    case 'distinct':
    case 'orderBy':
    case 'window':
      return atMostOneRow(plan.input);
    default:
      return false;
  }
}

function tooManyRows(): never {
  throw new DataError(
    SqlState.cardinalityViolation,
    'more than one row returned by a subquery used as an expression',
  );
}

/**
 * `values`: rows [d (m columns)…, value] of a scalar subquery per outer value d. Returns the same
 * rows, with the value replaced by a 21000 row error where d has more than one row.
 */
export function requireSingleRow(values: LogicalPlan, m: number): LogicalPlan {
  const dSchema = values.schema.slice(0, m);
  const counted: LogicalPlan = {
    kind: 'aggregate',
    input: values,
    groupBy: dSchema.map((_, i) => i),
    aggregates: [{ fn: 'count_star', args: [], distinct: false, filter: null, orderBy: [], type: T.int8 }],
    schema: [...dSchema, { name: '?rows?', type: T.int8, nullable: false }],
  };
  const joinSchema = [...values.schema, ...counted.schema];
  const joined: LogicalPlan = {
    kind: 'join',
    joinType: 'inner',
    left: values,
    right: counted,
    on: domainMatch(0, m + 1, joinSchema, m),
    schema: joinSchema,
  };
  const valueType = values.schema[m]!.type;
  const rows: ScalarExpr = { kind: 'column', index: 2 * m + 1, type: T.int8 };
  const checked: ScalarExpr = {
    kind: 'case',
    whens: [
      {
        when: {
          kind: 'compare',
          op: '>',
          left: rows,
          right: { kind: 'literal', value: 1, type: T.int8 },
          type: T.bool,
        },
        result: {
          kind: 'call',
          name: 'too_many_rows',
          args: [],
          impl: tooManyRows,
          strict: false,
          volatile: true,
          type: valueType,
        },
      },
    ],
    otherwise: { kind: 'column', index: m, type: valueType },
    type: valueType,
  };
  return {
    kind: 'map',
    input: joined,
    exprs: [...dSchema.map((c, i): ScalarExpr => ({ kind: 'column', index: i, type: c.type })), checked],
    schema: values.schema,
  };
}
