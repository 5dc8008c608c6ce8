/**
 * Per-partition watermarks of a Kafka source against a real broker (`npm run services`; skipped
 * without EDDY_KAFKA_BROKERS unless EDDY_REQUIRE_SERVICES=1): each partition keeps its own row in
 * `<source>_watermarks` and the source's watermark is the least; a partition that brought nothing
 * yet holds it at -infinity; without an idle timeout a silent partition holds it back, with
 * `watermark_idle_timeout_ms` it stops doing so once idle, and rows behind the watermark go to
 * `<source>_late`. Idleness is processing time: the test waits past the timeout, never less.
 */
import assert from 'node:assert/strict';
import { Producer } from '@platformatic/kafka';
import { Eddy } from '../../src/eddy.ts';
import { withService } from '../support/services.ts';
import { createTopic, deleteTopic, eventually } from './kafka-support.ts';

const at = (seconds: number) => `2024-01-01T00:00:${String(seconds).padStart(2, '0')}Z`;
const micros = (seconds: number) => Date.parse(at(seconds)) * 1000;

async function send(
  brokers: string,
  topic: string,
  records: readonly [number, number, number][],
): Promise<void> {
  const producer = new Producer({ clientId: 'eddy-test-producer', bootstrapBrokers: [brokers] });
  try {
    const messages = records.map(([partition, id, seconds]) => ({
      topic,
      partition,
      value: Buffer.from(JSON.stringify({ id, ts: at(seconds) })),
    }));
    await producer.send({ messages });
  } finally {
    await producer.close();
  }
}

async function watermarks(db: Eddy): Promise<string[]> {
  return (await db.query('SELECT partition, watermark FROM s_watermarks ORDER BY partition')).rows.map(
    ([p, w]) => `${p}:${w === Number.NEGATIVE_INFINITY ? '-inf' : ((w as number) - micros(0)) / 1e6}`,
  );
}

async function rowsIn(db: Eddy, relation: string): Promise<number> {
  return Number((await db.query(`SELECT count(*) FROM ${relation}`)).rows[0]![0]);
}

async function openSource(brokers: string, topic: string, idle: string): Promise<Eddy> {
  const db = await Eddy.open();
  await db.execute(
    `CREATE SOURCE s (id int, ts timestamp, WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
       WITH (connector = 'kafka', topic = '${topic}', brokers = '${brokers}', poll_wait_ms = 50${idle})
       FORMAT PLAIN ENCODE JSON;
     CREATE MATERIALIZED VIEW v AS SELECT id FROM s`,
  );
  return db;
}

withService('kafka', 'a Kafka source keeps a watermark per partition; the least holds', async (brokers) => {
  const topic = await createTopic(brokers, 3);
  const db = await openSource(brokers, topic, '');
  try {
    await send(brokers, topic, [
      [0, 1, 20],
      [1, 2, 10],
    ]);
    await eventually(
      async () => (await rowsIn(db, 'v')) === 2,
      30_000,
      async () => `${await rowsIn(db, 'v')} rows`,
    );
    // Partition 2 brought nothing: it holds the source's watermark at -infinity, so nothing is late.
    assert.deepEqual(await watermarks(db), ['0:19', '1:9', '2:-inf']);
    await send(brokers, topic, [
      [2, 3, 15],
      [0, 4, 30],
    ]);
    await eventually(
      async () => (await rowsIn(db, 'v')) === 4,
      30_000,
      async () => `${await rowsIn(db, 'v')} rows`,
    );
    // The least is partition 1's, 9 s: a row at 8 s (on any partition) is late; one at 12 s is not.
    assert.deepEqual(await watermarks(db), ['0:29', '1:9', '2:14']);
    await send(brokers, topic, [
      [0, 5, 8],
      [2, 6, 12],
    ]);
    await eventually(
      async () => (await rowsIn(db, 'v')) + (await rowsIn(db, 's_late')) === 6,
      30_000,
      async () => `${await rowsIn(db, 'v')} rows, ${await rowsIn(db, 's_late')} late`,
    );
    assert.deepEqual((await db.query('SELECT id FROM s_late')).rows, [[5]]);
    assert.deepEqual(await watermarks(db), ['0:29', '1:9', '2:14']);
  } finally {
    await db.close();
    await deleteTopic(brokers, topic);
  }
});

withService(
  'kafka',
  'an idle partition stops holding the watermark back after the idle timeout',
  async (brokers) => {
    const topic = await createTopic(brokers, 2);
    const db = await openSource(brokers, topic, ', watermark_idle_timeout_ms = 500');
    try {
      await send(brokers, topic, [
        [0, 1, 20],
        [1, 2, 10],
      ]);
      await eventually(
        async () => (await rowsIn(db, 'v')) === 2,
        30_000,
        async () => `${await rowsIn(db, 'v')} rows`,
      );
      // Partition 1 stays silent for longer than the timeout; partition 0's next rows find it idle.
      await new Promise((r) => setTimeout(r, 1000));
      await send(brokers, topic, [[0, 3, 40]]);
      await eventually(
        async () => (await rowsIn(db, 'v')) === 3,
        30_000,
        async () => `${await rowsIn(db, 'v')} rows`,
      );
      assert.deepEqual(await watermarks(db), ['0:39', '1:39']);
      // Back from idleness, partition 1's rows behind the watermark are late, as any.
      await send(brokers, topic, [
        [1, 4, 11],
        [1, 5, 45],
      ]);
      await eventually(
        async () => (await rowsIn(db, 'v')) + (await rowsIn(db, 's_late')) === 5,
        30_000,
        async () => `${await rowsIn(db, 'v')} rows, ${await rowsIn(db, 's_late')} late`,
      );
      assert.deepEqual((await db.query('SELECT id FROM s_late')).rows, [[4]]);
      // Partition 0 may have gone idle meanwhile too (then it followed partition 1 to 44).
      assert.equal((await watermarks(db))[1], '1:44');
    } finally {
      await db.close();
      await deleteTopic(brokers, topic);
    }
  },
);
