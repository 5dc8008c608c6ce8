/**
 * @module functions/string-format
 * format(), quote_ident/quote_literal/quote_nullable, concat/concat_ws and the conversions
 * between text and text arrays. Non-text arguments arrive already converted to their text form
 * (index.ts binds each `"any"` argument to its type's output function), so these see text or null.
 */
import { DataError, SqlState } from '../common/errors.ts';
import { T } from '../common/types.ts';
import type { Value } from '../common/value.ts';
import { codePointLength } from './code-points.ts';
import { parseText } from './text-io.ts';

/** Keywords quote_ident must quote: every category but unreserved (pg_get_keywords, PostgreSQL 15). */
const RESERVED = new Set(
  (
    'all analyse analyze and any array as asc asymmetric authorization between bigint binary bit boolean both ' +
    'case cast char character check coalesce collate collation column concurrently constraint create cross ' +
    'current_catalog current_date current_role current_schema current_time current_timestamp current_user dec ' +
    'decimal default deferrable desc distinct do else end except exists extract false fetch float for foreign ' +
    'freeze from full grant greatest group grouping having ilike in initially inner inout int integer ' +
    'intersect interval into is isnull join lateral leading least left like limit localtime localtimestamp ' +
    'national natural nchar none normalize not notnull null nullif numeric offset on only or order out outer ' +
    'overlaps overlay placing position precision primary real references returning right row select ' +
    'session_user setof similar smallint some substring symmetric table tablesample then time timestamp to ' +
    'trailing treat trim true union unique user using values varchar variadic verbose when where window with ' +
    'xmlattributes xmlconcat xmlelement xmlexists xmlforest xmlnamespaces xmlparse xmlpi xmlroot xmlserialize ' +
    'xmltable'
  ).split(' '),
);

const PLAIN_IDENT = /^[a-z_][a-z0-9_]*$/;

export function quoteIdent(s: string): string {
  if (PLAIN_IDENT.test(s) && !RESERVED.has(s)) return s;
  return `"${s.replaceAll('"', '""')}"`;
}

/** quote_literal: doubles quotes and backslashes; a backslash also asks for the E'' form. */
export function quoteLiteral(s: string): string {
  const quoted = s.replaceAll("'", "''");
  if (!s.includes('\\')) return `'${quoted}'`;
  return `E'${quoted.replaceAll('\\', '\\\\')}'`;
}

export function quoteNullable(s: string | null): string {
  return s === null ? 'NULL' : quoteLiteral(s);
}

export function concat(...args: (string | null)[]): string {
  let out = '';
  for (const a of args) if (a !== null) out += a;
  return out;
}

export function concatWs(separator: string | null, ...args: (string | null)[]): string | null {
  if (separator === null) return null;
  let out = '';
  let first = true;
  for (const a of args) {
    if (a === null) continue;
    out += first ? a : separator + a;
    first = false;
  }
  return out;
}

// ---- format() ---------------------------------------------------------------------------------

function formatError(message: string, hint?: string): DataError {
  return new DataError(SqlState.invalidParameterValue, message, hint === undefined ? {} : { hint });
}

const HINT = 'For a single "%" use "%%".';

/** One parsed `%[argpos$][-][width|*[n$]]type` specifier. */
interface Spec {
  argPos: number;
  widthPos: number;
  left: boolean;
  width: number;
  type: string;
  end: number;
}

/** format(fmt, args...): %s (text, NULL as empty), %I (identifier), %L (literal, NULL unquoted). */
export function format(fmt: string | null, ...args: (string | null)[]): string | null {
  if (fmt === null) return null;
  let out = '';
  let next = 0;
  for (let i = 0; i < fmt.length; i++) {
    const c = fmt[i];
    if (c !== '%') {
      out += c;
      continue;
    }
    if (fmt[i + 1] === '%') {
      out += '%';
      i++;
      continue;
    }
    const spec = parseSpec(fmt, i + 1);
    i = spec.end;
    let width = spec.width;
    let leftAlign = spec.left;
    // Like PostgreSQL, a width argument (even a numbered one) moves the implicit argument cursor.
    if (spec.widthPos >= 0) {
      if (spec.widthPos > 0) next = spec.widthPos - 1;
      if (next >= args.length) throw formatError('too few arguments for format()');
      const w = args[next] === null ? 0 : widthValue(args[next]!);
      next++;
      leftAlign ||= w < 0;
      width = Math.abs(w);
    }
    if (spec.argPos > 0) next = spec.argPos - 1;
    if (next >= args.length) throw formatError('too few arguments for format()');
    const k = next++;
    out += pad(convert(spec.type, args[k]!), width, leftAlign);
  }
  return out;
}

