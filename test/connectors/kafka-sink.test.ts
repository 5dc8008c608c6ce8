/**
 * The Kafka sink against a real broker (`npm run services`; skipped without EDDY_KAFKA_BROKERS
 * unless EDDY_REQUIRE_SERVICES=1), read back by a read_committed reader: upsert (key + tombstones),
 * Debezium events and the append-only refusal of retractions; and exactly once across a kill -9
 * of `eddy serve` at a random time and at the failpoint between the Kafka commit and Eddy's own
 * progress record: each step's records are in the topic once, and the upserts rebuild the view.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '../../src/server/server.ts';
import { withService } from '../support/services.ts';
import { createTopic, readSunkTopic } from './kafka-support.ts';
import { client, eventually, exited, kill, type Served, startServe } from './sink-support.ts';

withService(
  'kafka',
  'Kafka sink envelopes: upsert with tombstones, Debezium, append-only refusing retractions',
  async (brokers) => {
    const upsertTopic = await createTopic(brokers, 2);
    const debeziumTopic = await createTopic(brokers, 1);
    const appendTopic = await createTopic(brokers, 1);
    const server = await serve({ pgPort: 0, httpPort: 0 });
    const c = await client(server.pg.address().port);
    try {
      await c.query('CREATE TABLE t (id int PRIMARY KEY, name text)');
      await c.query("INSERT INTO t VALUES (1, 'a'), (2, 'b')");
      const common = `connector = 'kafka', brokers = '${brokers}'`;
      await c.query(
        `CREATE SINK up FROM t WITH (${common}, topic = '${upsertTopic}') FORMAT UPSERT ENCODE JSON`,
      );
      await c.query(
        `CREATE SINK dbz FROM t WITH (${common}, topic = '${debeziumTopic}') FORMAT DEBEZIUM ENCODE JSON`,
      );
      await c.query(
        `CREATE SINK app FROM t WITH (${common}, topic = '${appendTopic}') FORMAT PLAIN ENCODE JSON`,
      );
      const positions = async () =>
        (await c.query('SELECT sink, state, position FROM pg_catalog.eddy_sinks ORDER BY sink')).rows;
      await eventually(
        async () => (await positions()).every((r) => r.position !== null),
        30_000,
        async () => JSON.stringify(await positions()),
      );
      await c.query("UPDATE t SET name = 'bb' WHERE id = 2");
      await c.query('DELETE FROM t WHERE id = 1');
      await eventually(
        async () => (await positions()).find((r) => r.sink === 'app')?.state === 'failed',
        30_000,
        async () => JSON.stringify(await positions()),
      );
      const app = (await c.query("SELECT last_error FROM pg_catalog.eddy_sinks WHERE sink = 'app'")).rows[0];
      assert.match(app.last_error, /append-only sink \(FORMAT PLAIN\) cannot deliver it/);
      const lags = async () =>
        (await c.query("SELECT sink, lag, position FROM pg_catalog.eddy_sinks WHERE sink <> 'app'")).rows;
      await eventually(
        async () => (await lags()).every((r) => r.lag === '0'),
        30_000,
        async () => JSON.stringify(await lags()),
      );
      const up = await readSunkTopic(brokers, upsertTopic);
      // Snapshot: two rows; then the update (key 2 → its new row); then key 1's tombstone.
      assert.equal(up.length, 4, JSON.stringify(up));
      assert.deepEqual(
        up
          .map((r) => r.value)
          .filter((v) => v !== null)
          .sort(),
        ['{"id":1,"name":"a"}', '{"id":2,"name":"b"}', '{"id":2,"name":"bb"}'],
      );
      assert.equal(up.filter((r) => r.value === null).length, 1, 'one tombstone');
      const dbz = (await readSunkTopic(brokers, debeziumTopic)).map((r) => JSON.parse(r.value!));
      assert.deepEqual(
        dbz.map((e) => e.op),
        ['c', 'c', 'u', 'd'],
      );
      assert.deepEqual(dbz[2], { before: { id: 2, name: 'b' }, after: { id: 2, name: 'bb' }, op: 'u' });
      assert.deepEqual(dbz[3], { before: { id: 1, name: 'a' }, after: null, op: 'd' });
      // The append-only sink delivered the snapshot and stopped at the update.
      assert.equal((await readSunkTopic(brokers, appendTopic)).length, 2);
      await assert.rejects(c.query(`CREATE SINK x FROM t WITH (${common})`), { code: '22023' });
      await assert.rejects(c.query(`CREATE SINK x FROM t WITH (${common}, topic = 'x', key = 'nope')`), {
        code: '42703',
      });
      await c.query('CREATE MATERIALIZED VIEW m AS SELECT name, count(*) FROM t GROUP BY name');
      await assert.rejects(
        c.query(`CREATE SINK x FROM m WITH (${common}, topic = 'x') FORMAT UPSERT ENCODE JSON`),
        { code: '22023' },
      );
    } finally {
      await c.end();
      await server.close();
    }
  },
);

/**
 * Writes rows into `t` one step at a time while the sink streams the per-group view to Kafka; kills
 * Eddy (`how`), restarts it, writes the rest; then every step's records are in the topic once and
 * the last value per group equals the view.
 */
