/**
 * @module server/pgwire/backend-messages
 * Encoders for the backend messages of protocol 3.0, each written whole into a MessageWriter.
 * Field order and codes follow PostgreSQL's "Message Formats" chapter.
 */
import type { TimeZone } from '../../common/datetime-zone.ts';
import { type SqlType, typeOid } from '../../common/types.ts';
import type { Value } from '../../common/value.ts';
import type { ResultColumn } from '../../runtime/result.ts';
import type { MessageWriter } from './message-writer.ts';
import { typeLength, typeModifier } from './type-info.ts';
import { writeBinary, writeText } from './value-codec.ts';
import type { ErrorFields } from './wire-error.ts';

/** Per-column result formats: 0 text, 1 binary. */
export type Formats = readonly number[];

export const TEXT_FORMATS: Formats = [];

export type TransactionStatus = 'I' | 'T' | 'E';

/** A message type byte. */
const code = (c: string): number => c.charCodeAt(0);
const Z = code('Z');
const D = code('D');
const C = code('C');

export function readyForQuery(w: MessageWriter, status: TransactionStatus): void {
  w.begin(Z).byte(code(status)).end();
}

export function parameterStatus(w: MessageWriter, name: string, value: string): void {
  w.begin(code('S')).cstring(name).cstring(value).end();
}

export function backendKeyData(w: MessageWriter, pid: number, secret: number): void {
  w.begin(code('K')).int32(pid).int32(secret).end();
}

export function commandComplete(w: MessageWriter, tag: string): void {
  w.begin(C).cstring(tag).end();
}

export function emptyQueryResponse(w: MessageWriter): void {
  w.begin(code('I')).end();
}

export function parseComplete(w: MessageWriter): void {
  w.begin(code('1')).end();
}

export function bindComplete(w: MessageWriter): void {
  w.begin(code('2')).end();
}

export function closeComplete(w: MessageWriter): void {
  w.begin(code('3')).end();
}

export function noData(w: MessageWriter): void {
  w.begin(code('n')).end();
}

export function portalSuspended(w: MessageWriter): void {
  w.begin(code('s')).end();
}

export function parameterDescription(w: MessageWriter, types: readonly SqlType[]): void {
  w.begin(code('t')).int16(types.length);
  for (const t of types) w.uint32(typeOid(t));
  w.end();
}

/** The format of column `i` under Bind's result-format codes (none: text; one: all alike). */
export function formatOf(formats: Formats, i: number): number {
  return formats.length === 0 ? 0 : formats.length === 1 ? formats[0]! : (formats[i] ?? 0);
}

export function rowDescription(w: MessageWriter, columns: readonly ResultColumn[], formats: Formats): void {
  w.begin(code('T')).int16(columns.length);
  for (let i = 0; i < columns.length; i++) {
    const c = columns[i]!;
    w.cstring(c.name)
      .int32(0)
      .int16(0)
      .uint32(typeOid(c.type))
      .int16(typeLength(c.type))
      .int32(typeModifier(c.type))
      .int16(formatOf(formats, i));
  }
  w.end();
}

/** One DataRow: the first `columns.length` values of `values`, in the given formats. */
export function dataRow(
  w: MessageWriter,
  values: readonly Value[],
  columns: readonly ResultColumn[],
  formats: Formats,
  zone: TimeZone,
): void {
  const n = columns.length;
  w.begin(D).int16(n);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null || v === undefined) {
      w.int32(-1);
      continue;
    }
    const at = w.reserve32();
    if (formatOf(formats, i) === 1) writeBinary(w, v, columns[i]!.type, zone);
    else writeText(w, v, columns[i]!.type, zone);
    w.fillLength(at);
  }
  w.end();
}

function writeFields(w: MessageWriter, f: ErrorFields): void {
  w.byte(code('S')).cstring(f.severity);
  w.byte(code('V')).cstring(f.severity);
  w.byte(code('C')).cstring(f.code);
  w.byte(code('M')).cstring(f.message);
  if (f.detail !== undefined) w.byte(code('D')).cstring(f.detail);
  if (f.hint !== undefined) w.byte(code('H')).cstring(f.hint);
  if (f.position !== undefined) w.byte(code('P')).cstring(String(f.position));
  w.byte(0);
}

export function errorResponse(w: MessageWriter, f: ErrorFields): void {
  w.begin(code('E'));
  writeFields(w, f);
  w.end();
}

export function noticeResponse(w: MessageWriter, f: ErrorFields): void {
  w.begin(code('N'));
  writeFields(w, f);
  w.end();
}

export function copyOutResponse(w: MessageWriter, columns: number): void {
  w.begin(code('H')).byte(0).int16(columns);
  for (let i = 0; i < columns; i++) w.int16(0);
  w.end();
}

export function copyDone(w: MessageWriter): void {
  w.begin(code('c')).end();
}

/** NegotiateProtocolVersion: the newest minor version we speak and the options we ignored. */
export function negotiateProtocolVersion(
  w: MessageWriter,
  minor: number,
  unrecognized: readonly string[],
): void {
  w.begin(code('v')).int32(minor).int32(unrecognized.length);
  for (const o of unrecognized) w.cstring(o);
  w.end();
}
