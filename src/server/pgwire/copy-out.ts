/**
 * @module server/pgwire/copy-out
 * `COPY (query) TO STDOUT`, `COPY table [(columns)] TO STDOUT` and the streaming
 * `COPY (SUBSCRIBE …) TO STDOUT`: CopyOutResponse, one CopyData per row in PostgreSQL's text
 * or CSV format, CopyDone and `COPY n` (a subscription ends only by cancel, with an error).
 */
import type { CopyStmt, Node } from 'libpg-query';
import type { TimeZone } from '../../common/datetime-zone.ts';
import { EddyError } from '../../common/errors.ts';
import type { Value } from '../../common/value.ts';
import { formatText } from '../../functions/text-io.ts';
import type { ResultColumn } from '../../runtime/result.ts';
import { commandComplete, copyDone, copyOutResponse } from './backend-messages.ts';
import { flushBytes, type PgConnection } from './pg-connection.ts';
import type { Portal } from './portal.ts';
import { closingParen, quoteIdent, skipBlank } from './sql-text.ts';
import { checkNotAborted, parseWireStatement, startFeed, streamFeed } from './subscribe-stream.ts';
import { WireError, WireState } from './wire-error.ts';

interface CopyFormat {
  readonly csv: boolean;
  readonly delimiter: string;
  readonly null: string;
  readonly header: boolean;
  readonly quote: string;
}

const COPY_DATA = 100;

export function executeCopy(conn: PgConnection, portal: Portal): void | Promise<void> {
  checkNotAborted(conn);
  const text = portal.statement.text;
  const stmt = parseWireStatement(conn, portal.statement);
  if (stmt.kind === 'copySubscribe') {
    const format = copyFormat(stmt.copy);
    const { feed, release } = startFeed(conn, stmt.subscription, text);
    copyOutResponse(conn.w, feed.columns.length);
    if (format.header) copyData(conn, headerLine(feed.columns, format));
    const zone = conn.zone();
    const emit = (row: Value[]) => copyData(conn, copyLine(row, feed.columns, format, zone));
    return streamFeed(conn, feed, emit, 0).finally(release);
  }
  if (stmt.kind !== 'postgres' || !('CopyStmt' in stmt.stmt)) {
    throw WireError.error(WireState.featureNotSupported, 'this form of COPY is not supported');
  }
  const copy = stmt.stmt.CopyStmt;
  if (copy.is_from) {
    throw WireError.error(WireState.featureNotSupported, 'COPY FROM is not supported', {
      hint: 'Use INSERT, or the HTTP ingest endpoint for bulk loads.',
    });
  }
  if (copy.filename !== undefined || copy.is_program) {
    throw WireError.error(WireState.featureNotSupported, 'COPY to a file or program is not supported', {
      hint: 'Use COPY … TO STDOUT (psql: \\copy).',
    });
  }
  const format = copyFormat(copy);
  const { query, offset } = copyQuery(text, copy);
  let results: ReturnType<typeof conn.session.execute>;
  try {
    results = conn.session.execute(query);
  } catch (e) {
    if (e instanceof EddyError && e.position !== undefined) e.position += offset;
    throw e;
  }
  const result = results[results.length - 1]!;
  copyOutResponse(conn.w, result.columns.length);
  if (format.header) copyData(conn, headerLine(result.columns, format));
  const finish = () => {
    copyDone(conn.w);
    commandComplete(conn.w, `COPY ${result.rows.length}`);
  };
  const pending = writeCopyRows(conn, result.rows, 0, result.columns, format);
  if (pending) return pending.then(finish);
  finish();
}

function writeCopyRows(
  conn: PgConnection,
  rows: readonly Value[][],
  from: number,
  columns: readonly ResultColumn[],
  format: CopyFormat,
): void | Promise<void> {
  const zone = conn.zone();
  for (let i = from; i < rows.length; i++) {
    copyData(conn, copyLine(rows[i]!, columns, format, zone));
    if (conn.w.length >= flushBytes) {
      conn.flush();
      if (conn.needsDrain()) {
        const next = i + 1;
        return conn.drained().then(() => writeCopyRows(conn, rows, next, columns, format));
      }
    }
  }
}

