/**
 * DDL inside a transaction: seen by that transaction alone until COMMIT (CREATE and DROP), and
 * undone by ROLLBACK with the object exactly as it is then: a dropped materialized view stays
 * maintained while the transaction is open (other sessions keep committing), so it comes back
 * equal to its query. The library's `execute` runs a multi-statement script as one implicit
 * transaction, as libpq's PQexec does.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { Eddy } from '../../src/index.ts';
import { Database } from '../../src/runtime/database.ts';
import { createDataflowMaintainer } from '../../src/runtime/dataflow-maintainer.ts';
import { Session } from '../../src/runtime/session.ts';
import { loadParser } from '../../src/sql/front/index.ts';

before(async () => {
  await loadParser();
});

function setup(): { db: Database; a: Session; b: Session } {
  const db = new Database(createDataflowMaintainer);
  const a = new Session(db);
  a.execute(
    'CREATE TABLE t (id integer PRIMARY KEY, v integer); INSERT INTO t VALUES (1, 10), (2, 20); ' +
      'CREATE MATERIALIZED VIEW s AS SELECT count(*) AS n, sum(v) AS total FROM t',
  );
  return { db, a, b: new Session(db) };
}

const rows = (s: Session, sql: string) => s.execute(sql).at(-1)!.rows;

test('a materialized view dropped and rolled back saw the steps committed meanwhile', () => {
  const { a, b } = setup();
  a.execute('BEGIN; DROP MATERIALIZED VIEW s');
  b.execute('INSERT INTO t VALUES (3, 30)');
  b.execute('UPDATE t SET v = 11 WHERE id = 1');
  a.execute('ROLLBACK');
  assert.deepEqual(rows(b, 'SELECT n, total FROM s'), [[3, 61]]);
  b.execute('DELETE FROM t WHERE id = 2');
  assert.deepEqual(rows(a, 'SELECT n, total FROM s'), [[2, 41]]);
});

test('a table dropped with CASCADE and rolled back keeps its rows, key, indexes and views', () => {
  const { a, b } = setup();
  a.execute('CREATE INDEX t_v ON t (v)');
  a.execute('BEGIN; DROP TABLE t CASCADE; CREATE TABLE t (other text)');
  assert.throws(() => a.execute('SELECT * FROM s'), { code: '42P01' });
  a.execute('ROLLBACK');
  assert.deepEqual(rows(b, 'SELECT id, v FROM t ORDER BY id'), [
    [1, 10],
    [2, 20],
  ]);
  assert.throws(() => b.execute('INSERT INTO t VALUES (1, 99)'), { code: '23505' });
  assert.throws(() => b.execute('CREATE INDEX t_v ON t (id)'), { code: '42P07' });
  b.execute('INSERT INTO t VALUES (5, 50)');
  assert.deepEqual(rows(a, 'SELECT n, total FROM s'), [[3, 80]]);
});

test('COMMIT of a DROP lets the contents go; a failed COMMIT brings the object back', () => {
  const { db, a, b } = setup();
  a.execute('BEGIN; UPDATE t SET v = 12 WHERE id = 1; DROP MATERIALIZED VIEW s');
  b.execute('UPDATE t SET v = 13 WHERE id = 1');
  assert.throws(() => a.execute('COMMIT'), { code: '40001' });
  assert.deepEqual(rows(a, 'SELECT n, total FROM s'), [[2, 33]]);
  const sId = db.catalog.relation('s')!.id;
  a.execute('BEGIN; DROP MATERIALIZED VIEW s; COMMIT');
  assert.equal(db.hasStore(sId), false);
  assert.deepEqual(
    db.operatorState().filter((o) => o.viewId === sId),
    [],
  );
});

test('CREATE in a transaction is seen by others only after COMMIT; its name is taken meanwhile', () => {
  const { a, b } = setup();
  a.execute("BEGIN; CREATE TABLE u (x integer); INSERT INTO u VALUES (1); CREATE TYPE tone AS ENUM ('lo')");
  a.execute('CREATE MATERIALIZED VIEW w AS SELECT count(*) AS n FROM u; CREATE INDEX u_x ON u (x)');
  assert.deepEqual(rows(a, 'SELECT x FROM u'), [[1]]);
  assert.throws(() => b.execute('SELECT * FROM u'), { code: '42P01' });
  assert.throws(() => b.execute('SELECT * FROM w'), { code: '42P01' });
  assert.throws(() => b.execute("SELECT 'lo'::tone"), { code: '42704' });
  assert.deepEqual(rows(b, "SELECT count(*) FROM pg_class WHERE relname IN ('u', 'w', 'u_x')"), [[0]]);
  assert.throws(() => b.execute('CREATE TABLE u (y text)'), { code: '55P03' });
  a.execute('COMMIT');
  assert.deepEqual(rows(b, 'SELECT x FROM u'), [[1]]);
  assert.deepEqual(rows(b, 'SELECT n FROM w'), [[1]]);
  assert.deepEqual(rows(b, "SELECT 'lo'::tone"), [['lo']]);
  assert.deepEqual(rows(b, "SELECT count(*) FROM pg_class WHERE relname IN ('u', 'w', 'u_x')"), [[3]]);
});

test('DROP in a transaction hides the object from it alone; others use it until COMMIT', () => {
  const { a, b } = setup();
  a.execute('BEGIN; DROP TABLE t CASCADE');
  assert.deepEqual(rows(a, "SELECT count(*) FROM pg_class WHERE relname IN ('t', 's')"), [[0]]);
  b.execute('INSERT INTO t VALUES (3, 30)');
  assert.deepEqual(rows(b, 'SELECT n, total FROM s'), [[3, 60]]);
  a.execute('COMMIT');
  assert.throws(() => b.execute('SELECT * FROM t'), { code: '42P01' });
  assert.throws(() => b.execute('SELECT * FROM s'), { code: '42P01' });
  b.execute('CREATE TABLE t (other text)');
});

test('COMMIT of a view over a table a concurrent commit dropped fails with 40001, leaving nothing', () => {
  const { db, a, b } = setup();
  a.execute('BEGIN; CREATE MATERIALIZED VIEW big AS SELECT id FROM t WHERE v > 15');
  b.execute('DROP TABLE t CASCADE');
  assert.throws(() => a.execute('COMMIT'), { code: '40001' });
  assert.throws(() => a.execute('SELECT * FROM big'), { code: '42P01' });
  assert.deepEqual(db.operatorState(), []);
});

test('library execute: a failing multi-statement script changes nothing', async () => {
  const eddy = await Eddy.open();
  try {
    await eddy.execute('CREATE TABLE k (x integer); INSERT INTO k VALUES (1)');
    await assert.rejects(
      eddy.execute('INSERT INTO k VALUES (2); DROP TABLE k; CREATE TABLE n (y integer); SELECT 1 / 0'),
      { code: '22012' },
    );
    assert.deepEqual((await eddy.query('SELECT x FROM k')).rows, [[1]]);
    await assert.rejects(eddy.query('SELECT * FROM n'), { code: '42P01' });
  } finally {
    await eddy.close();
  }
});
