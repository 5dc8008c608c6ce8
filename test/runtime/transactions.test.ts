/**
 * Transactions across sessions: writes inside BEGIN … COMMIT are seen by their own session at
 * once and by everyone else only after COMMIT, as one step; ROLLBACK and a failed transaction
 * leave nothing behind; primary keys are checked against the session's own pending writes.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
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
    'CREATE TABLE t (id integer PRIMARY KEY, v integer); CREATE MATERIALIZED VIEW s AS SELECT sum(v) AS total FROM t',
  );
  return { db, a, b: new Session(db) };
}

const rows = (s: Session, sql: string) => s.execute(sql).at(-1)!.rows;

test('uncommitted writes are visible only to their own session', () => {
  const { db, a, b } = setup();
  a.execute('INSERT INTO t VALUES (1, 10)');
  const step = db.currentStep;
  a.execute('BEGIN; INSERT INTO t VALUES (2, 20); UPDATE t SET v = 11 WHERE id = 1');
  assert.deepEqual(rows(a, 'SELECT id, v FROM t ORDER BY id'), [
    [1, 11],
    [2, 20],
  ]);
  assert.deepEqual(rows(b, 'SELECT id, v FROM t ORDER BY id'), [[1, 10]]);
  assert.deepEqual(rows(b, 'SELECT total FROM s'), [[10]]);
  assert.equal(db.currentStep, step);
  a.execute('COMMIT');
  assert.equal(db.currentStep, step + 1);
  assert.deepEqual(rows(b, 'SELECT id, v FROM t ORDER BY id'), [
    [1, 11],
    [2, 20],
  ]);
  assert.deepEqual(rows(b, 'SELECT total FROM s'), [[31]]);
});

test('ROLLBACK and a failed transaction leave nothing behind', () => {
  const { db, a, b } = setup();
  a.execute('BEGIN; INSERT INTO t VALUES (1, 1); ROLLBACK');
  assert.deepEqual(rows(b, 'SELECT count(*) FROM t'), [[0]]);
  a.execute('BEGIN; INSERT INTO t VALUES (2, 2)');
  assert.throws(() => a.execute('SELECT 1 / 0'), { code: '22012' });
  assert.throws(() => a.execute('SELECT 1'), { code: '25P02' });
  assert.deepEqual(a.execute('COMMIT')[0]!.command, 'ROLLBACK');
  assert.deepEqual(rows(b, 'SELECT count(*) FROM t'), [[0]]);
  assert.equal(db.currentStep, 0);
});

test('primary keys see the session’s own pending inserts and deletes', () => {
  const { a, b } = setup();
  a.execute('INSERT INTO t VALUES (1, 1)');
  a.execute('BEGIN; DELETE FROM t WHERE id = 1; INSERT INTO t VALUES (1, 5)');
  assert.throws(() => a.execute('INSERT INTO t VALUES (1, 6)'), { code: '23505' });
  a.execute('ROLLBACK');
  b.execute('BEGIN; INSERT INTO t VALUES (2, 2)');
  assert.throws(() => b.execute('INSERT INTO t VALUES (2, 3)'), { code: '23505' });
  b.execute('ROLLBACK');
  assert.deepEqual(rows(a, 'SELECT id, v FROM t'), [[1, 1]]);
});
