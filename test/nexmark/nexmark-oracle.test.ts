/**
 * Every runnable vendored Nexmark query (bench/nexmark/queries/) as a materialized view fed a
 * seeded Nexmark stream in steps, with some events held back so that watermarks pass them (they
 * become late, diverted to `<table>_late`), compared after several steps with DuckDB's batch
 * evaluation of the same query over the events accepted so far (DESIGN.md's oracle: late rows
 * excluded; q12's processing time under a controlled clock that moves 2.5 s a step). The harness
 * judges lateness itself and checks Eddy's late relations against it.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { nexmarkDdl, nexmarkQueries } from '../../bench/nexmark/nexmark-queries.ts';
import type { Row } from '../../src/common/value.ts';
import { NexmarkGenerator, type NexmarkTable } from '../../src/connectors/datagen/nexmark/index.ts';
import { Eddy, ManualClock } from '../../src/index.ts';
import { DUCKDB_QUERIES, DuckDbOracle, normalizeValue } from './duckdb-oracle.ts';

/** 6,000 events at 200 events/s of event time: 30 seconds, three 10-second windows and more. */
const EVENTS = 6000;
const EVENTS_PER_STEP = 500;
/** Flink's watermark delay, as in bench/nexmark/queries/ddl.sql. */
const WATERMARK_DELAY_US = 4_000_000;
/** Steps after which every view is compared with the oracle (the last one included). */
const CHECKED_STEPS = new Set([5, 11]);
/** The controlled clock: the first step at 2024-01-01 00:00:00, each next one 2.5 s later. */
const CLOCK_START_US = Date.parse('2024-01-01T00:00:00Z') * 1000;
const CLOCK_STEP_US = 2_500_000;

const TABLES: readonly NexmarkTable[] = ['person', 'auction', 'bid'];
const DATE_TIME: Record<NexmarkTable, number> = { person: 6, auction: 5, bid: 5 };

interface Step {
  readonly rows: Record<NexmarkTable, Row[]>;
}

/**
 * The stream in steps: events in order, except every 53rd bid (held back three steps: 7.5 s, late)
 * and every 31st bid and 37th auction (held back one step: late or not, by a few milliseconds).
 */
function planSteps(): Step[] {
  const steps: Step[] = Array.from({ length: EVENTS / EVENTS_PER_STEP + 3 }, () => ({
    rows: { person: [], auction: [], bid: [] },
  }));
  let n = 0;
  for (const event of new NexmarkGenerator({ seed: 7, eventsPerSecond: 200, maxEvents: EVENTS }).events()) {
    const step = Math.floor(n / EVENTS_PER_STEP);
    let delay = 0;
    if (event.kind === 'bid' && n % 53 === 0) delay = 3;
    else if (event.kind === 'bid' && n % 31 === 0) delay = 1;
    else if (event.kind === 'auction' && n % 37 === 0) delay = 1;
    steps[step + delay]!.rows[event.kind].push(event.row);
    n++;
  }
  return steps;
}

let oracle: DuckDbOracle;
before(async () => {
  oracle = await DuckDbOracle.open();
});
after(() => oracle.close());

test('Nexmark queries as incremental views equal DuckDB over the accepted events', async () => {
  const queries = nexmarkQueries();
  assert.equal(queries.length, 24, 'q0…q23 are vendored');
  for (const q of queries) assert.ok(DUCKDB_QUERIES[q.name] !== undefined, `${q.name} has an oracle`);
  const clock = new ManualClock(CLOCK_START_US);
  const db = await Eddy.open({ clock });
  try {
    for (const s of nexmarkDdl()) await db.execute(s);
    for (const q of queries) {
      for (const s of q.setup) await db.execute(s);
      await db.execute(q.createView);
    }
    // The harness's own watermarks: the largest event time accepted minus the delay, per table.
    const watermark: Record<NexmarkTable, number> = { person: -Infinity, auction: -Infinity, bid: -Infinity };
    const late: Record<NexmarkTable, number> = { person: 0, auction: 0, bid: 0 };
    let checks = 0;
    for (const [i, step] of planSteps().entries()) {
      const now = CLOCK_START_US + i * CLOCK_STEP_US;
      clock.advanceTo(now);
      const batches = [];
      for (const table of TABLES) {
        const rows = step.rows[table];
        if (rows.length === 0) continue;
        const accepted = rows.filter((r) => (r[DATE_TIME[table]] as number) >= watermark[table]);
        late[table] += rows.length - accepted.length;
        oracle.append(table, accepted);
        if (table === 'bid') await oracle.appendProctime(accepted, now);
        for (const r of accepted)
          watermark[table] = Math.max(watermark[table], (r[DATE_TIME[table]] as number) - WATERMARK_DELAY_US);
        batches.push({ table, values: rows.flat(), rowCount: rows.length });
      }
      if (batches.length > 0) await db.insertBatches(batches, { valueForm: 'engine' });
      if (!CHECKED_STEPS.has(i)) continue;
      for (const table of TABLES) {
        const kept = (await db.query(`SELECT count(*) FROM ${table}_late`)).rows[0]![0];
        assert.equal(kept, late[table], `${table}_late after step ${i}`);
      }
      for (const q of queries) {
        const expected = sorted(await oracle.rows(DUCKDB_QUERIES[q.name]!));
        const actual = sorted(
          (await db.query(`SELECT * FROM ${q.view}`)).rows.map((r) => r.map(normalizeValue)),
        );
        assert.deepEqual(actual, expected, `${q.name} after step ${i}`);
        checks++;
      }
    }
    assert.equal(checks, queries.length * CHECKED_STEPS.size);
    assert.ok(late.bid > 0 && late.bid < EVENTS / 40, `some bids are late (${late.bid}), not most`);
  } finally {
    await db.close();
  }
});

/** Rows as JSON text, sorted: a multiset compared regardless of order. */
function sorted(rows: readonly (readonly unknown[])[]): string[] {
  return rows.map((r) => JSON.stringify(r)).sort();
}
