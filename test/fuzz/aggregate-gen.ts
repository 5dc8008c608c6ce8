/**
 * @module test/fuzz/aggregate-gen
 * Random aggregate calls (every aggregate, statistical and bit ones included, DISTINCT, FILTER,
 * ORDER BY inside string_agg and array_agg) and window functions for expr-gen. Window functions whose result depends on how ties
 * are broken (row_number, lag, first_value, ROWS frames) are used only under a total order.
 */
import { comparable, composite, type ExprContext, expr, predicate } from './expr-gen.ts';
import { pairStatistics } from './float-statistics.ts';
import type { Category } from './schema-gen.ts';
import { node, type SqlNode, type SqlPart } from './sql-tree.ts';

/** Inside an aggregate's arguments: any column of the level, no nested aggregates or windows. */
function argContext(ctx: ExprContext): ExprContext {
  // No outer references either: an aggregate over outer columns only belongs to the outer query.
  return {
    ...ctx,
    atoms: ctx.rowAtoms,
    outer: [],
    allowAggregates: false,
    allowWindows: false,
    depth: ctx.depth + 1,
  };
}

export function aggregate(ctx: ExprContext, category: Category): SqlPart {
  const { rng } = ctx;
  const a = argContext(ctx);
  const filter = (): string | SqlPart =>
    rng.chance(0.2) ? node([' FILTER (WHERE ', predicate(a), ')'], ['']) : '';
  const distinct = rng.chance(0.2) ? 'DISTINCT ' : '';
  const call = (fn: string, arg: SqlPart, order = ''): SqlNode =>
    composite(category, [`${fn}(${distinct}`, arg, order, ')', filter()], []);
  switch (category) {
    case 'int':
      return rng.weighted<() => SqlPart>([
        [2, () => composite('int', ['count(*)', filter()], [])],
        [2, () => call('count', expr(a, rng.pick(comparable)))],
        [2, () => call('sum', expr(a, 'int'))],
        [2, () => call(rng.pick(['min', 'max']), expr(a, 'int'))],
        [1, () => call(rng.pick(['bit_and', 'bit_or', 'bit_xor']), expr(a, 'int'))],
        [1, () => pairCall(a, 'int', 'regr_count', filter())],
        [1, () => orderedSet(a, 'int', 'mode()', 'int', filter())],
      ])();
    case 'num':
      return call(
        rng.pick(['sum', 'avg', 'min', 'max', 'variance', 'var_pop', 'stddev', 'stddev_samp', 'stddev_pop']),
        expr(a, rng.pick(['num', 'int'] as const)),
      );
    case 'float':
      return rng.weighted<() => SqlPart>([
        [5, () => call(rng.pick(['sum', 'avg', 'min', 'max', 'var_samp', 'stddev_pop']), expr(a, 'float'))],
        [2, () => pairCall(a, 'float', rng.pick(pairAggregates), filter())],
        [
          1,
          () =>
            orderedSet(
              a,
              'float',
              `percentile_cont(${rng.pick(['0', '0.25', '0.5', '0.9', '1'])})`,
              rng.pick(['float', 'int'] as const),
              filter(),
            ),
        ],
      ])();
    case 'text': {
      const arg = expr(a, 'text');
      if (rng.chance(0.2))
        return orderedSet(
          a,
          'text',
          rng.pick(['mode()', 'percentile_disc(0.5)', 'percentile_disc(0)', 'percentile_disc(0.75)']),
          'text',
          filter(),
        );
      return rng.chance(0.5)
        ? call(rng.pick(['min', 'max']), arg)
        : composite('text', [`string_agg(${distinct}`, arg, ", ',' ORDER BY ", arg, ')', filter()], []);
    }
    case 'bool':
      return call(rng.pick(['bool_and', 'bool_or', 'every']), predicate(a));
    case 'date':
      return call(rng.pick(['min', 'max']), expr(a, 'date'));
    case 'intarr': {
      const arg = expr(a, 'int');
      return composite('intarr', [`array_agg(${distinct}`, arg, ' ORDER BY ', arg, ')', filter()], []);
    }
  }
}

/** The two-argument statistical aggregates (float8 in PostgreSQL; no DISTINCT form generated). */
const pairAggregates = [...pairStatistics];

function pairCall(a: ExprContext, category: Category, fn: string, filter: string | SqlPart): SqlNode {
  const arg = (): SqlPart => expr(a, a.rng.pick(['float', 'int', 'num'] as const));
  return composite(category, [`${fn}(`, arg(), ', ', arg(), ')', filter], []);
}

/** An ordered-set aggregate, `head` WITHIN GROUP (ORDER BY an expression of `of`, either way). */
function orderedSet(
  a: ExprContext,
  category: Category,
  head: string,
  of: Category,
  filter: string | SqlPart,
): SqlNode {
  const dir = a.rng.pick(['', ' DESC', ' ASC']);
  return composite(category, [`${head} WITHIN GROUP (ORDER BY `, expr(a, of), `${dir})`, filter], []);
}

/** Window functions whose result does not depend on how ties are broken, unless a total order exists. */
export function windowCall(ctx: ExprContext, category: Category): SqlPart {
  const { rng } = ctx;
  const w = { ...ctx, allowWindows: false, allowAggregates: ctx.allowAggregates, depth: ctx.depth + 1 };
  const partition = rng.chance(0.6) ? ['PARTITION BY ', expr(w, rng.pick(comparable)), ' '] : [];
  const order = expr(w, rng.pick(['int', 'text', 'num', 'date'] as const));
  const dir = rng.pick(['', ' DESC', ' NULLS FIRST', ' DESC NULLS LAST']);
  const over = (total: boolean, frame = ''): SqlPart[] => {
    const tail = total && ctx.totalOrder !== null ? ctx.totalOrder.map((k) => `, ${k}`).join('') : '';
    return [' OVER (', ...partition, 'ORDER BY ', order, dir, tail, frame, ')'];
  };
  const total = ctx.totalOrder !== null && !ctx.allowAggregates;
  switch (category) {
    case 'int': {
      const choices: [number, () => SqlPart][] = [
        [2, () => composite('int', [rng.pick(['rank()', 'dense_rank()']), ...over(false)], [])],
        [2, () => composite('int', ['count(', expr(w, 'int'), ')', ...over(false)], [])],
        [1, () => composite('int', ['sum(', expr(w, 'int'), ')', ...over(false)], [])],
      ];
      if (total) {
        choices.push([2, () => composite('int', ['row_number()', ...over(true)], [])]);
        choices.push([1, () => composite('int', ['ntile(3)', ...over(true)], [])]);
        choices.push([
          2,
          () =>
            composite(
              'int',
              [rng.pick(['lag(', 'lead(']), expr(w, 'int'), rng.pick(['', ', 2']), ')', ...over(true)],
              [],
            ),
        ]);
        choices.push([
          1,
          () =>
            composite(
              'int',
              ['sum(', expr(w, 'int'), ')', ...over(true, ' ROWS BETWEEN 1 PRECEDING AND CURRENT ROW')],
              [],
            ),
        ]);
      }
      return rng.weighted(choices)();
    }
    case 'float':
      return composite('float', [rng.pick(['percent_rank()', 'cume_dist()']), ...over(false)], []);
    default: {
      if (total && rng.chance(0.5)) {
        return composite(
          category,
          [rng.pick(['first_value(', 'last_value(']), expr(w, category), ')', ...over(true)],
          [],
        );
      }
      return composite(category, [rng.pick(['min(', 'max(']), expr(w, category), ')', ...over(false)], []);
    }
  }
}
