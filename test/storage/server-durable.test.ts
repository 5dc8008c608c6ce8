/**
 * The server with a data directory: writes over the wire (node-postgres, concurrent clients
 * sharing syncs) and HTTP ingest survive a restart and a kill -9 of `eddy serve`, a second
 * server on the same directory is refused, and /metrics reports recovery and group commit (and,
 * restarted under a memory budget, its figures).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import pg from 'pg';
import { serve } from '../../src/server/server.ts';
import { type ServeProcess, startServe as startServeProcess } from '../support/serve-process.ts';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function freshDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'eddy-serve-durable-'));
  dirs.push(d);
  return d;
}

async function client(port: number): Promise<pg.Client> {
  const c = new pg.Client({ host: '127.0.0.1', port, user: 'eddy', database: 'eddy' });
  await c.connect();
  return c;
}

test('wire and HTTP writes survive a restart; a second server on the directory is refused', async () => {
  const dataDir = freshDir();
  let server = await serve({ pgPort: 0, httpPort: 0, dataDir, checkpointIntervalMs: 0 });
  const clients = await Promise.all(Array.from({ length: 8 }, () => client(server.pg.address().port)));
  await clients[0]!.query('CREATE TABLE t (id int PRIMARY KEY, who text)');
  await clients[0]!.query(
    'CREATE MATERIALIZED VIEW per_who AS SELECT who, count(*) AS n FROM t GROUP BY who',
  );
  await Promise.all(
    clients.map(async (c, k) => {
      for (let i = 0; i < 20; i++) await c.query('INSERT INTO t VALUES ($1, $2)', [k * 100 + i, `c${k % 3}`]);
    }),
  );
  const http = `http://127.0.0.1:${server.http.address().port}`;
  const ingest = await fetch(`${http}/ingest/t`, { method: 'POST', body: '[{"id": 9000, "who": "http"}]' });
  assert.equal(ingest.status, 200);
  const metrics = await (await fetch(`${http}/metrics`)).text();
  const records = Number(/^eddy_log_records_total (\d+)/m.exec(metrics)?.[1]);
  const syncs = Number(/^eddy_log_syncs_total (\d+)/m.exec(metrics)?.[1]);
  assert.ok(records >= 163 && syncs >= 1 && syncs <= records, metrics);
  // Eight clients commit at once: the syncs are shared (the figure is records made durable per sync).
  const perSync = Number(/^eddy_log_records_per_sync (\S+)/m.exec(metrics)?.[1]);
  assert.ok(perSync >= 1 && perSync <= records, metrics);
  assert.ok(Number(/^eddy_log_sync_seconds_total (\S+)/m.exec(metrics)?.[1]) > 0, metrics);
  await assert.rejects(serve({ pgPort: 0, httpPort: 0, dataDir }), { code: '55006' });
  await Promise.all(clients.map((c) => c.end()));
  await server.close();

  // Restarted under a memory budget it cannot meet (ADR 0006; its view is too small to spill).
  server = await serve({ pgPort: 0, httpPort: 0, dataDir, checkpointIntervalMs: 0, memoryBudgetBytes: 1024 });
  const c = await client(server.pg.address().port);
  assert.equal((await c.query('SELECT count(*)::int AS n FROM t')).rows[0].n, 161);
  assert.deepEqual(
    (await c.query('SELECT who, n::int FROM per_who ORDER BY who')).rows,
    (await c.query('SELECT who, count(*)::int AS n FROM t GROUP BY who ORDER BY who')).rows,
  );
  const after = await (await fetch(`http://127.0.0.1:${server.http.address().port}/metrics`)).text();
  assert.match(after, /^eddy_recovery_seconds \d/m);
  // The phases are parts of the whole: each at most the total.
  const total = Number(/^eddy_recovery_seconds (\S+)/m.exec(after)?.[1]);
  for (const phase of ['read', 'restore', 'replay']) {
    const seconds = Number(
      new RegExp(`^eddy_recovery_phase_seconds\\{phase="${phase}"\\} (\\S+)`, 'm').exec(after)?.[1],
    );
    assert.ok(seconds >= 0 && seconds <= total, `${phase}: ${seconds} of ${total}\n${after}`);
  }
  assert.match(after, /^eddy_memory_budget_bytes 1024$/m);
  assert.ok(Number(/^eddy_memory_rss_anon_bytes (\d+)/m.exec(after)?.[1]) > 1024, after);
  assert.match(after, /^eddy_state_spilled_entries \d+$/m);
  assert.match(after, /^eddy_state_spilled_bytes \d+$/m);
  await c.end();
  await server.close();
});

/** `eddy serve` on a data directory, checkpointing every 100 ms. */
function startServe(dataDir: string): Promise<ServeProcess> {
  return startServeProcess(dataDir, { checkpointIntervalMs: 100 });
}

test('kill -9 of eddy serve mid-workload keeps every acknowledged COMMIT', async () => {
  const dataDir = freshDir();
  let served = await startServe(dataDir);
  assert.match(served.banner, new RegExp(`data directory ${dataDir}`));
  const setup = await client(served.pgPort);
  await setup.query('CREATE TABLE acks (id int PRIMARY KEY)');
  await setup.end();
  const acked = new Set<number>();
  const clients = await Promise.all(Array.from({ length: 4 }, () => client(served.pgPort)));
  for (const c of clients) c.on('error', () => {});
  let stop = false;
  const writers = clients.map(async (c, k) => {
    for (let i = 0; !stop; i++) {
      const id = k * 100_000 + i;
      try {
        await c.query('BEGIN');
        await c.query('INSERT INTO acks VALUES ($1)', [id]);
        await c.query('COMMIT');
        acked.add(id);
      } catch {
        return;
      }
    }
  });
  let writing = writers.length;
  for (const w of writers) void w.finally(() => writing--);
  while (acked.size < 150) {
    assert.ok(writing > 0, 'every writer failed before the kill');
    await new Promise((r) => setTimeout(r, 10));
  }
  // Listened for before the kill: the exit may be seen while the writers are still failing.
  const exited = new Promise((r) => served.child.once('exit', r));
  served.child.kill('SIGKILL');
  stop = true;
  await Promise.all(writers);
  await exited;
  served = await startServe(dataDir);
  assert.match(served.banner, /eddy: recovered .* in [\d.]+ ms: step \d+/);
  const check = await client(served.pgPort);
  const ids = new Set((await check.query('SELECT id FROM acks')).rows.map((r) => r.id as number));
  for (const id of acked) assert.ok(ids.has(id), `acknowledged COMMIT of ${id} lost`);
  await check.end();
  served.child.kill('SIGTERM');
  await new Promise((r) => served.child.once('exit', r));
});
