/**
 * @module connectors/kafka/kafka-options
 * A Kafka source's options, read from `CREATE SOURCE … WITH (connector = 'kafka', …) FORMAT PLAIN
 * ENCODE JSON` and kept in the catalog: the runner (runtime/sources) reads them at every start.
 * Unknown or malformed options are refused when the source is created (22023), so a source that
 * exists always has a usable configuration.
 */
import { DataError, SqlState } from '../../common/errors.ts';
import { ProtobufDecoder } from '../formats/protobuf-values.ts';
import {
  type FormatChoice,
  includeOptions,
  type SourceFormat,
  sourceFormat,
} from '../formats/source-format.ts';
import type { SourceOption } from '../options.ts';

export interface KafkaSourceSpec {
  readonly connector: 'kafka';
  readonly topic: string;
  /** `host:port` bootstrap addresses. */
  readonly brokers: readonly string[];
  /**
   * Where a partition with no recorded position starts: its first or next record, or (a number,
   * ms since 1970) its first record whose timestamp is at or after that time.
   */
  readonly start: 'earliest' | 'latest' | number;
  /** A record value longer than this (bytes) is dead-lettered, not decoded. */
  readonly maxRecordBytes: number;
  /** Bytes one poll (one step) asks Kafka for at most. */
  readonly pollBytes: number;
  /** Longest a poll waits for new records before it answers empty (ms). */
  readonly pollWaitMs: number;
  /** Envelope, encoding and metadata columns (absent in catalogs written before formats). */
  readonly format?: SourceFormat;
  /**
   * With a watermark: a partition that brings no rows for this long (processing time, ms) is idle
   * and stops holding the source's watermark back (runtime/event-time). Unset: never idle.
   */
  readonly watermarkIdleTimeoutMs?: number;
}

export type { SourceOption };

const known = new Set([
  'connector',
  'topic',
  'brokers',
  'start',
  'max_record_bytes',
  'poll_bytes',
  'poll_wait_ms',
  ...includeOptions,
  'watermark_idle_timeout_ms',
]);

/** The spec of a Kafka source from its WITH options, or 22023 naming the option at fault. */
export function kafkaSourceSpec(options: readonly SourceOption[], choice?: FormatChoice): KafkaSourceSpec {
  const byKey = new Map<string, string | boolean>();
  for (const { key, value } of options) {
    if (!known.has(key))
      throw invalid(`unknown option "${key}" for a Kafka source`, `Known options: ${[...known].join(', ')}.`);
    if (byKey.has(key)) throw invalid(`option "${key}" given twice`);
    byKey.set(key, value);
  }
  const text = (key: string): string | undefined => {
    const v = byKey.get(key);
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || v === '') throw invalid(`option "${key}" must be a non-empty string`);
    return v;
  };
  const topic = text('topic');
  if (topic === undefined) throw invalid('a Kafka source needs the option "topic"');
  const brokerList = text('brokers');
  if (brokerList === undefined)
    throw invalid('a Kafka source needs the option "brokers"', "Say brokers = 'host:port[,host:port…]'.");
  const brokers = brokerList.split(',').map((b) => b.trim());
  for (const b of brokers)
    if (!/^[^\s:]+:\d{1,5}$/.test(b)) throw invalid(`broker address "${b}" is not host:port`);
  const format = sourceFormat(choice, options, 'Kafka', {
    encodings: ['json', 'avro', 'protobuf', 'text', 'bytes'],
    envelopes: ['plain', 'upsert', 'debezium'],
    include: ['key', 'timestamp', 'partition', 'offset', 'headers'],
  });
  // The .proto file is read now, so a source that exists has one (it is read again at each start).
  if (format.protoFile !== null) ProtobufDecoder.load(format.protoFile, format.protoMessage!);
  return {
    connector: 'kafka',
    topic,
    brokers,
    start: startOf(text('start') ?? 'earliest'),
    maxRecordBytes: positive(byKey, 'max_record_bytes', 1 << 20),
    pollBytes: positive(byKey, 'poll_bytes', 4 << 20),
    pollWaitMs: positive(byKey, 'poll_wait_ms', 200),
    format,
    ...(byKey.has('watermark_idle_timeout_ms')
      ? { watermarkIdleTimeoutMs: positive(byKey, 'watermark_idle_timeout_ms', 0) }
      : {}),
  };
}

/**
 * `start`: 'earliest', 'latest', or a time: milliseconds since 1970 (digits) or an ISO 8601
 * timestamp with its offset ('2026-12-07T10:00:00Z').
 */
function startOf(start: string): KafkaSourceSpec['start'] {
  if (start === 'earliest' || start === 'latest') return start;
  const ms = /^\d+$/.test(start)
    ? Number(start)
    : /^\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)$/.test(start)
      ? Date.parse(start.replace(' ', 'T'))
      : Number.NaN;
  if (!Number.isSafeInteger(ms) || ms < 0)
    throw invalid(
      `option "start" must be 'earliest', 'latest' or a time, not '${start}'`,
      "A time is milliseconds since 1970 or ISO 8601 with its offset: '2026-12-07T10:00:00Z'.",
    );
  return ms;
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
