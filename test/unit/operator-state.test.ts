/**
 * @module test/unit/operator-state
 * Checkpoints of every stateful operator (dataflow/state.ts): an operator saved after a random
 * prefix of a random history and restored (through a structuredClone round trip) into a fresh
 * one must produce the same outputs for the rest of the history, ending with a step that
 * retracts every live input row (so state lost anywhere shows); the image kept by applying a
 * delta after every later step must equal a full save at the end. Then the tricky cases by hand:
 * min/max losing its extreme in each of its forms, top-k refilling after deletes, window frames.
 * Each property also takes a full save in slices while steps keep running (StateSlicer).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Interval } from '../../src/common/interval.ts';
import { Numeric } from '../../src/common/numeric.ts';
import { type SqlType, T } from '../../src/common/types.ts';
import type { Value } from '../../src/common/value.ts';
import { type AggregateDescriptor, makeAggregator } from '../../src/dataflow/aggregates/make-aggregator.ts';
import { Batch } from '../../src/dataflow/batch.ts';
import { consolidate } from '../../src/dataflow/consolidate.ts';
import type { Operator } from '../../src/dataflow/operator.ts';
import { AggregateOp } from '../../src/dataflow/operators/aggregate.ts';
import { DistinctOp } from '../../src/dataflow/operators/distinct.ts';
import { type JoinMode, JoinOp } from '../../src/dataflow/operators/join.ts';
import { NullAwareAntiJoinOp } from '../../src/dataflow/operators/null-aware-anti-join.ts';
import { SetOp, type SetOpKind } from '../../src/dataflow/operators/set-op.ts';
import { TopKOp } from '../../src/dataflow/operators/top-k.ts';
import { TopKWithTiesOp } from '../../src/dataflow/operators/top-k-with-ties.ts';
import { WindowOp } from '../../src/dataflow/operators/window.ts';
import type { SortKey } from '../../src/dataflow/row.ts';
import { applyStateDelta, type OperatorState } from '../../src/dataflow/state.ts';
import type { FrameSpec, WindowCallSpec, WindowFunctionName } from '../../src/dataflow/window/window-spec.ts';
import { plainRoundTrip } from '../support/state-images.ts';
import {
  type Action,
  applyActions,
  binaryHistoryArb,
  fcOptions,
  historyArb,
  Relation,
  showRow,
  smallInt,
  smallText,
} from './dataflow-support.ts';

function shown(batch: Batch): string[] {
  const c = consolidate(batch);
  const out: string[] = [];
  for (let i = 0; i < c.length; i++) out.push(`${showRow(c.row(i))} x${c.weights[i]}`);
  return out.sort();
}

function sortedEntries(state: { meta: Value[]; entries: Map<number, Value[]> } | OperatorState) {
  const entries =
    state.entries instanceof Map ? [...state.entries] : state.entries.map((e) => [e.id, e.data]);
  return { meta: state.meta, entries: entries.sort((a, b) => (a[0] as number) - (b[0] as number)) };
}

/** Steps of input batches for `relations` from per-step actions, plus a final step retracting all. */
function stepsOf(
  arities: readonly number[],
  history: readonly (readonly (readonly Action[])[])[],
): Batch[][] {
  const relations = arities.map((a) => new Relation(a));
  const steps = history.map((actions) => relations.map((rel, i) => applyActions(rel, actions[i]!)));
  steps.push(
    relations.map((rel) => {
      const drain = new Batch(rel.arity);
      for (const row of rel.rows) drain.push(row, 0, -1);
      return drain;
    }),
  );
  return steps;
}

/**
 * The checkpoint property for one operator and one history (see the module comment). Deltas are
 * taken after every other step (so some span two steps) and compared with a full save before
 * the final, all-retracting step and after it.
 */
