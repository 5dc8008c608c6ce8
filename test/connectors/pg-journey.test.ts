/**
 * Journey 1 of DESIGN.md against a real PostgreSQL 15 (skipped without EDDY_PG_URL unless
 * EDDY_REQUIRE_SERVICES=1), all in SQL over `eddy serve --data-dir`: orders and customers captured
 * by CDC, a revenue-by-region view, and `CREATE SINK … WITH (connector = 'postgres', …)` writing
 * it back into a PostgreSQL table keyed by the view's inferred key (GROUP BY region), which the
 * sink creates. A second, append-only sink writes a keyless table's rows. Upstream transactions
 * (inserts, updates, deletes) stream in while Eddy is killed with SIGKILL and started again;
 * afterwards the revenue table equals what PostgreSQL computes over its own tables, and the
 * append-only table has every row exactly once (no step written twice, none skipped). Also: an
 * append-only sink refuses a retraction and writes nothing of that step.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { T } from '../../src/common/types.ts';
import { PostgresSink } from '../../src/connectors/postgres/pg-sink.ts';
import { withService } from '../support/services.ts';
import { eventually } from './kafka-support.ts';
import { client, connectionSql, kill, startServe, upstream } from './pg-support.ts';

const expectedSql = `SELECT c.region, sum(o.amount)::text AS revenue, count(*)::int AS orders
  FROM j_orders o JOIN j_customers c ON c.id = o.customer GROUP BY c.region ORDER BY c.region`;
const downstreamSql = 'SELECT region, revenue::text, orders::int FROM j_revenue_out ORDER BY region';

withService('postgres', 'journey 1: CDC → view → PostgreSQL sink, exact across kill -9', async (url) => {
  const total = 1500;
  const up = await upstream(url);
  await up
    .query(`DROP TABLE IF EXISTS j_orders, j_customers, j_log, j_revenue_out, j_log_out;
    DELETE FROM eddy_sink_progress WHERE sink IN ('j_revenue_out', 'j_log_out')`)
    .catch(() => {});
  await up.query(`DROP TABLE IF EXISTS j_orders, j_customers, j_log, j_revenue_out, j_log_out;
    DROP PUBLICATION IF EXISTS eddy_j_shop;
    CREATE TABLE j_customers (id int PRIMARY KEY, region text NOT NULL);
    CREATE TABLE j_orders (id int PRIMARY KEY, customer int NOT NULL, amount numeric(12,2) NOT NULL);
    CREATE TABLE j_log (id int NOT NULL, note text);
    INSERT INTO j_customers SELECT i, 'region-' || (i % 4) FROM generate_series(1, 20) i;
    INSERT INTO j_orders SELECT i, i % 20 + 1, i * 1.25 FROM generate_series(1, 200) i`);
  const dir = mkdtempSync(join(tmpdir(), 'eddy-journey1-'));
  let served = await startServe(dir);
  try {
    let c = await client(served.pgPort);
    await c.query(connectionSql(url, 'j_db', 'journey-secret'));
    await c.query(`CREATE SOURCE j_shop FROM POSTGRES CONNECTION j_db FOR TABLES (j_orders, j_customers, j_log);
      CREATE MATERIALIZED VIEW j_revenue AS
        SELECT c.region, sum(o.amount) AS revenue, count(*) AS orders
          FROM j_orders o JOIN j_customers c ON c.id = o.customer GROUP BY c.region;
      CREATE MATERIALIZED VIEW j_log_view AS SELECT id, note FROM j_log`);
    await c.query(`CREATE SINK j_revenue_out FROM j_revenue
        WITH (connector = 'postgres', connection = 'j_db', table = 'j_revenue_out', create_table = true);
      CREATE SINK j_log_out FROM j_log_view
        WITH (connector = 'postgres', connection = 'j_db', table = 'j_log_out', create_table = true)`);
    const same = async () =>
      JSON.stringify((await up.query(downstreamSql).catch(() => ({ rows: [] }))).rows) ===
      JSON.stringify((await up.query(expectedSql)).rows);
    await eventually(same, 60_000, async () => JSON.stringify((await c.query('SHOW SINKS')).rows));
    const created = await up.query(
      `SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
        WHERE i.indrelid = 'j_revenue_out'::regclass AND i.indisprimary`,
    );
    assert.deepEqual(created.rows, [{ attname: 'region' }]);
    const writing = (async () => {
      const w = await upstream(url);
      for (let i = 201; i <= 200 + total; i++) {
        let sql = `INSERT INTO j_orders VALUES (${i}, ${(i % 20) + 1}, ${i % 100}.50); INSERT INTO j_log VALUES (${i}, 'order ${i}');`;
        if (i % 7 === 0)
          sql += `UPDATE j_orders SET amount = amount + 1, customer = ${((i * 3) % 20) + 1} WHERE id = ${i - 3};`;
        if (i % 11 === 0) sql += `DELETE FROM j_orders WHERE id = ${i - 5};`;
        await w.query(`BEGIN; ${sql} COMMIT`);
      }
      await w.end();
    })();
    const progress = async () =>
      Number(
        (
          await up.query(
            "SELECT coalesce(max(step), -1) AS s FROM eddy_sink_progress WHERE sink = 'j_log_out'",
          )
        ).rows[0].s,
      );
    const before = await progress();
    await eventually(
      async () => (await progress()) > before + 5,
      60_000,
      async () => `progress ${await progress()}`,
    );
    await c.end().catch(() => {});
    await kill(served.child);
    await writing;
    served = await startServe(dir);
    c = await client(served.pgPort);
    try {
      await eventually(
        async () =>
          (await same()) &&
          Number((await up.query('SELECT count(*) AS n FROM j_log_out')).rows[0].n) >= total,
        90_000,
        async () =>
          `downstream ${JSON.stringify((await up.query(downstreamSql)).rows)} expected ${JSON.stringify((await up.query(expectedSql)).rows)}; ${JSON.stringify((await c.query('SHOW SINKS')).rows)}`,
      );
      assert.deepEqual(
        (
          await up.query(
            'SELECT count(*)::int AS n, count(DISTINCT id)::int AS d, sum(id)::int AS s FROM j_log_out',
          )
        ).rows,
        [{ n: total, d: total, s: (total * (401 + total)) / 2 }],
      );
      assert.ok((await progress()) > before);
      const sinks = (await c.query('SELECT sink, state FROM pg_catalog.eddy_sinks ORDER BY sink')).rows;
      assert.deepEqual(sinks, [
        { sink: 'j_log_out', state: 'running' },
        { sink: 'j_revenue_out', state: 'running' },
      ]);
      assert.ok(!served.stderr.join('').includes('journey-secret'));
    } finally {
      await c.end().catch(() => {});
    }
  } finally {
    await kill(served.child);
    rmSync(dir, { recursive: true, force: true });
    await up
      .query(
        "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = 'eddy_j_shop' AND NOT active",
      )
      .catch(() => {});
    await up.end();
  }
});

withService(
  'postgres',
  'an append-only PostgreSQL sink refuses a retraction, writing nothing of that step',
  async (url) => {
    const up = await upstream(url);
    await up.query('DROP TABLE IF EXISTS j_append');
    await up.query("DELETE FROM eddy_sink_progress WHERE sink = 'j_append'").catch(() => {});
    const sink = idNoteSink(url, 'j_append', null);
    try {
      assert.equal(await sink.open(), null);
      await sink.deliver({
        step: 1,
        replace: true,
        rows: [
          [1, 'tab\tand\\slash\nline'],
          [2, null],
        ],
        weights: [1, 1],
      });
      await sink.deliver({ step: 2, replace: false, rows: [[3, 'x']], weights: [2] });
      // A step the target has already (an earlier incarnation wrote it) changes nothing.
      await sink.deliver({ step: 2, replace: false, rows: [[3, 'x']], weights: [1] });
      assert.deepEqual((await up.query('SELECT id, note FROM j_append ORDER BY id')).rows, [
        { id: 1, note: 'tab\tand\\slash\nline' },
        { id: 2, note: null },
        { id: 3, note: 'x' },
        { id: 3, note: 'x' },
      ]);
      await assert.rejects(
        sink.deliver({
          step: 3,
          replace: false,
          rows: [
            [4, 'y'],
            [1, 'tab\tand\\slash\nline'],
          ],
          weights: [1, -1],
        }),
        /append-only/,
      );
      assert.equal((await up.query('SELECT count(*)::int AS n FROM j_append')).rows[0].n, 4);
      assert.equal(await sink.open(), 2);
    } finally {
      await sink.close();
      await up.end();
    }
  },
);

withService(
  'postgres',
  'a keyed PostgreSQL sink writes a bulk step by COPY, a small one by INSERT',
  async (url) => {
    const up = await upstream(url);
    await up.query('DROP TABLE IF EXISTS j_bulk');
    await up.query("DELETE FROM eddy_sink_progress WHERE sink = 'j_bulk'").catch(() => {});
    const sink = idNoteSink(url, 'j_bulk', [0]);
    const note = (i: number, step: number) => (i % 7 === 0 ? null : `s${step}\t${i}\\\n`);
    const expected = new Map<number, string | null>();
    try {
      assert.equal(await sink.open(), null);
      const first = Array.from({ length: 100 }, (_, i) => [i, note(i, 1)]);
      await sink.deliver({ step: 1, replace: true, rows: first, weights: first.map(() => 1) });
      for (const [id, n] of first) expected.set(id as number, n as string | null);
      // 150 rows (from 100, COPY): the old rows of 50 keys retracted, their new rows and 100 new keys.
      const changed = Array.from({ length: 150 }, (_, i) => [i + 50, note(i + 50, 2)]);
      const old = first.slice(50);
      await sink.deliver({
        step: 2,
        replace: false,
        rows: [...old, ...changed],
        weights: [...old.map(() => -1), ...changed.map(() => 1)],
      });
      for (const [id, n] of changed) expected.set(id as number, n as string | null);
      // Three rows: one INSERT.
      const small = [
        [0, 'zero'],
        [300, null],
        [301, 'a\tb'],
      ];
      await sink.deliver({ step: 3, replace: false, rows: small, weights: [1, 1, 1] });
      for (const [id, n] of small) expected.set(id as number, n as string | null);
      const rows = (await up.query('SELECT id, note FROM j_bulk ORDER BY id')).rows;
      assert.deepEqual(
        rows,
        [...expected].sort((a, b) => a[0] - b[0]).map(([id, n]) => ({ id, note: n })),
      );
      assert.equal(await sink.open(), 3);
    } finally {
      await sink.close();
      await up.end();
    }
  },
);

/** A PostgreSQL sink into the upstream table `name (id int, note text)`, created when missing. */
function idNoteSink(url: string, name: string, key: number[] | null): PostgresSink {
  const u = new URL(url);
  return new PostgresSink({
    name,
    address: {
      spec: {
        type: 'postgres',
        host: u.hostname,
        port: Number(u.port),
        user: decodeURIComponent(u.username),
        dbname: u.pathname.slice(1),
        passwordSecret: null,
      },
      password: null,
    },
    table: name,
    columns: [
      { name: 'id', type: T.int4 },
      { name: 'note', type: T.text },
    ],
    key,
    createTable: true,
  });
}
