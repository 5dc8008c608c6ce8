/**
 * @module test/server/pgwire-support
 * Shared by the wire protocol tests: a server on 127.0.0.1 with a fresh database, node-postgres and
 * postgres.js clients for it, and a raw protocol client that sends hand-built frontend messages
 * and reads backend messages one by one (for byte-level checks and misbehaving clients).
 */
import { connect, type Socket } from 'node:net';
import pg from 'pg';
import postgres from 'postgres';
import { Database } from '../../src/runtime/database.ts';
import { createDataflowMaintainer } from '../../src/runtime/dataflow-maintainer.ts';
import { type PgServer, type PgServerOptions, startPgServer } from '../../src/server/pgwire/index.ts';
import { loadParser } from '../../src/sql/front/index.ts';

export interface TestServer {
  readonly db: Database;
  readonly server: PgServer;
  readonly port: number;
}

export async function startTestServer(options: Partial<PgServerOptions> = {}): Promise<TestServer> {
  await loadParser();
  const db = options.db ?? new Database(createDataflowMaintainer);
  const server = await startPgServer({ host: '127.0.0.1', port: 0, ...options, db });
  return { db, server, port: server.address().port };
}

export async function pgClient(port: number, config: pg.ClientConfig = {}): Promise<pg.Client> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: 'eddy', database: 'eddy', ...config });
  await client.connect();
  return client;
}

/**
 * A fresh server with one node-postgres client on it, after `setup` ran through that client: the
 * `before` hook of most wire tests. `stopWithClient` is its `after`.
 */
export async function startWithClient(...setup: string[]): Promise<{ t: TestServer; client: pg.Client }> {
  const t = await startTestServer();
  const client = await pgClient(t.port);
  for (const sql of setup) await client.query(sql);
  return { t, client };
}

export async function stopWithClient(t: TestServer, client: pg.Client): Promise<void> {
  await client.end();
  await t.server.close();
}

/** postgres.js without its pg_type lookup at connect (pg_catalog is another module's work). */
export function postgresClient(
  port: number,
  options: postgres.Options<Record<string, postgres.PostgresType>> = {},
) {
  return postgres({
    host: '127.0.0.1',
    port,
    user: 'eddy',
    database: 'eddy',
    fetch_types: false,
    max: 1,
    onnotice: () => {},
    ...options,
  });
}

export interface BackendMessage {
  readonly type: string;
  readonly body: Buffer;
}

/** A protocol-level client: messages in, messages out, nothing interpreted. */
export class RawClient {
  readonly socket: Socket;
  private buffered = Buffer.alloc(0);
  private messages: BackendMessage[] = [];
  private waiting: (() => void) | null = null;
  closed = false;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      while (this.buffered.length >= 5) {
        const length = this.buffered.readInt32BE(1);
        if (this.buffered.length < length + 1) break;
        this.messages.push({
          type: String.fromCharCode(this.buffered[0]!),
          body: this.buffered.subarray(5, length + 1),
        });
        this.buffered = this.buffered.subarray(length + 1);
      }
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => {});
  }

  /** Connects; with `startup` parameters it also completes the (trust) startup. */
  static async connect(
    port: number,
    startup: Record<string, string> | null = { user: 'eddy' },
  ): Promise<RawClient> {
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    socket.setNoDelay(true);
    const client = new RawClient(socket);
    if (startup) {
      client.send(startupMessage(startup));
      const messages = await client.until('Z');
      const key = messages.find((m) => m.type === 'K');
      if (key) client.backendKey = { pid: key.body.readInt32BE(0), secret: key.body.readInt32BE(4) };
    }
    return client;
  }

  /** From BackendKeyData at startup. */
  backendKey = { pid: 0, secret: 0 };

  send(...buffers: Buffer[]): void {
    this.socket.write(Buffer.concat(buffers));
  }

  /** The next message, or null once the server closed the connection. */
  async next(timeoutMs = 5000): Promise<BackendMessage | null> {
    const deadline = Date.now() + timeoutMs;
    while (this.messages.length === 0) {
      if (this.closed) return null;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('timed out waiting for a backend message');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiting = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    return this.messages.shift()!;
  }

  /** Messages up to and including the first of `type` (or up to the close). */
  async until(type: string, timeoutMs = 5000): Promise<BackendMessage[]> {
    const out: BackendMessage[] = [];
    for (;;) {
      const m = await this.next(timeoutMs);
      if (m === null) return out;
      out.push(m);
      if (m.type === type) return out;
    }
  }

  /** Waits for the server to close the connection. */
  async closedByServer(timeoutMs = 5000): Promise<BackendMessage[]> {
    const out: BackendMessage[] = [];
    for (;;) {
      const m = await this.next(timeoutMs);
      if (m === null) return out;
      out.push(m);
    }
  }

  end(): void {
    this.socket.destroy();
  }

  private wake(): void {
    const w = this.waiting;
    this.waiting = null;
    w?.();
  }
}

