/**
 * @module connectors/formats/avro-values
 * Avro values in Confluent's framing (magic byte 0, a 4-byte big-endian schema id, the Avro
 * binary body) → plain JavaScript values, with writer schemas from the schema registry. Schemas
 * are fetched before a batch is decoded (`prepare`, async), so decoding itself is synchronous
 * and a record that cannot be decoded fails alone: no magic byte, an id the registry does not
 * know, a body that does not match its schema (22P03). Timestamps with Avro's
 * `timestamp-millis` logical type come out as Dates, with `timestamp-micros` as ISO text with six fractional digits; longs beyond 2^53 as bigints; other logical types as their underlying
 * values; unions as the branch's value; records and maps as plain objects; bytes and fixed as Uint8Arrays.
 */
import avro from 'avsc';
import { DataError, SqlState } from '../../common/errors.ts';
import { SchemaRegistryClient } from './schema-registry.ts';

/** Confluent's wire-format header: magic byte, then the schema id. */
const headerBytes = 5;

class TimestampMillis extends avro.types.LogicalType {
  protected override _fromValue(value: number): Date {
    return new Date(value);
  }
  protected override _toValue(value: unknown): unknown {
    return value instanceof Date ? value.getTime() : value;
  }
}

/** A 64-bit long that reads and writes bigints too (avsc's own loses digits beyond 2^53). */
export const exactLong = avro.types.LongType.__with({
  fromBuffer: (buf: Buffer) => {
    const n = buf.readBigInt64LE();
    return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
  },
  toBuffer: (n: number | bigint) => {
    const buf = Buffer.alloc(8);
    buf.writeBigInt64LE(BigInt(n));
    return buf;
  },
  fromJSON: (n: number) => n,
  toJSON: (n: number | bigint) => Number(n),
  isValid: (n: unknown) => typeof n === 'bigint' || Number.isInteger(n),
  compare: (a: number | bigint, b: number | bigint) => (a === b ? 0 : a < b ? -1 : 1),
});

/** `timestamp-micros` as text with all six fractional digits, which timestamp and timestamptz read exactly. */
class TimestampMicros extends avro.types.LogicalType {
  protected override _fromValue(value: number | bigint): string {
    const micros = BigInt(value);
    let ms = micros / 1000n;
    let rest = micros % 1000n;
    if (rest < 0n) {
      rest += 1000n;
      ms -= 1n;
    }
    return new Date(Number(ms)).toISOString().replace('Z', `${String(rest).padStart(3, '0')}Z`);
  }
  protected override _toValue(value: unknown): unknown {
    return value;
  }
}

export class AvroDecoder {
  private readonly registry: SchemaRegistryClient;
  /** Parsed writer schemas by id; null for an id the registry does not know or cannot parse. */
  private readonly types = new Map<number, avro.Type | { readonly error: string }>();

  constructor(registryUrl: string) {
    this.registry = new SchemaRegistryClient(registryUrl);
  }

  /** Fetches the schemas `values` name that are not known yet (throws when the registry is unreachable). */
  async prepare(values: Iterable<Buffer | null>): Promise<void> {
    const wanted = new Set<number>();
    for (const v of values) {
      if (v === null || v.length < headerBytes || v[0] !== 0) continue;
      const id = v.readUInt32BE(1);
      if (!this.types.has(id)) wanted.add(id);
    }
    for (const id of wanted) {
      const found = await this.registry.schema(id);
      if (found === null) {
        this.types.set(id, { error: `schema id ${id} is not in the schema registry` });
        continue;
      }
      if (found.schemaType !== 'AVRO') {
        this.types.set(id, { error: `schema id ${id} is a ${found.schemaType} schema, not Avro` });
        continue;
      }
      try {
        this.types.set(
          id,
          avro.Type.forSchema(JSON.parse(found.schema), {
            logicalTypes: { 'timestamp-millis': TimestampMillis, 'timestamp-micros': TimestampMicros },
            registry: { long: exactLong },
            wrapUnions: false,
          }),
        );
      } catch (err) {
        this.types.set(id, { error: `schema id ${id} is not a valid Avro schema: ${message(err)}` });
      }
    }
  }

  /** The value of one record (after `prepare` saw it), or 22P03 saying why not. */
  decode(value: Buffer): unknown {
    if (value.length < headerBytes || value[0] !== 0)
      throw new DataError(
        SqlState.invalidBinaryRepresentation,
        'the record is not in the schema registry wire format (no magic byte 0 and schema id)',
      );
    const id = value.readUInt32BE(1);
    const type = this.types.get(id);
    if (type === undefined || !(type instanceof avro.Type))
      throw new DataError(
        SqlState.invalidBinaryRepresentation,
        type?.error ?? `schema id ${id} was not fetched`,
      );
    let decoded: { value: unknown; offset: number };
    try {
      decoded = type.decode(value, headerBytes);
    } catch (err) {
      throw new DataError(
        SqlState.invalidBinaryRepresentation,
        `the record does not match Avro schema id ${id}: ${message(err)}`,
      );
    }
    if (decoded.offset !== value.length)
      throw new DataError(
        SqlState.invalidBinaryRepresentation,
        decoded.offset < 0
          ? `the record is shorter than Avro schema id ${id} needs`
          : `the record has ${value.length - decoded.offset} bytes after its Avro value (schema id ${id})`,
      );
    return plain(decoded.value);
  }
}

/** avsc's record objects (instances of generated classes) as plain objects, recursively; bytes as Uint8Array. */
function plain(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  if (Buffer.isBuffer(value)) return new Uint8Array(value);
  if (Array.isArray(value)) return value.map(plain);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = plain(v);
  return out;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
