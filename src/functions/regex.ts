/**
 * @module functions/regex
 * The POSIX regular expression functions and operators (`~`, regexp_replace, regexp_match, ...).
 * Patterns are translated (regex-translate.ts) and compiled once per (pattern, options), cached.
 * Positions and counts are in code points, as PostgreSQL counts characters.
 */
import { DataError, SqlState } from '../common/errors.ts';
import type { Value } from '../common/value.ts';
import { codePointLength, codePointOffset, codePointsBefore, isPairAt } from './code-points.ts';
import { parseRegexFlags, regexSyntaxError, translateRegex } from './regex-translate.ts';

const CACHE_MAX = 1000;
/** Compiled expressions by option letters, then by pattern: no key string is built per call. */
const cache = new Map<string, Map<string, RegExp>>();
let cached = 0;

/** The compiled form of `pattern` under PostgreSQL option letters `flags`. */
export function compileRegex(pattern: string, flags: string, forceGlobal = false): RegExp {
  const cacheKey = forceGlobal ? `${flags}+` : flags;
  let byPattern = cache.get(cacheKey);
  if (byPattern === undefined) {
    byPattern = new Map();
    cache.set(cacheKey, byPattern);
  }
  let re = byPattern.get(pattern);
  if (re === undefined) {
    re = translateAndCompile(pattern, flags, forceGlobal);
    if (cached >= CACHE_MAX) {
      for (const m of cache.values()) m.clear();
      cached = 0;
    }
    byPattern.set(pattern, re);
    cached++;
  }
  return re;
}

function translateAndCompile(pattern: string, flags: string, forceGlobal: boolean): RegExp {
  const o = parseRegexFlags(flags);
  const source = translateRegex(pattern, o);
  let js = 'u';
  if (o.caseInsensitive) js += 'i';
  if (!o.dotExcludesNewline) js += 's';
  if (o.multiline) js += 'm';
  if (o.global || forceGlobal) js += 'g';
  try {
    return new RegExp(source, js);
  } catch (e) {
    throw regexSyntaxError(e);
  }
}

function isGlobalFlags(flags: string): boolean {
  return flags.length !== 0 && flags.includes('g');
}

// ---- operators --------------------------------------------------------------------------------

export function textRegexEq(s: string, p: string): boolean {
  return compileRegex(p, '').test(s);
}
export function textRegexNe(s: string, p: string): boolean {
  return !compileRegex(p, '').test(s);
}
export function textICRegexEq(s: string, p: string): boolean {
  return compileRegex(p, 'i').test(s);
}
export function textICRegexNe(s: string, p: string): boolean {
  return !compileRegex(p, 'i').test(s);
}

export function regexpLike(s: string, p: string, flags = ''): boolean {
  if (isGlobalFlags(flags)) throw noGlobal('regexp_like()');
  return compileRegex(p, flags).test(s);
}

function noGlobal(fn: string): DataError {
  return new DataError(SqlState.invalidParameterValue, `${fn} does not support the "global" option`);
}

// ---- replacement ------------------------------------------------------------------------------

/** A replacement string: literal parts and group numbers (0 = the whole match), alternating. */
type Replacement = (string | number)[];
const replacementCache = new Map<string, Replacement>();

/** `\1`..`\9` and `\&` insert groups, `\\` a backslash; any other `\x` stays as written. */
function parseReplacement(r: string): Replacement {
  let parts = replacementCache.get(r);
  if (parts !== undefined) return parts;
  parts = [];
  let lit = '';
  for (let i = 0; i < r.length; i++) {
    const c = r[i]!;
    const n = r[i + 1];
    if (c === '\\' && n !== undefined && ((n >= '1' && n <= '9') || n === '&')) {
      parts.push(lit, n === '&' ? 0 : n.charCodeAt(0) - 48);
      lit = '';
      i++;
    } else if (c === '\\' && n === '\\') {
      lit += '\\';
      i++;
    } else {
      lit += c;
    }
  }
  parts.push(lit);
  if (replacementCache.size >= CACHE_MAX) replacementCache.clear();
  replacementCache.set(r, parts);
  return parts;
}