/** The query a table or parenthesised COPY reads, and its offset in the statement text. */
function copyQuery(text: string, copy: CopyStmt): { query: string; offset: number } {
  if (copy.query) {
    const open = skipBlank(text, skipBlank(text, 0) + 'copy'.length);
    const end = closingParen(text, open + 1);
    return { query: text.slice(open + 1, end < 0 ? text.length : end), offset: open + 1 };
  }
  const rel = copy.relation!;
  const table = (rel.schemaname ? `${quoteIdent(rel.schemaname)}.` : '') + quoteIdent(rel.relname ?? '');
  const columns = (copy.attlist ?? []).map((n) => quoteIdent(stringOf(n) ?? '')).join(', ');
  return { query: `SELECT ${columns || '*'} FROM ${table}`, offset: 0 };
}

function copyFormat(copy: CopyStmt): CopyFormat {
  let csv = false;
  let header = false;
  let delimiter: string | undefined;
  let nullString: string | undefined;
  let quote = '"';
  for (const o of copy.options ?? []) {
    if (!('DefElem' in o)) continue;
    const name = o.DefElem.defname ?? '';
    const arg = o.DefElem.arg;
    switch (name) {
      case 'format': {
        const f = (arg && stringOf(arg)) ?? 'text';
        if (f === 'csv') csv = true;
        else if (f !== 'text')
          throw WireError.error(WireState.featureNotSupported, `COPY format "${f}" is not supported`);
        break;
      }
      case 'header':
        header = arg === undefined || booleanOf(arg);
        break;
      case 'delimiter':
        delimiter = arg && stringOf(arg);
        break;
      case 'null':
        nullString = arg && stringOf(arg);
        break;
      case 'quote':
        quote = (arg && stringOf(arg)) ?? '"';
        break;
      default:
        throw WireError.error(WireState.featureNotSupported, `COPY option "${name}" is not supported`);
    }
  }
  delimiter ??= csv ? ',' : '\t';
  if (delimiter.length !== 1) {
    throw WireError.error(
      WireState.featureNotSupported,
      'COPY delimiter must be a single one-byte character',
    );
  }
  return { csv, header, delimiter, null: nullString ?? (csv ? '' : '\\N'), quote };
}

function stringOf(n: Node): string | undefined {
  if ('String' in n) return n.String.sval;
  if ('Boolean' in n) return n.Boolean.boolval ? 'true' : 'false';
  if ('Integer' in n) return String(n.Integer.ival ?? 0);
  return undefined;
}

function booleanOf(n: Node): boolean {
  const s = (stringOf(n) ?? '').toLowerCase();
  return s === 'true' || s === 'on' || s === '1';
}

function copyData(conn: PgConnection, line: string): void {
  conn.w.begin(COPY_DATA);
  conn.w.text(line);
  conn.w.end();
}

function headerLine(columns: readonly ResultColumn[], f: CopyFormat): string {
  return `${columns.map((c) => (f.csv ? csvField(c.name, f) : escapeText(c.name, f.delimiter))).join(f.delimiter)}\n`;
}

/** One row in COPY's text format (backslash escapes, `\N` for NULL) or CSV (quoted when needed). */
export function copyLine(
  row: readonly Value[],
  columns: readonly ResultColumn[],
  f: CopyFormat,
  zone: TimeZone,
): string {
  let line = '';
  for (let i = 0; i < columns.length; i++) {
    if (i > 0) line += f.delimiter;
    const v = row[i];
    if (v === null || v === undefined) {
      line += f.null;
      continue;
    }
    const s = formatText(v, columns[i]!.type, zone);
    line += f.csv ? csvField(s, f) : escapeText(s, f.delimiter);
  }
  return `${line}\n`;
}

const textSpecial = /[\\\n\r\t\b\f\v]/;

function escapeText(s: string, delimiter: string): string {
  if (!textSpecial.test(s) && !s.includes(delimiter)) return s;
  let out = '';
  for (const c of s) {
    if (c === '\\') out += '\\\\';
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\t') out += '\\t';
    else if (c === '\b') out += '\\b';
    else if (c === '\f') out += '\\f';
    else if (c === '\v') out += '\\v';
    else if (c === delimiter) out += `\\${c}`;
    else out += c;
  }
  return out;
}

function csvField(s: string, f: CopyFormat): string {
  const needsQuotes =
    s === f.null ||
    s.includes(f.delimiter) ||
    s.includes(f.quote) ||
    s.includes('\n') ||
    s.includes('\r') ||
    s === '\\.';
  return needsQuotes ? f.quote + s.replaceAll(f.quote, f.quote + f.quote) + f.quote : s;
}
