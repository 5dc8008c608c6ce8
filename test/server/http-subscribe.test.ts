/**
 * @module test/server/http-subscribe
 * GET /subscribe/{view} as Server-Sent Events: snapshot, one event per step with its changes,
 * coalesced progress events, heartbeats, resume after a step with Last-Event-ID or ?from= (no gap,
 * no duplicate), resync when the history does not reach back, and errors before the stream.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  ingest,
  metric,
  request,
  rows,
  SseClient,
  type SseEvent,
  sleep,
  startTestServer,
  type TestServer,
} from './http-support.ts';

describe('GET /subscribe/{view} (SSE)', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ progressIntervalMs: 300, heartbeatIntervalMs: 100 });
    await rows(
      t.base,
      `CREATE TABLE sales (id int, region text, amount int);
       CREATE TABLE other (x int);
       CREATE MATERIALIZED VIEW totals AS SELECT region, sum(amount) AS total FROM sales GROUP BY region;
       INSERT INTO sales VALUES (1, 'north', 10);
       SELECT 1`,
    );
  });
  after(() => t.close());

  test('snapshot first, then each step’s changes with weights, each event id = its step', async () => {
    const sse = await SseClient.open(`${t.base}/subscribe/totals`);
    assert.equal(sse.status, 200);
    assert.equal(sse.headers.get('content-type'), 'text/event-stream; charset=utf-8');
    const snapshot = (await sse.next())!;
    assert.equal(snapshot.event, 'snapshot');
    assert.equal(snapshot.id, String(t.db.currentStep));
    assert.deepEqual(snapshot.data, {
      step: t.db.currentStep,
      columns: [
        { name: 'region', type: 'text' },
        { name: 'total', type: 'bigint' },
      ],
      rows: [['north', 10]],
    });
    const { step } = (await ingest(t.base, 'sales', [{ id: 2, region: 'north', amount: 5 }])).body;
    const changes = (await sse.next())!;
    assert.equal(changes.event, 'changes');
    assert.equal(changes.id, String(step));
    assert.equal(changes.data.step, step);
    assert.deepEqual(
      [...changes.data.changes].sort((a, b) => a.weight - b.weight),
      [
        { row: ['north', 10], weight: -1 },
        { row: ['north', 15], weight: 1 },
      ],
    );
    sse.close();
  });

  test('steps that do not change the view become progress events, at most one per interval', async () => {
    const sse = await SseClient.open(`${t.base}/subscribe/totals`);
    await sse.until('snapshot');
    await sleep(350); // let the progress interval pass since this subscription started
    const burstStart = Date.now();
    const burst = 30;
    for (let i = 0; i < burst; i++) await rows(t.base, `INSERT INTO other VALUES (${i}); SELECT 1`);
    const elapsed = Date.now() - burstStart;
    const last = t.db.currentStep;
    const events: SseEvent[] = [];
    while (events.at(-1)?.data.step !== last) events.push((await sse.next(2000))!);
    for (const e of events) {
      assert.equal(e.event, 'progress');
      assert.equal(e.id, String(e.data.step));
    }
    // Increasing steps, the latest one last, and no more than one event per 300 ms interval.
    const steps = events.map((e) => e.data.step as number);
    assert.deepEqual(
      steps,
      [...steps].sort((a, b) => a - b),
    );
    // (One spare: a timer may fire a millisecond early.)
    assert.ok(events.length <= 3 + Math.floor(elapsed / 300), `${events.length} events in ${elapsed} ms`);
    assert.ok(events.length < burst);
    sse.close();
  });

  test('heartbeat comments keep the stream alive', async () => {
    const sse = await SseClient.open(`${t.base}/subscribe/totals`);
    await sse.until('snapshot');
    await sleep(350);
    await rows(t.base, 'INSERT INTO other VALUES (0); SELECT 1');
    await sse.until('progress');
    assert.ok(sse.comments >= 2, `${sse.comments} heartbeats`);
    sse.close();
  });

  test('reconnecting with Last-Event-ID resumes with no gap and no duplicate', async () => {
    const sse = await SseClient.open(`${t.base}/subscribe/totals`);
    await sse.until('snapshot');
    const seen: SseEvent[] = [];
    for (const amount of [1, 2]) {
      await ingest(t.base, 'sales', [{ id: 10 + amount, region: 'south', amount }]);
      seen.push(...(await sse.until('changes')));
    }
    const lastId = seen.at(-1)!.id!;
    sse.close();
    // While disconnected: two changing steps and one that changes nothing.
    const missed: number[] = [];
    for (const amount of [3, 4])
      missed.push((await ingest(t.base, 'sales', [{ id: 20 + amount, region: 'south', amount }])).body.step);
    await rows(t.base, 'INSERT INTO other VALUES (1); SELECT 1');
    const progressStep = t.db.currentStep;
    const again = await SseClient.open(`${t.base}/subscribe/totals`, { 'last-event-id': lastId });
    const replayed = [(await again.next())!, (await again.next())!, (await again.next())!];
    assert.deepEqual(
      replayed.map((e) => [e.event, e.id]),
      [
        ['changes', String(missed[0])],
        ['changes', String(missed[1])],
        ['progress', String(progressStep)],
      ],
    );
    // South went 3 → 6 → 10 while away: the replay carries exactly those changes.
    assert.deepEqual(southTotals(replayed[0]!), { removed: 3, added: 6 });
    assert.deepEqual(southTotals(replayed[1]!), { removed: 6, added: 10 });
    // And live events continue after the replay.
    const live = (await ingest(t.base, 'sales', [{ id: 30, region: 'south', amount: 5 }])).body.step;
    const next = (await again.next())!;
    assert.deepEqual([next.event, next.id], ['changes', String(live)]);
    again.close();
  });

  test('?from= resumes the same way; a token equal to the current step sends nothing until the next step', async () => {
    const from = t.db.currentStep;
    const sse = await SseClient.open(`${t.base}/subscribe/totals?from=${from}`);
    const { step } = (await ingest(t.base, 'sales', [{ id: 40, region: 'east', amount: 1 }])).body;
    const first = (await sse.next())!;
    assert.deepEqual([first.event, first.id], ['changes', String(step)]);
    assert.deepEqual(first.data.changes, [{ row: ['east', 1], weight: 1 }]);
    sse.close();
  });

  test('a token older than the history gets a resync with a fresh snapshot', async () => {
    await rows(
      t.base,
      `CREATE TABLE fresh (v int);
       CREATE MATERIALIZED VIEW fresh_view AS SELECT v FROM fresh;
       INSERT INTO fresh VALUES (1); INSERT INTO fresh VALUES (2);
       SELECT 1`,
    );
    const sse = await SseClient.open(`${t.base}/subscribe/fresh_view?from=1`);
    const resync = (await sse.next())!;
    assert.equal(resync.event, 'resync');
    assert.equal(resync.id, String(t.db.currentStep));
    assert.deepEqual([...resync.data.rows].sort(), [[1], [2]]);
    sse.close();
  });

  test('a token from the future (another database) gets a resync', async () => {
    const sse = await SseClient.open(`${t.base}/subscribe/totals`, { 'last-event-id': '999999' });
    const resync = (await sse.next())!;
    assert.equal(resync.event, 'resync');
    assert.equal(resync.data.step, t.db.currentStep);
    sse.close();
  });

  test('?snapshot=false starts with the next step', async () => {
    const sse = await SseClient.open(`${t.base}/subscribe/totals?snapshot=false`);
    const { step } = (await ingest(t.base, 'sales', [{ id: 50, region: 'west', amount: 2 }])).body;
    const first = (await sse.next())!;
    assert.deepEqual([first.event, first.id], ['changes', String(step)]);
    sse.close();
  });

  test('errors before the stream: unknown view 404, plain table ok, bad token 400', async () => {
    const missing = await request(t.base, '/subscribe/nope');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.code, '42P01');
    const bad = await request(t.base, '/subscribe/totals?from=abc');
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, '22023');
    await rows(t.base, 'CREATE VIEW plain AS SELECT * FROM sales; SELECT 1');
    const plain = await request(t.base, '/subscribe/plain');
    assert.equal(plain.status, 400);
    assert.equal(plain.body.error.code, '42809');
    const table = await SseClient.open(`${t.base}/subscribe/sales`);
    assert.equal((await table.next())!.event, 'snapshot');
    table.close();
  });

  test('closed subscriptions are released', async () => {
    const gauge = 'eddy_http_subscriptions{transport="sse"}';
    const settles = async (value: number) => {
      for (let i = 0; i < 100 && (await metric(t.base, gauge)) !== value; i++) await sleep(20);
      assert.equal(await metric(t.base, gauge), value);
    };
    await settles(0); // earlier tests' closed streams
    const sse = await SseClient.open(`${t.base}/subscribe/totals`);
    await sse.until('snapshot');
    assert.equal(await metric(t.base, gauge), 1);
    sse.close();
    await settles(0);
  });
});

function southTotals(e: SseEvent): { removed: number; added: number } {
  const changes = e.data.changes as { row: [string, number]; weight: number }[];
  const south = changes.filter((c) => c.row[0] === 'south');
  return {
    removed: south.find((c) => c.weight === -1)!.row[1],
    added: south.find((c) => c.weight === 1)!.row[1],
  };
}