function expand(parts: Replacement, m: RegExpExecArray): string {
  let out = '';
  for (const part of parts) out += typeof part === 'string' ? part : (m[part] ?? '');
  return out;
}

/** regexp_replace(s, pattern, replacement [, flags]): the first match, or all with `g`. */
export function regexpReplace(s: string, p: string, r: string, flags = ''): string {
  const re = compileRegex(p, flags);
  return replaceMatches(s, re, parseReplacement(r), 0, re.global ? 0 : 1);
}

/** regexp_replace(s, pattern, replacement, start [, n [, flags]]): n = 0 replaces every match from start. */
export function regexpReplaceAt(
  s: string,
  p: string,
  r: string,
  start: number,
  n?: number,
  flags = '',
): string {
  if (start <= 0) throw invalidParam('start', start);
  if (n !== undefined && n < 0) throw invalidParam('n', n);
  const re = compileRegex(p, flags, true);
  const which = n ?? (isGlobalFlags(flags) ? 0 : 1);
  return replaceMatches(s, re, parseReplacement(r), fromOffset(s, start), which);
}

function invalidParam(name: string, v: number): DataError {
  return new DataError(SqlState.invalidParameterValue, `invalid value for parameter "${name}": ${v}`);
}

/** Replaces match number `which` (1-based) from offset `from`, or all of them when 0. */
function replaceMatches(s: string, re: RegExp, parts: Replacement, from: number, which: number): string {
  const g = re.global ? re : compileGlobal(re);
  let out = '';
  let last = 0;
  let count = 0;
  g.lastIndex = from;
  for (let m = g.exec(s); m !== null; m = g.exec(s)) {
    count++;
    const end = m.index + m[0].length;
    if (which === 0 || count === which) {
      out += s.slice(last, m.index) + expand(parts, m);
      last = end;
      if (which !== 0) break;
    }
    if (end === m.index) g.lastIndex = end + (isPairAt(s, end) ? 2 : 1);
  }
  g.lastIndex = 0;
  return out + s.slice(last);
}

const globalOf = new WeakMap<RegExp, RegExp>();

function compileGlobal(re: RegExp): RegExp {
  let g = globalOf.get(re);
  if (g === undefined) {
    g = new RegExp(re.source, `${re.flags}g`);
    globalOf.set(re, g);
  }
  return g;
}

const indicesOf = new WeakMap<RegExp, RegExp>();

/** The same expression with the `d` flag, for group offsets (slower, so only on demand). */
function compileWithIndices(re: RegExp): RegExp {
  let d = indicesOf.get(re);
  if (d === undefined) {
    d = new RegExp(re.source, `${re.flags}d`);
    indicesOf.set(re, d);
  }
  return d;
}

// ---- matching ---------------------------------------------------------------------------------

/** The captures of a match as PostgreSQL reports them: the groups, or the whole match when there are none. */
function captures(m: RegExpExecArray): Value[] {
  if (m.length === 1) return [m[0]];
  const out: Value[] = new Array(m.length - 1);
  for (let i = 1; i < m.length; i++) out[i - 1] = m[i] ?? null;
  return out;
}

export function regexpMatch(s: string, p: string, flags = ''): Value[] | null {
  if (isGlobalFlags(flags)) {
    throw new DataError(
      SqlState.invalidParameterValue,
      'regexp_match() does not support the "global" option',
      {
        hint: 'Use the regexp_matches function instead.',
      },
    );
  }
  const m = compileRegex(p, flags).exec(s);
  return m === null ? null : captures(m);
}

/** regexp_matches (set-returning): one row per match, every match with `g`. */
export function regexpMatches(s: string, p: string, flags = ''): Value[][] {
  const re = compileRegex(p, flags);
  if (!re.global) {
    const m = re.exec(s);
    return m === null ? [] : [captures(m)];
  }
  const rows: Value[][] = [];
  for (const m of s.matchAll(re)) rows.push(captures(m as RegExpExecArray));
  return rows;
}

