/**
 * @module functions/string
 * The text functions of PostgreSQL (length, substr, trim, pad, split_part, ...). Arguments are
 * non-null strings and numbers; lengths and positions count code points, as PostgreSQL counts
 * characters. Formatting (format, quote_*, concat) is in string-format.ts, regexes in regex.ts.
 */
import { createHash } from 'node:crypto';
import { DataError, SqlState } from '../common/errors.ts';
import { codePointLength, codePointsBefore, hasSurrogates, sliceCodePoints } from './code-points.ts';

/** Strings are limited to PostgreSQL's 1 GB allocation (and V8's own, lower, string limit). */
const MAX_ALLOC_BYTES = 0x3fffffff;

function lengthTooLarge(): DataError {
  return new DataError(SqlState.programLimitExceeded, 'requested length too large');
}

export function textLength(s: string): number {
  return hasSurrogates(s) ? codePointLength(s) : s.length;
}

export function octetLength(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

export function bitLength(s: string): number {
  return Buffer.byteLength(s, 'utf8') * 8;
}

export function lower(s: string): string {
  return s.toLowerCase();
}

export function upper(s: string): string {
  return s.toUpperCase();
}

const ALNUM = /[\p{L}\p{N}]/u;

function isAlnumCode(c: number, ch: string): boolean {
  if (c < 128) return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
  return ALNUM.test(ch);
}

/** initcap: upper-case the first letter of each alphanumeric run, lower-case the rest. */
export function initcap(s: string): string {
  let out = '';
  let wasAlnum = false;
  for (const ch of s) {
    out += wasAlnum ? ch.toLowerCase() : ch.toUpperCase();
    wasAlnum = isAlnumCode(ch.codePointAt(0)!, ch);
  }
  return out;
}

/**
 * substr(s, start [, count]): characters start .. start+count-1, 1-based; the part of that range
 * before character 1 is simply empty (substr('hello', 0, 2) = 'h'). A negative count is 22011.
 */
export function substr(s: string, start: number, count?: number): string {
  const from = Math.max(start, 1);
  if (count === undefined) return sliceCodePoints(s, from - 1, Infinity);
  if (count < 0) throw new DataError(SqlState.substringError, 'negative substring length not allowed');
  const end = start + count;
  if (end <= from) return '';
  return sliceCodePoints(s, from - 1, end - 1);
}

/** overlay(s placing r from start [for count]): count defaults to r's length. */
export function overlay(s: string, r: string, start: number, count?: number): string {
  const n = count ?? textLength(r);
  const head = substr(s, 1, start - 1);
  return head + r + substr(s, start + n);
}

/** position(sub IN s) / strpos(s, sub): 1-based character position, 0 when absent. */
export function strpos(s: string, sub: string): number {
  const i = s.indexOf(sub);
  if (i < 0) return 0;
  return (hasSurrogates(s) ? codePointsBefore(s, i) : i) + 1;
}

export function replace(s: string, from: string, to: string): string {
  if (from.length === 0) return s;
  return s.replaceAll(from, () => to);
}

let translateFrom = '';
let translateTo = '';
let translateMap = new Map<string, string>();

/** translate(s, from, to): each character of `from` becomes the same-position one of `to`, or is deleted. */
export function translate(s: string, from: string, to: string): string {
  if (from !== translateFrom || to !== translateTo) {
    const map = new Map<string, string>();
    const target = [...to];
    let k = 0;
    for (const ch of from) {
      if (!map.has(ch)) map.set(ch, target[k] ?? '');
      k++;
    }
    translateFrom = from;
    translateTo = to;
    translateMap = map;
  }
  let out = '';
  for (const ch of s) {
    const t = translateMap.get(ch);
    out += t === undefined ? ch : t;
  }
  return out;
}

function inSet(chars: string, s: string, i: number, pair: boolean): boolean {
  return chars.includes(pair ? s.slice(i, i + 2) : s[i]!);
}

/** The UTF-16 offset after the leading characters of `s` that occur in `chars`. */
function trimStart(s: string, chars: string): number {
  let i = 0;
  while (i < s.length) {
    const pair = (s.charCodeAt(i) & 0xfc00) === 0xd800 && i + 1 < s.length;
    if (!inSet(chars, s, i, pair)) break;
    i += pair ? 2 : 1;
  }
  return i;
}

function trimEnd(s: string, chars: string, from: number): number {
  let j = s.length;
  while (j > from) {
    const pair =
      j >= 2 && (s.charCodeAt(j - 1) & 0xfc00) === 0xdc00 && (s.charCodeAt(j - 2) & 0xfc00) === 0xd800;
    const at = pair ? j - 2 : j - 1;
    if (!inSet(chars, s, at, pair)) break;
    j = at;
  }
  return j;
}

export function btrim(s: string, chars = ' '): string {
  const i = trimStart(s, chars);
  return s.slice(i, trimEnd(s, chars, i));
}

export function ltrim(s: string, chars = ' '): string {
  return s.slice(trimStart(s, chars));
}

export function rtrim(s: string, chars = ' '): string {
  return s.slice(0, trimEnd(s, chars, 0));
}

/** `n` characters of `fill` repeated (fill non-empty). */
function padding(fill: string, n: number): string {
  if (!hasSurrogates(fill)) return fill.repeat(Math.ceil(n / fill.length)).slice(0, n);
  const len = codePointLength(fill);
  return sliceCodePoints(fill.repeat(Math.ceil(n / len)), 0, n);
}

function checkPadLength(n: number): void {
  // PostgreSQL reserves the encoding's maximum of 4 bytes per character.
  if (n * 4 > MAX_ALLOC_BYTES) throw lengthTooLarge();
}

export function lpad(s: string, length: number, fill = ' '): string {
  if (length <= 0) return '';
  checkPadLength(length);
  const n = textLength(s);
  if (n >= length || fill.length === 0) return n > length ? sliceCodePoints(s, 0, length) : s;
  return padding(fill, length - n) + s;
}

export function rpad(s: string, length: number, fill = ' '): string {
  if (length <= 0) return '';
  checkPadLength(length);
  const n = textLength(s);
  if (n >= length || fill.length === 0) return n > length ? sliceCodePoints(s, 0, length) : s;
  return s + padding(fill, length - n);
}

/** left(s, n): the first n characters; with n < 0, all but the last -n. */
export function left(s: string, n: number): string {
  if (n >= 0) return sliceCodePoints(s, 0, n);
  const keep = textLength(s) + n;
  return keep <= 0 ? '' : sliceCodePoints(s, 0, keep);
}

/** right(s, n): the last n characters; with n < 0, all but the first -n. */
export function right(s: string, n: number): string {
  const len = textLength(s);
  if (n >= 0) return n >= len ? s : sliceCodePoints(s, len - n, Infinity);
  return -n >= len ? '' : sliceCodePoints(s, -n, Infinity);
}

export function repeat(s: string, n: number): string {
  if (n <= 0 || s.length === 0) return '';
  if (Buffer.byteLength(s, 'utf8') * n > MAX_ALLOC_BYTES - 4) throw lengthTooLarge();
  return s.repeat(n);
}

export function reverse(s: string): string {
  if (!hasSurrogates(s)) {
    let out = '';
    for (let i = s.length - 1; i >= 0; i--) out += s[i];
    return out;
  }
  return Array.from(s).reverse().join('');
}

/** split_part(s, delimiter, n): field n (1-based; negative counts from the end). */
export function splitPart(s: string, delimiter: string, n: number): string {
  if (n === 0) throw new DataError(SqlState.invalidParameterValue, 'field position must not be zero');
  if (s.length === 0) return '';
  if (delimiter.length === 0) return n === 1 || n === -1 ? s : '';
  if (n < 0) {
    const fields = s.split(delimiter);
    return fields[fields.length + n] ?? '';
  }
  let start = 0;
  for (let k = 1; k < n; k++) {
    const at = s.indexOf(delimiter, start);
    if (at < 0) return '';
    start = at + delimiter.length;
  }
  const end = s.indexOf(delimiter, start);
  return end < 0 ? s.slice(start) : s.slice(start, end);
}

export function startsWith(s: string, prefix: string): boolean {
  return s.startsWith(prefix);
}

export function textcat(a: string, b: string): string {
  return a + b;
}

export function md5Text(s: string): string {
  return createHash('md5').update(s, 'utf8').digest('hex');
}

/** ascii(s): the code point of the first character, 0 for the empty string. */
export function ascii(s: string): number {
  return s.codePointAt(0) ?? 0;
}

export function chr(n: number): string {
  if (n < 0) throw new DataError(SqlState.invalidParameterValue, 'character number must be positive');
  if (n === 0) throw new DataError(SqlState.programLimitExceeded, 'null character not permitted');
  if (n > 0x10ffff) {
    throw new DataError(SqlState.programLimitExceeded, `requested character too large for encoding: ${n}`);
  }
  if (n >= 0xd800 && n <= 0xdfff) {
    throw new DataError(SqlState.programLimitExceeded, `requested character not valid for encoding: ${n}`);
  }
  return String.fromCodePoint(n);
}
