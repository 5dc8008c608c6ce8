/**
 * @module connectors/file/file-reader
 * Reads records from files matched by a glob, from byte offsets the caller keeps (file → offset
 * of the next unread record). Each `read` takes one file that has unread bytes (files in name
 * order), reads up to `pollBytes` from its offset and answers the complete records in it with
 * each one's offset and the offset after the last: a line being written (no line break yet) is
 * left for the next read unless `final` (read-once mode at the end of a file). JSON lines are
 * split on line breaks; CSV records follow RFC 4180 (quoted fields may hold separators, quotes
 * and line breaks), the header line is read again from offset 0 whenever a file is resumed.
 * A record longer than `maxRecordBytes` is answered whole-less (its first bytes, flagged) and
 * skipped to its end, so one huge line cannot stall the source.
 */
import { closeSync, globSync, openSync, readSync, statSync } from 'node:fs';
import { resolve } from 'node:path';

export interface FileRecord {
  readonly offset: number;
  /** The record's bytes (without its line break); only the first bytes when `oversized`. */
  readonly bytes: Buffer;
  /** CSV: the fields (NULL for an unquoted empty field). */
  readonly fields?: (string | null)[];
  readonly oversized: boolean;
  /** CSV: why the record could not be split into fields. */
  readonly malformed?: string;
}

export interface FileRead {
  readonly file: string;
  readonly records: FileRecord[];
  /** The offset after the last record taken. */
  readonly next: number;
  /** Bytes in the matched files beyond the positions (after this read). */
  readonly behind: number;
}

export interface FileReaderOptions {
  readonly path: string;
  readonly format: 'csv' | 'json';
  readonly delimiter: string;
  readonly header: boolean;
  readonly pollBytes: number;
  readonly maxRecordBytes: number;
}

/** The matched files, absolute, in name order. */
export function matchFiles(pattern: string): string[] {
  return globSync(pattern)
    .map((f) => resolve(f))
    .filter((f) => {
      try {
        return statSync(f).isFile();
      } catch {
        return false;
      }
    })
    .sort();
}

/**
 * Reads from the first matched file with bytes past its position; null when there is none.
 * `final`: take a last record that has no line break (the file is read once, to its end).
 * `truncated` is called for a file shorter than its position (it is read again from 0).
 */
export function readFiles(
  options: FileReaderOptions,
  positions: ReadonlyMap<string, number>,
  final: boolean,
  truncated: (file: string) => void,
): FileRead | null {
  const files = matchFiles(options.path);
  const sizes = new Map<string, number>();
  for (const f of files) sizes.set(f, statSync(f).size);
  for (const file of files) {
    let from = positions.get(file) ?? 0;
    const size = sizes.get(file)!;
    if (size < from) {
      truncated(file);
      from = 0;
    }
    if (size === from) continue;
    const read = readRecords(options, file, from, size, final);
    if (read === null) continue;
    let behind = 0;
    for (const [f, s] of sizes) behind += Math.max(0, s - (f === file ? read.next : (positions.get(f) ?? 0)));
    return { file, records: read.records, next: read.next, behind };
  }
  return null;
}

