/**
 * @module test/unit/dataflow-operators
 * Oracle tests of the linear operators (filter, map, flat-map, union with signs, negate) and of
 * DISTINCT and INTERSECT/EXCEPT [ALL], over random histories with duplicates, NULLs and deletions.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { Value } from '../../src/common/value.ts';
import { Batch } from '../../src/dataflow/batch.ts';
import { DistinctOp } from '../../src/dataflow/operators/distinct.ts';
import { FilterOp } from '../../src/dataflow/operators/filter.ts';
import { FlatMapOp } from '../../src/dataflow/operators/flat-map.ts';
import { MapOp } from '../../src/dataflow/operators/map.ts';
import { NegateOp } from '../../src/dataflow/operators/negate.ts';
import { SetOp, type SetOpKind } from '../../src/dataflow/operators/set-op.ts';
import { UnionOp } from '../../src/dataflow/operators/union.ts';
import { ValuesOp } from '../../src/dataflow/operators/values.ts';
import {
  binaryHistoryArb,
  checkBinary,
  checkUnary,
  fcOptions,
  historyArb,
  type Rows,
  show,
  smallInt,
  smallText,
} from './dataflow-support.ts';

const row2 = fc.tuple(smallInt(3), smallText()).map((t): Value[] => [...t]);

test('filter keeps exactly the rows whose predicate is TRUE', () => {
  // x > 1, NULL for a NULL x: such rows are dropped.
  const pred = (row: readonly Value[], base: number) => row[base] !== null && (row[base] as number) > 1;
  fc.assert(
    fc.property(historyArb(row2), (h) =>
      checkUnary(new FilterOp(2, pred), 2, h, (rows) => rows.filter((r) => pred(r, 0))),
    ),
    fcOptions,
  );
});

test('map copies columns and evaluates expressions per row', () => {
  const len = (row: readonly Value[], base: number): Value =>
    row[base + 1] === null ? null : (row[base + 1] as string).length;
  fc.assert(
    fc.property(historyArb(row2), (h) =>
      checkUnary(new MapOp(2, [1, len, 0]), 2, h, (rows) => rows.map((r) => [r[1]!, len(r, 0), r[0]!])),
    ),
    fcOptions,
  );
});

test('flat-map appends each produced row to its input row', () => {
  const series = (args: readonly Value[]): Value[][] =>
    args[0] === null ? [] : Array.from({ length: args[0] as number }, (_, i) => [i]);
  const arg = (row: readonly Value[], base: number) => row[base]!;
  fc.assert(
    fc.property(historyArb(row2), (h) =>
      checkUnary(new FlatMapOp(2, 3, [arg], series), 2, h, (rows) =>
        rows.flatMap((r) => series([r[0]!]).map((p) => [...r, ...p])),
      ),
    ),
    fcOptions,
  );
});

test('union adds inputs; a -1 sign subtracts one', () => {
  fc.assert(
    fc.property(binaryHistoryArb(row2, row2), (h) => {
      checkBinary(new UnionOp(2, [1, 1]), [2, 2], h, (l, r) => [...l, ...r]);
    }),
    fcOptions,
  );
  const out = new UnionOp(1, [1, -1]).step([Batch.fromRows(1, [[1]]), Batch.fromRows(1, [[2]])]);
  assert.deepEqual(out.weights, [1, -1]);
});

test('negate flips weights', () => {
  const out = new NegateOp(1).step([Batch.fromRows(1, [[1], [2]], [2, -1])]);
  assert.deepEqual(
    [out.values, out.weights],
    [
      [1, 2],
      [-2, 1],
    ],
  );
});

test('distinct outputs each live row once, NULLs equal', () => {
  const unique = (rows: Rows): Rows => {
    const seen = new Map<string, Value[]>();
    for (const r of rows) seen.set(show(r), r);
    return [...seen.values()];
  };
  fc.assert(
    fc.property(historyArb(row2, 10, 10), (h) => checkUnary(new DistinctOp(2), 2, h, unique)),
    fcOptions,
  );
});

function countBy(rows: Rows): Map<string, { row: Value[]; n: number }> {
  const m = new Map<string, { row: Value[]; n: number }>();
  for (const r of rows) {
    const e = m.get(show(r));
    if (e) e.n++;
    else m.set(show(r), { row: r, n: 1 });
  }
  return m;
}

function referenceSetOp(kind: SetOpKind, left: Rows, right: Rows): Rows {
  const l = countBy(left);
  const r = countBy(right);
  const out: Rows = [];
  for (const [key, { row, n }] of l) {
    const m = r.get(key)?.n ?? 0;
    const times =
      kind === 'intersect'
        ? m > 0
          ? 1
          : 0
        : kind === 'intersectAll'
          ? Math.min(n, m)
          : kind === 'except'
            ? m === 0
              ? 1
              : 0
            : Math.max(0, n - m);
    for (let i = 0; i < times; i++) out.push(row);
  }
  return out;
}

for (const kind of ['intersect', 'intersectAll', 'except', 'exceptAll'] as const) {
  test(`${kind} follows bag semantics over weights`, () => {
    fc.assert(
      fc.property(binaryHistoryArb(row2, row2, 10, 8), (h) =>
        checkBinary(new SetOp(2, kind), [2, 2], h, (l, r) => referenceSetOp(kind, l, r)),
      ),
      fcOptions,
    );
  });
}

test('values emits its rows once', () => {
  const op = new ValuesOp(1, [[1], [null]]);
  assert.equal(op.step([]).length, 2);
  assert.equal(op.pendingInitial, false);
  assert.equal(op.step([]).length, 0);
});
