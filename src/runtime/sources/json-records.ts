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

  /**
   * The row of a JSON record, with the columns `given` holds (record metadata) taken from it
   * rather than from the record's value. Throws the record's error.
   */
  row(value: Buffer | null, given?: ReadonlyMap<number, Value>): Value[] {
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
      return this.convert(text, exact, given);
    } catch (err) {
      // A number a double cannot hold exactly, for an integer or numeric column: read its text.
      if (err !== needExactNumbers || exact) throw err;
      return this.convert(text, true, given);
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

  /** The JSON value of a record (for envelopes that read it before making rows). */
  json(value: Buffer): unknown {
    let text: string;
    try {
      text = strictUtf8.decode(value);
    } catch {
      throw new DataError(SqlState.characterNotInRepertoire, 'the record is not valid UTF-8');
    }
    return this.parse(text, needsExactParse(text, this.types));
  }

  /** The row of a decoded value (a JSON, Avro or Protobuf object), metadata columns from `given`. */
  objectRow(value: unknown, given?: ReadonlyMap<number, Value>): Value[] {
    if (value === null || typeof value !== 'object' || Array.isArray(value))
      throw new DataError(SqlState.invalidTextRepresentation, 'the record is not an object');
    return this.fromObject(value as Record<string, unknown>, this.readers.exact, given);
  }

  /** The values of the `columns` (a primary key) read from a decoded object, in that order. */
  keyValues(value: unknown, columns: readonly number[]): Value[] {
    if (value === null || typeof value !== 'object' || Array.isArray(value))
      throw new DataError(SqlState.invalidTextRepresentation, 'the row is not an object');
    const record = value as Record<string, unknown>;
    return columns.map((j) => {
      const column = this.table.columns[j]!;
      const field = record[column.name];
      if (field === undefined || field === null)
        throw new ConstraintError(
          SqlState.notNullViolation,
          `the row has no value for key column "${column.name}" of relation "${this.table.name}"`,
        );
      try {
        return this.readers.exact[j]!(field);
      } catch (err) {
        if (err instanceof EddyError)
          throw new DataError(err.code, `column "${column.name}": ${err.message}`);
        throw err;
      }
    });
  }

  /** Reads one value into column `j` as a JSON field would be (metadata: a key's text, headers). */
  columnValue(j: number, field: unknown): Value {
    const column = this.table.columns[j]!;
    try {
      const value = this.readers.exact[j]!(field);
      if (typeof value === 'string') checkUnicodeText(value);
      return value;
    } catch (err) {
      if (err instanceof EddyError) throw new DataError(err.code, `column "${column.name}": ${err.message}`);
      throw err;
    }
  }

  private parse(text: string, exact: boolean): unknown {
    try {
      return exact ? parseExact(text) : JSON.parse(text);
    } catch (err) {
      if (err instanceof EddyError) throw err;
      throw new DataError(SqlState.invalidTextRepresentation, 'invalid input syntax for type json', {
        detail: err instanceof Error ? err.message : String(err),
      });
    }
  }

  private convert(text: string, exact: boolean, given?: ReadonlyMap<number, Value>): Value[] {
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
    return this.fromObject(
      json as Record<string, unknown>,
      exact ? this.readers.exact : this.readers.fast,
      given,
    );
  }

  private fromObject(
    record: Record<string, unknown>,
    readers: readonly JsonReader[],
    given?: ReadonlyMap<number, Value>,
  ): Value[] {
    const columns = this.table.columns;
    const row: Value[] = new Array(columns.length);
    for (let j = 0; j < columns.length; j++) {
      const column = columns[j]!;
      const field = Object.hasOwn(record, column.name) ? record[column.name] : undefined;
      try {
        const value = given?.has(j)
          ? given.get(j)!
          : field === undefined
            ? this.defaults[j]!()
            : field === null
              ? null
              : readers[j]!(field instanceof Buffer ? new Uint8Array(field) : field);
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
