/**
 * @module connectors/kafka/kafka-options
 * A Kafka source's options, read from `CREATE SOURCE … WITH (connector = 'kafka', …) FORMAT PLAIN
 * ENCODE JSON` and kept in the catalog: the runner (runtime/sources) reads them at every start.
 * Unknown or malformed options are refused when the source is created (22023), so a source that
 * exists always has a usable configuration.
 */
import { DataError, FeatureNotSupportedError, SqlState } from '../../common/errors.ts';
import type { SourceOption } from '../options.ts';

export interface KafkaSourceSpec {
  readonly connector: 'kafka';
  readonly topic: string;
  /** `host:port` bootstrap addresses. */
  readonly brokers: readonly string[];
  /** Where a partition with no recorded position starts. */
  readonly start: 'earliest' | 'latest';
  /** A record value longer than this (bytes) is dead-lettered, not decoded. */
  readonly maxRecordBytes: number;
  /** Bytes one poll (one step) asks Kafka for at most. */
  readonly pollBytes: number;
  /** Longest a poll waits for new records before it answers empty (ms). */
  readonly pollWaitMs: number;
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
  'watermark_idle_timeout_ms',
]);

/** The spec of a Kafka source from its WITH options, or 22023 naming the option at fault. */
export function kafkaSourceSpec(options: readonly SourceOption[]): KafkaSourceSpec {
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
  const start = text('start') ?? 'earliest';
  if (start !== 'earliest' && start !== 'latest') {
    if (/^\d/.test(start))
      throw new FeatureNotSupportedError('starting a Kafka source at a timestamp is not supported yet');
    throw invalid(`option "start" must be 'earliest' or 'latest', not '${start}'`);
  }
  return {
    connector: 'kafka',
    topic,
    brokers,
    start,
    maxRecordBytes: positive(byKey, 'max_record_bytes', 1 << 20),
    pollBytes: positive(byKey, 'poll_bytes', 4 << 20),
    pollWaitMs: positive(byKey, 'poll_wait_ms', 200),
    ...(byKey.has('watermark_idle_timeout_ms')
      ? { watermarkIdleTimeoutMs: positive(byKey, 'watermark_idle_timeout_ms', 0) }
      : {}),
  };
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
