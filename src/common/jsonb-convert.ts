/**
 * @module common/jsonb-convert
 * SQL values to jsonb (to_jsonb, and the keys of jsonb_build_object / jsonb_object_agg) and the
 * casts out of jsonb, as PostgreSQL 15 does them: numbers through their text, NaN and ±Infinity as
 * strings, dates and timestamps in ISO 8601 (`2020-01-02T03:04:05+00:00`), other types as their text.
 */

import { formatDate, formatInterval, formatTime, formatTimestamp } from './datetime-format.ts';
import { type TimeZone, UTC } from './datetime-zone.ts';
import { DataError, SemanticError, SqlState } from './errors.ts';
import { float4Out, float8Out } from './float-text.ts';
import type { Interval } from './interval.ts';
import { Jsonb } from './jsonb.ts';
import {
  numberFromBigInt,
  numberFromDouble,
  numberFromFloat4,
  numberFromToken,
  numberText,
  toNumeric,
} from './jsonb-number.ts';
import { NESTING_DEPTH_MAX, nestingTooDeep, nulNotConvertible } from './jsonb-parse.ts';
import {
  buildObject,
  type JsonNumber,
  JsonObject,
  type JsonValue,
  K_BOOL,
  K_NUMBER,
  kindOf,
} from './jsonb-value.ts';
import { Numeric } from './numeric.ts';
import { type SqlType, typeName } from './types.ts';
import { checkUnicodeText } from './utf8-text.ts';
import type { Value } from './value.ts';

/** to_jsonb(value): SQL NULL for NULL (the function is strict). `zone` is the session TimeZone. */
export function toJsonb(value: Value, type: SqlType, zone: TimeZone = UTC): Jsonb | null {
  if (value === null) return null;
  if (value instanceof Jsonb) return value;
  return new Jsonb(jsonValueOf(value, type, zone));
}

/** The JSON form of a SQL value (a NULL, or a NULL array element, is JSON null). */
export function jsonValueOf(value: Value, type: SqlType, zone: TimeZone = UTC): JsonValue {
  if (value === null) return null;
  switch (type.id) {
    case 'array': {
      const items = value as readonly Value[];
      const out = new Array<JsonValue>(items.length);
      // A nested array is a sub-array (an element is never an array): it stays an array.
      for (let i = 0; i < items.length; i++) {
        const item = items[i]!;
        out[i] = jsonValueOf(item, Array.isArray(item) ? type : type.element, zone);
      }
      return out;
    }
    case 'jsonb':
      return (value as Jsonb).value;
    case 'bool':
      return value as boolean;
    case 'int2':
    case 'int4':
    case 'int8':
      return typeof value === 'bigint' ? numberFromBigInt(value) : (value as number) + 0; // +0: no -0
    case 'numeric':
      return numericJson(value as Numeric);
    case 'float4':
      return numberFromFloat4(value as number);
    case 'float8':
      return numberFromDouble(value as number);
    default:
      return scalarText(value, type, zone);
  }
}

/** numeric_out text, kept as a number when it is a JSON number (NaN and ±Infinity are not). */
function numericJson(n: Numeric): JsonValue {
  const text = n.toString();
  return n.isFinite() ? numberFromToken(text, 0, text.length) : text;
}

/** The text PostgreSQL puts in a JSON string for the remaining types. */
function scalarText(value: Value, type: SqlType, zone: TimeZone): string {
  switch (type.id) {
    case 'date':
      return formatDate(value as number);
    case 'time':
      return formatTime(value as number);
    case 'timestamp':
      return isoTimestamp(value as number);
    case 'timestamptz':
      return isoTimestamptz(value as number, zone);
    case 'interval':
      return formatInterval(value as Interval);
    case 'bytea':
      return byteaText(value as Uint8Array);
    default:
      if (typeof value === 'string') return value;
      throw new DataError(SqlState.datatypeMismatch, `cannot convert a ${type.id} value to jsonb`);
  }
}

/** `2020-01-02T03:04:05.5`: ISO style with the XSD `T`, as JsonEncodeDateTime prints. */
function isoTimestamp(micros: number): string {
  const text = formatTimestamp(micros);
  const space = text.indexOf(' ');
  return space < 0 ? text : `${text.slice(0, space)}T${text.slice(space + 1)}`;
}

