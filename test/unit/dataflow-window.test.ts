/**
 * @module test/unit/dataflow-window
 * Oracle tests of the window operator: ranking functions, lag/lead (offsets and defaults from
 * columns), first/last/nth_value and count/sum/avg/min/max over ROWS and RANGE frames (peer,
 * unbounded and value-offset bounds), ascending and descending, against a definition-by-definition
 * evaluation of each partition after every step of random histories.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Numeric } from '../../src/common/numeric.ts';
import { type SqlType, T } from '../../src/common/types.ts';
import type { Value } from '../../src/common/value.ts';
import { compareNullable, compareValues } from '../../src/common/value-ops.ts';
import { makeAggregator } from '../../src/dataflow/aggregates/make-aggregator.ts';
import { Batch } from '../../src/dataflow/batch.ts';
import { WindowOp } from '../../src/dataflow/operators/window.ts';
import { compareBySortKey, type SortKey } from '../../src/dataflow/row.ts';
import type {
  FrameBoundSpec,
  FrameSpec,
  WindowCallSpec,
  WindowFunctionName,
} from '../../src/dataflow/window/window-spec.ts';
import {
  type Action,
  checkUnary,
  fcOptions,
  historyArb,
  type Rows,
  show,
  smallInt,
} from './dataflow-support.ts';

// Input columns: 0 p (partition), 1 x (order key), 2 y (value), 3 off (lag offset), 4 nth, 5 buckets.
const types: SqlType[] = [T.int4, T.int4, T.int4, T.int4, T.int4, T.int4];
const inputRow = fc
  .tuple(
    smallInt(1, false),
    smallInt(6),
    smallInt(3),
    fc.constantFrom(1, 2, 0, -1, null),
    fc.constantFrom(1, 2, 3),
    fc.constantFrom(1, 2, 3, 5),
  )
  .map((t): Value[] => [...t]);

const up = { kind: 'unboundedPreceding' } as const;
const uf = { kind: 'unboundedFollowing' } as const;
const cur = { kind: 'currentRow' } as const;
const pre = (offset: number): FrameBoundSpec => ({ kind: 'preceding', offset });
const fol = (offset: number): FrameBoundSpec => ({ kind: 'following', offset });
const frames: Record<string, FrameSpec> = {
  'rows up..cur': { mode: 'rows', start: up, end: cur },
  'range up..cur': { mode: 'range', start: up, end: cur },
  'rows 1p..1f': { mode: 'rows', start: pre(1), end: fol(1) },
  'range up..uf': { mode: 'range', start: up, end: uf },
  'range 2p..1f': { mode: 'range', start: pre(2), end: fol(1) },
  'rows cur..uf': { mode: 'rows', start: cur, end: uf },
  'rows 2f..3f': { mode: 'rows', start: fol(2), end: fol(3) },
  'range cur..2f': { mode: 'range', start: cur, end: fol(2) },
  'range up..1p': { mode: 'range', start: up, end: pre(1) },
};
const defaultFrame = frames['range up..cur']!;

function call(fn: WindowFunctionName, args: number[], frame: FrameSpec = defaultFrame): WindowCallSpec {
  const aggregate = ['count_star', 'count', 'sum', 'avg', 'min', 'max'].includes(fn);
  return {
    fn,
    args,
    frame,
    makeAggregator: aggregate
      ? () =>
          makeAggregator({
            fn: fn as 'count',
            args,
            argTypes: args.map((a) => types[a]!),
            distinct: false,
            orderBy: [],
          })
      : undefined,
  };
}

const rankingCalls: WindowCallSpec[] = [
  call('row_number', []),
  call('rank', []),
  call('dense_rank', []),
  call('percent_rank', []),
  call('cume_dist', []),
  call('ntile', [5]),
  call('lag', [2]),
  call('lag', [2, 3, 1]),
  call('lead', [2, 3]),
];

function frameCalls(frame: FrameSpec): WindowCallSpec[] {
  return [
    call('first_value', [2], frame),
    call('last_value', [2], frame),
    call('nth_value', [2, 4], frame),
    call('count_star', [], frame),
    call('count', [2], frame),
    call('sum', [2], frame),
    call('avg', [2], frame),
    call('min', [2], frame),
    call('max', [2], frame),
  ];
}

// ---- the reference: each function by its definition, over a sorted partition ----

function sortPartition(rows: Rows, orderBy: SortKey[]): Rows {
  return [...rows].sort((a, b) => {
    for (const k of orderBy) {
      const c = compareBySortKey(a[k.column]!, b[k.column]!, k);
      if (c !== 0) return c;
    }
    for (let i = 0; i < a.length; i++) {
      const c = compareNullable(a[i]!, b[i]!, false);
      if (c !== 0) return c;
    }
    return 0;
  });
}

function refFrame(rows: Rows, q: number, frame: FrameSpec, orderBy: SortKey[]): [number, number] {
  const n = rows.length;
  const peer = (a: number, b: number) =>
    orderBy.every((k) => compareBySortKey(rows[a]![k.column]!, rows[b]![k.column]!, k) === 0);
  let first = q;
  while (first > 0 && peer(first - 1, q)) first--;
  let last = q;
  while (last < n - 1 && peer(last + 1, q)) last++;
  const bound = (b: FrameBoundSpec, isStart: boolean): number => {
    if (b.kind === 'unboundedPreceding') return 0;
    if (b.kind === 'unboundedFollowing') return n - 1;
    const off = b.kind === 'currentRow' ? 0 : b.kind === 'preceding' ? -b.offset : b.offset;
    if (frame.mode === 'rows') return q + off;
    if (b.kind === 'currentRow') return isStart ? first : last;
    const key = orderBy[0]!;
    const k = rows[q]![key.column]!;
    if (k === null) return isStart ? first : last;
    const target = (k as number) + (key.descending ? -off : off);
    if (isStart) {
      let p = 0;
      while (p < n && compareBySortKey(rows[p]![key.column]!, target, key) < 0) p++;
      return p;
    }
    let p = n - 1;
    while (p >= 0 && compareBySortKey(rows[p]![key.column]!, target, key) > 0) p--;
    return p;
  };
  return [Math.max(0, bound(frame.start, true)), Math.min(n - 1, bound(frame.end, false))];
}

function refCall(c: WindowCallSpec, rows: Rows, q: number, orderBy: SortKey[]): Value {
  const n = rows.length;
  const row = rows[q]!;
  const peer = (a: number, b: number) =>
    orderBy.every((k) => compareBySortKey(rows[a]![k.column]!, rows[b]![k.column]!, k) === 0);
  let first = q;
  while (first > 0 && peer(first - 1, q)) first--;
  let last = q;
  while (last < n - 1 && peer(last + 1, q)) last++;
  switch (c.fn) {
    case 'row_number':
      return q + 1;
    case 'rank':
      return first + 1;
    case 'dense_rank': {
      let d = 1;
      for (let p = 1; p <= q; p++) if (!peer(p - 1, p)) d++;
      return d;
    }
    case 'percent_rank':
      return n > 1 ? first / (n - 1) : 0;
    case 'cume_dist':
      return (last + 1) / n;
    case 'ntile': {
      const k = rows[0]![c.args[0]!] as number;
      const sizes = Array.from({ length: k }, (_, i) => Math.floor(n / k) + (i < n % k ? 1 : 0));
      let p = q;
      for (let b = 0; b < k; b++) {
        if (p < sizes[b]!) return b + 1;
        p -= sizes[b]!;
      }
      return null;
    }
    case 'lag':
    case 'lead': {
      const off = c.args[1] === undefined ? 1 : row[c.args[1]]!;
      if (off === null) return null;
      const t = q + (c.fn === 'lag' ? -1 : 1) * (off as number);
      if (t >= 0 && t < n) return rows[t]![c.args[0]!]!;
      return c.args[2] === undefined ? null : row[c.args[2]]!;
    }
  }
  const [fs, fe] = refFrame(rows, q, c.frame, orderBy);
  const frameRows = fs <= fe ? rows.slice(fs, fe + 1) : [];
  const vals = frameRows.map((r) => r[c.args[0] ?? 0]!);
  const nonNull = vals.filter((v) => v !== null) as number[];
  switch (c.fn) {
    case 'first_value':
      return frameRows.length ? vals[0]! : null;
    case 'last_value':
      return frameRows.length ? vals[vals.length - 1]! : null;
    case 'nth_value': {
      const k = row[c.args[1]!] as number;
      return k <= frameRows.length ? vals[k - 1]! : null;
    }
    case 'count_star':
      return frameRows.length;
    case 'count':
      return nonNull.length;
    case 'sum':
      return nonNull.length ? nonNull.reduce((a, b) => a + b, 0) : null;
    case 'avg':
      return nonNull.length
        ? Numeric.avg(Numeric.fromInt(nonNull.reduce((a, b) => a + b, 0)), nonNull.length)
        : null;
    case 'min':
      return nonNull.length ? nonNull.reduce((a, b) => (compareValues(a, b) <= 0 ? a : b)) : null;
    case 'max':
      return nonNull.length ? nonNull.reduce((a, b) => (compareValues(a, b) >= 0 ? a : b)) : null;
  }
  return null;
}

function referenceWindow(
  partitionBy: number[],
  orderBy: SortKey[],
  calls: WindowCallSpec[],
  rows: Rows,
): Rows {
  const parts = new Map<string, Rows>();
  for (const r of rows) {
    const key = show(partitionBy.map((c) => r[c]!));
    parts.set(key, [...(parts.get(key) ?? []), r]);
  }
  const out: Rows = [];
  for (const part of parts.values()) {
    const sorted = sortPartition(part, orderBy);
    sorted.forEach((row, q) => {
      out.push([...row, ...calls.map((c) => refCall(c, sorted, q, orderBy))]);
    });
  }
  return out;
}

const orders: Record<string, SortKey[]> = {
  'x asc': [{ column: 1, descending: false, nullsFirst: false }],
  'x desc nulls first': [{ column: 1, descending: true, nullsFirst: true }],
};

function runCase(partitionBy: number[], orderBy: SortKey[], calls: WindowCallSpec[]): void {
  fc.assert(
    fc.property(historyArb(inputRow, 10, 8), (history) => {
      const op = new WindowOp(
        types.length,
        partitionBy,
        partitionBy.map(() => T.int4),
        orderBy,
        calls,
      );
      checkUnary(op, types.length, history, (rows) => referenceWindow(partitionBy, orderBy, calls, rows));
    }),
    fcOptions,
  );
}

for (const [orderName, orderBy] of Object.entries(orders)) {
  test(`ranking functions and lag/lead, order by ${orderName}, partitioned`, () =>
    runCase([0], orderBy, rankingCalls));
  for (const [frameName, frame] of Object.entries(frames)) {
    test(`frame functions over ${frameName}, order by ${orderName}`, () =>
      runCase([0], orderBy, frameCalls(frame)));
  }
}

test('window functions without ORDER BY: one peer group per partition', () => {
  runCase([0], [], [call('row_number', []), call('rank', []), call('sum', [2], frames['range up..cur']!)]);
});

test('a local change recomputes a local region: lag over a long partition', () => {
  const order: SortKey[] = [{ column: 0, descending: false, nullsFirst: false }];
  const op = new WindowOp(1, [], [], order, [call('lag', [0])]);
  const rows = Array.from({ length: 1000 }, (_, i) => [i * 2]);
  op.step([Batch.fromRows(1, rows)]);
  const out = op.step([Batch.fromRows(1, [[501]])]);
  // The new row, and the row after it whose lag changed (retracted and reinserted).
  assert.equal(out.length, 3);
});

test('a running sum resumes from the previous row: appends touch only the new rows', () => {
  const order: SortKey[] = [{ column: 0, descending: false, nullsFirst: false }];
  const op = new WindowOp(1, [], [], order, [call('sum', [0], frames['rows up..cur']!)]);
  op.step([
    Batch.fromRows(
      1,
      Array.from({ length: 1000 }, (_, i) => [i]),
    ),
  ]);
  const out = op.step([Batch.fromRows(1, [[5000]])]);
  assert.equal(out.length, 1);
  assert.deepEqual(out.row(0), [5000, (999 * 1000) / 2 + 5000]);
});

test('large partitions spanning many chunks of the ordered state', () => {
  const wide = fc
    .tuple(
      smallInt(1, false),
      fc.option(fc.integer({ min: 0, max: 400 }), { nil: null, freq: 20 }),
      smallInt(3),
      fc.constantFrom(1, 2),
      fc.constantFrom(1, 2),
      fc.constantFrom(3),
    )
    .map((t): Value[] => [...t]);
  const insertHeavy: fc.Arbitrary<Action> = fc.oneof(
    { weight: 5, arbitrary: wide.map((r) => ({ insert: r })) },
    { weight: 1, arbitrary: fc.nat().map((n) => ({ deletePick: n })) },
  );
  const calls = [
    ...rankingCalls,
    ...frameCalls(frames['range 2p..1f']!),
    call('sum', [2], frames['rows up..cur']!),
  ];
  const orderBy = orders['x asc']!;
  fc.assert(
    fc.property(
      fc.array(fc.array(insertHeavy, { minLength: 80, maxLength: 120 }), { minLength: 10, maxLength: 12 }),
      (history) => {
        const op = new WindowOp(types.length, [0], [T.int4], orderBy, calls);
        checkUnary(op, types.length, history, (rows) => referenceWindow([0], orderBy, calls, rows));
      },
    ),
    { ...fcOptions, numRuns: 4 },
  );
});
