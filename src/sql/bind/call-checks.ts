/**
 * @module sql/bind/call-checks
 * Checks on aggregate and window calls that PostgreSQL makes while resolving them: the number of
 * arguments (42883, or 42809 for `count()`).
 * Used by func-call.ts before it picks an implementation.
 */
import { SemanticError, SqlState, UndefinedObjectError } from '../../common/errors.ts';
import { typeName } from '../../common/types.ts';
import type { ScalarExpr } from '../../plan/scalar.ts';

/**
 * How many arguments each aggregate and window function takes, as PostgreSQL declares them; a call
 * with another count names a function that does not exist (42883). `count(*)` counts as none.
 */
const argumentCounts: Readonly<Record<string, readonly number[]>> = {
  count: [1],
  sum: [1],
  avg: [1],
  min: [1],
  max: [1],
  string_agg: [2],
  array_agg: [1],
  bool_and: [1],
  bool_or: [1],
  every: [1],
  jsonb_agg: [1],
  jsonb_object_agg: [2],
  bit_and: [1],
  bit_or: [1],
  bit_xor: [1],
  variance: [1],
  var_samp: [1],
  var_pop: [1],
  stddev: [1],
  stddev_samp: [1],
  stddev_pop: [1],
  corr: [2],
  covar_pop: [2],
  covar_samp: [2],
  regr_slope: [2],
  regr_intercept: [2],
  regr_count: [2],
  regr_r2: [2],
  regr_avgx: [2],
  regr_avgy: [2],
  regr_sxx: [2],
  regr_syy: [2],
  regr_sxy: [2],
  percentile_cont: [1],
  percentile_disc: [1],
  mode: [0],
  first: [1],
  last: [1],
  row_number: [0],
  rank: [0],
  dense_rank: [0],
  percent_rank: [0],
  cume_dist: [0],
  ntile: [1],
  lag: [1, 2, 3],
  lead: [1, 2, 3],
  first_value: [1],
  last_value: [1],
  nth_value: [2],
};

export function checkArgumentCount(name: string, star: boolean, args: ScalarExpr[], position?: number): void {
  if (star && name === 'count') return;
  // PostgreSQL declares count(*) as count(): found, but it must be spelt with the star.
  if (name === 'count' && args.length === 0)
    throw new SemanticError(
      SqlState.wrongObjectType,
      'count(*) must be used to call a parameterless aggregate function',
      { position },
    );
  const allowed = argumentCounts[name];
  if (allowed !== undefined && !allowed.includes(star ? 0 : args.length))
    throw noFunction(name, star ? [] : args, position);
}

export function noFunction(name: string, args: ScalarExpr[], position?: number): UndefinedObjectError {
  return new UndefinedObjectError(
    SqlState.undefinedFunction,
    `function ${name}(${args.map((a) => typeName(a.type)).join(', ')}) does not exist`,
    {
      position,
      hint: 'No function matches the given name and argument types. You might need to add explicit type casts.',
    },
  );
}
