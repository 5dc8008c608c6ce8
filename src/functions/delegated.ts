/**
 * @module functions/delegated
 * Text I/O and casts of the types whose codecs live in src/common (numeric, date/time, interval,
 * jsonb). This file only routes to those modules, so text-io.ts and cast.ts stay type-generic.
 * timestamptz input, output and casts read the session time zone passed in (UTC by default).
 */

import {
  dateToTimestamp,
  dateToTimestamptz,
  formatDate,
  formatInterval,
  formatTime,
  formatTimestamp,
  formatTimestamptz,
  parseDate,
  parseInterval,
  parseTime,
  parseTimestamp,
  parseTimestamptz,
  type TimeZone,
  timestampToDate,
  timestampToTime,
  timestampToTimestamptz,
  timestamptzToDate,
  timestamptzToTimestamp,
  USECS_PER_DAY,
} from '../common/datetime.ts';
import { InternalError } from '../common/errors.ts';
import { float4In } from '../common/float-text.ts';
import { Interval } from '../common/interval.ts';
import { Jsonb } from '../common/jsonb.ts';
import {
  jsonbToBool,
  jsonbToFloat4,
  jsonbToFloat8,
  jsonbToInt2,
  jsonbToInt4,
  jsonbToInt8,
  jsonbToNumeric,
} from '../common/jsonb-convert.ts';
import { Numeric } from '../common/numeric.ts';
import type { ScalarType, ScalarTypeId, SqlType } from '../common/types.ts';
import type { Value } from '../common/value.ts';

type CastFn = (v: Value) => Value;

export function delegatedParse(text: string, type: ScalarType, zone: TimeZone): Value {
  switch (type.id) {
    case 'numeric': {
      const n = Numeric.parse(text);
      return type.precision === undefined ? n : Numeric.coerce(n, type.precision, type.scale ?? 0);
    }
    case 'date':
      return parseDate(text);
    case 'time':
      return parseTime(text);
    case 'timestamp':
      return parseTimestamp(text);
    case 'timestamptz':
      return parseTimestamptz(text, zone);
    case 'interval':
      return parseInterval(text);
    case 'jsonb':
      return Jsonb.parse(text);
    default:
      throw new InternalError(`no delegated text input for ${type.id}`);
  }
}

export function delegatedFormat(value: Value, id: ScalarTypeId, zone: TimeZone): string {
  switch (id) {
    case 'numeric':
    case 'jsonb':
      return (value as Numeric | Jsonb).toString();
    case 'date':
      return formatDate(value as number);
    case 'time':
      return formatTime(value as number);
    case 'timestamp':
      return formatTimestamp(value as number);
    case 'timestamptz':
      return formatTimestamptz(value as number, zone);
    case 'interval':
      return formatInterval(value as Interval);
    default:
      throw new InternalError(`no delegated text output for ${id}`);
  }
}

/**
 * The cast from → to when either side is numeric, date/time, interval or jsonb (to and from text
 * are handled by the caller); undefined when PostgreSQL has no such cast.
 */
export function delegatedCast(from: SqlType, to: SqlType, zone: TimeZone): CastFn | undefined {
  if (to.id === 'numeric') {
    const toNumeric = castToNumeric(from);
    if (toNumeric === undefined || to.precision === undefined) return toNumeric;
    const precision = to.precision;
    const scale = to.scale ?? 0;
    return (v) => Numeric.coerce(toNumeric(v) as Numeric, precision, scale);
  }
  if (from.id === 'numeric') return castFromNumeric(to);
  if (from.id === 'jsonb') return castFromJsonb(to);
  return castDatetime(from, to, zone);
}

function castToNumeric(from: SqlType): CastFn | undefined {
  switch (from.id) {
    case 'numeric':
      return (v) => v;
    case 'int2':
    case 'int4':
    case 'int8':
      return (v) => Numeric.fromInt(v as number | bigint);
    case 'float4':
      return (v) => Numeric.fromFloat(v as number, 6);
    case 'float8':
      return (v) => Numeric.fromFloat(v as number, 15);
    case 'jsonb':
      return (v) => jsonbToNumeric(v as Jsonb);
    default:
      return undefined;
  }
}

function castFromNumeric(to: SqlType): CastFn | undefined {
  switch (to.id) {
    case 'int2':
      return (v) => (v as Numeric).toInt16();
    case 'int4':
      return (v) => (v as Numeric).toInt32();
    case 'int8':
      return (v) => (v as Numeric).toInt64();
    case 'float8':
      return (v) => (v as Numeric).toFloat();
    case 'float4':
      // numeric_float4 goes through the text form and float4in, out-of-range message included.
      return (v) => float4In((v as Numeric).toString());
    default:
      return undefined;
  }
}

function castFromJsonb(to: SqlType): CastFn | undefined {
  switch (to.id) {
    case 'bool':
      return (v) => jsonbToBool(v as Jsonb);
    case 'int2':
      return (v) => jsonbToInt2(v as Jsonb);
    case 'int4':
      return (v) => jsonbToInt4(v as Jsonb);
    case 'int8':
      return (v) => jsonbToInt8(v as Jsonb);
    case 'float4':
      return (v) => jsonbToFloat4(v as Jsonb);
    case 'float8':
      return (v) => jsonbToFloat8(v as Jsonb);
    default:
      return undefined;
  }
}

function castDatetime(from: SqlType, to: SqlType, zone: TimeZone): CastFn | undefined {
  const key = `${from.id}>${to.id}`;
  switch (key) {
    case 'date>timestamp':
      return (v) => dateToTimestamp(v as number);
    case 'date>timestamptz':
      return (v) => dateToTimestamptz(v as number, zone);
    case 'time>interval':
      return (v) => new Interval(0, 0, v as number);
    case 'timestamp>date':
      return (v) => timestampToDate(v as number);
    case 'timestamp>time':
      return (v) => (Number.isFinite(v) ? timestampToTime(v as number) : null);
    case 'timestamp>timestamptz':
      return (v) => timestampToTimestamptz(v as number, zone);
    case 'timestamptz>date':
      return (v) => timestamptzToDate(v as number, zone);
    case 'timestamptz>time':
      return (v) => (Number.isFinite(v) ? timestampToTime(timestamptzToTimestamp(v as number, zone)) : null);
    case 'timestamptz>timestamp':
      return (v) => timestamptzToTimestamp(v as number, zone);
    case 'interval>time':
      return (v) => {
        const r = (v as Interval).micros % USECS_PER_DAY;
        return r < 0 ? r + USECS_PER_DAY : r + 0;
      };
    default:
      return undefined;
  }
}
