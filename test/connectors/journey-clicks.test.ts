/**
 * Journey 2 of DESIGN.md, clickstream to metrics, against the real Kafka of `npm run services`
 * (skipped without EDDY_KAFKA_BROKERS unless EDDY_REQUIRE_SERVICES=1), all in SQL over
 * `eddy serve --data-dir`: JSON page views on a three-partition topic with a watermark, a view
 * counting views per page per minute (`TUMBLE`, `EMIT ON WINDOW CLOSE`), and an append-only,
 * exactly-once Kafka sink publishing each final window to another topic. Events come in batches,
 * some of them late; Eddy is killed with SIGKILL after some windows were sunk and started again on
 * the same data directory; the rest of the events close every window. A read_committed reader
 * then finds each window once, with the count the test computes from the on-time events it
 * produced, and the late events are in `clicks_late`, every one of them and nothing else.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Producer } from '@platformatic/kafka';
import { withService } from '../support/services.ts';
import { createTopic, deleteTopic, eventually, readSunkTopic } from './kafka-support.ts';
import { client, exited, kill, type Served, startServe } from './sink-support.ts';

const PARTITIONS = 3;
const PAGES = ['/', '/cart', '/checkout', '/docs', '/pricing'];
const base = Date.parse('2024-05-01T12:00:00Z');

interface Click {
  readonly id: number;
  readonly page: string;
  /** Milliseconds after `base`. */
  readonly at: number;
  readonly partition: number;
}

/** PostgreSQL's text form of a `timestamp` (as the HTTP API and the Kafka sink encode it). */
const text = (ms: number) => new Date(base + ms).toISOString().replace('T', ' ').replace('.000Z', '');

async function send(brokers: string, topic: string, clicks: readonly Click[]): Promise<void> {
  const producer = new Producer({ clientId: 'eddy-journey2', bootstrapBrokers: [brokers] });
  try {
    const messages = clicks.map((c) => ({
      topic,
      partition: c.partition,
      value: Buffer.from(JSON.stringify({ id: c.id, page: c.page, ts: text(c.at) })),
    }));
    for (let from = 0; from < messages.length; from += 500)
      await producer.send({ messages: messages.slice(from, from + 500) });
  } finally {
    await producer.close();
  }
}

/**
 * On-time clicks from `from` to `to` ms, `n` of them, in time order, round-robin over the
 * partitions: each partition's event times never go back, so none is behind its own watermark,
 * hence none behind the least of them.
 */
function onTime(first: number, n: number, from: number, to: number): Click[] {
  return Array.from({ length: n }, (_, i) => ({
    id: first + i,
    page: PAGES[(i * 7 + (i >> 3)) % PAGES.length]!,
    at: from + Math.floor(((to - from) * i) / n),
    partition: i % PARTITIONS,
  }));
}

/** `eddy_late_rows_total` of `clicks` in the server's /metrics (counted since it started). */
async function lateCounted(served: Served): Promise<number> {
  const metrics = await (await fetch(`${served.http}/metrics`)).text();
  return Number(/^eddy_late_rows_total\{relation="clicks"\} (\d+)$/m.exec(metrics)?.[1] ?? 0);
}

interface Sunk {
  readonly value: Record<string, unknown>;
  readonly step: number;
}

/** Every committed record of `topic` (read_committed), its JSON value parsed, with its step. */
async function readTopic(brokers: string, topic: string): Promise<Sunk[]> {
  return (await readSunkTopic(brokers, topic)).map((r) => ({ value: JSON.parse(r.value!), step: r.step }));
}

