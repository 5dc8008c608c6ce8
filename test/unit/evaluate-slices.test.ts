/**
 * @module test/unit/evaluate-slices
 * What the one-shot evaluator holds and how finely it slices, measured as outcomes (no timings):
 * a sort's and a one-group ordered aggregate's comparisons are spread over many time slices, and
 * a cancel lands inside them (57014); a sort holds its rows as columns, reading each value once; rows streamed from a set-returning function into count(*)
 * are never held, so a low eddy.query_memory still answers it; a top-k holds about 1,024 rows.
 * The guard runs with 0 ms slices, so every check ends a slice.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { arrayOf, T } from '../../src/common/types.ts';
import type { Value } from '../../src/common/value.ts';
import { evaluatePlan, startEvaluation, streamEvaluation } from '../../src/plan/evaluate/evaluate.ts';
import { QueryGuard } from '../../src/plan/evaluate/query-guard.ts';
import type { LogicalPlan, Schema, SortKey } from '../../src/plan/logical.ts';
import { Database } from '../../src/runtime/database.ts';
import { createDataflowMaintainer } from '../../src/runtime/dataflow-maintainer.ts';
import { Session } from '../../src/runtime/session.ts';
import { loadParser } from '../../src/sql/front/index.ts';

before(async () => {
  await loadParser();
});

const N = 100_000;
const schema: Schema = [{ name: 'x', type: T.int4, nullable: true }];
const ascending: SortKey = { column: 0, descending: false, nullsFirst: false };

/** N shuffled one-column rows whose value reads are counted (only comparisons read them here). */
function countedRows(): { rows: Value[][]; reads: { n: number } } {
  const reads = { n: 0 };
  const values = Array.from({ length: N }, (_, i) => (i * 7919) % N);
  const rows = values.map((v) => {
    const row: Value[] = [];
    const read = (): Value => {
      reads.n++;
      return v;
    };
    Object.defineProperty(row, 0, { enumerable: true, get: read });
    return row;
  });
  return { rows, reads };
}

const table = (rows: Value[][]) => ({ readRelation: () => rows });
const get: LogicalPlan = { kind: 'get', relationId: 1, name: 't', schema };

/**
 * Drives `plan` slice by slice; answers how many slices read values (compared rows), and its
 * result. `cancelAfterReadingSlices` cancels the statement after that many such slices.
 */
function drive(
  plan: LogicalPlan,
  rows: Value[][],
  reads: { n: number },
  cancelAfterReadingSlices = Number.POSITIVE_INFINITY,
): { readingSlices: number; result: Value[][] } {
  const guard = new QueryGuard({ sliceMs: 0 });
  const evaluation = startEvaluation(plan, table(rows), guard);
  let readingSlices = 0;
  for (;;) {
    const readsBefore = reads.n;
    guard.startSlice();
    const step = evaluation.next();
    if (reads.n > readsBefore) readingSlices++;
    if (step.done) return { readingSlices, result: step.value };
    if (readingSlices >= cancelAfterReadingSlices) guard.cancel();
  }
}

/**
 * Streams the rows of a node that holds its input (an ORDER BY, a one-group aggregate) slice by
 * slice; answers how many slices ended after its input was all read (each value once: both hold
 * their rows as columns) and before its first row came out, which is its sort's and fold's own
 * work, and its rows. `cancelAfterSortSlices` cancels it there.
 */
function driveHolding(
  plan: LogicalPlan,
  rows: Value[][],
  reads: { n: number },
  cancelAfterSortSlices = Number.POSITIVE_INFINITY,
): { sortSlices: number; result: Value[][] } {
  const guard = new QueryGuard({ sliceMs: 0 });
  const stream = streamEvaluation(plan, table(rows), guard);
  const result: Value[][] = [];
  let sortSlices = 0;
  for (;;) {
    guard.startSlice();
    const step = stream.next();
    if (step.done) return { sortSlices, result };
    if (step.value !== undefined) result.push(step.value);
    else if (reads.n >= rows.length && result.length === 0) sortSlices++;
    if (sortSlices >= cancelAfterSortSlices) guard.cancel();
  }
}

test('a sort of 100,000 rows spreads its comparisons over many slices and is sorted', () => {
  const { rows, reads } = countedRows();
  const plan: LogicalPlan = { kind: 'orderBy', input: get, orderBy: [ascending], schema };
  const { sortSlices, result } = driveHolding(plan, rows, reads);
  // Before, the whole sort ran inside one slice.
  assert.ok(sortSlices >= 100, `only ${sortSlices} slices sorted`);
  assert.equal(reads.n, N, 'each value was read once');
  assert.equal(result.length, N);
  for (let i = 0; i < N; i++) assert.equal(result[i]![0], i);
});

test('a cancel reaches a query inside its sort (57014)', () => {
  const { rows, reads } = countedRows();
  const plan: LogicalPlan = { kind: 'orderBy', input: get, orderBy: [ascending], schema };
  assert.throws(() => driveHolding(plan, rows, reads, 3), {
    code: '57014',
    message: 'canceling statement due to user request',
  });
});

