/**
 * @module functions/text-io
 * The text input and output function of every SQL type (PostgreSQL's typinput/typoutput):
 * `parseText` reads what `formatText` prints, and both match PostgreSQL 15 byte for byte.
 * Inputs never receive null; a bad text raises PostgreSQL's 22P02/22003/22001 error. timestamptz
 * reads and prints in the session time zone the caller passes (UTC by default).
 */

import { padBpchar, trimBpchar } from '../common/bpchar.ts';
import { type TimeZone, UTC } from '../common/datetime-zone.ts';
import { DataError, SqlState, unreachable } from '../common/errors.ts';
import { float4In, float4Out, float8In, float8Out, isCSpace, trimCSpace } from '../common/float-text.ts';
import type { EnumType, SqlType } from '../common/types.ts';
import type { Value } from '../common/value.ts';
import { formatArrayText, parseArrayText } from './array-text.ts';
import { codePointOffset } from './code-points.ts';
import { delegatedFormat, delegatedParse } from './delegated.ts';
import { inputOutOfRange, invalidSyntax } from './errors.ts';

/** Reads `text` as a value of `type` (the type's input function, plus varchar(n)'s length check). */
export function parseText(text: string, type: SqlType, zone: TimeZone = UTC): Value {
  switch (type.id) {
    case 'text':
    case 'unknown':
      return text;
    case 'varchar':
      return type.maxLength === undefined ? text : checkVarcharLength(text, type.maxLength);
    case 'bpchar':
      return bpcharIn(text, type.maxLength);
    case 'bool':
      return boolIn(text);
    case 'int2':
      return parseInteger(text, -32768, 32767, 'smallint');
    case 'int4':
      return parseInteger(text, -2147483648, 2147483647, 'integer');
    case 'int8':
      return int8In(text);
    case 'float4':
      return float4In(text);
    case 'float8':
      return float8In(text);
    case 'bytea':
      return byteaIn(text);
    case 'uuid':
      return uuidIn(text);
    case 'enum':
      return enumIn(text, type);
    case 'array': {
      const element = type.element;
      return parseArrayText(text, (s) => parseText(s, element, zone));
    }
    case 'numeric':
    case 'date':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
    case 'interval':
    case 'jsonb':
      return delegatedParse(text, type, zone);
    default:
      return unreachable(type, 'type');
  }
}

/** Prints a non-null value of `type` as PostgreSQL's output function does. */
export function formatText(value: Value, type: SqlType, zone: TimeZone = UTC): string {
  switch (type.id) {
    case 'text':
    case 'varchar':
    case 'unknown':
    case 'uuid':
    case 'enum':
    case 'bpchar':
      return value as string;
    case 'bool':
      return value ? 't' : 'f';
    case 'int2':
    case 'int4':
    case 'int8':
      return String(value);
    case 'float4':
      return float4Out(value as number);
    case 'float8':
      return float8Out(value as number);
    case 'bytea':
      return byteaOut(value as Uint8Array);
    case 'array': {
      const element = type.element;
      return formatArrayText(value as Value[], (v) => formatText(v, element, zone));
    }
    case 'numeric':
    case 'date':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
    case 'interval':
    case 'jsonb':
      return delegatedFormat(value, type.id, zone);
    default:
      return unreachable(type, 'type');
  }
}

// ---- varchar ----------------------------------------------------------------------------------

function lengthError(typeLabel: string, max: number): DataError {
  return new DataError(SqlState.stringDataRightTruncation, `value too long for type ${typeLabel}(${max})`);
}

/** varchar(n) on input or assignment: too long is an error unless only spaces would be cut. */
export function checkVarcharLength(s: string, max: number): string {
  if (s.length <= max) return s;
  const cut = codePointOffset(s, max);
  if (cut === s.length) return s;
  for (let i = cut; i < s.length; i++) {
    if (s.charCodeAt(i) !== 32) throw lengthError('character varying', max);
  }
  return s.slice(0, cut);
}

