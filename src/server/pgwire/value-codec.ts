/**
 * @module server/pgwire/value-codec
 * Values on the wire: result columns in text (the types' output functions) or PostgreSQL's binary
 * send format, and bind parameters from text (input functions) or binary (receive format).
 * Binary layouts follow PostgreSQL's *_send / *_recv byte for byte: big-endian, dates and
 * timestamps counted from 2000-01-01, infinities as the extreme integers.
 */

import type { TimeZone } from '../../common/datetime-zone.ts';
import { Interval } from '../../common/interval.ts';
import { Jsonb } from '../../common/jsonb.ts';
import type { Numeric } from '../../common/numeric.ts';
import { type ArrayType, type SqlType, typeOid } from '../../common/types.ts';
import { decodeUtf8 } from '../../common/utf8-text.ts';
import type { Value } from '../../common/value.ts';
import {
  ARRAY_DIMS_MAX,
  arrayShape,
  flattenArray,
  nestArray,
  tooManyDimensions,
} from '../../functions/array-dims.ts';
import { formatText, parseText } from '../../functions/text-io.ts';
import { readNumericBinary, writeNumericBinary } from './binary-numeric.ts';
import type { MessageWriter } from './message-writer.ts';
import { WireError, WireState } from './wire-error.ts';

/** Days from 1970-01-01 to PostgreSQL's epoch 2000-01-01. */
const EPOCH_DAYS = 10957;
const EPOCH_MICROS = EPOCH_DAYS * 86_400_000_000;
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Writes one non-null value's text form (without its length). */
export function writeText(w: MessageWriter, value: Value, type: SqlType, zone: TimeZone): void {
  switch (type.id) {
    case 'text':
    case 'varchar':
    case 'unknown':
    case 'enum':
    case 'uuid':
      w.text(value as string);
      return;
    case 'bpchar':
      w.text(formatText(value, type, zone));
      return;
    case 'int2':
    case 'int4':
    case 'int8':
      w.text(String(value));
      return;
    case 'bool':
      w.byte(value ? 116 : 102);
      return;
    default:
      w.text(formatText(value, type, zone));
  }
}

/** Writes one non-null value in PostgreSQL's binary format (without its length). */
export function writeBinary(w: MessageWriter, value: Value, type: SqlType, zone: TimeZone): void {
  switch (type.id) {
    case 'bool':
      w.byte(value ? 1 : 0);
      return;
    case 'int2':
      w.int16(value as number);
      return;
    case 'int4':
      w.int32(value as number);
      return;
    case 'int8':
      if (typeof value === 'bigint') w.bigint64(value);
      else w.int64(value as number);
      return;
    case 'float4':
      w.float32(value as number);
      return;
    case 'float8':
      w.float64(value as number);
      return;
    case 'numeric':
      writeNumericBinary(w, value as Numeric);
      return;
    case 'text':
    case 'varchar':
    case 'unknown':
    case 'enum':
      w.text(value as string);
      return;
    case 'bpchar':
      w.text(formatText(value, type, zone));
      return;
    case 'bytea':
      w.bytes(value as Uint8Array);
      return;
    case 'uuid':
      w.bytes(Buffer.from((value as string).replaceAll('-', ''), 'hex'));
      return;
    case 'date':
      w.int32(dateToWire(value as number));
      return;
    case 'time':
      w.int64(value as number);
      return;
    case 'timestamp':
    case 'timestamptz':
      writeTimestamp(w, value as number);
      return;
    case 'interval': {
      const iv = value as Interval;
      w.int64(iv.micros).int32(iv.days).int32(iv.months);
      return;
    }
    case 'jsonb':
      w.byte(1).text((value as Jsonb).toString());
      return;
    case 'array':
      writeArrayBinary(w, value as Value[], type, zone);
      return;
    default:
      w.text(formatText(value, type, zone));
  }
}

function dateToWire(days: number): number {
  if (days === Infinity) return INT32_MAX;
  if (days === -Infinity) return INT32_MIN;
  return days - EPOCH_DAYS;
}

function writeTimestamp(w: MessageWriter, micros: number): void {
  if (micros === Infinity) w.bigint64(INT64_MAX);
  else if (micros === -Infinity) w.bigint64(INT64_MIN);
  else w.int64(micros - EPOCH_MICROS);
}

/**
 * array_send: ndim, has-nulls flag, element OID, (size, lower bound) per dimension, then the
 * elements in row-major order (a nested array's innermost values).
 */
