/**
 * @module common/jsonb-compare
 * jsonb's btree order (PostgreSQL's: Object > Array > Boolean > Number > String > Null, sizes first,
 * top-level raw-scalar rule), equality and hash. Invariant: compare = 0 ⇔ equals ⇒ same hash.
 * Strings, keys included, compare by UTF-16 code unit: Eddy's "C" collation (see value-ops.ts).
 */
import { compareNumbers, hashNumber } from './jsonb-number.ts';
import {
  isJsonArray,
  type JsonArray,
  type JsonNumber,
  JsonObject,
  type JsonValue,
  K_ARRAY,
  K_BOOL,
  K_NUMBER,
  K_OBJECT,
  K_STRING,
  kindOf,
} from './jsonb-value.ts';

/**
 * Compares two documents as jsonb's `<`, `=`, `>` do. At top level a scalar counts as a one-element
 * array, so `[]` sorts below every scalar, `null` included.
 */
export function compareJson(a: JsonValue, b: JsonValue): number {
  const ka = kindOf(a);
  const kb = kindOf(b);
  if (ka < K_ARRAY && kb < K_ARRAY) return compareNested(a, b);
  if (ka === K_OBJECT || kb === K_OBJECT) return ka !== kb ? (ka === K_OBJECT ? 1 : -1) : compareNested(a, b);
  // Array against array, or against a top-level scalar stored as a one-element raw array.
  if (ka < K_ARRAY || kb < K_ARRAY) {
    const na = ka < K_ARRAY ? 1 : (a as JsonArray).length;
    const nb = kb < K_ARRAY ? 1 : (b as JsonArray).length;
    if (na !== nb) return na > nb ? 1 : -1;
    return ka < K_ARRAY ? -1 : 1;
  }
  return compareNested(a, b);
}

function compareStrings(a: string, b: string): number {
  return a === b ? 0 : a < b ? -1 : 1;
}

/** Order of values below the top level (no raw-scalar rule). */
function compareNested(a: JsonValue, b: JsonValue): number {
  const ka = kindOf(a);
  const kb = kindOf(b);
  if (ka !== kb) return ka > kb ? 1 : -1;
  switch (ka) {
    case K_STRING:
      return compareStrings(a as string, b as string);
    case K_NUMBER:
      return compareNumbers(a as JsonNumber, b as JsonNumber);
    case K_BOOL:
      return a === b ? 0 : a ? 1 : -1;
    case K_ARRAY:
      return compareArrays(a as JsonArray, b as JsonArray);
    case K_OBJECT:
      return compareObjects(a as JsonObject, b as JsonObject);
    default:
      return 0;
  }
}

function compareArrays(a: JsonArray, b: JsonArray): number {
  if (a.length !== b.length) return a.length > b.length ? 1 : -1;
  for (let i = 0; i < a.length; i++) {
    const c = compareNested(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return 0;
}

/** Pair count first, then pairs in storage order: key, then value. */
function compareObjects(a: JsonObject, b: JsonObject): number {
  if (a.size !== b.size) return a.size > b.size ? 1 : -1;
  for (let i = 0; i < a.keys.length; i++) {
    let c = compareStrings(a.keys[i]!, b.keys[i]!);
    if (c === 0) c = compareNested(a.values[i]!, b.values[i]!);
    if (c !== 0) return c;
  }
  return 0;
}

/** Equality as jsonb's `=`: structural, numbers by value (`1.5` = `1.50`). */
export function equalsJson(a: JsonValue, b: JsonValue): boolean {
  if (a === b) return true;
  if (typeof a === 'number')
    return typeof b !== 'number' && kindOf(b) === K_NUMBER && compareNumbers(a, b as JsonNumber) === 0;
  if (a === null || typeof a === 'string' || typeof a === 'boolean') return false;
  if (a instanceof JsonObject) {
    if (!(b instanceof JsonObject) || a.size !== b.size) return false;
    for (let i = 0; i < a.keys.length; i++) {
      if (a.keys[i] !== b.keys[i] || !equalsJson(a.values[i]!, b.values[i]!)) return false;
    }
    return true;
  }
  if (isJsonArray(a)) {
    if (b === null || !isJsonArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!equalsJson(a[i]!, b[i]!)) return false;
    return true;
  }
  return kindOf(b) === K_NUMBER && compareNumbers(a, b as JsonNumber) === 0;
}

function mix(h: number, x: number): number {
  h = Math.imul(h ^ x, 0x01000193);
  return (h ^ (h >>> 15)) | 0;
}

function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h ^ s.length;
}

/** A 32-bit hash consistent with `equalsJson`. */
export function hashJson(v: JsonValue): number {
  if (v === null) return 0x5bd1e995;
  switch (typeof v) {
    case 'string':
      return hashString(v);
    case 'boolean':
      return v ? 0x2545f491 : 0x1b873593;
    case 'number':
      return hashNumber(v);
  }
  if (v instanceof JsonObject) {
    let h = mix(0x3c6ef372, v.size);
    for (let i = 0; i < v.keys.length; i++) h = mix(mix(h, hashString(v.keys[i]!)), hashJson(v.values[i]!));
    return h;
  }
  if (isJsonArray(v)) {
    let h = mix(0x6a09e667, v.length);
    for (let i = 0; i < v.length; i++) h = mix(h, hashJson(v[i]!));
    return h;
  }
  return hashNumber(v);
}