withService(
  'kafka',
  'journey 2: clickstream → per-minute windows → Kafka, exact across kill -9',
  async (brokers) => {
    const input = await createTopic(brokers, PARTITIONS);
    const output = await createTopic(brokers, 1);
    const dir = mkdtempSync(join(tmpdir(), 'eddy-journey2-'));
    const minute = 60_000;
    const produced: Click[] = [];
    const late: Click[] = [];
    let served: Served = await startServe(dir);
    let c = await client(served.pgPort);
    try {
      await c.query(`CREATE SOURCE clicks (id bigint, page text, ts timestamp,
        WATERMARK FOR ts AS ts - INTERVAL '5 seconds')
      WITH (connector = 'kafka', topic = '${input}', brokers = '${brokers}', poll_wait_ms = 50)
      FORMAT PLAIN ENCODE JSON;
      CREATE MATERIALIZED VIEW page_views AS
        SELECT page, window_start, window_end, count(*) AS views
        FROM TUMBLE(clicks, ts, INTERVAL '1' MINUTE)
        GROUP BY page, window_start, window_end
        EMIT ON WINDOW CLOSE;
      CREATE SINK page_views_out FROM page_views
        WITH (connector = 'kafka', brokers = '${brokers}', topic = '${output}')
        FORMAT PLAIN ENCODE JSON`);
      const watermarks = async (db: typeof c) =>
        JSON.stringify(
          (await db.query('SELECT partition, watermark::text AS w FROM clicks_watermarks')).rows,
        );
      // Until the least partition watermark has reached `ms`.
      const reached = (db: typeof c, ms: number) =>
        eventually(
          async () =>
            (
              await db.query(
                `SELECT count(*) = ${PARTITIONS} AND min(watermark) >= '${text(ms)}'::timestamp AS ok FROM clicks_watermarks`,
              )
            ).rows[0].ok === true,
          60_000,
          async () => `watermarks ${await watermarks(db)}, awaiting ${text(ms)}`,
        );
      // The watermark a batch leaves: the least over the partitions of their latest event time, less 5 s.
      const settled = (clicks: readonly Click[]) =>
        Math.min(
          ...Array.from({ length: PARTITIONS }, (_, p) =>
            Math.max(...clicks.filter((k) => k.partition === p).map((k) => k.at)),
          ),
        ) - 5_000;

      // Batch 1: minutes 0 to 3. Its watermark (3:00 - 5 s at most) closes minutes 0 to 2.
      let batch = onTime(0, 600, 0, 3 * minute);
      produced.push(...batch);
      await send(brokers, input, batch);
      await reached(c, settled(batch));
      // Late: behind the watermark now (2:5x), in minute 1 and 2, one per partition and page.
      const lateBatch = (first: number, at: number): Click[] =>
        PAGES.map((page, i) => ({ id: first + i, page, at: at + i * 1000, partition: i % PARTITIONS }));
      late.push(...lateBatch(10_000, minute + 60_000));
      await send(brokers, input, late);
      // Batch 2: minutes 3 to 6, interleaved after the late ones.
      batch = onTime(1000, 600, 3 * minute, 6 * minute);
      produced.push(...batch);
      await send(brokers, input, batch);
      await reached(c, settled(batch));
      await eventually(
        async () => (await readTopic(brokers, output)).length >= PAGES.length * 3,
        60_000,
        async () => `${(await readTopic(brokers, output)).length} records sunk`,
      );
      assert.equal(Number((await c.query('SELECT count(*) AS n FROM clicks_late')).rows[0].n), late.length);
      assert.equal(await lateCounted(served), late.length);

      await c.end().catch(() => {});
      await kill(served.child);
      // While Eddy is down: more late ones (behind the watermark it recovers), then minutes 6 to 9.
      const late2 = lateBatch(20_000, 4 * minute);
      late.push(...late2);
      await send(brokers, input, late2);
      batch = onTime(2000, 900, 6 * minute, 9 * minute);
      produced.push(...batch);
      await send(brokers, input, batch);
      // Restarted with the failpoint between the sink's Kafka commit and Eddy's own progress
      // record, at its second delivery: the worst seam for "nothing twice".
      served = await startServe(dir, { env: { EDDY_FAILPOINTS: 'sink.after-commit@2' } });
      const gone = exited(served.child);
      c = await client(served.pgPort);
      // The clicks sent while Eddy was down close minutes 6 to 8 (one delivery at least) ...
      await Promise.race([reached(c, settled(batch)).catch(() => {}), gone]);
      // ... then minutes 9 to 12, and one click per partition at 20:00 closes every window before it.
      batch = [...onTime(3000, 600, 9 * minute, 12 * minute)];
      for (let p = 0; p < PARTITIONS; p++)
        batch.push({ id: 4000 + p, page: '/', at: 20 * minute, partition: p });
      produced.push(...batch);
      await send(brokers, input, batch);
      await eventually(
        async () => served.child.exitCode !== null || served.child.signalCode !== null,
        60_000,
        async () => 'the failpoint did not fire',
      );
      await c.end().catch(() => {});
      served = await startServe(dir);
      c = await client(served.pgPort);
      await reached(c, 20 * minute - 5_000);

      // Expected: per page and minute, the on-time clicks, over the windows the watermark closed.
      const expected = new Map<string, number>();
      for (const click of produced) {
        const start = Math.floor(click.at / minute) * minute;
        if (start + minute > 20 * minute - 5_000) continue;
        const k = `${click.page}|${text(start)}|${text(start + minute)}`;
        expected.set(k, (expected.get(k) ?? 0) + 1);
      }
      const got = async () => {
        const records = await readTopic(brokers, output);
        return records.map(
          (r) => `${r.value.page}|${r.value.window_start}|${r.value.window_end}=${r.value.views}`,
        );
      };
      const want = [...expected].map(([k, n]) => `${k}=${n}`).sort();
      await eventually(
        async () => (await got()).length >= want.length,
        60_000,
        async () => `${(await got()).length} of ${want.length} windows sunk`,
      );
      // The sink has caught up with the view: nothing more is on its way.
      const sinkLag = async () =>
        JSON.stringify((await c.query('SELECT state, lag FROM pg_catalog.eddy_sinks')).rows);
      await eventually(async () => (await sinkLag()) === '[{"state":"running","lag":"0"}]', 60_000, sinkLag);
      const records = await readTopic(brokers, output);
      const sunk = await got();
      // Each window once (nothing twice across the kill), each with its exact count.
      assert.deepEqual([...sunk].sort(), want);
      // Every record carries the step it left in (what the sink reads back after a restart), and
      // windows closed before the kill left in earlier steps than those closed after it.
      const steps = records.map((r) => r.step);
      assert.ok(steps.every((s) => Number.isInteger(s) && s > 0));
      const stepOfWindow = (start: number) =>
        records.filter((r) => r.value.window_start === text(start)).map((r) => r.step);
      assert.ok(Math.max(...stepOfWindow(0)) < Math.min(...stepOfWindow(10 * minute)));
      // The late clicks are in the late-data relation, all of them and nothing else.
      const lateRows = (await c.query('SELECT id FROM clicks_late ORDER BY id')).rows.map((r) =>
        Number(r.id),
      );
      assert.deepEqual(
        lateRows,
        late.map((l) => l.id).sort((a, b) => a - b),
      );
      // And the view agrees with what left Eddy.
      assert.equal(Number((await c.query('SELECT count(*) AS n FROM page_views')).rows[0].n), want.length);
    } finally {
      await c.end().catch(() => {});
      await kill(served.child);
      rmSync(dir, { recursive: true, force: true });
      await deleteTopic(brokers, input).catch(() => {});
      await deleteTopic(brokers, output).catch(() => {});
    }
  },
);