function checkRestore(make: () => Operator, steps: readonly Batch[][], saveAfter: number): void {
  const original = make();
  const at = Math.min(saveAfter, steps.length - 1);
  for (let s = 0; s < at; s++) original.step(steps[s]!);
  const image = original.saveState!();
  const keep = () => ({ meta: image.meta, entries: new Map(image.entries.map((e) => [e.id, e.data])) });
  const kept = keep();
  // The restored operator's deltas are relative to the image it was restored from.
  const keptForRestored = keep();
  const restored = make();
  restored.restoreState!(plainRoundTrip(image));
  const last = steps.length - 1;
  for (let s = at; s < steps.length; s++) {
    const expected = shown(original.step(steps[s]!));
    assert.deepEqual(shown(restored.step(steps[s]!)), expected, `step ${s} (saved after ${at})`);
    if ((s - at) % 2 === 1 || s >= last - 1) {
      applyStateDelta(kept, plainRoundTrip(original.saveStateDelta!()));
      const delta = restored.saveStateDelta!();
      assert.equal(delta.full, false, 'a restored operator saves deltas');
      applyStateDelta(keptForRestored, plainRoundTrip(delta));
      if (s >= last - 1) {
        assert.deepEqual(
          sortedEntries(kept),
          sortedEntries(original.saveState!()),
          `image from deltas, step ${s}`,
        );
        const restoredImage = sortedEntries(restored.saveState!());
        assert.deepEqual(
          sortedEntries(keptForRestored),
          restoredImage,
          `restored image from deltas, step ${s}`,
        );
      }
    }
  }
}

/**
 * A full save in slices (StateSlicer) begun after `beginAfter` steps, taking `sliceSize` entries
 * between the following steps, finished by a delta: the composed image must equal a full save at
 * that moment, and an operator restored from it must continue identically.
 */
function checkSlicedSave(
  make: () => Operator,
  steps: readonly Batch[][],
  beginAfter: number,
  sliceSize: number,
): void {
  const original = make();
  let s = 0;
  for (; s < Math.min(beginAfter, steps.length - 1); s++) original.step(steps[s]!);
  const slicer = original.beginSaveState!();
  const image = { meta: [] as Value[], entries: new Map<number, Value[]>() };
  for (let entries = slicer.next(sliceSize); entries.length > 0; entries = slicer.next(sliceSize)) {
    for (const e of plainRoundTrip(entries)) image.entries.set(e.id, e.data);
    if (s < steps.length - 1) original.step(steps[s++]!);
  }
  applyStateDelta(image, plainRoundTrip(original.saveStateDelta!()));
  assert.deepEqual(
    sortedEntries(image),
    sortedEntries(original.saveState!()),
    `sliced image after step ${s}`,
  );
  const restored = make();
  const entries = [...image.entries].map(([id, data]) => ({ id, data }));
  restored.restoreState!({ kind: slicer.kind, meta: image.meta, entries });
  for (; s < steps.length; s++) {
    const expected = shown(original.step(steps[s]!));
    assert.deepEqual(shown(restored.step(steps[s]!)), expected, `step ${s} after a sliced save`);
  }
}

/** Both checks: a full save restored, and a sliced save (slices of 1–3 entries) restored. */
function checkSaves(make: () => Operator, steps: readonly Batch[][], saveAfter: number): void {
  checkRestore(make, steps, saveAfter);
  checkSlicedSave(make, steps, saveAfter, 1 + (saveAfter % 3));
}

const saveAfterArb = fc.nat(8);

// ---- aggregates: every aggregator's slot state ----

// Input columns: 0 g int4, 1 x int4, 2 t text, 3 y float8, 4 n numeric, 5 i interval, 6 b bool.
const aggTypes: SqlType[] = [T.int4, T.int4, T.text, T.float8, T.numeric, T.interval, T.bool];
const aggRow = fc
  .tuple(
    smallInt(2),
    smallInt(6),
    smallText(),
    fc.constantFrom(0.1, 1e20, -1e20, 3, Number.NaN, Number.POSITIVE_INFINITY, null),
    fc.constantFrom(...['1.5', '1.50', '-0.125', 'NaN', 'Infinity'].map((s) => Numeric.parse(s)), null),
    fc.constantFrom(new Interval(1, 2, 3), new Interval(0, 0, -5), null),
    fc.constantFrom(true, false, null),
  )
  .map((t): Value[] => [...t]);

