/**
 * @module test/unit/join-keys-rewrites
 * Two rewrites that give joins keys where the query's text hides them (found on TPC-H):
 * - a condition repeated in every arm of an OR is factored out (`(a AND x) OR (a AND y)` is
 *   `a AND (x OR y)`), so `p_partkey = l_partkey` in each of Q19's arms keys the join;
 * - a WHERE's subquery-free conditions are pushed into its joins before decorrelation, so a
 *   FROM list filtered beside a NOT IN / correlated subquery (Q2, Q16) is not a cross product.
 * Each is checked on its plan and on its result against the reference evaluation (the plan as
 * written), with NULLs where three-valued logic could tell the forms apart.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Eddy } from '../../src/eddy.ts';

async function finalPlan(db: Eddy, sql: string): Promise<string[]> {
  const lines = (await db.query(`EXPLAIN ${sql}`)).rows.map((r) => String(r[0]));
  return lines.slice(lines.indexOf('prune columns:'));
}

async function sameAsReference(db: Eddy, sql: string): Promise<void> {
  const sorted = (rows: readonly unknown[][]) => rows.map((r) => JSON.stringify(r)).sort();
  const rewritten = sorted((await db.query(sql)).rows as unknown[][]);
  await db.execute('SET eddy.reference_evaluation = on');
  const reference = sorted((await db.query(sql)).rows as unknown[][]);
  await db.execute('SET eddy.reference_evaluation = off');
  assert.deepEqual(rewritten, reference);
  await db.execute(`CREATE MATERIALIZED VIEW check_view AS ${sql}`);
  assert.deepEqual(sorted((await db.query('SELECT * FROM check_view')).rows as unknown[][]), reference);
  await db.execute('DROP MATERIALIZED VIEW check_view');
}

async function withTables(run: (db: Eddy) => Promise<void>): Promise<void> {
  const db = await Eddy.open();
  try {
    await db.execute('CREATE TABLE a (k int, v int); CREATE TABLE b (k int, w int); CREATE TABLE c (k int)');
    await db.execute(
      'INSERT INTO a SELECT CASE WHEN i % 11 = 0 THEN NULL ELSE i % 30 END, CASE WHEN i % 7 = 0 THEN NULL ELSE i % 5 END FROM generate_series(1, 200) i;' +
        'INSERT INTO b SELECT CASE WHEN i % 13 = 0 THEN NULL ELSE i % 40 END, CASE WHEN i % 9 = 0 THEN NULL ELSE i % 4 END FROM generate_series(1, 150) i;' +
        'INSERT INTO c SELECT i * 3 FROM generate_series(1, 5) i',
    );
    await run(db);
  } finally {
    await db.close();
  }
}

test('a condition in every arm of an OR is factored out and keys the join', async () => {
  await withTables(async (db) => {
    const sql =
      'SELECT a.k, v, w FROM a, b WHERE (a.k = b.k AND v = 1 AND w > 1) OR (a.k = b.k AND v IS NULL) OR (b.k = a.k AND w = 0)';
    await sameAsReference(db, sql);
    const same =
      'SELECT a.k, v, w FROM a, b WHERE (a.k = b.k AND v = 1 AND w > 1) OR (a.k = b.k AND v IS NULL)';
    const factored = await finalPlan(db, same);
    assert.ok(
      factored.some((l) => /Inner Join ON \(\(k = k\) AND \(/.test(l)),
      factored.join('\n'),
    );
    await sameAsReference(db, same);
    // An arm that is only the common condition makes the rest true: the OR reduces to it.
    const absorbed = 'SELECT a.k, v, w FROM a, b WHERE (a.k = b.k) OR (a.k = b.k AND v IS NULL)';
    assert.ok((await finalPlan(db, absorbed)).some((l) => /Inner Join ON \(k = k\)$/.test(l)));
    await sameAsReference(db, absorbed);
    // Under NOT, the factored form must still give NULL where the original does.
    await sameAsReference(db, 'SELECT a.k, v FROM a WHERE NOT ((v = 1 AND a.k > 3) OR (v = 1 AND a.k < 10))');
  });
});

test('a WHERE beside a NOT IN subquery joins its FROM list before decorrelation', async () => {
  await withTables(async (db) => {
    const sql =
      'SELECT a.k, w FROM a, b WHERE a.k = b.k AND v > 0 AND w NOT IN (SELECT k FROM c WHERE c.k > 2)';
    const plan = await finalPlan(db, sql);
    assert.ok(
      plan.some((l) => /Inner Join ON \(k = k\)/.test(l)),
      plan.join('\n'),
    );
    assert.ok(!plan.some((l) => /Filter \(\(k = k\)/.test(l)), plan.join('\n'));
    await sameAsReference(db, sql);
    await sameAsReference(
      db,
      'SELECT a.k, v FROM a, b WHERE a.k = b.k AND v < (SELECT count(*) FROM c WHERE c.k > b.w)',
    );
  });
});