function widthValue(text: string): number {
  const w = parseText(text, T.int4) as number;
  if (w === -2147483648) throw new DataError(SqlState.numericValueOutOfRange, 'number is out of range');
  return w;
}

function parseSpec(fmt: string, i: number): Spec {
  const spec: Spec = { argPos: 0, widthPos: -1, left: false, width: 0, type: '', end: i };
  const digits = (): number => {
    let n = 0;
    const start = i;
    while (fmt.charCodeAt(i) >= 48 && fmt.charCodeAt(i) <= 57) n = n * 10 + (fmt.charCodeAt(i++) - 48);
    return i === start ? -1 : n;
  };
  let n = digits();
  if (n >= 0) {
    if (fmt[i] === '$') {
      if (n === 0) throw formatError('format specifies argument 0, but arguments are numbered from 1');
      spec.argPos = n;
      i++;
      n = -1;
    } else {
      spec.width = n;
    }
  }
  if (n < 0) {
    while (fmt[i] === '-') {
      spec.left = true;
      i++;
    }
    if (fmt[i] === '*') {
      i++;
      const p = digits();
      if (p >= 0) {
        if (fmt[i] !== '$') throw formatError('width argument position must be ended by "$"');
        if (p === 0) throw formatError('format specifies argument 0, but arguments are numbered from 1');
        i++;
      }
      spec.widthPos = Math.max(p, 0);
    } else {
      spec.width = Math.max(digits(), 0);
    }
  }
  if (i >= fmt.length) throw formatError('unterminated format() type specifier', HINT);
  spec.type = fmt[i]!;
  if (spec.type !== 's' && spec.type !== 'I' && spec.type !== 'L') {
    throw formatError(`unrecognized format() type specifier "${spec.type}"`, HINT);
  }
  spec.end = i;
  return spec;
}

function convert(type: string, v: string | null): string {
  if (type === 's') return v ?? '';
  if (type === 'L') return quoteNullable(v);
  if (v === null)
    throw new DataError(SqlState.nullValueNotAllowed, 'null values cannot be formatted as an SQL identifier');
  return quoteIdent(v);
}

function pad(s: string, width: number, leftAlign: boolean): string {
  if (width === 0) return s;
  const n = codePointLength(s);
  if (n >= width) return s;
  return leftAlign ? s + ' '.repeat(width - n) : ' '.repeat(width - n) + s;
}

// ---- text ↔ text[] ----------------------------------------------------------------------------

/** string_to_array(s, delimiter [, null_string]): a NULL delimiter splits into characters. */
export function stringToArray(
  s: string | null,
  delimiter: string | null,
  nullString: string | null = null,
): Value[] | null {
  if (s === null) return null;
  if (s.length === 0) return [];
  let parts: string[];
  if (delimiter === null) parts = Array.from(s);
  else if (delimiter.length === 0) parts = [s];
  else parts = s.split(delimiter);
  if (nullString === null) return parts;
  return parts.map((p) => (p === nullString ? null : p));
}

/** array_to_string(elements' text, delimiter [, null_string]): NULLs are skipped unless replaced. */
export function arrayToString(
  items: readonly (string | null)[],
  delimiter: string,
  nullString: string | null = null,
): string {
  let out = '';
  let first = true;
  for (const item of items) {
    const text = item ?? nullString;
    if (text === null) continue;
    out += first ? text : delimiter + text;
    first = false;
  }
  return out;
}
