/**
 * `eddy serve --data-dir` killed with SIGKILL and restarted: subscribers resuming after a step
 * over SSE (Last-Event-ID), WebSocket (?from=) and the wire protocol (SUBSCRIBE … WITH
 * (after_step = N)) get exactly the changes they missed, as a live subscriber saw them, with no
 * resync; a step older than the retained history (--subscription-history-rows) gets a resync
 * over HTTP and 55000 over the wire.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import pg from 'pg';
import { SseClient, type SseEvent } from '../server/http-support.ts';
import { type ServeProcess, startServe as startServeProcess } from '../support/serve-process.ts';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Rows of history kept: the last six steps, as each step below changes one row. */
const historyRows = 6;

function startServe(dataDir: string): Promise<ServeProcess> {
  return startServeProcess(dataDir, {
    checkpointIntervalMs: 200,
    args: ['--subscription-history-rows', String(historyRows)],
  });
}

async function client(port: number): Promise<pg.Client> {
  const c = new pg.Client({ host: '127.0.0.1', port, user: 'eddy', database: 'eddy' });
  await c.connect();
  return c;
}

/** One step's changes as compared: `step row:weight …`, rows sorted. */
function described(step: number, changes: readonly { row: unknown[]; weight: number }[]): string {
  const parts = changes.map((c) => `${JSON.stringify(c.row)}:${c.weight}`).sort();
  return `${step} ${parts.join(' ')}`;
}

/** The next `n` SSE events, as compared (changes) or by kind (anything else). */
async function sseEvents(sse: SseClient, n: number): Promise<string[]> {
  const out: string[] = [];
  while (out.length < n) {
    const e = (await sse.next()) as SseEvent;
    out.push(e.event === 'changes' ? described(e.data.step, e.data.changes) : `${e.event} ${e.data.step}`);
  }
  return out;
}

/** Opens a WebSocket subscription; resolves with its first message. */
function firstWsMessage(url: string): Promise<{ event: string; step: number; changes?: []; rows?: [] }> {
  const ws = new WebSocket(url);
  return new Promise((resolve, reject) => {
    ws.addEventListener('message', (e) => {
      resolve(JSON.parse(String(e.data)));
      ws.close();
    });
    ws.addEventListener('error', () => reject(new Error('WebSocket failed')));
  });
}

/** Rows of a wire SUBSCRIBE resumed after `afterStep`, grouped by step as compared (progress rows left out). */
async function wireResume(c: pg.Client, afterStep: number): Promise<string[]> {
  await c.query('BEGIN');
  try {
    await c.query(`DECLARE r CURSOR FOR SUBSCRIBE v WITH (after_step = ${afterStep})`);
    const { rows } = await c.query('FETCH ALL r');
    const byStep = new Map<number, { row: unknown[]; weight: number }[]>();
    for (const r of rows) {
      if (r.eddy_progressed) continue;
      const step = Number(r.eddy_step);
      if (!byStep.has(step)) byStep.set(step, []);
      byStep.get(step)!.push({ row: [r.id, r.g], weight: Number(r.eddy_weight) });
    }
    return [...byStep].map(([step, changes]) => described(step, changes));
  } finally {
    await c.query('ROLLBACK');
  }
}

test('after kill -9 of eddy serve, SSE, WebSocket and wire subscribers resume by step token', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'eddy-serve-resume-'));
  dirs.push(dataDir);
  let served = await startServe(dataDir);
  let c = await client(served.pgPort);
  await c.query('CREATE TABLE t (id int, g int)');
  await c.query('CREATE MATERIALIZED VIEW v AS SELECT id, g FROM t WHERE g >= 0');
  const live = await SseClient.open(`${served.http}/subscribe/v`);
  const snapshot = (await live.next())!;
  assert.equal(snapshot.event, 'snapshot');
  const firstStep = Number(snapshot.id);
  const seen: string[] = [];
  const write = async (from: number, to: number): Promise<void> => {
    for (let id = from; id < to; id++) {
      await c.query('INSERT INTO t VALUES ($1, $2)', [id, id % 3]);
      seen.push(...(await sseEvents(live, 1)));
    }
  };
  await write(0, 8);
  await new Promise((r) => setTimeout(r, 500)); // a checkpoint carries the history so far
  await write(8, 12);
  live.close();
  const lastStep = Number(seen.at(-1)!.split(' ')[0]);
  const missedAfter = (token: number): string[] => seen.filter((s) => Number(s.split(' ')[0]) > token);
  await c.end().catch(() => {});
  const exited = new Promise((r) => served.child.once('exit', r));
  served.child.kill('SIGKILL');
  await exited;

  served = await startServe(dataDir);
  c = await client(served.pgPort);
  try {
    // SSE, three steps behind: exactly those three steps, then live again.
    const sse = await SseClient.open(`${served.http}/subscribe/v`, { 'last-event-id': String(lastStep - 3) });
    assert.deepEqual(await sseEvents(sse, 3), missedAfter(lastStep - 3));
    await c.query('INSERT INTO t VALUES (100, 1)');
    const [next] = await sseEvents(sse, 1);
    assert.equal(next, `${lastStep + 1} [100,1]:1`);
    sse.close();
    // WebSocket, one step behind (before the insert above).
    const ws = await firstWsMessage(`${served.http.replace('http', 'ws')}/subscribe/v?from=${lastStep - 1}`);
    assert.equal(ws.event, 'changes');
    assert.equal(described(ws.step, ws.changes!), missedAfter(lastStep - 1)[0]);
    // The wire protocol, five steps behind.
    assert.deepEqual(await wireResume(c, lastStep - 5), [
      ...missedAfter(lastStep - 5),
      `${lastStep + 1} [100,1]:1`,
    ]);
    // Older than the six steps kept: a resync over HTTP, a refusal over the wire.
    const old = await SseClient.open(`${served.http}/subscribe/v?from=${firstStep}`);
    const resync = (await old.next())!;
    assert.equal(resync.event, 'resync');
    assert.equal(resync.data.rows.length, 13);
    old.close();
    await assert.rejects(wireResume(c, firstStep), { code: '55000', message: /no longer reaches back/ });
  } finally {
    await c.end();
    const stopped = new Promise((r) => served.child.once('exit', r));
    served.child.kill('SIGTERM');
    await stopped;
  }
});
