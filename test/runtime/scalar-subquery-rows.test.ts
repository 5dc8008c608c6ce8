/**
 * A scalar subquery yielding several rows for an outer row is 21000 (PostgreSQL's "more than one
 * row returned by a subquery used as an expression"), in a maintained view too: the view holds
 * it as a row error while the extra rows last, instead of silently duplicating the outer row.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { Eddy } from '../../src/index.ts';
import { loadParser } from '../../src/sql/front/index.ts';

before(async () => {
  await loadParser();
});

const query = 'SELECT c_id, (SELECT v FROM o WHERE o.c_id = c.c_id) AS v FROM c';

async function rejects21000(db: Eddy, sql: string): Promise<void> {
  await assert.rejects(db.query(sql), (e: { code?: string }) => {
    assert.equal(e.code, '21000');
    return true;
  });
}

test('a view of a scalar subquery raises 21000 while an outer row has several values', async () => {
  const db = await Eddy.open();
  await db.execute(`
    CREATE TABLE c (c_id integer);
    CREATE TABLE o (c_id integer, v integer);
    CREATE MATERIALIZED VIEW mv AS ${query};
    INSERT INTO c VALUES (1), (2), (3);
    INSERT INTO o VALUES (1, 10), (1, 11), (2, 20);
  `);
  await rejects21000(db, query);
  await rejects21000(db, 'SELECT * FROM mv');
  await db.execute('DELETE FROM o WHERE v = 11');
  const expected = [
    [1, 10],
    [2, 20],
    [3, null],
  ];
  assert.deepEqual((await db.query(`${query} ORDER BY 1`)).rows, expected);
  assert.deepEqual((await db.query('SELECT * FROM mv ORDER BY 1')).rows, expected);
  await db.execute('INSERT INTO o VALUES (2, 20)');
  await rejects21000(db, 'SELECT * FROM mv');
});

test('a subquery bound to one row (an aggregate, LIMIT 1) needs no check', async () => {
  const db = await Eddy.open();
  await db.execute(`
    CREATE TABLE c (c_id integer);
    CREATE TABLE o (c_id integer, v integer);
    CREATE MATERIALIZED VIEW mv AS SELECT c_id,
      (SELECT max(v) FROM o WHERE o.c_id = c.c_id) AS top,
      (SELECT v FROM o WHERE o.c_id = c.c_id ORDER BY v LIMIT 1) AS low FROM c;
    INSERT INTO c VALUES (1), (2);
    INSERT INTO o VALUES (1, 10), (1, 11), (2, 20);
  `);
  assert.deepEqual((await db.query('SELECT * FROM mv ORDER BY 1')).rows, [
    [1, 11, 10],
    [2, 20, 20],
  ]);
  const explain = async (sql: string) => (await db.query(`EXPLAIN ${sql}`)).rows.flat().join('\n');
  const bounded = await explain(
    'SELECT (SELECT max(v) FROM o WHERE o.c_id = c.c_id), (SELECT v FROM o WHERE o.c_id = c.c_id LIMIT 1) FROM c',
  );
  assert.ok(!bounded.includes('too_many_rows'), bounded);
  assert.ok((await explain(query)).includes('too_many_rows'));
});
