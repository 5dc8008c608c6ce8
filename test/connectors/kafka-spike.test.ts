/**
 * The Kafka "flash flood", small (the 10 M-event run is `npm run bench -- kafka --spike`): a topic
 * pre-filled with 200,000 events before the source exists; Eddy (`serve`) reads it in steps no
 * larger than `poll_bytes` (backpressure: one step applied and durable before the next is taken),
 * `eddy_source_lag_records` falls to 0 and the GROUP BY view equals the counts the producer made.
 * Needs the Kafka broker of `npm run services` (skipped without it unless EDDY_REQUIRE_SERVICES=1).
 */
import assert from 'node:assert/strict';
import pg from 'pg';
import { serve } from '../../src/server/server.ts';
import { withService } from '../support/services.ts';
import { createTopic, deleteTopic, eventually, produce } from './kafka-support.ts';

const events = 200_000;
const partitions = 4;
const groups = 100;
const pollBytes = 256 * 1024;

function event(i: number): string {
  return `{"id":${i},"g":${i % groups},"amount":${(i * 7) % 1000},"name":"user${i % 5000}"}`;
}

/** `name{source="s",…} value` from a /metrics text, or NaN when it is not there. */
function metricValue(metrics: string, name: string): number {
  const m = new RegExp(`^${name}\\{source="s"[^}]*\\} (\\S+)$`, 'm').exec(metrics);
  return m ? Number(m[1]) : Number.NaN;
}

withService(
  'kafka',
  'a topic pre-filled with 200,000 events: bounded steps, lag to 0, exact view',
  async (brokers) => {
    const topic = await createTopic(brokers, partitions);
    const values = Array.from({ length: events }, (_, i) => event(i));
    const bytes = values.reduce((sum, v) => sum + v.length, 0);
    await produce(brokers, topic, partitions, values);
    const server = await serve({ pgPort: 0, httpPort: 0 });
    const c = new pg.Client({
      host: '127.0.0.1',
      port: server.pg.address().port,
      user: 'eddy',
      database: 'eddy',
    });
    await c.connect();
    const metrics = async () =>
      (await fetch(`http://127.0.0.1:${server.http.address().port}/metrics`)).text();
    try {
      await c.query(
        `CREATE SOURCE s (id bigint NOT NULL, g int, amount int, name text)
         WITH (connector = 'kafka', topic = '${topic}', brokers = '${brokers}', start = 'earliest', poll_bytes = ${pollBytes})
         FORMAT PLAIN ENCODE JSON;
       CREATE MATERIALIZED VIEW v AS SELECT g, count(*) AS n, sum(amount) AS total FROM s GROUP BY g`,
      );
      const counted = async () => Number((await c.query('SELECT coalesce(sum(n), 0) AS n FROM v')).rows[0].n);
      let lagSeen = 0;
      await eventually(
        async () => {
          lagSeen = Math.max(lagSeen, metricValue(await metrics(), 'eddy_source_lag_records') || 0);
          return (await counted()) === events;
        },
        45_000,
        async () => `the view counted ${await counted()} of ${events} events`,
      );
      // The lag is as of the source's last poll: the next (empty) poll brings it to 0.
      await eventually(
        async () => metricValue(await metrics(), 'eddy_source_lag_records') === 0,
        10_000,
        async () => `lag ${metricValue(await metrics(), 'eddy_source_lag_records')}`,
      );
      const text = await metrics();
      assert.equal(metricValue(text, 'eddy_source_records_total'), events);
      assert.equal(metricValue(text, 'eddy_source_dead_letters_total'), 0);
      // Bounded steps: a source that took the backlog whole would have committed a handful.
      const steps = metricValue(text, 'eddy_source_steps_total');
      assert.ok(
        steps >= bytes / (2 * pollBytes),
        `${steps} steps for ${bytes} bytes at poll_bytes ${pollBytes}`,
      );
      assert.ok(lagSeen > 0, 'the lag metric never showed the backlog');

      const count = new Array<number>(groups).fill(0);
      const total = new Array<number>(groups).fill(0);
      for (let i = 0; i < events; i++) {
        count[i % groups]!++;
        total[i % groups]! += (i * 7) % 1000;
      }
      const view = (await c.query('SELECT g, n::int AS n, total::bigint AS total FROM v ORDER BY g')).rows;
      assert.deepEqual(
        view.map((r) => [r.g, r.n, Number(r.total)]),
        count.map((n, g) => [g, n, total[g]]),
      );
    } finally {
      await c.end();
      await server.close();
      await deleteTopic(brokers, topic);
    }
  },
);