function agg(fn: AggregateDescriptor['fn'], args: number[], extra: Partial<AggregateDescriptor> = {}) {
  const d: AggregateDescriptor = {
    fn,
    args,
    argTypes: args.map((a) => aggTypes[a]!),
    distinct: false,
    orderBy: [],
    ...extra,
  };
  return { aggregator: makeAggregator(d), filter: -1 };
}

function aggregates() {
  const byX: SortKey[] = [{ column: 1, descending: true, nullsFirst: false }];
  return [
    agg('count_star', []),
    agg('count', [2]),
    agg('sum', [1]),
    agg('avg', [1]),
    agg('sum', [3]),
    agg('avg', [3]),
    agg('sum', [4]),
    agg('avg', [4]),
    agg('sum', [5]),
    agg('min', [1]),
    agg('max', [3]),
    agg('min', [2]),
    agg('max', [4]),
    agg('count', [1], { distinct: true }),
    agg('sum', [1], { distinct: true }),
    agg('bool_and', [6]),
    agg('bool_or', [6]),
    agg('var_samp', [1]),
    agg('stddev_pop', [4]),
    agg('var_pop', [3]),
    agg('corr', [3, 3]),
    agg('regr_intercept', [3, 3]),
    agg('bit_and', [1]),
    agg('bit_xor', [1], { distinct: true }),
    agg('mode', [1], { orderBy: byX }),
    agg('mode', [2], { orderBy: [{ column: 2, descending: false, nullsFirst: false }] }),
    agg('string_agg', [2, 2], { orderBy: byX }),
    agg('array_agg', [1], { distinct: true }),
    agg('jsonb_agg', [4]),
    { ...agg('count_star', []), filter: 6 },
  ];
}

test('aggregates (every aggregator, grouped and scalar) continue identically after restore', () => {
  fc.assert(
    fc.property(historyArb(aggRow), saveAfterArb, fc.boolean(), (history, saveAfter, grouped) => {
      const make = () =>
        grouped
          ? new AggregateOp(aggTypes.length, [0], [T.int4], aggregates())
          : new AggregateOp(aggTypes.length, [], [], aggregates());
      checkSaves(
        make,
        stepsOf(
          [aggTypes.length],
          history.map((a) => [a]),
        ),
        saveAfter,
      );
    }),
    fcOptions,
  );
});

test('append-only min/max keeps its extreme across a restore', () => {
  const d = (fn: 'min' | 'max', col: number): AggregateDescriptor => ({
    fn,
    args: [col],
    argTypes: [aggTypes[col]!],
    distinct: false,
    orderBy: [],
    appendOnly: true,
  });
  const insertsOnly = fc.array(fc.array(aggRow, { maxLength: 6 }), { minLength: 1, maxLength: 6 });
  fc.assert(
    fc.property(insertsOnly, saveAfterArb, (history, saveAfter) => {
      const make = () =>
        new AggregateOp(
          aggTypes.length,
          [0],
          [T.int4],
          [
            { aggregator: makeAggregator(d('min', 1)), filter: -1 },
            { aggregator: makeAggregator(d('max', 2)), filter: -1 },
          ],
        );
      const steps = history.map((rows) => [Batch.fromRows(aggTypes.length, rows)]);
      checkSaves(make, steps, saveAfter);
    }),
    fcOptions,
  );
});

// ---- joins, distinct, set operations ----

const pairRow = fc.tuple(smallInt(3), smallInt(3)).map((t): Value[] => [...t]);
const joinModes: JoinMode[] = ['inner', 'left', 'right', 'full', 'semi', 'anti'];

