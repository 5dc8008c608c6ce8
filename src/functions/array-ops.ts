/**
 * @module functions/array-ops
 * The array operators that are not comparisons: `||` (array_cat, array_append, array_prepend),
 * containment `@>` / `<@`, overlap `&&`, and width_bucket over a thresholds array. Element
 * equality and order come from common/value-ops.ts, so they agree with GROUP BY and ORDER BY.
 */
import { DataError, SqlState } from '../common/errors.ts';
import type { Value } from '../common/value.ts';
import { compareValues, valuesEqual } from '../common/value-ops.ts';
import { arrayElements, arrayShape, sameShape } from './array-dims.ts';

/** array || array (array_cat, not strict): a NULL side contributes nothing. */
export function arrayCat(a: Value[] | null, b: Value[] | null): Value[] | null {
  if (a === null) return b;
  if (b === null || b.length === 0) return a;
  if (a.length === 0) return b;
  // Same dimensions: one after the other; one dimension less: a row added before or after.
  const depthA = arrayShape(a).length;
  const depthB = arrayShape(b).length;
  if (depthA === depthB) return rectangular(a.concat(b));
  if (depthA === depthB + 1) return rectangular([...a, b]);
  if (depthB === depthA + 1) return rectangular([a, ...b]);
  throw incompatibleArrays();
}

/**
 * array || element (array_append, not strict): a NULL array counts as empty; a NULL element is
 * appended. (A row added to a multidimensional array is array_cat's.)
 */
export function arrayAppend(a: Value[] | null, e: Value): Value[] {
  if (a === null) return [e];
  return [...oneDimensional(a), e];
}

/** element || array (array_prepend, not strict). */
export function arrayPrepend(e: Value, a: Value[] | null): Value[] {
  if (a === null) return [e];
  return [e, ...oneDimensional(a)];
}

function incompatibleArrays(): DataError {
  return new DataError(SqlState.arraySubscriptError, 'cannot concatenate incompatible arrays');
}

/** array_append / array_prepend take an empty or one-dimensional array only (22000). */
function oneDimensional(a: Value[]): Value[] {
  if (Array.isArray(a[0])) {
    throw new DataError(SqlState.dataException, 'argument must be empty or one-dimensional array');
  }
  return a;
}

/** A concatenation of rows must stay rectangular, as PostgreSQL requires (2202E otherwise). */
function rectangular(rows: Value[]): Value[] {
  const first = rows[0];
  if (!Array.isArray(first)) return rows;
  const shape = arrayShape(first);
  for (const row of rows) {
    const s = Array.isArray(row) ? arrayShape(row) : null;
    if (s === null || !sameShape(s, shape)) {
      throw incompatibleArrays();
    }
  }
  return rows;
}

/** Whether the non-null `v` equals some element of `a` (NULL elements match nothing). */
function includes(a: Value[], v: Value): boolean {
  for (const x of a) if (x !== null && valuesEqual(x, v)) return true;
  return false;
}

/** a @> b: every element of b is in a; a NULL element of b is never contained. Any dimensions. */
export function arrayContains(a: Value[], b: Value[]): boolean {
  const within = arrayElements(a);
  for (const v of arrayElements(b)) if (v === null || !includes(within, v)) return false;
  return true;
}

export function arrayContained(a: Value[], b: Value[]): boolean {
  return arrayContains(b, a);
}

/** a && b: some non-null element is in both. */
export function arrayOverlap(a: Value[], b: Value[]): boolean {
  const other = arrayElements(b);
  for (const v of arrayElements(a)) if (v !== null && includes(other, v)) return true;
  return false;
}

/** width_bucket(operand, thresholds): how many thresholds (sorted ascending) are ≤ operand. */
export function widthBucketArray(operand: Value, thresholds: Value[]): number {
  if (Array.isArray(thresholds[0])) {
    throw new DataError(SqlState.arraySubscriptError, 'thresholds must be one-dimensional array');
  }
  let lo = 0;
  let hi = thresholds.length;
  if (thresholds.includes(null)) {
    throw new DataError(SqlState.nullValueNotAllowed, 'thresholds array must not contain NULLs');
  }
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareValues(operand, thresholds[mid]!) >= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
