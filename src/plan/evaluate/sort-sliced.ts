/**
 * @module plan/evaluate/sort-sliced
 * The one-shot evaluator's sort, in pieces small enough for a time slice: runs of `sortRunRows`
 * rows are sorted natively, then merged pairwise, one row at a time, each row reported to the
 * guard; so a sort of millions of rows yields to the event loop (and can be cancelled) like any
 * other loop. Stable, as Array.prototype.sort is: equal rows keep their input order.
 */
import type { Value } from '../../common/value.ts';
import { compareNullable, compareSortKey } from '../../common/value-ops.ts';
import type { SortKey } from '../logical.ts';
import type { QueryGuard } from './query-guard.ts';
import type { Evaluation } from './row-stream.ts';

/** Rows per natively sorted run: a few milliseconds of comparisons, well inside a 20 ms slice. */
const sortRunRows = 4096;

export type RowComparator = (a: readonly Value[], b: readonly Value[]) => number;

/**
 * Orders rows by `keys`. With `total`, ties are broken by the whole row so that the order (and a
 * LIMIT's choice) is deterministic and identical to what the dataflow's top-k keeps.
 */
export function rowComparator(keys: readonly SortKey[], total: boolean): RowComparator {
  return (a, b) => {
    for (const k of keys) {
      const c = compareSortKey(a[k.column]!, b[k.column]!, k.descending, k.nullsFirst);
      if (c !== 0) return c;
    }
    if (!total) return 0;
    for (let i = 0; i < a.length; i++) {
      const c = compareNullable(a[i]!, b[i]!, false);
      if (c !== 0) return c;
    }
    return 0;
  };
}

/** Whether two rows tie under ORDER BY (peers): equal on every sort key. */
export function sortKeysEqual(a: readonly Value[], b: readonly Value[], keys: readonly SortKey[]): boolean {
  return keys.every((k) => compareSortKey(a[k.column]!, b[k.column]!, k.descending, k.nullsFirst) === 0);
}

/**
 * Sorts `rows` (the caller's own array: it is reordered) by `compare`, yielding between pieces.
 * The items are rows, or row numbers of rows held as columns (see evaluate-holding's ORDER BY).
 */
export function* sortSliced<R>(
  rows: R[],
  compare: (a: R, b: R) => number,
  guard: QueryGuard,
): Evaluation<R[]> {
  const n = rows.length;
  if (n <= sortRunRows) {
    rows.sort(compare);
    guard.workedMany(n);
    return rows;
  }
  for (let start = 0; start < n; start += sortRunRows) {
    const end = Math.min(n, start + sortRunRows);
    const run = rows.slice(start, end).sort(compare);
    for (let i = start; i < end; i++) rows[i] = run[i - start]!;
    if (guard.workedMany(end - start)) yield;
  }
  let from = rows;
  let to: R[] = new Array(n);
  for (let width = sortRunRows; width < n; width *= 2) {
    for (let left = 0; left < n; left += 2 * width) {
      yield* mergeRuns(
        from,
        to,
        left,
        Math.min(n, left + width),
        Math.min(n, left + 2 * width),
        compare,
        guard,
      );
    }
    [from, to] = [to, from];
  }
  return from;
}

/** Merges the sorted `from[left, middle)` and `from[middle, end)` into `to[left, end)`. */
function* mergeRuns<R>(
  from: R[],
  to: R[],
  left: number,
  middle: number,
  end: number,
  compare: (a: R, b: R) => number,
  guard: QueryGuard,
): Evaluation<void> {
  let i = left;
  let j = middle;
  for (let k = left; k < end; k++) {
    // Ties take the left run's row first: that keeps the sort stable.
    if (i < middle && (j >= end || compare(from[i]!, from[j]!) <= 0)) to[k] = from[i++]!;
    else to[k] = from[j++]!;
    if (guard.worked()) yield;
  }
}
