/**
 * @module connectors/sink-options
 * A sink's options, read from `CREATE SINK … WITH (connector = …, …) [FORMAT … ENCODE JSON]` and
 * kept in the catalog: the runner (runtime/sinks) reads them at every start. Unknown or malformed
 * options are refused when the sink is created (22023), other connectors and encodings with
 * 0A000, so a sink that exists always has a usable configuration.
 */
import { DataError, FeatureNotSupportedError, SqlState } from '../common/errors.ts';
import type { SourceOption } from './kafka/kafka-options.ts';
import { Options } from './options.ts';

/** How a change becomes a record: rows appended, key → latest row (tombstone deletes), or before/after events. */
export type SinkEnvelope = 'append-only' | 'upsert' | 'debezium';

export interface WebhookSinkSpec {
  readonly connector: 'webhook';
  /** The http:// or https:// URL each step's changes are POSTed to. */
  readonly url: string;
  /** A request that has not answered by then counts as failed and is retried (ms). */
  readonly timeoutMs: number;
  /** Longest wait between retries (ms); the wait doubles from 250 ms up to it. */
  readonly retryMaxMs: number;
}

export interface KafkaSinkSpec {
  readonly connector: 'kafka';
  readonly topic: string;
  readonly brokers: readonly string[];
  readonly envelope: SinkEnvelope;
  /** Column names of the record key (upsert: required unless the relation has a unique key). */
  readonly key: readonly string[];
  /** The Kafka `transactional.id`: fixed per sink, so a new incarnation fences the previous one. */
  readonly transactionalId: string;
  readonly retryMaxMs: number;
  /** ENCODE AVRO: the registry the value schema is registered with (absent: JSON values). */
  readonly registryUrl?: string;
}

export interface NatsSinkSpec {
  readonly connector: 'nats';
  readonly servers: readonly string[];
  /** The JetStream stream the subject belongs to (its duplicate window is what deduplicates). */
  readonly stream: string;
  /** The subject each change is published to. */
  readonly subject: string;
  /** When given, the sink sets the stream's duplicate window to this (ms) when it connects. */
  readonly duplicateWindowMs: number | null;
  readonly retryMaxMs: number;
}

export interface PostgresSinkSpec {
  readonly connector: 'postgres';
  /** The `CREATE CONNECTION` (type postgres) to write through. */
  readonly connection: string;
  /** The target table, `table` or `schema.table`. */
  readonly table: string;
  /** Column names of the key; empty: the relation's unique key if it has one, else append-only. */
  readonly primaryKey: readonly string[];
  /** Create the target table (with the key as its primary key) when it does not exist. */
  readonly createTable: boolean;
  readonly retryMaxMs: number;
}

export type SinkSpec = WebhookSinkSpec | KafkaSinkSpec | NatsSinkSpec | PostgresSinkSpec;

const retryMaxDefault = 5000;

