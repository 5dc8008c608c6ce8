/**
 * @module common/jsonb-ops
 * jsonb operators `->`, `->>`, `#>`, `#>>`, `?`, `?|`, `?&`, `@>`, `<@`, `||`, `-` as in PostgreSQL 15.
 * Strict (the caller maps NULL arguments to NULL); a `null` result is SQL NULL, a JSON null `Jsonb.NULL`.
 */
import { DataError, SqlState } from './errors.ts';
import { Jsonb } from './jsonb.ts';
import { equalsJson } from './jsonb-compare.ts';
import { valueAsText } from './jsonb-text.ts';
import {
  buildObject,
  isContainer,
  isJsonArray,
  type JsonArray,
  JsonObject,
  type JsonValue,
  kindOf,
  withoutIndex,
} from './jsonb-value.ts';

/** A text[] path or key list: SQL NULL elements are `null`. */
export type TextArray = readonly (string | null)[];

/**
 * The elements of a top-level array, or the lone element of a scalar, which PostgreSQL stores as a
 * one-element "raw scalar" array (so `'"a"' ? 'a'` and `'1' -> 0` find it); null for an object.
 */
function rootElements(v: JsonValue): JsonArray | null {
  if (v instanceof JsonObject) return null;
  return isJsonArray(v) ? v : [v];
}

function wrap(v: JsonValue | undefined): Jsonb | null {
  if (v === undefined) return null;
  return v === null ? Jsonb.NULL : new Jsonb(v);
}

function elementAt(v: JsonValue, index: number): JsonValue | undefined {
  const elems = rootElements(v);
  if (elems === null) return undefined;
  if (index < 0) index += elems.length;
  return index >= 0 ? elems[index] : undefined;
}

function fieldOf(v: JsonValue, key: string): JsonValue | undefined {
  return v instanceof JsonObject ? v.get(key) : undefined;
}

/** `jsonb -> integer`: an array element (negative counts from the end), else NULL. */
export function jsonbElement(j: Jsonb, index: number): Jsonb | null {
  return wrap(elementAt(j.value, index));
}

/** `jsonb -> text`: an object field, else NULL. */
export function jsonbField(j: Jsonb, key: string): Jsonb | null {
  return wrap(fieldOf(j.value, key));
}

/** `jsonb ->> integer`. */
export function jsonbElementText(j: Jsonb, index: number): string | null {
  const v = elementAt(j.value, index);
  return v === undefined ? null : valueAsText(v);
}

/** `jsonb ->> text`. */
export function jsonbFieldText(j: Jsonb, key: string): string | null {
  const v = fieldOf(j.value, key);
  return v === undefined ? null : valueAsText(v);
}

/**
 * C's strtol as PostgreSQL applies it to a path element: optional leading white space and sign,
 * digits to the end, within int32. Returns null when the text is not such an integer.
 */
export function parsePathIndex(text: string): number | null {
  let i = 0;
  while (i < text.length && isCSpace(text.charCodeAt(i))) i++;
  const sign = text.charCodeAt(i);
  if (sign === 43 || sign === 45) i++;
  const digitsStart = i;
  let n = 0;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return null;
    n = n * 10 + (c - 48);
  }
  if (i === digitsStart) return null;
  if (sign === 45) n = -n;
  return n >= -2147483648 && n <= 2147483647 ? n : null;
}

function isCSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/** Follows `path` (keys for objects, integer texts for arrays); undefined where PostgreSQL gives NULL. */
function valueAtPath(root: JsonValue, path: TextArray): JsonValue | undefined {
  let v = root;
  if (path.length > 0 && !isContainer(v)) return undefined;
  for (let i = 0; i < path.length; i++) {
    const step = path[i];
    if (step === null || step === undefined) return undefined;
    let next: JsonValue | undefined;
    if (v instanceof JsonObject) next = v.get(step);
    else if (isJsonArray(v)) {
      const index = parsePathIndex(step);
      if (index === null) return undefined;
      next = v[index < 0 ? v.length + index : index];
    } else return undefined;
    if (next === undefined) return undefined;
    v = next;
  }
  return v;
}

/** `jsonb #> text[]` and jsonb_extract_path. The empty path gives the whole document. */
export function jsonbPath(j: Jsonb, path: TextArray): Jsonb | null {
  if (path.length === 0) return j;
  return wrap(valueAtPath(j.value, path));
}

/** `jsonb #>> text[]` and jsonb_extract_path_text. */
export function jsonbPathText(j: Jsonb, path: TextArray): string | null {
  const v = valueAtPath(j.value, path);
  return v === undefined ? null : valueAsText(v);
}

/** Whether `key` is an object key or a string element at top level (the `?` family's test). */
function hasKey(v: JsonValue, key: string): boolean {
  if (v instanceof JsonObject) return v.indexOf(key) >= 0;
  if (!isJsonArray(v)) return v === key;
  for (let i = 0; i < v.length; i++) if (v[i] === key) return true;
  return false;
}

/** `jsonb ? text`. */
export function jsonbExists(j: Jsonb, key: string): boolean {
  return hasKey(j.value, key);
}

