/**
 * @module runtime/sources/file-source
 * A file source's reader for the shared connector-source loop. Its positions are one row per
 * file (absolute path → byte offset of the next unread record), so a restart goes on from the
 * offsets of the last durable step: nothing lost, nothing read twice. Each batch is a run of
 * complete records of one file (connectors/file): JSON lines decoded as JSON objects, CSV lines
 * matched to the columns by the header's names (or in column order without a header). In
 * `once` mode the source reads every matched file to its end and then idles; in `tail` mode it
 * keeps looking for new files and lines every `poll_wait_ms`.
 */
import { isUtf8 } from 'node:buffer';
import type { PositionKey, TableEntry } from '../../catalog/catalog.ts';
import { SqlState } from '../../common/errors.ts';
import type { FileSourceSpec } from '../../connectors/file/file-options.ts';
import { csvHeader, type FileRecord, readFiles } from '../../connectors/file/file-reader.ts';
import type { SourceBatch, SourceReader, SourceRecord } from './connector-source.ts';

export async function openFileSource(
  spec: FileSourceSpec,
  source: TableEntry,
  log: (line: string) => void,
): Promise<SourceReader> {
  const options = {
    path: spec.path,
    format: spec.format,
    delimiter: spec.delimiter,
    header: spec.header,
    pollBytes: spec.pollBytes,
    maxRecordBytes: spec.maxRecordBytes,
  };
  const columns = source.columns.map((c) => c.name);
  const headers = new Map<string, string[]>();
  let done = false;
  return {
    async poll(stored: ReadonlyMap<PositionKey, number>): Promise<SourceBatch | null> {
      const positions = stored as ReadonlyMap<string, number>;
      if (done) {
        await new Promise((resolve) => setTimeout(resolve, spec.pollWaitMs));
        return null;
      }
      const read = readFiles(options, positions, spec.mode === 'once', (file) =>
        log(
          `source ${source.name}: ${file} is shorter than its recorded offset; reading it again from the start`,
        ),
      );
      if (read === null) {
        // Read once: every matched file is read to its end; what comes later waits for a restart.
        done = spec.mode === 'once';
        await new Promise((resolve) => setTimeout(resolve, spec.pollWaitMs));
        return { records: [], next: new Map(), lag: 0 };
      }
      let names = columns;
      if (spec.format === 'csv' && spec.header) {
        let header = headers.get(read.file);
        if (header === undefined) {
          header = csvHeader(read.file, spec.delimiter) ?? columns;
          headers.set(read.file, header);
        }
        names = header;
      }
      const records = read.records.map((r) => sourceRecord(read.file, r, names, spec.maxRecordBytes));
      return { records, next: new Map([[read.file, read.next]]), lag: read.behind };
    },
    close: async () => {},
  };
}

function sourceRecord(file: string, r: FileRecord, names: readonly string[], max: number): SourceRecord {
  const base = { key: file, offset: r.offset, value: r.bytes };
  if (r.oversized)
    return {
      ...base,
      error: {
        code: SqlState.programLimitExceeded,
        message: `the record is longer than max_record_bytes (${max}); its first bytes are kept`,
      },
    };
  if (r.malformed !== undefined)
    return { ...base, error: { code: SqlState.badCopyFileFormat, message: `malformed CSV: ${r.malformed}` } };
  if (r.fields === undefined) return base;
  if (!isUtf8(r.bytes))
    return {
      ...base,
      error: { code: SqlState.characterNotInRepertoire, message: 'the record is not valid UTF-8' },
    };
  if (r.fields.length !== names.length)
    return {
      ...base,
      error: {
        code: SqlState.badCopyFileFormat,
        message: `the CSV record has ${r.fields.length} fields, ${names.length} expected`,
      },
    };
  const fields: Record<string, string | null> = {};
  for (let i = 0; i < names.length; i++) fields[names[i]!] = r.fields[i]!;
  return { ...base, fields };
}
