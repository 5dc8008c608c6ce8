/**
 * @module test/unit/evaluate-join-empty-side
 * The ad-hoc evaluator's rule for a join whose left input raises a row error before its first row
 * (docs/sql.md, "Which input of a join runs first"): in a join that outputs no left row alone, an
 * empty right input makes the join empty and the error is not raised; otherwise it is. Expected
 * answers were recorded from PostgreSQL 15 (fuzz 606:896). Ad hoc only: a view keeps the error.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Eddy } from '../../src/index.ts';

let db: Eddy;

before(async () => {
  db = await Eddy.open();
  await db.execute('CREATE TABLE t0 (id integer, i1 integer, a1 integer[])');
  await db.execute('CREATE TABLE t1 (id integer, i1 integer, v0 varchar(4))');
  await db.execute('CREATE TABLE e (id integer)');
  await db.execute('CREATE TABLE n (x integer)');
  await db.execute("INSERT INTO t0 VALUES (2, NULL, '{1,2,2}')");
  await db.execute("INSERT INTO t1 VALUES (5, 2, 'B')");
  await db.execute('INSERT INTO n VALUES (1), (0)');
});

after(async () => {
  await db.close();
});

/** A left join whose ON raises 2202E on t0's row: ARRAY[NULL, '{1,2,2}'] mixes dimensions. */
const raising = 't0 AS x0 LEFT JOIN t1 AS x1 ON (ARRAY[1] IS DISTINCT FROM ARRAY[NULL::integer[], x0.a1])';
/** A subquery that is empty at run time (t0's i1 is NULL). */
const empty = '(SELECT x6.v0 FROM t0 AS x5 JOIN t1 AS x6 USING (i1)) AS x2';

test('a raising left input joined with an empty input: no rows, no error (PostgreSQL 15)', async () => {
  for (const sql of [
    `SELECT 1 FROM ${raising}, ${empty}`,
    `SELECT 1 FROM ${raising} JOIN e ON x0.id = e.id`,
    `SELECT 1 FROM ${raising} RIGHT JOIN e ON true`,
    `SELECT 1 FROM ${empty}, ${raising}`,
  ]) {
    assert.deepEqual((await db.query(sql)).rows, [], sql);
  }
});

test('the error stays due when the other input has rows or the left rows are kept alone', async () => {
  for (const sql of [
    `SELECT 1 FROM ${raising} CROSS JOIN n`,
    `SELECT 1 FROM ${raising} LEFT JOIN e ON true`,
    `SELECT 1 FROM ${raising} FULL JOIN e ON true`,
  ]) {
    await assert.rejects(db.query(sql), (e: Error & { code?: string }) => e.code === '2202E', sql);
  }
});
