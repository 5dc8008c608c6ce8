/**
 * @module test/unit/dataflow-aggregate
 * Oracle tests of the aggregate operator: every aggregate function (count, sum, avg over int,
 * float and numeric, min/max, DISTINCT forms, bool_and/or, string_agg/array_agg/jsonb_agg with and
 * without ORDER BY, FILTER), grouped and scalar, against a from-scratch fold after every step.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Interval } from '../../src/common/interval.ts';
import { jsonbAgg } from '../../src/common/jsonb-build.ts';
import { Numeric } from '../../src/common/numeric.ts';
import { type SqlType, T } from '../../src/common/types.ts';
import type { Value } from '../../src/common/value.ts';
import { compareNullable, compareValues } from '../../src/common/value-ops.ts';
import { type AggregateDescriptor, makeAggregator } from '../../src/dataflow/aggregates/make-aggregator.ts';
import {
  FloatMoments,
  NumericMoments,
  type VarianceFunction,
} from '../../src/dataflow/aggregates/moments.ts';
import { Batch } from '../../src/dataflow/batch.ts';
import { AggregateOp } from '../../src/dataflow/operators/aggregate.ts';
import { WindowOp } from '../../src/dataflow/operators/window.ts';
import {
  checkUnary,
  fcOptions,
  historyArb,
  type Rows,
  show,
  smallInt,
  smallText,
} from './dataflow-support.ts';

// Input columns: 0 g int4, 1 x int4, 2 f bool, 3 t text, 4 d text (delimiter), 5 y float8, 6 n numeric.
const types: SqlType[] = [T.int4, T.int4, T.bool, T.text, T.text, T.float8, T.numeric];
const numerics = ['1.5', '1.50', '2', '-0.25', '10.125'].map((s) => Numeric.parse(s));
const inputRow = fc
  .tuple(
    smallInt(2),
    smallInt(5),
    fc.constantFrom(true, false, null),
    smallText(),
    fc.constantFrom(',', null, ';'),
    fc.constantFrom(0.5, 0.25, -1.75, 3, null),
    fc.constantFrom(...numerics, null),
  )
  .map((t): Value[] => [...t]);

const X = 1;
type Ref = (rows: Rows) => Value;
interface Case {
  readonly d: AggregateDescriptor;
  readonly filter?: number;
  readonly ref: Ref;
}

function desc(
  fn: AggregateDescriptor['fn'],
  args: number[],
  extra: Partial<AggregateDescriptor> = {},
): AggregateDescriptor {
  return { fn, args, argTypes: args.map((a) => types[a]!), distinct: false, orderBy: [], ...extra };
}

const nonNull = (rows: Rows, c: number): Value[] => rows.map((r) => r[c]!).filter((v) => v !== null);
const distinct = (vs: Value[]): Value[] => {
  const seen = new Set<string>();
  return vs.filter((v) => !seen.has(show(v)) && seen.add(show(v)) !== undefined);
};
const intSum = (vs: Value[]): Value =>
  vs.length === 0 ? null : vs.reduce<number>((s, v) => s + (v as number), 0);
const intAvg = (vs: Value[]): Value =>
  vs.length === 0 ? null : Numeric.avg(Numeric.fromInt(intSum(vs) as number), vs.length);
const numSum = (vs: Value[]): Value =>
  vs.length === 0 ? null : vs.slice(1).reduce<Numeric>((s, v) => s.add(v as Numeric), vs[0] as Numeric);
const extreme = (vs: Value[], sign: number): Value =>
  vs.length === 0 ? null : vs.reduce((a, b) => (sign * compareValues(b, a) > 0 ? b : a));
const sortBy = (rows: Rows, cmp: (a: Value[], b: Value[]) => number): Rows => [...rows].sort(cmp);
const byCols = (cols: number[]) => (a: Value[], b: Value[]) => {
  for (const c of cols) {
    const k = compareNullable(a[c]!, b[c]!, false);
    if (k !== 0) return k;
  }
  return 0;
};

const cases: Case[] = [
  { d: desc('count_star', []), ref: (rows) => rows.length },
  { d: desc('count', [X]), ref: (rows) => nonNull(rows, X).length },
  { d: desc('sum', [X]), ref: (rows) => intSum(nonNull(rows, X)) },
  { d: desc('avg', [X]), ref: (rows) => intAvg(nonNull(rows, X)) },
  { d: desc('min', [X]), ref: (rows) => extreme(nonNull(rows, X), -1) },
  { d: desc('max', [X]), ref: (rows) => extreme(nonNull(rows, X), 1) },
  { d: desc('min', [3]), ref: (rows) => extreme(nonNull(rows, 3), -1) },
  { d: desc('max', [3]), ref: (rows) => extreme(nonNull(rows, 3), 1) },
  { d: desc('count', [X], { distinct: true }), ref: (rows) => distinct(nonNull(rows, X)).length },
  { d: desc('sum', [X], { distinct: true }), ref: (rows) => intSum(distinct(nonNull(rows, X))) },
  { d: desc('avg', [X], { distinct: true }), ref: (rows) => intAvg(distinct(nonNull(rows, X))) },
  {
    d: desc('bool_and', [2]),
    ref: (rows) => (nonNull(rows, 2).length === 0 ? null : nonNull(rows, 2).every((v) => v === true)),
  },
  {
    d: desc('bool_or', [2]),
    ref: (rows) => (nonNull(rows, 2).length === 0 ? null : nonNull(rows, 2).some((v) => v === true)),
  },
  {
    d: desc('sum', [X]),
    filter: 2,
    ref: (rows) =>
      intSum(
        nonNull(
          rows.filter((r) => r[2] === true),
          X,
        ),
      ),
  },
  { d: desc('count_star', []), filter: 2, ref: (rows) => rows.filter((r) => r[2] === true).length },
  {
    d: desc('sum', [5]),
    ref: (rows) =>
      nonNull(rows, 5).length === 0 ? null : nonNull(rows, 5).reduce<number>((s, v) => s + (v as number), 0),
  },
  {
    d: desc('avg', [5]),
    ref: (rows) => {
      const vs = nonNull(rows, 5);
      return vs.length === 0 ? null : vs.reduce<number>((s, v) => s + (v as number), 0) / vs.length;
    },
  },
  { d: desc('sum', [6]), ref: (rows) => numSum(nonNull(rows, 6)) },
  {
    d: desc('avg', [6]),
    ref: (rows) => {
      const vs = nonNull(rows, 6);
      return vs.length === 0 ? null : Numeric.avg(numSum(vs) as Numeric, vs.length);
    },
  },
  {
    // string_agg(t, d ORDER BY x DESC NULLS FIRST): ties by (t, d) ascending.
    d: desc('string_agg', [3, 4], { orderBy: [{ column: X, descending: true, nullsFirst: true }] }),
    ref: (rows) => {
      const sorted = sortBy(
        rows.filter((r) => r[3] !== null),
        (a, b) => {
          if (a[X] !== b[X]) {
            if (a[X] === null) return -1;
            if (b[X] === null) return 1;
            return (b[X] as number) - (a[X] as number);
          }
          return byCols([3, 4])(a, b);
        },
      );
      if (sorted.length === 0) return null;
      return sorted
        .map((r, i) => (i === 0 ? '' : ((r[4] as string | null) ?? '')) + (r[3] as string))
        .join('');
    },
  },
  {
    d: desc('string_agg', [3, 4], { distinct: true }),
    ref: (rows) => {
      const entries = sortBy(
        rows.filter((r) => r[3] !== null),
        byCols([3, 4]),
      ).map((r) => [r[3]!, r[4]!]);
      const uniq = entries.filter((e, i) => i === 0 || show(e) !== show(entries[i - 1]!));
      if (uniq.length === 0) return null;
      return uniq.map((e, i) => (i === 0 ? '' : ((e[1] as string | null) ?? '')) + (e[0] as string)).join('');
    },
  },
  {
    d: desc('array_agg', [X]),
    ref: (rows) => (rows.length === 0 ? null : sortBy(rows, byCols([X])).map((r) => r[X]!)),
  },
  {
    d: desc('array_agg', [X], { distinct: true }),
    ref: (rows) => (rows.length === 0 ? null : distinct(sortBy(rows, byCols([X])).map((r) => r[X]!))),
  },
  {
    d: desc('jsonb_agg', [X], { orderBy: [{ column: X, descending: true, nullsFirst: false }] }),
    ref: (rows) => {
      const sorted = sortBy(rows, (a, b) => {
        if (a[X] === b[X]) return 0;
        if (a[X] === null) return 1;
        if (b[X] === null) return -1;
        return (b[X] as number) - (a[X] as number);
      });
      return jsonbAgg(
        sorted.map((r) => r[X]!),
        T.int4,
      );
    },
  },
  ...(['var_samp', 'var_pop', 'stddev_samp', 'stddev_pop'] as const).flatMap((fn): Case[] => [
    { d: desc(fn, [X]), ref: (rows) => freshNumeric(nonNull(rows, X), fn) },
    { d: desc(fn, [6]), ref: (rows) => freshNumeric(nonNull(rows, 6), fn) },
    { d: desc(fn, [5]), ref: (rows) => freshFloat(rows, [5], (m) => m.variance(fn)) },
  ]),
  {
    d: desc('var_samp', [X], { distinct: true }),
    ref: (rows) => freshNumeric(distinct(nonNull(rows, X)), 'var_samp'),
  },
  ...(
    ['corr', 'covar_samp', 'regr_slope', 'regr_intercept', 'regr_count', 'regr_r2', 'regr_sxy'] as const
  ).map(
    (fn): Case => ({ d: desc(fn, [5, 5]), ref: (rows) => freshFloat(rows, [5, 5], (m) => m.regression(fn)) }),
  ),
  ...(['bit_and', 'bit_or', 'bit_xor'] as const).map(
    (fn): Case => ({
      d: desc(fn, [X]),
      ref: (rows) => {
        const vs = nonNull(rows, X) as number[];
        if (vs.length === 0) return null;
        return vs.reduce((a, b) => (fn === 'bit_and' ? a & b : fn === 'bit_or' ? a | b : a ^ b));
      },
    }),
  ),
  ...[false, true].map(
    (descending): Case => ({
      // mode() WITHIN GROUP (ORDER BY x [DESC]): the most frequent, ties to the first in that order.
      d: desc('mode', [X], { orderBy: [{ column: X, descending, nullsFirst: false }] }),
      ref: (rows) => {
        const counts = new Map<number, number>();
        for (const v of nonNull(rows, X) as number[]) counts.set(v, (counts.get(v) ?? 0) + 1);
        let best: number | null = null;
        for (const [v, c] of counts) {
          const bc = best === null ? 0 : counts.get(best)!;
          if (c > bc || (c === bc && (descending ? v > best! : v < best!))) best = v;
        }
        return best;
      },
    }),
  ),
];

/** The variance family over the group's current values, from a fresh state. */
function freshNumeric(vs: Value[], fn: VarianceFunction): Value {
  const m = new NumericMoments();
  for (const v of vs) m.add(v, 1);
  return m.isEmpty() ? null : m.result(fn);
}

