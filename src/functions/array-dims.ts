/**
 * @module functions/array-dims
 * Multidimensional arrays as nested `Value[]` (an `int[][]` is an array of `int[]` rows): the
 * ARRAY constructor keeps them rectangular and at most six dimensions deep, as PostgreSQL does,
 * so the shape can be read from the first element at each level.
 */
import { DataError, ResourceLimitError, SqlState } from '../common/errors.ts';
import type { SqlType } from '../common/types.ts';
import type { Value } from '../common/value.ts';

/** PostgreSQL's MAXDIM: no array has more dimensions. */
export const ARRAY_DIMS_MAX = 6;

export function tooManyDimensions(dims: number): ResourceLimitError {
  return new ResourceLimitError(
    SqlState.programLimitExceeded,
    `number of array dimensions (${dims}) exceeds the maximum allowed (${ARRAY_DIMS_MAX})`,
  );
}

/** How many array levels a type has: 0 for a scalar, 2 for `int[][]`. */
export function arrayTypeDepth(type: SqlType): number {
  let depth = 0;
  for (let t = type; t.id === 'array'; t = t.element) depth++;
  return depth;
}

/** The length of each dimension of a non-empty array, outermost first; [] for the empty array. */
export function arrayShape(a: readonly Value[]): number[] {
  const shape: number[] = [];
  let level: readonly Value[] = a;
  while (level.length > 0) {
    shape.push(level.length);
    const first = level[0];
    if (!Array.isArray(first)) break;
    level = first;
  }
  return shape;
}

function mismatched(): DataError {
  return new DataError(
    SqlState.arraySubscriptError,
    'multidimensional arrays must have array expressions with matching dimensions',
  );
}

/**
 * ARRAY[sub, …] whose elements are arrays: one more dimension. Every sub-array must be non-NULL
 * and of the same shape; when all are empty the result is the empty array, as in PostgreSQL.
 */
export function buildNestedArray(...subArrays: Value[]): Value[] {
  if (subArrays.length === 0) return [];
  const first = subArrays[0];
  if (!Array.isArray(first)) throw mismatched();
  const shape = arrayShape(first);
  if (shape.length + 1 > ARRAY_DIMS_MAX) throw tooManyDimensions(shape.length + 1);
  for (let i = 1; i < subArrays.length; i++) {
    const sub = subArrays[i];
    if (!Array.isArray(sub) || !sameShape(arrayShape(sub), shape)) throw mismatched();
  }
  return shape.length === 0 ? [] : subArrays;
}

/** Whether two shapes (see `arrayShape`) are equal. */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((n, i) => n === b[i]);
}

/** The innermost values of an array of `dims` dimensions, in row-major order. */
export function flattenArray(a: readonly Value[], dims: number): Value[] {
  if (dims <= 1) return a as Value[];
  return a.flatMap((sub) => flattenArray(sub as Value[], dims - 1));
}

/** Nests row-major `values` into `shape` (the inverse of `flattenArray`). */
export function nestArray(values: readonly Value[], shape: readonly number[]): Value[] {
  if (shape.length <= 1) return values as Value[];
  const rows: Value[] = [];
  const size = values.length / shape[0]!;
  for (let r = 0; r < shape[0]!; r++)
    rows.push(nestArray(values.slice(r * size, (r + 1) * size), shape.slice(1)));
  return rows;
}

/**
 * array_agg over arrays stacks them into one more dimension: as PostgreSQL, each input must be a
 * non-NULL, non-empty array of the same shape as the first (22004, 2202E otherwise).
 */
export function checkAccumulatedArrays(inputs: readonly Value[]): void {
  let shape: number[] | null = null;
  for (const input of inputs) {
    if (input === null) throw new DataError(SqlState.nullValueNotAllowed, 'cannot accumulate null arrays');
    const s = arrayShape(input as Value[]);
    if (shape === null && s.length === 0) {
      throw new DataError(SqlState.arraySubscriptError, 'cannot accumulate empty arrays');
    }
    if (shape === null) shape = s;
    else if (!sameShape(shape, s)) {
      throw new DataError(
        SqlState.arraySubscriptError,
        'cannot accumulate arrays of different dimensionality',
      );
    }
  }
}
