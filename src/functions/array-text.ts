/**
 * @module functions/array-text
 * The text form of arrays, `{1,2,NULL,"a b"}` and `{{1,2},{3,4}}`, both ways, with PostgreSQL's
 * quoting and escaping rules. Elements are converted by callbacks, so this file knows no types.
 */
import { DataError, FeatureNotSupportedError, SqlState } from '../common/errors.ts';
import { isCSpace } from '../common/float-text.ts';
import type { Value } from '../common/value.ts';
import { ARRAY_DIMS_MAX, arrayShape, sameShape, tooManyDimensions } from './array-dims.ts';

const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;
const LBRACE = 123;
const RBRACE = 125;

function malformed(text: string, detail: string): DataError {
  return new DataError(SqlState.invalidTextRepresentation, `malformed array literal: "${text}"`, { detail });
}

/**
 * Parses an array literal of any dimensions, as many as the braces opening it (`{{1,2}}` has 2);
 * `parseElement` converts each non-NULL element's text. Sub-arrays must all have the same shape.
 */
export function parseArrayText(text: string, parseElement: (s: string) => Value): Value[] {
  const depth = braceDepth(text);
  if (depth > ARRAY_DIMS_MAX) throw tooManyDimensions(depth);
  let i = skipSpace(text, 0);
  let expected = -1;
  if (text.charCodeAt(i) === 91) {
    const bounds = parseDimensions(text, i);
    expected = bounds.count;
    i = skipSpace(text, bounds.end);
  }
  if (text.charCodeAt(i) !== LBRACE) {
    throw malformed(text, 'Array value must start with "{" or dimension information.');
  }
  const dims = openingBraces(text, i);
  if (expected >= 0 && dims > 1) {
    throw new FeatureNotSupportedError('dimension information on multidimensional arrays is not supported');
  }
  const parsed = parseLevel(text, i, dims, parseElement, true);
  if (skipSpace(text, parsed.end) !== text.length) throw malformed(text, 'Junk after closing right brace.');
  if (expected >= 0 && expected !== parsed.values.length) {
    throw malformed(text, 'Specified array dimensions do not match array contents.');
  }
  return parsed.values;
}

/** One `{…}` level starting at the brace at `start`; `dims` counts this level and those inside it. */
function parseLevel(
  text: string,
  start: number,
  dims: number,
  parseElement: (s: string) => Value,
  outermost: boolean,
): { values: Value[]; end: number } {
  const n = text.length;
  const values: Value[] = [];
  let i = skipSpace(text, start + 1);
  if (text.charCodeAt(i) === RBRACE) {
    // `{}` is the empty array; an empty sub-array has no place in a rectangular one.
    if (!outermost) throw malformed(text, 'Unexpected "}" character.');
    return { values, end: i + 1 };
  }
  for (;;) {
    i = skipSpace(text, i);
    if (i >= n) throw malformed(text, 'Unexpected end of input.');
    const c = text.charCodeAt(i);
    if (dims > 1) {
      if (c !== LBRACE) throw malformed(text, 'Unexpected array element.');
      const sub = parseLevel(text, i, dims - 1, parseElement, false);
      if (values.length > 0 && !sameShape(arrayShape(values[0] as Value[]), arrayShape(sub.values))) {
        throw malformed(text, 'Multidimensional arrays must have sub-arrays with matching dimensions.');
      }
      values.push(sub.values);
      i = sub.end;
    } else {
      if (c === LBRACE) throw malformed(text, 'Unexpected "{" character.');
      if (c === COMMA || c === RBRACE) throw malformed(text, `Unexpected "${text[i]}" character.`);
      const element = c === QUOTE ? readQuoted(text, i + 1) : readUnquoted(text, i);
      values.push(element.value === null ? null : parseElement(element.value));
      i = element.end;
    }
    i = skipSpace(text, i);
    if (i >= n) throw malformed(text, 'Unexpected end of input.');
    const d = text.charCodeAt(i++);
    if (d === RBRACE) return { values, end: i };
    if (d !== COMMA) throw malformed(text, 'Unexpected array element.');
  }
}

/** How many `{` open the literal at `start`: its number of dimensions. */
function openingBraces(text: string, start: number): number {
  let dims = 0;
  for (let i = start; text.charCodeAt(i) === LBRACE; i = skipSpace(text, i + 1)) dims++;
  return dims;
}

/** The deepest brace nesting outside quoted elements: checked first, as PostgreSQL does. */
function braceDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === BACKSLASH) i++;
    else if (c === QUOTE) quoted = !quoted;
    else if (quoted) continue;
    else if (c === LBRACE) deepest = Math.max(deepest, ++depth);
    else if (c === RBRACE) depth--;
  }
  return deepest;
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

/**
 * Prints an array literal of any dimensions; `formatElement` gives each non-NULL element's text.
 * A nested `Value[]` is a sub-array (an element is never an array), printed as inner braces.
 */
export function formatArrayText(values: readonly Value[], formatElement: (v: Value) => string): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out += ',';
    const v = values[i]!;
    if (v === null) out += 'NULL';
    else if (Array.isArray(v)) out += formatArrayText(v, formatElement);
    else out += quoteElement(formatElement(v));
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