function writeArrayBinary(w: MessageWriter, items: Value[], type: ArrayType, zone: TimeZone): void {
  const shape = arrayShape(items);
  const element = type.element;
  const scalars = flattenArray(items, shape.length);
  w.int32(shape.length)
    .int32(scalars.some((v) => v === null) ? 1 : 0)
    .uint32(typeOid(element));
  for (const length of shape) w.int32(length).int32(1);
  for (const item of scalars) {
    if (item === null) {
      w.int32(-1);
      continue;
    }
    const at = w.reserve32();
    writeBinary(w, item, element, zone);
    w.fillLength(at);
  }
}

/** A parameter sent in text format, read by the type's input function. */
export function readTextParam(text: string, type: SqlType | undefined, zone: TimeZone): Value {
  return type === undefined ? text : parseText(text, type, zone);
}

/** A parameter sent in binary format (`type` undefined: the client did not say; read as text). */
export function readBinaryParam(b: Buffer, type: SqlType | undefined, zone: TimeZone, index: number): Value {
  try {
    return type === undefined ? decodeUtf8(b) : readBinary(b, type, zone);
  } catch (e) {
    if (e instanceof RangeError) throw badBinary(index);
    throw e;
  }
}

function readBinary(b: Buffer, type: SqlType, zone: TimeZone): Value {
  switch (type.id) {
    case 'bool':
      exact(b, 1);
      return b[0] !== 0;
    case 'int2':
      exact(b, 2);
      return b.readInt16BE(0);
    case 'int4':
      exact(b, 4);
      return b.readInt32BE(0);
    case 'int8':
      exact(b, 8);
      return canonicalInt8(b.readBigInt64BE(0));
    case 'float4':
      exact(b, 4);
      return b.readFloatBE(0);
    case 'float8':
      exact(b, 8);
      return b.readDoubleBE(0);
    case 'numeric':
      return readNumericBinary(b);
    case 'text':
    case 'varchar':
    case 'bpchar':
    case 'unknown':
    case 'enum':
      return parseText(decodeUtf8(b), type, zone);
    case 'bytea':
      return new Uint8Array(b);
    case 'uuid': {
      exact(b, 16);
      const h = b.toString('hex');
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
    }
    case 'date': {
      exact(b, 4);
      const d = b.readInt32BE(0);
      return d === INT32_MAX ? Infinity : d === INT32_MIN ? -Infinity : d + EPOCH_DAYS;
    }
    case 'time':
      exact(b, 8);
      return Number(b.readBigInt64BE(0));
    case 'timestamp':
    case 'timestamptz': {
      exact(b, 8);
      const t = b.readBigInt64BE(0);
      return t === INT64_MAX ? Infinity : t === INT64_MIN ? -Infinity : Number(t) + EPOCH_MICROS;
    }
    case 'interval':
      exact(b, 16);
      return new Interval(b.readInt32BE(12), b.readInt32BE(8), Number(b.readBigInt64BE(0)));
    case 'jsonb':
      if (b.length < 1 || b[0] !== 1)
        throw WireError.error(WireState.invalidBinaryRepresentation, 'unsupported jsonb version number');
      return Jsonb.parse(decodeUtf8(b, 1));
    case 'array':
      return readArrayBinary(b, type, zone);
    default:
      return parseText(decodeUtf8(b), type, zone);
  }
}

function readArrayBinary(b: Buffer, type: ArrayType, zone: TimeZone): Value[] {
  const ndim = b.readInt32BE(0);
  if (ndim === 0) return [];
  if (ndim > ARRAY_DIMS_MAX) throw tooManyDimensions(ndim);
  const element = type.element;
  const shape: number[] = [];
  for (let d = 0; d < ndim; d++) shape.push(b.readInt32BE(12 + 8 * d));
  if (shape.some((n) => n <= 0)) throw new RangeError('bad array dimension');
  const count = shape.reduce((product, n) => product * n, 1);
  const items: Value[] = [];
  let at = 12 + 8 * ndim;
  for (let i = 0; i < count; i++) {
    const len = b.readInt32BE(at);
    at += 4;
    if (len < 0) {
      items.push(null);
      continue;
    }
    if (at + len > b.length) throw new RangeError('array element past the end');
    items.push(readBinary(b.subarray(at, at + len), element, zone));
    at += len;
  }
  return nestArray(items, shape);
}

function canonicalInt8(n: bigint): number | bigint {
  return n >= -9007199254740991n && n <= 9007199254740991n ? Number(n) : n;
}

function exact(b: Buffer, n: number): void {
  if (b.length !== n) throw new RangeError('wrong length');
}

function badBinary(index: number): WireError {
  return WireError.error(
    WireState.invalidBinaryRepresentation,
    `incorrect binary data format in bind parameter ${index + 1}`,
  );
}
