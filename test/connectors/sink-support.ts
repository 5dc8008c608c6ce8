/**
 * @module test/connectors/sink-support
 * For the sink tests: `eddy serve --data-dir` as a child process that can be killed with SIGKILL,
 * and a real HTTP receiver for webhook sinks that records every request.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';

export interface Served {
  readonly child: ChildProcess;
  readonly pgPort: number;
}

/** Starts `eddy serve` over `dataDir` on spare ports; `env` adds variables (failpoints). */
export async function startServe(dataDir: string, env: Record<string, string> = {}): Promise<Served> {
  const main = new URL('../../src/cli/main.ts', import.meta.url).pathname;
  const args = [
    'serve',
    '--pg-port',
    '0',
    '--http-port',
    '0',
    '--data-dir',
    dataDir,
    '--checkpoint-interval',
    '300',
  ];
  const child = spawn(process.execPath, [main, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...env },
  });
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (s: string) => {
      out += s;
      const pgPort = /PostgreSQL on [^:]+:(\d+)/.exec(out);
      if (pgPort && /data directory/.test(out)) resolve({ child, pgPort: Number(pgPort[1]) });
    });
    child.once('exit', (code) => reject(new Error(`eddy serve exited with ${code}: ${out}`)));
  });
}

export function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/** Resolves once `child` has exited (a failpoint killed it). */
export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

export async function client(port: number): Promise<pg.Client> {
  const c = new pg.Client({ host: '127.0.0.1', port, user: 'eddy', database: 'eddy' });
  // A server killed under a query ends the connection: the query fails, nothing else.
  c.on('error', () => {});
  await c.connect();
  return c;
}

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
      this.requests.push({ key: String(req.headers['idempotency-key']), body: JSON.parse(text) });
      res.writeHead(204).end();
    });
  }
}

export async function eventually(
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
  describe: () => Promise<string> | string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${await describe()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
