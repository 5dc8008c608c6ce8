/**
 * @module functions/cast
 * PostgreSQL's casts among Eddy's types: which exist in which context (pg_cast's implicit,
 * assignment and explicit, plus the automatic I/O casts to and from text), and their run-time
 * conversions. `castFunction` resolves a cast once, at bind time; its result runs per row.
 * Casts involving timestamptz read the session time zone given (UTC by default).
 */

import { trimBpchar } from '../common/bpchar.ts';
import { type TimeZone, UTC } from '../common/datetime-zone.ts';
import { SemanticError, SqlState } from '../common/errors.ts';
import { type SqlType, sameType, T, typeCategory, typeName } from '../common/types.ts';
import type { Value } from '../common/value.ts';
import { mapArrayElements } from './array-dims.ts';
import { delegatedCast } from './delegated.ts';
import { outOfRange } from './errors.ts';
import { float8ToFloat4 } from './float-ops.ts';
import { rint } from './math.ts';
import {
  bpcharIn,
  checkVarcharLength,
  formatText,
  parseText,
  truncateBpchar,
  truncateVarchar,
} from './text-io.ts';

export type CastFn = (v: Value) => Value;

/** Converts a value (null passes through); prefer `castFunction` in loops. */
export function castValue(
  value: Value,
  from: SqlType,
  to: SqlType,
  explicit: boolean,
  zone?: TimeZone,
): Value {
  if (value === null) return null;
  if (zone !== undefined && zone !== UTC) return castFunction(from, to, explicit, zone)(value);
  return cachedCast(from, to, explicit)(value);
}

const castCache = new WeakMap<SqlType, WeakMap<SqlType, [CastFn | undefined, CastFn | undefined]>>();

function cachedCast(from: SqlType, to: SqlType, explicit: boolean): CastFn {
  let byTarget = castCache.get(from);
  if (byTarget === undefined) {
    byTarget = new WeakMap();
    castCache.set(from, byTarget);
  }
  let pair = byTarget.get(to);
  if (pair === undefined) {
    pair = [undefined, undefined];
    byTarget.set(to, pair);
  }
  const k = explicit ? 1 : 0;
  return (pair[k] ??= castFunction(from, to, explicit));
}

/**
 * The conversion of a cast from `from` to `to`, for non-null values. `explicit` selects
 * explicit-cast semantics where they differ (varchar(n) truncates instead of failing). Throws
 * 42846 when no cast exists at all; context checks are `canCast*`'s job.
 */
export function castFunction(from: SqlType, to: SqlType, explicit: boolean, zone: TimeZone = UTC): CastFn {
  if (isStringTypeId(to.id)) return castToString(from, to, explicit, zone);
  if (isStringTypeId(from.id)) {
    return (v) => parseText(v as string, to, zone);
  }
  if (sameType(from, to) && !hasTypmod(to)) return identity;
  if (from.id === 'array' && to.id === 'array') {
    const element = castFunction(from.element, to.element, explicit, zone);
    return (v) => mapArrayElements(v as Value[], element);
  }
  const direct = builtinCast(from, to);
  if (direct !== undefined) return direct;
  const delegated = delegatedCast(from, to, zone);
  if (delegated !== undefined) return delegated;
  throw new SemanticError(SqlState.cannotCoerce, `cannot cast type ${typeName(from)} to ${typeName(to)}`);
}

function identity(v: Value): Value {
  return v;
}

/** Typmods that make a same-type cast do work: varchar(n), char(n), numeric(p,s), and arrays of them. */
export function hasTypmod(t: SqlType): boolean {
  if (t.id === 'array') return hasTypmod(t.element);
  return (
    ((t.id === 'varchar' || t.id === 'bpchar') && t.maxLength !== undefined) ||
    (t.id === 'numeric' && t.precision !== undefined)
  );
}