test('a one-group array_agg(… ORDER BY …) folds in slices; a cancel reaches it (57014)', () => {
  const aggregate: LogicalPlan = {
    kind: 'aggregate',
    input: get,
    groupBy: [],
    aggregates: [
      {
        fn: 'array_agg',
        args: [0],
        distinct: false,
        filter: null,
        orderBy: [{ ...ascending, descending: true }],
        type: arrayOf(T.int4),
      },
    ],
    schema: [{ name: 'a', type: arrayOf(T.int4), nullable: true }],
  };
  const { rows, reads } = countedRows();
  const { sortSlices, result } = driveHolding(aggregate, rows, reads);
  assert.ok(sortSlices >= 100, `only ${sortSlices} slices sorted and folded`);
  assert.equal(reads.n, N, 'each value was read once');
  const folded = result[0]![0] as number[];
  assert.equal(folded.length, N);
  assert.deepEqual(folded.slice(0, 3), [N - 1, N - 2, N - 3]);
  const again = countedRows();
  assert.throws(() => driveHolding(aggregate, again.rows, again.reads, 3), { code: '57014' });
});

/** FROM series(): `count` rows 0, 1, 2, … produced lazily, as generate_series now does. */
function series(count: number): LogicalPlan {
  return {
    kind: 'flatMap',
    input: { kind: 'values', rows: [[]], schema: [] },
    name: 'series',
    args: [],
    impl: function* () {
      for (let i = 0; i < count; i++) yield [i];
    },
    schema,
  };
}

test('count(*) over a streamed set-returning function holds none of its rows', () => {
  const count = 1_000_000;
  const plan: LogicalPlan = {
    kind: 'aggregate',
    input: series(count),
    groupBy: [],
    aggregates: [{ fn: 'count_star', args: [], distinct: false, filter: null, orderBy: [], type: T.int8 }],
    schema: [{ name: 'count', type: T.int8, nullable: false }],
  };
  const guard = new QueryGuard();
  assert.deepEqual(evaluatePlan(plan, table([]), guard), [[count]]);
  // Before, the million rows were held (~60 MB by the estimate) until the count saw them.
  assert.ok(guard.bytesPeak < 4096, `the estimate peaked at ${guard.bytesPeak} bytes`);
});

test('ORDER BY … LIMIT 10 over a million streamed rows holds about a thousand of them', () => {
  const plan: LogicalPlan = {
    kind: 'topK',
    input: series(1_000_000),
    partitionBy: [],
    orderBy: [{ ...ascending, descending: true }],
    limit: 10,
    offset: 5,
    withTies: false,
    schema,
  };
  const guard = new QueryGuard();
  const rows = evaluatePlan(plan, table([]), guard);
  assert.deepEqual(
    rows.map((r) => r[0]),
    Array.from({ length: 10 }, (_, i) => 999_994 - i),
  );
  // 1,024 one-column rows are 64 kB by the estimate; before, all million were held (64 MB).
  assert.ok(guard.bytesPeak < 200_000, `the estimate peaked at ${guard.bytesPeak} bytes`);
});

test('eddy.query_memory = 10MB still answers count(*) over 3,000,000 generated rows', () => {
  const s = new Session(new Database(createDataflowMaintainer));
  s.execute("SET eddy.query_memory = '10MB'");
  assert.deepEqual(s.execute('SELECT count(*) FROM generate_series(1, 3000000)')[0]!.rows, [[3_000_000]]);
  // What must hold its rows still meets the limit.
  assert.throws(() => s.execute('SELECT g FROM generate_series(1, 3000000) g ORDER BY g DESC'), {
    code: '53200',
  });
});

test('a running sum and a whole-partition count over 20,000 rows read each row once per fold, in slices', () => {
  const n = 20_000;
  const { rows, reads } = countedRows();
  const some = rows.slice(0, n).map((_, i) => rows[(i * 7) % N]!);
  const frame = (end: 'currentRow' | 'unboundedFollowing') => ({
    mode: 'rows' as const,
    start: { kind: 'unboundedPreceding' as const },
    end: { kind: end },
  });
  const plan: LogicalPlan = {
    kind: 'window',
    input: get,
    partitionBy: [],
    orderBy: [ascending],
    calls: [
      { fn: 'sum', args: [0], frame: frame('currentRow'), type: T.int8 },
      { fn: 'count_star', args: [], frame: frame('unboundedFollowing'), type: T.int8 },
    ],
    schema: [
      ...schema,
      { name: 's', type: T.int8, nullable: true },
      { name: 'c', type: T.int8, nullable: true },
    ],
  };
  const sorted = some.map((r) => r[0] as number).sort((a, b) => a - b);
  reads.n = 0;
  const { readingSlices, result } = drive(plan, some, reads);
  // Sorting reads about 2·n·log2(n) values; folding each frame afresh read n²/2 (200 M) more.
  assert.ok(reads.n < 40 * n, `${reads.n} value reads`);
  assert.ok(readingSlices >= 10, `only ${readingSlices} slices read rows`);
  let running = 0;
  for (let i = 0; i < n; i++) {
    running += sorted[i]!;
    assert.deepEqual(result[i], [sorted[i], running, n]);
  }
});
