/**
 * Misbehaving clients cannot hurt the server or the other clients: malformed startup packets,
 * oversized messages, garbage bytes, clients that vanish mid-query, a thousand idle connections
 * (memory measured and reported), the connection limit, and a subscriber that stops reading
 * (dropped with FATAL 53400 once its bounded queue is full). After each, everyone else is served.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type pg from 'pg';
import {
  type BackendMessage,
  fe,
  fieldsOf,
  pgClient,
  RawClient,
  sleep,
  startTestServer,
  startupMessage,
  type TestServer,
  textRows,
  types,
} from './pgwire-support.ts';

let t: TestServer;
let bystander: pg.Client;

before(async () => {
  t = await startTestServer({ messageBytesMax: 64 * 1024, subscribeRowsMax: 2000, maxConnections: 1100 });
  bystander = await pgClient(t.port);
  await bystander.query('CREATE TABLE big (id integer, pad text)');
});

after(async () => {
  await bystander.end();
  await t.server.close();
});

/** The bystander still gets answers. */
async function othersServed(): Promise<void> {
  assert.deepEqual((await bystander.query('SELECT 40 + 2 AS x')).rows, [{ x: 42 }]);
}

function fatal(messages: readonly BackendMessage[]): Record<string, string> {
  const e = messages.find((m) => m.type === 'E');
  assert.ok(e, `an ErrorResponse in ${types(messages)}`);
  const f = fieldsOf(e);
  assert.equal(f.S, 'FATAL');
  return f;
}

test('malformed startup packets get a FATAL error and the connection is closed', async () => {
  const lengthTooSmall = Buffer.from([0, 0, 0, 3, 0, 3, 0, 0]);
  const lengthTooLarge = Buffer.from([0x7f, 0, 0, 0, 0, 3, 0, 0]);
  const noTerminator = Buffer.concat([Buffer.from([0, 0, 0, 13, 0, 3, 0, 0]), Buffer.from('user\0')]);
  const oddParameters = startupMessage({ user: 'eddy' }).subarray(0, -1);
  oddParameters.writeInt32BE(oddParameters.length, 0);
  const cases: [Buffer, string, RegExp][] = [
    [lengthTooSmall, '08P01', /invalid length of startup packet/],
    [lengthTooLarge, '08P01', /invalid length of startup packet/],
    [noTerminator, '08P01', /invalid startup packet layout/],
    [oddParameters, '08P01', /invalid startup packet layout/],
    [startupMessage({ user: 'eddy' }, 2 << 16), '0A000', /unsupported frontend protocol 2\.0/],
  ];
  for (const [packet, code, message] of cases) {
    const raw = await RawClient.connect(t.port, null);
    raw.send(packet);
    const f = fatal(await raw.closedByServer());
    assert.equal(f.C, code);
    assert.match(f.M!, message);
    assert.ok(raw.closed);
  }
  await othersServed();
});

test('a message larger than messageBytesMax is refused as soon as its header arrives', async () => {
  const raw = await RawClient.connect(t.port);
  raw.send(fe.query(`SELECT '${'x'.repeat(60_000)}' AS fits`));
  assert.equal(textRows(await raw.until('Z'))[0]![0]!.length, 60_000);
  const header = Buffer.alloc(5);
  header.write('Q');
  header.writeInt32BE(10 * 1024 * 1024, 1);
  raw.send(header, Buffer.from('SELECT 1'));
  const f = fatal(await raw.closedByServer());
  assert.equal(f.C, '54000');
  assert.equal(f.M, `message of ${10 * 1024 * 1024} bytes exceeds the limit of ${64 * 1024} bytes`);
  await othersServed();
});

test('garbage bytes, before or after startup, end only that connection', async () => {
  let seed = 7;
  const random = (n: number) =>
    Buffer.from(
      Array.from({ length: n }, () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) >> 16) & 0xff),
    );
  for (let i = 0; i < 20; i++) {
    const raw = await RawClient.connect(t.port, i % 2 === 0 ? null : { user: 'eddy' });
    raw.send(random(64 + i * 13));
    raw.send(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
    const messages = await raw.closedByServer(10_000);
    assert.ok(raw.closed);
    if (messages.some((m) => m.type === 'E')) fatal(messages);
  }
  const raw = await RawClient.connect(t.port);
  raw.send(fe.raw('?', Buffer.from('junk')));
  assert.match(fatal(await raw.closedByServer()).M!, /invalid frontend message type 63/);
  await othersServed();
});

