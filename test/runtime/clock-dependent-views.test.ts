/**
 * A materialized view whose result would depend on the clock or on chance is refused with 0A000
 * naming the function (it would be frozen at the step that computed it), except the clock in a
 * temporal filter (test/runtime/temporal-filter.test.ts); the same query ad hoc, in a plain view,
 * or over a stored timestamp column is fine.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Eddy } from '../../src/index.ts';

async function refusal(db: Eddy, sql: string): Promise<{ code: string; message: string; position?: number }> {
  const error = await db.execute(sql).then(
    () => assert.fail(`accepted: ${sql}`),
    (e: unknown) => e as { code: string; message: string; position?: number },
  );
  assert.equal(error.code, '0A000', `${sql}: ${error.message}`);
  return error;
}

test('the issue: a count of recent events over now() is a temporal filter; now() elsewhere is refused, naming it', async () => {
  const db = await Eddy.open();
  await db.execute('CREATE TABLE ev (id int, at timestamptz)');
  await db.execute(
    "CREATE MATERIALIZED VIEW recent AS SELECT count(*) AS n FROM ev WHERE at > now() - interval '2 seconds'",
  );
  const sql = "CREATE MATERIALIZED VIEW fresh AS SELECT id, at > now() - interval '2 seconds' AS f FROM ev";
  const e = await refusal(db, sql);
  assert.match(e.message, /now\(\).*current time/);
  assert.equal(e.position, sql.indexOf('now()') + 1);
  const ad = await db.execute("SELECT count(*) AS n FROM ev WHERE at > now() - interval '2 seconds'");
  assert.equal(ad.at(-1)?.rows.length, 1);
});

test('every form of the current time and every volatile function is refused', async () => {
  const db = await Eddy.open();
  await db.execute('CREATE TABLE ev (id int, at timestamptz, d date)');
  const cases: [string, RegExp][] = [
    ['SELECT id FROM ev WHERE at < current_timestamp OR id = 1', /current_timestamp/],
    ["SELECT id FROM ev WHERE at > now() - interval '1 month'", /months/],
    ["SELECT id FROM ev WHERE at > now() - interval '1 hour' * id", /now\(\)/],
    ['SELECT id FROM ev WHERE at::timestamp < localtimestamp', /localtimestamp/],
    ['SELECT id FROM ev WHERE d = current_date', /current_date/],
    ['SELECT id, transaction_timestamp() FROM ev', /transaction_timestamp\(\)/],
    ['SELECT id, statement_timestamp() FROM ev', /statement_timestamp\(\)/],
    ['SELECT pg_catalog.now() AS t', /now\(\)/],
    ['SELECT id, random() AS r FROM ev', /random\(\).*every call/],
    ['SELECT id FROM ev WHERE random() < 0.5', /random\(\)/],
    ['SELECT id FROM ev WHERE id IN (SELECT id FROM ev WHERE at > now())', /now\(\)/],
    ['WITH w AS (SELECT * FROM ev WHERE d < current_date) SELECT count(*) FROM w', /current_date/],
  ];
  for (const [query, pattern] of cases) {
    const e = await refusal(db, `CREATE MATERIALIZED VIEW m AS ${query}`);
    assert.match(e.message, pattern, query);
  }
  assert.equal(
    (await db.execute("SELECT count(*) FROM pg_catalog.pg_class WHERE relname = 'm'")).at(-1)?.rows[0]?.[0],
    0,
  );
});

test('a plain view over the clock may exist; a materialized view reads it only through temporal filters', async () => {
  const db = await Eddy.open();
  await db.execute(`
    CREATE TABLE ev (id int, at timestamptz);
    CREATE VIEW recent AS SELECT * FROM ev WHERE at > now() - interval '1 hour';
    CREATE VIEW recent_ids AS SELECT id FROM recent;
    CREATE VIEW seen AS SELECT id, now() AS t FROM recent;
    CREATE VIEW chance AS SELECT id FROM recent WHERE random() < 0.5;
    CREATE VIEW plain AS SELECT id FROM ev
  `);
  await db.execute('CREATE MATERIALIZED VIEW m AS SELECT count(*) FROM recent_ids');
  assert.match(
    (await refusal(db, 'CREATE MATERIALIZED VIEW m2 AS SELECT id, t FROM seen')).message,
    /now\(\)/,
  );
  const e = await refusal(db, 'CREATE MATERIALIZED VIEW m3 AS SELECT count(*) FROM chance');
  assert.match(e.message, /random\(\) \(in view "chance"\)/);
  await db.execute(`
    CREATE MATERIALIZED VIEW by_stored_time AS SELECT id FROM ev WHERE at > '2026-01-01'::timestamptz;
    CREATE MATERIALIZED VIEW over_plain AS SELECT count(*) AS n FROM plain
  `);
});

test('a plain view over the clock reads the reading statement’s time, not its creation’s', async () => {
  const db = await Eddy.open();
  await db.execute(`
    CREATE TABLE ev (id int, at timestamptz);
    CREATE VIEW stamped (id, seen) AS SELECT id, now() FROM ev;
    CREATE VIEW clock AS SELECT now() AS t, current_date AS d;
    INSERT INTO ev VALUES (1, now())
  `);
  await new Promise((resolve) => setTimeout(resolve, 5));
  const same = await db.query('SELECT t = now(), d = current_date FROM clock');
  assert.deepEqual(same.rows, [[true, true]]);
  const named = await db.query('SELECT id, seen = now() FROM stamped');
  assert.deepEqual(named.rows, [[1, true]]);
  assert.deepEqual((await db.query('SELECT count(*) FROM stamped WHERE seen > (SELECT at FROM ev)')).rows, [
    [1],
  ]);
});
