/**
 * @module plan/evaluate/evaluate-holding
 * The one-shot evaluator's nodes that must see their whole input before they emit: GROUP BY
 * (one accumulator per aggregate per group, not the group's rows), DISTINCT and set operations
 * (a hash of keys), top-k and ORDER BY (a sort in slices). Each takes its input as a row stream,
 * reports every row to the guard (so it yields and can be cancelled), counts what it holds in
 * the memory estimate and releases it when it is done.
 */
import type { Value } from '../../common/value.ts';
import { compareSortKey } from '../../common/value-ops.ts';
import type { LogicalPlan } from '../logical.ts';
import { type AggregateAccumulator, startAggregate } from './aggregate-fold.ts';
import type { QueryGuard } from './query-guard.ts';
import { RowKeyMap } from './row-key-map.ts';
import { collectRows, type Evaluation, type RowStream, type Rows } from './row-stream.ts';
import { type RowComparator, rowComparator, sortKeysEqual, sortSliced } from './sort-sliced.ts';

type PlanOf<K extends LogicalPlan['kind']> = Extract<LogicalPlan, { kind: K }>;

const noKey: readonly Value[] = [];

/** GROUP BY: rows go into their group's accumulators; the groups are emitted at the end. */
export function* aggregateRows(plan: PlanOf<'aggregate'>, input: RowStream, guard: QueryGuard): RowStream {
  const groups = new RowKeyMap<AggregateAccumulator[]>();
  const start = () => plan.aggregates.map((call) => startAggregate(call, plan.input.schema));
  const keyOf = plan.groupBy.length === 0 ? () => noKey : (r: Value[]) => plan.groupBy.map((i) => r[i]!);
  const holdsRows = plan.aggregates.length > 0 && start().some((a) => a.holdsRows);
  const inputArity = plan.input.schema.length;
  let rowsHeld = 0;
  try {
    for (const r of input) {
      if (r === undefined) {
        yield;
        continue;
      }
      const before = groups.size;
      const accumulators = groups.upsert(keyOf(r), start);
      if (groups.size > before) guard.hold(1, plan.schema.length);
      for (const a of accumulators) a.add(r);
      if (holdsRows) {
        guard.hold(1, inputArity);
        rowsHeld++;
      }
      if (guard.worked()) yield;
    }
    if (plan.groupBy.length === 0 && groups.size === 0) {
      groups.upsert(noKey, start);
      guard.hold(1, plan.schema.length);
    }
    for (const { key, value } of groups.entries()) {
      const row = [...key];
      for (const a of value) row.push(a.holdsRows ? yield* a.finish(guard) : a.value());
      yield row;
      if (guard.worked()) yield;
    }
  } finally {
    guard.release(groups.size, plan.schema.length);
    guard.release(rowsHeld, inputArity);
  }
}

/** DISTINCT: each row the first time it is seen. */
export function* distinctRows(input: RowStream, arity: number, guard: QueryGuard): RowStream {
  const seen = new RowKeyMap<true>();
  try {
    for (const r of input) {
      if (r === undefined) {
        yield;
        continue;
      }
      const before = seen.size;
      seen.upsert(r, () => true);
      if (seen.size > before) {
        guard.hold(1, arity);
        yield r;
      }
      if (guard.worked()) yield;
    }
  } finally {
    guard.release(seen.size, arity);
  }
}

/** UNION [ALL] streams; INTERSECT and EXCEPT read the left side, then count the right side's rows. */
export function* setOperationRows(
  plan: PlanOf<'setOp'>,
  left: RowStream,
  right: RowStream,
  guard: QueryGuard,
): RowStream {
  const arity = plan.schema.length;
  if (plan.op === 'union') {
    const both = concatStreams(left, right);
    yield* plan.all ? both : distinctRows(both, arity, guard);
    return;
  }
  // The left side first, as before (and as PostgreSQL's Append under a SetOp reads them).
  const leftRows = yield* collectRows(plan.all ? left : distinctRows(left, arity, guard), arity, guard);
  // Per group of rows equal as values, the right side's count and the form the group is output
  // in: its first left row's (1.00 / 1.0000, char padding), as PostgreSQL's SetOp outputs every
  // copy of a group as its first tuple, and as a view's set operation keeps it.
  const groups = new RowKeyMap<{ form: Value[]; n: number }>();
  try {
    for (const r of leftRows) groups.upsert(r, () => ({ form: r, n: 0 }));
    guard.hold(groups.size, arity);
    for (const r of right) {
      if (r === undefined) {
        yield;
        continue;
      }
      const group = groups.get(r);
      if (group) group.n++;
      if (guard.worked()) yield;
    }
    for (const r of leftRows) {
      const group = groups.get(r)!;
      const inRight = group.n > 0;
      if (plan.op === 'intersect' && inRight) {
        if (plan.all) group.n--;
        yield group.form;
      } else if (plan.op === 'except') {
        if (!inRight) yield group.form;
        else if (plan.all) group.n--;
      }
      if (guard.worked()) yield;
    }
  } finally {
    guard.release(leftRows.length, arity);
    guard.release(groups.size, arity);
  }
}