/** A float statistic over the group's current rows (both columns non-NULL), from a fresh state. */
function freshFloat(rows: Rows, cols: number[], result: (m: FloatMoments) => Value): Value {
  const m = new FloatMoments();
  for (const r of rows) {
    const y = r[cols[0]!]!;
    const x = r[cols[cols.length - 1]!]!;
    if (y !== null && x !== null) m.add(y as number, x as number, 1);
  }
  if (m.isEmpty()) return result(m) === 0 ? 0 : null;
  return result(m);
}

function makeOp(groupBy: number[]): AggregateOp {
  return new AggregateOp(
    types.length,
    groupBy,
    groupBy.map((g) => types[g]!),
    cases.map((c) => ({ aggregator: makeAggregator(c.d), filter: c.filter ?? -1 })),
  );
}

function reference(groupBy: number[], rows: Rows): Rows {
  const groups = new Map<string, Rows>();
  for (const r of rows) {
    const key = show(groupBy.map((g) => r[g]!));
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  if (groupBy.length === 0 && groups.size === 0) groups.set('[]', []);
  const out: Rows = [];
  for (const group of groups.values()) {
    const key = groupBy.length === 0 ? [] : groupBy.map((g) => group[0]![g]!);
    out.push([...key, ...cases.map((c) => c.ref(group))]);
  }
  return out;
}

test('grouped aggregate: every function equals a from-scratch fold after every step', () => {
  fc.assert(
    fc.property(historyArb(inputRow, 10, 10), (history) => {
      checkUnary(makeOp([0]), types.length, history, (rows) => reference([0], rows));
    }),
    fcOptions,
  );
});

test('aggregate grouped by two columns including text', () => {
  fc.assert(
    fc.property(historyArb(inputRow, 8, 10), (history) => {
      checkUnary(makeOp([0, 3]), types.length, history, (rows) => reference([0, 3], rows));
    }),
    fcOptions,
  );
});

test('scalar aggregate: one row always, equal to a from-scratch fold', () => {
  fc.assert(
    fc.property(historyArb(inputRow, 8, 10), (history) => {
      checkUnary(makeOp([]), types.length, history, (rows) => reference([], rows));
    }),
    fcOptions,
  );
});

test('scalar aggregate emits its row over empty input on the first step only', () => {
  const op = makeOp([]);
  assert.equal(op.pendingInitial, true);
  const first = op.step([new Batch(types.length)]);
  assert.equal(first.length, 1);
  assert.equal(first.weights[0], 1);
  const row = first.row(0);
  assert.equal(row[0], 0, 'count(*) is 0');
  assert.equal(row[1], 0, 'count(x) is 0');
  assert.equal(row[2], null, 'sum is NULL');
  assert.equal(op.pendingInitial, false);
  assert.equal(op.step([new Batch(types.length)]).length, 0);
});

test('a group whose result does not change emits nothing; an emptied group is freed', () => {
  const op = new AggregateOp(
    2,
    [0],
    [T.int4],
    [{ aggregator: makeAggregator(desc('max', [1])), filter: -1 }],
  );
  let out = op.step([
    Batch.fromRows(2, [
      [1, 5],
      [1, 3],
    ]),
  ]);
  assert.deepEqual([out.values, out.weights], [[1, 5], [1]]);
  out = op.step([Batch.fromRows(2, [[1, 4]])]);
  assert.equal(out.length, 0, 'max unchanged');
  out = op.step([Batch.fromRows(2, [[1, 5]], [-1])]);
  assert.deepEqual(
    [out.values, out.weights],
    [
      [1, 5, 1, 4],
      [-1, 1],
    ],
  );
  out = op.step([
    Batch.fromRows(
      2,
      [
        [1, 3],
        [1, 4],
      ],
      [-1, -1],
    ),
  ]);
  assert.deepEqual([out.values, out.weights], [[1, 4], [-1]]);
  assert.equal(op.groupCount, 0);
});

test('sum(int4) past 2^53 stays exact (int8), sum(int8) is numeric', () => {
  const big = 2 ** 31 - 1;
  const op = new AggregateOp(1, [], [], [{ aggregator: makeAggregator(desc('sum', [0])), filter: -1 }]);
  const rows = Array.from({ length: 10 }, () => [big]);
  const out = op.step([
    Batch.fromRows(
      1,
      rows,
      rows.map(() => 2 ** 22),
    ),
  ]);
  assert.equal(out.row(0)[0], 10n * BigInt(big) * 2n ** 22n);
  const op8 = new AggregateOp(
    1,
    [],
    [],
    [{ aggregator: makeAggregator({ ...desc('sum', [0]), argTypes: [T.int8] }), filter: -1 }],
  );
  const r = op8.step([Batch.fromRows(1, [[9007199254740991], [9007199254740991n * 4n]])]).row(0)[0];
  assert.ok(r instanceof Numeric);
  assert.equal(r.toString(), String(9007199254740991n * 5n));
});

test('min/max through every state: inline value, append buffer past its cap, ordered multiset, mixed forms', () => {
  const value = fc.oneof(
    { weight: 8, arbitrary: fc.integer({ min: -300, max: 300 }) },
    { weight: 1, arbitrary: fc.constantFrom<Value>(Number.NaN, 2n ** 60n, -(2n ** 60n)) },
  );
  const op = fc.tuple(value, fc.constantFrom(1, 1, 1, 2, -1));
  fc.assert(
    fc.property(fc.array(op, { minLength: 100, maxLength: 700 }), (ops) => {
      const types: SqlType[] = [T.int8];
      const min = makeAggregator({ fn: 'min', args: [0], argTypes: types, distinct: false, orderBy: [] });
      const max = makeAggregator({ fn: 'max', args: [0], argTypes: types, distinct: false, orderBy: [] });
      min.reserve(1);
      max.reserve(1);
      const live: Value[] = [];
      for (const [v, w] of ops) {
        if (w < 0) {
          const i = live.findIndex((x) => show(x) === show(v));
          if (i < 0) continue;
          live.splice(i, 1);
        } else for (let k = 0; k < w; k++) live.push(v);
        min.update(0, [v], 0, w);
        max.update(0, [v], 0, w);
        const sorted = [...live].sort(compareValues);
        assert.equal(show(min.result(0)), show(sorted[0] ?? null));
        assert.equal(show(max.result(0)), show(sorted.at(-1) ?? null));
      }
    }),
    { ...fcOptions, numRuns: 60 },
  );
});

test('sum/avg over interval add field by field; jsonb_object_agg builds an object', () => {
  const types: SqlType[] = [T.interval, T.text, T.int4];
  const op = new AggregateOp(
    3,
    [],
    [],
    [
      {
        aggregator: makeAggregator({ fn: 'sum', args: [0], argTypes: types, distinct: false, orderBy: [] }),
        filter: -1,
      },
      {
        aggregator: makeAggregator({ fn: 'avg', args: [0], argTypes: types, distinct: false, orderBy: [] }),
        filter: -1,
      },
      {
        aggregator: makeAggregator({
          fn: 'jsonb_object_agg',
          args: [1, 2],
          argTypes: [T.text, T.int4],
          distinct: false,
          orderBy: [],
        }),
        filter: -1,
      },
    ],
  );
  const rows = [
    [new Interval(1, 2, 3_000_000), 'a', 1],
    [new Interval(0, 1, 0), 'b', 2],
    [new Interval(0, 0, 1_000_000), 'a', 3],
  ];
  op.step([Batch.fromRows(3, rows)]);
  const out = op.step([Batch.fromRows(3, [rows[2]!], [-1])]);
  const now = out.row(1);
  assert.deepEqual(
    [(now[0] as Interval).months, (now[0] as Interval).days, (now[0] as Interval).micros],
    [1, 3, 3_000_000],
  );
  assert.ok(now[1] instanceof Interval);
  assert.equal(String(now[2]), '{"a": 1, "b": 2}');
});

test('numeric sum keeps the display scale of the live values; a running window sum over numeric resumes exactly', () => {
  const types: SqlType[] = [T.numeric];
  const op = new AggregateOp(
    1,
    [],
    [],
    [
      {
        aggregator: makeAggregator({ fn: 'sum', args: [0], argTypes: types, distinct: false, orderBy: [] }),
        filter: -1,
      },
    ],
  );
  op.step([Batch.fromRows(1, [[Numeric.parse('1.250')], [Numeric.parse('2')]])]);
  const out = op.step([Batch.fromRows(1, [[Numeric.parse('1.250')]], [-1])]);
  assert.equal(String(out.row(1)[0]), '2');
  const frame = { mode: 'rows', start: { kind: 'unboundedPreceding' }, end: { kind: 'currentRow' } } as const;
  const sum = () => makeAggregator({ fn: 'sum', args: [0], argTypes: types, distinct: false, orderBy: [] });
  const win = new WindowOp(
    1,
    [],
    [],
    [{ column: 0, descending: false, nullsFirst: false }],
    [{ fn: 'sum', args: [0], frame, makeAggregator: sum }],
  );
  win.step([Batch.fromRows(1, [[Numeric.parse('1.5')], [Numeric.parse('2.25')]])]);
  const appended = win.step([Batch.fromRows(1, [[Numeric.parse('3')]])]);
  assert.equal(appended.length, 1, 'only the appended row is computed');
  assert.equal(String(appended.row(0)[1]), '6.75');
});
