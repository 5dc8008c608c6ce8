/**
 * @module connectors/formats/source-format
 * How a source's records become rows: the envelope (`FORMAT PLAIN | UPSERT | DEBEZIUM`), the
 * encoding of record values (`ENCODE JSON | AVRO | PROTOBUF | TEXT | BYTES`, with the encoding's
 * own options in `ENCODE … (…)`) and the record metadata copied into columns (`include.*` WITH
 * options). Read once when the source is created (22023 for a bad option, 0A000 for what is not
 * built), checked against the columns, and kept in the catalog with the connector's spec.
 */
import type { TableColumn } from '../../catalog/catalog.ts';
import { FeatureNotSupportedError, SemanticError, SqlState } from '../../common/errors.ts';
import type { SqlType } from '../../common/types.ts';
import { invalid, Options, type SourceOption } from '../options.ts';

export type Envelope = 'plain' | 'upsert' | 'debezium';
export type Encoding = 'json' | 'avro' | 'protobuf' | 'text' | 'bytes';

/** The record metadata a column can be filled from, by WITH option `include.<what> = 'column'`. */
export const metadataKinds = ['key', 'timestamp', 'partition', 'offset', 'headers'] as const;
export type MetadataKind = (typeof metadataKinds)[number];

export interface SourceFormat {
  readonly envelope: Envelope;
  readonly encoding: Encoding;
  /** ENCODE AVRO: the Confluent-compatible schema registry's base URL. */
  readonly registryUrl: string | null;
  /** ENCODE PROTOBUF: the `.proto` file and the fully qualified message type of each value. */
  readonly protoFile: string | null;
  readonly protoMessage: string | null;
  /** Columns filled from the record's metadata rather than its value. */
  readonly include: Readonly<Partial<Record<MetadataKind, string>>>;
}

/** The format of a source that says nothing: `FORMAT PLAIN ENCODE JSON`, no metadata. */
export const plainJson: SourceFormat = {
  envelope: 'plain',
  encoding: 'json',
  registryUrl: null,
  protoFile: null,
  protoMessage: null,
  include: {},
};

/** The FORMAT clause as the statement gave it. */
export interface FormatChoice {
  readonly format: string;
  readonly encode: string;
  readonly options: readonly SourceOption[];
}

/** The WITH options that `sourceFormat` reads (a connector's spec allows them). */
export const includeOptions = metadataKinds.map((k) => `include.${k}`);

/**
 * The format from the FORMAT clause and the WITH options (`include.*`). `encodings` and
 * `envelopes` are what the connector supports (others are 0A000).
 */
export function sourceFormat(
  choice: FormatChoice | undefined,
  withOptions: readonly SourceOption[],
  connector: string,
  supported: {
    encodings: readonly Encoding[];
    envelopes: readonly Envelope[];
    include: readonly MetadataKind[];
  },
): SourceFormat {
  const envelope = (choice?.format ?? 'plain') as Envelope;
  const encoding = (choice?.encode ?? 'json') as Encoding;
  if (!supported.envelopes.includes(envelope) || !supported.encodings.includes(encoding))
    throw new FeatureNotSupportedError(
      `FORMAT ${envelope.toUpperCase()} ENCODE ${encoding.toUpperCase()} is not supported for a ${connector} source`,
      {
        hint: `A ${connector} source reads FORMAT ${supported.envelopes.join('|').toUpperCase()} ENCODE ${supported.encodings.join('|').toUpperCase()}; see docs/connectors.md.`,
      },
    );
  const known =
    encoding === 'avro' ? ['schema.registry'] : encoding === 'protobuf' ? ['message', 'schema.location'] : [];
  const encodeOptions = new Options(
    (choice?.options ?? []).map((o) => ({ ...o })),
    known,
    `ENCODE ${encoding.toUpperCase()}`,
  );
  const include: Partial<Record<MetadataKind, string>> = {};
  for (const { key, value } of withOptions) {
    if (!key.startsWith('include.')) continue;
    const what = key.slice('include.'.length) as MetadataKind;
    if (!supported.include.includes(what))
      throw invalid(
        `option "${key}" is not known for a ${connector} source`,
        `It can include: ${supported.include.join(', ')}.`,
      );
    if (typeof value !== 'string' || value === '') throw invalid(`option "${key}" must name a column`);
    include[what] = value;
  }
  const format: SourceFormat = {
    envelope,
    encoding,
    registryUrl:
      encoding === 'avro'
        ? encodeOptions.required('schema.registry', "Say ENCODE AVRO (schema.registry = 'http://host:port').")
        : null,
    protoFile: encoding === 'protobuf' ? encodeOptions.required('schema.location') : null,
    protoMessage: encoding === 'protobuf' ? encodeOptions.required('message') : null,
    include,
  };
  if (format.registryUrl !== null && !/^https?:\/\/[^\s/]+/.test(format.registryUrl))
    throw invalid(`schema.registry "${format.registryUrl}" is not an http:// or https:// URL`);
  if (envelope === 'upsert' && include.key === undefined)
    throw invalid(
      'FORMAT UPSERT needs the record key as a column',
      "Say WITH (…, include.key = 'k') and PRIMARY KEY (k): the key names the row a record replaces.",
    );
  return format;
}

