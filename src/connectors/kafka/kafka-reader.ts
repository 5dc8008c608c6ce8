/**
 * @module connectors/kafka/kafka-reader
 * Reads one Kafka topic's partitions from offsets the caller keeps (manual assignment: no consumer
 * group, nothing committed to Kafka; Eddy's own log and checkpoints are where positions live).
 * Each `poll` is one Fetch request per partition leader from the given positions, read_committed
 * (nothing past the last stable offset; records of aborted transactions and control markers are
 * dropped), and answers the records with their offsets, every partition's next position and its
 * high watermark (for lag). Built on `@platformatic/kafka`'s low-level fetch (docs/dependencies.md).
 */
import type { Consumer } from '@platformatic/kafka';

/** One record as the source reads it. */
export interface FetchedRecord {
  readonly partition: number;
  readonly offset: bigint;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly timestampMs: number;
  readonly headers: readonly (readonly [Buffer | null, Buffer | null])[];
}

export interface Poll {
  readonly records: FetchedRecord[];
  /** Each polled partition's next offset to read (after its last record or skipped marker). */
  readonly next: Map<number, bigint>;
  /** Each polled partition's high watermark: the offset after its last record. */
  readonly highWatermarks: Map<number, bigint>;
}

export interface KafkaReaderOptions {
  readonly brokers: readonly string[];
  readonly topic: string;
  readonly clientId: string;
  /** Longest a poll waits on the broker for data (ms). */
  readonly maxWaitMs: number;
  /** Bytes a poll asks for at most, across partitions (a record larger than it still arrives). */
  readonly maxBytes: number;
}

const READ_COMMITTED = 1;
/** Record batch attribute bits (Kafka's record batch format v2). */
const TRANSACTIONAL = 0x10;
const CONTROL = 0x20;

export class KafkaReader {
  private readonly consumer: Consumer;
  private readonly options: KafkaReaderOptions;

  private constructor(options: KafkaReaderOptions, consumer: Consumer) {
    this.options = options;
    this.consumer = consumer;
  }

  /** A reader; the client library is loaded on first use (it takes ~0.6 s), not with Eddy. */
  static async open(options: KafkaReaderOptions): Promise<KafkaReader> {
    const { Consumer } = await import('@platformatic/kafka');
    const consumer = new Consumer({
      clientId: options.clientId,
      // Required by the client; never joined: no group membership, no commits.
      groupId: `${options.clientId}-unused`,
      bootstrapBrokers: [...options.brokers],
      retries: 0,
    });
    return new KafkaReader(options, consumer);
  }

  /** The topic's partition count; fails (UNKNOWN_TOPIC_OR_PARTITION) when it does not exist. */
  async partitions(): Promise<number> {
    const metadata = await this.consumer.metadata({ topics: [this.options.topic], forceUpdate: true });
    const topic = metadata.topics.get(this.options.topic);
    if (!topic) throw new Error(`topic "${this.options.topic}" does not exist`);
    return topic.partitionsCount;
  }

  /**
   * Every partition's earliest or latest offset, or (a time in ms since 1970) the offset of its
   * first record with a timestamp at or after it (Kafka's ListOffsets by timestamp); a partition
   * with no such record starts at its latest offset.
   */
  async offsets(which: 'earliest' | 'latest' | number): Promise<Map<number, bigint>> {
    const byPartition = await this.listOffsets(
      which === 'earliest' ? -2n : which === 'latest' ? -1n : BigInt(which),
    );
    if (typeof which === 'number' && [...byPartition.values()].some((o) => o < 0n)) {
      const latest = await this.listOffsets(-1n);
      for (const [p, o] of byPartition) if (o < 0n) byPartition.set(p, latest.get(p) ?? 0n);
    }
    return byPartition;
  }

  private async listOffsets(timestamp: bigint): Promise<Map<number, bigint>> {
    const listed = await this.consumer.listOffsets({
      topics: [this.options.topic],
      timestamp,
      isolationLevel: READ_COMMITTED,
    });
    const byPartition = new Map<number, bigint>();
    (listed.get(this.options.topic) ?? []).forEach((offset, partition) => {
      byPartition.set(partition, offset);
    });
    return byPartition;
  }

