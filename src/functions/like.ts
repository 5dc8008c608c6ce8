/**
 * @module functions/like
 * LIKE and ILIKE: a pattern compiles once (cached by its text) into a matcher that needs no
 * backtracking: fixed runs between `%` are placed leftmost in order, which is always optimal.
 * `_` matches one code point. The escape character is `\`; `like_escape` rewrites other escapes.
 */
import { DataError, SqlState } from '../common/errors.ts';

type Matcher = (s: string) => boolean;

/** One run between `%`s: literal chunks and `_` wildcards, in order. */
type Atom = string | number;

const CACHE_MAX = 1000;
const likeCache = new Map<string, Matcher>();
const ilikeCache = new Map<string, Matcher>();

/** `s LIKE pattern` (the `~~` operator). */
export function textLike(s: string, pattern: string): boolean {
  return likeMatcher(pattern)(s);
}

export function textNotLike(s: string, pattern: string): boolean {
  return !likeMatcher(pattern)(s);
}

/** ILIKE compares lower-cased text, as PostgreSQL does for multibyte encodings. */
export function textILike(s: string, pattern: string): boolean {
  return ilikeMatcher(pattern)(s.toLowerCase());
}

export function textNotILike(s: string, pattern: string): boolean {
  return !ilikeMatcher(pattern)(s.toLowerCase());
}

/** bytea LIKE: each byte becomes one latin1 character, so `_` matches one byte. */
export function byteaLike(s: Uint8Array, pattern: Uint8Array): boolean {
  return likeMatcher(latin1(pattern))(latin1(s));
}

export function byteaNotLike(s: Uint8Array, pattern: Uint8Array): boolean {
  return !byteaLike(s, pattern);
}

/** like_escape over bytea: the same rewrite, one byte per character. */
export function byteaLikeEscape(pattern: Uint8Array, escapeBytes: Uint8Array): Uint8Array {
  return new Uint8Array(Buffer.from(likeEscape(latin1(pattern), latin1(escapeBytes)), 'latin1'));
}

function latin1(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');
}

export function likeMatcher(pattern: string): Matcher {
  let m = likeCache.get(pattern);
  if (m === undefined) {
    m = compileLike(pattern);
    if (likeCache.size >= CACHE_MAX) likeCache.clear();
    likeCache.set(pattern, m);
  }
  return m;
}

function ilikeMatcher(pattern: string): Matcher {
  let m = ilikeCache.get(pattern);
  if (m === undefined) {
    m = compileLike(pattern.toLowerCase());
    if (ilikeCache.size >= CACHE_MAX) ilikeCache.clear();
    ilikeCache.set(pattern, m);
  }
  return m;
}

/** Splits a pattern into `%`-separated runs; throws 22025 on a trailing escape. */
function parseLike(pattern: string): Atom[][] {
  const runs: Atom[][] = [];
  let run: Atom[] = [];
  let lit = '';
  const flush = (): void => {
    if (lit !== '') run.push(lit);
    lit = '';
  };
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      if (i + 1 >= pattern.length) {
        throw new DataError(
          SqlState.invalidEscapeSequence,
          'LIKE pattern must not end with escape character',
        );
      }
      lit += pattern[++i];
    } else if (c === '%') {
      flush();
      runs.push(run);
      run = [];
    } else if (c === '_') {
      flush();
      const last = run[run.length - 1];
      if (typeof last === 'number') run[run.length - 1] = last + 1;
      else run.push(1);
    } else {
      lit += c;
    }
  }
  flush();
  runs.push(run);
  return runs;
}

function compileLike(pattern: string): Matcher {
  const runs = parseLike(pattern);
  const first = runs[0]!;
  if (runs.length === 1) {
    if (first.length === 0) return (s) => s.length === 0;
    if (first.length === 1 && typeof first[0] === 'string') {
      const lit = first[0];
      return (s) => s === lit;
    }
    return (s) => matchForward(s, 0, first) === s.length;
  }
  const last = runs[runs.length - 1]!;
  const middle = runs.slice(1, -1).filter((r) => r.length > 0);
  const simple = (r: Atom[]): r is [string] => r.length === 1 && typeof r[0] === 'string';
  if (middle.length === 0) {
    if (last.length === 0 && simple(first)) {
      const lit = first[0];
      return (s) => s.startsWith(lit);
    }
    if (first.length === 0 && simple(last)) {
      const lit = last[0];
      return (s) => s.endsWith(lit);
    }
  }
  if (middle.length === 1 && first.length === 0 && last.length === 0 && simple(middle[0]!)) {
    const lit = middle[0][0];
    return (s) => s.includes(lit);
  }
  return (s) => matchGeneral(s, first, middle, last);
}

