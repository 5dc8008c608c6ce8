/**
 * @module connectors/nats/nats-reader
 * Reads one JetStream stream from a stream sequence the caller keeps, through an **ordered
 * consumer**: ephemeral, unacknowledged (no ack limit such as max_ack_pending caps how much is
 * in flight), re-created by the client at the next sequence after a gap or a reconnect, and
 * never a place where positions live (Eddy's log and checkpoints are). A pump moves messages
 * from the client into a queue bounded in messages and bytes, so the next messages arrive while the previous step is
 * applied; `poll` takes what is queued. Built on `@nats-io/jetstream` + `@nats-io/transport-node`
 * (docs/dependencies.md), loaded on first use.
 */
import type { ConsumerMessages, JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';

export interface NatsMessage {
  readonly seq: number;
  readonly value: Buffer;
}

export interface NatsPoll {
  readonly messages: NatsMessage[];
  /** Messages in the stream after the last one taken (as the server last said). */
  readonly pending: number;
}

export interface NatsReaderOptions {
  readonly servers: readonly string[];
  readonly stream: string;
  readonly subject: string | null;
  readonly name: string;
  /** Messages held in the queue at most (also the size of each pull request). */
  readonly queueMessages: number;
  /** Bytes held in the queue at most (the pump waits past it). */
  readonly queueBytes: number;
}

export class NatsReader {
  private readonly options: NatsReaderOptions;
  private readonly nc: NatsConnection;
  private readonly jsm: JetStreamManager;
  private messages: ConsumerMessages | null = null;
  private queue: NatsMessage[] = [];
  private queuedBytes = 0;
  private pending = 0;
  private failure: Error | null = null;
  private arrived: (() => void) | null = null;
  private drained: (() => void) | null = null;
  private closed = false;

  private constructor(options: NatsReaderOptions, nc: NatsConnection, jsm: JetStreamManager) {
    this.options = options;
    this.nc = nc;
    this.jsm = jsm;
  }

  static async open(options: NatsReaderOptions): Promise<NatsReader> {
    const { connect } = await import('@nats-io/transport-node');
    const { jetstreamManager } = await import('@nats-io/jetstream');
    const nc = await connect({
      servers: [...options.servers],
      name: options.name,
      maxReconnectAttempts: -1,
      timeout: 5000,
    });
    try {
      return new NatsReader(options, nc, await jetstreamManager(nc));
    } catch (err) {
      await nc.close().catch(() => {});
      throw err;
    }
  }

  /** The stream's first sequence and the sequence after its last message. */
  async bounds(): Promise<{ first: number; next: number }> {
    const info = await this.jsm.streams.info(this.options.stream);
    return { first: Math.max(1, info.state.first_seq), next: info.state.last_seq + 1 };
  }

  /** Starts delivery at stream sequence `seq` (once per reader). */
  async start(seq: number): Promise<void> {
    const { DeliverPolicy } = await import('@nats-io/jetstream');
    const consumer = await this.jsm.jetstream().consumers.get(this.options.stream, {
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: seq,
      ...(this.options.subject === null ? {} : { filter_subjects: this.options.subject }),
    });
    // A pull bounded by messages only: with max_bytes the client's pulls against nats-server
    // 2.9 stalled in our tests; the queue below bounds the bytes Eddy holds.
    this.messages = await consumer.consume({ max_messages: this.options.queueMessages });
    void this.pump(this.messages);
  }

  private async pump(messages: ConsumerMessages): Promise<void> {
    try {
      for await (const m of messages) {
        const data = m.data;
        this.queue.push({ seq: m.seq, value: Buffer.from(data.buffer, data.byteOffset, data.byteLength) });
        this.queuedBytes += data.byteLength;
        this.pending = m.info.pending;
        this.arrived?.();
        if (this.queue.length >= this.options.queueMessages || this.queuedBytes >= this.options.queueBytes)
          await new Promise<void>((resolve) => {
            this.drained = resolve;
          });
      }
      if (!this.closed) this.failure = new Error(`the consumer of stream "${this.options.stream}" stopped`);
    } catch (err) {
      this.failure = err instanceof Error ? err : new Error(String(err));
    }
    this.arrived?.();
  }

  /** Up to `max` queued messages, waiting up to `waitMs` for a first one. */
  async poll(max: number, waitMs: number): Promise<NatsPoll> {
    if (this.queue.length === 0 && this.failure === null) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, waitMs);
        this.arrived = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.arrived = null;
    }
    // Messages reach the queue one microtask at a time as the client parses a socket read: one
    // turn of the event loop lets it finish, so a step takes what has arrived, not the first one.
    if (this.queue.length < max) await new Promise((resolve) => setImmediate(resolve));
    if (this.queue.length === 0 && this.failure !== null) throw this.failure;
    const messages = this.queue.length <= max ? this.queue : this.queue.slice(0, max);
    this.queue = this.queue.length <= max ? [] : this.queue.slice(max);
    for (const m of messages) this.queuedBytes -= m.value.length;
    const resume = this.drained;
    this.drained = null;
    resume?.();
    return { messages, pending: this.pending + this.queue.length };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.drained?.();
    await this.messages?.close().catch(() => {});
    await this.nc.close().catch(() => {});
  }
}

/** A NATS client error as one line. */
export function natsErrorMessage(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
  return `${err.message}${cause}`;
}
