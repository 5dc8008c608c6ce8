/**
 * @module common/value-ops
 * Total order, equality and hashing of non-null runtime values (see value.ts), type-agnostic by
 * dispatching on the JS form. Grouping, joins, consolidation and ORDER BY all rest on these, so
 * they agree: `compareValues(a, b) === 0` ⇔ `valuesEqual(a, b)` ⇒ `hashValue(a) === hashValue(b)`.
 * Strings order by UTF-16 code units (the "C" collation, documented in docs/sql.md).
 */
import { Interval } from './interval.ts';
import { Jsonb } from './jsonb.ts';
import { Numeric } from './numeric.ts';
import { hashBigInt, hashNumber, fmix32 as mix32 } from './numeric-hash.ts';
import type { Value } from './value.ts';

/** Orders two non-null values of the same SQL type. NaN sorts above every number, as in PostgreSQL. */
export function compareValues(a: Value, b: Value): number {
  if (typeof a === 'number' || typeof a === 'bigint') {
    if (a === b) return 0;
    if (typeof b === 'number' || typeof b === 'bigint') {
      if (a < b) return -1;
      if (a > b) return 1;
      return compareNaN(a, b);
    }
  }
  if (typeof a === 'string') return a === b ? 0 : a < (b as string) ? -1 : 1;
  if (typeof a === 'boolean') return a === b ? 0 : a ? 1 : -1;
  if (a instanceof Numeric) return Numeric.compare(a, b as Numeric);
  if (a instanceof Interval) return Interval.compare(a, b as Interval);
  if (a instanceof Jsonb) return Jsonb.compare(a, b as Jsonb);
  if (a instanceof Uint8Array) return compareBytes(a, b as Uint8Array);
  if (Array.isArray(a)) return compareArrays(a, b as Value[]);
  return 0;
}

function compareNaN(a: number | bigint, b: number | bigint): number {
  // Neither is less nor greater: equal numbers in different forms cannot happen (int8 is
  // canonical), so at least one side is NaN.
  const aNaN = typeof a === 'number' && Number.isNaN(a);
  const bNaN = typeof b === 'number' && Number.isNaN(b);
  if (aNaN && bNaN) return 0;
  return aNaN ? 1 : -1;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/**
 * Arrays order as PostgreSQL's array_cmp: element-wise in storage (row-major) order, a NULL
 * element above any value; then the array with more elements is greater; then the one with more
 * dimensions; then dimension by dimension. A multidimensional array is nested `Value[]`s.
 */
function compareArrays(a: Value[], b: Value[]): number {
  if (!Array.isArray(a[0]) && !Array.isArray(b[0])) return compareFlatArrays(a, b);
  const byElements = compareFlatArrays(flatElements(a), flatElements(b));
  if (byElements !== 0) return byElements;
  const shapeA = nestedShape(a);
  const shapeB = nestedShape(b);
  if (shapeA.length !== shapeB.length) return shapeA.length - shapeB.length;
  for (let i = 0; i < shapeA.length; i++) if (shapeA[i] !== shapeB[i]) return shapeA[i]! - shapeB[i]!;
  return 0;
}

function compareFlatArrays(a: readonly Value[], b: readonly Value[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compareNullable(a[i]!, b[i]!, false);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

/** The elements of a nested array in storage (row-major) order. */
function flatElements(a: readonly Value[]): Value[] {
  return a.flatMap((v) => (Array.isArray(v) ? flatElements(v) : [v]));
}

/** Dimension lengths of a rectangular nested array, read along its first elements; [] when empty. */
function nestedShape(a: readonly Value[]): number[] {
  const shape: number[] = [];
  for (let level: Value = a as Value[]; Array.isArray(level) && level.length > 0; level = level[0]!)
    shape.push(level.length);
  return shape;
}

/**
 * Orders possibly-null values; NULL is the largest value unless `nullsFirst`. For a sort key use
 * `compareSortKey`, which places NULLs after the direction is applied, as PostgreSQL does.
 */
export function compareNullable(a: Value, b: Value, nullsFirst: boolean): number {
  if (a === null) return b === null ? 0 : nullsFirst ? -1 : 1;
  if (b === null) return nullsFirst ? 1 : -1;
  return compareValues(a, b);
}

/** Equality as GROUP BY and DISTINCT see it: NULL equals NULL here (callers applying `=` check nulls first). */
export function valuesEqual(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (a === null || b === null) return false;
  const t = typeof a;
  if (t === 'number') return Number.isNaN(a) && Number.isNaN(b); // NaN = NaN for grouping
  if (t === 'string' || t === 'boolean' || t === 'bigint') return false;
  return compareValues(a, b) === 0;
}

/** Finalizes a 32-bit hash (murmur3's fmix32). */
/** Number and bigint hashing shared with Numeric, so an integral numeric hashes like the integer. */
export { fmix32 as mix32, hashBigInt, hashNumber } from './numeric-hash.ts';

export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return mix32(h ^ s.length);
}

/** Hashes a non-null value consistently with `valuesEqual`. */
export function hashValue(v: Value): number {
  switch (typeof v) {
    case 'number':
      return hashNumber(v);
    case 'string':
      return hashString(v);
    case 'boolean':
      return v ? 0x2545f491 : 0x1b873593;
    case 'bigint':
      return hashBigInt(v);
  }
  if (v === null) return 0x5bd1e995;
  if (v instanceof Numeric || v instanceof Interval || v instanceof Jsonb) return v.hashCode();
  if (v instanceof Uint8Array) {
    let h = 0x811c9dc5;
    for (let i = 0; i < v.length; i++) h = Math.imul(h ^ v[i]!, 0x01000193);
    return mix32(h);
  }
  let h = 0x3c6ef372;
  for (const e of v) h = Math.imul(h ^ hashValue(e), 0x01000193);
  return mix32(h);
}

/** Combines a running hash with the next value's hash. */
export function hashCombine(h: number, next: number): number {
  return Math.imul(h ^ next, 0x01000193) + 0x9e3779b9;
}

/**
 * One ORDER BY key's comparison: NULLs go first or last in the final order (NULLS FIRST/LAST),
 * whatever the direction; non-null values compare ascending or descending.
 */
export function compareSortKey(a: Value, b: Value, descending: boolean, nullsFirst: boolean): number {
  if (a === null) return b === null ? 0 : nullsFirst ? -1 : 1;
  if (b === null) return nullsFirst ? 1 : -1;
  const c = compareValues(a, b);
  return descending ? -c : c;
}
