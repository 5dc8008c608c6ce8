/**
 * The Kafka source against a real broker (`npm run services`; skipped without EDDY_KAFKA_BROKERS
 * unless EDDY_REQUIRE_SERVICES=1): a view over a three-partition topic equals the produced data;
 * malformed, mistyped, incomplete, oversized and empty records are dead-lettered with their
 * SQLSTATE and counted in /metrics while the rest flow; the source's tables refuse writes and go
 * with DROP SOURCE; and `eddy serve --data-dir` killed with SIGKILL mid-stream and restarted
 * counts every record exactly once.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Eddy } from '../../src/eddy.ts';
import { serve } from '../../src/server/server.ts';
import { kill, startServe } from '../support/serve-process.ts';
import { withService } from '../support/services.ts';
import { createTopic, deleteTopic, eventually, produce, produceTransactions } from './kafka-support.ts';

async function client(port: number): Promise<pg.Client> {
  const c = new pg.Client({ host: '127.0.0.1', port, user: 'eddy', database: 'eddy' });
  await c.connect();
  return c;
}

async function one(c: pg.Client, sql: string): Promise<Record<string, unknown>> {
  return (await c.query(sql)).rows[0] as Record<string, unknown>;
}

withService(
  'kafka',
  'a Kafka source: rows into a view, bad records dead-lettered and counted',
  async (brokers) => {
    const partitions = 3;
    const topic = await createTopic(brokers, partitions);
    const good = Array.from({ length: 300 }, (_, i) =>
      JSON.stringify({ id: i, g: i % 5, name: `n${i}`, extra: true }),
    );
    const bad = [
      '{"id": 1,',
      '{"id": "not a number", "g": 1}',
      '{"g": 2, "name": "no id"}',
      JSON.stringify({ id: 7, g: 1, name: 'x'.repeat(500) }),
      '[1, 2]',
      null,
      '{"id": 8, "name": "nul \\u0000 inside"}',
      '{"id": "1\\u0000"}',
    ];
    await produce(brokers, topic, partitions, [...good.slice(0, 150), ...bad, ...good.slice(150)]);
    const server = await serve({ pgPort: 0, httpPort: 0 });
    const c = await client(server.pg.address().port);
    try {
      // One transaction: the source starts reading only once the view over it exists too.
      await c.query(
        `CREATE SOURCE s (id int NOT NULL, g int, name text)
           WITH (connector = 'kafka', topic = '${topic}', brokers = '${brokers}', start = 'earliest', max_record_bytes = 200)
           FORMAT PLAIN ENCODE JSON;
         CREATE MATERIALIZED VIEW v AS SELECT g, count(*) AS n, sum(id) AS total FROM s GROUP BY g`,
      );
      const count = async () => Number((await one(c, 'SELECT coalesce(sum(n), 0) AS n FROM v')).n);
      await eventually(
        async () =>
          (await count()) === 300 &&
          Number((await one(c, 'SELECT count(*) AS n FROM s_dead_letters')).n) === 8,
        30_000,
        async () => `view has ${await count()} rows`,
      );
      const { rows } = await c.query('SELECT g, n, total FROM v ORDER BY g');
      const expected = [0, 1, 2, 3, 4].map((g) => {
        const ids = Array.from({ length: 300 }, (_, i) => i).filter((i) => i % 5 === g);
        return { g, n: '60', total: String(ids.reduce((a, b) => a + b, 0)) };
      });
      assert.deepEqual(rows, expected);
      const dead = await c.query(
        'SELECT source, error_code, raw FROM s_dead_letters ORDER BY partition, "offset"',
      );
      assert.deepEqual(dead.rows.map((r) => r.error_code).sort(), [
        '22004',
        '22021',
        '22P02',
        '22P02',
        '22P02',
        '22P02',
        '23502',
        '54000',
      ]);
      assert.ok(dead.rows.every((r) => r.source === 's'));
      assert.ok(dead.rows.some((r) => r.raw === '{"id": 1,'));
      const offsets = await c.query('SELECT partition, next_offset FROM s_offsets ORDER BY partition');
      assert.deepEqual(
        offsets.rows.map((r) => Number(r.next_offset)),
        [0, 1, 2].map(
          (p) => Array.from({ length: 308 }, (_, i) => i).filter((i) => i % partitions === p).length,
        ),
      );
      const metrics = await (await fetch(`http://127.0.0.1:${server.http.address().port}/metrics`)).text();
      assert.match(metrics, /eddy_source_records_total\{source="s",connector="kafka"\} 300/);
      assert.match(metrics, /eddy_source_dead_letters_total\{source="s",connector="kafka"\} 8/);
      assert.match(metrics, /eddy_source_lag_records\{source="s",connector="kafka"\} 0/);

      const shown = await one(c, 'SHOW SOURCES');
      assert.deepEqual(
        { ...shown },
        {
          source: 's',
          connector: 'kafka',
          topic,
          state: 'running',
          positions: '0:103,1:103,2:102',
          lag: '0',
          records: '300',
          dead_letters: '8',
          read_errors: '0',
          last_error: null,
        },
      );

      // More records flow into the same view.
      await produce(brokers, topic, partitions, [JSON.stringify({ id: 1000, g: 0 })]);
      await eventually(
        async () => (await count()) === 301,
        30_000,
        async () => `view has ${await count()} rows`,
      );

      // The source and its tables are written by the connector alone.
      await assert.rejects(c.query('INSERT INTO s VALUES (1, 1, null)'), { code: '42809' });
      await assert.rejects(c.query('DELETE FROM s_dead_letters'), { code: '42809' });
      await assert.rejects(c.query('INSERT INTO s_offsets VALUES (0, 0)'), { code: '42809' });
      await assert.rejects(c.query('DROP TABLE s_offsets'), { code: '2BP01' });
      await assert.rejects(
        c.query(`CREATE SOURCE s2 (a int) WITH (connector = 'kafka', topic = 't', brokers = 'nowhere')`),
        { code: '22023' },
      );
      await assert.rejects(
        c.query(
          `CREATE SOURCE s2 (a int) WITH (connector = 'kafka', topic = 't', brokers = 'h:1', colour = 'red')`,
        ),
        { code: '22023' },
      );
      await assert.rejects(
        c.query(
          `CREATE SOURCE s2 (a int) WITH (connector = 'kafka', topic = 't', brokers = 'h:1') FORMAT PLAIN ENCODE CSV`,
        ),
        { code: '0A000' },
      );
      await c.query('DROP SOURCE s CASCADE');
      await assert.rejects(c.query('SELECT * FROM s_dead_letters'), { code: '42P01' });
    } finally {
      await c.end();
      await server.close();
    }
  },
);

withService(
  'kafka',
  'kill -9 of eddy serve mid-stream: after restart every record is counted exactly once',
  async (brokers) => {
    const partitions = 4;
    const total = 40_000;
    const topic = await createTopic(brokers, partitions);
    const dataDir = mkdtempSync(join(tmpdir(), 'eddy-kafka-crash-'));
    try {
      let served = await startServe(dataDir);
      let c = await client(served.pgPort);
      await c.query(
        `CREATE SOURCE s (id int NOT NULL) WITH (connector = 'kafka', topic = '${topic}', brokers = '${brokers}', poll_bytes = 65536)`,
      );
      await c.query('CREATE MATERIALIZED VIEW totals AS SELECT count(*) AS n, sum(id) AS total FROM s');
      await c.query('CREATE MATERIALIZED VIEW twice AS SELECT id FROM s GROUP BY id HAVING count(*) > 1');
      const records = Array.from({ length: total }, (_, i) => JSON.stringify({ id: i }));
      const producing = produce(brokers, topic, partitions, records);
      const counted = async (db: pg.Client) =>
        Number((await one(db, 'SELECT coalesce(max(n), 0) AS n FROM totals')).n);
      // Killed once part of the stream is in (and likely while a poll is on its way).
      await eventually(
        async () => (await counted(c)) > total / 8,
        60_000,
        async () => `${await counted(c)} counted`,
      );
      await c.end().catch(() => {});
      await kill(served.child);
      await producing;
      served = await startServe(dataDir);
      c = await client(served.pgPort);
      try {
        await eventually(
          async () => (await counted(c)) >= total,
          90_000,
          async () => `${await counted(c)} of ${total} counted after the restart`,
        );
        const totals = await one(c, 'SELECT n, total FROM totals');
        assert.deepEqual(totals, { n: String(total), total: String((total * (total - 1)) / 2) });
        assert.equal((await c.query('SELECT * FROM twice')).rows.length, 0);
      } finally {
        await c.end();
        await kill(served.child);
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
);

withService('kafka', 'the library runs Kafka sources too, from `start = latest`', async (brokers) => {
  const topic = await createTopic(brokers, 2);
  await produce(brokers, topic, 2, [JSON.stringify({ a: -1 }), JSON.stringify({ a: -2 })]);
  const eddy = await Eddy.open();
  try {
    await eddy.execute(
      `CREATE SOURCE s (a int) WITH (connector = 'kafka', topic = '${topic}', brokers = '${brokers}', start = 'latest');
       CREATE MATERIALIZED VIEW m AS SELECT count(*) AS n, sum(a) AS total FROM s`,
    );
    // The positions are recorded before anything is read: records produced from now on are read.
    await eventually(
      async () => (await eddy.query('SELECT count(*) AS n FROM s_offsets')).rows[0]![0] === 2,
      30_000,
      async () => 'no positions recorded',
    );
    await produce(
      brokers,
      topic,
      2,
      [1, 2, 3, 4].map((a) => JSON.stringify({ a })),
    );
    const totals = async () => (await eddy.query('SELECT n, total FROM m')).rows[0];
    await eventually(
      async () => (await totals())?.[0] === 4,
      30_000,
      async () => JSON.stringify(await totals()),
    );
    assert.deepEqual(await totals(), [4, 10]);
  } finally {
    await eddy.close();
  }
});

withService(
  'kafka',
  'records of aborted Kafka transactions are not read, committed ones are',
  async (brokers) => {
    const topic = await createTopic(brokers, 1);
    const json = (...as: number[]) => as.map((a) => JSON.stringify({ a }));
    await produceTransactions(brokers, topic, [
      { values: json(1, 2), commit: true },
      { values: json(100, 200), commit: false },
      { values: json(3), commit: true },
    ]);
    await produce(brokers, topic, 1, json(4));
    const eddy = await Eddy.open();
    try {
      await eddy.execute(
        `CREATE SOURCE s (a int) WITH (connector = 'kafka', topic = '${topic}', brokers = '${brokers}');
       CREATE MATERIALIZED VIEW m AS SELECT count(*) AS n, sum(a) AS total FROM s`,
      );
      const totals = async () => (await eddy.query('SELECT n, total FROM m')).rows[0];
      // Records 0-1, marker 2, aborted 3-4, marker 5, record 6, marker 7, the plain record 8.
      const next = async () => (await eddy.query('SELECT next_offset FROM s_offsets')).rows[0]?.[0];
      await eventually(
        async () => (await next()) === 9,
        30_000,
        async () => `next offset ${await next()}`,
      );
      assert.deepEqual(await totals(), [4, 10]);
    } finally {
      await eddy.close();
    }
  },
);

withService(
  'kafka',
  'a topic re-created under the source: positions out of range, shown, retried',
  async (brokers) => {
    const topic = await createTopic(brokers, 1);
    await produce(brokers, topic, 1, ['{"a": 1}', '{"a": 2}', '{"a": 3}']);
    const eddy = await Eddy.open();
    try {
      await eddy.execute(
        `CREATE SOURCE s (a int) WITH (connector = 'kafka', topic = '${topic}', brokers = '${brokers}')`,
      );
      const shown = async () =>
        (await eddy.query('SELECT state, positions, last_error FROM pg_catalog.eddy_sources')).rows[0];
      await eventually(
        async () => (await shown())?.[1] === '0:3',
        30_000,
        async () => JSON.stringify(await shown()),
      );
      await deleteTopic(brokers, topic);
      // Deleting a topic completes in the background; the new one may take a few tries to create.
      await eventually(
        async () =>
          createTopic(brokers, 1, topic).then(
            () => true,
            () => false,
          ),
        30_000,
        async () => `could not re-create ${topic}`,
      );
      // First the stale topic id is refused, then (with fresh metadata) the position itself.
      const outOfRange = async () => {
        const row = await shown();
        return row?.[0] === 'retrying' && /not within the range of offsets/.test(String(row?.[2]));
      };
      await eventually(outOfRange, 30_000, async () => JSON.stringify(await shown()));
      assert.equal((await shown())?.[1], '0:3');
      // Nothing is read twice or skipped silently: the source waits at its position.
      assert.deepEqual((await eddy.query('SELECT count(*) FROM s_dead_letters')).rows, [[0]]);
    } finally {
      await eddy.close();
    }
  },
);
