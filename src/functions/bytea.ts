/**
 * @module functions/bytea
 * The binary string functions: length, substr, position, ||, get_byte, md5 and the sha family,
 * btrim, and encode/decode in PostgreSQL's hex, base64 (76-column lines) and escape formats.
 */
import { createHash } from 'node:crypto';
import { DataError, SqlState } from '../common/errors.ts';
import { byteaIn, hexIn } from './text-io.ts';

function view(b: Uint8Array): Buffer {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

export function byteaLength(b: Uint8Array): number {
  return b.length;
}

export function byteaBitLength(b: Uint8Array): number {
  return b.length * 8;
}

export function byteacat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** substr(bytea, start [, count]) with the same start/length rules as text's substr. */
export function byteaSubstr(b: Uint8Array, start: number, count?: number): Uint8Array {
  const from = Math.max(start, 1);
  if (count === undefined) return b.slice(from - 1);
  if (count < 0) throw new DataError(SqlState.substringError, 'negative substring length not allowed');
  const end = start + count;
  return end <= from ? new Uint8Array(0) : b.slice(from - 1, end - 1);
}

/** overlay(bytea placing bytea from start [for count]). */
export function byteaOverlay(b: Uint8Array, r: Uint8Array, start: number, count = r.length): Uint8Array {
  return byteacat(byteacat(byteaSubstr(b, 1, start - 1), r), byteaSubstr(b, start + count));
}

export function byteaPosition(b: Uint8Array, sub: Uint8Array): number {
  return view(b).indexOf(view(sub)) + 1;
}

export function getByte(b: Uint8Array, n: number): number {
  if (n < 0 || n >= b.length) {
    throw new DataError(SqlState.arraySubscriptError, `index ${n} out of valid range, 0..${b.length - 1}`);
  }
  return b[n]!;
}

/** btrim(bytea, bytea): strips bytes occurring in `set` from both ends. */
export function byteaTrim(b: Uint8Array, set: Uint8Array, leading = true, trailing = true): Uint8Array {
  let i = 0;
  let j = b.length;
  if (leading) while (i < j && set.includes(b[i]!)) i++;
  if (trailing) while (j > i && set.includes(b[j - 1]!)) j--;
  return b.slice(i, j);
}

export function md5Bytea(b: Uint8Array): string {
  return createHash('md5').update(b).digest('hex');
}

export function sha(algorithm: 'sha224' | 'sha256' | 'sha384' | 'sha512'): (b: Uint8Array) => Uint8Array {
  return (b) => new Uint8Array(createHash(algorithm).update(b).digest());
}

function badEncoding(name: string): DataError {
  return new DataError(SqlState.invalidParameterValue, `unrecognized encoding: "${name}"`);
}

/** encode(bytea, format): 'hex', 'base64' (lines of 76) or 'escape' (NUL and high bytes as \ooo). */
export function encode(b: Uint8Array, format: string): string {
  switch (format.toLowerCase()) {
    case 'hex':
      return view(b).toString('hex');
    case 'base64':
      return view(b)
        .toString('base64')
        .replace(/.{76}(?=.)/g, '$&\n');
    case 'escape':
      return escapeEncode(b);
    default:
      throw badEncoding(format);
  }
}

function escapeEncode(b: Uint8Array): string {
  let out = '';
  for (const c of b) {
    if (c === 0 || c >= 0x80) out += `\\${c.toString(8).padStart(3, '0')}`;
    else if (c === 92) out += '\\\\';
    else out += String.fromCharCode(c);
  }
  return out;
}

/** decode(text, format): the inverse of encode. */
export function decode(s: string, format: string): Uint8Array {
  switch (format.toLowerCase()) {
    case 'hex':
      return hexIn(s, 0);
    case 'base64':
      return base64Decode(s);
    case 'escape':
      return byteaIn(s.startsWith('\\x') ? `\\\\${s.slice(1)}` : s);
    default:
      throw badEncoding(format);
  }
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function base64Decode(s: string): Uint8Array {
  const compact = s.replace(/[ \t\n\r]/g, '');
  if (!BASE64.test(compact)) {
    const bad = /[^A-Za-z0-9+/=]|=[^=]/.exec(compact);
    const symbol = bad === null ? '=' : bad[0].slice(-1);
    throw new DataError(
      SqlState.invalidParameterValue,
      `invalid symbol "${symbol}" found while decoding base64 sequence`,
    );
  }
  if (compact.length % 4 !== 0) {
    throw new DataError(SqlState.invalidParameterValue, 'invalid base64 end sequence', {
      hint: 'Input data is missing padding, is truncated, or is otherwise corrupted.',
    });
  }
  return new Uint8Array(Buffer.from(compact, 'base64'));
}
