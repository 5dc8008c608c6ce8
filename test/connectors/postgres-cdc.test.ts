/**
 * PostgreSQL change data capture against a real PostgreSQL 15 (`npm run services`; skipped without
 * EDDY_PG_URL unless EDDY_REQUIRE_SERVICES=1): the initial snapshot and the stream land in Eddy's
 * tables with every type the source maps (numeric, timestamptz, jsonb, arrays, bytea, uuid, enums,
 * unchanged TOASTed values); an upstream transaction over two tables lands whole; TRUNCATE; an
 * added column is ignored and counted; an undecodable row is dead-lettered; a dropped column a view
 * reads stops the source with an error naming both; the secret never shows; DROP SOURCE drops the
 * slot. Then `eddy serve --data-dir` is killed with SIGKILL mid-stream and restarted: every upstream
 * transaction is applied exactly once, and every read sees both tables at the same transaction.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { Eddy } from '../../src/eddy.ts';
import { withService } from '../support/services.ts';
import { eventually } from './kafka-support.ts';
import { client, connectionSql, kill, startServe, upstream } from './pg-support.ts';

const secret = 'hunter2-do-not-show';

async function rows(eddy: Eddy, sql: string): Promise<unknown[][]> {
  return (await eddy.query(sql)).rows.map((r) => [...r].map((v) => (typeof v === 'bigint' ? Number(v) : v)));
}

async function slotExists(up: pg.Client, slot: string): Promise<boolean> {
  return (await up.query('SELECT 1 FROM pg_replication_slots WHERE slot_name = $1', [slot])).rows.length > 0;
}

withService(
  'postgres',
  'PostgreSQL CDC: snapshot, stream, types, TOAST, TRUNCATE, schema changes',
  async (url) => {
    const up = await upstream(url);
    await up.query(`DROP TABLE IF EXISTS cdc_orders, cdc_customers; DROP TYPE IF EXISTS cdc_mood;
    DROP PUBLICATION IF EXISTS eddy_shop1;
    CREATE TYPE cdc_mood AS ENUM ('ok', 'sad');
    CREATE TABLE cdc_customers (id int PRIMARY KEY, region text NOT NULL);
    CREATE TABLE cdc_orders (id int PRIMARY KEY, customer int, amount numeric(10,2), at timestamptz,
      doc jsonb, tags text[], raw bytea, u uuid, mood cdc_mood, note json, big text);
    INSERT INTO cdc_customers VALUES (1, 'eu'), (2, 'us');
    INSERT INTO cdc_orders VALUES (1, 1, 10.50, '2024-01-01 10:00+02', '{"a": [1, 2.5]}', '{x,"y z"}',
      '\\x00ff', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'ok', '{}', repeat('z', 100000))`);
    const eddy = await Eddy.open();
    const logged: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      logged.push(String(chunk));
      return (write as (c: string | Uint8Array, ...r: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof process.stderr.write;
    try {
      await eddy.execute(connectionSql(url, 'shop_db1', secret));
      await eddy.execute(
        `CREATE SOURCE shop1 FROM POSTGRES CONNECTION shop_db1 (publication = 'eddy_shop1') FOR TABLES (cdc_orders, public.cdc_customers)`,
      );
      await eddy.execute(`CREATE MATERIALIZED VIEW cdc_revenue AS
      SELECT c.region, sum(o.amount) AS total, count(*) AS n
        FROM cdc_orders o JOIN cdc_customers c ON c.id = o.customer GROUP BY c.region`);
      await eventually(
        async () => (await rows(eddy, 'SELECT count(*) FROM cdc_orders'))[0]![0] === 1,
        30_000,
        async () => JSON.stringify(await rows(eddy, 'SHOW SOURCES')),
      );
      assert.deepEqual(
        await rows(
          eddy,
          `SELECT amount::text, at::text, doc::text, tags::text, encode(raw, 'hex'), u::text, mood, note::text, length(big)
           FROM cdc_orders`,
        ),
        [
          [
            '10.50',
            '2024-01-01 08:00:00+00',
            '{"a": [1, 2.5]}',
            '{x,"y z"}',
            '00ff',
            'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
            'ok',
            '{}',
            100000,
          ],
        ],
      );
      // One upstream transaction over both tables, an update that leaves the TOASTed column alone, a delete.
      await up.query(`BEGIN;
      INSERT INTO cdc_customers VALUES (3, 'ap');
      INSERT INTO cdc_orders (id, customer, amount) VALUES (2, 3, 5), (3, 2, 7.25);
      UPDATE cdc_orders SET amount = 20 WHERE id = 1;
      COMMIT`);
      await up.query('DELETE FROM cdc_orders WHERE id = 3');
      const revenue = async () =>
        rows(eddy, 'SELECT region, total::text, n FROM cdc_revenue ORDER BY region');
      await eventually(
        async () =>
          JSON.stringify(await revenue()) ===
          JSON.stringify([
            ['ap', '5.00', 1],
            ['eu', '20.00', 1],
          ]),
        30_000,
        async () => JSON.stringify(await revenue()),
      );
      assert.deepEqual(await rows(eddy, 'SELECT length(big) FROM cdc_orders WHERE id = 1'), [[100000]]);
      // The source's tables are written by the source alone.
      await assert.rejects(eddy.execute('INSERT INTO cdc_customers VALUES (9, GGG)'));
      await assert.rejects(eddy.execute(`INSERT INTO cdc_customers VALUES (9, 'x')`), { code: '42809' });

      // A json value jsonb cannot hold (\u0000) is dead-lettered; the rest of the stream flows.
      await up.query(
        `INSERT INTO cdc_orders (id, customer, amount, note) VALUES (4, 1, 1, '{"a": "\\u0000"}'), (5, 1, 2, null)`,
      );
      await eventually(
        async () => (await rows(eddy, 'SELECT count(*) FROM shop1_dead_letters'))[0]![0] === 1,
        30_000,
        async () => JSON.stringify(await rows(eddy, 'SELECT * FROM shop1_dead_letters')),
      );
      const [dead] = await rows(
        eddy,
        "SELECT source, error_code, raw LIKE '%cdc_orders%' FROM shop1_dead_letters",
      );
      assert.deepEqual(dead, ['shop1', '22P05', true]);
      await eventually(
        async () => (await rows(eddy, 'SELECT count(*) FROM cdc_orders WHERE id = 5'))[0]![0] === 1,
        30_000,
        async () => 'row 5 missing',
      );

      // An added column is ignored (log line and metric); the views keep running.
      await up.query(
        'ALTER TABLE cdc_orders ADD COLUMN extra int; INSERT INTO cdc_orders (id, customer, amount, extra) VALUES (6, 2, 1, 1)',
      );
      await eventually(
        async () => (await rows(eddy, "SELECT n FROM cdc_revenue WHERE region = 'us'")).length === 1,
        30_000,
        async () => JSON.stringify(await revenue()),
      );
      assert.ok(
        logged.some((l) => l.includes('new column(s) "extra"')),
        logged.join(''),
      );
      const stats = (
        eddy as unknown as { sources: { stats(): { ignoredColumns?: number }[] } }
      ).sources.stats();
      assert.ok((stats[0]?.ignoredColumns ?? 0) >= 1);

      // TRUNCATE empties the Eddy table.
      await up.query('TRUNCATE cdc_customers');
      await eventually(
        async () => (await revenue()).length === 0,
        30_000,
        async () => JSON.stringify(await revenue()),
      );

      // The secret shows nowhere: SHOW SOURCES, EXPLAIN, errors, log lines.
      const shown = JSON.stringify([
        await rows(eddy, 'SHOW SOURCES'),
        await rows(eddy, 'SELECT * FROM pg_catalog.eddy_sources'),
        (await eddy.execute('EXPLAIN SELECT * FROM cdc_revenue')).map((r) => r.rows),
      ]);
      const duplicate = await eddy
        .execute(`CREATE SECRET shop_db1_pw AS '${secret}'`)
        .catch((e: Error) => e.message);
      assert.ok(
        !shown.includes(secret) && !String(duplicate).includes(secret) && !logged.join('').includes(secret),
      );

      // A dropped column that a view reads: the source stops with an error naming the column and the view.
      await up.query(
        'ALTER TABLE cdc_orders DROP COLUMN amount; INSERT INTO cdc_orders (id, customer) VALUES (7, 1)',
      );
      await eventually(
        async () => /"amount".*cdc_revenue/.test(String((await rows(eddy, 'SHOW SOURCES'))[0]![9])),
        30_000,
        async () => JSON.stringify(await rows(eddy, 'SHOW SOURCES')),
      );
      assert.equal((await rows(eddy, 'SHOW SOURCES'))[0]![3], 'retrying');

      // DROP SOURCE drops its tables and its slot upstream.
      await eddy.execute('DROP SOURCE shop1 CASCADE');
      await assert.rejects(eddy.query('SELECT * FROM cdc_orders'), { code: '42P01' });
      await eventually(
        async () => !(await slotExists(up, 'eddy_shop1')),
        30_000,
        async () => 'slot eddy_shop1 still there',
      );
    } finally {
      process.stderr.write = write;
      await eddy.close();
      await up.query(
        'SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1 AND NOT active',
        ['eddy_shop1'],
      );
      await up.end();
    }
  },
);

withService(
  'postgres',
  'PostgreSQL CDC: bad statements fail with clear errors, the server goes on',
  async (url) => {
    const eddy = await Eddy.open();
    try {
      await eddy.execute(connectionSql(url, 'bad_db', secret));
      await assert.rejects(
        eddy.execute('CREATE SOURCE bad FROM POSTGRES CONNECTION nowhere FOR TABLES (t)'),
        {
          code: '42704',
        },
      );
      await assert.rejects(
        eddy.execute('CREATE SOURCE bad FROM POSTGRES CONNECTION bad_db FOR TABLES (no_such_table)'),
        {
          code: '42P01',
        },
      );
      await assert.rejects(
        eddy.execute('CREATE SOURCE bad FROM POSTGRES CONNECTION bad_db (slots = 1) FOR TABLES (t)'),
        {
          code: '22023',
        },
      );
      await assert.rejects(
        eddy.execute(
          `CREATE CONNECTION c2 WITH (type = 'postgres', user = 'u', dbname = 'd', password = 'plain')`,
        ),
        { code: '22023' },
      );
      await assert.rejects(eddy.execute('DROP SECRET bad_db_pw'), { code: '2BP01' });
      await eddy.execute(
        `CREATE CONNECTION closed WITH (type = 'postgres', host = '127.0.0.1', port = 1, user = 'u', dbname = 'd')`,
      );
      await assert.rejects(eddy.execute('CREATE SOURCE bad FROM POSTGRES CONNECTION closed FOR TABLES (t)'), {
        code: '08006',
      });
      assert.deepEqual(await rows(eddy, 'SELECT 1'), [[1]]);
    } finally {
      await eddy.close();
    }
  },
);

withService(
  'postgres',
  'kill -9 of eddy serve mid-stream: every upstream transaction applied once, whole',
  async (url) => {
    const total = 3000;
    const up = await upstream(url);
    await up.query(`DROP TABLE IF EXISTS cdc_events, cdc_counter; DROP PUBLICATION IF EXISTS eddy_crash;
    CREATE TABLE cdc_events (id int, v int);
    ALTER TABLE cdc_events REPLICA IDENTITY FULL;
    CREATE TABLE cdc_counter (id int PRIMARY KEY, n int NOT NULL);
    INSERT INTO cdc_counter VALUES (1, 0)`);
    const dataDir = mkdtempSync(join(tmpdir(), 'eddy-pg-crash-'));
    let served = await startServe(dataDir);
    const logs = [served.stderr];
    try {
      let c = await client(served.pgPort);
      await c.query(connectionSql(url, 'crash_db', secret));
      await c.query(
        'CREATE SOURCE crash FROM POSTGRES CONNECTION crash_db FOR TABLES (cdc_events, cdc_counter)',
      );
      await c.query(
        'CREATE MATERIALIZED VIEW crash_totals AS SELECT count(*) AS n, sum(id) AS total FROM cdc_events',
      );
      await c.query(
        'CREATE MATERIALIZED VIEW crash_twice AS SELECT id FROM cdc_events GROUP BY id HAVING count(*) > 1',
      );
      await eventually(
        async () =>
          (await c.query("SELECT state FROM pg_catalog.eddy_sources WHERE source = 'crash'")).rows[0]
            ?.state === 'running',
        30_000,
        async () => JSON.stringify((await c.query('SHOW SOURCES')).rows),
      );
      // Each upstream transaction: one event and the counter's increment.
      const writing = (async () => {
        const w = await upstream(url);
        for (let i = 1; i <= total; i++)
          await w.query(
            `BEGIN; INSERT INTO cdc_events VALUES (${i}, 1); UPDATE cdc_counter SET n = n + 1; COMMIT`,
          );
        await w.end();
      })();
      const consistent = async (db: pg.Client): Promise<number> => {
        const r = (
          await db.query(
            'SELECT (SELECT count(*) FROM cdc_events) AS e, (SELECT coalesce(max(n), 0) FROM cdc_counter) AS n',
          )
        ).rows[0];
        assert.equal(Number(r.e), Number(r.n), 'both tables at the same upstream transaction');
        return Number(r.e);
      };
      await eventually(
        async () => (await consistent(c)) > total / 8,
        60_000,
        async () => `${await consistent(c)} applied`,
      );
      await c.end().catch(() => {});
      await kill(served.child);
      await writing;
      served = await startServe(dataDir);
      logs.push(served.stderr);
      c = await client(served.pgPort);
      try {
        await eventually(
          async () => (await consistent(c)) >= total,
          90_000,
          async () => `${await consistent(c)} of ${total} after the restart`,
        );
        assert.deepEqual((await c.query('SELECT n::int, total::int FROM crash_totals')).rows, [
          { n: total, total: (total * (total + 1)) / 2 },
        ]);
        assert.equal((await c.query('SELECT * FROM crash_twice')).rows.length, 0);
        // Confirmed upstream once durable: the slot's confirmed LSN reaches the source's position.
        const position = (
          await c.query("SELECT positions FROM pg_catalog.eddy_sources WHERE source = 'crash'")
        ).rows[0].positions;
        await eventually(
          async () =>
            (
              await up.query(
                "SELECT confirmed_flush_lsn >= $1::pg_lsn AS ok FROM pg_replication_slots WHERE slot_name = 'eddy_crash'",
                [position],
              )
            ).rows[0]?.ok === true,
          30_000,
          async () => `slot not confirmed up to ${position}`,
        );
        await c.query('DROP SOURCE crash CASCADE');
        await eventually(
          async () => !(await slotExists(up, 'eddy_crash')),
          30_000,
          async () => 'slot eddy_crash still there',
        );
        assert.ok(!logs.flat().join('').includes(secret));
      } finally {
        await c.end();
        await kill(served.child);
      }
    } finally {
      await up
        .query(
          "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = 'eddy_crash' AND NOT active",
        )
        .catch(() => {});
      await up.end();
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
);
