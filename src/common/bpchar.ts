/**
 * @module common/bpchar
 * char(n)'s value form: kept without trailing spaces, so values equal under char's comparison
 * (which ignores trailing spaces) have equal forms for hashing, grouping and joins; padded back
 * to n characters wherever PostgreSQL shows the padding (output, to_json).
 */

/** Drops trailing spaces: the canonical form of a char(n) value. */
export function trimBpchar(s: string): string {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 32) end--;
  return end === s.length ? s : s.slice(0, end);
}

/** The value padded with spaces to `length` characters (code points), as char(n) prints. */
export function padBpchar(s: string, length: number | undefined): string {
  if (length === undefined || s.length >= length * 2) return s;
  let codePoints = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff) codePoints++;
  }
  return codePoints < length ? s + ' '.repeat(length - codePoints) : s;
}
