/**
 * @module connectors/file/file-options
 * A file source's options, from `CREATE SOURCE … WITH (connector = 'file', path = '<glob>', …)`:
 * which files (a glob), their format (CSV or JSON lines), whether to read them once or keep
 * tailing them, and how much one step takes. Refused with 22023 when malformed.
 */
import { invalid, Options, type SourceOption } from '../options.ts';

export interface FileSourceSpec {
  readonly connector: 'file';
  /** A glob (`*`, `**`, `?`, `{a,b}`), absolute or relative to the server's working folder. */
  readonly path: string;
  readonly format: 'csv' | 'json';
  /** `once`: read to the ends of the files there are, then idle; `tail`: keep looking for more. */
  readonly mode: 'once' | 'tail';
  /** CSV: the first line names the columns (else fields are taken in column order). */
  readonly header: boolean;
  /** CSV: the field separator (one character). */
  readonly delimiter: string;
  readonly maxRecordBytes: number;
  /** Bytes one step reads at most (from one file). */
  readonly pollBytes: number;
  /** How often `tail` looks for new files and lines (ms). */
  readonly pollWaitMs: number;
}

const known = [
  'path',
  'format',
  'mode',
  'header',
  'delimiter',
  'max_record_bytes',
  'poll_bytes',
  'poll_wait_ms',
];

export function fileSourceSpec(options: readonly SourceOption[]): FileSourceSpec {
  const o = new Options(options, known, 'a file source');
  const delimiter = o.text('delimiter') ?? ',';
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r')
    throw invalid('option "delimiter" must be one character other than a quote or a line break');
  const format = o.oneOf('format', ['csv', 'json', 'jsonl', 'ndjson'], 'json');
  return {
    connector: 'file',
    path: o.required('path', "Say path = '/data/events/*.jsonl'."),
    format: format === 'csv' ? 'csv' : 'json',
    mode: o.oneOf('mode', ['once', 'tail'], 'once'),
    header: o.boolean('header', true),
    delimiter,
    maxRecordBytes: o.integer('max_record_bytes', 1 << 20),
    pollBytes: o.integer('poll_bytes', 4 << 20),
    pollWaitMs: o.integer('poll_wait_ms', 200),
  };
}
