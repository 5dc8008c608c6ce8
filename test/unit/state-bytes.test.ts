/**
 * @module test/unit/state-bytes
 * The bytes each stateful operator reports for its state (dataflow/state-bytes.ts): for every
 * operator kind, the figure grows with the rows it keeps, shrinks when they are retracted, and
 * over a large state lies within 0.5×–2× of the truth measured as V8's heap growth after full
 * garbage collections (not timing, so it cannot flake on a loaded machine). The inputs are built
 * so that the operator is the only holder of what it keeps: flat strings made per row.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { DataError, SqlState } from '../../src/common/errors.ts';
import { T } from '../../src/common/types.ts';
import type { Value } from '../../src/common/value.ts';
import { makeAggregator } from '../../src/dataflow/aggregates/make-aggregator.ts';
import { Batch } from '../../src/dataflow/batch.ts';
import type { Operator } from '../../src/dataflow/operator.ts';
import { AggregateOp } from '../../src/dataflow/operators/aggregate.ts';
import { DistinctOp } from '../../src/dataflow/operators/distinct.ts';
import { JoinOp } from '../../src/dataflow/operators/join.ts';
import { NullAwareAntiJoinOp } from '../../src/dataflow/operators/null-aware-anti-join.ts';
import { SetOp } from '../../src/dataflow/operators/set-op.ts';
import { TopKOp } from '../../src/dataflow/operators/top-k.ts';
import { TopKWithTiesOp } from '../../src/dataflow/operators/top-k-with-ties.ts';
import { WindowOp } from '../../src/dataflow/operators/window.ts';
import type { SortKey } from '../../src/dataflow/row.ts';
import { RowErrors } from '../../src/dataflow/row-errors.ts';
import {
  approxRetainedBytes,
  cachedStateBytes,
  largeStateEntries,
  largeWalkEveryMs,
  primitiveBytes,
  stringBytes,
} from '../../src/dataflow/state-bytes.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Rows per measured state: large enough that the operator dwarfs the heap's noise. */
const rowsMeasured = 40_000;
const stepRows = 2_000;

/** A flat string of its own (concatenation alone would leave a tree of parts). */
function flat(s: string): string {
  return Buffer.from(s, 'utf8').toString('utf8');
}

/** Row i: [key, a double, text of ~24 characters, a timestamp (heap number)]. */
function row(i: number, keys: number): Value[] {
  return [i % keys, i * 0.25 + 0.1, flat(`bidder-${i}-someone@example`), 1_700_000_000_000_000 + i];
}

function feed(op: Operator, inputs: number, side: number, from: number, to: number, keys: number, w: number) {
  for (let start = from; start < to; start += stepRows) {
    const batches = Array.from({ length: inputs }, () => new Batch(4));
    for (let i = start; i < Math.min(to, start + stepRows); i++) batches[side]!.push(row(i, keys), 0, w);
    op.step(batches);
  }
}

interface Case {
  readonly name: string;
  readonly make: () => Operator;
  readonly inputs: number;
  /** The inputs fed (a join fed on one side only keeps its many rows per key without pairs). */
  readonly sides: readonly number[];
  /** Distinct keys (groups, partitions) among the rows. */
  readonly keys: number;
}

const byCol1: SortKey[] = [{ column: 1, descending: false, nullsFirst: false }];
const intKey = [{ left: 0, right: 0, nullSafe: false, type: T.int4 }];
const aggArgTypes = [T.int4, T.float8, T.text, T.int8];

function agg(fn: 'count_star' | 'sum' | 'min' | 'max', args: number[]) {
  const d = { fn, args, argTypes: args.map((a) => aggArgTypes[a]!), distinct: false, orderBy: [] };
  return { aggregator: makeAggregator(d), filter: -1 };
}