function isoTimestamptz(micros: number, zone: TimeZone): string {
  if (!Number.isFinite(micros)) return formatTimestamp(micros);
  const offset = zone.offsetAt(micros);
  let text = isoTimestamp(micros + offset * 1_000_000);
  const bc = text.endsWith(' BC');
  if (bc) text = text.slice(0, -3);
  return `${text}${isoOffset(offset)}${bc ? ' BC' : ''}`;
}

/** XSD offsets always show minutes: `+00:00`, `-08:00`, `+05:21:10`. */
function isoOffset(offsetSec: number): string {
  const abs = Math.abs(offsetSec);
  const h = Math.floor(abs / 3600);
  const m = Math.floor((abs % 3600) / 60);
  const s = abs % 60;
  const text = `${offsetSec < 0 ? '-' : '+'}${pad2(h)}:${pad2(m)}`;
  return s === 0 ? text : `${text}:${pad2(s)}`;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

const hexDigits = '0123456789abcdef';

function byteaText(bytes: Uint8Array): string {
  let out = '\\x';
  for (let i = 0; i < bytes.length; i++) out += hexDigits[bytes[i]! >> 4]! + hexDigits[bytes[i]! & 15]!;
  return out;
}

/**
 * An object key from a SQL value (jsonb_build_object, jsonb_object_agg): the type's text output,
 * dates and timestamps in ISO 8601. Arrays and jsonb are refused. The caller rejects NULL keys.
 */
export function jsonKeyOf(value: Value, type: SqlType, zone: TimeZone = UTC): string {
  switch (type.id) {
    case 'array':
    case 'jsonb':
      throw new DataError(
        SqlState.invalidParameterValue,
        'key value must be scalar, not array, composite, or json',
      );
    case 'bool':
      return value ? 'true' : 'false';
    case 'int2':
    case 'int4':
    case 'int8':
      return String(value);
    case 'numeric':
      return (value as Numeric).toString();
    case 'float4':
      return float4Out(value as number);
    case 'float8':
      return float8Out(value as number);
    default:
      return scalarText(value, type, zone);
  }
}

/** A document from plain JS data (objects, arrays, strings, numbers, bigints, booleans, null). */
export function jsonbFromJs(data: unknown): Jsonb {
  return data instanceof Jsonb ? data : new Jsonb(fromJs(data, 0));
}

/** `depth`: enclosing arrays and objects, held to the parser's limit so deep input cannot overflow the stack. */
function fromJs(data: unknown, depth: number): JsonValue {
  switch (typeof data) {
    case 'string':
      return checkJsonString(data);
    case 'boolean':
      return data;
    case 'number':
      return numberFromDouble(data);
    case 'bigint':
      return numberFromBigInt(data);
    case 'undefined':
      return null;
  }
  if (data === null || data instanceof JsonObject) return data;
  if (data instanceof Jsonb) return data.value;
  if (data instanceof Numeric) return numericJson(data);
  if (Array.isArray(data)) {
    if (depth >= NESTING_DEPTH_MAX) throw nestingTooDeep();
    return data.map((item) => fromJs(item, depth + 1));
  }
  if (typeof data === 'object' && Object.getPrototypeOf(data) === Object.prototype) {
    if (depth >= NESTING_DEPTH_MAX) throw nestingTooDeep();
    const keys: string[] = [];
    const values: JsonValue[] = [];
    for (const [key, v] of Object.entries(data)) {
      if (v === undefined) continue; // as JSON.stringify does
      keys.push(checkJsonString(key));
      values.push(fromJs(v, depth + 1));
    }
    return buildObject(keys, values);
  }
  throw new DataError(SqlState.invalidParameterValue, `cannot convert ${describe(data)} to jsonb`);
}

/**
 * 54001 when a parsed JSON value (from JSON.parse) nests arrays and objects deeper than jsonb
 * may: checked without recursion, before code that recurses over the value (JSON.stringify).
 */
export function checkJsNestingDepth(json: unknown): void {
  let level: unknown[] = [json];
  for (let depth = 0; level.length > 0; depth++) {
    const next: unknown[] = [];
    for (const v of level) {
      if (v === null || typeof v !== 'object') continue;
      if (depth >= NESTING_DEPTH_MAX) throw nestingTooDeep();
      for (const child of Array.isArray(v) ? v : Object.values(v)) next.push(child);
    }
    level = next;
  }
}

/** A string from JavaScript as jsonb text: NUL is 22P05 as `\u0000` would be, a lone surrogate 22021. */
function checkJsonString(s: string): string {
  if (s.includes('\0')) throw nulNotConvertible();
  return checkUnicodeText(s);
}

function describe(data: unknown): string {
  return typeof data === 'object' ? (data?.constructor?.name ?? 'object') : typeof data;
}

const kindNames = ['null', 'string', 'numeric', 'boolean', 'array', 'object'] as const;

/** The document's top-level scalar, or PostgreSQL's "cannot cast jsonb … to type …" (22023). */
function castSource(j: Jsonb, kind: number, target: string): JsonValue {
  const k = kindOf(j.value);
  if (k !== kind) {
    throw new DataError(
      SqlState.invalidParameterValue,
      `cannot cast jsonb ${kindNames[k]} to type ${target}`,
    );
  }
  return j.value;
}

/** jsonb → boolean. */
export function jsonbToBool(j: Jsonb): boolean {
  return castSource(j, K_BOOL, 'boolean') as boolean;
}

/** jsonb → numeric (display scale kept: `1.50`). */
export function jsonbToNumeric(j: Jsonb): Numeric {
  return toNumeric(castSource(j, K_NUMBER, 'numeric') as JsonNumber);
}

/** jsonb → smallint, rounding half away from zero as numeric_int2. */
export function jsonbToInt2(j: Jsonb): number {
  const n = castSource(j, K_NUMBER, 'smallint') as JsonNumber;
  if (typeof n === 'number' && Number.isInteger(n) && n >= -32768 && n <= 32767) return n;
  return toNumeric(n).toInt16();
}

/** jsonb → integer. */
export function jsonbToInt4(j: Jsonb): number {
  const n = castSource(j, K_NUMBER, 'integer') as JsonNumber;
  if (typeof n === 'number' && Number.isInteger(n) && n >= -2147483648 && n <= 2147483647) return n;
  return toNumeric(n).toInt32();
}

/** jsonb → bigint: a number when safe, else a bigint (value.ts's form). */
export function jsonbToInt8(j: Jsonb): number | bigint {
  const n = castSource(j, K_NUMBER, 'bigint') as JsonNumber;
  if (typeof n === 'number' && Number.isSafeInteger(n)) return n;
  return toNumeric(n).toInt64();
}

/** jsonb → double precision: numeric_float8, so out-of-range values are 22003 errors. */
export function jsonbToFloat8(j: Jsonb): number {
  const n = castSource(j, K_NUMBER, 'double precision') as JsonNumber;
  return typeof n === 'number' ? n : n.toFloat();
}

/** jsonb → real, via the numeric's text as numeric_float4 does. */
export function jsonbToFloat4(j: Jsonb): number {
  const n = castSource(j, K_NUMBER, 'real') as JsonNumber;
  // Through the text, as float4in reads it: no intermediate double-precision range error.
  const x = typeof n === 'number' ? n : Number(numberText(n));
  const f = Math.fround(x);
  if (!Number.isFinite(f) || (f === 0 && !isZero(n))) {
    throw new DataError(SqlState.numericValueOutOfRange, `"${numberText(n)}" is out of range for type real`);
  }
  return f;
}

function isZero(n: JsonNumber): boolean {
  return typeof n === 'number' ? n === 0 : n.digits === 0n;
}

/** jsonb → text (and varchar): the jsonb text form, so a string keeps its quotes. */
export function jsonbToText(j: Jsonb): string {
  return j.toString();
}

/** The cast `jsonb::type` for the types PostgreSQL casts jsonb to. */
export function castJsonb(j: Jsonb, type: SqlType): Value {
  switch (type.id) {
    case 'bool':
      return jsonbToBool(j);
    case 'int2':
      return jsonbToInt2(j);
    case 'int4':
      return jsonbToInt4(j);
    case 'int8':
      return jsonbToInt8(j);
    case 'numeric':
      return jsonbToNumeric(j);
    case 'float4':
      return jsonbToFloat4(j);
    case 'float8':
      return jsonbToFloat8(j);
    case 'text':
    case 'varchar':
      return jsonbToText(j);
    case 'jsonb':
      return j;
    default:
      throw new SemanticError(SqlState.cannotCoerce, `cannot cast type jsonb to ${typeName(type)}`);
  }
}
