/**
 * Journey 1 of DESIGN.md against a real PostgreSQL 15 (skipped without EDDY_PG_URL unless
 * EDDY_REQUIRE_SERVICES=1): orders and customers captured by CDC, a revenue-by-region view, and
 * the view written back into a PostgreSQL table by the PostgreSQL sink. Upstream transactions
 * (inserts, updates, deletes) stream in while the Eddy process is killed with SIGKILL and started
 * again; afterwards the downstream table equals what PostgreSQL itself computes over its tables,
 * and the sink's progress row names the step it last wrote. Also: the sink's key is inferred
 * (GROUP BY region), it created the table with that primary key, and an append-only sink refuses
 * a retraction. A second, append-only sink (a view over a keyless table) shows that no step is
 * written twice or skipped across the kill: its rows arrive exactly once each.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { T } from '../../src/common/types.ts';
import { PostgresSink } from '../../src/connectors/postgres/pg-sink.ts';
import { withService } from '../support/services.ts';
import { eventually } from './kafka-support.ts';

function start(dir: string, url: string): Promise<ChildProcess> {
  const script = new URL('./pg-journey-process.ts', import.meta.url).pathname;
  const child = spawn(process.execPath, [script, dir, url], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (s: string) => {
      out += s;
      if (out.includes('ready')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`journey process exited with ${code}: ${out}`)));
  });
}

function kill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

const expectedSql = `SELECT c.region, sum(o.amount)::text AS revenue, count(*)::int AS orders
  FROM j_orders o JOIN j_customers c ON c.id = o.customer GROUP BY c.region ORDER BY c.region`;
const downstreamSql = 'SELECT region, revenue::text, orders::int FROM j_revenue_out ORDER BY region';

withService('postgres', 'journey 1: CDC → view → PostgreSQL sink, exact across kill -9', async (url) => {
  const total = 1500;
  const up = new pg.Client({ connectionString: url });
  await up.connect();
  await up.query(`DROP TABLE IF EXISTS j_orders, j_customers, j_log, j_revenue_out, j_log_out, eddy_sink_progress;
    DROP PUBLICATION IF EXISTS eddy_j_shop;
    CREATE TABLE j_customers (id int PRIMARY KEY, region text NOT NULL);
    CREATE TABLE j_orders (id int PRIMARY KEY, customer int NOT NULL, amount numeric(12,2) NOT NULL);
    CREATE TABLE j_log (id int NOT NULL, note text);
    INSERT INTO j_customers SELECT i, 'region-' || (i % 4) FROM generate_series(1, 20) i;
    INSERT INTO j_orders SELECT i, i % 20 + 1, i * 1.25 FROM generate_series(1, 200) i`);
  const dir = mkdtempSync(join(tmpdir(), 'eddy-journey1-'));
  let child = await start(dir, url);
  try {
    await eventually(
      async () =>
        JSON.stringify((await up.query(downstreamSql)).rows) ===
        JSON.stringify((await up.query(expectedSql)).rows),
      60_000,
      async () => JSON.stringify((await up.query(downstreamSql)).rows),
    );
    const created = await up.query(
      `SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
        WHERE i.indrelid = 'j_revenue_out'::regclass AND i.indisprimary`,
    );
    assert.deepEqual(created.rows, [{ attname: 'region' }]);
    const writing = (async () => {
      const w = new pg.Client({ connectionString: url });
      await w.connect();
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
            "SELECT coalesce(max(step), -1) AS s FROM eddy_sink_progress WHERE sink = 'j_revenue_out'",
          )
        ).rows[0].s,
      );
    const before = await progress();
    await eventually(
      async () => (await progress()) > before + 5,
      60_000,
      async () => `progress ${await progress()}`,
    );
    await kill(child);
    await writing;
    child = await start(dir, url);
    await eventually(
      async () =>
        JSON.stringify((await up.query(downstreamSql)).rows) ===
        JSON.stringify((await up.query(expectedSql)).rows),
      90_000,
      async () =>
        `downstream ${JSON.stringify((await up.query(downstreamSql)).rows)} expected ${JSON.stringify((await up.query(expectedSql)).rows)}`,
    );
    assert.ok((await progress()) > before);
    // The append-only sink: every upstream transaction's log row exactly once downstream.
    await eventually(
      async () => Number((await up.query('SELECT count(*) AS n FROM j_log_out')).rows[0].n) >= total,
      60_000,
      async () => `${(await up.query('SELECT count(*) AS n FROM j_log_out')).rows[0].n} of ${total} log rows`,
    );
    assert.deepEqual(
      (
        await up.query(
          'SELECT count(*)::int AS n, count(DISTINCT id)::int AS d, sum(id)::int AS s FROM j_log_out',
        )
      ).rows,
      [{ n: total, d: total, s: (total * (401 + total)) / 2 }],
    );
  } finally {
    await kill(child).catch(() => {});
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
    const up = new pg.Client({ connectionString: url });
    await up.connect();
    await up
      .query("DROP TABLE IF EXISTS j_append; DELETE FROM eddy_sink_progress WHERE sink = 'j_append'")
      .catch(() => {});
    const u = new URL(url);
    const sink = new PostgresSink({
      name: 'j_append',
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
      table: 'j_append',
      columns: [
        { name: 'id', type: T.int4 },
        { name: 'note', type: T.text },
      ],
      key: null,
      createTable: true,
    });
    let push!: (s: Parameters<Parameters<Parameters<PostgresSink['start']>[0]>[1]>[0]) => void;
    await sink.start((after, onStep) => {
      assert.equal(after, null);
      push = onStep;
      return () => {};
    });
    try {
      push({
        step: 1,
        replace: true,
        changes: [
          { row: [1, 'tab\tand\\slash'], weight: 1 },
          { row: [2, null], weight: 1 },
        ],
      });
      push({ step: 2, replace: false, changes: [{ row: [3, 'x'], weight: 2 }] });
      await sink.flushed();
      assert.deepEqual((await up.query('SELECT id, note FROM j_append ORDER BY id')).rows, [
        { id: 1, note: 'tab\tand\\slash' },
        { id: 2, note: null },
        { id: 3, note: 'x' },
        { id: 3, note: 'x' },
      ]);
      push({
        step: 3,
        replace: false,
        changes: [
          { row: [4, 'y'], weight: 1 },
          { row: [1, 'tab\tand\\slash'], weight: -1 },
        ],
      });
      await assert.rejects(sink.flushed(), /append-only/);
      assert.equal((await up.query('SELECT count(*)::int AS n FROM j_append')).rows[0].n, 4);
      assert.equal(
        (await up.query("SELECT step::int FROM eddy_sink_progress WHERE sink = 'j_append'")).rows[0].step,
        2,
      );
    } finally {
      await sink.stop();
      await up.end();
    }
  },
);