/** substring(s FROM pattern): the first group's text if the pattern has groups, else the match. */
export function regexSubstring(s: string, p: string): string | null {
  const m = compileRegex(p, '').exec(s);
  if (m === null) return null;
  return m.length > 1 ? (m[1] ?? null) : m[0];
}

/**
 * regexp_split_to_array: the text between matches. Zero-length matches at the start or end,
 * or right after another match, split nothing (PostgreSQL's rule).
 */
export function regexpSplitToArray(s: string, p: string, flags = ''): string[] {
  if (isGlobalFlags(flags)) throw noGlobal('regexp_split_to_array()');
  const g = compileGlobal(compileRegex(p, flags));
  const out: string[] = [];
  let start = 0;
  g.lastIndex = 0;
  for (let m = g.exec(s); m !== null; m = g.exec(s)) {
    const end = m.index + m[0].length;
    if (end === m.index) {
      if (m.index >= s.length) break;
      g.lastIndex = end + (isPairAt(s, end) ? 2 : 1);
      if (m.index === start) continue;
    }
    out.push(s.slice(start, m.index));
    start = end;
  }
  g.lastIndex = 0;
  out.push(s.slice(start));
  return out;
}

export function regexpSplitToTable(s: string, p: string, flags = ''): string[] {
  if (isGlobalFlags(flags)) throw noGlobal('regexp_split_to_table()');
  return regexpSplitToArray(s, p, flags);
}

/** The matches from code point `start` (1-based), in order, as [match, offset] pairs. */
function matchesFrom(
  s: string,
  p: string,
  start: number,
  flags: string,
  fn: string,
  withIndices = false,
): RegExpExecArray[] {
  if (start <= 0) throw invalidParam('start', start);
  if (isGlobalFlags(flags)) throw noGlobal(fn);
  const base = compileGlobal(compileRegex(p, flags));
  const g = withIndices ? compileWithIndices(base) : base;
  const out: RegExpExecArray[] = [];
  g.lastIndex = fromOffset(s, start);
  for (let m = g.exec(s); m !== null; m = g.exec(s)) {
    out.push(m);
    const end = m.index + m[0].length;
    if (end === m.index) g.lastIndex = end + (isPairAt(s, end) ? 2 : 1);
  }
  g.lastIndex = 0;
  return out;
}

export function regexpCount(s: string, p: string, start = 1, flags = ''): number {
  return matchesFrom(s, p, start, flags, 'regexp_count()').length;
}

/** regexp_instr: where match n starts (or ends, with endoption 1), in code points; 0 when absent. */
export function regexpInstr(
  s: string,
  p: string,
  start = 1,
  n = 1,
  endOption = 0,
  flags = '',
  subexpr = 0,
): number {
  if (n <= 0) throw invalidParam('n', n);
  if (endOption !== 0 && endOption !== 1) throw invalidParam('endoption', endOption);
  if (subexpr < 0) throw invalidParam('subexpr', subexpr);
  const m = matchesFrom(s, p, start, flags, 'regexp_instr()', subexpr > 0)[n - 1];
  if (m === undefined || subexpr >= m.length) return 0;
  const span = subexpr === 0 ? [m.index, m.index + m[0].length] : m.indices?.[subexpr];
  if (span === undefined) return 0;
  return codePointsBefore(s, span[endOption]!) + 1;
}

export function regexpSubstr(s: string, p: string, start = 1, n = 1, flags = '', subexpr = 0): string | null {
  if (n <= 0) throw invalidParam('n', n);
  if (subexpr < 0) throw invalidParam('subexpr', subexpr);
  const m = matchesFrom(s, p, start, flags, 'regexp_substr()')[n - 1];
  if (m === undefined || subexpr >= m.length) return null;
  return m[subexpr] ?? null;
}

/** UTF-16 offset of 1-based character `start`; past the end (no match) when the text is shorter. */
function fromOffset(s: string, start: number): number {
  const i = codePointOffset(s, start - 1);
  return i === s.length && codePointLength(s) < start - 1 ? s.length + 1 : i;
}
