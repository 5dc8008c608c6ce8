/**
 * @module dataflow/row
 * Whole-row helpers over row-major value arrays: hashing, equality and ordering of the `arity`
 * values starting at an offset. They rest on common/value-ops, so every operator agrees with
 * consolidation on which rows are equal (NULL equals NULL here, as in GROUP BY).
 */
import { Interval } from '../common/interval.ts';
import { Numeric } from '../common/numeric.ts';
import type { Value } from '../common/value.ts';
import {
  compareNullable,
  compareSortKey,
  compareValues,
  hashCombine,
  hashValue,
  valuesEqual,
} from '../common/value-ops.ts';

/** One ORDER BY key: a column position, its direction and where NULLs go (absolute, not flipped by DESC). */
export interface SortKey {
  readonly column: number;
  readonly descending: boolean;
  readonly nullsFirst: boolean;
}

const rowSeed = 0x27d4eb2f;

/** Hashes `arity` values from `values[base]`, consistently with `rowsEqual`. */
export function hashRow(values: readonly Value[], base: number, arity: number): number {
  let h = rowSeed;
  for (let j = 0; j < arity; j++) h = hashCombine(h, hashValue(values[base + j]!));
  return h | 0;
}

/** Whether two rows are equal column by column, NULL equal to NULL. */
export function rowsEqual(
  a: readonly Value[],
  aBase: number,
  b: readonly Value[],
  bBase: number,
  arity: number,
): boolean {
  for (let j = 0; j < arity; j++) {
    const x = a[aBase + j]!;
    const y = b[bBase + j]!;
    if (x !== y && !valuesEqual(x, y)) return false;
  }
  return true;
}

/**
 * Whether two rows are the same tuple in the same form (`sameValue` column by column): the row
 * identity of a Z-set's consolidation and of a stored table or view, where 1.10 and 1.1 are two
 * rows because they print differently. Implies `rowsEqual`, so `hashRow` serves for both.
 */
export function rowsIdentical(
  a: readonly Value[],
  aBase: number,
  b: readonly Value[],
  bBase: number,
  arity: number,
): boolean {
  for (let j = 0; j < arity; j++) if (!sameValue(a[aBase + j]!, b[bBase + j]!)) return false;
  return true;
}

/** Orders rows column by column, NULLs last: the tie-break that makes ORDER BY results deterministic. */
export function compareRows(
  a: readonly Value[],
  aBase: number,
  b: readonly Value[],
  bBase: number,
  arity: number,
): number {
  for (let j = 0; j < arity; j++) {
    const x = a[aBase + j]!;
    const y = b[bBase + j]!;
    if (x === y) continue;
    const c = compareNullable(x, y, false);
    if (c !== 0) return c;
  }
  return 0;
}

/** Compares two values under one ORDER BY key: direction applies to values, `nullsFirst` places NULLs. */
export function compareBySortKey(x: Value, y: Value, key: SortKey): number {
  return x === y ? 0 : compareSortKey(x, y, key.descending, key.nullsFirst);
}

/** Orders two rows by ORDER BY keys (column positions relative to each row's base). */
export function compareBySortKeys(
  a: readonly Value[],
  aBase: number,
  b: readonly Value[],
  bBase: number,
  keys: readonly SortKey[],
): number {
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k]!;
    const c = compareBySortKey(a[aBase + key.column]!, b[bBase + key.column]!, key);
    if (c !== 0) return c;
  }
  return 0;
}

/** Copies `arity` values from `values[base]` into a fresh array (state owns its rows). */
export function copyRow(values: readonly Value[], base: number, arity: number): Value[] {
  const row = new Array<Value>(arity);
  for (let j = 0; j < arity; j++) row[j] = values[base + j]!;
  return row;
}

/**
 * Whether two results are the same value in the same form: stricter than `valuesEqual`, which
 * holds for numerics of different display scale (1.5, 1.50) and intervals of different fields
 * ('1 day', '24 hours'). An operator re-emits a result that changed only in form.
 */
