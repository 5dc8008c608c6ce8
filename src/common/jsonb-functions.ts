/**
 * @module common/jsonb-functions
 * PostgreSQL 15's one-document jsonb functions (jsonb_typeof, jsonb_strip_nulls …); set-returning ones
 * return their rows as arrays for the binder to expand. Strict: the caller maps NULL arguments to NULL.
 */
import { DataError, SqlState } from './errors.ts';
import { Jsonb } from './jsonb.ts';
import { jsonbPath, jsonbPathText, type TextArray } from './jsonb-ops.ts';
import { valueAsText } from './jsonb-text.ts';
import { isJsonArray, type JsonArray, JsonObject, type JsonValue } from './jsonb-value.ts';

function wrap(v: JsonValue): Jsonb {
  return v === null ? Jsonb.NULL : new Jsonb(v);
}

function invalid(message: string): DataError {
  return new DataError(SqlState.invalidParameterValue, message);
}

/** jsonb_typeof: object, array, string, number, boolean or null. */
export function jsonbTypeof(j: Jsonb): string {
  const v = j.value;
  if (v === null) return 'null';
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'boolean';
    case 'number':
      return 'number';
  }
  if (v instanceof JsonObject) return 'object';
  return isJsonArray(v) ? 'array' : 'number';
}

/** jsonb_array_length. */
export function jsonbArrayLength(j: Jsonb): number {
  const v = j.value;
  if (isJsonArray(v)) return v.length;
  throw invalid(
    v instanceof JsonObject
      ? 'cannot get array length of a non-array'
      : 'cannot get array length of a scalar',
  );
}

/** jsonb_object_keys: the keys in storage order (shorter first). */
export function jsonbObjectKeys(j: Jsonb): string[] {
  const v = j.value;
  if (v instanceof JsonObject) return v.keys.slice();
  throw invalid(
    isJsonArray(v)
      ? 'cannot call jsonb_object_keys on an array'
      : 'cannot call jsonb_object_keys on a scalar',
  );
}

function arrayOf(j: Jsonb): JsonArray {
  const v = j.value;
  if (isJsonArray(v)) return v;
  throw invalid(
    v instanceof JsonObject
      ? 'cannot extract elements from an object'
      : 'cannot extract elements from a scalar',
  );
}

/** jsonb_array_elements. */
export function jsonbArrayElements(j: Jsonb): Jsonb[] {
  return arrayOf(j).map(wrap);
}

/** jsonb_array_elements_text: strings unquoted, JSON null as SQL NULL. */
export function jsonbArrayElementsText(j: Jsonb): (string | null)[] {
  return arrayOf(j).map(valueAsText);
}

function objectOf(j: Jsonb, fn: string): JsonObject {
  const v = j.value;
  if (v instanceof JsonObject) return v;
  throw invalid(`cannot call ${fn} on a non-object`);
}

/** jsonb_each: rows (key, value). */
export function jsonbEach(j: Jsonb): [string, Jsonb][] {
  const o = objectOf(j, 'jsonb_each');
  return o.keys.map((key, i) => [key, wrap(o.values[i]!)]);
}

/** jsonb_each_text: rows (key, value as text; JSON null as SQL NULL). */
export function jsonbEachText(j: Jsonb): [string, string | null][] {
  const o = objectOf(j, 'jsonb_each_text');
  return o.keys.map((key, i) => [key, valueAsText(o.values[i]!)]);
}

/** jsonb_extract_path(from_json, VARIADIC path): the same as `#>`. */
export function jsonbExtractPath(j: Jsonb, path: TextArray): Jsonb | null {
  return jsonbPath(j, path);
}

/** jsonb_extract_path_text(from_json, VARIADIC path): the same as `#>>`. */
export function jsonbExtractPathText(j: Jsonb, path: TextArray): string | null {
  return jsonbPathText(j, path);
}

/** jsonb_strip_nulls: drops object fields whose value is null, at every depth (array nulls stay). */
export function jsonbStripNulls(j: Jsonb): Jsonb {
  const v = j.value;
  const stripped = stripNulls(v);
  return stripped === v ? j : new Jsonb(stripped);
}

function stripNulls(v: JsonValue): JsonValue {
  if (v instanceof JsonObject) {
    const keys: string[] = [];
    const values: JsonValue[] = [];
    let changed = false;
    for (let i = 0; i < v.keys.length; i++) {
      const child = v.values[i]!;
      if (child === null) {
        changed = true;
        continue;
      }
      const s = stripNulls(child);
      changed ||= s !== child;
      keys.push(v.keys[i]!);
      values.push(s);
    }
    return changed ? new JsonObject(keys, values) : v;
  }
  if (isJsonArray(v)) {
    let out: JsonValue[] | null = null;
    for (let i = 0; i < v.length; i++) {
      const s = stripNulls(v[i]!);
      if (s !== v[i] && out === null) out = v.slice(0, i);
      if (out !== null) out.push(s);
    }
    return out ?? v;
  }
  return v;
}

/** jsonb_pretty. */
export function jsonbPretty(j: Jsonb): string {
  return j.pretty();
}
