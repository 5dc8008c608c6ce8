/**
 * @module runtime/sources/kafka-source
 * A Kafka source's reader for the shared connector-source loop: reads the topic's partitions from
 * the positions in the source's offsets table (partition → next offset). A partition seen for the
 * first time gets its position (earliest or latest) in a batch of its own, so `start = 'latest'`
 * means "from when the source was created", also across restarts; partitions added later are
 * picked up within 5 s. While a batch is decoded and its step made durable, the reader already
 * fetches the next one from where that batch ends (at most one fetch ahead, so at most two
 * batches of `poll_bytes` in memory); it is used only if the step moved the positions there.
 */
import type { PositionKey } from '../../catalog/catalog.ts';
import type { KafkaSourceSpec } from '../../connectors/kafka/kafka-options.ts';
import { KafkaReader, kafkaErrorMessage, type Poll } from '../../connectors/kafka/kafka-reader.ts';
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
  let prefetched: { from: ReadonlyMap<number, bigint>; poll: Promise<Poll> } | null = null;
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
      const ahead = prefetched;
      prefetched = null;
      const poll =
        ahead !== null && samePositions(ahead.from, positions)
          ? await ahead.poll
          : await reader.poll(positions);
      for (const [p, high] of poll.highWatermarks) highWatermarks.set(p, high);
      const next = new Map<PositionKey, number>();
      for (const [p, offset] of poll.next) if (offset !== positions.get(p)) next.set(p, Number(offset));
      const after = new Map(positions);
      for (const [p, offset] of poll.next) after.set(p, offset);
      // Only while there is more to read: an idle source keeps one long poll, not two.
      if (poll.records.length > 0) {
        const ahead = reader.poll(after);
        ahead.catch(() => {}); // a failed fetch ahead is thrown when (if) it is used
        prefetched = { from: after, poll: ahead };
      }
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
    async close() {
      await prefetched?.poll.catch(() => {});
      prefetched = null;
      await reader.close();
    },
  };
}

function samePositions(a: ReadonlyMap<number, bigint>, b: ReadonlyMap<number, bigint>): boolean {
  if (a.size !== b.size) return false;
  for (const [p, next] of a) if (b.get(p) !== next) return false;
  return true;
}
