/**
 * @module functions/array-fns
 * Array functions over Eddy's 1-based arrays (common/value.ts; nested for more dimensions): dimensions,
 * searching (array_position[s]), array_remove / array_replace and trim_array, with PostgreSQL 15's
 * NULL rules. A search for NULL finds NULL elements (IS NOT DISTINCT FROM); element equality is
 * the type's `=` (common/value-ops.ts), so NaN finds NaN and `1 mon` finds `30 days`.
 */
import { DataError, FeatureNotSupportedError, SqlState } from '../common/errors.ts';
import type { Value } from '../common/value.ts';
import { valuesEqual } from '../common/value-ops.ts';
import { arrayElements, arrayShape } from './array-dims.ts';

/** array_length(a, dim), array_upper(a, dim): the length in dimension `dim`, else NULL. */
export function arrayLength(a: Value[], dim: number): number | null {
  return arrayShape(a)[dim - 1] ?? null;
}

/** array_lower(a, dim): Eddy's arrays start at 1 in every dimension. */
export function arrayLower(a: Value[], dim: number): number | null {
  return dim >= 1 && dim <= arrayShape(a).length ? 1 : null;
}

/** array_ndims(a): NULL for the empty array, which has no dimensions. */
export function arrayNdims(a: Value[]): number | null {
  const dims = arrayShape(a).length;
  return dims > 0 ? dims : null;
}

/** array_dims(a): `[1:n][1:m]…`, NULL for the empty array. */
export function arrayDims(a: Value[]): string | null {
  const shape = arrayShape(a);
  return shape.length > 0 ? shape.map((n) => `[1:${n}]`).join('') : null;
}

/** cardinality(a): the number of elements over all dimensions, 0 for the empty array. */
export function cardinality(a: Value[]): number {
  return arrayShape(a).reduce((product, n) => product * n, a.length > 0 ? 1 : 0);
}

/** Whether element `x` is not distinct from the searched `v` (a NULL `v` finds NULLs). */
function same(x: Value, v: Value): boolean {
  if (v === null) return x === null;
  return x !== null && valuesEqual(x, v);
}

/** array_position(a, v): the first 1-based position of `v`, else NULL. Not strict. */
export function arrayPosition(a: Value[] | null, v: Value): number | null {
  if (a === null) return null;
  searchable(a);
  for (let i = 0; i < a.length; i++) if (same(a[i]!, v)) return i + 1;
  return null;
}

/** array_position(s) search one dimension only, as PostgreSQL (0A000 on more). */
function searchable(a: Value[]): void {
  if (Array.isArray(a[0])) {
    throw new FeatureNotSupportedError('searching for elements in multidimensional arrays is not supported');
  }
}

/** array_position(a, v, start): searching from `start`; a NULL start is an error (22004). */
export function arrayPositionFrom(a: Value[] | null, v: Value, start: number | null): number | null {
  // PostgreSQL returns before it looks at `start` when the search cannot succeed.
  if (a === null || a.length === 0) return null;
  searchable(a);
  if (v === null && !a.includes(null)) return null;
  if (start === null) {
    throw new DataError(SqlState.nullValueNotAllowed, 'initial position must not be null');
  }
  for (let i = start > 1 ? start - 1 : 0; i < a.length; i++) if (same(a[i]!, v)) return i + 1;
  return null;
}

/** array_positions(a, v): every 1-based position of `v` (an empty array when none). Not strict. */
export function arrayPositions(a: Value[] | null, v: Value): number[] | null {
  if (a === null) return null;
  searchable(a);
  const out: number[] = [];
  for (let i = 0; i < a.length; i++) if (same(a[i]!, v)) out.push(i + 1);
  return out;
}

/** array_remove(a, v): `a` without the elements not distinct from `v`. Not strict. */
export function arrayRemove(a: Value[] | null, v: Value): Value[] | null {
  if (a === null) return null;
  if (Array.isArray(a[0])) {
    throw new FeatureNotSupportedError('removing elements from multidimensional arrays is not supported');
  }
  let out: Value[] | null = null;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    if (same(x, v)) out ??= a.slice(0, i);
    else if (out !== null) out.push(x);
  }
  return out ?? a;
}

/** array_replace(a, search, replacement): every element not distinct from `search` replaced. */
export function arrayReplace(a: Value[] | null, search: Value, replacement: Value): Value[] | null {
  if (a === null) return null;
  // A multidimensional array: every element of every row.
  if (Array.isArray(a[0])) return a.map((row) => arrayReplace(row as Value[], search, replacement));
  let out: Value[] | null = null;
  for (let i = 0; i < a.length; i++) {
    if (!same(a[i]!, search)) continue;
    out ??= a.slice();
    out[i] = replacement;
  }
  return out ?? a;
}

/** trim_array(a, n): `a` without its last `n` elements; 2202E unless 0 ≤ n ≤ length. */
export function trimArray(a: Value[], n: number): Value[] {
  if (n < 0 || n > a.length) {
    throw new DataError(
      SqlState.arraySubscriptError,
      `number of elements to trim must be between 0 and ${a.length}`,
    );
  }
  return n === 0 ? a : a.slice(0, a.length - n);
}

/** unnest(a): one row per element under every dimension (row-major), NULLs included. */
export function unnest(a: Value[]): Value[] {
  return arrayElements(a);
}
