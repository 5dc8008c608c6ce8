/**
 * @module functions/array-text
 * The text form of one-dimensional arrays, `{1,2,NULL,"a b"}`, both ways, with PostgreSQL's
 * quoting and escaping rules. Elements are converted by callbacks, so this file knows no types.
 */
import { DataError, FeatureNotSupportedError, SqlState } from '../common/errors.ts';
import { isCSpace } from '../common/float-text.ts';
import type { Value } from '../common/value.ts';

const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;
const LBRACE = 123;
const RBRACE = 125;

function malformed(text: string, detail: string): DataError {
  return new DataError(SqlState.invalidTextRepresentation, `malformed array literal: "${text}"`, { detail });
}

/** Parses an array literal; `parseElement` converts each non-NULL element's text. */
export function parseArrayText(text: string, parseElement: (s: string) => Value): Value[] {
  const n = text.length;
  let i = skipSpace(text, 0);
  let expected = -1;
  if (text.charCodeAt(i) === 91) {
    const dims = parseDimensions(text, i);
    expected = dims.count;
    i = skipSpace(text, dims.end);
  }
  if (text.charCodeAt(i) !== LBRACE) {
    throw malformed(text, 'Array value must start with "{" or dimension information.');
  }
  const out: Value[] = [];
  i = skipSpace(text, i + 1);
  if (text.charCodeAt(i) === RBRACE) {
    i++;
  } else {
    for (;;) {
      i = skipSpace(text, i);
      if (i >= n) throw malformed(text, 'Unexpected end of input.');
      const c = text.charCodeAt(i);
      if (c === LBRACE) throw new FeatureNotSupportedError('multidimensional arrays are not supported');
      if (c === COMMA || c === RBRACE) throw malformed(text, `Unexpected "${text[i]}" character.`);
      const element = c === QUOTE ? readQuoted(text, i + 1) : readUnquoted(text, i);
      out.push(element.value === null ? null : parseElement(element.value));
      i = skipSpace(text, element.end);
      const d = text.charCodeAt(i);
      if (i >= n) throw malformed(text, 'Unexpected end of input.');
      i++;
      if (d === RBRACE) break;
      if (d !== COMMA) throw malformed(text, 'Unexpected array element.');
    }
  }
  if (skipSpace(text, i) !== n) throw malformed(text, 'Junk after closing right brace.');
  if (expected >= 0 && expected !== out.length) {
    throw malformed(text, 'Specified array dimensions do not match array contents.');
  }
  return out;
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && isCSpace(text.charCodeAt(i))) i++;
  return i;
}

/** `[lb:ub]=` (one dimension only); returns the element count it promises. */
function parseDimensions(text: string, start: number): { count: number; end: number } {
  const m = /^\[\s*([+-]?\d+)\s*(?::\s*([+-]?\d+)\s*)?\]\s*=/.exec(text.slice(start));
  if (m === null) {
    if (/^\[[^\]]*\]\s*\[/.test(text.slice(start))) {
      throw new FeatureNotSupportedError('multidimensional arrays are not supported');
    }
    throw malformed(text, 'Missing "=" after array dimensions.');
  }
  const lower = m[2] === undefined ? 1 : Number(m[1]);
  const upper = Number(m[2] ?? m[1]);
  if (upper < lower) throw malformed(text, 'Specified array dimensions do not match array contents.');
  return { count: upper - lower + 1, end: start + m[0].length };
}

function readQuoted(text: string, i: number): { value: string; end: number } {
  let out = '';
  let from = i;
  for (;;) {
    if (i >= text.length) throw malformed(text, 'Unexpected end of input.');
    const c = text.charCodeAt(i);
    if (c === QUOTE) return { value: out + text.slice(from, i), end: i + 1 };
    if (c === BACKSLASH) {
      out += text.slice(from, i);
      if (i + 1 >= text.length) throw malformed(text, 'Unexpected end of input.');
      from = i + 1;
      i += 2;
    } else {
      i++;
    }
  }
}

/** An unquoted element: runs to `,` or `}`; unescaped trailing spaces drop; bare NULL is null. */
function readUnquoted(text: string, i: number): { value: string | null; end: number } {
  let out = '';
  let keep = 0;
  let escaped = false;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === COMMA || c === RBRACE) break;
    if (c === QUOTE) throw malformed(text, 'Unexpected array element.');
    if (c === LBRACE) throw malformed(text, 'Unexpected "{" character.');
    if (c === BACKSLASH) {
      i++;
      if (i >= text.length) throw malformed(text, 'Unexpected end of input.');
      out += text[i];
      keep = out.length;
      escaped = true;
    } else {
      out += text[i];
      if (!isCSpace(c)) keep = out.length;
    }
  }
  if (keep < out.length) out = out.slice(0, keep);
  if (!escaped && out.length === 4 && out.toUpperCase() === 'NULL') return { value: null, end: i };
  return { value: out, end: i };
}

/** Prints an array literal; `formatElement` gives each non-NULL element's text. */
export function formatArrayText(values: readonly Value[], formatElement: (v: Value) => string): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out += ',';
    const v = values[i]!;
    out += v === null ? 'NULL' : quoteElement(formatElement(v));
  }
  return out + '}';
}

const NEEDS_QUOTES = /["\\{},\s]/;
const ESCAPES = /["\\]/g;

function quoteElement(s: string): string {
  if (s.length === 0 || (s.length === 4 && s.toUpperCase() === 'NULL')) return `"${s}"`;
  // \s is wider than C's isspace, but only for characters PostgreSQL would print unquoted; check precisely.
  if (!NEEDS_QUOTES.test(s) || !needsQuotes(s)) return s;
  return `"${s.replace(ESCAPES, '\\$&')}"`;
}

function needsQuotes(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === QUOTE || c === BACKSLASH || c === LBRACE || c === RBRACE || c === COMMA || isCSpace(c))
      return true;
  }
  return false;
}
