/**
 * @module common/utf8-text
 * Text enters Eddy as UTF-8 without NUL, as in a PostgreSQL database with UTF8 encoding: bytes
 * that are not UTF-8 (wire protocol, HTTP bodies) and JavaScript strings that are not Unicode
 * (lone surrogates, from the library) are refused with 22021 naming the offending bytes, never
 * replaced by U+FFFD. NUL is refused too: PostgreSQL's text cannot hold it.
 */
import { DataError, SqlState } from './errors.ts';

const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** PostgreSQL's message for bytes that are not valid in the database encoding. */
export function invalidByteSequence(bytes: ArrayLike<number>): DataError {
  const shown = Array.from(bytes, (b) => `0x${b.toString(16).padStart(2, '0')}`).join(' ');
  return new DataError(
    SqlState.characterNotInRepertoire,
    `invalid byte sequence for encoding "UTF8": ${shown}`,
  );
}

/** Decodes `bytes[start, end)` as UTF-8; 22021 at the first invalid sequence or NUL. */
export function decodeUtf8(bytes: Uint8Array, start = 0, end = bytes.length): string {
  const view = bytes.subarray(start, end);
  let text: string;
  try {
    text = strictDecoder.decode(view);
  } catch {
    throw invalidByteSequence(firstInvalidSequence(view));
  }
  if (view.includes(0)) throw invalidByteSequence([0]);
  return text;
}

/** NUL, or a surrogate code unit not in a pair (code units: no `u` flag). */
const NOT_UNICODE = /\0|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Checks a string from JavaScript: 22021 for a lone surrogate or NUL (how PostgreSQL would see them). */
export function checkUnicodeText(s: string): string {
  if (!NOT_UNICODE.test(s)) return s;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0) throw invalidByteSequence([0]);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        i++;
        continue;
      }
    }
    // A surrogate alone is what CESU-8 would write for it: three bytes PostgreSQL rejects.
    if (c >= 0xd800 && c <= 0xdfff)
      throw invalidByteSequence([0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63)]);
  }
  return s;
}

/**
 * The bytes PostgreSQL names for the first invalid sequence: from the lead byte, as many bytes
 * as its high bits announce (one for a byte that cannot lead), cut at the end of the input.
 */
function firstInvalidSequence(bytes: Uint8Array): Uint8Array {
  let i = 0;
  while (i < bytes.length) {
    const length = announcedLength(bytes[i]!);
    if (!validSequence(bytes, i, length)) return bytes.subarray(i, Math.min(i + length, bytes.length));
    i += length;
  }
  return bytes.subarray(0, 0);
}

/** PostgreSQL's pg_utf_mblen: the sequence length a lead byte's high bits announce. */
function announcedLength(lead: number): number {
  if (lead < 0x80) return 1;
  if ((lead & 0xe0) === 0xc0) return 2;
  if ((lead & 0xf0) === 0xe0) return 3;
  if ((lead & 0xf8) === 0xf0) return 4;
  return 1;
}

/** A valid lead, continuation bytes, no overlong forms, no surrogates, nothing past U+10FFFF. */
function validSequence(bytes: Uint8Array, i: number, length: number): boolean {
  const lead = bytes[i]!;
  if (lead < 0x80) return true;
  if (lead < 0xc2 || lead > 0xf4 || i + length > bytes.length) return false;
  for (let k = 1; k < length; k++) if ((bytes[i + k]! & 0xc0) !== 0x80) return false;
  const second = bytes[i + 1]!;
  if (lead === 0xe0 && second < 0xa0) return false;
  if (lead === 0xed && second >= 0xa0) return false;
  if (lead === 0xf0 && second < 0x90) return false;
  if (lead === 0xf4 && second >= 0x90) return false;
  return true;
}
