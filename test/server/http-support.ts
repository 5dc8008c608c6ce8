/**
 * @module test/server/http-support
 * Helpers for the HTTP API tests: a server on 127.0.0.1 port 0 over a fresh database, JSON
 * requests, and a Server-Sent Events reader over fetch's streamed body.
 */

import { Database } from '../../src/runtime/database.ts';
import { createDataflowMaintainer } from '../../src/runtime/dataflow-maintainer.ts';
import { type HttpServer, type HttpServerOptions, startHttpServer } from '../../src/server/http/index.ts';

export interface TestServer {
  readonly db: Database;
  readonly server: HttpServer;
  readonly base: string;
  close(): Promise<void>;
}

export async function startTestServer(options: Partial<HttpServerOptions> = {}): Promise<TestServer> {
  const db = new Database(createDataflowMaintainer);
  const server = await startHttpServer({ db, host: '127.0.0.1', port: 0, ...options });
  const base = `http://127.0.0.1:${server.address().port}`;
  return { db, server, base, close: () => server.close() };
}

export interface JsonAnswer {
  readonly status: number;
  // biome-ignore lint/suspicious/noExplicitAny: test assertions walk arbitrary JSON answers
  readonly body: any;
  readonly headers: Headers;
}

export async function request(base: string, path: string, init: RequestInit = {}): Promise<JsonAnswer> {
  const res = await fetch(base + path, init);
  const text = await res.text();
  let body: unknown = text;
  if (res.headers.get('content-type')?.startsWith('application/json')) body = JSON.parse(text);
  return { status: res.status, body, headers: res.headers };
}

/** POST /sql with the script as text. */
export function sql(base: string, script: string, headers: Record<string, string> = {}): Promise<JsonAnswer> {
  return request(base, '/sql', {
    method: 'POST',
    body: script,
    headers: { 'content-type': 'text/plain', ...headers },
  });
}

/** POST /sql that must succeed; returns the last statement's rows. */
export async function rows(base: string, script: string): Promise<unknown[][]> {
  const answer = await sql(base, script);
  if (answer.status !== 200) throw new Error(`SQL failed: ${JSON.stringify(answer.body)}`);
  return answer.body.results.at(-1).rows;
}

export function ingest(
  base: string,
  table: string,
  body: unknown,
  contentType = 'application/json',
): Promise<JsonAnswer> {
  return request(base, `/ingest/${table}`, {
    method: 'POST',
    body: typeof body === 'string' ? body : JSON.stringify(body),
    headers: { 'content-type': contentType },
  });
}

export interface SseEvent {
  readonly id: string | undefined;
  readonly event: string;
  // biome-ignore lint/suspicious/noExplicitAny: event payloads are arbitrary JSON
  readonly data: any;
}

/** Reads an SSE stream event by event; comments (heartbeats) are counted, not returned. */
export class SseClient {
  readonly status: number;
  readonly headers: Headers;
  comments = 0;
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly abort: AbortController;
  private readonly decoder = new TextDecoder();
  private buffer = '';
  private done = false;

  private constructor(res: Response, abort: AbortController) {
    this.status = res.status;
    this.headers = res.headers;
    this.reader = res.body!.getReader();
    this.abort = abort;
  }

  static async open(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const abort = new AbortController();
    const res = await fetch(url, {
      headers: { accept: 'text/event-stream', ...headers },
      signal: abort.signal,
    });
    return new SseClient(res, abort);
  }

  /** The next event; rejects after `timeoutMs`, or resolves null when the stream ended. */
  async next(timeoutMs = 5000): Promise<SseEvent | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const end = this.buffer.indexOf('\n\n');
      if (end >= 0) {
        const block = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end + 2);
        const event = this.parse(block);
        if (event) return event;
        continue;
      }
      if (this.done) return null;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('timed out waiting for an SSE event');
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), left);
      });
      const chunk = await Promise.race([this.reader.read(), timeout]);
      clearTimeout(timer);
      if (chunk === 'timeout') throw new Error('timed out waiting for an SSE event');
      if (chunk.done) this.done = true;
      else this.buffer += this.decoder.decode(chunk.value, { stream: true });
    }
  }

  /** Events until one of `kind` arrives (which is included). */
  async until(kind: string, timeoutMs = 5000): Promise<SseEvent[]> {
    const out: SseEvent[] = [];
    for (;;) {
      const e = await this.next(timeoutMs);
      if (!e) throw new Error(`stream ended before a ${kind} event`);
      out.push(e);
      if (e.event === kind) return out;
    }
  }

  private parse(block: string): SseEvent | null {
    let id: string | undefined;
    let event = 'message';
    let data: string | undefined;
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) this.comments++;
      else if (line.startsWith('id: ')) id = line.slice(4);
      else if (line.startsWith('event: ')) event = line.slice(7);
      else if (line.startsWith('data: ')) data = line.slice(6);
    }
    return data === undefined ? null : { id, event, data: JSON.parse(data) };
  }

  close(): void {
    this.abort.abort();
  }
}

/** A metric's value from the Prometheus text (the sample line `name{labels} value`). */
export async function metric(
  base: string,
  sample: string,
  headers: Record<string, string> = {},
): Promise<number> {
  const text = await (await fetch(`${base}/metrics`, { headers })).text();
  const line = text.split('\n').find((l) => l.startsWith(`${sample} `));
  return line === undefined ? Number.NaN : Number(line.slice(sample.length + 1));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