test('joins of every kind (with and without a residual) continue identically after restore', () => {
  fc.assert(
    fc.property(
      binaryHistoryArb(pairRow, pairRow),
      saveAfterArb,
      fc.constantFrom(...joinModes),
      fc.boolean(),
      (history, saveAfter, mode, withResidual) => {
        const residual = withResidual
          ? (row: readonly Value[], base: number) => row[base + 1] !== row[base + 3]
          : null;
        const make = () =>
          new JoinOp(2, 2, mode, [{ left: 0, right: 0, nullSafe: false, type: T.int4 }], residual);
        checkSaves(make, stepsOf([2, 2], history), saveAfter);
      },
    ),
    fcOptions,
  );
});

test("a join's delta keeps its bags' rows as of the save while later steps change them in place", () => {
  fc.assert(
    fc.property(
      binaryHistoryArb(pairRow, pairRow),
      saveAfterArb,
      fc.constantFrom(...joinModes),
      (history, saveAfter, mode) => {
        const steps = stepsOf([2, 2], history);
        const op = new JoinOp(2, 2, mode, [{ left: 0, right: 0, nullSafe: false, type: T.int4 }], null);
        const first = Math.min(saveAfter, steps.length);
        const middle = Math.min(first + 1 + (saveAfter % 3), steps.length);
        for (const step of steps.slice(0, first)) op.step(step);
        const base = op.saveState();
        const image = { meta: base.meta, entries: new Map(base.entries.map((e) => [e.id, e.data])) };
        for (const step of steps.slice(first, middle)) op.step(step);
        // The delta's entries are not copied yet; a full save taken at the same moment is.
        const delta = op.saveStateDelta();
        const expected = sortedEntries(plainRoundTrip(op.saveState()));
        // Later steps delete rows, change weights and match counts of the same bags in place.
        for (const step of steps.slice(middle)) op.step(step);
        applyStateDelta(image, plainRoundTrip(delta));
        assert.deepEqual(sortedEntries(image), expected);
      },
    ),
    fcOptions,
  );
});

test('the null-aware anti join (NOT IN) continues identically after restore', () => {
  fc.assert(
    fc.property(binaryHistoryArb(pairRow, pairRow), saveAfterArb, (history, saveAfter) => {
      // NOT IN over (l0 = r0): the condition is NULL when either side is NULL.
      const condition = (row: readonly Value[], base: number): Value => {
        const l = row[base]!;
        const r = row[base + 2]!;
        return l === null || r === null ? null : l === r;
      };
      const make = () =>
        new NullAwareAntiJoinOp(2, 2, [{ left: 0, right: 0, nullSafe: false, type: T.int4 }], condition);
      checkSaves(make, stepsOf([2, 2], history), saveAfter);
    }),
    fcOptions,
  );
});

test('distinct and every set operation continue identically after restore', () => {
  const kinds: SetOpKind[] = ['intersect', 'intersectAll', 'except', 'exceptAll'];
  fc.assert(
    fc.property(
      binaryHistoryArb(pairRow, pairRow),
      saveAfterArb,
      fc.constantFrom(...kinds, 'distinct' as const),
      (history, saveAfter, kind) => {
        if (kind === 'distinct') {
          const steps = stepsOf(
            [2],
            history.map(([l]) => [l]),
          );
          checkSaves(() => new DistinctOp(2), steps, saveAfter);
        } else checkSaves(() => new SetOp(2, kind), stepsOf([2, 2], history), saveAfter);
      },
    ),
    fcOptions,
  );
});

// ---- top-k and windows ----

const rankRow = fc.tuple(smallInt(1, false), smallInt(5), smallText()).map((t): Value[] => [...t]);
const byCol1: SortKey[] = [{ column: 1, descending: false, nullsFirst: false }];

test('top-k with and without ties, per partition, continues identically after restore', () => {
  fc.assert(
    fc.property(
      historyArb(rankRow),
      saveAfterArb,
      fc.integer({ min: 1, max: 3 }),
      fc.integer({ min: 0, max: 2 }),
      fc.boolean(),
      (history, saveAfter, limit, offset, ties) => {
        const make = () =>
          ties
            ? new TopKWithTiesOp(3, [0], [T.int4], byCol1, limit, offset)
            : new TopKOp(3, [0], [T.int4], byCol1, limit, offset);
        checkSaves(
          make,
          stepsOf(
            [3],
            history.map((a) => [a]),
          ),
          saveAfter,
        );
      },
    ),
    fcOptions,
  );
});

