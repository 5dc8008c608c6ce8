/**
 * @module runtime/sources/format-records
 * A connector record → the change it makes to its source, by the source's format
 * (connectors/formats/source-format): the value decoded by its encoding (JSON, Avro with the
 * schema registry, Protobuf, text, bytes), the metadata columns filled from the record (key,
 * timestamp, partition, offset, headers), and the envelope: PLAIN inserts a row, UPSERT
 * replaces the row of the record's key (a null value deletes it), DEBEZIUM applies the event's
 * `op` to the row its key names. A record that cannot be read throws its error (the caller
 * dead-letters it); nothing here touches the database.
 */
import type { TableEntry } from '../../catalog/catalog.ts';
import { DataError, SqlState } from '../../common/errors.ts';
import { checkUnicodeText } from '../../common/utf8-text.ts';
import type { Value } from '../../common/value.ts';
import { AvroDecoder } from '../../connectors/formats/avro-values.ts';
import { ProtobufDecoder } from '../../connectors/formats/protobuf-values.ts';
import type { SourceFormat } from '../../connectors/formats/source-format.ts';
import type { SourceRecord } from './connector-source.ts';
import type { JsonRecordDecoder } from './json-records.ts';

/** What one record does to its source. */
export type RecordChange =
  | { readonly kind: 'insert'; readonly row: Value[] }
  /** Replace the row with this row's key (insert when there is none). */
  | { readonly kind: 'upsert'; readonly row: Value[]; readonly deleteKey?: Value[] }
  /** Delete the row with this primary key, if any. */
  | { readonly kind: 'delete'; readonly key: Value[] }
  /** Nothing (a Debezium tombstone, which only serves log compaction). */
  | { readonly kind: 'none' };

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

export class FormatRecordDecoder {
  private readonly table: TableEntry;
  private readonly format: SourceFormat;
  private readonly json: JsonRecordDecoder;
  private readonly maxBytes: number;
  private readonly avro: AvroDecoder | null;
  private readonly protobuf: ProtobufDecoder | null;
  /** Column index of each included metadata kind. */
  private readonly metadata: { readonly kind: keyof SourceFormat['include']; readonly column: number }[];
  /** TEXT and BYTES: the one column the value goes to. */
  private readonly valueColumn: string | null;

  constructor(
    table: TableEntry,
    format: SourceFormat,
    json: JsonRecordDecoder,
    maxBytes: number,
    cache: FormatCache,
  ) {
    this.table = table;
    this.format = format;
    this.json = json;
    this.maxBytes = maxBytes;
    const index = (name: string) => table.columns.findIndex((c) => c.name === name);
    this.metadata = Object.entries(format.include).map(([kind, name]) => ({
      kind: kind as keyof SourceFormat['include'],
      column: index(name),
    }));
    const included = new Set(this.metadata.map((m) => m.column));
    this.valueColumn = table.columns.find((_, i) => !included.has(i))?.name ?? null;
    this.avro = format.registryUrl === null ? null : (cache.avro ??= new AvroDecoder(format.registryUrl));
    this.protobuf =
      format.protoFile === null
        ? null
        : (cache.protobuf ??= ProtobufDecoder.load(format.protoFile, format.protoMessage!));
  }

  /** Fetches what decoding `records` needs (Avro schemas); throws when the registry is unreachable. */
  async prepare(records: readonly SourceRecord[]): Promise<void> {
    await this.avro?.prepare(records.map((r) => r.value));
  }

  decode(record: SourceRecord): RecordChange {
    const given = this.metadataValues(record);
    const value = record.value;
    if (value !== null && value.length > this.maxBytes)
      throw new DataError(
        SqlState.programLimitExceeded,
        `the record's value is ${value.length} bytes, more than max_record_bytes (${this.maxBytes})`,
      );
    switch (this.format.envelope) {
      case 'plain':
        if (value === null)
          throw new DataError(SqlState.nullValueNotAllowed, 'the record has no value (a tombstone)');
        return { kind: 'insert', row: this.valueRow(value, given) };
      case 'upsert': {
        if (value !== null) return { kind: 'upsert', row: this.valueRow(value, given) };
        const key = given.get(this.table.primaryKey[0]!) ?? null;
        if (key === null)
          throw new DataError(SqlState.nullValueNotAllowed, 'the record has neither key nor value');
        return { kind: 'delete', key: [key] };
      }
      case 'debezium':
        return value === null ? { kind: 'none' } : this.debezium(this.decodeValue(value), given);
    }
  }