export function sameValue(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (a === null || b === null) return false;
  if (typeof a === 'number') return Number.isNaN(a) && Number.isNaN(b);
  if (a instanceof Numeric) {
    return b instanceof Numeric && a.special === b.special && a.scale === b.scale && a.digits === b.digits;
  }
  if (a instanceof Interval) {
    return b instanceof Interval && a.months === b.months && a.days === b.days && a.micros === b.micros;
  }
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameValue(a[i]!, b[i]!)) return false;
    return true;
  }
  return valuesEqual(a, b);
}

/**
 * Orders two values that SQL finds equal (`valuesEqual`) by their form: 1.1 before 1.10, so that
 * an operator keeping rows in order (top-k, window) finds the very row a retraction names.
 */
function compareForms(x: Value, y: Value): number {
  if (sameValue(x, y)) return 0;
  if (x instanceof Numeric && y instanceof Numeric) {
    if (x.scale !== y.scale) return x.scale - y.scale;
    return x.digits < y.digits ? -1 : x.digits > y.digits ? 1 : 0;
  }
  if (x instanceof Interval && y instanceof Interval) return x.months - y.months || x.days - y.days;
  if (Array.isArray(x) && Array.isArray(y)) {
    for (let i = 0; i < x.length && i < y.length; i++) {
      const c = compareForms(x[i]!, y[i]!);
      if (c !== 0) return c;
    }
  }
  return 0;
}

/** `compareRows` for rows it finds equal: orders them by form, column by column. */
function compareRowForms(a: readonly Value[], b: readonly Value[], arity: number): number {
  for (let j = 0; j < arity; j++) {
    const c = compareForms(a[j]!, b[j]!);
    if (c !== 0) return c;
  }
  return 0;
}

/**
 * A comparator of whole rows (arrays from index 0): by ORDER BY keys, then by the whole row, then
 * by form, so distinct rows never tie. Numbers and strings compare inline; other forms go through
 * value-ops.
 */
export function makeRowComparator(
  keys: readonly SortKey[],
  arity: number,
): (a: readonly Value[], b: readonly Value[]) => number {
  const n = keys.length;
  const cols = Int32Array.from(keys, (k) => k.column);
  const sign = Int8Array.from(keys, (k) => (k.descending ? -1 : 1));
  const nullSign = Int8Array.from(keys, (k) => (k.nullsFirst ? -1 : 1));
  return (a, b) => {
    for (let k = 0; k < n; k++) {
      const x = a[cols[k]!]!;
      const y = b[cols[k]!]!;
      if (x === y) continue;
      if (x === null) return nullSign[k]!;
      if (y === null) return -nullSign[k]!;
      let c: number;
      if (typeof x === 'number' && typeof y === 'number') c = x < y ? -1 : x > y ? 1 : compareValues(x, y);
      else if (typeof x === 'string' && typeof y === 'string') c = x < y ? -1 : 1;
      else c = compareValues(x, y);
      if (c !== 0) return sign[k]! * c;
    }
    return compareRows(a, 0, b, 0, arity) || compareRowForms(a, b, arity);
  };
}

/**
 * A number consistent with `makeRowComparator`'s order (see SortedList's PrimaryKey): the first
 * ORDER BY key when it holds a number, bigint or boolean; NULL and NaN at the ends where they sort.
 * Other forms map to 0, leaving the order to the comparator. Null with no ORDER BY.
 */
export function makeRowPrimaryKey(keys: readonly SortKey[]): ((row: readonly Value[]) => number) | null {
  const key = keys[0];
  if (key === undefined) return null;
  const col = key.column;
  const sign = key.descending ? -1 : 1;
  const nullKey = key.nullsFirst ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  return (row) => {
    const v = row[col]!;
    if (v === null) return nullKey;
    if (typeof v === 'number') return Number.isNaN(v) ? sign * Number.POSITIVE_INFINITY : sign * v;
    if (typeof v === 'bigint') return sign * Number(v);
    if (typeof v === 'boolean') return v ? sign : 0;
    return 0;
  };
}
