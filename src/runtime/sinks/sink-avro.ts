/**
 * @module runtime/sinks/sink-avro
 * Rows as Avro records for the Kafka sink's `ENCODE AVRO`: the relation's columns become an Avro
 * record schema (each field a union with null), registered with the schema registry under
 * `<topic>-value` when the sink connects, and each value is framed as the registry's serializers
 * frame it (byte 0, the schema id, the Avro body). Integers, floats, booleans and bytes keep their
 * Avro types (int8 as `long`, exactly, also beyond 2^53); timestamps are `long` with the
 * `timestamp-micros` logical type; every other type is a string in PostgreSQL's text form.
 */
import avro from 'avsc';
import { UTC } from '../../common/datetime-zone.ts';
import type { SqlType } from '../../common/types.ts';
import type { Value } from '../../common/value.ts';
import { exactLong } from '../../connectors/formats/avro-values.ts';
import { formatText } from '../../functions/text-io.ts';
import type { Column } from '../../plan/logical.ts';

export type SinkEnvelopeKind = 'row' | 'debezium';

/** An Avro name from an SQL name: letters, digits and `_`, not starting with a digit. */
function avroName(name: string): string {
  const clean = name.replace(/[^A-Za-z0-9_]/g, '_');
  return /^[0-9]/.test(clean) || clean === '' ? `_${clean}` : clean;
}

function fieldType(type: SqlType): unknown {
  switch (type.id) {
    case 'int2':
    case 'int4':
      return 'int';
    case 'int8':
      return 'long';
    case 'float4':
    case 'float8':
      return 'double';
    case 'bool':
      return 'boolean';
    case 'bytea':
      return 'bytes';
    case 'timestamp':
    case 'timestamptz':
      return { type: 'long', logicalType: 'timestamp-micros' };
    default:
      return 'string';
  }
}

export interface AvroRows {
  /** The schema's JSON text, as registered. */
  readonly schema: string;
  /** The Avro body of one value: a row, or a Debezium event of rows. */
  encode(value: unknown): Buffer;
  /** A row as the record the schema describes. */
  record(row: readonly Value[]): Record<string, unknown>;
}

export function avroRows(relation: string, columns: readonly Column[], envelope: SinkEnvelopeKind): AvroRows {
  const names = columns.map((c) => avroName(c.name));
  const row = {
    type: 'record',
    name: avroName(relation),
    fields: columns.map((c, i) => ({ name: names[i], type: ['null', fieldType(c.type)], default: null })),
  };
  const schema =
    envelope === 'row'
      ? row
      : {
          type: 'record',
          name: `${avroName(relation)}_envelope`,
          fields: [
            { name: 'before', type: ['null', row], default: null },
            { name: 'after', type: ['null', row.name], default: null },
            { name: 'op', type: 'string' },
          ],
        };
  const type = avro.Type.forSchema(schema as avro.Schema, { registry: { long: exactLong } });
  const kinds = columns.map((c) => fieldType(c.type));
  return {
    schema: JSON.stringify(schema),
    encode: (value) => type.toBuffer(value),
    record: (values) => {
      const out: Record<string, unknown> = {};
      for (let i = 0; i < columns.length; i++) {
        const v = values[i]!;
        const kind = kinds[i];
        out[names[i]!] =
          v === null
            ? null
            : kind === 'string'
              ? formatText(v, columns[i]!.type, UTC)
              : kind === 'bytes'
                ? Buffer.from(v as Uint8Array)
                : v;
      }
      return out;
    },
  };
}

/** A value in the registry's wire format: byte 0, the schema id (4 bytes, big-endian), the body. */
export function framed(schemaId: number, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.writeUInt32BE(schemaId, 1);
  return Buffer.concat([header, body]);
}
