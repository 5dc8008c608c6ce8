/**
 * @module common/jsonb-value
 * The canonical in-memory form of a jsonb document: `JsonValue`, `JsonObject` and jsonb's key order.
 * Invariant: every object holds unique keys sorted as jsonb stores them (shorter UTF-8 first, then
 * bytewise), and every number is canonical (see jsonb-number.ts); values are never mutated.
 */
import { Numeric } from './numeric.ts';

/** A JSON number: a JS number when its shortest text is PostgreSQL's numeric text, else a `Numeric`. */
export type JsonNumber = number | Numeric;
export type JsonScalar = null | boolean | string | JsonNumber;
export type JsonValue = JsonScalar | JsonArray | JsonObject;
export type JsonArray = readonly JsonValue[];

/** Kinds, numbered in jsonb's sort order between types (PostgreSQL's `jbvType` order). */
export const K_NULL = 0;
export const K_STRING = 1;
export const K_NUMBER = 2;
export const K_BOOL = 3;
export const K_ARRAY = 4;
export const K_OBJECT = 5;
export type JsonKind = 0 | 1 | 2 | 3 | 4 | 5;

export function kindOf(v: JsonValue): JsonKind {
  if (v === null) return K_NULL;
  switch (typeof v) {
    case 'string':
      return K_STRING;
    case 'number':
      return K_NUMBER;
    case 'boolean':
      return K_BOOL;
  }
  if (v instanceof JsonObject) return K_OBJECT;
  if (v instanceof Numeric) return K_NUMBER;
  return K_ARRAY;
}

export function isJsonArray(v: JsonValue): v is JsonArray {
  return Array.isArray(v);
}

export function isJsonNumber(v: JsonValue): v is JsonNumber {
  return typeof v === 'number' || v instanceof Numeric;
}

/** Objects and arrays: what PostgreSQL calls containers (everything else is a scalar). */
export function isContainer(v: JsonValue): v is JsonArray | JsonObject {
  return v instanceof JsonObject || Array.isArray(v);
}

/** Length of `s` in UTF-8 bytes (PostgreSQL's key length). */
export function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 2; // a surrogate pair: 2 units, 4 bytes
      i++;
    } else n += 2;
  }
  return n;
}

/** Code point order (= UTF-8 byte order), which differs from UTF-16 unit order above U+FFFF. */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let ca = a.charCodeAt(i);
    let cb = b.charCodeAt(i);
    if (ca === cb) continue;
    if (ca >= 0xd800 && cb >= 0xd800) {
      // Surrogates encode code points above every BMP unit from U+E000 up: move them past.
      ca = ca >= 0xe000 ? ca - 0x800 : ca + 0x2000;
      cb = cb >= 0xe000 ? cb - 0x800 : cb + 0x2000;
    }
    return ca - cb;
  }
  return a.length - b.length;
}

/** jsonb's storage order of object keys: shorter (in UTF-8 bytes) first, then bytewise. */
export function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  const d = utf8Length(a) - utf8Length(b);
  return d !== 0 ? d : compareCodePoints(a, b);
}

/** A JSON object in canonical form: parallel arrays of unique keys in jsonb order and their values. */
export class JsonObject {
  readonly keys: readonly string[];
  readonly values: readonly JsonValue[];

  /** Trusts its input: `keys` must be unique and sorted by `compareKeys`. Use `buildObject` otherwise. */
  constructor(keys: readonly string[], values: readonly JsonValue[]) {
    this.keys = keys;
    this.values = values;
  }

  static readonly EMPTY: JsonObject = new JsonObject([], []);

  get size(): number {
    return this.keys.length;
  }