async function crashRun(brokers: string, how: 'random' | 'failpoint'): Promise<void> {
  const topic = await createTopic(brokers, 3);
  const dataDir = mkdtempSync(join(tmpdir(), 'eddy-kafka-sink-crash-'));
  let served: Served | null = null;
  try {
    served = await startServe(dataDir, {
      env: how === 'failpoint' ? { EDDY_FAILPOINTS: 'sink.after-commit@25' } : {},
    });
    let c = await client(served.pgPort);
    await c.query('CREATE TABLE t (id int PRIMARY KEY, g int)');
    await c.query('CREATE MATERIALIZED VIEW v AS SELECT g, count(*) AS n, sum(id) AS s FROM t GROUP BY g');
    await c.query(
      `CREATE SINK out FROM v WITH (connector = 'kafka', brokers = '${brokers}', topic = '${topic}', key = 'g') FORMAT UPSERT ENCODE JSON`,
    );
    let next = 0;
    const total = 120;
    const write = async (db: typeof c, until: number) => {
      for (; next < until; next++) await db.query(`INSERT INTO t VALUES (${next}, ${next % 5})`);
    };
    if (how === 'random') {
      const killAfterMs = 300 + Math.floor(Math.random() * 2000);
      const timer = setTimeout(() => void kill(served!.child), killAfterMs);
      await write(c, total / 2).catch(() => {});
      clearTimeout(timer);
      await kill(served.child);
    } else {
      await write(c, total / 2).catch(() => {});
      // The failpoint fires at the sink's 25th delivery. A sink that connected late delivered many
      // steps as one snapshot, so fewer deliveries happened: write one row a step until it fires
      // (waiting on the exit alone hung a CI run).
      const gone = exited(served.child).then(() => true);
      while (!(await Promise.race([gone, new Promise<false>((r) => setTimeout(() => r(false), 500))])))
        await c.query(`INSERT INTO t VALUES (${next}, ${next++ % 5})`).catch(() => {});
    }
    await c.end().catch(() => {});
    served = await startServe(dataDir);
    c = await client(served.pgPort);
    // Rows whose INSERT was cut off by the kill may or may not have committed: start after the last.
    next = Number((await c.query('SELECT coalesce(max(id) + 1, 0) AS n FROM t')).rows[0].n);
    await write(c, total);
    const view = (await c.query('SELECT g, n, s FROM v ORDER BY g')).rows.map((r) =>
      JSON.stringify({ g: r.g, n: Number(r.n), s: Number(r.s) }),
    );
    const current = async () =>
      (await c.query('SELECT position, lag, state, last_error FROM pg_catalog.eddy_sinks')).rows[0];
    await eventually(
      async () => (await current())?.lag === '0',
      60_000,
      async () => JSON.stringify(await current()),
    );
    await c.end();
    const records = await readSunkTopic(brokers, topic);
    // Each step is one transaction: a step's records are all there once, never twice.
    const perStepKey = new Map<string, number>();
    for (const r of records) {
      const key = `${r.step}:${JSON.parse(r.value!).g}`;
      perStepKey.set(key, (perStepKey.get(key) ?? 0) + 1);
    }
    assert.deepEqual(
      [...perStepKey.values()].filter((n) => n > 1),
      [],
      'no step delivered twice',
    );
    // The latest value per key equals the view.
    const latest = new Map<number, string>();
    for (const r of records.sort((a, b) => a.step - b.step)) latest.set(JSON.parse(r.value!).g, r.value!);
    assert.deepEqual(
      [...latest].sort((a, b) => a[0] - b[0]).map(([, v]) => JSON.stringify(JSON.parse(v))),
      view,
    );
    // How many steps arrive depends on timing: a sink that had delivered nothing before the kill
    // starts with one snapshot of the view after the restart (a loaded machine saw 1 step).
    const steps = new Set(records.map((r) => r.step));
    assert.ok(steps.size >= 1, 'no step delivered');
  } finally {
    if (served) await kill(served.child);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

withService('kafka', 'exactly once across kill -9 at a random time', (brokers) =>
  crashRun(brokers, 'random'),
);

withService(
  'kafka',
  'exactly once across a kill between the Kafka commit and the progress record',
  (brokers) => crashRun(brokers, 'failpoint'),
);