/** `jsonb ?| text[]`: any of the keys (NULL elements ignored). */
export function jsonbExistsAny(j: Jsonb, keys: TextArray): boolean {
  for (const key of keys) if (key !== null && hasKey(j.value, key)) return true;
  return false;
}

/** `jsonb ?& text[]`: all of the keys (NULL elements ignored; true for none). */
export function jsonbExistsAll(j: Jsonb, keys: TextArray): boolean {
  for (const key of keys) if (key !== null && !hasKey(j.value, key)) return false;
  return true;
}

/** `a @> b`. */
export function jsonbContains(a: Jsonb, b: Jsonb): boolean {
  const x = a.value;
  const y = b.value;
  const xObject = x instanceof JsonObject;
  if (xObject !== y instanceof JsonObject) return false;
  if (xObject) return objectContains(x, y as JsonObject);
  // A raw scalar may contain a raw scalar; an array may contain either; a scalar no array.
  if (!isJsonArray(x) && isJsonArray(y)) return false;
  return arrayContains(rootElements(x)!, rootElements(y)!);
}

/** `a <@ b`. */
export function jsonbContainedBy(a: Jsonb, b: Jsonb): boolean {
  return jsonbContains(b, a);
}

/** Every pair of `b` is in `a`, containers matched recursively at the same key. */
function objectContains(a: JsonObject, b: JsonObject): boolean {
  if (a.size < b.size) return false;
  for (let i = 0; i < b.keys.length; i++) {
    const mine = a.get(b.keys[i]!);
    if (mine === undefined || !valueContains(mine, b.values[i]!)) return false;
  }
  return true;
}

function valueContains(a: JsonValue, b: JsonValue): boolean {
  if (kindOf(a) !== kindOf(b)) return false;
  if (a instanceof JsonObject) return objectContains(a, b as JsonObject);
  if (isJsonArray(a)) return arrayContains(a, b as JsonArray);
  return equalsJson(a, b);
}

/** Every scalar of `b` equals some scalar of `a`; every container of `b` is inside some container of `a`. */
function arrayContains(a: JsonArray, b: JsonArray): boolean {
  outer: for (let i = 0; i < b.length; i++) {
    const want = b[i]!;
    const wantContainer = isContainer(want);
    for (let k = 0; k < a.length; k++) {
      const have = a[k]!;
      if (
        wantContainer
          ? isContainer(have) && valueContains(have, want)
          : !isContainer(have) && equalsJson(have, want)
      ) {
        continue outer;
      }
    }
    return false;
  }
  return true;
}

/**
 * `a || b`: two objects merge (b's values win); otherwise both sides' elements are concatenated
 * into one array, an object or a scalar counting as one element.
 */
export function jsonbConcat(a: Jsonb, b: Jsonb): Jsonb {
  const x = a.value;
  const y = b.value;
  if (x instanceof JsonObject && y instanceof JsonObject) {
    if (y.size === 0) return a;
    if (x.size === 0) return b;
    return new Jsonb(buildObject([...x.keys, ...y.keys], [...x.values, ...y.values]));
  }
  const xs = x instanceof JsonObject ? [x] : rootElements(x)!;
  const ys = y instanceof JsonObject ? [y] : rootElements(y)!;
  if (ys.length === 0 && isJsonArray(x)) return a;
  if (xs.length === 0 && isJsonArray(y)) return b;
  return new Jsonb([...xs, ...ys]);
}

function cannotDeleteFromScalar(): DataError {
  return new DataError(SqlState.invalidParameterValue, 'cannot delete from scalar');
}

/** `jsonb - text`: drops the key from an object, or every equal string element from an array. */
export function jsonbDeleteKey(j: Jsonb, key: string): Jsonb {
  return jsonbDeleteKeys(j, [key]);
}

/** `jsonb - text[]`: as `- text` for each key (NULL elements ignored). */
export function jsonbDeleteKeys(j: Jsonb, keys: TextArray): Jsonb {
  const v = j.value;
  if (v instanceof JsonObject) {
    let out = v;
    for (const key of keys) {
      const i = key === null ? -1 : out.indexOf(key);
      if (i >= 0) out = withoutIndex(out, i);
    }
    return out === v ? j : new Jsonb(out);
  }
  if (!isJsonArray(v)) throw cannotDeleteFromScalar();
  const kept = v.filter((e) => typeof e !== 'string' || !keys.includes(e));
  return kept.length === v.length ? j : new Jsonb(kept);
}

/** `jsonb - integer`: drops an array element (negative counts from the end; out of range: no-op). */
export function jsonbDeleteIndex(j: Jsonb, index: number): Jsonb {
  const v = j.value;
  if (v instanceof JsonObject) {
    throw new DataError(SqlState.invalidParameterValue, 'cannot delete from object using integer index');
  }
  if (!isJsonArray(v)) throw cannotDeleteFromScalar();
  if (index < 0) index = -index > v.length ? v.length : v.length + index;
  if (index >= v.length) return j;
  const out = v.slice();
  out.splice(index, 1);
  return new Jsonb(out);
}