  private debezium(decoded: unknown, given: ReadonlyMap<number, Value>): RecordChange {
    let event = decoded as Record<string, unknown> | null;
    // The JSON converter with schemas on wraps the event: {"schema": …, "payload": {…}}.
    if (event !== null && typeof event === 'object' && isObject(event.payload) && !('op' in event))
      event = event.payload as Record<string, unknown>;
    if (!isObject(event))
      throw new DataError(SqlState.invalidTextRepresentation, 'the Debezium event is not an object');
    const { op, before, after } = event as { op?: unknown; before?: unknown; after?: unknown };
    const key = this.table.primaryKey;
    switch (op) {
      case 'c':
      case 'r':
        return { kind: 'upsert', row: this.objectRow(after, 'after', given) };
      case 'u': {
        const row = this.objectRow(after, 'after', given);
        if (!isObject(before)) return { kind: 'upsert', row };
        // An update that changes the key deletes the old key's row.
        return { kind: 'upsert', row, deleteKey: this.json.keyValues(before, key) };
      }
      case 'd':
        if (!isObject(before))
          throw new DataError(SqlState.nullValueNotAllowed, 'the Debezium delete has no "before" row');
        return { kind: 'delete', key: this.json.keyValues(before, key) };
      default:
        throw new DataError(
          SqlState.invalidTextRepresentation,
          `the Debezium event's op ${JSON.stringify(op) ?? 'is missing'}${op === undefined ? '' : ' is not c, r, u or d'}`,
        );
    }
  }

  private objectRow(value: unknown, field: string, given: ReadonlyMap<number, Value>): Value[] {
    if (!isObject(value))
      throw new DataError(SqlState.nullValueNotAllowed, `the Debezium event has no "${field}" row`);
    return this.json.objectRow(value, given);
  }

  /** The row of a record value: decoded by the encoding, converted by column name. */
  private valueRow(value: Buffer, given: ReadonlyMap<number, Value>): Value[] {
    switch (this.format.encoding) {
      case 'json':
        return this.json.row(value, given);
      case 'text':
        return this.json.objectRow({ [this.valueColumn!]: utf8(value) }, given);
      case 'bytes':
        return this.json.objectRow({ [this.valueColumn!]: new Uint8Array(value) }, given);
      default:
        return this.json.objectRow(this.decodeValue(value), given);
    }
  }

  /** A record value as a JavaScript value (for the envelopes that read inside it). */
  private decodeValue(value: Buffer): unknown {
    switch (this.format.encoding) {
      case 'json':
        return this.json.json(value);
      case 'avro':
        return this.avro!.decode(value);
      case 'protobuf':
        return this.protobuf!.decode(value);
      case 'text':
        return { [this.valueColumn!]: utf8(value) };
      case 'bytes':
        return { [this.valueColumn!]: new Uint8Array(value) };
    }
  }

  private metadataValues(record: SourceRecord): Map<number, Value> {
    const given = new Map<number, Value>();
    for (const { kind, column } of this.metadata) {
      const type = this.table.columns[column]!.type.id;
      switch (kind) {
        case 'key': {
          const key = record.recordKey ?? null;
          given.set(
            column,
            key === null
              ? null
              : type === 'bytea'
                ? new Uint8Array(key)
                : this.json.columnValue(column, type === 'jsonb' ? this.json.json(key) : utf8(key)),
          );
          break;
        }
        case 'timestamp': {
          const ms = record.timestampMs ?? null;
          given.set(column, ms === null ? null : type === 'int8' ? ms : ms * 1000);
          break;
        }
        case 'partition':
          given.set(column, typeof record.key === 'number' ? record.key : null);
          break;
        case 'offset':
          given.set(column, record.offset);
          break;
        case 'headers': {
          const headers: Record<string, string | null> = {};
          for (const [name, value] of record.headers ?? [])
            if (name !== null) headers[utf8(name)] = value === null ? null : utf8(value);
          given.set(column, this.json.columnValue(column, headers));
          break;
        }
      }
    }
    return given;
  }
}

/** Decoders that outlive one batch (the registry's schemas, a parsed .proto file). */
export interface FormatCache {
  avro?: AvroDecoder;
  protobuf?: ProtobufDecoder;
}

function utf8(bytes: Buffer): string {
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    throw new DataError(SqlState.characterNotInRepertoire, 'the record is not valid UTF-8');
  }
  checkUnicodeText(text);
  return text;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