/** text, varchar, char(n) and the unknown type of literals: the string types casts treat alike. */
function isStringTypeId(id: SqlType['id']): boolean {
  return id === 'text' || id === 'varchar' || id === 'bpchar' || id === 'unknown';
}

function castToString(from: SqlType, to: SqlType, explicit: boolean, zone: TimeZone): CastFn {
  let fmt: CastFn;
  // char(n) to text or varchar drops the padding (PostgreSQL's rtrim); to char it is kept.
  if (from.id === 'bpchar' && to.id !== 'bpchar') fmt = trimBpchar as CastFn;
  else if (isStringTypeId(from.id)) fmt = identity;
  else if (from.id === 'bool') fmt = (v) => (v ? 'true' : 'false');
  else fmt = (v) => formatText(v, from, zone);
  if (to.id === 'bpchar') {
    const length = to.maxLength;
    if (explicit) return (v) => truncateBpchar(fmt(v) as string, length);
    return (v) => bpcharIn(fmt(v) as string, length);
  }
  const max = to.id === 'varchar' ? to.maxLength : undefined;
  if (max === undefined) return fmt;
  if (explicit) return (v) => truncateVarchar(fmt(v) as string, max);
  return (v) => checkVarcharLength(fmt(v) as string, max);
}

// ---- casts among bool, integers and floats ----------------------------------------------------

const INT2: readonly [number, number] = [-32768, 32767];
const INT4: readonly [number, number] = [-2147483648, 2147483647];

function builtinCast(from: SqlType, to: SqlType): CastFn | undefined {
  const f = from.id;
  const t = to.id;
  if (f === 'bool' && t === 'int4') return (v) => (v ? 1 : 0);
  if (f === 'int4' && t === 'bool') return (v) => v !== 0;
  const intFrom = f === 'int2' || f === 'int4' || f === 'int8';
  const floatFrom = f === 'float4' || f === 'float8';
  if (t === 'int8' && (f === 'int2' || f === 'int4')) return identity;
  if (t === 'int4' && f === 'int2') return identity;
  if (t === 'int2' && (f === 'int4' || f === 'int8'))
    return (v) => narrowInt(v as number | bigint, INT2, 'smallint');
  if (t === 'int4' && f === 'int8') return (v) => narrowInt(v as number | bigint, INT4, 'integer');
  if (t === 'float8' && intFrom) return f === 'int8' ? (v) => Number(v) : identity;
  if (t === 'float4' && intFrom) return (v) => Math.fround(Number(v));
  if (f === 'float4' && t === 'float8') return identity;
  if (f === 'float8' && t === 'float4') return (v) => float8ToFloat4(v as number);
  if (floatFrom && t === 'int2') return (v) => floatToInt(v as number, INT2, 'smallint');
  if (floatFrom && t === 'int4') return (v) => floatToInt(v as number, INT4, 'integer');
  if (floatFrom && t === 'int8') return (v) => floatToInt8(v as number);
  return undefined;
}

function narrowInt(
  v: number | bigint,
  range: readonly [number, number],
  name: 'smallint' | 'integer',
): number {
  if (typeof v !== 'number' || v < range[0] || v > range[1]) throw outOfRange(name);
  return v;
}

/** float → int rounds half to even (rint), as PostgreSQL does, then range-checks. */
function floatToInt(v: number, range: readonly [number, number], name: 'smallint' | 'integer'): number {
  const r = rint(v);
  if (!(r >= range[0] && r <= range[1])) throw outOfRange(name);
  return r + 0;
}

function floatToInt8(v: number): number | bigint {
  const r = rint(v);
  if (!(r >= -(2 ** 63) && r < 2 ** 63)) throw outOfRange('bigint');
  return r <= Number.MAX_SAFE_INTEGER && r >= -Number.MAX_SAFE_INTEGER ? r + 0 : BigInt(r);
}

// ---- which casts exist in which context -------------------------------------------------------

type Ctx = 'i' | 'a' | 'e';