  /** Position of `key`, or -1. Linear for small objects, binary search past that. */
  indexOf(key: string): number {
    const keys = this.keys;
    if (keys.length <= 8) {
      for (let i = 0; i < keys.length; i++) if (keys[i] === key) return i;
      return -1;
    }
    let lo = 0;
    let hi = keys.length - 1;
    const len = utf8Length(key);
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const k = keys[mid]!;
      let c = utf8Length(k) - len;
      if (c === 0) c = k === key ? 0 : compareCodePoints(k, key);
      if (c === 0) return mid;
      if (c < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  get(key: string): JsonValue | undefined {
    const i = this.indexOf(key);
    return i < 0 ? undefined : this.values[i];
  }
}

/**
 * Builds a canonical object from pairs in input order: keys sorted in jsonb order and, for a key
 * given twice, the last value kept (PostgreSQL's rule). Takes ownership of the arrays.
 */
export function buildObject(keys: string[], values: JsonValue[]): JsonObject {
  const n = keys.length;
  if (n === 0) return JsonObject.EMPTY;
  const lengths = new Array<number>(n);
  let sorted = true;
  for (let i = 0; i < n; i++) {
    lengths[i] = utf8Length(keys[i]!);
    if (sorted && i > 0) sorted = pairBefore(lengths, keys, i - 1, i);
  }
  if (sorted) return new JsonObject(keys, values);
  if (n <= 16) insertionSort(keys, values, lengths);
  else sortByPermutation(keys, values, lengths);
  // The sorts are stable, so the last of a run of equal keys is the last one given.
  let w = 0;
  for (let r = 0; r < n; r++) {
    if (r + 1 < n && keys[r + 1] === keys[r]) continue;
    keys[w] = keys[r]!;
    values[w] = values[r]!;
    w++;
  }
  keys.length = w;
  values.length = w;
  return new JsonObject(keys, values);
}

/** Whether pair `a` precedes pair `b` in jsonb key order (by precomputed UTF-8 lengths, then bytes). */
function pairBefore(lengths: number[], keys: string[], a: number, b: number): boolean {
  return (
    lengths[a]! < lengths[b]! || (lengths[a] === lengths[b] && compareCodePoints(keys[a]!, keys[b]!) < 0)
  );
}

/** Stable in-place insertion sort of the three parallel arrays: objects are mostly small. */
function insertionSort(keys: string[], values: JsonValue[], lengths: number[]): void {
  for (let i = 1; i < keys.length; i++) {
    const k = keys[i]!;
    const v = values[i]!;
    const len = lengths[i]!;
    let j = i - 1;
    while (j >= 0 && (lengths[j]! > len || (lengths[j] === len && compareCodePoints(keys[j]!, k) > 0))) {
      keys[j + 1] = keys[j]!;
      values[j + 1] = values[j]!;
      lengths[j + 1] = lengths[j]!;
      j--;
    }
    keys[j + 1] = k;
    values[j + 1] = v;
    lengths[j + 1] = len;
  }
}

/** Stable sort of large objects through an index permutation. */
function sortByPermutation(keys: string[], values: JsonValue[], lengths: number[]): void {
  const order = Array.from({ length: keys.length }, (_, i) => i);
  order.sort((a, b) => (pairBefore(lengths, keys, a, b) ? -1 : pairBefore(lengths, keys, b, a) ? 1 : a - b));
  const k = order.map((i) => keys[i]!);
  const v = order.map((i) => values[i]!);
  for (let i = 0; i < k.length; i++) {
    keys[i] = k[i]!;
    values[i] = v[i]!;
  }
}

/** An object equal to `obj` with `key` set to `value` (added or replaced). */
export function withKey(obj: JsonObject, key: string, value: JsonValue): JsonObject {
  const i = obj.indexOf(key);
  if (i >= 0) {
    const values = obj.values.slice();
    values[i] = value;
    return new JsonObject(obj.keys, values);
  }
  let at = 0;
  while (at < obj.keys.length && compareKeys(obj.keys[at]!, key) < 0) at++;
  const keys = obj.keys.slice();
  const values = obj.values.slice();
  keys.splice(at, 0, key);
  values.splice(at, 0, value);
  return new JsonObject(keys, values);
}

/** An object equal to `obj` without the pair at position `i`. */
export function withoutIndex(obj: JsonObject, i: number): JsonObject {
  const keys = obj.keys.slice();
  const values = obj.values.slice();
  keys.splice(i, 1);
  values.splice(i, 1);
  return new JsonObject(keys, values);
}