// Window input: rankRow's columns plus 3 a lag offset.
const winTypes: SqlType[] = [T.int4, T.int4, T.text, T.int4];
const winRow = fc
  .tuple(smallInt(1, false), smallInt(5), smallText(), fc.constantFrom(1, 2, 3))
  .map((t): Value[] => [...t]);
const rows1p1f: FrameSpec = {
  mode: 'rows',
  start: { kind: 'preceding', offset: 1 },
  end: { kind: 'following', offset: 1 },
};
const rangeUpCur: FrameSpec = {
  mode: 'range',
  start: { kind: 'unboundedPreceding' },
  end: { kind: 'currentRow' },
};

function windowCall(fn: WindowFunctionName, args: number[], frame: FrameSpec = rangeUpCur): WindowCallSpec {
  const aggregate = ['count_star', 'sum', 'min', 'max'].includes(fn);
  return {
    fn,
    args,
    frame,
    makeAggregator: aggregate
      ? () =>
          makeAggregator({
            fn: fn as 'sum',
            args,
            argTypes: args.map((a) => winTypes[a]!),
            distinct: false,
            orderBy: [],
          })
      : undefined,
  };
}

test('window functions (ranking, lag/lead, running and framed aggregates) continue identically after restore', () => {
  const calls = () => [
    windowCall('row_number', []),
    windowCall('rank', []),
    windowCall('lag', [1, 3]),
    windowCall('sum', [1]),
    windowCall('max', [2], rows1p1f),
    windowCall('count_star', [], rows1p1f),
  ];
  fc.assert(
    fc.property(historyArb(winRow), saveAfterArb, fc.boolean(), (history, saveAfter, partitioned) => {
      const make = () =>
        partitioned
          ? new WindowOp(4, [0], [T.int4], byCol1, calls())
          : new WindowOp(4, [], [], byCol1, calls());
      checkSaves(
        make,
        stepsOf(
          [4],
          history.map((a) => [a]),
        ),
        saveAfter,
      );
    }),
    fcOptions,
  );
});

// ---- the tricky cases, by hand ----

function step1(op: Operator, arity: number, rows: readonly (readonly [Value[], number])[]): string[] {
  const batch = new Batch(arity);
  for (const [row, w] of rows) batch.push(row, 0, w);
  return shown(op.step([batch]));
}

function restored(make: () => Operator, original: Operator): Operator {
  const op = make();
  op.restoreState!(plainRoundTrip(original.saveState!()));
  return op;
}

test('min/max after deleting the current extreme, in each form the group takes', () => {
  const make = () =>
    new AggregateOp(
      2,
      [0],
      [T.int4],
      [
        {
          aggregator: makeAggregator({
            fn: 'min',
            args: [1],
            argTypes: [T.int4],
            distinct: false,
            orderBy: [],
          }),
          filter: -1,
        },
        {
          aggregator: makeAggregator({
            fn: 'max',
            args: [1],
            argTypes: [T.int4],
            distinct: false,
            orderBy: [],
          }),
          filter: -1,
        },
      ],
    );
  // Group 1 stays single-valued, group 2 an insert-only buffer, group 3 a multiset (it saw a delete).
  const a = make();
  step1(a, 2, [
    [[1, 7], 2],
    [[2, 5], 1],
    [[2, 3], 1],
    [[2, 9], 1],
    [[3, 4], 1],
    [[3, 8], 1],
    [[3, 6], 1],
    [[3, 2], 1],
  ]);
  step1(a, 2, [[[3, 6], -1]]);
  const b = restored(make, a);
  const deleteExtremes: [Value[], number][] = [
    [[1, 7], -2],
    [[2, 9], -1],
    [[2, 3], -1],
    [[3, 8], -1],
    [[3, 2], -1],
  ];
  const expected = ['(1, 7, 7) x-1', '(2, 3, 9) x-1', '(2, 5, 5) x1', '(3, 2, 8) x-1', '(3, 4, 4) x1'];
  assert.deepEqual(step1(b, 2, deleteExtremes), expected);
  assert.deepEqual(step1(a, 2, deleteExtremes), expected);
  // Text values use the generic ordered list.
  const makeText = () =>
    new AggregateOp(
      2,
      [],
      [],
      [
        {
          aggregator: makeAggregator({
            fn: 'max',
            args: [1],
            argTypes: [T.text],
            distinct: false,
            orderBy: [],
          }),
          filter: -1,
        },
      ],
    );
  const t = makeText();
  step1(t, 2, [
    [[0, 'b'], 1],
    [[0, 'z'], 1],
    [[0, 'm'], 1],
  ]);
  const u = restored(makeText, t);
  assert.deepEqual(step1(u, 2, [[[0, 'z'], -1]]), ['("z") x-1', '("m") x1'].sort());
});

