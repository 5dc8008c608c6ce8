/**
 * @module test/slt/runner/parser
 * Parses sqllogictest text into records. Accepts LF and CRLF; every record keeps the 1-based line of
 * its header and the hash-threshold in effect at that point, so later stages never re-scan the file.
 */

export type SortMode = 'nosort' | 'rowsort' | 'valuesort';

/** A `skipif <engine>` or `onlyif <engine>` line before a record. */
export interface Condition {
  readonly kind: 'skipif' | 'onlyif';
  readonly engine: string;
}

/** What a query record expects: listed values, a count plus MD5, or nothing (no `----`). */
export type Expected =
  | { readonly kind: 'values'; readonly values: readonly string[] }
  | { readonly kind: 'hash'; readonly count: number; readonly hash: string }
  | { readonly kind: 'none' };

export interface StatementRecord {
  readonly kind: 'statement';
  readonly line: number;
  readonly conditions: readonly Condition[];
  readonly expectError: boolean;
  /**
   * With `statement error <pattern>` (or `query error <pattern>`): a SQLSTATE (`22012`) the error
   * must carry, or else a regular expression its message must match.
   */
  readonly errorPattern?: string;
  readonly sql: string;
}

export interface QueryRecord {
  readonly kind: 'query';
  readonly line: number;
  readonly conditions: readonly Condition[];
  /** One letter per result column: I integer, R float, T text. */
  readonly types: string;
  readonly sort: SortMode;
  readonly label: string | undefined;
  readonly sql: string;
  readonly expected: Expected;
  /** Results with more values than this are compared by hash; 0 means never. */
  readonly hashThreshold: number;
}

export interface HaltRecord {
  readonly kind: 'halt';
  readonly line: number;
  readonly conditions: readonly Condition[];
}

export type SltRecord = StatementRecord | QueryRecord | HaltRecord;

/** The reference driver's default when a file sets no `hash-threshold`. */
export const defaultHashThreshold = 8;

/** The engine name this runner answers to in `skipif`/`onlyif` markers. */
export const engineName = 'postgresql';

const hashLine = /^(\d+) values hashing to ([0-9a-f]{32})$/;
const sortModes: ReadonlySet<string> = new Set(['nosort', 'rowsort', 'valuesort']);

export class SltParseError extends Error {
  constructor(file: string, line: number, message: string) {
    super(`${file}:${line}: ${message}`);
    this.name = 'SltParseError';
  }
}

/**
 * Splits a file into records; comment lines (`#`) are dropped. A malformed file is rejected rather
 * than read leniently, since a lenient reading drops checks silently: a result block (`----`) that
 * does not follow its query (a blank line in between ends the query record), an unknown directive,
 * a `skipif`/`onlyif` not followed by a record, or a statement whose body holds `----`.
 */