/** varchar(n) on an explicit cast: silently cut to n characters. */
export function truncateVarchar(s: string, max: number): string {
  return s.length <= max ? s : s.slice(0, codePointOffset(s, max));
}

// ---- bpchar (value form: common/bpchar.ts) ----------------------------------------------------

/**
 * char(n) on input or assignment: too long is 22001 unless only spaces would be cut; the value
 * is stored padded to n. Without a length (`bpchar`) the string is kept as given, as PostgreSQL.
 */
export function bpcharIn(s: string, max: number | undefined): string {
  if (max === undefined) return s;
  const cut = codePointOffset(s, max);
  if (cut < s.length) {
    if (trimBpchar(s).length > cut) throw lengthError('character', max);
    return s.slice(0, cut);
  }
  return padBpchar(s, max);
}

/** char(n) on an explicit cast: silently cut or padded to n characters. */
export function truncateBpchar(s: string, max: number | undefined): string {
  return max === undefined ? s : padBpchar(truncateVarchar(s, max), max);
}

// ---- boolean ----------------------------------------------------------------------------------

const BOOL_WORDS: readonly [string, boolean, number][] = [
  ['true', true, 1],
  ['false', false, 1],
  ['yes', true, 1],
  ['no', false, 1],
  ['on', true, 2],
  ['off', false, 2],
];

/** boolin: true/false/yes/no/on/off (any unambiguous prefix, any case), 1/0, with C spaces around. */
export function boolIn(text: string): boolean {
  const s = trimCSpace(text).toLowerCase();
  if (s === '1') return true;
  if (s === '0') return false;
  for (const [word, value, minLength] of BOOL_WORDS) {
    if (s.length >= minLength && s.length <= word.length && word.startsWith(s)) return value;
  }
  throw invalidSyntax('boolean', text);
}

// ---- integers ---------------------------------------------------------------------------------

/** pg_strtoint16/32: C spaces, a sign, decimal digits, C spaces; overflow is reported first. */
function parseInteger(text: string, min: number, max: number, typeName: string): number {
  const n = text.length;
  let i = 0;
  while (i < n && isCSpace(text.charCodeAt(i))) i++;
  const negative = text.charCodeAt(i) === 45;
  if (negative || text.charCodeAt(i) === 43) i++;
  const start = i;
  let v = 0;
  for (; i < n; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) break;
    v = v * 10 + d;
    if (v > max + 1) throw inputOutOfRange(typeName, text);
  }
  if (i === start) throw invalidSyntax(typeName, text);
  const r = negative ? -v : v;
  if (r > max || r < min) throw inputOutOfRange(typeName, text);
  while (i < n && isCSpace(text.charCodeAt(i))) i++;
  if (i !== n) throw invalidSyntax(typeName, text);
  return r + 0;
}

