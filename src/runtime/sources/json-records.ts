/**
 * @module runtime/sources/json-records
 * Connector records (JSON objects, or CSV lines split into fields) → a source's rows, one record at a time, so that a record
 * that cannot be read becomes a dead letter (with its SQLSTATE and message) instead of failing
 * the others. Values are converted as `POST /ingest` converts them (functions/json-input):
 * a JSON string by the type's text input, numbers exactly, jsonb from any JSON. Keys that are no
 * column are ignored (producers add fields over time); a missing key takes the column's DEFAULT.
 */
import type { TableEntry } from '../../catalog/catalog.ts';
import type { TimeZone } from '../../common/datetime-zone.ts';
import { ConstraintError, DataError, EddyError, SqlState } from '../../common/errors.ts';
import type { SqlType } from '../../common/types.ts';
import { checkUnicodeText } from '../../common/utf8-text.ts';
import type { Value } from '../../common/value.ts';
import {
  type JsonReader,
  needExactNumbers,
  needsExactParse,
  parseExact,
  readerFor,
} from '../../functions/json-input.ts';
import type { DefaultProducer } from '../statements/column-defaults.ts';

/** Why a record became a dead letter. */
export interface RecordError {
  readonly code: string;
  readonly message: string;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

export class JsonRecordDecoder {
  private readonly table: TableEntry;
  private readonly defaults: readonly DefaultProducer[];
  private readonly maxBytes: number;
  private readonly readers: { fast: JsonReader[]; exact: JsonReader[] };
  private readonly types: readonly SqlType[];

  constructor(table: TableEntry, defaults: readonly DefaultProducer[], zone: TimeZone, maxBytes: number) {
    this.table = table;
    this.defaults = defaults;
    this.maxBytes = maxBytes;
    const cols = table.columns;
    this.types = cols.map((c) => c.type);
    this.readers = {
      fast: cols.map((c) => readerFor(c.type, c.name, zone, false)),
      exact: cols.map((c) => readerFor(c.type, c.name, zone, true)),
    };
  }

  /** Appends the record's row to `out` (flat, in column order), or answers why it cannot. */
  decode(value: Buffer | null, out: Value[]): RecordError | null {
    try {
      out.push(...this.row(value));
      return null;
    } catch (err) {
      if (err instanceof EddyError) return { code: err.code, message: err.message };
      return { code: SqlState.invalidTextRepresentation, message: String(err) };
    }
  }

  private row(value: Buffer | null): Value[] {
    if (value === null)
      throw new DataError(SqlState.nullValueNotAllowed, 'the record has no value (a tombstone)');
    if (value.length > this.maxBytes)
      throw new DataError(
        SqlState.programLimitExceeded,
        `the record's value is ${value.length} bytes, more than max_record_bytes (${this.maxBytes})`,
      );
    let text: string;
    try {
      text = strictUtf8.decode(value);
    } catch {
      throw new DataError(SqlState.characterNotInRepertoire, 'the record is not valid UTF-8');
    }
    const exact = needsExactParse(text, this.types);
    try {
      return this.convert(text, exact);
    } catch (err) {
      // A number a double cannot hold exactly, for an integer or numeric column: read its text.
      if (err !== needExactNumbers || exact) throw err;
      return this.convert(text, true);
    }
  }

  /**
   * Appends the row of a record already split into named fields (a CSV line: strings, NULL for
   * an unquoted empty field), or answers why it cannot.
   */
  decodeFields(fields: Record<string, unknown>, out: Value[]): RecordError | null {
    try {
      out.push(...this.fromObject(fields, this.readers.fast));
      return null;
    } catch (err) {
      if (err instanceof EddyError) return { code: err.code, message: err.message };
      return { code: SqlState.invalidTextRepresentation, message: String(err) };
    }
  }

  private convert(text: string, exact: boolean): Value[] {
    let json: unknown;
    try {
      json = exact ? parseExact(text) : JSON.parse(text);
    } catch (err) {
      if (err instanceof EddyError) throw err;
      throw new DataError(SqlState.invalidTextRepresentation, 'invalid input syntax for type json', {
        detail: err instanceof Error ? err.message : String(err),
      });
    }
    if (json === null || typeof json !== 'object' || Array.isArray(json))
      throw new DataError(SqlState.invalidTextRepresentation, 'the record is not a JSON object');
    return this.fromObject(json as Record<string, unknown>, exact ? this.readers.exact : this.readers.fast);
  }

  private fromObject(record: Record<string, unknown>, readers: readonly JsonReader[]): Value[] {
    const columns = this.table.columns;
    const row: Value[] = new Array(columns.length);
    for (let j = 0; j < columns.length; j++) {
      const column = columns[j]!;
      const field = Object.hasOwn(record, column.name) ? record[column.name] : undefined;
      try {
        const value = field === undefined ? this.defaults[j]!() : field === null ? null : readers[j]!(field);
        // As every write does: text is Unicode without NUL (22021), checked here so that one bad
        // record is a dead letter rather than a failed poll.
        if (typeof value === 'string') checkUnicodeText(value);
        row[j] = value;
      } catch (err) {
        if (err instanceof EddyError)
          throw new DataError(err.code, `column "${column.name}": ${err.message}`);
        throw err;
      }
      if (row[j] === null && !column.nullable)
        throw new ConstraintError(
          SqlState.notNullViolation,
          `null value in column "${column.name}" of relation "${this.table.name}" violates not-null constraint`,
        );
    }
    return row;
  }
}

/** A record's bytes as dead-letter text: invalid UTF-8 replaced, at most `max` characters. */
export function rawText(value: Buffer | null, max: number): string | null {
  if (value === null) return null;
  return storableText(value.subarray(0, max * 4).toString('utf8'), max);
}

/**
 * `text` as a text value may hold (no NUL, no lone surrogate: an error message can quote the bad
 * input), cut to `max` characters with an ellipsis.
 */
export function storableText(text: string, max: number): string {
  const clean = text.toWellFormed().replaceAll('\0', '');
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}