test('top-k refills its window from rows beyond it after deletes, once restored', () => {
  const make = () => new TopKOp(2, [], [], byCol1, 2, 1);
  const a = make();
  step1(
    a,
    2,
    [1, 2, 3, 4, 5].map((v): [Value[], number] => [[0, v], 1]),
  );
  const b = restored(make, a);
  // Window = ranks 1..2 = values 2, 3; deleting 2 and 3 pulls in 4 and 5.
  assert.deepEqual(
    step1(b, 2, [
      [[0, 2], -1],
      [[0, 3], -1],
    ]),
    ['(0, 2) x-1', '(0, 3) x-1', '(0, 4) x1', '(0, 5) x1'],
  );
});

test('a framed window aggregate recomputes its neighbours after restore', () => {
  const make = () => new WindowOp(3, [], [], byCol1, [windowCall('sum', [1], rows1p1f)]);
  const a = make();
  step1(
    a,
    3,
    [10, 20, 30, 40].map((v): [Value[], number] => [[0, v, 'x'], 1]),
  );
  const b = restored(make, a);
  // Deleting 20 changes the frames of 10 (10+30) and 30 (10+30+40).
  assert.deepEqual(
    step1(b, 3, [[[0, 20, 'x'], -1]]),
    [
      '(0, 10, "x", 30) x-1',
      '(0, 10, "x", 40) x1',
      '(0, 20, "x", 60) x-1',
      '(0, 30, "x", 90) x-1',
      '(0, 30, "x", 80) x1',
    ].sort(),
  );
});

test('lag keeps its reach across a restore: a delete reaches the row two places on', () => {
  const make = () => new WindowOp(4, [], [], byCol1, [windowCall('lag', [1, 3])]);
  const a = make();
  step1(
    a,
    4,
    [10, 20, 30, 40].map((v): [Value[], number] => [[0, v, 'x', 2], 1]),
  );
  const b = restored(make, a);
  // Deleting 20: 30 now has no row two back (it read 10), 40 reads 10 (it read 20).
  assert.deepEqual(step1(b, 4, [[[0, 20, 'x', 2], -1]]), [
    '(0, 20, "x", 2, null) x-1',
    '(0, 30, "x", 2, 10) x-1',
    '(0, 30, "x", 2, null) x1',
    '(0, 40, "x", 2, 10) x1',
    '(0, 40, "x", 2, 20) x-1',
  ]);
});

test('restoring an image into an operator of another shape fails with XX001', () => {
  const a = new TopKOp(2, [], [], byCol1, 2, 1);
  const b = new TopKOp(2, [], [], byCol1, 3, 1);
  assert.throws(
    () => b.restoreState(a.saveState()),
    (e: { code?: string }) => e.code === 'XX001',
  );
  const g = new AggregateOp(2, [0], [T.int4], [agg('count_star', [])]);
  const state = g.saveState();
  assert.throws(
    () => new DistinctOp(2).restoreState(state),
    (e: { code?: string }) => e.code === 'XX001',
  );
});
