/**
 * The Kafka source's UPSERT and DEBEZIUM envelopes against a real broker (`npm run services`;
 * skipped without EDDY_KAFKA_BROKERS unless EDDY_REQUIRE_SERVICES=1): a keyed source keeps the
 * latest row per key, a tombstone or a delete event removes it, and an update retracts the old
 * row, so a count and sum over the source equal what the topic says now; bad records (no key, bad
 * JSON, an unknown Debezium op, a delete without its row) are dead-lettered while the rest flow.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { Eddy } from '../../src/eddy.ts';
import { serve } from '../../src/server/server.ts';
import { withService } from '../support/services.ts';
import { createTopic, eventually } from './kafka-support.ts';
import { client, produceRecords, rows } from './support/kafka-records.ts';

async function until(c: pg.Client, sql: string, expected: unknown[], what: string): Promise<void> {
  let seen: unknown[] = [];
  await eventually(
    async () => {
      seen = await rows(c, sql);
      return JSON.stringify(seen) === JSON.stringify(expected);
    },
    30_000,
    async () => `${what}: ${JSON.stringify(seen)}, expected ${JSON.stringify(expected)}`,
  );
}

withService(
  'kafka',
  'FORMAT UPSERT: the latest value per key, tombstones delete, updates retract',
  async (brokers) => {
    const topic = await createTopic(brokers, 1);
    await produceRecords(brokers, topic, [
      { key: 'a', value: '{"v": 1}' },
      { key: 'b', value: '{"v": 2}' },
      { key: 'a', value: '{"v": 10, "k": "ignored: the key wins"}' },
      { key: 'c', value: '{"v": 3}' },
      { key: 'b', value: null },
      { value: '{"v": 5}' },
      { key: 'd', value: 'not json' },
      { key: 'e', value: '{"v": "five"}' },
    ]);
    const server = await serve({ pgPort: 0, httpPort: 0 });
    const c = await client(server.pg.address().port);
    try {
      await c.query(
        `CREATE SOURCE u (k text, v int, PRIMARY KEY (k))
         WITH (connector = 'kafka', topic = '${topic}', brokers = '${brokers}', include.key = 'k')
         FORMAT UPSERT ENCODE JSON;
       CREATE MATERIALIZED VIEW totals AS SELECT count(*) AS n, sum(v) AS total FROM u`,
      );
      await until(c, 'SELECT n, total FROM totals', [{ n: '2', total: '13' }], 'totals');
      assert.deepEqual(await rows(c, 'SELECT k, v FROM u ORDER BY k'), [
        { k: 'a', v: 10 },
        { k: 'c', v: 3 },
      ]);
      assert.deepEqual(await rows(c, 'SELECT "offset", error_code FROM u_dead_letters ORDER BY "offset"'), [
        { offset: '5', error_code: '23502' },
        { offset: '6', error_code: '22P02' },
        { offset: '7', error_code: '22P02' },
      ]);
      await produceRecords(brokers, topic, [
        { key: 'a', value: null },
        { key: 'c', value: '{"v": 4}' },
        { key: 'zz', value: null },
      ]);
      await until(c, 'SELECT n, total FROM totals', [{ n: '1', total: '4' }], 'totals after tombstones');
      assert.deepEqual(await rows(c, 'SELECT k, v FROM u'), [{ k: 'c', v: 4 }]);
      await assert.rejects(c.query('INSERT INTO u VALUES ($1, 1)', ['x']), { code: '42809' });
    } finally {
      await c.end();
      await server.close();
    }
  },
);

withService(
  'kafka',
  'a keyed source comes back from its data directory: later updates still retract',
  async (brokers) => {
    const topic = await createTopic(brokers, 1);
    const dir = mkdtempSync(join(tmpdir(), 'eddy-upsert-restart-'));
    const totals = async (eddy: Eddy) => (await eddy.query('SELECT n, total FROM totals')).rows[0];
    const until = async (eddy: Eddy, expected: unknown[]) =>
      eventually(
        async () => JSON.stringify(await totals(eddy)) === JSON.stringify(expected),
        30_000,
        async () => `${JSON.stringify(await totals(eddy))}, expected ${JSON.stringify(expected)}`,
      );
    try {
      await produceRecords(
        brokers,
        topic,
        ['a', 'b', 'c'].map((k, i) => ({ key: k, value: JSON.stringify({ v: i + 1 }) })),
      );
      let eddy = await Eddy.open({ dir });
      try {
        await eddy.execute(
          `CREATE SOURCE u (k text, v int, PRIMARY KEY (k))
           WITH (connector = 'kafka', topic = '${topic}', brokers = '${brokers}', include.key = 'k')
           FORMAT UPSERT ENCODE JSON;
         CREATE MATERIALIZED VIEW totals AS SELECT count(*) AS n, sum(v) AS total FROM u`,
        );
        await until(eddy, [3, 6]);
      } finally {
        await eddy.close();
      }
      await produceRecords(brokers, topic, [
        { key: 'a', value: '{"v": 100}' },
        { key: 'b', value: null },
      ]);
      eddy = await Eddy.open({ dir });
      try {
        await until(eddy, [2, 103]);
        assert.deepEqual((await eddy.query('SELECT k, v FROM u ORDER BY k')).rows, [
          ['a', 100],
          ['c', 3],
        ]);
      } finally {
        await eddy.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

const row = (id: number, name: string, amount: number) => ({ id, name, amount });

withService(
  'kafka',
  'FORMAT DEBEZIUM: c, r, u and d events; an unknown op is dead-lettered',
  async (brokers) => {
    const topic = await createTopic(brokers, 1);
    const event = (op: string, before: unknown, after: unknown) =>
      JSON.stringify({ before, after, op, ts_ms: 1 });
    await produceRecords(brokers, topic, [
      { value: event('r', null, row(1, 'ann', 10)) },
      { value: event('c', null, row(2, 'bob', 20)) },
      { value: event('c', null, row(3, 'cy', 30)) },
      { value: event('u', row(2, 'bob', 20), row(2, 'bob', 25)) },
      // A delete under REPLICA IDENTITY DEFAULT: only the key in "before".
      { value: event('d', { id: 3, name: null, amount: null }, null) },
      { value: null },
      { value: JSON.stringify({ schema: {}, payload: JSON.parse(event('u', null, row(1, 'ann', 11))) }) },
      { value: event('x', null, row(4, 'dee', 40)) },
      { value: event('d', null, null) },
      { value: event('c', null, { id: 5, name: 'eve', amount: 'lots' }) },
      // The key changes: the old key's row goes.
      { value: event('u', row(2, 'bob', 25), row(20, 'bob', 26)) },
    ]);
    const server = await serve({ pgPort: 0, httpPort: 0 });
    const c = await client(server.pg.address().port);
    try {
      await c.query(
        `CREATE SOURCE d (id int, name text, amount int, PRIMARY KEY (id))
         WITH (connector = 'kafka', topic = '${topic}', brokers = '${brokers}')
         FORMAT DEBEZIUM ENCODE JSON;
       CREATE MATERIALIZED VIEW totals AS SELECT count(*) AS n, sum(amount) AS total FROM d`,
      );
      await until(c, 'SELECT n, total FROM totals', [{ n: '2', total: '37' }], 'totals');
      assert.deepEqual(await rows(c, 'SELECT id, name, amount FROM d ORDER BY id'), [
        row(1, 'ann', 11),
        row(20, 'bob', 26),
      ]);
      const dead = await rows(
        c,
        'SELECT "offset", error_code, error_message FROM d_dead_letters ORDER BY "offset"',
      );
      assert.deepEqual(
        dead.map((d) => [d.offset, d.error_code]),
        [
          ['7', '22P02'],
          ['8', '22004'],
          ['9', '22P02'],
        ],
      );
      assert.match(String(dead[0]!.error_message), /op "x" is not c, r, u or d/);
    } finally {
      await c.end();
      await server.close();
    }
  },
);

withService('kafka', 'formats refused at CREATE SOURCE: what each needs is said', async (brokers) => {
  const server = await serve({ pgPort: 0, httpPort: 0 });
  const c = await client(server.pg.address().port);
  const kafka = `connector = 'kafka', topic = 't', brokers = '${brokers}'`;
  try {
    const refused: [string, string][] = [
      [`(k text, v int, PRIMARY KEY (k)) WITH (${kafka}) FORMAT UPSERT ENCODE JSON`, '22023'],
      [`(k text, v int) WITH (${kafka}, include.key = 'k') FORMAT UPSERT ENCODE JSON`, '42P10'],
      [`(id int, v int) WITH (${kafka}) FORMAT DEBEZIUM ENCODE JSON`, '42P10'],
      [`(k text, v int, PRIMARY KEY (k)) WITH (${kafka}, include.key = 'k')`, '0A000'],
      [`(v int) WITH (${kafka}) FORMAT PLAIN ENCODE AVRO`, '22023'],
      [`(v int) WITH (${kafka}) FORMAT PLAIN ENCODE AVRO (schema.registry = 'ftp://x')`, '22023'],
      [
        `(v int) WITH (${kafka}) FORMAT PLAIN ENCODE PROTOBUF (message = 'a.B', schema.location = '/nonexistent.proto')`,
        '22023',
      ],
      [`(a text, b text) WITH (${kafka}) FORMAT PLAIN ENCODE TEXT`, '42804'],
      [`(a text) WITH (${kafka}) FORMAT PLAIN ENCODE BYTES`, '42804'],
      [`(a text, t text) WITH (${kafka}, include.timestamp = 't') FORMAT PLAIN ENCODE TEXT`, '42804'],
      [`(a text) WITH (${kafka}, include.colour = 'a')`, '22023'],
      [`(a text) WITH (${kafka}, include.key = 'nope')`, '42703'],
      [`(a text) WITH (${kafka}) FORMAT PLAIN ENCODE CSV`, '0A000'],
      [`(a text) WITH (${kafka}, start = 'yesterday')`, '22023'],
      // A keyed source updates and deletes rows: it cannot have a watermark (which needs append-only).
      [
        `(k text, ts timestamp, PRIMARY KEY (k), WATERMARK FOR ts AS ts - INTERVAL '1 second') WITH (${kafka}, include.key = 'k') FORMAT UPSERT ENCODE JSON`,
        '0A000',
      ],
    ];
    for (const [rest, code] of refused)
      await assert.rejects(c.query(`CREATE SOURCE s ${rest}`), { code }, `${rest} should fail with ${code}`);
    await assert.rejects(
      c.query(`CREATE SOURCE s (a text) WITH (connector = 'file', path = '/tmp/x') FORMAT PLAIN ENCODE TEXT`),
      { code: '0A000' },
    );
  } finally {
    await c.end();
    await server.close();
  }
});