function matchGeneral(s: string, first: Atom[], middle: Atom[][], last: Atom[]): boolean {
  let i = matchForward(s, 0, first);
  if (i < 0) return false;
  for (const run of middle) {
    i = findRun(s, i, run);
    if (i < 0) return false;
  }
  const start = matchBackward(s, s.length, last);
  return start >= i;
}

/** Matches `run` at position i; returns the end position or -1. */
function matchForward(s: string, i: number, run: Atom[]): number {
  for (const atom of run) {
    if (typeof atom === 'string') {
      if (!s.startsWith(atom, i)) return -1;
      i += atom.length;
    } else {
      for (let k = 0; k < atom; k++) {
        if (i >= s.length) return -1;
        i += isPairAt(s, i) ? 2 : 1;
      }
    }
  }
  return i;
}

/** Matches `run` so that it ends at position `end`; returns its start or -1. */
function matchBackward(s: string, end: number, run: Atom[]): number {
  let i = end;
  for (let a = run.length - 1; a >= 0; a--) {
    const atom = run[a]!;
    if (typeof atom === 'string') {
      i -= atom.length;
      if (i < 0 || !s.startsWith(atom, i)) return -1;
    } else {
      for (let k = 0; k < atom; k++) {
        if (i <= 0) return -1;
        i -= i >= 2 && isPairAt(s, i - 2) ? 2 : 1;
      }
    }
  }
  return i;
}

/** The end of the leftmost match of `run` at or after `from`, or -1. */
function findRun(s: string, from: number, run: Atom[]): number {
  const head = run[0];
  for (let i = from; i <= s.length; ) {
    if (typeof head === 'string') {
      i = s.indexOf(head, i);
      if (i < 0) return -1;
    }
    const end = matchForward(s, i, run);
    if (end >= 0) return end;
    i += isPairAt(s, i) ? 2 : 1;
  }
  return -1;
}

function isPairAt(s: string, i: number): boolean {
  return (s.charCodeAt(i) & 0xfc00) === 0xd800 && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
}

/** like_escape(pattern, escape): rewrites a pattern using `escape` into one using `\`. */
export function likeEscape(pattern: string, escapeText: string): string {
  if (escapeText.length === 0) return pattern.replaceAll('\\', '\\\\');
  const e = singleEscape(escapeText);
  if (e === '\\') return pattern;
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === e) {
      // A trailing escape stays a (trailing) backslash: LIKE then reports it.
      out += i + 1 < pattern.length ? `\\${pattern[++i]}` : '\\';
    } else {
      out += c === '\\' ? '\\\\' : c;
    }
  }
  return out;
}

/** The one escape character of an ESCAPE clause; 22025 when it is longer (PostgreSQL's check). */
export function singleEscape(escapeText: string): string {
  const cp = escapeText.codePointAt(0);
  if (cp === undefined || escapeText.length !== (cp > 0xffff ? 2 : 1)) {
    throw new DataError(SqlState.invalidEscapeSequence, 'invalid escape string', {
      hint: 'Escape string must be empty or one character.',
    });
  }
  return escapeText;
}

/**
 * similar_to_escape(pattern [, escape]): the POSIX regex equivalent of a SIMILAR TO pattern
 * (the parser turns `s SIMILAR TO p` into `s ~ similar_to_escape(p)`). The escape defaults to `\`;
 * an empty one disables escaping; `escape"` pairs delimit the part SUBSTRING(... SIMILAR ...) returns.
 */
export function similarToEscape(pattern: string, escapeText: string | null = '\\'): string {
  const e = escapeText === null || escapeText.length === 0 ? '' : singleEscape(escapeText);
  let out = '^(?:';
  let quotes = 0;
  let afterEscape = false;
  let inClass = false;
  let classStart = -1;
  for (const c of pattern) {
    if (afterEscape) {
      afterEscape = false;
      if (c === '"' && !inClass) {
        quotes++;
        if (quotes > 2) {
          throw new DataError(
            SqlState.invalidUseOfEscapeCharacter,
            'SQL regular expression may not contain more than two escape-double-quote separators',
          );
        }
        out += quotes === 1 ? '){1,1}?(' : '){1,1}(?:';
      } else {
        out += `\\${c}`;
      }
    } else if (c === e) {
      afterEscape = true;
    } else if (inClass) {
      out += c === '\\' ? '\\\\' : c;
      // `]` right after `[` or `[^` is a member, not the end.
      if (c === ']' && out.length - 1 > classStart) inClass = false;
      else if (c === '^' && out.length - 1 === classStart) classStart++;
    } else if (c === '[') {
      inClass = true;
      out += '[';
      classStart = out.length;
    } else if (c === '%') {
      out += '.*';
    } else if (c === '_') {
      out += '.';
    } else if (c === '(') {
      out += '(?:';
    } else if (c === '\\' || c === '.' || c === '^' || c === '$') {
      out += `\\${c}`;
    } else {
      out += c;
    }
  }
  return `${out})$`;
}