  /** Fetches from `positions` (partition → next offset), one request per leader broker. */
  async poll(positions: ReadonlyMap<number, bigint>): Promise<Poll> {
    const metadata = await this.consumer.metadata({ topics: [this.options.topic] });
    const topic = metadata.topics.get(this.options.topic);
    if (!topic) throw new Error(`topic "${this.options.topic}" does not exist`);
    const byLeader = new Map<number, number[]>();
    for (const partition of positions.keys()) {
      const leader = topic.partitions[partition]?.leader ?? -1;
      byLeader.set(leader, [...(byLeader.get(leader) ?? []), partition]);
    }
    // Each partition's records arrive in offset order: gathered per partition, they need no sort.
    const byPartition = new Map<number, FetchedRecord[]>();
    const next = new Map(positions);
    const highWatermarks = new Map<number, bigint>();
    const perPartition = Math.max(1024, Math.floor(this.options.maxBytes / positions.size));
    await Promise.all(
      [...byLeader].map(async ([node, partitions]) => {
        const response = await this.consumer.fetch({
          node,
          maxWaitTime: this.options.maxWaitMs,
          minBytes: 1,
          maxBytes: this.options.maxBytes,
          isolationLevel: READ_COMMITTED,
          topics: [
            {
              topicId: topic.id,
              partitions: partitions.map((partition) => ({
                partition,
                currentLeaderEpoch: -1,
                fetchOffset: positions.get(partition)!,
                lastFetchedEpoch: -1,
                partitionMaxBytes: perPartition,
              })),
            },
          ],
        });
        for (const t of response.responses) {
          for (const p of t.partitions) {
            if (p.errorCode !== 0)
              throw new Error(
                `fetching partition ${p.partitionIndex} failed with Kafka error ${p.errorCode}`,
              );
            highWatermarks.set(p.partitionIndex, p.highWatermark);
            const from = positions.get(p.partitionIndex)!;
            const out: FetchedRecord[] = [];
            byPartition.set(p.partitionIndex, out);
            const last = readBatches(p.partitionIndex, from, p.records ?? [], p.abortedTransactions, out);
            if (last >= from) next.set(p.partitionIndex, last + 1n);
          }
        }
      }),
    );
    const records = [...byPartition.keys()]
      .sort((a, b) => a - b)
      .flatMap((partition) => byPartition.get(partition)!);
    return { records, next, highWatermarks };
  }

  async close(): Promise<void> {
    await this.consumer.close(true);
  }
}

export type Batch = NonNullable<
  Awaited<ReturnType<Consumer['fetch']>>['responses'][number]['partitions'][number]['records']
>[number];
export type Aborted = { producerId: bigint; firstOffset: bigint }[] | null;

/**
 * Appends the batches' records at or after `from` to `out`, leaving out control markers and the
 * records of aborted transactions (a producer's transactional batches from an aborted
 * transaction's first offset up to its abort marker). Kafka 3.9's broker already leaves aborted
 * batches out of a read_committed fetch in our tests, but the protocol lets a broker send them
 * with the list of aborted transactions for the client to drop, so they are dropped here too.
 * Returns the last offset read or skipped (`from - 1` when there was none).
 */
export function readBatches(
  partition: number,
  from: bigint,
  batches: Batch[],
  aborted: Aborted,
  out: FetchedRecord[],
) {
  const pendingAborts = [...(aborted ?? [])].sort((a, b) => Number(a.firstOffset - b.firstOffset));
  const abortedProducers = new Set<bigint>();
  let last = from - 1n;
  for (const batch of batches) {
    while (
      pendingAborts.length > 0 &&
      pendingAborts[0]!.firstOffset <= batch.firstOffset + BigInt(batch.lastOffsetDelta)
    )
      abortedProducers.add(pendingAborts.shift()!.producerId);
    const batchLast = batch.firstOffset + BigInt(batch.lastOffsetDelta);
    if (batchLast < from) continue;
    if (batchLast > last) last = batchLast;
    if ((batch.attributes & CONTROL) !== 0) {
      // A commit or abort marker ends that producer's transaction.
      abortedProducers.delete(batch.producerId);
      continue;
    }
    if ((batch.attributes & TRANSACTIONAL) !== 0 && abortedProducers.has(batch.producerId)) continue;
    for (const record of batch.records) {
      const offset = batch.firstOffset + BigInt(record.offsetDelta);
      if (offset < from) continue;
      out.push({
        partition,
        offset,
        key: record.key,
        value: record.value,
        headers: record.headers,
        timestampMs: Number(batch.firstTimestamp + record.timestampDelta),
      });
    }
  }
  return last;
}

/**
 * An error of the Kafka client as one line: its message with those of the errors it wraps (a
 * failed response carries one per partition or broker, such as "The requested offset is not
 * within the range of offsets maintained by the server.").
 */
export function kafkaErrorMessage(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const inner = (err as { errors?: unknown }).errors;
  const causes = Array.isArray(inner)
    ? [...new Set(inner.map((e: unknown) => (e instanceof Error ? e.message : String(e))))]
    : [];
  return causes.length === 0 ? err.message : `${err.message}: ${causes.join('; ')}`;
}
