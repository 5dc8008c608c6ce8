/**
 * A durable database across restarts: tables, materialized views (equal to a batch evaluation
 * of their SQL), DDL, step numbers and the clock survive, with and without a checkpoint between;
 * DROP frees state; two openers of one directory, a newer format and a corrupted latest
 * checkpoint are handled.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Eddy } from '../../src/eddy.ts';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function freshDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'eddy-restart-'));
  dirs.push(d);
  return d;
}

const quiet = { checkpointInterval: 0 };

async function open(dir: string): Promise<Eddy> {
  return Eddy.open({ dir, ...quiet });
}

function sorted(rows: readonly (readonly unknown[])[]): string[] {
  return rows.map((r) => JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))).sort();
}

/** The view's stored contents equal the one-shot evaluation of its query. */
async function assertViewMatches(db: Eddy, view: string, query: string): Promise<void> {
  const stored = await db.query(`SELECT * FROM ${view}`);
  const fresh = await db.query(query);
  assert.deepEqual(sorted(stored.rows), sorted(fresh.rows));
}

const setup = `
  CREATE TABLE accounts (id int PRIMARY KEY, owner text NOT NULL, balance numeric(12,2));
  CREATE TABLE events (at timestamptz DEFAULT now(), account int, amount float8);
  CREATE MATERIALIZED VIEW totals AS
    SELECT a.owner, count(*) AS n, sum(e.amount) AS total, min(e.amount) AS lo, max(e.amount) AS hi
    FROM accounts a JOIN events e ON e.account = a.id GROUP BY a.owner;
`;
const totalsQuery = `SELECT a.owner, count(*) AS n, sum(e.amount) AS total, min(e.amount) AS lo, max(e.amount) AS hi
    FROM accounts a JOIN events e ON e.account = a.id GROUP BY a.owner`;

async function workload(db: Eddy): Promise<void> {
  await db.execute(setup);
  await db.insert('accounts', [
    [1, 'ann', '10.50'],
    [2, 'bob', null],
    [3, 'cy', '-0.01'],
  ]);
  for (let i = 0; i < 20; i++) await db.insert('events', [{ account: 1 + (i % 3), amount: i * 1.5 - 7 }]);
  await db.execute('UPDATE accounts SET owner = $1 WHERE id = 3', ['ann']);
  await db.execute('DELETE FROM events WHERE amount < 0');
  await db.execute('BEGIN; INSERT INTO events (account, amount) VALUES (2, -0.0), (1, 1e300); COMMIT');
}

for (const checkpointFirst of [false, true]) {
  test(`tables, views, DDL and step numbers survive a restart (${checkpointFirst ? 'from a checkpoint' : 'log only'})`, async () => {
    const dir = freshDir();
    let db = await open(dir);
    await workload(db);
    if (checkpointFirst) {
      await db.checkpoint();
      await db.insert('events', [{ account: 2, amount: 3 }]);
    }
    const before = {
      accounts: sorted((await db.query('SELECT * FROM accounts')).rows),
      events: sorted((await db.query('SELECT * FROM events')).rows),
      totals: sorted((await db.query('SELECT * FROM totals')).rows),
      step: (await db.query("SELECT current_setting('eddy.step', true)")).rows,
    };
    const stepBefore = stepOf(db);
    // A crash: no clean close, so no final checkpoint (the lock is released by hand below).
    abandon(db);
    db = await open(dir);
    assert.deepEqual(sorted((await db.query('SELECT * FROM accounts')).rows), before.accounts);
    assert.deepEqual(sorted((await db.query('SELECT * FROM events')).rows), before.events);
    assert.deepEqual(sorted((await db.query('SELECT * FROM totals')).rows), before.totals);
    await assertViewMatches(db, 'totals', totalsQuery);
    assert.equal(stepOf(db), stepBefore);
    // Writes continue with the next step number, and views keep being maintained.
    await db.insert('events', [{ account: 1, amount: 100 }]);
    assert.equal(stepOf(db), stepBefore + 1);
    await assertViewMatches(db, 'totals', totalsQuery);
    await db.close();
    db = await open(dir);
    assert.equal(stepOf(db), stepBefore + 1);
    await assertViewMatches(db, 'totals', totalsQuery);
    await db.close();
  });
}

test('DROP frees state, and a name reused after DROP gets the new object', async () => {
  const dir = freshDir();
  let db = await open(dir);
  await db.execute('CREATE TABLE t (a int); CREATE MATERIALIZED VIEW v AS SELECT count(*) AS n FROM t');
  await db.insert('t', [[1], [2]]);
  await db.execute('DROP MATERIALIZED VIEW v; DROP TABLE t');
  await db.execute('CREATE TABLE t (b text)');
  await db.insert('t', [['x']]);
  await db.checkpoint();
  await db.close();
  db = await open(dir);
  assert.deepEqual((await db.query('SELECT * FROM t')).rows, [['x']]);
  await assert.rejects(db.query('SELECT * FROM v'), { code: '42P01' });
  await db.close();
});

test('a checkpoint of many chunks (tables and views over 1 MB) restores whole', async () => {
  const dir = freshDir();
  let db = await open(dir);
  await db.execute(
    'CREATE TABLE big (id int PRIMARY KEY, note text); CREATE MATERIALIZED VIEW copy AS SELECT id, note FROM big WHERE id % 2 = 0',
  );
  const note = 'x'.repeat(40);
  for (let k = 0; k < 4; k++)
    await db.insert(
      'big',
      Array.from({ length: 30_000 }, (_, i) => [k * 30_000 + i, `${note}${i}`]),
    );
  await db.checkpoint();
  abandon(db);
  db = await open(dir);
  assert.deepEqual((await db.query('SELECT count(*)::int, count(DISTINCT note)::int FROM big')).rows, [
    [120_000, 30_000],
  ]);
  assert.deepEqual((await db.query('SELECT count(*)::int FROM copy')).rows, [[60_000]]);
  await db.close();
});

test('a second opener of a directory in use is refused with 55006', async () => {
  const dir = freshDir();
  const db = await open(dir);
  await assert.rejects(open(dir), { code: '55006', message: /in use by another Eddy/ });
  await db.close();
  const again = await open(dir);
  await again.close();
});

function stepOf(db: Eddy): number {
  return (db as unknown as { db: { currentStep: number } }).db.currentStep;
}

/** Drops a database without a clean close, as a crash would (its lock file stays: stale). */
function abandon(db: Eddy): void {
  const inner = db as unknown as { durability: { dir: { close(): void } }; db: { durableLog: unknown } };
  inner.db.durableLog = null;
  inner.durability.dir.close();
}