export function int8In(text: string): number | bigint {
  // Fifteen characters always fit the safe range: the fast path covers nearly every input.
  if (text.length <= 15) return parseInteger(text, -999999999999999, 999999999999999, 'bigint');
  const n = text.length;
  let i = 0;
  while (i < n && isCSpace(text.charCodeAt(i))) i++;
  const sign = i;
  if (text.charCodeAt(i) === 45 || text.charCodeAt(i) === 43) i++;
  const start = i;
  while (i < n && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
  if (i === start) throw invalidSyntax('bigint', text);
  // Overflow is reported before trailing junk, as pg_strtoint64 does.
  if (i - start > 19 && /[1-9]/.test(text.slice(start, i - 19))) throw inputOutOfRange('bigint', text);
  const v = BigInt(text.slice(sign, i));
  if (v > 9223372036854775807n || v < -9223372036854775808n) throw inputOutOfRange('bigint', text);
  while (i < n && isCSpace(text.charCodeAt(i))) i++;
  if (i !== n) throw invalidSyntax('bigint', text);
  return v <= 9007199254740991n && v >= -9007199254740991n ? Number(v) : v;
}

// ---- bytea ------------------------------------------------------------------------------------

export function byteaOut(b: Uint8Array): string {
  return `\\x${Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex')}`;
}

/** byteain: `\x` hex (spaces allowed between byte pairs) or the escape format (`\\`, `\ooo`). */
export function byteaIn(text: string): Uint8Array {
  if (text.charCodeAt(0) === 92 && text.charCodeAt(1) === 120) return hexIn(text, 2);
  if (text.indexOf('\\') < 0) return new Uint8Array(Buffer.from(text, 'utf8'));
  const utf8 = Buffer.from(text, 'utf8');
  const out = new Uint8Array(utf8.length);
  let n = 0;
  for (let i = 0; i < utf8.length; ) {
    const c = utf8[i]!;
    if (c !== 92) {
      out[n++] = c;
      i++;
    } else if (utf8[i + 1] === 92) {
      out[n++] = 92;
      i += 2;
    } else if (isOctal(utf8[i + 1], 51) && isOctal(utf8[i + 2], 55) && isOctal(utf8[i + 3], 55)) {
      out[n++] = ((utf8[i + 1]! - 48) << 6) | ((utf8[i + 2]! - 48) << 3) | (utf8[i + 3]! - 48);
      i += 4;
    } else {
      throw new DataError(SqlState.invalidTextRepresentation, 'invalid input syntax for type bytea');
    }
  }
  return out.slice(0, n);
}

function isOctal(c: number | undefined, max: number): boolean {
  return c !== undefined && c >= 48 && c <= max;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** Hex digit pairs from `start`, skipping spaces, tabs and newlines between pairs. */
export function hexIn(text: string, start: number): Uint8Array {
  const out = new Uint8Array((text.length - start) >> 1);
  let n = 0;
  for (let i = start; i < text.length; ) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 10 || c === 9 || c === 13) {
      i++;
      continue;
    }
    const hi = hexValue(c);
    if (hi < 0) throw badHexDigit(text, i);
    if (i + 1 >= text.length) {
      throw new DataError(SqlState.invalidParameterValue, 'invalid hexadecimal data: odd number of digits');
    }
    const lo = hexValue(text.charCodeAt(i + 1));
    if (lo < 0) throw badHexDigit(text, i + 1);
    out[n++] = (hi << 4) | lo;
    i += 2;
  }
  return n === out.length ? out : out.slice(0, n);
}

function badHexDigit(text: string, i: number): DataError {
  const cp = text.codePointAt(i)!;
  return new DataError(
    SqlState.invalidParameterValue,
    `invalid hexadecimal digit: "${String.fromCodePoint(cp)}"`,
  );
}

// ---- uuid -------------------------------------------------------------------------------------

/** uuid_in: 32 hex digits, optionally in braces, with an optional `-` after any group of four. */
export function uuidIn(text: string): string {
  let i = 0;
  const braced = text.charCodeAt(0) === 123;
  if (braced) i++;
  let hex = '';
  for (let d = 0; d < 32; d++) {
    const c = text.charCodeAt(i);
    if (hexValue(c) < 0) throw invalidSyntax('uuid', text);
    hex += text[i];
    i++;
    if (d % 4 === 3 && d < 31 && text.charCodeAt(i) === 45) i++;
  }
  if (braced) {
    if (text.charCodeAt(i) !== 125) throw invalidSyntax('uuid', text);
    i++;
  }
  if (i !== text.length) throw invalidSyntax('uuid', text);
  hex = hex.toLowerCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// ---- enum -------------------------------------------------------------------------------------

function enumIn(text: string, type: EnumType): string {
  if (type.labels.includes(text)) return text;
  throw new DataError(
    SqlState.invalidTextRepresentation,
    `invalid input value for enum ${type.name}: "${text}"`,
  );
}