const cases: Case[] = [
  {
    name: 'join (both sides arranged, one row per key)',
    make: () => new JoinOp(4, 4, 'inner', intKey, null),
    inputs: 2,
    sides: [0, 1],
    keys: rowsMeasured,
  },
  {
    name: 'join (many rows per key)',
    make: () => new JoinOp(4, 4, 'left', intKey, null),
    inputs: 2,
    sides: [0],
    keys: 50,
  },
  {
    name: 'null-aware anti join',
    make: () =>
      new NullAwareAntiJoinOp(4, 4, intKey, (r, b) =>
        r[b] === null || r[b + 4] === null ? null : r[b] === r[b + 4],
      ),
    inputs: 2,
    sides: [0, 1],
    keys: rowsMeasured / 4,
  },
  {
    name: 'aggregate (count, sum, min/max multisets of numbers and text)',
    make: () =>
      new AggregateOp(
        4,
        [0],
        [T.int4],
        [agg('count_star', []), agg('sum', [1]), agg('min', [2]), agg('max', [3])],
      ),
    inputs: 1,
    sides: [0],
    keys: rowsMeasured / 8,
  },
  { name: 'distinct', make: () => new DistinctOp(4), inputs: 1, sides: [0], keys: 100 },
  { name: 'set operation', make: () => new SetOp(4, 'intersectAll'), inputs: 2, sides: [0, 1], keys: 100 },
  {
    name: 'top-k',
    make: () => new TopKOp(4, [0], [T.int4], byCol1, 3, 0),
    inputs: 1,
    sides: [0],
    keys: rowsMeasured / 20,
  },
  {
    name: 'top-k with ties',
    make: () => new TopKWithTiesOp(4, [0], [T.int4], byCol1, 3, 0),
    inputs: 1,
    sides: [0],
    keys: rowsMeasured / 20,
  },
  {
    name: 'window',
    make: () =>
      new WindowOp(4, [0], [T.int4], byCol1, [
        {
          fn: 'sum',
          args: [1],
          frame: { mode: 'range', start: { kind: 'unboundedPreceding' }, end: { kind: 'currentRow' } },
          makeAggregator: () =>
            makeAggregator({ fn: 'sum', args: [1], argTypes: [T.float8], distinct: false, orderBy: [] }),
        },
      ]),
    inputs: 1,
    sides: [0],
    keys: rowsMeasured / 50,
  },
];

