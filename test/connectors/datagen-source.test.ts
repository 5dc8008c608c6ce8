/**
 * The datagen source: the Nexmark generator's bids equal what the generator itself makes; the
 * orders and clicks generators are deterministic from their seed; a rate paces them; columns
 * are checked against what a generator makes; and `eddy serve --data-dir` killed with SIGKILL
 * mid-generation goes on after the restart with exactly the events that were not committed.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createNexmarkBatches, NexmarkGenerator } from '../../src/connectors/datagen/nexmark/index.ts';
import { Eddy } from '../../src/eddy.ts';
import { client, eventually, kill, one, startServe } from './serve-support.ts';

const ordersColumns =
  'order_id bigint, customer_id bigint, product text, quantity int, price_cents bigint, created_at timestamptz';

async function settle(eddy: Eddy, sql: string, want: unknown): Promise<unknown[]> {
  let last: unknown[] = [];
  await eventually(
    async () => {
      last = (await eddy.query(sql)).rows[0] ?? [];
      return last[0] === want;
    },
    30_000,
    async () => JSON.stringify(last),
  );
  return last;
}

test('the Nexmark bids of a datagen source are the generator’s', async () => {
  const events = 2000;
  const generator = new NexmarkGenerator({ seed: 7 });
  const batches = createNexmarkBatches();
  generator.next(batches, events);
  let total = 0;
  for (let r = 0; r < batches.bid.rowCount; r++)
    total += batches.bid.values[r * batches.bid.arity + 2] as number;
  const eddy = await Eddy.open();
  try {
    await eddy.execute(
      `CREATE SOURCE bid (auction bigint, price bigint, date_time timestamp)
         WITH (connector = 'datagen', generator = 'nexmark', table = 'bid', seed = 7, rate = 0, max_events = ${events}, batch_events = 300);
       CREATE MATERIALIZED VIEW b AS SELECT count(*) AS n, sum(price)::bigint AS total FROM bid`,
    );
    const got = await settle(eddy, 'SELECT n, total FROM b', batches.bid.rowCount);
    assert.deepEqual(got, [batches.bid.rowCount, total]);
    assert.deepEqual((await eddy.query('SELECT next_offset FROM bid_offsets')).rows, [[events]]);
  } finally {
    await eddy.close();
  }
});

test('orders and clicks: the same seed gives the same events, another seed others; a rate paces them', async () => {
  const eddy = await Eddy.open();
  try {
    await eddy.execute(
      `CREATE SOURCE o1 (${ordersColumns}) WITH (connector = 'datagen', generator = 'orders', seed = 42, rate = 0, max_events = 3000);
       CREATE SOURCE o2 (price_cents bigint, order_id bigint) WITH (connector = 'datagen', generator = 'orders', seed = 42, rate = 0, max_events = 3000, batch_events = 7);
       CREATE SOURCE o3 (price_cents bigint) WITH (connector = 'datagen', generator = 'orders', seed = 43, rate = 0, max_events = 3000);
       CREATE SOURCE c (user_id bigint, page text, referrer text, at timestamptz) WITH (connector = 'datagen', generator = 'clicks', rate = 0, max_events = 1000);
       CREATE SOURCE slow (order_id bigint) WITH (connector = 'datagen', generator = 'orders', rate = 20);
       CREATE MATERIALIZED VIEW v1 AS SELECT count(*) AS n, sum(price_cents)::bigint AS total, count(DISTINCT order_id) AS ids, min(created_at) AS first FROM o1;
       CREATE MATERIALIZED VIEW v2 AS SELECT count(*) AS n, sum(price_cents)::bigint AS total FROM o2;
       CREATE MATERIALIZED VIEW v3 AS SELECT count(*) AS n, sum(price_cents)::bigint AS total FROM o3;
       CREATE MATERIALIZED VIEW vc AS SELECT count(*) AS n, count(referrer) AS referred, count(DISTINCT page) AS pages FROM c;
       CREATE MATERIALIZED VIEW vs AS SELECT count(*) AS n FROM slow`,
    );
    const one1 = await settle(eddy, 'SELECT n, total, ids, first FROM v1', 3000);
    const two = await settle(eddy, 'SELECT n, total FROM v2', 3000);
    const three = await settle(eddy, 'SELECT n, total FROM v3', 3000);
    assert.equal(one1[2], 3000);
    assert.equal(one1[1], two[1]);
    assert.notEqual(one1[1], three[1]);
    const clicks = await settle(eddy, 'SELECT n, referred, pages FROM vc', 1000);
    assert.ok((clicks[1] as number) > 500 && (clicks[1] as number) < 900, `referred ${clicks[1]}`);
    assert.equal(clicks[2], 8);
    // 20 events a second: well under a second's worth of an unpaced source after a second.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const slow = (await eddy.query('SELECT n FROM vs')).rows[0]![0] as number;
    assert.ok(slow <= 60, `${slow} events at rate 20 after about a second`);
  } finally {
    await eddy.close();
  }
});

test('datagen columns and options are checked when the source is created', async () => {
  const eddy = await Eddy.open();
  try {
    const refused = async (sql: string, code: string) =>
      assert.rejects(
        eddy.execute(sql),
        (e: Error & { code?: string }) => e.code === code || assert.fail(`${e.code}: ${e.message}`),
      );
    await refused("CREATE SOURCE s (nope int) WITH (connector = 'datagen', generator = 'orders')", '22023');
    await refused(
      "CREATE SOURCE s (order_id text) WITH (connector = 'datagen', generator = 'orders')",
      '42804',
    );
    await refused(
      "CREATE SOURCE s (order_id bigint) WITH (connector = 'datagen', generator = 'orders', table = 'bid')",
      '22023',
    );
    await refused(
      "CREATE SOURCE s (order_id bigint) WITH (connector = 'datagen', generator = 'stocks')",
      '22023',
    );
    await refused("CREATE SOURCE s (order_id bigint) WITH (connector = 'datagen', rate = -1)", '22023');
    await refused(
      "CREATE SOURCE s (id bigint) WITH (connector = 'datagen', generator = 'nexmark', table = 'people')",
      '22023',
    );
    await refused("CREATE SOURCE s (a int) WITH (connector = 'carrier-pigeon')", '0A000');
    assert.deepEqual(
      (
        await eddy.query(
          "SELECT count(*) FROM pg_catalog.pg_class WHERE relname IN ('s', 's_dead_letters', 's_offsets')",
        )
      ).rows,
      [[0]],
    );
  } finally {
    await eddy.close();
  }
});

test('kill -9 mid-generation: after the restart the events go on, none twice, none lost', async () => {
  const events = 60_000;
  const expected = await Eddy.open();
  let want: Record<string, unknown>;
  try {
    await expected.execute(
      `CREATE SOURCE o (${ordersColumns}) WITH (connector = 'datagen', generator = 'orders', seed = 5, rate = 0, max_events = ${events});
       CREATE MATERIALIZED VIEW t AS SELECT count(*) AS n, sum(price_cents)::bigint AS total, sum(quantity) AS q FROM o`,
    );
    const got = await settle(expected, 'SELECT n, total, q FROM t', events);
    want = { n: String(got[0]), total: String(got[1]), q: String(got[2]) };
  } finally {
    await expected.close();
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'eddy-datagen-crash-'));
  try {
    let served = await startServe(dataDir);
    let c = await client(served.pgPort);
    await c.query(
      `CREATE SOURCE o (${ordersColumns}) WITH (connector = 'datagen', generator = 'orders', seed = 5, rate = 20000, max_events = ${events}, batch_events = 500);
       CREATE MATERIALIZED VIEW t AS SELECT count(*) AS n, sum(price_cents)::bigint AS total, sum(quantity) AS q FROM o;
       CREATE MATERIALIZED VIEW twice AS SELECT order_id FROM o GROUP BY order_id HAVING count(*) > 1`,
    );
    const counted = async (db: typeof c) =>
      Number((await one(db, 'SELECT coalesce(max(n), 0) AS n FROM t')).n);
    await eventually(
      async () => (await counted(c)) > events / 10,
      60_000,
      async () => `${await counted(c)} counted`,
    );
    await c.end().catch(() => {});
    await kill(served.child);
    served = await startServe(dataDir);
    c = await client(served.pgPort);
    try {
      await eventually(
        async () => (await counted(c)) >= events,
        90_000,
        async () => `${await counted(c)} of ${events}`,
      );
      assert.deepEqual(await one(c, 'SELECT n, total, q FROM t'), want);
      assert.equal((await c.query('SELECT * FROM twice')).rows.length, 0);
    } finally {
      await c.end();
      await kill(served.child);
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
