/**
 * State larger than memory (ADR 0006), correctness: with a budget far below anything (1 kB), every
 * step evicts all it can, so join sides, aggregate groups and views' contents live in the spill
 * space and come back on each touch. Views over tables must equal a batch evaluation of their
 * SQL after inserts, deletes and updates (retractions of spilled rows), across checkpoints
 * (sliced while spilled) and a restart from checkpoint + log; DROP frees the spill space. The
 * budget needs a data directory; the options are checked.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Eddy } from '../../src/eddy.ts';
import type { MemoryBudgetStats } from '../../src/runtime/memory-budget.ts';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function freshDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'eddy-spill-'));
  dirs.push(d);
  return d;
}

const views: Record<string, string> = {
  groups:
    'SELECT k % 97 AS g, count(*) AS n, sum(v) AS total, min(v) AS lo, max(note) AS hi FROM t GROUP BY k % 97',
  pairs: 'SELECT t.k, t.v, u.w FROM t JOIN u ON t.k = u.k',
  lefts:
    'SELECT u.k, u.w, count(t.v) AS n, sum(t.v) AS total FROM u LEFT JOIN t ON t.k = u.k GROUP BY u.k, u.w',
  wide: 'SELECT k, v, note FROM t WHERE v % 3 <> 0',
};

const quiet = { checkpointInterval: 0, memoryBudget: '1kB' };

function sorted(rows: readonly (readonly unknown[])[]): string[] {
  return rows.map((r) => JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))).sort();
}

async function assertViewsMatch(db: Eddy, when: string): Promise<void> {
  for (const [name, query] of Object.entries(views)) {
    const stored = await db.query(`SELECT * FROM ${name}`);
    const fresh = await db.query(query);
    assert.deepEqual(sorted(stored.rows), sorted(fresh.rows), `${name} ${when}`);
  }
}

function budgetStats(db: Eddy): MemoryBudgetStats {
  const budget = (db as unknown as { db: { memoryBudget: { stats(): MemoryBudgetStats } | null } }).db
    .memoryBudget;
  assert.ok(budget, 'the database has a memory budget');
  return budget.stats();
}

test('views whose state is spilled equal a batch evaluation through updates, checkpoints and a restart', async () => {
  const dir = freshDir();
  let db = await Eddy.open({ dir, ...quiet });
  await db.execute(`
    CREATE TABLE t (k int, v int, note text);
    CREATE TABLE u (k int, w text);
    ${Object.entries(views)
      .map(([name, query]) => `CREATE MATERIALIZED VIEW ${name} AS ${query};`)
      .join('\n')}
  `);
  for (let i = 0; i < 12; i++) {
    await db.insert(
      't',
      Array.from({ length: 300 }, (_, j) => [i * 300 + j, (j * 7) % 50, `n${(i * 13 + j) % 40}`]),
    );
    await db.insert(
      'u',
      Array.from({ length: 60 }, (_, j) => [i * 250 + j, `w${j}`]),
    );
  }
  await assertViewsMatch(db, 'after inserts');
  const spilled = budgetStats(db);
  assert.ok(spilled.spilledEntries > 4000, `state was spilled (${spilled.spilledEntries} entries)`);
  assert.ok(spilled.residentEntries < spilled.spilledEntries / 4, 'little stays resident');
  assert.ok(spilled.cacheMisses > 0, 'spilled entries were read back');

  await db.execute('DELETE FROM t WHERE k % 7 = 0');
  await db.execute("UPDATE u SET w = w || '!' WHERE k % 3 = 0");
  await db.execute('UPDATE t SET v = v + 1 WHERE k % 5 = 1');
  await assertViewsMatch(db, 'after deletes and updates');

  await db.checkpoint();
  await db.execute('DELETE FROM t WHERE k % 11 = 0');
  await db.insert('t', [
    [3001, 5, 'late'],
    [60, 2, 'again'],
  ]);
  await db.checkpoint();
  await db.execute("UPDATE t SET note = 'z' WHERE k % 13 = 2");
  await db.close();

  db = await Eddy.open({ dir, ...quiet });
  await assertViewsMatch(db, 'after the restart');
  await db.execute('DELETE FROM u WHERE k % 4 = 0');
  await db.insert('t', [[1, 1, 'one']]);
  await assertViewsMatch(db, 'after writes following the restart');

  await db.execute('DROP MATERIALIZED VIEW pairs; DROP MATERIALIZED VIEW wide');
  const dropped = budgetStats(db);
  await db.execute('DELETE FROM t WHERE k % 2 = 0');
  delete views.pairs;
  delete views.wide;
  await assertViewsMatch(db, 'after DROP');
  assert.ok(
    budgetStats(db).spilledEntries < dropped.spilledEntries,
    'the dropped views took their spill with them',
  );
  await db.close();

  // Without the budget, the image written under it (contents in the state) restores as well.
  db = await Eddy.open({ dir, checkpointInterval: 0 });
  await assertViewsMatch(db, 'reopened without a budget');
  await db.close();
  db = await Eddy.open({ dir, ...quiet });
  await assertViewsMatch(db, 'reopened under a budget from an image written without one');
  await db.close();
});

test('a memory budget needs a data directory and a positive size', async () => {
  await assert.rejects(Eddy.open({ memoryBudget: '256MB' }), {
    code: '22023',
    message: /needs a data directory/,
  });
  await assert.rejects(Eddy.open({ dir: freshDir(), memoryBudget: 'lots' }), { code: '22023' });
  await assert.rejects(Eddy.open({ dir: freshDir(), memoryBudget: 0 }), { code: '22023' });
});

test('a windowed aggregate under a budget drops closed windows, spilled or not, and agrees with one without', async () => {
  const answers: string[][] = [];
  for (const budget of [undefined, quiet.memoryBudget]) {
    const db = await Eddy.open({ dir: freshDir(), checkpointInterval: 0, memoryBudget: budget });
    await db.execute(`CREATE SOURCE ev (k int, ts timestamp, WATERMARK FOR ts AS ts - interval '5 seconds')`);
    await db.execute(
      `CREATE MATERIALIZED VIEW w AS SELECT k, window_start, count(*) AS c
         FROM TUMBLE(ev, ts, interval '10 seconds') GROUP BY k, window_start`,
    );
    for (let s = 0; s < 40; s++) {
      const rows: string[] = [];
      for (let k = 0; k < 30; k++)
        rows.push(`(${k}, timestamp '2024-01-01 00:00:00' + interval '${s * 3 + (k % 7)} seconds')`);
      await db.execute(`INSERT INTO ev VALUES ${rows.join(', ')}`);
    }
    if (budget !== undefined) assert.ok(budgetStats(db).evictions > 0, 'groups were spilled');
    answers.push(sorted((await db.query('SELECT * FROM w')).rows));
    await db.close();
  }
  assert.ok(answers[0]!.length > 0);
  assert.deepEqual(answers[1], answers[0]);
});