/** Heap in use after full collections. */
function heapUsed(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** Adds (w = 1) or retracts (w = -1) rows [from, to) on the case's fed sides. */
function feedAll(c: Case, op: Operator, from: number, to: number, w: number): void {
  for (const side of c.sides) feed(op, c.inputs, side, from, to, c.keys, w);
}

/** Within 0.5×–2× of the heap's growth since `baseline`. */
function assertNearHeap(reported: number, baseline: number, what: string): number {
  const heapBytes = heapUsed() - baseline;
  const ratio = reported / heapBytes;
  assert.ok(
    ratio >= 0.5 && ratio <= 2,
    `${what}: ${reported} bytes reported, heap grew ${heapBytes} (×${ratio.toFixed(2)})`,
  );
  return ratio;
}

for (const c of cases) {
  test(`${c.name}: its state bytes grow and shrink with its rows, within 0.5×–2× of the heap`, (t) => {
    feedAll(c, c.make(), 0, 2 * stepRows, 1); // compiles the code paths first, so the heap's growth is state
    const baseline = heapUsed();
    const op = c.make();
    const empty = op.stateBytes!();
    feedAll(c, op, 0, rowsMeasured, 1);
    const full = op.stateBytes!();
    const ratios = [assertNearHeap(full, baseline, 'every row')];
    feedAll(c, op, 0, rowsMeasured / 2, -1);
    const half = op.stateBytes!();
    // Not necessarily less than `full`: retractions can build state (min/max multisets).
    ratios.push(assertNearHeap(half, baseline, 'half the rows'));
    feedAll(c, op, rowsMeasured / 2, rowsMeasured, -1);
    assert.equal(op.stateSize!(), 0);
    const none = op.stateBytes!();
    // Emptied structures keep their capacity (a bag's hash index, an aggregate's group slots),
    // as V8 does; too little to compare with the heap's noise.
    assert.ok(none < 0.2 * full, `every row retracted: ${none} of ${full} (${empty} when new)`);
    t.diagnostic(`reported/heap: ${ratios.map((r) => r.toFixed(2)).join(', ')}`);
    feedAll(c, op, 0, stepRows, 1);
    assert.ok(op.stateBytes!() > none, 'rows added again');
  });
}

test('the error collection prices its live errors', () => {
  const errors = new RowErrors();
  const empty = errors.stateBytes();
  for (let i = 0; i < 100; i++)
    errors.add(new DataError(SqlState.divisionByZero, `division by zero ${i}`), 1);
  const some = errors.stateBytes();
  assert.ok(some > empty + 100 * stringBytes('division by zero 00'), `${empty} → ${some}`);
  for (let i = 0; i < 100; i++)
    errors.add(new DataError(SqlState.divisionByZero, `division by zero ${i}`), -1);
  assert.equal(errors.stateBytes(), empty);
});

test('the size model prices values by their V8 representation', () => {
  assert.equal(primitiveBytes(7), 0, 'a small integer lives in its slot');
  assert.equal(primitiveBytes(2 ** 40), 16, 'a larger number is a heap number');
  assert.equal(primitiveBytes(0.5), 16);
  assert.equal(stringBytes('abc'), 24, 'one byte per Latin-1 character, header 16, rounded to 8');
  assert.equal(stringBytes('é'.repeat(10)), 32, 'é is Latin-1: still one byte');
  assert.equal(stringBytes('€'.repeat(10)), 40, 'two bytes per character beyond Latin-1');
  assert.equal(primitiveBytes(2n ** 100n), 32, 'a bigint: header and two 64-bit digits');
  assert.equal(
    approxRetainedBytes([1, 2, 3]),
    48 + 8 * 11,
    'a root array is taken as held in a field: n + n/4 + 8 slots',
  );
  assert.equal(approxRetainedBytes({ row: [1, 'ab'] }), 24 + 8 + 48 + 8 * 10 + 24);
  assert.equal(approxRetainedBytes({ rows: [[1, 'ab']] }), 24 + 8 + 48 + 8 * 9 + 48 + 16 + 24);
  assert.equal(approxRetainedBytes(new Map([[1, 'x']])), 72 + 4 * 28 + 24);
  const shared = { big: 'x'.repeat(1000) };
  assert.equal(
    approxRetainedBytes([shared, shared]),
    approxRetainedBytes([shared]) + 8,
    'an object once per walk (the second costs a slot)',
  );
});

test('a large container is priced from a sample, close to the exact walk', () => {
  const rows = Array.from({ length: 50_000 }, (_, i) => [i, flat(`text-${i % 97}-${'y'.repeat(i % 40)}`)]);
  // The root array is taken as held in a field (9 slots for one); `rows` in it as made at its size.
  let exact = 48 + 8 * 9 + 48 + 8 * rows.length;
  for (const r of rows) exact += 48 + 16 + stringBytes(r[1] as string);
  const sampled = approxRetainedBytes([rows]);
  assert.ok(Math.abs(sampled - exact) < 0.05 * exact, `sampled ${sampled}, exact ${exact}`);
});

test('a walk is taken again only when the operator ran, and for a large state not within seconds', () => {
  let walks = 0;
  let entries = 10;
  const op = {
    arity: 1,
    pendingInitial: false,
    step: (inputs: readonly Batch[]) => inputs[0]!,
    stateSize: () => entries,
    stateBytes: () => ++walks,
  };
  assert.equal(cachedStateBytes(op, 1, 0), 1);
  assert.equal(cachedStateBytes(op, 1, 10), 1, 'same version: the last walk');
  assert.equal(cachedStateBytes(op, 2, 20), 2, 'it ran: walked again');
  entries = largeStateEntries + 1;
  assert.equal(cachedStateBytes(op, 3, 30), 2, 'a large state walked 10 ms ago: the last walk');
  assert.equal(cachedStateBytes(op, 3, 20 + largeWalkEveryMs), 3, 'once the interval has passed');
  assert.equal(cachedStateBytes({ ...op, stateBytes: undefined }, 1, 0), null, 'stateless');
});