test('clients that disconnect mid-query, mid-message or mid-result are cleaned up', async () => {
  await bystander.query("INSERT INTO big SELECT g, repeat('x', 1000) FROM generate_series(1, 3000) AS g");
  const before = t.server.sessions();
  const large = await RawClient.connect(t.port);
  large.send(fe.query('SELECT * FROM big'));
  large.end();
  const half = await RawClient.connect(t.port);
  half.send(fe.query('SELECT 1').subarray(0, 6));
  half.end();
  const streaming = await RawClient.connect(t.port);
  streaming.send(fe.query('COPY (SUBSCRIBE (SELECT count(*) FROM big)) TO STDOUT'));
  await streaming.until('d');
  streaming.end();
  const waiting = await RawClient.connect(t.port);
  waiting.send(fe.query('BEGIN; DECLARE c CURSOR FOR SUBSCRIBE big WITH (snapshot = false); FETCH 1 c'));
  await sleep(50);
  waiting.end();
  for (let i = 0; i < 100 && t.server.sessions() > before; i++) await sleep(20);
  assert.equal(t.server.sessions(), before);
  assert.ok(
    !t.db.catalog.allRelations().some((r) => r.name.startsWith('eddy_subscribe_')),
    'temporary views dropped',
  );
  await bystander.query('INSERT INTO big VALUES (0, NULL)');
  await othersServed();
});

test('a subscriber that stops reading is dropped with 53400; memory stays bounded; others are served', async () => {
  await bystander.query('CREATE TABLE feed (id integer, pad text)');
  const slow = await RawClient.connect(t.port);
  slow.send(fe.query('COPY (SUBSCRIBE feed) TO STDOUT'));
  await slow.until('H');
  slow.socket.pause();
  const sessions = t.server.sessions();
  let steps = 0;
  while (t.server.sessions() === sessions && steps < 200) {
    await bystander.query(`INSERT INTO feed SELECT g, repeat('y', 1000) FROM generate_series(1, 500) AS g`);
    steps++;
    await sleep(5);
  }
  assert.equal(t.server.sessions(), sessions - 1, `dropped after ${steps} steps`);
  console.log(`# slow subscriber dropped after ${steps} steps of 500 rows`);
  await othersServed();
  slow.socket.resume();
  const tail = await slow.closedByServer(10_000);
  const f = fatal(tail);
  assert.equal(f.C, '53400');
  assert.match(f.M!, /subscriber fell too far behind/);
});

test('the connection limit refuses the next session with 53300', async () => {
  const small = await startTestServer({ maxConnections: 2 });
  try {
    const a = await RawClient.connect(small.port);
    const b = await RawClient.connect(small.port);
    const c = await RawClient.connect(small.port, null);
    c.send(startupMessage({ user: 'eddy' }));
    const f = fatal(await c.closedByServer());
    assert.deepEqual([f.C, f.M], ['53300', 'sorry, too many clients already']);
    a.end();
    for (let i = 0; i < 50 && small.server.sessions() > 1; i++) await sleep(10);
    const d = await RawClient.connect(small.port);
    d.send(fe.query('SELECT 1'));
    assert.deepEqual(textRows(await d.until('Z')), [['1']]);
    b.end();
    d.end();
  } finally {
    await small.server.close();
  }
});

function collectGarbage(): void {
  setFlagsFromString('--expose_gc');
  (runInNewContext('gc') as () => void)();
}

test('1,000 idle connections: bounded memory per connection, and the server still answers at once', async () => {
  collectGarbage();
  const heapBefore = process.memoryUsage().heapUsed;
  const idle: RawClient[] = [];
  const base = t.server.sessions();
  for (let i = 0; i < 1000; i += 50) {
    idle.push(...(await Promise.all(Array.from({ length: 50 }, () => RawClient.connect(t.port)))));
  }
  assert.equal(t.server.sessions(), base + 1000);
  collectGarbage();
  const heapPer = (process.memoryUsage().heapUsed - heapBefore) / 1000;
  console.log(
    `# 1,000 idle connections: ${(heapPer / 1024).toFixed(1)} KiB of heap each (server and client ends)`,
  );
  assert.ok(heapPer < 64 * 1024, `heap per connection ${heapPer} bytes`);
  const started = Date.now();
  await othersServed();
  assert.ok(Date.now() - started < 1000);
  for (const c of idle) c.end();
  for (let i = 0; i < 200 && t.server.sessions() > base; i++) await sleep(10);
  assert.equal(t.server.sessions(), base);
});

test('a half-open handshake is timed out', async () => {
  const quick = await startTestServer({ handshake: { handshakeTimeoutMs: 100 } });
  try {
    const socket = connect(quick.port, '127.0.0.1');
    const closed = new Promise<number>((resolve) => {
      const started = Date.now();
      socket.on('close', () => resolve(Date.now() - started));
      socket.on('error', () => {});
    });
    socket.resume();
    socket.write(Buffer.from([0, 0, 0, 40]));
    assert.ok((await closed) < 2000);
  } finally {
    await quick.server.close();
  }
});
