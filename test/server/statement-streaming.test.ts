/**
 * @module test/server/statement-streaming
 * A long query's rows go to the client as they are evaluated (issue 9): a result far past
 * eddy.query_memory streams whole; an error after some rows comes after those rows, as in
 * PostgreSQL; a client that stops reading pauses the evaluation (what the server queues stays
 * bounded) and statement_timeout still ends it; Execute's row limit holds on a streamed portal.
 */
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { fe, pgClient, sleep, startTestServer, startupMessage, type TestServer } from './pgwire-support.ts';

let t: TestServer;
let b: pg.Client;

before(async () => {
  t = await startTestServer();
  b = await pgClient(t.port);
});

after(async () => {
  await b.end();
  await t.server.close();
});

/** Backend messages of one connection, DataRows counted (not kept): results of millions of rows. */
class CountingClient {
  readonly socket: Socket;
  dataRows = 0;
  dataRowBytes = 0;
  /** Every message but DataRows, with the DataRow count when it came. */
  readonly others: { type: string; body: Buffer; rowsBefore: number }[] = [];
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private wake: (() => void) | null = null;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', () => {});
  }

  static async connect(port: number): Promise<CountingClient> {
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const client = new CountingClient(socket);
    socket.write(startupMessage({ user: 'eddy' }));
    await client.until('Z');
    return client;
  }

  /** Waits for the next message of `type` after those seen so far (or its `count`th); answers it. */
  async until(
    type: string,
    count = 1,
    timeoutMs = 60_000,
  ): Promise<{ type: string; body: Buffer; rowsBefore: number }> {
    const seen = this.others.length;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.others.slice(seen).filter((m) => m.type === type)[count - 1];
      if (hit) return hit;
      if (Date.now() > deadline) throw new Error(`no ${type} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        setTimeout(resolve, 100);
      });
    }
  }

  /** The SQLSTATE of the last ErrorResponse. */
  lastErrorCode(): string | undefined {
    const error = this.others.findLast((m) => m.type === 'E');
    if (!error) return undefined;
    const fields = error.body.toString('utf8').split('\0');
    return fields.find((f) => f.startsWith('C'))?.slice(1);
  }

  private receive(chunk: Buffer): void {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    let buf = this.pending.length === 1 ? chunk : Buffer.concat(this.pending, this.pendingBytes);
    let at = 0;
    while (buf.length - at >= 5) {
      const length = buf.readInt32BE(at + 1);
      if (buf.length - at < length + 1) break;
      const type = String.fromCharCode(buf[at]!);
      if (type === 'D') {
        this.dataRows++;
        this.dataRowBytes += length + 1;
      } else {
        this.others.push({
          type,
          body: Buffer.from(buf.subarray(at + 5, at + 1 + length)),
          rowsBefore: this.dataRows,
        });
      }
      at += length + 1;
    }
    buf = buf.subarray(at);
    this.pending = buf.length > 0 ? [buf] : [];
    this.pendingBytes = buf.length;
    const w = this.wake;
    this.wake = null;
    w?.();
  }
}

test('a result far past eddy.query_memory streams to the client whole (rows sent are not held)', async () => {
  const a = await pgClient(t.port);
  try {
    await a.query("SET eddy.query_memory = '16MB'");
    // 2 M rows held would be about 128 MB by the estimate: before streaming, this failed with 53200.
    let rows = 0;
    let last = 0;
    const query = new pg.Query('SELECT g FROM generate_series(1, 2000000) g');
    query.on('row', (row: { g: number }) => {
      rows++;
      last = row.g;
    });
    const done = new Promise<void>((resolve, reject) => {
      query.on('end', () => resolve());
      query.on('error', reject);
    });
    a.query(query);
    await done;
    assert.equal(rows, 2_000_000);
    assert.equal(last, 2_000_000);
    // What must be held is still bounded.
    await assert.rejects(a.query('SELECT g FROM generate_series(1, 2000000) g ORDER BY g DESC'), {
      code: '53200',
    });
  } finally {
    await a.end();
  }
});

test('an error after rows were sent comes after them, as in PostgreSQL; the session goes on', async () => {
  const c = await CountingClient.connect(t.port);
  try {
    // The error is a million rows in: far past the first time slice, so rows were sent before it.
    c.socket.write(fe.query('SELECT 1 / (1000000 - g) AS q FROM generate_series(1, 2000000) g'));
    const ready = await c.until('Z');
    assert.deepEqual(
      c.others.slice(-3).map((m) => m.type),
      ['T', 'E', 'Z'],
    );
    assert.equal(c.lastErrorCode(), '22012');
    const error = c.others.at(-2)!;
    assert.ok(
      error.rowsBefore > 0 && error.rowsBefore < 1_000_000,
      `rows before the error: ${error.rowsBefore}`,
    );
    assert.equal(ready.body.toString('latin1'), 'I');
    c.socket.write(fe.query('SELECT 7'));
    await c.until('Z');
    assert.equal(c.others.at(-2)!.body.toString('utf8', 0, 8), 'SELECT 1');
  } finally {
    c.socket.destroy();
  }
});

test('a client that stops reading pauses the query (bounded output); statement_timeout still ends it', async () => {
  const c = await CountingClient.connect(t.port);
  try {
    c.socket.write(fe.query("SET statement_timeout = '2s'"));
    await c.until('Z');
    c.socket.pause();
    // 115 bytes a row, 50 M rows: unpaused, the server would queue gigabytes.
    c.socket.write(fe.query("SELECT g, repeat('x', 100) AS pad FROM generate_series(1, 50000000) g"));
    // Another session is served meanwhile.
    for (let i = 0; i < 5; i++) {
      assert.deepEqual((await b.query('SELECT 1 AS one')).rows, [{ one: 1 }]);
      await sleep(600);
    }
    c.socket.resume();
    await c.until('Z');
    assert.equal(c.lastErrorCode(), '57014');
    assert.ok(c.dataRows > 0, 'rows were sent before the timeout');
    // What was queued for the client is the socket buffers' worth, not the 2 s of evaluation.
    assert.ok(c.dataRowBytes < 32 * 2 ** 20, `bytes queued: ${c.dataRowBytes}`);
  } finally {
    c.socket.destroy();
  }
});

test("Execute's row limit holds on a portal whose rows are still being evaluated", async () => {
  const c = await CountingClient.connect(t.port);
  try {
    c.socket.write(
      Buffer.concat([
        fe.query('BEGIN'),
        fe.parse('', 'SELECT g FROM generate_series(1, 1500000) g'),
        fe.bind('big', '', []),
        fe.execute('big', 600_000),
        fe.execute('big', 600_000),
        fe.execute('big', 600_000),
        fe.sync(),
        fe.query('COMMIT'),
      ]),
    );
    await c.until('Z', 3);
    const ends = c.others.filter((m) => m.type === 's' || m.type === 'C' || m.type === 'E');
    assert.deepEqual(
      ends.map((m) => [
        m.type,
        m.rowsBefore,
        m.type === 'C' ? m.body.toString('utf8', 0, m.body.length - 1) : '',
      ]),
      [
        ['C', 0, 'BEGIN'],
        ['s', 600_000, ''],
        ['s', 1_200_000, ''],
        ['C', 1_500_000, 'SELECT 300000'],
        ['C', 1_500_000, 'COMMIT'],
      ],
    );
    // A portal suspended mid-evaluation ends with its transaction, as in PostgreSQL.
    c.socket.write(
      Buffer.concat([
        fe.query('BEGIN'),
        fe.parse('', 'SELECT g FROM generate_series(1, 1500000) g'),
        fe.bind('half', '', []),
        fe.execute('half', 600_000),
        fe.sync(),
        fe.query('COMMIT'),
        fe.execute('half', 10),
        fe.sync(),
      ]),
    );
    await c.until('Z', 4);
    assert.equal(c.lastErrorCode(), '34000');
  } finally {
    c.socket.destroy();
  }
});
