/**
 * @module test/server/http-lifecycle
 * The server's lifecycle: close() ends SSE streams and WebSockets and resolves promptly; a
 * subscription to a relation that is dropped ends with an error event naming it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ingest, rows, SseClient, startTestServer } from './http-support.ts';

test('close() ends subscribers, refuses new requests and resolves promptly', async () => {
  const t = await startTestServer();
  await rows(t.base, 'CREATE TABLE a (x int); CREATE MATERIALIZED VIEW av AS SELECT x FROM a; SELECT 1');
  const sse = await SseClient.open(`${t.base}/subscribe/av`);
  assert.equal((await sse.next())!.event, 'snapshot');
  const ws = new WebSocket(`${t.base.replace('http:', 'ws:')}/subscribe/av`);
  await new Promise((resolve) => ws.addEventListener('message', resolve, { once: true }));
  const wsClosed = new Promise<number>((resolve) => ws.addEventListener('close', (e) => resolve(e.code)));
  const started = performance.now();
  await t.close();
  assert.ok(performance.now() - started < 1000, 'close took longer than its grace period');
  assert.equal(await sse.next(1000), null);
  assert.equal(await wsClosed, 1001);
  await assert.rejects(fetch(`${t.base}/health`));
});

test('dropping a subscribed view ends its subscriptions with 42P01', async () => {
  const t = await startTestServer();
  try {
    await rows(t.base, 'CREATE TABLE b (x int); CREATE MATERIALIZED VIEW bv AS SELECT x FROM b; SELECT 1');
    const sse = await SseClient.open(`${t.base}/subscribe/bv`);
    assert.equal((await sse.next())!.event, 'snapshot');
    await rows(t.base, 'DROP MATERIALIZED VIEW bv; SELECT 1');
    await ingest(t.base, 'b', [[1]]); // the next step reaches the subscription
    const last = (await sse.next())!;
    assert.equal(last.event, 'error');
    assert.deepEqual(last.data.error, { code: '42P01', message: 'relation "bv" was dropped' });
    assert.equal(await sse.next(), null);
  } finally {
    await t.close();
  }
});