function readRecords(
  options: FileReaderOptions,
  file: string,
  from: number,
  size: number,
  final: boolean,
): { records: FileRecord[]; next: number } | null {
  const fd = openSync(file, 'r');
  try {
    const want = Math.min(size - from, Math.max(options.pollBytes, options.maxRecordBytes + 2));
    const chunk = Buffer.allocUnsafe(want);
    const got = readSync(fd, chunk, 0, want, from);
    const bytes = chunk.subarray(0, got);
    const atEnd = from + got >= size;
    const records: FileRecord[] = [];
    let start = 0;
    let skipHeader = options.format === 'csv' && from === 0 && options.header;
    for (;;) {
      const end = options.format === 'csv' ? csvRecordEnd(bytes, start) : bytes.indexOf(0x0a, start);
      if (end === -1) {
        const rest = bytes.length - start;
        if (rest > options.maxRecordBytes) {
          // An oversized record: flagged with its first bytes, then skipped to its line break.
          const skipTo = lineBreakAfter(fd, from + bytes.length, size);
          if (skipTo === -1 && !final) break;
          records.push({
            offset: from + start,
            bytes: Buffer.from(bytes.subarray(start, start + 4096)),
            oversized: true,
          });
          start = skipTo === -1 ? size - from : skipTo + 1 - from;
          break;
        }
        if (rest > 0 && final && atEnd) {
          if (!skipHeader) records.push(record(options, bytes, from, start, bytes.length));
          start = bytes.length;
        }
        break;
      }
      if (skipHeader) skipHeader = false;
      else if (end - start > 0 && !(end - start === 1 && bytes[start] === 0x0d))
        records.push(record(options, bytes, from, start, end));
      start = end + 1;
    }
    if (start === 0 && records.length === 0) return null;
    return { records, next: from + start };
  } finally {
    closeSync(fd);
  }
}

function record(
  options: FileReaderOptions,
  bytes: Buffer,
  base: number,
  start: number,
  end: number,
): FileRecord {
  let stop = end;
  if (stop > start && bytes[stop - 1] === 0x0d) stop--;
  const line = bytes.subarray(start, stop);
  if (line.length > options.maxRecordBytes)
    return { offset: base + start, bytes: Buffer.from(line.subarray(0, 4096)), oversized: true };
  const copy = Buffer.from(line);
  if (options.format === 'json') return { offset: base + start, bytes: copy, oversized: false };
  const split = splitCsv(copy.toString('utf8'), options.delimiter);
  return typeof split === 'string'
    ? { offset: base + start, bytes: copy, oversized: false, malformed: split }
    : { offset: base + start, bytes: copy, oversized: false, fields: split };
}

/** The offset of the line break that ends the CSV record starting at `start` (outside quotes), or -1. */
function csvRecordEnd(bytes: Buffer, start: number): number {
  let quoted = false;
  for (let i = start; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === 0x22) quoted = !quoted;
    else if (b === 0x0a && !quoted) return i;
  }
  return -1;
}

function lineBreakAfter(fd: number, position: number, size: number): number {
  const buffer = Buffer.allocUnsafe(1 << 16);
  for (let at = position; at < size; ) {
    const got = readSync(fd, buffer, 0, buffer.length, at);
    if (got <= 0) break;
    const i = buffer.subarray(0, got).indexOf(0x0a);
    if (i !== -1) return at + i;
    at += got;
  }
  return -1;
}

/** A CSV record's fields (an unquoted empty field is NULL), or why it is malformed. */
export function splitCsv(text: string, delimiter: string): (string | null)[] | string {
  const fields: (string | null)[] = [];
  let i = 0;
  for (;;) {
    if (text[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q === -1) return 'unterminated quoted field';
        value += text.slice(i, q);
        if (text[q + 1] === '"') {
          value += '"';
          i = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      fields.push(value);
      if (i === text.length) return fields;
      if (text[i] !== delimiter) return `unexpected character after a quoted field at ${i + 1}`;
      i++;
    } else {
      const d = text.indexOf(delimiter, i);
      const raw = d === -1 ? text.slice(i) : text.slice(i, d);
      if (raw.includes('"')) return `a quote inside an unquoted field at ${i + 1}`;
      fields.push(raw === '' ? null : raw);
      if (d === -1) return fields;
      i = d + 1;
    }
  }
}

/** The header line of a CSV file (its column names), or null when the file has none yet. */
export function csvHeader(file: string, delimiter: string): string[] | null {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.allocUnsafe(1 << 16);
    const got = readSync(fd, buffer, 0, buffer.length, 0);
    const end = buffer.subarray(0, got).indexOf(0x0a);
    if (end === -1) return null;
    const split = splitCsv(buffer.subarray(0, end).toString('utf8').replace(/\r$/, ''), delimiter);
    return typeof split === 'string' ? null : split.map((f) => (f ?? '').trim());
  } finally {
    closeSync(fd);
  }
}