/** pg_cast rows among Eddy's types (source → target → context), PostgreSQL 15. */
const PG_CAST: Partial<Record<SqlType['id'], Partial<Record<SqlType['id'], Ctx>>>> = {
  bool: { int4: 'e', text: 'a', varchar: 'a', bpchar: 'a' },
  int2: { int4: 'i', int8: 'i', numeric: 'i', float4: 'i', float8: 'i' },
  int4: { bool: 'e', int2: 'a', int8: 'i', numeric: 'i', float4: 'i', float8: 'i' },
  int8: { int2: 'a', int4: 'a', numeric: 'i', float4: 'i', float8: 'i' },
  numeric: { int2: 'a', int4: 'a', int8: 'a', float4: 'i', float8: 'i' },
  float4: { int2: 'a', int4: 'a', int8: 'a', numeric: 'a', float8: 'i' },
  float8: { int2: 'a', int4: 'a', int8: 'a', numeric: 'a', float4: 'a' },
  text: { varchar: 'i', bpchar: 'i' },
  varchar: { text: 'i', bpchar: 'i' },
  bpchar: { text: 'i', varchar: 'i' },
  date: { timestamp: 'i', timestamptz: 'i' },
  time: { interval: 'i' },
  timestamp: { date: 'a', time: 'a', timestamptz: 'i' },
  timestamptz: { date: 'a', time: 'a', timestamp: 'a' },
  interval: { time: 'a' },
  jsonb: { bool: 'e', int2: 'e', int4: 'e', int8: 'e', numeric: 'e', float4: 'e', float8: 'e' },
};

const RANK: Record<Ctx, number> = { i: 0, a: 1, e: 2 };

/** The weakest context in which a cast from → to is allowed, or undefined when there is none. */
export function castContext(from: SqlType, to: SqlType): Ctx | undefined {
  if (sameType(from, to)) return 'i';
  if (from.id === 'unknown') return 'i';
  if (from.id === 'array' && to.id === 'array') return castContext(from.element, to.element);
  const row = PG_CAST[from.id]?.[to.id];
  if (row !== undefined) return row;
  // PostgreSQL's automatic I/O conversion casts: to a string type in assignment, from one explicitly.
  if (to.id === 'text' || to.id === 'varchar' || to.id === 'bpchar') return 'a';
  if (from.id === 'text' || from.id === 'varchar' || from.id === 'bpchar') return 'e';
  return undefined;
}

function allowed(from: SqlType, to: SqlType, ctx: Ctx): boolean {
  const c = castContext(from, to);
  return c !== undefined && RANK[c] <= RANK[ctx];
}

export function canCastImplicitly(from: SqlType, to: SqlType): boolean {
  return allowed(from, to, 'i');
}

/** Casts allowed when storing into a column (INSERT, UPDATE). */
export function canCastAssignment(from: SqlType, to: SqlType): boolean {
  return allowed(from, to, 'a');
}

export function canCastExplicitly(from: SqlType, to: SqlType): boolean {
  return allowed(from, to, 'e');
}

/** PostgreSQL's preferred type of each category (typispreferred), used to break overload ties. */
export function isPreferredType(type: SqlType): boolean {
  const id = type.id;
  return id === 'float8' || id === 'text' || id === 'bool' || id === 'timestamptz' || id === 'interval';
}

/** The numeric types in implicit-cast order: each converts implicitly to every later one. */
export const numericTypeOrder: readonly SqlType[] = [T.int2, T.int4, T.int8, T.numeric, T.float4, T.float8];

/** The preferred type of `type`'s category, if that category has one (N → float8, S → text, ...). */
export function preferredType(type: SqlType): SqlType | undefined {
  switch (typeCategory(type)) {
    case 'N':
      return T.float8;
    case 'S':
      return T.text;
    case 'B':
      return T.bool;
    case 'D':
      return T.timestamptz;
    case 'T':
      return T.interval;
    default:
      return undefined;
  }
}
