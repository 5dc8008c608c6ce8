/**
 * @module test/unit/dataflow-lower
 * Logical plans lowered into a circuit, checked against the one-shot evaluator (plan/evaluate)
 * after every step of random histories over two tables: filters, maps, every join type with keys
 * split from the condition, aggregates, DISTINCT, top-k (also WITH TIES), windows, set operations, constants,
 * set-returning functions, views reading views, hydration of a view added late, and the errors.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { FeatureNotSupportedError } from '../../src/common/errors.ts';
import { type SqlType, T } from '../../src/common/types.ts';
import type { Value } from '../../src/common/value.ts';
import { Batch } from '../../src/dataflow/batch.ts';
import { Circuit } from '../../src/dataflow/circuit.ts';
import { evaluatePlan } from '../../src/plan/evaluate/evaluate.ts';
import type { AggregateCall, JoinType, LogicalPlan, Schema, SortKey } from '../../src/plan/logical.ts';
import { splitJoinCondition } from '../../src/plan/lower/lower-join.ts';
import { lowerPlan } from '../../src/plan/lower/lower-plan.ts';
import { col, lit, type ScalarExpr } from '../../src/plan/scalar.ts';
import {
  type Action,
  applyActions,
  applyBatch,
  assertBagEqual,
  type Bag,
  bagOf,
  binaryHistoryArb,
  fcOptions,
  Relation,
  smallInt,
  smallText,
} from './dataflow-support.ts';

const schemaOf = (cols: [string, SqlType][]): Schema =>
  cols.map(([name, type]) => ({ name, type, nullable: true }));
const T1 = 1;
const T2 = 2;
const t1Schema = schemaOf([
  ['a', T.int4],
  ['b', T.int4],
  ['s', T.text],
]);
const t2Schema = schemaOf([
  ['a', T.int4],
  ['c', T.int4],
]);
const t1: LogicalPlan = { kind: 'get', relationId: T1, name: 't1', schema: t1Schema };
const t2: LogicalPlan = { kind: 'get', relationId: T2, name: 't2', schema: t2Schema };

const cmp = (op: '=' | '<' | '>', left: ScalarExpr, right: ScalarExpr): ScalarExpr => ({
  kind: 'compare',
  op,
  left,
  right,
  type: T.bool,
});
const and = (...args: ScalarExpr[]): ScalarExpr => ({ kind: 'and', args, type: T.bool });
const plus = (left: ScalarExpr, right: ScalarExpr): ScalarExpr => ({
  kind: 'call',
  name: '+',
  args: [left, right],
  impl: (x, y) => (x as number) + (y as number),
  strict: true,
  volatile: false,
  type: T.int4,
});
const agg = (
  fn: AggregateCall['fn'],
  args: number[],
  type: SqlType,
  extra: Partial<AggregateCall> = {},
): AggregateCall => ({
  fn,
  args,
  distinct: false,
  filter: null,
  orderBy: [],
  type,
  ...extra,
});
const asc = (column: number): SortKey => ({ column, descending: false, nullsFirst: false });

function joinPlan(joinType: JoinType, on: ScalarExpr, nullAwareAnti = false): LogicalPlan {
  const semi = joinType === 'semi' || joinType === 'anti';
  return {
    kind: 'join',
    joinType,
    left: t1,
    right: t2,
    on,
    nullAwareAnti,
    schema: semi ? t1Schema : [...t1Schema, ...t2Schema],
  };
}

const onKeyAndResidual = and(
  cmp('=', col(0, T.int4), col(3, T.int4)),
  cmp('<', col(1, T.int4), col(4, T.int4)),
);

const plans: Record<string, LogicalPlan> = {
  'filter + map': {
    kind: 'map',
    input: {
      kind: 'filter',
      input: t1,
      predicate: cmp('>', col(1, T.int4), lit(1, T.int4)),
      schema: t1Schema,
    },
    exprs: [col(2, T.text), plus(col(0, T.int4), col(1, T.int4))],
    schema: schemaOf([
      ['s', T.text],
      ['sum', T.int4],
    ]),
  },
  'inner join, key + residual': joinPlan('inner', onKeyAndResidual),
  'left join': joinPlan('left', onKeyAndResidual),
  'right join': joinPlan('right', cmp('=', col(0, T.int4), col(3, T.int4))),
  'full join': joinPlan('full', onKeyAndResidual),
  'cross join': joinPlan('inner', lit(true, T.bool)),
  'semi join': joinPlan('semi', onKeyAndResidual),
  'anti join': joinPlan('anti', cmp('=', col(0, T.int4), col(3, T.int4))),
  'NOT IN (null-aware anti join)': joinPlan('anti', cmp('=', col(1, T.int4), col(4, T.int4)), true),
  'aggregate by a': {
    kind: 'aggregate',
    input: t1,
    groupBy: [0],
    aggregates: [
      agg('count_star', [], T.int8),
      agg('sum', [1], T.int8),
      agg('max', [2], T.text),
      agg('avg', [1], T.numeric),
    ],
    schema: schemaOf([
      ['a', T.int4],
      ['count', T.int8],
      ['sum', T.int8],
      ['max', T.text],
      ['avg', T.numeric],
    ]),
  },
  'scalar aggregate': {
    kind: 'aggregate',
    input: t2,
    groupBy: [],
    aggregates: [agg('count', [1], T.int8), agg('min', [1], T.int4)],
    schema: schemaOf([
      ['count', T.int8],
      ['min', T.int4],
    ]),
  },
  distinct: {
    kind: 'distinct',
    input: { kind: 'map', input: t1, exprs: [col(0, T.int4)], schema: schemaOf([['a', T.int4]]) },
    schema: schemaOf([['a', T.int4]]),
  },
  'top-k per a': {
    kind: 'topK',
    input: t1,
    partitionBy: [0],
    orderBy: [asc(1), asc(2)],
    limit: 2,
    offset: 0,
    withTies: false,
    schema: t1Schema,
  },
  window: {
    kind: 'window',
    input: t1,
    partitionBy: [0],
    orderBy: [asc(1)],
    calls: [
      {
        fn: 'row_number',
        args: [],
        frame: { mode: 'range', start: { kind: 'unboundedPreceding' }, end: { kind: 'currentRow' } },
        type: T.int8,
      },
      {
        fn: 'sum',
        args: [1],
        frame: { mode: 'rows', start: { kind: 'preceding', offset: 1 }, end: { kind: 'currentRow' } },
        type: T.int8,
      },
    ],
    schema: [...t1Schema, ...schemaOf([['rn', T.int8]]), ...schemaOf([['s', T.int8]])],
  },
  'top-k desc nulls first with offset': {
    kind: 'topK',
    input: t1,
    partitionBy: [],
    orderBy: [{ column: 1, descending: true, nullsFirst: true }],
    limit: 3,
    offset: 1,
    withTies: false,
    schema: t1Schema,
  },
  'top-k with ties per a, after an offset': {
    kind: 'topK',
    input: t1,
    partitionBy: [0],
    orderBy: [asc(1)],
    limit: 2,
    offset: 1,
    withTies: true,
    schema: t1Schema,
  },
  'top-k with ties desc nulls first': {
    kind: 'topK',
    input: t1,
    partitionBy: [],
    orderBy: [{ column: 1, descending: true, nullsFirst: true }],
    limit: 1,
    offset: 0,
    withTies: true,
    schema: t1Schema,
  },
  'window: rank, dense_rank, descending NULLS FIRST': {
    kind: 'window',
    input: t2,
    partitionBy: [0],
    orderBy: [{ column: 1, descending: true, nullsFirst: true }],
    calls: [
      {
        fn: 'rank',
        args: [],
        frame: { mode: 'range', start: { kind: 'unboundedPreceding' }, end: { kind: 'currentRow' } },
        type: T.int8,
      },
      {
        fn: 'dense_rank',
        args: [],
        frame: { mode: 'range', start: { kind: 'unboundedPreceding' }, end: { kind: 'currentRow' } },
        type: T.int8,
      },
    ],
    schema: [...t2Schema, ...schemaOf([['rank', T.int8]]), ...schemaOf([['dr', T.int8]])],
  },
  'order by lowers to nothing': { kind: 'orderBy', input: t2, orderBy: [asc(1)], schema: t2Schema },
  'flat map': {
    kind: 'flatMap',
    input: t2,
    name: 'generate_series',
    args: [lit(1, T.int4), col(1, T.int4)],
    impl: ([from, to]) => {
      const out: Value[][] = [];
      if (from === null || to === null) return out;
      for (let i = from as number; i <= (to as number); i++) out.push([i]);
      return out;
    },
    schema: [...t2Schema, ...schemaOf([['g', T.int4]])],
  },
};

for (const op of ['union', 'intersect', 'except'] as const) {
  for (const all of [false, true]) {
    plans[`${op}${all ? ' all' : ''}`] = {
      kind: 'setOp',
      op,
      all,
      left: t2,
      right: { kind: 'map', input: t1, exprs: [col(0, T.int4), col(1, T.int4)], schema: t2Schema },
      schema: t2Schema,
    };
  }
}

const t1Row = fc.tuple(smallInt(3), smallInt(3), smallText()).map((t): Value[] => [...t]);
const t2Row = fc.tuple(smallInt(3), smallInt(3)).map((t): Value[] => [...t]);

function runHistory(
  plan: LogicalPlan,
  history: readonly (readonly [readonly Action[], readonly Action[]])[],
): void {
  const circuit = new Circuit();
  const view = lowerPlan(circuit, plan);
  const r1 = new Relation(3);
  const r2 = new Relation(2);
  const acc: Bag = new Map();
  for (let s = 0; s < history.length; s++) {
    const [a1, a2] = history[s]!;
    const deltas = new Map<number, Batch>([
      [T1, applyActions(r1, a1)],
      [T2, applyActions(r2, a2)],
    ]);
    const out = circuit.step(deltas).get(view.outputId);
    if (out !== undefined) applyBatch(acc, out);
    const expected = evaluatePlan(plan, { readRelation: (id) => (id === T1 ? r1.rows : r2.rows) });
    assertBagEqual(acc, bagOf(expected), `step ${s}`);
  }
}

for (const [name, plan] of Object.entries(plans)) {
  test(`lowered ${name} equals the one-shot evaluator after every step`, () => {
    fc.assert(
      fc.property(binaryHistoryArb(t1Row, t2Row, 6, 6), (history) => runHistory(plan, history)),
      { ...fcOptions, numRuns: 60 },
    );
  });
}

test('join keys are split from the condition; the rest is the residual', () => {
  const { keys, residual } = splitJoinCondition(onKeyAndResidual, 3);
  assert.equal(keys.length, 1);
  assert.equal(keys[0]!.left, 0);
  assert.equal(keys[0]!.right, 0);
  assert.equal(residual?.kind, 'compare');
  const swapped = splitJoinCondition(cmp('=', col(3, T.int4), plus(col(0, T.int4), lit(1, T.int4))), 3);
  assert.equal(swapped.keys.length, 1);
  assert.equal(swapped.keys[0]!.right, 0);
  assert.equal(typeof swapped.keys[0]!.left, 'function');
  assert.equal(
    splitJoinCondition(cmp('=', col(0, T.int4), col(1, T.int4)), 3).keys.length,
    0,
    'same-side equality',
  );
});

test('a view can read another view registered as a relation', () => {
  const circuit = new Circuit();
  const base = lowerPlan(circuit, plans['filter + map']!, { relationId: 100 });
  const top: LogicalPlan = {
    kind: 'aggregate',
    input: { kind: 'get', relationId: 100, name: 'v', schema: plans['filter + map']!.schema },
    groupBy: [],
    aggregates: [agg('sum', [1], T.int8)],
    schema: schemaOf([['sum', T.int8]]),
  };
  const view = lowerPlan(circuit, top);
  let out = circuit.step(
    new Map([
      [
        T1,
        Batch.fromRows(3, [
          [1, 2, 'x'],
          [1, 5, 'y'],
          [1, 0, 'z'],
        ]),
      ],
    ]),
  );
  assert.deepEqual(out.get(view.outputId)!.row(0), [9]);
  assert.equal(out.get(base.outputId)!.length, 2);
  out = circuit.step(new Map([[T1, Batch.fromRows(3, [[1, 5, 'y']], [-1])]]));
  const changes = out.get(view.outputId)!;
  assert.deepEqual(
    [changes.row(0), changes.weights[0], changes.row(1), changes.weights[1]],
    [[9], -1, [3], 1],
  );
});

test('a view added late is hydrated from snapshots, then follows steps', () => {
  const circuit = new Circuit();
  const first = lowerPlan(circuit, plans['scalar aggregate']!);
  circuit.step(
    new Map([
      [
        T2,
        Batch.fromRows(2, [
          [1, 4],
          [2, 7],
        ]),
      ],
    ]),
  );
  const late = lowerPlan(circuit, plans['aggregate by a']!);
  const snapshot = circuit.hydrate(late.outputId, (id) =>
    id === T1
      ? Batch.fromRows(3, [
          [1, 2, 'p'],
          [1, 3, 'q'],
        ])
      : undefined,
  );
  assert.equal(snapshot.length, 1);
  assert.deepEqual(snapshot.row(0).slice(0, 4), [1, 2, 5, 'q']);
  const out = circuit.step(new Map([[T1, Batch.fromRows(3, [[1, 1, 'z']])]]));
  assert.equal(out.get(late.outputId)!.length, 2);
  assert.equal(out.has(first.outputId), false, 'the first view saw no change');
});

test('constant VALUES are emitted on the first step', () => {
  const values: LogicalPlan = {
    kind: 'values',
    rows: [[lit(1, T.int4)], [lit(2, T.int4)]],
    schema: schemaOf([['x', T.int4]]),
  };
  const circuit = new Circuit();
  const view = lowerPlan(circuit, values);
  assert.equal(circuit.step(new Map()).get(view.outputId)!.length, 2);
  assert.equal(circuit.step(new Map()).has(view.outputId), false);
});

test('a subquery or outer reference reaching lowering is refused', () => {
  const sub: ScalarExpr = { kind: 'subquery', subquery: 'exists', plan: t2, type: T.bool };
  const circuit = new Circuit();
  assert.throws(
    () => lowerPlan(circuit, { kind: 'filter', input: t1, predicate: sub, schema: t1Schema }),
    (e: unknown) => {
      return e instanceof FeatureNotSupportedError && /Subquery/.test(e.message);
    },
  );
  const outer: ScalarExpr = { kind: 'outerRef', depth: 1, index: 0, type: T.int4 };
  assert.throws(
    () =>
      lowerPlan(circuit, {
        kind: 'filter',
        input: t1,
        predicate: cmp('=', col(0, T.int4), outer),
        schema: t1Schema,
      }),
    /OuterRef/,
  );
});
