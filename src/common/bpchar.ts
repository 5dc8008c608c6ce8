/**
 * @module common/bpchar
 * char(n)'s value form: the string as PostgreSQL stores it, padded with spaces to n characters
 * (ADR 0002). Trailing spaces are insignificant to char's comparison, so the binder compares
 * bpchar operands through `trimBpchar` (sql/bind/operators.ts) and the cast to text trims.
 */
import type { SqlType } from './types.ts';
import type { Value } from './value.ts';
import { compareNullable, compareValues } from './value-ops.ts';

/** Drops trailing spaces: what the cast to text leaves and what char's comparison sees. */
export function trimBpchar(s: string): string {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 32) end--;
  return end === s.length ? s : s.slice(0, end);
}

/** The value padded with spaces to `length` characters (code points), as char(n) stores it. */
export function padBpchar(s: string, length: number | undefined): string {
  if (length === undefined || s.length >= length * 2) return s;
  let codePoints = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff) codePoints++;
  }
  return codePoints < length ? s + ' '.repeat(length - codePoints) : s;
}

/**
 * The order of an aggregate's argument values where DISTINCT keeps one of each (ordered
 * aggregates, ADR 0002): a bpchar value by its trimmed form first, so the forms of one char value
 * ('a', 'a  ') sort next to each other, least padded first; then exactly, NULLs last.
 */
export function compareArgumentValues(a: Value, b: Value, bpchar: boolean): number {
  if (bpchar && typeof a === 'string' && typeof b === 'string') {
    const c = compareValues(trimBpchar(a), trimBpchar(b));
    if (c !== 0) return c;
  }
  return compareNullable(a, b, false);
}

/** Whether DISTINCT counts two argument values as one: bpchar ones ignoring trailing spaces. */
export function sameArgumentValue(a: Value, b: Value, bpchar: boolean): boolean {
  if (bpchar && typeof a === 'string' && typeof b === 'string') return trimBpchar(a) === trimBpchar(b);
  return compareNullable(a, b, false) === 0;
}

/**
 * The order min() and max() pick their value by: a bpchar value by its trimmed form (char's
 * comparison, so 'a' < E'a\t' though 'a  ' > E'a\t '); of the forms of one value ('a', 'a  ')
 * the most padded wins for both, as grouping shows one (ADR 0002). PostgreSQL keeps the first it
 * met, which depends on arrival order. Other types: `compareValues`. An aggregate seeking the
 * least value takes the least in `minMaxOrder(type, false)`; seeking the greatest, the greatest
 * in `minMaxOrder(type, true)`.
 */
export function minMaxOrder(type: SqlType, max: boolean): (a: Value, b: Value) => number {
  if (type.id !== 'bpchar') return compareValues;
  return max ? compareBpcharMorePaddedLast : compareBpcharMorePaddedFirst;
}

function compareBpcharMorePaddedLast(a: Value, b: Value): number {
  const c = compareValues(trimBpchar(a as string), trimBpchar(b as string));
  return c !== 0 ? c : compareValues(a, b);
}

function compareBpcharMorePaddedFirst(a: Value, b: Value): number {
  const c = compareValues(trimBpchar(a as string), trimBpchar(b as string));
  return c !== 0 ? c : compareValues(b, a);
}
