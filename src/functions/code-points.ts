/**
 * @module functions/code-points
 * SQL counts characters (code points); JS strings index UTF-16 units. These helpers convert,
 * with a fast path for the usual case of a string without surrogate pairs.
 */

const SURROGATE = /[\ud800-\udfff]/;

export function hasSurrogates(s: string): boolean {
  return SURROGATE.test(s);
}

export function isPairAt(s: string, i: number): boolean {
  return (s.charCodeAt(i) & 0xfc00) === 0xd800 && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
}

/** Code points in `s`, counting a surrogate pair once. */
export function codePointLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    if (isPairAt(s, i)) {
      n--;
      i++;
    }
  }
  return n;
}

/** UTF-16 offset of code point number `n` (0-based); s.length when past the end. */
export function codePointOffset(s: string, n: number): number {
  let i = 0;
  while (n > 0 && i < s.length) {
    i += isPairAt(s, i) ? 2 : 1;
    n--;
  }
  return i;
}

/** Code points before UTF-16 offset `end`. */
export function codePointsBefore(s: string, end: number): number {
  let n = end;
  for (let i = 0; i < end - 1; i++) {
    if (isPairAt(s, i)) {
      n--;
      i++;
    }
  }
  return n;
}

/** Code points [from, to) of `s` (0-based, clamped), like String#slice over characters. */
export function sliceCodePoints(s: string, from: number, to: number): string {
  if (!hasSurrogates(s)) return s.slice(from, to);
  const a = codePointOffset(s, from);
  if (to === Infinity) return s.slice(a);
  return s.slice(a, a + codePointOffset(s.slice(a), to - from));
}
