/**
 * @module plan/evaluate/window-fold
 * One-shot window functions: sorts each partition and computes every call for every row from
 * its partition and frame, directly from the definitions (this is the reference the incremental
 * window operator is checked against). A plain aggregate (count, sum, avg, min, max, bool_*) over
 * frames that start at the partition's first row (running totals, the whole partition) keeps one
 * running value per partition, fed as the frame end moves on, in slices: linear. Other frames
 * are folded per row (quadratic in the frame), each fold whole; the guard hears of it after each row.
 */
import { DataError, SqlState } from '../../common/errors.ts';
import type { Value } from '../../common/value.ts';
import { compareSortKey } from '../../common/value-ops.ts';
import {
  type AggregateCall,
  type FrameBound,
  type LogicalWindow,
  positionalWindowFunctions,
  type WindowCall,
} from '../logical.ts';
import { type AggregateAccumulator, foldAggregate, startAggregate } from './aggregate-fold.ts';
import type { QueryGuard } from './query-guard.ts';
import { RowKeyMap } from './row-key-map.ts';
import type { RowStream, Rows } from './row-stream.ts';
import { rowComparator, sortSliced } from './sort-sliced.ts';

/**
 * The window node: partitions its input (held, counted), sorts each partition in slices and
 * emits each row with its calls' values, reporting to the guard per row and per frame row folded.
 */
export function* evaluateWindow(plan: LogicalWindow, input: RowStream, guard: QueryGuard): RowStream {
  const arity = plan.input.schema.length;
  const partitions = new RowKeyMap<Rows>();
  let held = 0;
  try {
    for (const r of input) {
      if (r === undefined) {
        yield;
        continue;
      }
      partitions
        .upsert(
          plan.partitionBy.map((i) => r[i]!),
          () => [],
        )
        .push(r);
      guard.hold(1, arity);
      held++;
      if (guard.worked()) yield;
    }
    const compare = rowComparator(plan.orderBy, true);
    const work = { frameRows: 0 };
    for (const { value } of partitions.entries()) {
      const rows = yield* sortSliced(value, compare, guard);
      const peers = peerGroups(rows, plan);
      const folds = plan.calls.map((call) => growingFrameFold(call, plan));
      for (let i = 0; i < rows.length; i++) {
        for (let c = 0; c < folds.length; c++) {
          const fold = folds[c];
          if (!fold) continue;
          const end = frameBounds(plan.calls[c]!, i, rows.length, peers, plan)[1];
          while (fold.next <= end) {
            fold.accumulator.add(rows[fold.next++]!);
            if (guard.worked()) yield;
          }
        }
        yield [
          ...rows[i]!,
          ...plan.calls.map((call, c) =>
            folds[c] ? folds[c].accumulator.value() : computeCall(call, rows, i, peers, plan, work, guard),
          ),
        ];
        const units = 1 + work.frameRows;
        work.frameRows = 0;
        if (guard.workedMany(units)) yield;
      }
    }
  } finally {
    guard.release(held, arity);
  }
}

interface Peers {
  /** For each row: first and last position of its peer group, and the group's ordinal. */
  readonly first: Int32Array;
  readonly last: Int32Array;
  readonly ordinal: Int32Array;
}

function peerGroups(rows: Rows, plan: LogicalWindow): Peers {
  const n = rows.length;
  const first = new Int32Array(n);
  const last = new Int32Array(n);
  const ordinal = new Int32Array(n);
  let start = 0;
  let group = 0;
  for (let i = 1; i <= n; i++) {
    const boundary =
      i === n ||
      plan.orderBy.some(
        (k) => compareSortKey(rows[i - 1]![k.column]!, rows[i]![k.column]!, k.descending, k.nullsFirst) !== 0,
      );
    if (!boundary) continue;
    for (let j = start; j < i; j++) {
      first[j] = start;
      last[j] = i - 1;
      ordinal[j] = group;
    }
    group++;
    start = i;
  }
  return { first, last, ordinal };
}