/** The spec of a sink from its WITH options and FORMAT clause, or 22023/0A000 naming what is wrong. */
export function sinkSpec(
  sinkName: string,
  options: readonly SourceOption[],
  format:
    | { readonly format: string; readonly encode: string; readonly options?: readonly SourceOption[] }
    | undefined,
): SinkSpec {
  const byKey = new Map<string, string | boolean>();
  for (const { key, value } of options) {
    if (byKey.has(key)) throw invalid(`option "${key}" given twice`);
    byKey.set(key, value);
  }
  const connector = byKey.get('connector');
  if (connector === undefined)
    throw invalid(
      'a sink needs the option "connector"',
      "Say WITH (connector = 'kafka' | 'webhook' | 'nats', …).",
    );
  const avro = format?.encode === 'avro' && connector === 'kafka';
  if (format !== undefined && format.encode !== 'json' && !avro)
    throw new FeatureNotSupportedError(
      `sinks with ENCODE ${format.encode.toUpperCase()} are not supported yet`,
      {
        hint: 'Sinks encode JSON (ENCODE JSON, the default); a Kafka sink also ENCODE AVRO.',
      },
    );
  const encodeOptions = new Options(
    format?.options ?? [],
    avro ? ['schema.registry'] : [],
    `ENCODE ${(format?.encode ?? 'json').toUpperCase()}`,
  );
  const registryUrl = avro
    ? encodeOptions.required('schema.registry', "Say ENCODE AVRO (schema.registry = 'http://host:port').")
    : undefined;
  if (registryUrl !== undefined && !/^https?:\/\/[^\s/]+/.test(registryUrl))
    throw invalid(`schema.registry "${registryUrl}" is not an http:// or https:// URL`);
  const text = (key: string): string | undefined => {
    const v = byKey.get(key);
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || v === '') throw invalid(`option "${key}" must be a non-empty string`);
    return v;
  };
  if (connector === 'webhook') {
    onlyKnown(byKey, ['connector', 'url', 'timeout_ms', 'retry_max_ms'], 'webhook');
    if (format !== undefined && format.format !== 'plain')
      throw new FeatureNotSupportedError(
        `a webhook sink sends each step's changes as they are: FORMAT ${format.format.toUpperCase()} does not apply`,
      );
    const url = text('url');
    if (url === undefined) throw invalid('a webhook sink needs the option "url"');
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw invalid(`option "url" is not a URL: ${url}`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
      throw invalid(`option "url" must be an http:// or https:// URL, not ${parsed.protocol}`);
    return {
      connector: 'webhook',
      url,
      timeoutMs: positive(byKey, 'timeout_ms', 10_000),
      retryMaxMs: positive(byKey, 'retry_max_ms', retryMaxDefault),
    };
  }
  if (connector === 'kafka') {
    onlyKnown(byKey, ['connector', 'topic', 'brokers', 'key', 'transactional_id', 'retry_max_ms'], 'Kafka');
    const topic = text('topic');
    if (topic === undefined) throw invalid('a Kafka sink needs the option "topic"');
    const brokerList = text('brokers');
    if (brokerList === undefined)
      throw invalid('a Kafka sink needs the option "brokers"', "Say brokers = 'host:port[,host:port…]'.");
    const brokers = brokerList.split(',').map((b) => b.trim());
    for (const b of brokers)
      if (!/^[^\s:]+:\d{1,5}$/.test(b)) throw invalid(`broker address "${b}" is not host:port`);
    const envelope: SinkEnvelope =
      format === undefined || format.format === 'plain'
        ? 'append-only'
        : format.format === 'upsert'
          ? 'upsert'
          : 'debezium';
    const key = (text('key') ?? '')
      .split(',')
      .map((k) => k.trim().toLowerCase())
      .filter((k) => k !== '');
    return {
      connector: 'kafka',
      topic,
      brokers,
      envelope,
      key,
      transactionalId: text('transactional_id') ?? `eddy-sink-${sinkName}`,
      retryMaxMs: positive(byKey, 'retry_max_ms', retryMaxDefault),
      ...(registryUrl === undefined ? {} : { registryUrl }),
    };
  }
  if (connector === 'nats') {
    onlyKnown(
      byKey,
      ['connector', 'servers', 'stream', 'subject', 'duplicate_window_ms', 'retry_max_ms'],
      'NATS',
    );
    if (format !== undefined && format.format !== 'plain')
      throw new FeatureNotSupportedError(
        `a NATS sink publishes each change as it is: FORMAT ${format.format.toUpperCase()} does not apply`,
      );
    const servers = (text('servers') ?? '').split(',').map((s) => s.trim());
    if (servers[0] === '')
      throw invalid('a NATS sink needs the option "servers"', "Say servers = 'nats://host:port'.");
    for (const s of servers)
      if (!/^(nats:\/\/)?[^\s:/]+:\d{1,5}$/.test(s))
        throw invalid(`NATS server address "${s}" is not [nats://]host:port`);
    const stream = text('stream');
    if (stream === undefined) throw invalid('a NATS sink needs the option "stream"');
    const subject = text('subject');
    if (subject === undefined) throw invalid('a NATS sink needs the option "subject"');
    if (/[\s*>]/.test(subject)) throw invalid(`a NATS sink publishes to one subject, not "${subject}"`);
    return {
      connector: 'nats',
      servers,
      stream,
      subject,
      duplicateWindowMs: byKey.has('duplicate_window_ms') ? positive(byKey, 'duplicate_window_ms', 0) : null,
      retryMaxMs: positive(byKey, 'retry_max_ms', retryMaxDefault),
    };
  }
  if (connector === 'postgres') {
    onlyKnown(
      byKey,
      ['connector', 'connection', 'table', 'primary_key', 'create_table', 'retry_max_ms'],
      'PostgreSQL',
    );
    if (format !== undefined)
      throw new FeatureNotSupportedError('a PostgreSQL sink writes rows: FORMAT … ENCODE … does not apply');
    const connection = text('connection');
    if (connection === undefined) throw invalid('a PostgreSQL sink needs the option "connection"');
    const table = text('table');
    if (table === undefined) throw invalid('a PostgreSQL sink needs the option "table"');
    if (!/^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)?$/.test(table))
      throw invalid(`option "table" must be a table name, table or schema.table, not ${table}`);
    const create = byKey.get('create_table') ?? false;
    if (create !== true && create !== false && create !== 'true' && create !== 'false')
      throw invalid('option "create_table" must be true or false');
    return {
      connector: 'postgres',
      connection,
      table,
      primaryKey: (text('primary_key') ?? '')
        .split(',')
        .map((k) => k.trim().toLowerCase())
        .filter((k) => k !== ''),
      createTable: create === true || create === 'true',
      retryMaxMs: positive(byKey, 'retry_max_ms', retryMaxDefault),
    };
  }
  throw new FeatureNotSupportedError(`sink connector ${JSON.stringify(connector)} is not supported yet`, {
    hint: "Sinks so far: connector = 'kafka', 'webhook', 'nats' and 'postgres' (docs/connectors.md).",
  });
}

function onlyKnown(byKey: Map<string, unknown>, known: readonly string[], what: string): void {
  for (const key of byKey.keys())
    if (!known.includes(key))
      throw invalid(`unknown option "${key}" for a ${what} sink`, `Known options: ${known.join(', ')}.`);
}

function positive(byKey: Map<string, string | boolean>, key: string, fallback: number): number {
  const v = byKey.get(key);
  if (v === undefined) return fallback;
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : Number.NaN;
  if (!Number.isSafeInteger(n) || n <= 0) throw invalid(`option "${key}" must be a positive integer`);
  return n;
}

function invalid(message: string, hint?: string): DataError {
  return new DataError(SqlState.invalidParameterValue, message, hint === undefined ? {} : { hint });
}
