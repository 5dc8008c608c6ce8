/**
 * @module runtime/sinks/webhook-target
 * The webhook sink: each step's changes are one `POST` of JSON to the sink's URL,
 * `{"sink", "step", "kind": "snapshot"|"changes", "changes": [{"op": "insert"|"delete", "row": {…}}, …]}`
 * (a row with weight n comes n times), with the headers `Idempotency-Key: <sink>:<step>`,
 * `Eddy-Sink` and `Eddy-Step`. Any 2xx answer delivers the step; anything else (another status,
 * a refused connection, no answer within `timeout_ms`) is a failure the sink retries with the
 * same body and key. At least once: a receiver that deduplicates on the key sees each change once.
 */
import type { RelationEntry } from '../../catalog/catalog.ts';
import type { WebhookSinkSpec } from '../../connectors/sink-options.ts';
import type { SinkDelivery, SinkTarget } from './sink.ts';
import { type RowJson, rowJson } from './sink-json.ts';

export class WebhookTarget implements SinkTarget {
  private readonly name: string;
  private readonly spec: WebhookSinkSpec;
  private readonly encode: RowJson;

  constructor(name: string, spec: WebhookSinkSpec, relation: RelationEntry) {
    this.name = name;
    this.spec = spec;
    this.encode = rowJson(relation.schema);
  }

  async open(): Promise<number | null> {
    return null;
  }

  async deliver(d: SinkDelivery): Promise<number> {
    const parts: string[] = [];
    for (let i = 0; i < d.rows.length; i++) {
      const w = d.weights[i]!;
      const change = `{"op":"${w > 0 ? 'insert' : 'delete'}","row":${this.encode(d.rows[i]!)}}`;
      for (let k = Math.abs(w); k > 0; k--) parts.push(change);
    }
    const body = `{"sink":${JSON.stringify(d.sink)},"step":${d.step},"kind":"${d.kind}","changes":[${parts.join(',')}]}`;
    let response: Response;
    try {
      response = await fetch(this.spec.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'idempotency-key': `${this.name}:${d.step}`,
          'eddy-sink': this.name,
          'eddy-step': String(d.step),
        },
        body,
        signal: AbortSignal.timeout(this.spec.timeoutMs),
      });
    } catch (err) {
      const cause = (err as { cause?: { message?: string } }).cause?.message;
      throw new Error(`POST ${this.spec.url} failed: ${cause ?? (err as Error).message}`);
    }
    await response.arrayBuffer().catch(() => {});
    if (!response.ok)
      throw new Error(`POST ${this.spec.url} answered ${response.status} ${response.statusText}`);
    return Buffer.byteLength(body);
  }

  async close(): Promise<void> {}
}