function computeCall(
  call: WindowCall,
  rows: Rows,
  i: number,
  peers: Peers,
  plan: LogicalWindow,
  work: { frameRows: number },
  guard: QueryGuard,
): Value {
  const n = rows.length;
  const arg = (k: number, row = rows[i]!): Value => row[call.args[k]!]!;
  switch (call.fn) {
    case 'row_number':
      return i + 1;
    case 'rank':
      return peers.first[i]! + 1;
    case 'dense_rank':
      return peers.ordinal[i]! + 1;
    case 'percent_rank':
      return n <= 1 ? 0 : peers.first[i]! / (n - 1);
    case 'cume_dist':
      return (peers.last[i]! + 1) / n;
    case 'ntile': {
      const buckets = arg(0);
      if (buckets === null) return null;
      if ((buckets as number) <= 0) {
        throw new DataError(
          SqlState.invalidArgumentForNtileFunction,
          'argument of ntile must be greater than zero',
        );
      }
      return ntile(buckets as number, n, i);
    }
    case 'lag':
    case 'lead': {
      const offset = arg(1);
      if (offset === null) return null;
      const j = call.fn === 'lag' ? i - (offset as number) : i + (offset as number);
      return j >= 0 && j < n ? arg(0, rows[j]!) : call.args.length > 2 ? arg(2) : null;
    }
  }
  const [start, end] = frameBounds(call, i, n, peers, plan);
  switch (call.fn) {
    case 'first_value':
      return start <= end ? arg(0, rows[start]!) : null;
    case 'last_value':
      return start <= end ? arg(0, rows[end]!) : null;
    case 'nth_value': {
      const nth = arg(1);
      if (nth === null) return null;
      if ((nth as number) <= 0) {
        throw new DataError(
          SqlState.invalidArgumentForNthValueFunction,
          'argument of nth_value must be greater than zero',
        );
      }
      const j = start + (nth as number) - 1;
      return j <= end ? arg(0, rows[j]!) : null;
    }
    default: {
      const frame = start <= end ? rows.slice(start, end + 1) : [];
      work.frameRows += frame.length;
      return foldAggregate(aggregateOf(call), frame, plan.input.schema, guard);
    }
  }
}

/** A window call that is an aggregate (not one of `positionalWindowFunctions`), as the aggregate fold takes it. */
function aggregateOf(call: WindowCall): AggregateCall {
  return {
    fn: call.fn as AggregateCall['fn'],
    args: call.args,
    distinct: false,
    filter: null,
    orderBy: [],
    type: call.type,
  };
}

interface GrowingFrameFold {
  readonly accumulator: Extract<AggregateAccumulator, { holdsRows: false }>;
  /** The partition's next row to add: the frame so far is [0, next). */
  next: number;
}

/**
 * A running accumulator for an aggregate call whose frames start at the partition's first row:
 * every frame end (current row or its last peer, n preceding or following, the last row) never
 * moves back as the row moves on, so each frame is the previous one plus the rows after it, and
 * the value at a row is the fold of its frame, as folding that frame afresh gives. Null for the
 * other calls, and for aggregates that hold their rows (string_agg, array_agg…).
 */
function growingFrameFold(call: WindowCall, plan: LogicalWindow): GrowingFrameFold | null {
  if (positionalWindowFunctions.has(call.fn) || call.frame.start.kind !== 'unboundedPreceding') return null;
  const accumulator = startAggregate(aggregateOf(call), plan.input.schema);
  return accumulator.holdsRows ? null : { accumulator, next: 0 };
}

function ntile(buckets: number, n: number, i: number): number {
  const size = Math.floor(n / buckets);
  const extra = n % buckets;
  const bigRows = extra * (size + 1);
  return i < bigRows ? Math.floor(i / (size + 1)) + 1 : extra + Math.floor((i - bigRows) / size) + 1;
}

function frameBounds(
  call: WindowCall,
  i: number,
  n: number,
  peers: Peers,
  plan: LogicalWindow,
): [number, number] {
  const bound = (b: FrameBound, isStart: boolean): number => {
    switch (b.kind) {
      case 'unboundedPreceding':
        return 0;
      case 'unboundedFollowing':
        return n - 1;
      case 'currentRow':
        if (call.frame.mode === 'range')
          return plan.orderBy.length === 0
            ? isStart
              ? 0
              : n - 1
            : isStart
              ? peers.first[i]!
              : peers.last[i]!;
        return i;
      case 'preceding':
        return i - b.offset;
      case 'following':
        return i + b.offset;
    }
  };
  return [Math.max(0, bound(call.frame.start, true)), Math.min(n - 1, bound(call.frame.end, false))];
}
