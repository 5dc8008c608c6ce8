/**
 * @module common/jsonb-path
 * Path updates: jsonb_set, jsonb_insert and `#-`, following PostgreSQL 15's setPath walk exactly
 * (which path elements are checked, how array positions clamp, when a missing key is created).
 * Only the nodes along the path are copied; the rest of the document is shared.
 */
import { DataError, SqlState } from './errors.ts';
import { Jsonb } from './jsonb.ts';
import { parsePathIndex, type TextArray } from './jsonb-ops.ts';
import {
  isJsonArray,
  type JsonArray,
  JsonObject,
  type JsonValue,
  withKey,
  withoutIndex,
} from './jsonb-value.ts';

const OP_DELETE = 1;
const OP_CREATE = 2;
const OP_REPLACE = 4;
const OP_INSERT_BEFORE = 8;
const OP_INSERT_AFTER = 16;
const OP_CREATE_OR_INSERT = OP_CREATE | OP_INSERT_BEFORE | OP_INSERT_AFTER;
/** A negative position before the first element: PostgreSQL's INT_MIN marker for "prepend". */
const BEFORE_START = -2147483648;

function isScalarRoot(v: JsonValue): boolean {
  return !(v instanceof JsonObject) && !isJsonArray(v);
}

/** jsonb_set(target, path, new_value, create_if_missing). */
export function jsonbSet(target: Jsonb, path: TextArray, value: Jsonb, createIfMissing = true): Jsonb {
  const root = target.value;
  if (isScalarRoot(root)) throw new DataError(SqlState.invalidParameterValue, 'cannot set path in scalar');
  if (!createIfMissing && rootCount(root) === 0) return target;
  if (path.length === 0) return target;
  return new Jsonb(setPath(root, path, 0, value.value, createIfMissing ? OP_CREATE : OP_REPLACE));
}

/** jsonb_insert(target, path, new_value, insert_after). */
export function jsonbInsert(target: Jsonb, path: TextArray, value: Jsonb, insertAfter = false): Jsonb {
  const root = target.value;
  if (isScalarRoot(root)) throw new DataError(SqlState.invalidParameterValue, 'cannot set path in scalar');
  if (path.length === 0) return target;
  return new Jsonb(setPath(root, path, 0, value.value, insertAfter ? OP_INSERT_AFTER : OP_INSERT_BEFORE));
}

/** `jsonb #- text[]`: deletes the value at the path, if there is one. */
export function jsonbDeletePath(target: Jsonb, path: TextArray): Jsonb {
  const root = target.value;
  if (isScalarRoot(root)) throw new DataError(SqlState.invalidParameterValue, 'cannot delete path in scalar');
  if (rootCount(root) === 0 || path.length === 0) return target;
  return new Jsonb(setPath(root, path, 0, null, OP_DELETE));
}

function rootCount(root: JsonValue): number {
  return root instanceof JsonObject ? root.size : (root as JsonArray).length;
}

function setPath(v: JsonValue, path: TextArray, level: number, value: JsonValue, op: number): JsonValue {
  if (path[level] === null) {
    throw new DataError(SqlState.nullValueNotAllowed, `path element at position ${level + 1} is null`);
  }
  if (v instanceof JsonObject) return setPathObject(v, path, level, value, op);
  if (isJsonArray(v)) return setPathArray(v, path, level, value, op);
  return v;
}

function setPathObject(
  obj: JsonObject,
  path: TextArray,
  level: number,
  value: JsonValue,
  op: number,
): JsonValue {
  const key = path[level]!;
  const last = level === path.length - 1;
  const i = obj.indexOf(key);
  if (i < 0) return last && op & OP_CREATE_OR_INSERT ? withKey(obj, key, value) : obj;
  if (!last) {
    const child = obj.values[i]!;
    const updated = setPath(child, path, level + 1, value, op);
    return updated === child ? obj : withKey(obj, key, updated);
  }
  if (op & (OP_INSERT_BEFORE | OP_INSERT_AFTER)) {
    throw new DataError(SqlState.invalidParameterValue, 'cannot replace existing key', {
      hint: 'Try using the function jsonb_set to replace key value.',
    });
  }
  return op & OP_DELETE ? withoutIndex(obj, i) : withKey(obj, key, value);
}

function setPathArray(
  arr: JsonArray,
  path: TextArray,
  level: number,
  value: JsonValue,
  op: number,
): JsonValue {
  const text = path[level]!;
  let index = parsePathIndex(text);
  if (index === null) {
    throw new DataError(
      SqlState.invalidTextRepresentation,
      `path element at position ${level + 1} is not an integer: "${text}"`,
    );
  }
  const n = arr.length;
  if (index < 0) index = -index > n ? BEFORE_START : n + index;
  if (index > n) index = n;
  const last = level === path.length - 1;
  if (last && op & OP_CREATE_OR_INSERT && (index === BEFORE_START || n === 0)) return [value, ...arr];
  if (index === BEFORE_START || index === n) {
    return last && op & OP_CREATE_OR_INSERT ? [...arr, value] : arr;
  }
  if (!last) {
    const child = arr[index]!;
    const updated = setPath(child, path, level + 1, value, op);
    if (updated === child) return arr;
    const out = arr.slice();
    out[index] = updated;
    return out;
  }
  const out = arr.slice(0, index);
  if (op & (OP_INSERT_BEFORE | OP_CREATE)) out.push(value);
  if (op & (OP_INSERT_BEFORE | OP_INSERT_AFTER)) out.push(arr[index]!);
  if (op & (OP_INSERT_AFTER | OP_REPLACE)) out.push(value);
  for (let i = index + 1; i < n; i++) out.push(arr[i]!);
  return out;
}
