/**
 * The sink framework through the webhook sink, against a real HTTP receiver: the first delivery
 * is the view's contents, then each step's changes with its step number, in order; a receiver
 * answering 503 is retried with backoff (visible in SHOW SINKS and /metrics) and nothing is lost;
 * a deduplicating receiver rebuilds exactly the view. Statement errors, DROP dependencies. And
 * `eddy serve --data-dir` killed with SIGKILL while steps stream: after the restart the deliveries,
 * deduplicated on their idempotency keys, still rebuild exactly the view, with no step missing.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { serve } from '../../src/server/server.ts';
import { client, eventually, kill, Receiver, type Served, startServe } from './sink-support.ts';

test('a webhook sink: snapshot, then each step in order; 503s retried and shown; DROP rules', async () => {
  const receiver = await Receiver.start();
  const server = await serve({ pgPort: 0, httpPort: 0 });
  const c = await client(server.pg.address().port);
  try {
    await c.query('CREATE TABLE t (id int PRIMARY KEY, g int, name text)');
    await c.query("INSERT INTO t VALUES (1, 1, 'a'), (2, 2, 'b')");
    await c.query('CREATE MATERIALIZED VIEW v AS SELECT g, count(*) AS n FROM t GROUP BY g');
    await c.query(
      `CREATE SINK out FROM v WITH (connector = 'webhook', url = '${receiver.url}', retry_max_ms = 400)`,
    );
    await eventually(
      () => receiver.requests.length === 1,
      20_000,
      () => JSON.stringify(receiver.requests),
    );
    const first = receiver.requests[0]!;
    assert.equal(first.body.kind, 'snapshot');
    assert.equal(first.key, `out:${first.body.step}`);
    assert.deepEqual(receiver.contents(), ['{"g":1,"n":1}', '{"g":2,"n":1}']);

    // The receiver refuses three requests: the sink retries, shows it, and delivers in order.
    receiver.failNext(3);
    await c.query("INSERT INTO t VALUES (3, 1, 'c')");
    await c.query('UPDATE t SET g = 3 WHERE id = 2');
    await c.query('DELETE FROM t WHERE id = 1');
    await eventually(
      async () => (await c.query('SELECT errors FROM pg_catalog.eddy_sinks')).rows[0]?.errors === '3',
      20_000,
      async () => JSON.stringify((await c.query('SHOW SINKS')).rows),
    );
    const view = async () =>
      (await c.query('SELECT g, n FROM v')).rows
        .map((r) => JSON.stringify({ g: r.g, n: Number(r.n) }))
        .sort();
    await eventually(
      async () => JSON.stringify(receiver.contents()) === JSON.stringify(await view()),
      20_000,
      async () => `${JSON.stringify(receiver.contents())} vs ${JSON.stringify(await view())}`,
    );
    const steps = receiver.requests.map((r) => r.body.step);
    assert.deepEqual(
      steps,
      [...steps].sort((a, b) => a - b),
      'steps arrive in order',
    );
    assert.equal(new Set(steps).size, steps.length, 'each step once (the 503s were not recorded)');
    const shown = (await c.query('SHOW SINKS')).rows[0];
    assert.equal(shown.sink, 'out');
    assert.equal(shown.connector, 'webhook');
    assert.equal(shown.relation, 'v');
    assert.equal(shown.state, 'running');
    assert.equal(Number(shown.position), steps.at(-1));
    assert.equal(shown.lag, '0');
    assert.equal(shown.errors, '3');
    assert.match(shown.last_error ?? '', /^$|503/);
    const metrics = await (await fetch(`http://127.0.0.1:${server.http.address().port}/metrics`)).text();
    assert.match(metrics, /eddy_sink_errors_total\{sink="out",connector="webhook"\} 3/);
    assert.match(
      metrics,
      new RegExp(`eddy_sink_deliveries_total\\{sink="out",connector="webhook"\\} ${steps.length}`),
    );

    // Statements: bad options, wrong relation kinds, dependencies.
    const bad = async (sql: string, code: string) => assert.rejects(c.query(sql), { code }, sql);
    await bad(`CREATE SINK x FROM v WITH (connector = 'webhook')`, '22023');
    await bad(`CREATE SINK x FROM v WITH (connector = 'webhook', url = 'ftp://h/x')`, '22023');
    await bad(
      `CREATE SINK x FROM v WITH (connector = 'webhook', url = 'http://h/', colour = 'red')`,
      '22023',
    );
    await bad(`CREATE SINK x FROM v WITH (connector = 'smoke', url = 'http://h/')`, '0A000');
    await bad(
      `CREATE SINK x FROM v WITH (connector = 'webhook', url = 'http://h/') FORMAT PLAIN ENCODE AVRO`,
      '0A000',
    );
    await bad(`CREATE SINK x FROM nowhere WITH (connector = 'webhook', url = 'http://h/')`, '42P01');
    await c.query('CREATE VIEW plain AS SELECT * FROM t');
    await bad(`CREATE SINK x FROM plain WITH (connector = 'webhook', url = 'http://h/')`, '42809');
    await bad(`CREATE SINK out FROM t WITH (connector = 'webhook', url = 'http://h/')`, '42710');
    await bad('DROP MATERIALIZED VIEW v', '2BP01');
    await bad('DROP SINK nothing', '42704');
    // A sink created in a rolled-back transaction never runs.
    await c.query('BEGIN');
    await c.query(`CREATE SINK y FROM t WITH (connector = 'webhook', url = '${receiver.url}')`);
    await c.query('ROLLBACK');
    await c.query('DROP SINK out');
    assert.equal((await c.query('SHOW SINKS')).rows.length, 0);
    const before = receiver.requests.length;
    await c.query("INSERT INTO t VALUES (9, 9, 'z')");
    await new Promise((r) => setTimeout(r, 600));
    assert.equal(receiver.requests.length, before, 'a dropped sink delivers nothing more');
    await c.query(`CREATE SINK again FROM v WITH (connector = 'webhook', url = '${receiver.url}')`);
    await c.query('DROP MATERIALIZED VIEW v CASCADE');
    assert.equal((await c.query('SHOW SINKS')).rows.length, 0);
  } finally {
    await c.end();
    await server.close();
    await receiver.close();
  }
});

test('kill -9 of eddy serve while a webhook sink delivers: nothing lost, each change once after dedup', async () => {
  const receiver = await Receiver.start();
  const dataDir = mkdtempSync(join(tmpdir(), 'eddy-webhook-crash-'));
  let served: Served | null = null;
  try {
    served = await startServe(dataDir);
    let c = await client(served.pgPort);
    await c.query('CREATE TABLE t (id int PRIMARY KEY, g int)');
    await c.query('CREATE MATERIALIZED VIEW v AS SELECT g, count(*) AS n, sum(id) AS s FROM t GROUP BY g');
    await c.query(`CREATE SINK out FROM v WITH (connector = 'webhook', url = '${receiver.url}')`);
    const writes = async (db: typeof c, from: number, to: number) => {
      for (let i = from; i < to; i++) await db.query(`INSERT INTO t VALUES (${i}, ${i % 7})`);
    };
    await writes(c, 0, 150);
    await eventually(
      () => receiver.requests.length > 20,
      30_000,
      async () =>
        `${receiver.requests.length} requests; ${JSON.stringify((await c.query('SHOW SINKS')).rows)}`,
    );
    await c.end().catch(() => {});
    await kill(served.child);
    served = await startServe(dataDir);
    c = await client(served.pgPort);
    try {
      await writes(c, 150, 200);
      const view = async () =>
        (await c.query('SELECT g, n, s FROM v')).rows
          .map((r) => JSON.stringify({ g: r.g, n: Number(r.n), s: Number(r.s) }))
          .sort();
      await eventually(
        async () => JSON.stringify(receiver.contents()) === JSON.stringify(await view()),
        60_000,
        async () => `${JSON.stringify(receiver.contents())} vs ${JSON.stringify(await view())}`,
      );
      // Every step after the snapshot came, in order, with no gap in what the view did.
      const steps = receiver.deduplicated().map((r) => r.body.step);
      assert.deepEqual(
        steps,
        [...steps].sort((a, b) => a - b),
      );
      assert.equal((await c.query('SELECT state FROM pg_catalog.eddy_sinks')).rows[0]?.state, 'running');
    } finally {
      await c.end();
    }
  } finally {
    if (served) await kill(served.child);
    rmSync(dataDir, { recursive: true, force: true });
    await receiver.close();
  }
});