/** Whether the source keeps its rows by primary key (updates and deletes need the old row). */
export function keepsRows(format: SourceFormat): boolean {
  return format.envelope !== 'plain';
}

/**
 * Checks the format against the source's columns and primary key: metadata columns exist and
 * have a type that can hold them; TEXT and BYTES leave one column for the value; UPSERT keys by
 * the key column, DEBEZIUM by a declared key; PLAIN has none.
 */
export function checkFormatColumns(
  format: SourceFormat,
  columns: readonly TableColumn[],
  primaryKey: readonly number[],
): void {
  const index = (name: string): number => {
    const i = columns.findIndex((c) => c.name === name);
    if (i < 0) throw new SemanticError(SqlState.undefinedColumn, `column "${name}" does not exist`);
    return i;
  };
  const allowed: Record<MetadataKind, readonly SqlType['id'][]> = {
    key: ['text', 'varchar', 'bytea', 'jsonb', 'int2', 'int4', 'int8', 'numeric', 'uuid'],
    timestamp: ['timestamptz', 'timestamp', 'int8'],
    partition: ['int4', 'int8'],
    offset: ['int8', 'numeric'],
    headers: ['jsonb'],
  };
  const metadata = new Set<number>();
  for (const what of metadataKinds) {
    const name = format.include[what];
    if (name === undefined) continue;
    const i = index(name);
    const type = columns[i]!.type.id;
    if (!allowed[what].includes(type))
      throw new SemanticError(
        SqlState.datatypeMismatch,
        `column "${name}" cannot hold the record's ${what}: it is ${type}`,
        { hint: `Use one of: ${allowed[what].join(', ')}.` },
      );
    if (metadata.has(i)) throw invalid(`column "${name}" is included twice`);
    metadata.add(i);
  }
  if (format.encoding === 'text' || format.encoding === 'bytes') {
    const rest = columns.filter((_, i) => !metadata.has(i));
    const want = format.encoding === 'text' ? ['text', 'varchar'] : ['bytea'];
    if (rest.length !== 1 || !want.includes(rest[0]!.type.id))
      throw new SemanticError(
        SqlState.datatypeMismatch,
        `ENCODE ${format.encoding.toUpperCase()} reads each value into one ${want[0]} column`,
        { hint: 'Declare exactly one column besides the include.* ones.' },
      );
  }
  if (format.envelope === 'plain' && primaryKey.length > 0)
    throw new FeatureNotSupportedError('a source with a primary key reads FORMAT UPSERT or FORMAT DEBEZIUM', {
      hint: 'An append-only (FORMAT PLAIN) source keeps no rows to key.',
    });
  if (format.envelope === 'upsert') {
    const key = index(format.include.key!);
    if (primaryKey.length !== 1 || primaryKey[0] !== key)
      throw new SemanticError(
        SqlState.invalidColumnReference,
        `FORMAT UPSERT needs PRIMARY KEY (${format.include.key}): the record key names the row`,
      );
  }
  if (format.envelope === 'debezium' && primaryKey.length === 0)
    throw new SemanticError(SqlState.invalidColumnReference, 'FORMAT DEBEZIUM needs a PRIMARY KEY', {
      hint: "Declare the upstream table's key: updates and deletes find the row by it.",
    });
}
