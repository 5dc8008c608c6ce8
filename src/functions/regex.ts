/**
 * @module functions/regex
 * The POSIX regular expression functions and operators (`~`, regexp_replace, regexp_match, ...).
 * Patterns are parsed and compiled once per (pattern, options), cached, for an engine that cannot
 * hang (regex-engines.ts). Positions and counts are in code points, as PostgreSQL counts characters.
 */
import { DataError, SqlState } from '../common/errors.ts';
import type { Value } from '../common/value.ts';
import { codePointLength, codePointOffset, codePointsBefore, isPairAt } from './code-points.ts';
import { type CompiledRegex, compilePattern, type RegexMatch } from './regex-engines.ts';

const CACHE_MAX = 1000;
/** Compiled expressions by option letters, then by pattern: no key string is built per call. */
const cache = new Map<string, Map<string, CompiledRegex>>();
let cached = 0;

/** The compiled form of `pattern` under PostgreSQL option letters `flags`. */
export function compileRegex(pattern: string, flags: string): CompiledRegex {
  let byPattern = cache.get(flags);
  if (byPattern === undefined) {
    byPattern = new Map();
    cache.set(flags, byPattern);
  }
  let re = byPattern.get(pattern);
  if (re === undefined) {
    re = compilePattern(pattern, flags);
    if (cached >= CACHE_MAX) {
      for (const m of cache.values()) m.clear();
      cached = 0;
    }
    byPattern.set(pattern, re);
    cached++;
  }
  return re;
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

function expand(parts: Replacement, m: RegexMatch, s: string): string {
  let out = '';
  for (const part of parts) {
    if (typeof part === 'string') out += part;
    else if (part === 0) out += s.slice(m.index, m.end);
    else out += m.group(part) ?? '';
  }
  return out;
}

/** regexp_replace(s, pattern, replacement [, flags]): the first match, or all with `g`. */
export function regexpReplace(s: string, p: string, r: string, flags = ''): string {
  const re = compileRegex(p, flags);
  return replaceMatches(s, re, parseReplacement(r), 0, isGlobalFlags(flags) ? 0 : 1);
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
  const re = compileRegex(p, flags);
  const which = n ?? (isGlobalFlags(flags) ? 0 : 1);
  return replaceMatches(s, re, parseReplacement(r), fromOffset(s, start), which);
}

function invalidParam(name: string, v: number): DataError {
  return new DataError(SqlState.invalidParameterValue, `invalid value for parameter "${name}": ${v}`);
}

/** Replaces match number `which` (1-based) from offset `from`, or all of them when 0. */
function replaceMatches(
  s: string,
  re: CompiledRegex,
  parts: Replacement,
  from: number,
  which: number,
): string {
  let out = '';
  let last = 0;
  let count = 0;
  for (const m of matchesOf(re, s, from)) {
    count++;
    if (which === 0 || count === which) {
      out += s.slice(last, m.index) + expand(parts, m, s);
      last = m.end;
      if (which !== 0) break;
    }
  }
  return out + s.slice(last);
}

/**
 * The matches from UTF-16 offset `from`, in order; after an empty match the search resumes one
 * character later, so every position is tried once.
 */
function* matchesOf(re: CompiledRegex, s: string, from: number, withSpans = false): Generator<RegexMatch> {
  let at = from;
  for (let m = re.exec(s, at, withSpans); m !== null; m = re.exec(s, at, withSpans)) {
    yield m;
    at = m.end === m.index ? m.end + (isPairAt(s, m.end) ? 2 : 1) : m.end;
  }
}

// ---- matching ---------------------------------------------------------------------------------

/** The captures of a match as PostgreSQL reports them: the groups, or the whole match when there are none. */
function captures(m: RegexMatch, s: string, groupCount: number): Value[] {
  if (groupCount === 0) return [s.slice(m.index, m.end)];
  const out: Value[] = new Array(groupCount);
  for (let i = 1; i <= groupCount; i++) out[i - 1] = m.group(i) ?? null;
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
  const re = compileRegex(p, flags);
  const m = re.exec(s, 0);
  return m === null ? null : captures(m, s, re.groupCount);
}

/** regexp_matches (set-returning): one row per match, every match with `g`. */
export function regexpMatches(s: string, p: string, flags = ''): Value[][] {
  const re = compileRegex(p, flags);
  if (!isGlobalFlags(flags)) {
    const m = re.exec(s, 0);
    return m === null ? [] : [captures(m, s, re.groupCount)];
  }
  const rows: Value[][] = [];
  for (const m of matchesOf(re, s, 0)) rows.push(captures(m, s, re.groupCount));
  return rows;
}

/** substring(s FROM pattern): the first group's text if the pattern has groups, else the match. */
export function regexSubstring(s: string, p: string): string | null {
  const re = compileRegex(p, '');
  const m = re.exec(s, 0);
  if (m === null) return null;
  return re.groupCount > 0 ? (m.group(1) ?? null) : s.slice(m.index, m.end);
}

/**
 * regexp_split_to_array: the text between matches. Zero-length matches at the start or end,
 * or right after another match, split nothing (PostgreSQL's rule).
 */
export function regexpSplitToArray(s: string, p: string, flags = ''): string[] {
  if (isGlobalFlags(flags)) throw noGlobal('regexp_split_to_array()');
  const re = compileRegex(p, flags);
  const out: string[] = [];
  let start = 0;
  for (const m of matchesOf(re, s, 0)) {
    if (m.end === m.index && (m.index >= s.length || m.index === start)) {
      if (m.index >= s.length) break;
      continue;
    }
    out.push(s.slice(start, m.index));
    start = m.end;
  }
  out.push(s.slice(start));
  return out;
}

export function regexpSplitToTable(s: string, p: string, flags = ''): string[] {
  if (isGlobalFlags(flags)) throw noGlobal('regexp_split_to_table()');
  return regexpSplitToArray(s, p, flags);
}

/** The matches from code point `start` (1-based), in order, with the pattern's group count. */
function matchesFrom(
  s: string,
  p: string,
  start: number,
  flags: string,
  fn: string,
  withSpans = false,
): { matches: RegexMatch[]; groupCount: number } {
  if (start <= 0) throw invalidParam('start', start);
  if (isGlobalFlags(flags)) throw noGlobal(fn);
  const re = compileRegex(p, flags);
  return { matches: [...matchesOf(re, s, fromOffset(s, start), withSpans)], groupCount: re.groupCount };
}

export function regexpCount(s: string, p: string, start = 1, flags = ''): number {
  return matchesFrom(s, p, start, flags, 'regexp_count()').matches.length;
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
  const { matches, groupCount } = matchesFrom(s, p, start, flags, 'regexp_instr()', subexpr > 0);
  const m = matches[n - 1];
  if (m === undefined || subexpr > groupCount) return 0;
  const span = subexpr === 0 ? [m.index, m.end] : m.span(subexpr);
  if (span === undefined) return 0;
  return codePointsBefore(s, span[endOption]!) + 1;
}

export function regexpSubstr(s: string, p: string, start = 1, n = 1, flags = '', subexpr = 0): string | null {
  if (n <= 0) throw invalidParam('n', n);
  if (subexpr < 0) throw invalidParam('subexpr', subexpr);
  const { matches, groupCount } = matchesFrom(s, p, start, flags, 'regexp_substr()');
  const m = matches[n - 1];
  if (m === undefined || subexpr > groupCount) return null;
  return subexpr === 0 ? s.slice(m.index, m.end) : (m.group(subexpr) ?? null);
}

/** UTF-16 offset of 1-based character `start`; past the end (no match) when the text is shorter. */
function fromOffset(s: string, start: number): number {
  const i = codePointOffset(s, start - 1);
  return i === s.length && codePointLength(s) < start - 1 ? s.length + 1 : i;
}
