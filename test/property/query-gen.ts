/**
 * @module test/property/query-gen
 * fast-check arbitraries for the view oracle: a random schema (tables of nullable integer and
 * text columns), random queries over it from the supported SQL surface (filters, joins, grouping
 * with every aggregate, DISTINCT, top-k, window functions, set operations, IN / EXISTS
 * subqueries, correlated ones included), and random histories of writes.
 */
import fc from 'fast-check';

export interface TableSpec {
  readonly name: string;
  /** Column names; `k` is integer, `v*` integer, `s` text. */
  readonly ints: readonly string[];
  readonly text: string;
}

export const tables: readonly TableSpec[] = [
  { name: 'ta', ints: ['k', 'v1', 'v2'], text: 's' },
  { name: 'tb', ints: ['k', 'v1', 'v2'], text: 's' },
];

/** Each table also has `id`, a primary key the generator uses to address single rows. */
export function createTablesSql(): string {
  return tables
    .map(
      (t) =>
        `CREATE TABLE ${t.name} (id integer PRIMARY KEY, ${t.ints.map((c) => `${c} integer`).join(', ')}, ${t.text} text);`,
    )
    .join('\n');
}

const smallInt = fc.oneof(fc.integer({ min: -3, max: 6 }), fc.constant(null));
const word = fc.oneof(fc.constantFrom('a', 'b', 'c', 'dd', ''), fc.constant(null));

export type RowValues = (number | string | null)[];

export const rowArb: fc.Arbitrary<RowValues> = fc
  .tuple(smallInt, smallInt, smallInt, word)
  .map((r) => [...r]);

export type Write =
  | { readonly kind: 'insert'; readonly table: number; readonly row: RowValues }
  | { readonly kind: 'delete'; readonly table: number; readonly pick: number }
  | { readonly kind: 'update'; readonly table: number; readonly pick: number; readonly row: RowValues };

export const writeArb: fc.Arbitrary<Write> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({ kind: fc.constant('insert' as const), table: fc.nat(1), row: rowArb }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('delete' as const), table: fc.nat(1), pick: fc.nat(1000) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('update' as const),
      table: fc.nat(1),
      pick: fc.nat(1000),
      row: rowArb,
    }),
  },
);

/** Steps: each a transaction of 1–6 writes. */
export const historyArb = fc.array(fc.array(writeArb, { minLength: 1, maxLength: 6 }), {
  minLength: 1,
  maxLength: 8,
});

const intCol = (alias: string) => fc.constantFrom('k', 'v1', 'v2').map((c) => `${alias}.${c}`);

function scalarInt(alias: string): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: intCol(alias) },
    { weight: 1, arbitrary: fc.integer({ min: -2, max: 5 }).map(String) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(intCol(alias), fc.constantFrom('+', '-', '*'), fc.integer({ min: 1, max: 3 }))
        .map(([a, op, b]) => `(${a} ${op} ${b})`),
    },
    { weight: 1, arbitrary: intCol(alias).map((c) => `COALESCE(${c}, 0)`) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(intCol(alias), intCol(alias))
        .map(([a, b]) => `CASE WHEN ${a} > ${b} THEN ${a} ELSE ${b} END`),
    },
  );
}

function predicate(alias: string): fc.Arbitrary<string> {
  const atom = fc.oneof(
    fc
      .tuple(scalarInt(alias), fc.constantFrom('=', '<>', '<', '>=', '<='), scalarInt(alias))
      .map(([a, op, b]) => `${a} ${op} ${b}`),
    intCol(alias).map((c) => `${c} IS NULL`),
    intCol(alias).map((c) => `${c} IS NOT NULL`),
    fc
      .tuple(intCol(alias), fc.integer({ min: -1, max: 3 }), fc.integer({ min: 2, max: 6 }))
      .map(([c, lo, hi]) => `${c} BETWEEN ${lo} AND ${hi}`),
    fc
      .tuple(intCol(alias), fc.uniqueArray(fc.integer({ min: -1, max: 5 }), { minLength: 1, maxLength: 3 }))
      .map(([c, xs]) => `${c} IN (${xs.join(', ')})`),
    fc.constantFrom(`${alias}.s LIKE 'd%'`, `${alias}.s = 'a'`, `${alias}.s IS NULL`),
  );
  return fc.oneof(
    { weight: 3, arbitrary: atom },
    {
      weight: 1,
      arbitrary: fc.tuple(atom, fc.constantFrom('AND', 'OR'), atom).map(([a, op, b]) => `(${a} ${op} ${b})`),
    },
    { weight: 1, arbitrary: atom.map((a) => `NOT (${a})`) },
  );
}

