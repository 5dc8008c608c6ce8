/**
 * @module sql/front/text-offsets
 * libpg-query counts UTF-8 bytes (AST locations, scan tokens) and code points (error cursors); Eddy counts
 * JavaScript string indices. These helpers convert; pure ASCII text, the common case, needs no table.
 */

const NON_ASCII = /[\u0080-\uffff]/;

export function isAscii(text: string): boolean {
  return !NON_ASCII.test(text);
}

/** UTF-8 length of the character whose first UTF-16 unit is at `i` (2 units for a surrogate pair: 4). */
function utf8Width(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c < 0x80) return 1;
  if (c < 0x800) return 2;
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
    const d = text.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return 4;
  }
  return 3;
}

/**
 * For each UTF-8 byte offset of `text`, the string index of the character holding it; the entry past the
 * last byte is `text.length`.
 */
export function byteToIndexTable(text: string): Int32Array {
  const table = new Int32Array(Buffer.byteLength(text, 'utf8') + 1);
  let byte = 0;
  for (let i = 0; i < text.length; i++) {
    const width = utf8Width(text, i);
    for (let k = 0; k < width; k++) table[byte++] = i;
    if (width === 4) i++;
  }
  table[byte] = text.length;
  return table;
}

/** The string index of the code point numbered `codePoint` (0-based), clamped to the text's end. */
export function codePointToIndex(text: string, codePoint: number): number {
  let index = 0;
  for (let n = 0; n < codePoint && index < text.length; n++) {
    index += utf8Width(text, index) === 4 ? 2 : 1;
  }
  return index;
}

/**
 * PostgreSQL's 1-based character position (code points) for the 1-based string-index position Eddy
 * errors carry. They differ only after characters outside the Basic Multilingual Plane.
 */
export function characterPosition(script: string, position: number): number {
  let chars = 0;
  for (let i = 0; i < position - 1 && i < script.length; i++) {
    if (utf8Width(script, i) === 4) i++;
    chars++;
  }
  return chars + 1;
}
