/**
 * @module functions/array-dims
 * Multidimensional arrays as nested `Value[]` (a two-dimensional `int[]` is an array of rows):
 * the dimensions belong to the value, never to the type (common/types.ts). Every producer keeps
 * them rectangular and at most six dimensions deep, as PostgreSQL does, so the shape can be read
 * from the first element at each level.
 */
import { DataError, ResourceLimitError, SqlState } from '../common/errors.ts';
import type { Value } from '../common/value.ts';

/** PostgreSQL's MAXDIM: no array has more dimensions. */
export const ARRAY_DIMS_MAX = 6;

export function tooManyDimensions(dims: number): ResourceLimitError {
  return new ResourceLimitError(
    SqlState.programLimitExceeded,
    `number of array dimensions (${dims}) exceeds the maximum allowed (${ARRAY_DIMS_MAX})`,
  );
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
 * ARRAY[sub, …] whose elements are arrays: one more dimension. As PostgreSQL, NULL and empty
 * sub-arrays count as empty: when all are, the result is the empty array; otherwise every
 * sub-array must be non-empty and of the same shape (2202E).
 */
export function buildNestedArray(...subArrays: Value[]): Value[] {
  let shape: number[] | null = null;
  let sawEmpty = false;
  for (const sub of subArrays) {
    const s = Array.isArray(sub) ? arrayShape(sub) : [];
    if (s.length === 0) sawEmpty = true;
    else if (shape === null) shape = s;
    else if (!sameShape(s, shape)) throw mismatched();
  }
  if (shape === null) return [];
  if (sawEmpty) throw mismatched();
  if (shape.length + 1 > ARRAY_DIMS_MAX) throw tooManyDimensions(shape.length + 1);
  return subArrays;
}

/**
 * Whether a nested array is as every producer keeps them: rectangular, sub-arrays only above the
 * last dimension, at most six dimensions.
 */
export function isRectangular(a: readonly Value[]): boolean {
  const shape = arrayShape(a);
  const fits = (level: readonly Value[], d: number): boolean =>
    level.length === (shape[d] ?? 0) &&
    level.every((v) => (d < shape.length - 1 ? Array.isArray(v) && fits(v, d + 1) : !Array.isArray(v)));
  return shape.length <= ARRAY_DIMS_MAX && fits(a, 0);
}

/** Refuses an array from outside input (JavaScript arrays, JSON) that is not `isRectangular`. */
export function checkRectangular(a: readonly Value[]): void {
  const dims = arrayShape(a).length;
  if (dims > ARRAY_DIMS_MAX) throw tooManyDimensions(dims);
  if (!isRectangular(a)) throw mismatched();
}

/**
 * Converts a JavaScript array of any depth with `element`; inner JavaScript arrays are
 * sub-arrays unless the element type takes arrays itself (`jsonb`: `subArrays` false).
 */
export function arrayFromJs(
  v: readonly unknown[],
  element: (e: unknown) => Value,
  subArrays: boolean,
): Value[] {
  const convert = (level: readonly unknown[]): Value[] =>
    level.map((e) =>
      e === null || e === undefined ? null : subArrays && Array.isArray(e) ? convert(e) : element(e),
    );
  const out = convert(v);
  checkRectangular(out);
  return out;
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

/** Every element of an array of any dimensions, in row-major order. */
export function arrayElements(a: readonly Value[]): Value[] {
  return flattenArray(a, arrayShape(a).length);
}

/**
 * Applies `convert` to every non-NULL element of an array of any dimensions, keeping its shape:
 * an element type is never an array, so a nested `Value[]` is always a sub-array.
 */
export function mapArrayElements(a: readonly Value[], convert: (v: Value) => Value): Value[] {
  return a.map((v) => (v === null ? null : Array.isArray(v) ? mapArrayElements(v, convert) : convert(v)));
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
    if (shape === null) {
      if (s.length + 1 > ARRAY_DIMS_MAX) throw tooManyDimensions(s.length + 1);
      shape = s;
    } else if (!sameShape(shape, s)) {
      throw new DataError(
        SqlState.arraySubscriptError,
        'cannot accumulate arrays of different dimensionality',
      );
    }
  }
}
