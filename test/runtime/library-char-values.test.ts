/**
 * @module test/runtime/library-char-values
 * char(n) values handed to the library as JavaScript strings take char's value form (padded to n,
 * as PostgreSQL stores them) and length rule (22001), through insert(), insertBatch() and primary
 * keys, so they group, compare, conflict and come back exactly as the same values inserted by SQL.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Eddy } from '../../src/index.ts';

test('insert() and insertBatch() give char(n) strings the value form SQL gives them', async () => {
  const db = await Eddy.open();
  await db.execute(`
    CREATE TABLE c (id int, x char(3));
    CREATE TABLE k (x char(3) PRIMARY KEY);
    CREATE MATERIALIZED VIEW g AS SELECT x, count(*) AS n FROM c GROUP BY x;
    INSERT INTO c VALUES (0, 'a')
  `);
  await db.insert('c', [
    [1, 'a  '],
    [2, 'a'],
  ]);
  await db.insertBatch('c', [3, 'a '], 1);
  assert.deepEqual((await db.query('SELECT x, n FROM g')).rows, [['a  ', 4]]);
  assert.deepEqual((await db.query('SELECT x FROM k')).rows, []);
  assert.deepEqual((await db.query("SELECT count(*) FROM c WHERE x = 'a'")).rows, [[4]]);
  await db.insert('k', [['b ']]);
  await assert.rejects(db.insert('k', [['b']]), { code: '23505' });
  assert.deepEqual((await db.query('SELECT x FROM k')).rows, [['b  ']]);
  await assert.rejects(db.insert('c', [[4, 'abcd']]), { code: '22001' });
  await assert.rejects(db.insertBatch('c', [4, 'abcd'], 1), { code: '22001' });
  assert.deepEqual((await db.query('SELECT count(*) FROM c')).rows, [[4]]);
});