const aggregate = fc.oneof(
  fc.constant('count(*)'),
  fc.constantFrom('count', 'sum', 'min', 'max', 'avg').chain((f) => intCol('x').map((c) => `${f}(${c})`)),
  intCol('x').map((c) => `count(DISTINCT ${c})`),
  intCol('x').map((c) => `sum(DISTINCT ${c})`),
  fc.constant("string_agg(x.s, ',' ORDER BY x.s)"),
  fc.constant('bool_or(x.v1 > 2)'),
  intCol('x').map((c) => `count(*) FILTER (WHERE ${c} > 1)`),
);

/** One query over `ta AS x` (and sometimes `tb AS y`), returning SQL text with distinct output names. */
export const queryArb: fc.Arbitrary<string> = fc.oneof(
  // projection + filter
  fc
    .tuple(fc.array(scalarInt('x'), { minLength: 1, maxLength: 3 }), fc.option(predicate('x')), fc.boolean())
    .map(
      ([cols, where, distinct]) =>
        `SELECT ${distinct ? 'DISTINCT ' : ''}${cols.map((c, i) => `${c} AS c${i}`).join(', ')} FROM ta AS x${where ? ` WHERE ${where}` : ''}`,
    ),
  // grouping
  fc
    .tuple(
      intCol('x'),
      fc.array(aggregate, { minLength: 1, maxLength: 3 }),
      fc.option(predicate('x')),
      fc.boolean(),
    )
    .map(
      ([g, aggs, where, having]) =>
        `SELECT ${g} AS g, ${aggs.map((a, i) => `${a} AS a${i}`).join(', ')} FROM ta AS x${where ? ` WHERE ${where}` : ''} GROUP BY ${g}${having ? ' HAVING count(*) > 1' : ''}`,
    ),
  // scalar aggregate
  fc
    .array(aggregate, { minLength: 1, maxLength: 3 })
    .map((aggs) => `SELECT ${aggs.map((a, i) => `${a} AS a${i}`).join(', ')} FROM ta AS x`),
  // joins
  fc
    .tuple(
      fc.constantFrom('JOIN', 'LEFT JOIN', 'RIGHT JOIN', 'FULL JOIN'),
      fc.constantFrom('k', 'v1'),
      fc.option(predicate('x')),
    )
    .map(
      ([j, c, where]) =>
        `SELECT x.k AS xk, x.v1 AS xv, y.k AS yk, y.v2 AS yv FROM ta AS x ${j} tb AS y ON x.${c} = y.${c}${where ? ` WHERE ${where}` : ''}`,
    ),
  fc.constant('SELECT x.k AS xk, y.k AS yk FROM ta AS x, tb AS y WHERE x.v1 = y.v2 AND x.k < y.k'),
  // top-k
  fc
    .tuple(intCol('x'), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 2 }), fc.boolean())
    .map(
      ([c, limit, offset, desc]) =>
        `SELECT x.k AS k, x.v1 AS v1, x.s AS s FROM ta AS x ORDER BY ${c}${desc ? ' DESC' : ''} LIMIT ${limit} OFFSET ${offset}`,
    ),
  fc
    .integer({ min: 1, max: 3 })
    .map(
      (n) =>
        `SELECT k, v1 FROM (SELECT x.k AS k, x.v1 AS v1, row_number() OVER (PARTITION BY x.k ORDER BY x.v1, x.v2, x.s) AS rn FROM ta AS x) AS t WHERE rn <= ${n}`,
    ),
  // window functions
  fc
    .constantFrom(
      'row_number()',
      'rank()',
      'dense_rank()',
      'lag(x.v1)',
      'lead(x.v1, 2, -1)',
      'sum(x.v1)',
      'count(*)',
      'min(x.v2)',
      'max(x.v2)',
      'first_value(x.v1)',
      'avg(x.v1)',
    )
    .chain((f) =>
      fc
        .constantFrom(
          '',
          ' ROWS BETWEEN 1 PRECEDING AND CURRENT ROW',
          ' ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING',
        )
        .map((frame) => {
          const rankLike = /^(row_number|rank|dense_rank|lag|lead)/.test(f);
          return `SELECT x.k AS k, x.v1 AS v1, x.v2 AS v2, x.s AS s, ${f} OVER (PARTITION BY x.k ORDER BY x.v1, x.v2, x.s${rankLike ? '' : frame}) AS w FROM ta AS x`;
        }),
    ),
  // set operations
  fc
    .tuple(
      fc.constantFrom('UNION', 'UNION ALL', 'INTERSECT', 'INTERSECT ALL', 'EXCEPT', 'EXCEPT ALL'),
      fc.constantFrom('k', 'v1'),
    )
    .map(([op, c]) => `SELECT x.${c} AS c FROM ta AS x ${op} SELECT y.${c} FROM tb AS y`),
  // subqueries
  fc.constantFrom(
    'SELECT x.k AS k, x.v1 AS v1 FROM ta AS x WHERE x.v1 IN (SELECT y.v2 FROM tb AS y)',
    'SELECT x.k AS k, x.v1 AS v1 FROM ta AS x WHERE x.v1 NOT IN (SELECT y.v2 FROM tb AS y)',
    'SELECT x.k AS k FROM ta AS x WHERE EXISTS (SELECT 1 FROM tb AS y WHERE y.k = x.k)',
    'SELECT x.k AS k FROM ta AS x WHERE NOT EXISTS (SELECT 1 FROM tb AS y WHERE y.k = x.k AND y.v1 > x.v1)',
    'SELECT x.k AS k, (SELECT count(*) FROM tb AS y WHERE y.v1 < x.v1) AS c FROM ta AS x',
    'SELECT x.k AS k, (SELECT max(y.v2) FROM tb AS y WHERE y.k = x.k) AS m FROM ta AS x',
    'SELECT x.k AS k FROM ta AS x WHERE x.v1 > ALL (SELECT y.v1 FROM tb AS y WHERE y.k = x.k)',
    'SELECT x.k AS k, x.v2 AS v2 FROM ta AS x WHERE x.v2 > (SELECT avg(y.v2) FROM tb AS y)',
    'SELECT x.k AS k, CASE WHEN x.v1 IN (SELECT y.k FROM tb AS y) THEN 1 ELSE 0 END AS f FROM ta AS x',
    // correlated subqueries in grouped queries, outer-level aggregates, JOIN ON, shared CTEs
    'SELECT x.v1 AS g, (SELECT count(*) FROM tb AS y WHERE y.v1 = x.v1) AS c FROM ta AS x GROUP BY x.v1',
    'SELECT (SELECT count(*) FROM tb AS y WHERE y.k = x.k) AS s, count(*) AS n FROM ta AS x GROUP BY (SELECT count(*) FROM tb AS y WHERE y.k = x.k)',
    'SELECT x.v1 AS g, (SELECT sum(x.v2) + count(*) FROM tb AS y WHERE y.v1 = x.v1) AS s FROM ta AS x GROUP BY x.v1',
    'SELECT x.k AS k, y.k AS yk FROM ta AS x LEFT JOIN tb AS y ON y.k = x.k AND y.v1 > (SELECT min(z.v1) FROM tb AS z WHERE z.v2 = x.v2)',
    'WITH s AS (SELECT y.k AS k, y.v1 AS v FROM tb AS y WHERE y.v2 IS NOT NULL) SELECT a.k AS k, b.v AS v FROM s AS a JOIN s AS b ON a.k = b.v',
    'SELECT x.k AS k FROM ta AS x WHERE x.v1 IN (WITH s AS (SELECT x.v2 AS z) SELECT y.v1 FROM tb AS y WHERE y.v2 IN (SELECT z FROM s))',
  ),
);
