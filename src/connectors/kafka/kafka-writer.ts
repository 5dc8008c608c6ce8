/**
 * @module connectors/kafka/kafka-writer
 * Writes a sink's steps into one Kafka topic, one Kafka transaction per step, with a fixed
 * `transactional.id`: opening a writer fences every earlier producer with that id (the broker
 * aborts a transaction it left open), so a restarted Eddy can never interleave with its previous
 * incarnation. Every record carries the headers `eddy-sink` and `eddy-step`, and
 * `lastCommittedStep` reads the topic's committed tail (read_committed) back for the highest step
 * of the sink: the topic, not Eddy's own progress record, says what was delivered.
 */
import type { Producer } from '@platformatic/kafka';
import { KafkaReader } from './kafka-reader.ts';

export interface KafkaWriterOptions {
  readonly brokers: readonly string[];
  readonly topic: string;
  readonly clientId: string;
  readonly transactionalId: string;
}

/** One record to write: key and value (null: a tombstone), partitioned by key when it has one. */
export interface OutRecord {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
}

export const stepHeader = 'eddy-step';
export const sinkHeader = 'eddy-sink';

type Transaction = Awaited<ReturnType<Producer['beginTransaction']>>;

export class KafkaWriter {
  private readonly producer: Producer;
  private readonly options: KafkaWriterOptions;
  /** A transaction begun (fencing the previous incarnation) but not yet written to. */
  private pending: Transaction | null;
  private partitions = 0;

  private constructor(options: KafkaWriterOptions, producer: Producer, pending: Transaction) {
    this.options = options;
    this.producer = producer;
    this.pending = pending;
  }

  /** Connects and fences earlier producers with the same transactional id. */
  static async open(options: KafkaWriterOptions): Promise<KafkaWriter> {
    const { Producer } = await import('@platformatic/kafka');
    const producer = new Producer({
      clientId: options.clientId,
      bootstrapBrokers: [...options.brokers],
      transactionalId: options.transactionalId,
      idempotent: true,
      acks: -1,
      retries: 3,
      autocreateTopics: false,
    });
    try {
      // No producer id or epoch of ours: the broker bumps the epoch of this transactional id,
      // fencing every earlier producer with it and aborting a transaction it left open.
      const txn = await producer.beginTransaction({ producerId: -1n, producerEpoch: -1 });
      return new KafkaWriter(options, producer, txn);
    } catch (err) {
      await producer.close(true).catch(() => {});
      throw err;
    }
  }

  /** The highest `eddy-step` of `sink` among the topic's committed records; null when there is none. */
  async lastCommittedStep(sink: string): Promise<number | null> {
    const reader = await KafkaReader.open({
      brokers: this.options.brokers,
      topic: this.options.topic,
      clientId: `${this.options.clientId}-tail`,
      maxWaitMs: 0,
      maxBytes: 1 << 20,
    });
    try {
      this.partitions = await reader.partitions();
      const earliest = await reader.offsets('earliest');
      const latest = await reader.offsets('latest');
      let best: number | null = null;
      for (let p = 0; p < this.partitions; p++) {
        const start = earliest.get(p) ?? 0n;
        let end = latest.get(p) ?? 0n;
        let window = 64n;
        while (end > start) {
          const from = end - window > start ? end - window : start;
          const found = await highestStep(reader, p, from, end, sink);
          if (found !== null) {
            best = best === null ? found : Math.max(best, found);
            break;
          }
          end = from;
          window *= 4n;
        }
      }
      return best;
    } finally {
      await reader.close().catch(() => {});
    }
  }

  /** Writes `records` with the step's headers and commits them as one transaction. */
  async writeStep(sink: string, step: number, records: readonly OutRecord[]): Promise<void> {
    const txn = this.pending ?? (await this.producer.beginTransaction());
    this.pending = null;
    const headers = new Map([
      [Buffer.from(sinkHeader), Buffer.from(sink)],
      [Buffer.from(stepHeader), Buffer.from(String(step))],
    ]);
    let next = 0;
    const messages = records.map((r) => ({
      topic: this.options.topic,
      key: r.key ?? undefined,
      value: r.value ?? undefined,
      headers,
      // Keyless records go round the partitions; keyed ones by the client's key hash.
      ...(r.key === null && this.partitions > 0 ? { partition: next++ % this.partitions } : {}),
    }));
    try {
      for (let i = 0; i < messages.length; i += 5000)
        await txn.send({ messages: messages.slice(i, i + 5000) as never });
      await txn.commit();
    } catch (err) {
      await txn.abort().catch(() => {});
      throw err;
    }
  }

  async close(): Promise<void> {
    await this.producer.close(true).catch(() => {});
  }
}

/** The highest step of `sink` in partition `p` within [from, end), read committed. */
async function highestStep(
  reader: KafkaReader,
  p: number,
  from: bigint,
  end: bigint,
  sink: string,
): Promise<number | null> {
  let best: number | null = null;
  let at = from;
  while (at < end) {
    const poll = await reader.poll(new Map([[p, at]]));
    for (const r of poll.records) {
      if (r.offset >= end) continue;
      let owner: string | null = null;
      let step: number | null = null;
      for (const [k, v] of r.headers) {
        const key = k?.toString();
        if (key === sinkHeader) owner = v?.toString() ?? null;
        else if (key === stepHeader) step = Number(v?.toString());
      }
      if (owner === sink && step !== null && Number.isSafeInteger(step))
        best = best === null ? step : Math.max(best, step);
    }
    const next = poll.next.get(p) ?? at;
    if (next <= at) break;
    at = next;
  }
  return best;
}
