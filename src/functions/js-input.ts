/**
 * @module functions/js-input
 * JavaScript values → SQL values of a column's type, read as PostgreSQL reads the parameters of
 * `INSERT … VALUES ($1, …)`: each JS value has a SQL type (a number is a numeric constant, a
 * string an untyped literal, a bigint an int8, a Date a timestamptz, …) and reaches the column
 * through the assignment cast, or is refused with 42804 when PostgreSQL has none. The library's
 * `insert()` family uses it; one converter per column is built once per call, with a shortcut for
 * the values that are already the column's own form, so bulk ingest pays one type test per value.
 */
import { type TimeZone, UTC } from '../common/datetime-zone.ts';
import { DataError, SemanticError, SqlState } from '../common/errors.ts';
import { Interval } from '../common/interval.ts';
import { Jsonb } from '../common/jsonb.ts';
import { jsonbFromJs } from '../common/jsonb-convert.ts';
import { Numeric } from '../common/numeric.ts';
import { arrayOf, type SqlType, T, typeName } from '../common/types.ts';
import type { Value } from '../common/value.ts';
import { arrayFromJs } from './array-dims.ts';
import { type CastFn, canCastAssignment, castFunction, hasTypmod } from './cast.ts';
import { INT8_MAX, INT8_MIN, int8Canonical } from './int-ops.ts';
import { parseText } from './text-io.ts';

/** Converts one JS value (never null or undefined) to the column's type; throws an EddyError. */
export type JsInput = (value: unknown) => Value;

/**
 * The converter into a column of `type` named `column` (the name appears in 42804 messages);
 * timestamptz values read and print in `zone`.
 */
export function jsInputFor(type: SqlType, column: string, zone: TimeZone = UTC): JsInput {
  const general = generalInput(type, column, zone);
  switch (type.id) {
    case 'int2':
    case 'int4': {
      const [min, max] = type.id === 'int2' ? [-32768, 32767] : [-2147483648, 2147483647];
      return (v) =>
        typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? v + 0 : general(v);
    }
    case 'int8':
      return (v) => (typeof v === 'number' && Number.isSafeInteger(v) ? v + 0 : general(v));
    case 'float8':
      // A numeric constant read as float8 is the double itself (minus a negative zero, which numeric lacks).
      return (v) => (typeof v === 'number' ? v + 0 : general(v));
    case 'text':
      return (v) => (typeof v === 'string' ? v : general(v));
    case 'varchar':
      if (type.maxLength !== undefined) return general;
      return (v) => (typeof v === 'string' ? v : general(v));
    case 'bool':
      return (v) => (typeof v === 'boolean' ? v : general(v));
    case 'timestamptz':
      // A Date is a timestamptz: the same-type cast is the identity, so only its microseconds are read.
      return (v) => (v instanceof Date ? dateMicros(v) : general(v));
    case 'numeric':
      // Without a typmod the same-type cast is the identity: a fraction is the numeric constant of
      // its digits and a Numeric is taken as is (integers take the general path: int4/int8 first).
      if (hasTypmod(type)) return general;
      return (v) =>
        typeof v === 'number' && !Number.isInteger(v)
          ? fractionAsNumeric(v)
          : v instanceof Numeric
            ? v
            : general(v);
    case 'array': {
      const element = jsInputFor(type.element, column, zone);
      const subArrays = type.element.id !== 'jsonb';
      return (v) => (Array.isArray(v) ? arrayFromJs(v, element, subArrays) : general(v));
    }
    case 'jsonb':
      return (v) => (isJsonContainer(v) ? jsonbFromJs(v) : general(v));
    default:
      return general;
  }
}