// ---- frontend messages ------------------------------------------------------------------------

function message(type: string, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

const cstr = (s: string): Buffer => Buffer.from(`${s}\0`, 'utf8');
const i16 = (n: number): Buffer => {
  const b = Buffer.alloc(2);
  b.writeInt16BE(n);
  return b;
};
const i32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};

export function startupMessage(params: Record<string, string>, version = 196608): Buffer {
  const body = Buffer.concat([
    i32(version),
    ...Object.entries(params).flatMap(([k, v]) => [cstr(k), cstr(v)]),
    Buffer.from([0]),
  ]);
  return Buffer.concat([i32(body.length + 4), body]);
}

export const fe = {
  query: (sql: string) => message('Q', cstr(sql)),
  parse: (name: string, sql: string, types: number[] = []) =>
    message('P', cstr(name), cstr(sql), i16(types.length), ...types.map(i32)),
  /** Parameters as text (strings), binary (Buffers) or NULL. */
  bind: (
    portal: string,
    statement: string,
    params: (string | Buffer | null)[],
    resultFormats: number[] = [],
  ) =>
    message(
      'B',
      cstr(portal),
      cstr(statement),
      i16(params.length),
      ...params.map((p) => i16(Buffer.isBuffer(p) ? 1 : 0)),
      i16(params.length),
      ...params.flatMap((p) => {
        if (p === null) return [i32(-1)];
        const b = Buffer.isBuffer(p) ? p : Buffer.from(p, 'utf8');
        return [i32(b.length), b];
      }),
      i16(resultFormats.length),
      ...resultFormats.map(i16),
    ),
  describe: (kind: 'S' | 'P', name: string) => message('D', Buffer.from(kind), cstr(name)),
  execute: (portal: string, maxRows = 0) => message('E', cstr(portal), i32(maxRows)),
  close: (kind: 'S' | 'P', name: string) => message('C', Buffer.from(kind), cstr(name)),
  sync: () => message('S'),
  flush: () => message('H'),
  terminate: () => message('X'),
  raw: message,
};

// ---- backend message readers ------------------------------------------------------------------

/** ErrorResponse / NoticeResponse fields by their one-letter codes. */
export function fieldsOf(m: BackendMessage): Record<string, string> {
  const out: Record<string, string> = {};
  let at = 0;
  while (at < m.body.length && m.body[at] !== 0) {
    const code = String.fromCharCode(m.body[at]!);
    const end = m.body.indexOf(0, at + 1);
    out[code] = m.body.toString('utf8', at + 1, end);
    at = end + 1;
  }
  return out;
}

export interface FieldDescription {
  name: string;
  typeOid: number;
  typeLength: number;
  typeModifier: number;
  format: number;
}

export function rowDescriptionOf(m: BackendMessage): FieldDescription[] {
  const b = m.body;
  const n = b.readInt16BE(0);
  const out: FieldDescription[] = [];
  let at = 2;
  for (let i = 0; i < n; i++) {
    const end = b.indexOf(0, at);
    const name = b.toString('utf8', at, end);
    at = end + 1;
    out.push({
      name,
      typeOid: b.readUInt32BE(at + 6),
      typeLength: b.readInt16BE(at + 10),
      typeModifier: b.readInt32BE(at + 12),
      format: b.readInt16BE(at + 16),
    });
    at += 18;
  }
  return out;
}

export function dataRowOf(m: BackendMessage): (Buffer | null)[] {
  const b = m.body;
  const n = b.readInt16BE(0);
  const out: (Buffer | null)[] = [];
  let at = 2;
  for (let i = 0; i < n; i++) {
    const len = b.readInt32BE(at);
    at += 4;
    if (len < 0) out.push(null);
    else {
      out.push(b.subarray(at, at + len));
      at += len;
    }
  }
  return out;
}

export function textRows(messages: readonly BackendMessage[]): (string | null)[][] {
  return messages
    .filter((m) => m.type === 'D')
    .map((m) => dataRowOf(m).map((v) => (v === null ? null : v.toString('utf8'))));
}

export function types(messages: readonly BackendMessage[]): string {
  return messages.map((m) => m.type).join('');
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Sends a CancelRequest for the given backend on a connection of its own. */
export async function cancelRequest(port: number, key: { pid: number; secret: number }): Promise<void> {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const b = Buffer.alloc(16);
  b.writeInt32BE(16, 0);
  b.writeInt32BE(80877102, 4);
  b.writeInt32BE(key.pid, 8);
  b.writeInt32BE(key.secret, 12);
  socket.end(b);
  await new Promise<void>((resolve) => socket.once('close', () => resolve()));
}

/** The text of CopyData messages, one line each (without the newline). */
export function copyLines(messages: readonly BackendMessage[]): string[] {
  return messages.filter((m) => m.type === 'd').map((m) => m.body.toString('utf8').replace(/\n$/, ''));
}
