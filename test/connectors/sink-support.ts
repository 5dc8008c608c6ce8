import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export {
  client,
  eventually,
  exited,
  kill,
  type ServeProcess as Served,
  startServe,
} from '../support/serve-process.ts';

export interface WebhookRequest {
  readonly key: string;
  readonly body: {
    sink: string;
    step: number;
    kind: string;
    changes: { op: 'insert' | 'delete'; row: Record<string, unknown> }[];
  };
}

/** An HTTP receiver: records each POST; `failNext(n)` answers the next n with 503. */
export class Receiver {
  readonly requests: WebhookRequest[] = [];
  /**
   * Runs once a request is recorded, before it is answered (a crash test kills the sender here:
   * the receiver has the step, the sender never learns it was delivered).
   */
  beforeAnswer: ((request: WebhookRequest) => Promise<void> | void) | null = null;
  private readonly server: Server;
  private failing = 0;

  private constructor(server: Server) {
    this.server = server;
  }

  static async start(): Promise<Receiver> {
    const receiver = new Receiver(createServer((req, res) => receiver.handle(req, res)));
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }

  failNext(n: number): void {
    this.failing = n;
  }

  /** The requests with distinct idempotency keys, in arrival order (what a deduplicating receiver keeps). */
  deduplicated(): WebhookRequest[] {
    const seen = new Set<string>();
    return this.requests.filter((r) => !seen.has(r.key) && seen.add(r.key));
  }

  /** The relation's contents as the deduplicated deliveries build them, as sorted JSON lines. */
  contents(): string[] {
    const rows = new Map<string, number>();
    for (const r of this.deduplicated())
      for (const c of r.body.changes) {
        const k = JSON.stringify(c.row);
        rows.set(k, (rows.get(k) ?? 0) + (c.op === 'insert' ? 1 : -1));
      }
    return [...rows].flatMap(([k, n]) => Array.from({ length: n }, () => k)).sort();
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse): void {
    let text = '';
    req.setEncoding('utf8').on('data', (s: string) => {
      text += s;
    });
    req.on('end', () => {
      if (this.failing > 0) {
        this.failing--;
        res.writeHead(503).end('try later');
        return;
      }
      const request = { key: String(req.headers['idempotency-key']), body: JSON.parse(text) };
      this.requests.push(request);
      if (this.beforeAnswer === null) res.writeHead(204).end();
      else void Promise.resolve(this.beforeAnswer(request)).then(() => res.writeHead(204).end());
    });
  }
}