/** Plain objects and arrays: a jsonb document's natural JS form. */
function isJsonContainer(v: unknown): boolean {
  if (Array.isArray(v)) return true;
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** The slow path: the value's SQL type and value, then the assignment cast into the column. */
function generalInput(type: SqlType, column: string, zone: TimeZone): JsInput {
  const casts = new Map<string, CastFn>();
  const castFrom = (from: SqlType, value: Value, original: unknown): Value => {
    let cast = casts.get(from.id);
    if (cast === undefined) {
      if (!canCastAssignment(from, type)) throw mismatch(type, column, typeName(from), original);
      cast = castFunction(from, type, false, zone);
      casts.set(from.id, cast);
    }
    return cast(value);
  };
  return (v) => {
    // A string is an untyped literal: the column type's input function reads it.
    if (typeof v === 'string') return parseText(v, type, zone);
    const typed = typedValue(v);
    if (typed === undefined) throw mismatch(type, column, jsTypeName(v), v);
    return castFrom(typed.type, typed.value, v);
  };
}

interface TypedValue {
  readonly type: SqlType;
  readonly value: Value;
}

/** The SQL type and value a JS value stands for, as a parameter; undefined when it has none. */
function typedValue(v: unknown): TypedValue | undefined {
  switch (typeof v) {
    case 'number':
      return numericConstant(v);
    case 'bigint':
      return { type: T.int8, value: int8Canonical(v) };
    case 'boolean':
      return { type: T.bool, value: v };
    case 'object':
      break;
    default:
      return undefined;
  }
  if (v instanceof Date) return { type: T.timestamptz, value: dateMicros(v) };
  if (v instanceof Numeric) return { type: T.numeric, value: v };
  if (v instanceof Interval) return { type: T.interval, value: v };
  if (v instanceof Jsonb) return { type: T.jsonb, value: v };
  if (v instanceof Uint8Array) return { type: T.bytea, value: v };
  if (isJsonContainer(v)) return { type: T.jsonb, value: jsonbFromJs(v) };
  return undefined;
}

/**
 * A number as the SQL constant of the same digits: an integer is int4 or int8 (numeric beyond),
 * anything else numeric (NaN and ±Infinity included, as numeric has them).
 */
function numericConstant(n: number): TypedValue {
  if (Number.isInteger(n)) {
    if (n >= -2147483648 && n <= 2147483647) return { type: T.int4, value: n + 0 };
    if (Number.isSafeInteger(n)) return { type: T.int8, value: n };
    const big = BigInt(n);
    if (big >= INT8_MIN && big <= INT8_MAX) return { type: T.int8, value: big };
  }
  return { type: T.numeric, value: fractionAsNumeric(n) };
}

/** A number as the numeric of the digits JavaScript prints for it (NaN and ±Infinity included). */
function fractionAsNumeric(n: number): Numeric {
  return Numeric.parse(String(n));
}

/** A Date as microseconds since 1970-01-01 UTC; an invalid Date is 22007. */
export function dateMicros(d: Date): number {
  const ms = d.getTime();
  if (Number.isNaN(ms))
    throw new DataError(
      SqlState.invalidDatetimeFormat,
      'invalid input syntax for type timestamp with time zone: "Invalid Date"',
    );
  return ms * 1000;
}

function jsTypeName(v: unknown): string {
  if (v === null || typeof v !== 'object') return `JavaScript ${typeof v}`;
  return `JavaScript ${v.constructor?.name ?? 'object'}`;
}

function mismatch(type: SqlType, column: string, from: string, value: unknown): SemanticError {
  const hint =
    typeof value === 'number' && (type.id === 'date' || type.id === 'timestamp' || type.id === 'timestamptz')
      ? 'Pass a Date or an ISO 8601 string; a number is a numeric constant, as in SQL.'
      : 'Pass a value of a matching JavaScript type, or a string in the text form of the column type.';
  return new SemanticError(
    SqlState.datatypeMismatch,
    `column "${column}" is of type ${typeName(type)} but expression is of type ${from}`,
    { hint },
  );
}

/** A `$n` parameter of the library's `execute()` / `query()`: its value and, where fixed, its type. */
export interface JsParam {
  readonly value: Value;
  /** Undefined: the value's own form decides (a string stays untyped, as a text parameter). */
  readonly type: SqlType | undefined;
}

/**
 * A JavaScript parameter value in Eddy's forms. Strings, booleans, `Numeric`s and byte arrays keep
 * their form (the binder types them); a number stays a number, an integer beyond 2^53 becoming an
 * int8 or numeric; a bigint is an int8 (22003 out of range), a Date a timestamptz, an `Interval`
 * an interval, a plain object or `Jsonb` a jsonb, an array of one kind of scalar an array of it.
 * `undefined` is NULL. Anything else is 42804.
 */
export function jsParam(v: unknown, index: number): JsParam {
  if (v === undefined || v === null) return { value: null, type: undefined };
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return { value: v, type: undefined };
    case 'number':
      return Number.isInteger(v) && !Number.isSafeInteger(v)
        ? numericConstant(v)
        : { value: v, type: undefined };
    default:
      break;
  }
  if (v instanceof Numeric || v instanceof Uint8Array) return { value: v, type: undefined };
  if (Array.isArray(v)) return arrayParam(v, index);
  const typed = typedValue(v);
  if (typed === undefined) throw paramMismatch(index, jsTypeName(v));
  return typed;
}

/** An array of numbers, strings or booleans (nulls allowed) as int8[], float8[], text[] or bool[]. */
function arrayParam(items: readonly unknown[], index: number): JsParam {
  const present = items.filter((e) => e !== null && e !== undefined);
  const all = (test: (e: unknown) => boolean) => present.every(test);
  let element: SqlType;
  if (all((e) => typeof e === 'string')) element = T.text;
  else if (all((e) => typeof e === 'boolean')) element = T.bool;
  else if (all((e) => Number.isSafeInteger(e))) element = T.int8;
  else if (all((e) => typeof e === 'number')) element = T.float8;
  else throw paramMismatch(index, 'JavaScript array of mixed values');
  return { value: items.map((e) => (e === undefined ? null : (e as Value))), type: arrayOf(element) };
}

function paramMismatch(index: number, from: string): SemanticError {
  return new SemanticError(SqlState.datatypeMismatch, `parameter $${index + 1} is of type ${from}`, {
    hint: 'Parameters may be strings, numbers, bigints, booleans, Dates, plain objects (jsonb), arrays of one scalar kind, or Eddy values.',
  });
}
