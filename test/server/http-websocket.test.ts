/**
 * @module test/server/http-websocket
 * The same subscriptions over WebSocket (snapshot, changes, resume with ?from=, refused upgrades),
 * resync once a watched view's history is trimmed, and a slow reader: an SSE client that stops
 * reading is dropped with a final error event once its unsent bytes pass the limit, while a
 * reading client on the same view keeps every event and the server keeps serving.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { historyRowsMax } from '../../src/runtime/subscriptions.ts';
import {
  ingest,
  metric,
  request,
  rows,
  SseClient,
  sleep,
  startTestServer,
  type TestServer,
} from './http-support.ts';

interface WsMessage {
  readonly event: string;
  readonly step: number;
  // biome-ignore lint/suspicious/noExplicitAny: message payloads are arbitrary JSON
  readonly [field: string]: any;
}

/** A WebSocket with a queue of parsed messages. */
async function openWs(
  url: string,
): Promise<{ ws: WebSocket; next: () => Promise<WsMessage>; closed: Promise<number> }> {
  const ws = new WebSocket(url);
  const queue: WsMessage[] = [];
  const waiters: ((m: WsMessage) => void)[] = [];
  ws.addEventListener('message', (e) => {
    const m = JSON.parse(String(e.data)) as WsMessage;
    const w = waiters.shift();
    if (w) w(m);
    else queue.push(m);
  });
  const closed = new Promise<number>((resolve) => ws.addEventListener('close', (e) => resolve(e.code)));
  await new Promise<void>((resolve, reject) => {
    ws.addEventListener('open', () => resolve());
    ws.addEventListener('error', () => reject(new Error('WebSocket failed to open')));
  });
  const next = () =>
    new Promise<WsMessage>((resolve, reject) => {
      const m = queue.shift();
      if (m) return resolve(m);
      const timer = setTimeout(() => reject(new Error('timed out waiting for a message')), 5000);
      waiters.push((msg) => {
        clearTimeout(timer);
        resolve(msg);
      });
    });
  return { ws, next, closed };
}

describe('GET /subscribe/{view} over WebSocket', () => {
  let t: TestServer;
  let wsBase: string;
  before(async () => {
    t = await startTestServer();
    wsBase = t.base.replace('http:', 'ws:');
    await rows(
      t.base,
      `CREATE TABLE readings (sensor text, value int);
       CREATE MATERIALIZED VIEW maxima AS SELECT sensor, max(value) AS top FROM readings GROUP BY sensor;
       INSERT INTO readings VALUES ('a', 1);
       SELECT 1`,
    );
  });
  after(() => t.close());

  test('snapshot, then changes, one message per step', async () => {
    const { ws, next } = await openWs(`${wsBase}/subscribe/maxima`);
    const snapshot = await next();
    assert.equal(snapshot.event, 'snapshot');
    assert.equal(snapshot.step, t.db.currentStep);
    assert.deepEqual(snapshot.rows, [['a', 1]]);
    assert.deepEqual(snapshot.columns, [
      { name: 'sensor', type: 'text' },
      { name: 'top', type: 'integer' },
    ]);
    const { step } = (await ingest(t.base, 'readings', [{ sensor: 'b', value: 7 }])).body;
    const changes = await next();
    assert.deepEqual(changes, { event: 'changes', step, changes: [{ row: ['b', 7], weight: 1 }] });
    assert.equal(await metric(t.base, 'eddy_http_subscriptions{transport="websocket"}'), 1);
    ws.close();
  });

  test('?from= resumes after a step with no gap and no duplicate', async () => {
    const from = t.db.currentStep;
    const s1 = (await ingest(t.base, 'readings', [{ sensor: 'a', value: 5 }])).body.step;
    const s2 = (await ingest(t.base, 'readings', [{ sensor: 'c', value: 2 }])).body.step;
    const { ws, next } = await openWs(`${wsBase}/subscribe/maxima?from=${from}`);
    const first = await next();
    const second = await next();
    assert.deepEqual([first.event, first.step, second.event, second.step], ['changes', s1, 'changes', s2]);
    assert.deepEqual(second.changes, [{ row: ['c', 2], weight: 1 }]);
    ws.close();
  });

  test('an upgrade for an unknown view is refused before the handshake', async () => {
    const ws = new WebSocket(`${wsBase}/subscribe/unknown`);
    const outcome = await new Promise<string>((resolve) => {
      ws.addEventListener('open', () => resolve('open'));
      ws.addEventListener('error', () => resolve('error'));
    });
    assert.equal(outcome, 'error');
    assert.equal(await metric(t.base, 'eddy_errors_total{code="42P01"}'), 1);
  });

  test('a resume token older than the trimmed history gets a resync', async () => {
    await rows(
      t.base,
      'CREATE TABLE bulk (i int); CREATE MATERIALIZED VIEW bulk_view AS SELECT i FROM bulk; SELECT 1',
    );
    const { ws, next } = await openWs(`${wsBase}/subscribe/bulk_view`);
    const start = (await next()).step; // watched from here on
    const half = Math.ceil(historyRowsMax / 2) + 1;
    for (let k = 0; k < 3; k++) {
      const batch = Array.from({ length: half }, (_, i) => [k * half + i]);
      assert.equal((await ingest(t.base, 'bulk', batch)).status, 200);
    }
    ws.close();
    const again = await openWs(`${wsBase}/subscribe/bulk_view?from=${start}`);
    const resync = await again.next();
    assert.equal(resync.event, 'resync');
    assert.equal(resync.rows.length, 3 * half);
    again.ws.close();
  });
});

