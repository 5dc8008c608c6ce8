/**
 * @module runtime/sources/kafka-source
 * A Kafka source's reader for the shared connector-source loop: reads the topic's partitions from
 * the positions in the source's offsets table (partition → next offset). A partition seen for the
 * first time gets its position (earliest or latest) in a batch of its own, so `start = 'latest'`
 * means "from when the source was created", also across restarts; partitions added later are
 * picked up within 5 s.
 */
import type { PositionKey } from '../../catalog/catalog.ts';
import type { KafkaSourceSpec } from '../../connectors/kafka/kafka-options.ts';
import { KafkaReader, kafkaErrorMessage } from '../../connectors/kafka/kafka-reader.ts';
import type { SourceBatch, SourceReader } from './connector-source.ts';

const partitionCheckMs = 5000;

export const describeKafkaError = kafkaErrorMessage;

export async function openKafkaSource(spec: KafkaSourceSpec, name: string): Promise<SourceReader> {
  const reader = await KafkaReader.open({
    brokers: spec.brokers,
    topic: spec.topic,
    clientId: `eddy-source-${name}`,
    maxWaitMs: spec.pollWaitMs,
    maxBytes: spec.pollBytes,
  });
  let partitionsCheckedAt = 0;
  const highWatermarks = new Map<number, bigint>();
  const lag = (positions: ReadonlyMap<number, bigint>): number => {
    let behind = 0;
    for (const [p, next] of positions) {
      const high = highWatermarks.get(p);
      if (high !== undefined && high > next) behind += Number(high - next);
    }
    return behind;
  };
  return {
    async poll(stored: ReadonlyMap<PositionKey, number>): Promise<SourceBatch | null> {
      const positions = new Map<number, bigint>();
      for (const [p, next] of stored) positions.set(p as number, BigInt(next));
      if (Date.now() - partitionsCheckedAt > partitionCheckMs) {
        const count = await reader.partitions();
        partitionsCheckedAt = Date.now();
        const missing: number[] = [];
        for (let p = 0; p < count; p++) if (!positions.has(p)) missing.push(p);
        if (missing.length > 0) {
          const starts = await reader.offsets(spec.start);
          return { records: [], next: new Map(missing.map((p) => [p, Number(starts.get(p) ?? 0n)])) };
        }
      }
      if (positions.size === 0) return null;
      const poll = await reader.poll(positions);
      for (const [p, high] of poll.highWatermarks) highWatermarks.set(p, high);
      const next = new Map<PositionKey, number>();
      for (const [p, offset] of poll.next) if (offset !== positions.get(p)) next.set(p, Number(offset));
      const after = new Map(positions);
      for (const [p, offset] of poll.next) after.set(p, offset);
      return {
        records: poll.records.map((r) => ({
          key: r.partition,
          offset: Number(r.offset),
          value: r.value,
          recordKey: r.key,
          timestampMs: r.timestampMs,
          headers: r.headers,
        })),
        next,
        lag: lag(after),
      };
    },
    close: () => reader.close(),
  };
}
