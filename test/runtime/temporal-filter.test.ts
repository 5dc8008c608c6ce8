/**
 * Temporal filters (docs/sql.md, "Temporal filters"): a materialized view with `ts > now() -
 * INTERVAL …` (and <, <=, >=, BETWEEN, either side) keeps current as the step clock advances,
 * rows entering and leaving with no new input. Under a controllable clock, after every write and
 * every tick each view equals its query run ad hoc at the same clock reading (the oracle); with
 * the system clock, the timer commits the step that removes a row when it is due.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Eddy, ManualClock } from '../../src/index.ts';

const T0 = Date.UTC(2026, 0, 1) * 1000;
const minute = 60_000_000;
const stamp = (micros: number) => new Date(micros / 1000).toISOString();

const views: Record<string, string> = {
  recent: "SELECT id, g FROM ev WHERE at > now() - INTERVAL '1 hour'",
  fresh: "SELECT id FROM ev WHERE at <= now() AND now() < at + INTERVAL '30 minutes' AND g <> 2",
  counts:
    "SELECT g, count(*) AS n, max(id) AS top FROM ev WHERE at BETWEEN now() - INTERVAL '45 minutes' AND now() + INTERVAL '10 minutes' GROUP BY g",
  upcoming: 'SELECT e.id, k.label FROM ev AS e JOIN kinds AS k ON k.g = e.g WHERE now() < e.at',
  stamped: "SELECT id FROM ev WHERE at::timestamp >= now() - INTERVAL '1 day 2 hours'",
  latest: "SELECT g, max(at) AS last FROM ev GROUP BY g HAVING now() - INTERVAL '40 minutes' <= max(at)",
};

async function rows(db: Eddy, sql: string): Promise<string[]> {
  return (await db.query(sql)).rows.map((r) => JSON.stringify(r)).sort();
}

async function checkOracle(db: Eddy, when: string): Promise<void> {
  for (const [name, query] of Object.entries(views))
    assert.deepEqual(await rows(db, `SELECT * FROM ${name}`), await rows(db, query), `${name} ${when}`);
}

/** A small deterministic generator (mulberry32). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('rows leave on time with no new input: a step at the boundary, one microsecond matters', async () => {
  const clock = new ManualClock(T0);
  const db = await Eddy.open({ clock });
  await db.execute(`CREATE TABLE ev (id int, g int, at timestamptz);
    CREATE MATERIALIZED VIEW recent AS SELECT id FROM ev WHERE at > now() - INTERVAL '1 hour'`);
  await db.execute(
    `INSERT INTO ev VALUES (1, 0, '${stamp(T0)}'), (2, 0, '${stamp(T0 + 10 * minute)}'), (3, 0, NULL)`,
  );
  assert.deepEqual(await rows(db, 'SELECT id FROM recent'), ['[1]', '[2]']);
  clock.advanceTo(T0 + 60 * minute - 1);
  assert.deepEqual(await rows(db, 'SELECT id FROM recent'), ['[1]', '[2]']);
  clock.advanceTo(T0 + 60 * minute);
  assert.deepEqual(
    await rows(db, 'SELECT id FROM recent'),
    ['[2]'],
    'row 1 leaves when now() - 1 hour reaches it',
  );
  clock.advanceTo(T0 + 71 * minute);
  assert.deepEqual(await rows(db, 'SELECT id FROM recent'), []);
  const plan = await db.query(
    "EXPLAIN CREATE MATERIALIZED VIEW r AS SELECT id FROM ev WHERE at > now() - INTERVAL '1 hour'",
  );
  assert.match(
    plan.rows.map((r) => r[0]).join('\n'),
    /now\(\)/,
    'EXPLAIN shows the clock call, not a frozen reading',
  );
  await db.close();
});

test('after every write and every tick each view equals its query ad hoc at the same clock reading', async () => {
  const clock = new ManualClock(T0);
  const db = await Eddy.open({ clock });
  await db.execute(`CREATE TABLE ev (id int PRIMARY KEY, g int, at timestamptz);
    CREATE TABLE kinds (g int, label text);
    INSERT INTO kinds VALUES (0, 'zero'), (1, 'one'), (2, 'two')`);
  for (const [name, query] of Object.entries(views))
    await db.execute(`CREATE MATERIALIZED VIEW ${name} AS ${query}`);
  const next = random(11);
  let id = 0;
  for (let round = 0; round < 60; round++) {
    const r = next();
    const at = clock.now() + Math.floor((next() - 0.6) * 150 * minute);
    if (r < 0.5)
      await db.execute(`INSERT INTO ev VALUES (${++id}, ${Math.floor(next() * 3)}, '${stamp(at)}')`);
    else if (r < 0.65) await db.execute(`DELETE FROM ev WHERE id = ${Math.floor(next() * id) + 1}`);
    else if (r < 0.8)
      await db.execute(`UPDATE ev SET at = '${stamp(at)}' WHERE id = ${Math.floor(next() * id) + 1}`);
    else if (r < 0.85)
      await db.execute(`UPDATE kinds SET label = label || '+' WHERE g = ${Math.floor(next() * 3)}`);
    await checkOracle(db, `after write ${round}`);
    clock.advanceBy(Math.floor(next() * 20 * minute));
    await checkOracle(db, `after tick ${round}`);
  }
  await db.close();
});

test('with the system clock, the timer commits the step that takes a row out', async () => {
  const db = await Eddy.open();
  await db.execute(`CREATE TABLE ev (id int, at timestamptz);
    CREATE MATERIALIZED VIEW recent AS SELECT id FROM ev WHERE at > now() - INTERVAL '2 seconds'`);
  await db.execute('INSERT INTO ev VALUES (1, now())');
  assert.deepEqual(await rows(db, 'SELECT id FROM recent'), ['[1]']);
  // No write follows: only the timer can take the row out (waited for, at most 20 s under load).
  for (let i = 0; i < 400 && (await rows(db, 'SELECT id FROM recent')).length > 0; i++)
    await new Promise((resolve) => setTimeout(resolve, 50));
  assert.deepEqual(await rows(db, 'SELECT id FROM recent'), []);
  await db.close();
});