describe('a subscriber that stops reading', () => {
  let t: TestServer;
  const limit = 256 * 1024;
  before(async () => {
    t = await startTestServer({ subscriberBufferBytesMax: limit });
    await rows(
      t.base,
      'CREATE TABLE firehose (i int, pad text); CREATE MATERIALIZED VIEW fh AS SELECT * FROM firehose; SELECT 1',
    );
  });
  after(() => t.close());

  test('is dropped with a final error event; memory stays bounded; others keep every event', async () => {
    const { port } = t.server.address();
    const slow = connect(port, '127.0.0.1');
    slow.setNoDelay(true);
    await new Promise<void>((resolve) => slow.once('connect', () => resolve()));
    slow.write(`GET /subscribe/fh HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAccept: text/event-stream\r\n\r\n`);
    slow.pause(); // never read: the kernel buffers fill, then the server's
    const healthy = await SseClient.open(`${t.base}/subscribe/fh`);
    await healthy.until('snapshot');
    while ((await metric(t.base, 'eddy_http_subscriptions{transport="sse"}')) < 2) await sleep(10);

    const pad = 'x'.repeat(1000);
    const rowsPerStep = 250; // about 260 kB of events per step
    let steps = 0;
    let maxBuffered = 0;
    while ((await metric(t.base, 'eddy_http_subscriptions_dropped_total')) === 0) {
      assert.ok(steps < 2000, 'the slow subscriber was never dropped');
      await ingest(
        t.base,
        'firehose',
        Array.from({ length: rowsPerStep }, (_, i) => [steps * rowsPerStep + i, pad]),
      );
      steps++;
      maxBuffered = Math.max(maxBuffered, await metric(t.base, 'eddy_http_subscriber_buffered_bytes'));
      // The healthy client reads as it goes.
      assert.equal((await healthy.until('changes')).at(-1)!.data.changes.length, rowsPerStep);
    }
    // Bounded: at most the limit plus the one event that was being written.
    assert.ok(maxBuffered <= limit + 300_000, `buffered ${maxBuffered}`);
    assert.equal(await metric(t.base, 'eddy_http_subscriptions{transport="sse"}'), 1);

    // The slow client, reading at last, finds the final error event at the end of its stream.
    let received = '';
    slow.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
    });
    slow.resume();
    await new Promise<void>((resolve) => slow.once('close', () => resolve()));
    assert.match(received, /event: error\ndata: \{"error":\{"code":"53000","message":"subscriber too slow/);

    // Everyone else is still served.
    const { step } = (await ingest(t.base, 'firehose', [[-1, 'last']])).body;
    const last = (await healthy.until('changes')).at(-1)!;
    assert.equal(last.data.step, step);
    assert.equal((await request(t.base, '/health')).status, 200);
    healthy.close();
  });
});
