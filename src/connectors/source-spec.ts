/**
 * @module connectors/source-spec
 * The connectors a source can be fed by, and their specs as the catalog keeps them: read from
 * `CREATE SOURCE … WITH (connector = '…', …)` once, when the source is created (22023 for a bad
 * option), and by runtime/sources at every start.
 */
import type { TableColumn } from '../catalog/catalog.ts';
import { FeatureNotSupportedError } from '../common/errors.ts';
import { type DatagenSourceSpec, datagenSourceSpec } from './datagen/datagen-options.ts';
import { type FileSourceSpec, fileSourceSpec } from './file/file-options.ts';
import { type FormatChoice, plainJson, type SourceFormat } from './formats/source-format.ts';
import { type KafkaSourceSpec, kafkaSourceSpec } from './kafka/kafka-options.ts';
import { type NatsSourceSpec, natsSourceSpec } from './nats/nats-options.ts';
import type { SourceOption } from './options.ts';
import type { PostgresSourceSpec } from './postgres/pg-options.ts';
import { type WebhookSourceSpec, webhookSourceSpec } from './webhook/webhook-options.ts';

export type SourceSpec =
  | KafkaSourceSpec
  | NatsSourceSpec
  | FileSourceSpec
  | DatagenSourceSpec
  | WebhookSourceSpec
  /** `CREATE SOURCE … FROM POSTGRES CONNECTION …` (runtime/statements/create-postgres-source). */
  | PostgresSourceSpec;

export const connectors = ['kafka', 'nats', 'file', 'datagen', 'webhook'] as const;

export function sourceSpec(
  connector: string,
  options: readonly SourceOption[],
  columns: readonly TableColumn[],
  choice?: FormatChoice,
): SourceSpec {
  if (
    connector !== 'kafka' &&
    choice !== undefined &&
    (choice.format !== 'plain' || choice.encode !== 'json' || choice.options.length > 0)
  )
    throw new FeatureNotSupportedError(
      `FORMAT ${choice.format.toUpperCase()} ENCODE ${choice.encode.toUpperCase()} is not supported for a ${connector} source`,
      {
        hint: "This connector reads FORMAT PLAIN ENCODE JSON (the default; a file source takes format = 'csv'); Kafka reads the others.",
      },
    );
  switch (connector) {
    case 'kafka':
      return kafkaSourceSpec(options, choice);
    case 'nats':
      return natsSourceSpec(options);
    case 'file':
      return fileSourceSpec(options);
    case 'datagen':
      return datagenSourceSpec(options, columns);
    case 'webhook':
      return webhookSourceSpec(options);
    default:
      throw new FeatureNotSupportedError(`connector ${JSON.stringify(connector)} is not supported yet`, {
        hint: `Connectors: ${connectors.join(', ')}; see docs/connectors.md.`,
      });
  }
}

/** What the source reads, as SHOW SOURCES shows it (the `topic` column). */
export function sourceTarget(spec: SourceSpec): string {
  switch (spec.connector) {
    case 'kafka':
      return spec.topic;
    case 'nats':
      return spec.subject === null ? spec.stream : `${spec.stream}:${spec.subject}`;
    case 'file':
      return spec.path;
    case 'datagen':
      return spec.table === null ? spec.generator : `${spec.generator}.${spec.table}`;
    case 'webhook':
      return 'POST /webhook/{source}';
    case 'postgres':
      return spec.publication;
  }
}

/** The column that keys a source's positions and dead letters: a partition, or a file. */
export function positionColumn(spec: SourceSpec): { name: string; type: 'int4' | 'text' } {
  return spec.connector === 'file' ? { name: 'file', type: 'text' } : { name: 'partition', type: 'int4' };
}

/** Whether the source keeps positions (a webhook has none: each request is its own). */
export function keepsPositions(spec: SourceSpec): boolean {
  return spec.connector !== 'webhook';
}

/** How the source's records become rows (FORMAT PLAIN ENCODE JSON unless it says otherwise). */
export function formatOf(spec: SourceSpec): SourceFormat {
  return spec.connector === 'kafka' ? (spec.format ?? plainJson) : plainJson;
}
