/**
 * @module runtime/sinks/nats-target
 * The NATS sink: each change of a step is one JetStream message on the sink's subject, JSON
 * `{"op": "insert"|"delete", "row": {…}}` (a row with weight n comes n times), with the headers
 * `Eddy-Sink` and `Eddy-Step`, and the message id `<sink>:<step>:<index>` (`Nats-Msg-Id`). A step
 * is delivered once the stream has acknowledged every one of its messages; a failure is retried
 * with the same ids, and the stream drops a message whose id it has seen **within its duplicate
 * window** (two minutes unless set; the sink sets it from `duplicate_window_ms` when it connects).
 * So a receiver sees each change once as long as a step is redelivered within that window (a
 * retry, a restart soon after a crash); beyond it, at least once.
 */
import type { RelationEntry } from '../../catalog/catalog.ts';
import type { NatsSinkSpec } from '../../connectors/sink-options.ts';
import type { SinkDelivery, SinkTarget } from './sink.ts';
import { type RowJson, rowJson } from './sink-json.ts';

type JetStream = import('@nats-io/jetstream').JetStreamClient;
type Connection = import('@nats-io/transport-node').NatsConnection;

/** Acknowledgements awaited at once while publishing a step. */
const window = 1000;

export class NatsSinkTarget implements SinkTarget {
  private readonly name: string;
  private readonly spec: NatsSinkSpec;
  private readonly encode: RowJson;
  private nc: Connection | null = null;
  private js: JetStream | null = null;
  /** Messages the stream reported as duplicates (already stored under their id). */
  duplicates = 0;

  constructor(name: string, spec: NatsSinkSpec, relation: RelationEntry) {
    this.name = name;
    this.spec = spec;
    this.encode = rowJson(relation.schema);
  }

  async open(): Promise<number | null> {
    const { connect } = await import('@nats-io/transport-node');
    const { jetstreamManager } = await import('@nats-io/jetstream');
    const nc = await connect({
      servers: [...this.spec.servers],
      name: `eddy-sink-${this.name}`,
      timeout: 5000,
    });
    try {
      const jsm = await jetstreamManager(nc);
      const info = await jsm.streams.info(this.spec.stream);
      const window = this.spec.duplicateWindowMs;
      if (window !== null && info.config.duplicate_window !== window * 1_000_000)
        await jsm.streams.update(this.spec.stream, { duplicate_window: window * 1_000_000 });
      this.js = jsm.jetstream();
      this.nc = nc;
    } catch (err) {
      await nc.close().catch(() => {});
      throw err;
    }
    return null;
  }

  async deliver(d: SinkDelivery): Promise<number> {
    const js = this.js;
    if (js === null) throw new Error('the NATS sink is not connected');
    const { headers } = await import('@nats-io/transport-node');
    const messages: string[] = [];
    for (let i = 0; i < d.rows.length; i++) {
      const w = d.weights[i]!;
      const change = `{"op":"${w > 0 ? 'insert' : 'delete'}","row":${this.encode(d.rows[i]!)}}`;
      for (let k = Math.abs(w); k > 0; k--) messages.push(change);
    }
    let bytes = 0;
    for (let from = 0; from < messages.length; from += window) {
      const acks = await Promise.all(
        messages.slice(from, from + window).map((payload, j) => {
          bytes += Buffer.byteLength(payload);
          const h = headers();
          h.set('Eddy-Sink', this.name);
          h.set('Eddy-Step', String(d.step));
          return js.publish(this.spec.subject, payload, {
            msgID: `${this.name}:${d.step}:${from + j}`,
            headers: h,
            expect: { streamName: this.spec.stream },
          });
        }),
      );
      for (const ack of acks) if (ack.duplicate) this.duplicates++;
    }
    return bytes;
  }

  async close(): Promise<void> {
    await this.nc?.close().catch(() => {});
    this.nc = null;
    this.js = null;
  }
}