function* concatStreams(first: RowStream, second: RowStream): RowStream {
  yield* first;
  yield* second;
}

/** ORDER BY: the input, sorted in slices (stable: peers keep their input order). */
export function* orderByRows(plan: PlanOf<'orderBy'>, input: RowStream, guard: QueryGuard): RowStream {
  const arity = plan.schema.length;
  // Held as columns, not as row arrays: a million held rows are then a few arrays of values
  // that the collector does not copy object by object (numbers are not objects at all), which
  // shortens the garbage collections that pause everyone while a big sort is held. The rows
  // are sorted as row numbers and made again as they leave.
  const columns: Value[][] = Array.from({ length: arity }, () => []);
  let count = 0;
  try {
    for (const r of input) {
      if (r === undefined) {
        yield;
        continue;
      }
      for (let c = 0; c < arity; c++) columns[c]!.push(r[c]!);
      count++;
      guard.hold(1, arity);
      if (guard.worked()) yield;
    }
    const order: number[] = new Array(count);
    for (let i = 0; i < count; i++) order[i] = i;
    const keys = plan.orderBy.map((k) => ({ values: columns[k.column]!, ...k }));
    const compare = (a: number, b: number): number => {
      for (const k of keys) {
        const c = compareSortKey(k.values[a]!, k.values[b]!, k.descending, k.nullsFirst);
        if (c !== 0) return c;
      }
      return 0;
    };
    for (const i of yield* sortSliced(order, compare, guard)) {
      const row: Value[] = new Array(arity);
      for (let c = 0; c < arity; c++) row[c] = columns[c]![i]!;
      yield row;
      if (guard.worked()) yield;
    }
  } finally {
    guard.release(count, arity);
  }
}

/** Rows a top-k partition buffers at least before it sorts and drops those past the limit. */
const topKPruneRowsMin = 1024;

/**
 * LIMIT / OFFSET, per partition when partitioned: the rows in ORDER BY order, ties broken by the
 * whole row (so the choice is the one the dataflow's top-k makes), WITH TIES extending the last.
 * With a limit, a partition holds at most about twice `offset + limit` rows (at least 1,024): when
 * its buffer is full it is sorted and cut back to the rows that can still be among the first.
 */
export function* topKRows(plan: PlanOf<'topK'>, input: RowStream, guard: QueryGuard): RowStream {
  const arity = plan.schema.length;
  const partitions = new RowKeyMap<{ rows: Rows; pruneAt: number }>();
  const keyOf =
    plan.partitionBy.length === 0 ? () => noKey : (r: Value[]) => plan.partitionBy.map((i) => r[i]!);
  const end = plan.limit === null ? Number.POSITIVE_INFINITY : plan.offset + plan.limit;
  const pruneAt = Math.max(2 * end, topKPruneRowsMin);
  const compare = rowComparator(plan.orderBy, true);
  let held = 0;
  try {
    for (const r of input) {
      if (r === undefined) {
        yield;
        continue;
      }
      const partition = partitions.upsert(keyOf(r), () => ({ rows: [], pruneAt }));
      partition.rows.push(r);
      guard.hold(1, arity);
      held++;
      if (partition.rows.length >= partition.pruneAt) {
        const before = partition.rows.length;
        // A row past the first `end` of a subset (and not tied with its last) is past them in all.
        partition.rows = yield* firstRows(partition.rows, end, 0, plan, compare, guard);
        guard.release(before - partition.rows.length, arity);
        held -= before - partition.rows.length;
        // Many ties kept: wait for as many new rows again, so pruning stays amortised.
        partition.pruneAt = Math.max(pruneAt, 2 * partition.rows.length);
      }
      if (guard.worked()) yield;
    }
    for (const { value } of partitions.entries()) {
      const first = yield* firstRows(value.rows, end, plan.offset, plan, compare, guard);
      for (let i = plan.offset; i < first.length; i++) {
        yield first[i]!;
        if (guard.worked()) yield;
      }
    }
  } finally {
    guard.release(held, arity);
  }
}

/**
 * The first `end` of `rows` (the caller's own array) in top-k order; WITH TIES extends the last
 * one's peers when more than `tiesPast` rows are kept.
 */
function* firstRows(
  rows: Rows,
  end: number,
  tiesPast: number,
  plan: PlanOf<'topK'>,
  compare: RowComparator,
  guard: QueryGuard,
): Evaluation<Rows> {
  const sorted = yield* sortSliced(rows, compare, guard);
  let stop = Math.min(end, sorted.length);
  if (plan.withTies && stop > tiesPast) {
    const last = sorted[stop - 1]!;
    while (stop < sorted.length && sortKeysEqual(sorted[stop]!, last, plan.orderBy)) stop++;
  }
  return stop === sorted.length ? sorted : sorted.slice(0, stop);
}
