/**
 * @module test/server/statement-shutdown
 * A computing query does not hold the server hostage: SIGTERM to `eddy serve` while a heavy
 * query runs ends the process cleanly (exit code 0), and an HTTP client that goes away cancels
 * its statement (57014), also while it waits for a hydrating view, and no later statement of its
 * script runs.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { Database } from '../../src/runtime/database.ts';
import { createDataflowMaintainer } from '../../src/runtime/dataflow-maintainer.ts';
import { runSql, wholeBody } from '../../src/server/http/sql-endpoint.ts';
import { loadParser } from '../../src/sql/front/index.ts';
import { repoRoot } from '../clients/client-support.ts';
import { pgClient } from './pgwire-support.ts';

const heavy = 'SELECT count(*) FROM generate_series(1, 10000000)';

test('SIGTERM during a heavy query ends eddy serve cleanly (started with --query-memory)', async () => {
  const child = spawn(
    process.execPath,
    [
      join(repoRoot, 'src/cli/main.ts'),
      'serve',
      '--in-memory',
      '--pg-port',
      '0',
      '--http-port',
      '0',
      '--query-memory',
      '1GB',
    ],
    {
      cwd: repoRoot,
      env: { ...process.env, EDDY_USERS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let banner = '';
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      banner += chunk;
      const m = /serving PostgreSQL on [^:]+:(\d+)/.exec(banner);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', () => reject(new Error(`eddy serve exited early: ${banner}`)));
  });
  const a = await pgClient(port);
  const b = await pgClient(port);
  a.on('error', () => {});
  b.on('error', () => {});
  // --query-memory sets the sessions' default eddy.query_memory.
  assert.deepEqual((await b.query('SHOW eddy.query_memory')).rows, [{ 'eddy.query_memory': '1GB' }]);
  const running = a.query(heavy).then(
    () => 'answered',
    (e: { code?: string }) => e.code ?? 'connection ended',
  );
  // B answered while A computes: the server is turning its loop; now stop it.
  await b.query('SELECT 1');
  child.kill('SIGTERM');
  assert.equal(await exited, 0);
  assert.notEqual(await running, 'answered');
  await Promise.allSettled([a.end(), b.end()]);
});

test('an HTTP client that goes away cancels its statement with 57014', async () => {
  await loadParser();
  const db = new Database(createDataflowMaintainer);
  const gone = new AbortController();
  const answer = runSql(db, { sql: heavy, params: [] }, undefined, gone.signal);
  setTimeout(() => gone.abort(), 50);
  await assert.rejects(answer, { code: '57014' });
});

test('an HTTP client gone before its script starts runs none of it', async () => {
  await loadParser();
  const db = new Database(createDataflowMaintainer);
  await runSql(db, { sql: 'CREATE TABLE t (i integer)', params: [] });
  const sql = 'INSERT INTO t VALUES (1); INSERT INTO t VALUES (2)';
  await assert.rejects(runSql(db, { sql, params: [] }, undefined, AbortSignal.abort()), { code: '57014' });
  assert.match(
    wholeBody(await runSql(db, { sql: 'SELECT count(*) AS n FROM t', params: [] })) ?? '',
    /"rows":\[\[0\]\]/,
  );
});

test('an HTTP client gone while its script waits for a hydrating view stops the whole script', async () => {
  await loadParser();
  const db = new Database(createDataflowMaintainer);
  db.hydrationChunkRows = 10;
  await runSql(db, { sql: 'CREATE TABLE t (id integer PRIMARY KEY, g integer)', params: [] });
  const values = Array.from({ length: 20_000 }, (_, i) => `(${i}, ${i % 10})`).join(', ');
  await runSql(db, { sql: `INSERT INTO t VALUES ${values}`, params: [] });
  await runSql(db, {
    sql: 'CREATE MATERIALIZED VIEW v AS SELECT g, count(*) AS n FROM t GROUP BY g',
    params: [],
  });
  assert.ok(db.hydrationOf(db.catalog.relation('v')!.id), 'hydrating in the background');
  const gone = new AbortController();
  // The read waits for the view; the INSERT after it would commit with it (one implicit transaction).
  const answer = runSql(
    db,
    { sql: 'SELECT count(*) FROM v; INSERT INTO t VALUES (-1, 0)', params: [] },
    undefined,
    gone.signal,
  );
  setTimeout(() => gone.abort(), 5);
  await assert.rejects(answer, { code: '57014' });
  assert.ok(db.hydrationOf(db.catalog.relation('v')!.id), 'cancelled while the view was still hydrating');
  assert.match(
    wholeBody(await runSql(db, { sql: 'SELECT count(*) AS n FROM t WHERE id = -1', params: [] })) ?? '',
    /"rows":\[\[0\]\]/,
  );
});
