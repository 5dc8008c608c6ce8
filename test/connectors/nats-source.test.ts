/**
 * The NATS JetStream source against a real nats-server (`npm run services`; skipped without
 * EDDY_NATS_URL unless EDDY_REQUIRE_SERVICES=1): a view over a stream equals the published data;
 * malformed, mistyped, incomplete, oversized and non-UTF-8 messages are dead-lettered with their
 * SQLSTATE and stream sequence and counted while the rest flow; `start = 'latest'` and messages
 * removed before they were read; and `eddy serve --data-dir` killed with SIGKILL mid-stream and
 * restarted counts every message exactly once.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { serve } from '../../src/server/server.ts';
import { withService } from '../support/services.ts';
import { createStream, deleteStream, publish } from './nats-support.ts';
import { client, eventually, kill, one, startServe } from './serve-support.ts';

withService(
  'nats',
  'a NATS source: rows into a view, bad messages dead-lettered and counted',
  async (url) => {
    const stream = await createStream(url);
    const good = Array.from({ length: 200 }, (_, i) =>
      JSON.stringify({ id: i, g: i % 4, name: `n${i}`, more: 1 }),
    );
    const bad: (string | Uint8Array)[] = [
      '{"id": 1,',
      '{"id": "not a number", "g": 1}',
      '{"g": 2, "name": "no id"}',
      JSON.stringify({ id: 7, g: 1, name: 'x'.repeat(500) }),
      '[1, 2]',
      new Uint8Array([
        0x7b, 0x22, 0x69, 0x64, 0x22, 0x3a, 0x31, 0x2c, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d,
      ]),
      '{"id": 8, "name": "nul \\u0000 inside"}',
    ];
    await publish(url, stream, [...good.slice(0, 100), ...bad, ...good.slice(100)]);
    const server = await serve({ pgPort: 0, httpPort: 0 });
    const c = await client(server.pg.address().port);
    try {
      await c.query(
        `CREATE SOURCE s (id int NOT NULL, g int, name text)
         WITH (connector = 'nats', servers = '${url}', stream = '${stream}', max_record_bytes = 200, poll_messages = 64)
         FORMAT PLAIN ENCODE JSON;
       CREATE MATERIALIZED VIEW v AS SELECT g, count(*) AS n, sum(id) AS total FROM s GROUP BY g`,
      );
      const count = async () => Number((await one(c, 'SELECT coalesce(sum(n), 0) AS n FROM v')).n);
      await eventually(
        async () =>
          (await count()) === 200 &&
          Number((await one(c, 'SELECT count(*) AS n FROM s_dead_letters')).n) === 7,
        30_000,
        async () => `view has ${await count()} rows`,
      );
      const { rows } = await c.query('SELECT g, n, total FROM v ORDER BY g');
      assert.deepEqual(
        rows,
        [0, 1, 2, 3].map((g) => ({
          g,
          n: '50',
          total: String(
            Array.from({ length: 200 }, (_, i) => i)
              .filter((i) => i % 4 === g)
              .reduce((a, b) => a + b, 0),
          ),
        })),
      );
      const dead = await c.query(
        'SELECT partition, "offset", error_code FROM s_dead_letters ORDER BY "offset"',
      );
      assert.deepEqual(
        dead.rows.map((r) => [r.partition, Number(r.offset), r.error_code]),
        [
          [0, 101, '22P02'],
          [0, 102, '22P02'],
          [0, 103, '23502'],
          [0, 104, '54000'],
          [0, 105, '22P02'],
          [0, 106, '22021'],
          [0, 107, '22021'],
        ],
      );
      assert.deepEqual(await one(c, 'SELECT * FROM s_offsets'), { partition: 0, next_offset: '208' });
      const shown = await one(
        c,
        "SELECT connector, topic, state, positions, records, dead_letters FROM pg_catalog.eddy_sources WHERE source = 's'",
      );
      assert.deepEqual(shown, {
        connector: 'nats',
        topic: stream,
        state: 'running',
        positions: '0:208',
        records: '200',
        dead_letters: '7',
      });
      const metrics = await (await fetch(`http://127.0.0.1:${server.http.address().port}/metrics`)).text();
      assert.match(metrics, /eddy_source_dead_letters_total\{source="s",connector="nats"\} 7/);
      assert.match(metrics, /eddy_source_records_total\{source="s",connector="nats"\} 200/);
      // Bad options are refused when the source is created.
      await assert.rejects(
        c.query(`CREATE SOURCE t (a int) WITH (connector = 'nats', servers = '${url}')`),
        (e: Error & { code?: string }) => e.code === '22023' && /stream/.test(e.message),
      );
      await assert.rejects(
        c.query(
          `CREATE SOURCE t (a int) WITH (connector = 'nats', servers = '${url}', stream = 'x', max_ack_pending = 5)`,
        ),
        (e: Error & { code?: string }) => e.code === '22023',
      );
    } finally {
      await c.end();
      await server.close();
      await deleteStream(url, stream);
    }
  },
);

withService(
  'nats',
  "start = 'latest'; messages removed before they were read stop the source",
  async (url) => {
    const stream = await createStream(url);
    await publish(url, stream, ['{"a": -1}', '{"a": -2}']);
    const dataDir = mkdtempSync(join(tmpdir(), 'eddy-nats-latest-'));
    try {
      let served = await startServe(dataDir);
      let c = await client(served.pgPort);
      await c.query(
        `CREATE SOURCE s (a int) WITH (connector = 'nats', servers = '${url}', stream = '${stream}', start = 'latest');
       CREATE MATERIALIZED VIEW m AS SELECT count(*) AS n, sum(a) AS total FROM s`,
      );
      const next = async () => (await c.query('SELECT next_offset FROM s_offsets')).rows[0]?.next_offset;
      await eventually(
        async () => (await next()) === '3',
        30_000,
        async () => `next ${await next()}`,
      );
      await publish(url, stream, ['{"a": 1}', '{"a": 2}', '{"a": 3}']);
      const totals = async () => await one(c, 'SELECT n, total FROM m');
      await eventually(
        async () => (await totals())?.n === '3',
        30_000,
        async () => JSON.stringify(await totals()),
      );
      assert.deepEqual(await totals(), { n: '3', total: '6' });
      await c.end();
      await kill(served.child);
      // Sequences 6 and 7 are published and purged while Eddy is down: they are never skipped silently.
      await publish(url, stream, ['{"a": 4}', '{"a": 5}']);
      const nc = await connect({ servers: url });
      await (await jetstreamManager(nc)).streams.purge(stream);
      await nc.close();
      served = await startServe(dataDir);
      c = await client(served.pgPort);
      try {
        const shown = async () =>
          await one(c, "SELECT state, positions, last_error FROM pg_catalog.eddy_sources WHERE source = 's'");
        await eventually(
          async () => (await shown())?.state === 'retrying',
          30_000,
          async () => JSON.stringify(await shown()),
        );
        const row = await shown();
        assert.equal(row.positions, '0:6');
        assert.match(String(row.last_error), /no longer has sequence 6 \(its first is 8\)/);
        assert.deepEqual(await totals(), { n: '3', total: '6' });
      } finally {
        await c.end();
        await kill(served.child);
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
      await deleteStream(url, stream);
    }
  },
);

withService(
  'nats',
  'kill -9 of eddy serve mid-stream: after restart every message is counted exactly once',
  async (url) => {
    const total = 40_000;
    const stream = await createStream(url);
    const dataDir = mkdtempSync(join(tmpdir(), 'eddy-nats-crash-'));
    try {
      let served = await startServe(dataDir);
      let c = await client(served.pgPort);
      await c.query(
        `CREATE SOURCE s (id int NOT NULL) WITH (connector = 'nats', servers = '${url}', stream = '${stream}', poll_messages = 500)`,
      );
      await c.query('CREATE MATERIALIZED VIEW totals AS SELECT count(*) AS n, sum(id) AS total FROM s');
      await c.query('CREATE MATERIALIZED VIEW twice AS SELECT id FROM s GROUP BY id HAVING count(*) > 1');
      const publishing = publish(
        url,
        stream,
        Array.from({ length: total }, (_, i) => JSON.stringify({ id: i })),
      );
      const counted = async (db: typeof c) =>
        Number((await one(db, 'SELECT coalesce(max(n), 0) AS n FROM totals')).n);
      await eventually(
        async () => (await counted(c)) > total / 8,
        60_000,
        async () => `${await counted(c)} counted`,
      );
      await c.end().catch(() => {});
      await kill(served.child);
      await publishing;
      served = await startServe(dataDir);
      c = await client(served.pgPort);
      try {
        await eventually(
          async () => (await counted(c)) >= total,
          90_000,
          async () => `${await counted(c)} of ${total} counted after the restart`,
        );
        assert.deepEqual(await one(c, 'SELECT n, total FROM totals'), {
          n: String(total),
          total: String((total * (total - 1)) / 2),
        });
        assert.equal((await c.query('SELECT * FROM twice')).rows.length, 0);
        assert.deepEqual(await one(c, 'SELECT next_offset FROM s_offsets'), {
          next_offset: String(total + 1),
        });
      } finally {
        await c.end();
        await kill(served.child);
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
      await deleteStream(url, stream);
    }
  },
);
