/**
 * @module server/http/ingest
 * `POST /ingest/{table}`: a JSON array (or one object) or NDJSON body of rows, converted with the
 * column types and committed as one transaction in one step. Every row is converted and checked
 * before any is applied, so a bad row (named by index and column) changes nothing; the answer
 * comes once the step is committed, so the caller's next read sees the rows.
 */
import type { TableColumn, TableEntry } from '../../catalog/catalog.ts';
import { timeZone } from '../../common/datetime-zone.ts';
import { ConstraintError, DataError, EddyError, SemanticError, SqlState } from '../../common/errors.ts';
import type { Value } from '../../common/value.ts';
import {
  type JsonReader,
  needExactNumbers,
  needsExactParse,
  parseExact,
  readerFor,
} from '../../functions/json-input.ts';
import { ChangeSet } from '../../runtime/changes.ts';
import type { Database } from '../../runtime/database.ts';
import { Session } from '../../runtime/session.ts';
import { columnDefaults, type DefaultProducer } from '../../runtime/statements/column-defaults.ts';
import type { StatementContext } from '../../runtime/statements/context.ts';
import { ingestFlat, type OnConflict, requireTable } from '../../runtime/statements/insert.ts';
import { IngestRowError } from './http-errors.ts';
import { relationName } from './relation-name.ts';

export interface IngestResult {
  readonly inserted: number;
  /** The step that made the rows visible (the current step when there were none). */
  readonly step: number;
}

/**
 * Ingests a request body's rows into `tableSegment` (a table or source) as one step; a row whose
 * primary key exists fails the request, or with `onConflict` is skipped or replaces the old row.
 */
export function ingestText(
  db: Database,
  tableSegment: string,
  text: string,
  ndjson: boolean,
  onConflict: OnConflict = 'error',
): IngestResult {
  const session = new Session(db);
  session.startStatement();
  const ctx: StatementContext = { text: '', offset: 0, params: [], session, changes: new ChangeSet() };
  const table = requireTable(ctx, relationName(db, tableSegment));
  let exact = needsExactParse(
    text,
    table.columns.map((c) => c.type),
  );
  for (;;) {
    try {
      const rows = ndjson ? parseNdjson(text, exact) : parseJsonRows(text, exact);
      const defaults = columnDefaults(table, session.settings);
      const values = convertRows(table, rows, defaults, timeZone(session.settings.timeZone), exact);
      const inserted = ingestFlat(ctx, table, values, rows.length, onConflict);
      const step = ctx.changes.isEmpty ? db.currentStep : db.commitStep(ctx.changes).step;
      return { inserted, step };
    } catch (err) {
      if (err !== needExactNumbers || exact) throw err;
      exact = true; // a bigint beyond 2^53 arrived as a JSON number: read the numbers' texts
    }
  }
}

function invalidJson(message: string): DataError {
  return new DataError(SqlState.invalidTextRepresentation, 'invalid input syntax for type json', {
    detail: message,
  });
}

/** A JSON.parse failure as 22P02; parseExact's own errors (54001 for nesting) pass through. */
function jsonParseError(err: unknown): EddyError {
  return err instanceof EddyError ? err : invalidJson(err instanceof Error ? err.message : String(err));
}

function parseJsonRows(text: string, exact: boolean): readonly unknown[] {
  let body: unknown;
  try {
    body = exact ? parseExact(text) : JSON.parse(text);
  } catch (err) {
    throw jsonParseError(err);
  }
  if (Array.isArray(body)) return body;
  if (body !== null && typeof body === 'object') return [body];
  throw new DataError(SqlState.invalidParameterValue, 'ingest body must be a JSON array of rows', {
    hint: 'Send [{"column": value, …}, …], [[value, …], …] or NDJSON (Content-Type: application/x-ndjson).',
  });
}

function parseNdjson(text: string, exact: boolean): readonly unknown[] {
  const rows: unknown[] = [];
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end);
    start = end + 1;
    if (line.trim() === '') continue;
    try {
      rows.push(exact ? parseExact(line) : JSON.parse(line));
    } catch (err) {
      throw new IngestRowError(jsonParseError(err), rows.length, undefined);
    }
  }
  return rows;
}

/** The rows as one flat row-major array in column order, every value converted and NOT NULL checked. */
function convertRows(
  table: TableEntry,
  rows: readonly unknown[],
  defaults: readonly DefaultProducer[],
  zone: ReturnType<typeof timeZone>,
  exact: boolean,
): Value[] {
  const columns = table.columns;
  const arity = columns.length;
  const names = columns.map((c) => c.name);
  const readers: JsonReader[] = columns.map((c) => readerFor(c.type, c.name, zone, exact));
  const values: Value[] = new Array(rows.length * arity);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    const base = i * arity;
    let j = -1;
    try {
      if (Array.isArray(row)) {
        if (row.length !== arity) throw wrongLength(table, row.length);
        for (j = 0; j < arity; j++) {
          const json: unknown = row[j];
          values[base + j] = json === null ? null : readers[j]!(json);
        }
      } else if (row !== null && typeof row === 'object') {
        const record = row as Record<string, unknown>;
        let present = 0;
        for (j = 0; j < arity; j++) {
          const json = record[names[j]!];
          // Inherited members (toString, constructor) are functions, never JSON: treat as absent.
          if (json === undefined || typeof json === 'function') values[base + j] = defaults[j]!();
          else {
            present++;
            values[base + j] = json === null ? null : readers[j]!(json);
          }
        }
        j = -1;
        if (present !== countKeys(record)) throw unknownColumn(table, record, i);
      } else {
        throw new DataError(SqlState.invalidParameterValue, 'a row must be a JSON object or array');
      }
      for (j = 0; j < arity; j++) {
        if (values[base + j] === null && !columns[j]!.nullable) throw notNull(table, columns[j]!);
      }
    } catch (err) {
      if (err instanceof IngestRowError) throw err;
      if (err instanceof EddyError) throw new IngestRowError(err, i, j >= 0 ? names[j] : undefined);
      throw err;
    }
  }
  return values;
}

function countKeys(record: object): number {
  let n = 0;
  for (const _ in record) n++;
  return n;
}

function wrongLength(table: TableEntry, length: number): SemanticError {
  return new SemanticError(
    SqlState.syntaxError,
    `row has ${length} values but table "${table.name}" has ${table.columns.length} columns`,
  );
}

function unknownColumn(table: TableEntry, record: Record<string, unknown>, row: number): IngestRowError {
  const known = new Set(table.columns.map((c) => c.name));
  const key = Object.keys(record).find((k) => !known.has(k)) ?? '';
  const error = new SemanticError(
    SqlState.undefinedColumn,
    `column "${key}" of relation "${table.name}" does not exist`,
  );
  return new IngestRowError(error, row, key);
}

function notNull(table: TableEntry, column: TableColumn): ConstraintError {
  return new ConstraintError(
    SqlState.notNullViolation,
    `null value in column "${column.name}" of relation "${table.name}" violates not-null constraint`,
  );
}