export function parseSlt(text: string, file = '<input>'): SltRecord[] {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) lines[i] = lines[i].trimEnd();
  const records: SltRecord[] = [];
  let threshold = defaultHashThreshold;
  let conditions: Condition[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (line === '' || line.startsWith('#')) {
      if (line === '' && conditions.length > 0)
        throw new SltParseError(file, i + 1, `${conditions[0].kind} is not followed by a record`);
      i++;
      continue;
    }
    const words = stripComment(line).split(/\s+/);
    const head = words[0];
    const lineNo = i + 1;
    if (head === 'skipif' || head === 'onlyif') {
      if (words.length < 2) throw new SltParseError(file, lineNo, `${head} needs an engine name`);
      conditions.push({ kind: head, engine: words[1] });
      i++;
    } else if (head === 'statement' || (head === 'query' && words[1] === 'error')) {
      const mode = words[1];
      if (mode !== 'ok' && mode !== 'error')
        throw new SltParseError(file, lineNo, `bad statement mode: ${line}`);
      const body = readBlock(lines, i + 1);
      if (body.lines.includes('----'))
        throw new SltParseError(file, lineNo, 'a statement record has no result block (`----`)');
      const pattern = mode === 'error' ? line.trim().split(/\s+/).slice(2).join(' ') : '';
      records.push({
        kind: 'statement',
        line: lineNo,
        conditions,
        expectError: mode === 'error',
        ...(pattern === '' ? {} : { errorPattern: pattern }),
        sql: body.lines.join('\n'),
      });
      i = body.end;
      conditions = [];
    } else if (head === 'query') {
      const parsed = parseQuery(lines, i, words, conditions, threshold, file);
      records.push(parsed.record);
      i = parsed.end;
      conditions = [];
    } else if (head === 'hash-threshold') {
      const n = Number(words[1]);
      if (!Number.isInteger(n) || n < 0) throw new SltParseError(file, lineNo, `bad hash-threshold: ${line}`);
      threshold = n;
      i++;
    } else if (head === 'halt') {
      records.push({ kind: 'halt', line: lineNo, conditions });
      conditions = [];
      i++;
    } else if (head === '----') {
      throw new SltParseError(
        file,
        lineNo,
        'a result block (`----`) without its query: is there a blank line between them?',
      );
    } else {
      throw new SltParseError(file, lineNo, `unknown directive: ${head}`);
    }
  }
  return records;
}

function stripComment(line: string): string {
  const hash = line.indexOf('#');
  return (hash < 0 ? line : line.slice(0, hash)).trim();
}

/** Reads lines up to (not including) the next blank line or end of file. */
function readBlock(lines: string[], start: number): { lines: string[]; end: number } {
  let end = start;
  while (end < lines.length && lines[end] !== '') end++;
  return { lines: lines.slice(start, end), end };
}

function parseQuery(
  lines: string[],
  at: number,
  words: string[],
  conditions: Condition[],
  hashThreshold: number,
  file: string,
): { record: QueryRecord; end: number } {
  const types = words[1];
  if (types === undefined || !/^[A-Z]+$/.test(types)) {
    throw new SltParseError(file, at + 1, `bad query type string: ${lines[at]}`);
  }
  let sort: SortMode = 'nosort';
  let label: string | undefined;
  for (const word of words.slice(2)) {
    if (sortModes.has(word)) sort = word as SortMode;
    else label = word;
  }
  const block = readBlock(lines, at + 1);
  const sep = block.lines.indexOf('----');
  const sqlLines = sep < 0 ? block.lines : block.lines.slice(0, sep);
  let expected: Expected = { kind: 'none' };
  if (sep >= 0) {
    const values = block.lines.slice(sep + 1);
    const m = values.length === 1 ? hashLine.exec(values[0]) : null;
    expected = m ? { kind: 'hash', count: Number(m[1]), hash: m[2] } : { kind: 'values', values };
  }
  const record: QueryRecord = {
    kind: 'query',
    line: at + 1,
    conditions,
    types,
    sort,
    label,
    sql: sqlLines.join('\n'),
    expected,
    hashThreshold,
  };
  return { record, end: block.end };
}

/**
 * Whether an engine answering to `names` skips a record: a `skipif` naming one of them, or an
 * `onlyif` naming none. Nothing else makes a record skipped. Every engine answers to
 * `postgresql`; Eddy also to `eddy`, so a golden file can give Eddy's own syntax (`onlyif eddy`)
 * beside PostgreSQL's spelling of the same query (`skipif eddy`), both with one expected result.
 */
export function isSkipped(
  conditions: readonly Condition[],
  names: readonly string[] = [engineName],
): boolean {
  for (const c of conditions) {
    if (c.kind === 'skipif' ? names.includes(c.engine) : !names.includes(c.engine)) return true;
  }
  return false;
}

/** The names an engine answers to in `skipif` / `onlyif`. */
export function engineNames(engine: 'eddy' | 'postgres'): readonly string[] {
  return engine === 'eddy' ? [engineName, 'eddy'] : [engineName];
}
