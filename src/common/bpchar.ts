/**
 * @module common/bpchar
 * char(n)'s value form: the string as PostgreSQL stores it, padded with spaces to n characters
 * (ADR 0002). Trailing spaces are insignificant to char's comparison, so the binder compares
 * bpchar operands through `trimBpchar` (sql/bind/operators.ts) and the cast to text trims.
 */

/** Drops trailing spaces: what the cast to text leaves and what char's comparison sees. */
export function trimBpchar(s: string): string {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 32) end--;
  return end === s.length ? s : s.slice(0, end);
}

/** The value padded with spaces to `length` characters (code points), as char(n) stores it. */
export function padBpchar(s: string, length: number | undefined): string {
  if (length === undefined || s.length >= length * 2) return s;
  let codePoints = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff) codePoints++;
  }
  return codePoints < length ? s + ' '.repeat(length - codePoints) : s;
}
