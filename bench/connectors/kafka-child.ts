/**
 * @module bench/connectors/kafka-child
 * Eddy's case of `npm run bench -- kafka`, in a process of its own: a Kafka source over the
 * pre-filled topic and a GROUP BY view, timed from the CREATE to the view counting every event,
 * then checked against the producer's counts (exact, or it fails), the source's lag (0, or it
 * fails) and, under a budget, the peak RssAnon (within the budget, or it fails). RssAnon is
 * sampled every 100 ms. Prints its row and notes as one JSON line.
 * argv: brokers topic events [budget] (a budget: on a data directory under that memory budget).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Eddy } from '../../src/eddy.ts';
import { parseMemorySetting } from '../../src/plan/evaluate/query-guard.ts';
import { readRssAnonBytes } from '../../src/runtime/memory-budget.ts';
import { expectedGroups, groups } from './kafka-events.ts';
import type { Row } from './kafka-suite.ts';

const [brokers, topic, events, budget] = process.argv.slice(2);
const result = await eddyIngest(brokers!, topic!, Number(events), budget || undefined);
console.log(JSON.stringify(result));

/** Eddy reading the topic into a GROUP BY view; the view is checked against the producer's counts. */
async function eddyIngest(
  brokers: string,
  topic: string,
  n: number,
  budget: string | undefined,
): Promise<{ row: Row; notes: string[] }> {
  const dir = budget !== undefined ? mkdtempSync(join(tmpdir(), 'eddy-kafka-spike-')) : undefined;
  const eddy = await Eddy.open(dir === undefined ? {} : { dir, memoryBudget: budget });
  let peakRss = 0;
  let peakLag = 0;
  let lastLag = -1;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, readRssAnonBytes());
  }, 100);
  try {
    const rssBefore = readRssAnonBytes();
    const cpu = process.cpuUsage();
    const t = performance.now();
    await eddy.execute(
      `CREATE SOURCE s (id bigint NOT NULL, g int, amount int, name text)
         WITH (connector = 'kafka', topic = '${topic}', brokers = '${brokers}', start = 'earliest')
         FORMAT PLAIN ENCODE JSON;
       CREATE MATERIALIZED VIEW v AS SELECT g, count(*) AS n, sum(amount) AS total FROM s GROUP BY g`,
    );
    const deadline = Date.now() + Math.max(120_000, n / 10);
    for (;;) {
      const counted = Number((await eddy.query('SELECT coalesce(sum(n), 0)::bigint FROM v')).rows[0]![0]);
      const lag = Number((await eddy.query('SELECT lag FROM pg_catalog.eddy_sources')).rows[0]?.[0] ?? 0);
      peakLag = Math.max(peakLag, lag);
      lastLag = lag;
      if (counted >= n) break;
      if (Date.now() > deadline)
        throw new Error(`Eddy counted ${counted} of ${n} events before the deadline`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const wallMs = performance.now() - t;
    const used = process.cpuUsage(cpu);
    // The lag is as of the source's last poll: one more poll (empty) brings it to 0.
    const lagDeadline = Date.now() + 10_000;
    while (lastLag !== 0 && Date.now() < lagDeadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      lastLag = Number((await eddy.query('SELECT lag FROM pg_catalog.eddy_sources')).rows[0]?.[0] ?? -1);
    }
    const expected = expectedGroups(n);
    const view = await eddy.query('SELECT g, n, total FROM v ORDER BY g');
    let wrong = view.rows.length === groups ? 0 : 1;
    for (const [g, count, total] of view.rows as [number, bigint | number, bigint | number][])
      if (Number(count) !== expected.count[g] || Number(total) !== expected.total[g]) wrong++;
    if (wrong > 0) throw new Error(`the view differs from the producer's counts in ${wrong} groups`);
    if (lastLag !== 0) throw new Error(`the source's lag stayed at ${lastLag}`);
    const budgetBytes = budget === undefined ? null : parseMemorySetting(budget);
    if (budgetBytes !== null && peakRss > budgetBytes)
      throw new Error(`RssAnon peaked at ${peakRss} bytes, over the budget of ${budget}`);
    const notes = [
      `Eddy's view equals the producer's counts (${groups} groups, ${n.toLocaleString('en-US')} events); the source's lag fell from ${peakLag.toLocaleString('en-US')} (highest seen) to 0.`,
      `RssAnon: ${Math.round(rssBefore / 2 ** 20)} MB before the CREATE, ${Math.round(peakRss / 2 ** 20)} MB at its peak during ingest (sampled every 100 ms)${budget !== undefined ? `, budget ${budget} (data directory on ${tmpdir()})` : ''}.`,
    ];
    return {
      row: {
        reader: `Eddy: Kafka source → GROUP BY view${dir === undefined ? ' (in memory)' : ` (data directory, --memory-budget ${budget})`}`,
        wallMs,
        cpuMs: (used.user + used.system) / 1000,
      },
      notes,
    };
  } finally {
    clearInterval(sampler);
    await eddy.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  }
}
