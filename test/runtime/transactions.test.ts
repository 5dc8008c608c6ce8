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

test('a transaction reads as of its snapshot: no commit of another session shows up midway', () => {
  const { db, a, b } = setup();
  a.execute('INSERT INTO t VALUES (1, 10), (2, 20)');
  a.execute('BEGIN');
  assert.deepEqual(rows(a, 'SELECT v FROM t WHERE id = 1'), [[10]]);
  b.execute('BEGIN; UPDATE t SET v = 11 WHERE id = 1; UPDATE t SET v = 21 WHERE id = 2; COMMIT');
  b.execute('INSERT INTO t VALUES (3, 30)');
  assert.deepEqual(rows(a, 'SELECT id, v FROM t ORDER BY id'), [
    [1, 10],
    [2, 20],
  ]);
  assert.deepEqual(rows(a, 'SELECT total FROM s'), [[30]]);
  assert.deepEqual(rows(a, 'SELECT v FROM t WHERE id = 2'), [[20]]);
  assert.ok(db.commitLog.retainedSteps > 0);
  a.execute('COMMIT');
  assert.equal(db.commitLog.retainedSteps, 0);
  assert.deepEqual(rows(a, 'SELECT total FROM s'), [[62]]);
});

test('COMMIT after another session inserted the same key fails with 23505 and leaves nothing', () => {
  const { db, a, b } = setup();
  a.execute('BEGIN; INSERT INTO t VALUES (1, 1); INSERT INTO t VALUES (2, 2)');
  b.execute('INSERT INTO t VALUES (1, 100)');
  assert.throws(() => a.execute('COMMIT'), { code: '23505' });
  assert.equal(a.transaction, null);
  assert.deepEqual(rows(b, 'SELECT id, v FROM t ORDER BY id'), [[1, 100]]);
  assert.deepEqual(rows(b, 'SELECT total FROM s'), [[100]]);
  assert.equal(db.commitLog.retainedSteps, 0);
  // Inside a transaction, a key committed by someone else since the snapshot is taken too.
  a.execute('BEGIN; SELECT 1');
  b.execute('INSERT INTO t VALUES (5, 5)');
  assert.throws(() => a.execute('INSERT INTO t VALUES (5, 6)'), { code: '23505' });
  a.execute('ROLLBACK');
});

test('COMMIT of a row another session changed since the snapshot fails with 40001, all or nothing', () => {
  const { a, b } = setup();
  a.execute('INSERT INTO t VALUES (1, 1), (2, 2)');
  a.execute('BEGIN; INSERT INTO t VALUES (3, 3); UPDATE t SET v = v + 10 WHERE id = 1');
  b.execute('UPDATE t SET v = v + 100 WHERE id = 1');
  assert.throws(() => a.execute('COMMIT'), { code: '40001', message: /concurrent update/ });
  assert.deepEqual(rows(b, 'SELECT id, v FROM t ORDER BY id'), [
    [1, 101],
    [2, 2],
  ]);
  assert.deepEqual(rows(b, 'SELECT total FROM s'), [[103]]);
  // A delete conflicts the same way; a write to another row does not.
  a.execute('BEGIN; DELETE FROM t WHERE id = 2');
  b.execute('DELETE FROM t WHERE id = 2');
  assert.throws(() => a.execute('COMMIT'), { code: '40001' });
  a.execute('BEGIN; UPDATE t SET v = 0 WHERE id = 1');
  b.execute('INSERT INTO t VALUES (2, 2)');
  assert.equal(a.execute('COMMIT')[0]!.command, 'COMMIT');
  assert.deepEqual(rows(b, 'SELECT total FROM s'), [[2]]);
});

test('tables without a primary key: a row deleted by both fails the later commit', () => {
  const { a, b } = setup();
  a.execute('CREATE TABLE bag (x integer); INSERT INTO bag VALUES (1), (1), (2)');
  a.execute('BEGIN; DELETE FROM bag WHERE x = 2');
  b.execute('BEGIN; DELETE FROM bag WHERE x = 2; INSERT INTO bag VALUES (1)');
  a.execute('COMMIT');
  assert.throws(() => b.execute('COMMIT'), { code: '40001' });
  assert.deepEqual(rows(a, 'SELECT x FROM bag ORDER BY x'), [[1], [1]]);
});

test('20 sessions on 10 hot rows: failed commits leave nothing, the view equals the table', () => {
  const db = new Database(createDataflowMaintainer);
  const setupSession = new Session(db);
  setupSession.execute(
    'CREATE TABLE hot (id integer PRIMARY KEY, v integer); CREATE MATERIALIZED VIEW hot_copy AS SELECT id, v FROM hot',
  );
  for (let id = 0; id < 10; id++) setupSession.execute(`INSERT INTO hot VALUES (${id}, 0)`);
  const sessions = Array.from({ length: 20 }, () => new Session(db));
  let seed = 7;
  const random = (n: number): number => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed % n;
  };
  let committedIncrements = 0;
  let failedCommits = 0;
  const pending = new Map<Session, number>();
  for (let round = 0; round < 600; round++) {
    const s = sessions[random(sessions.length)]!;
    if (!s.transaction) {
      s.execute('BEGIN');
      pending.set(s, 0);
    }
    if (random(3) > 0) {
      s.execute(`UPDATE hot SET v = v + 1 WHERE id = ${random(10)}`);
      const insert = random(4) === 0;
      if (insert) s.execute(`INSERT INTO hot VALUES (${100 + round}, 1)`);
      pending.set(s, pending.get(s)! + (insert ? 2 : 1));
      continue;
    }
    try {
      s.execute('COMMIT');
      committedIncrements += pending.get(s)!;
    } catch (err) {
      assert.equal((err as { code: string }).code, '40001');
      failedCommits++;
    }
  }
  for (const s of sessions) s.rollback();
  const table = rows(setupSession, 'SELECT id, v FROM hot ORDER BY id');
  assert.deepEqual(rows(setupSession, 'SELECT id, v FROM hot_copy ORDER BY id'), table);
  assert.equal(
    table.reduce((sum, r) => sum + Number(r[1]), 0),
    committedIncrements,
  );
  assert.ok(failedCommits > 10, `expected conflicts, saw ${failedCommits}`);
  assert.equal(db.commitLog.retainedSteps, 0);
});

test('READ ONLY transactions refuse writes with 25006', () => {
  const { a } = setup();
  a.execute('BEGIN READ ONLY');
  assert.deepEqual(rows(a, 'SHOW transaction_read_only'), [['on']]);
  assert.throws(() => a.execute('INSERT INTO t VALUES (1, 1)'), {
    code: '25006',
    message: 'cannot execute INSERT in a read-only transaction',
  });
  a.execute('ROLLBACK');
  a.execute('BEGIN; SET TRANSACTION READ ONLY');
  assert.throws(() => a.execute('UPDATE t SET v = 1'), { code: '25006' });
  a.execute('ROLLBACK');
  a.execute('START TRANSACTION READ ONLY');
  assert.throws(() => a.execute('CREATE TABLE u (x integer)'), { code: '25006' });
  a.execute('ROLLBACK');
  a.execute('SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY');
  assert.throws(() => a.execute('DELETE FROM t'), { code: '25006' });
  a.execute('SET default_transaction_read_only = off');
  a.execute('INSERT INTO t VALUES (1, 1)');
  assert.deepEqual(rows(a, 'SELECT count(*) FROM t'), [[1]]);
});

test('SERIALIZABLE rolls back a write skew that snapshot isolation lets through', () => {
  const { a, b } = setup();
  a.execute('CREATE TABLE u (id integer PRIMARY KEY, v integer)');
  a.execute('INSERT INTO t VALUES (1, 1); INSERT INTO u VALUES (1, 1)');
  const skew = (level: string): string => {
    a.execute(`BEGIN ISOLATION LEVEL ${level}; SELECT sum(v) FROM t; UPDATE u SET v = v + 1`);
    b.execute(`BEGIN ISOLATION LEVEL ${level}; SELECT sum(v) FROM u; UPDATE t SET v = v + 1`);
    b.execute('COMMIT');
    try {
      return a.execute('COMMIT')[0]!.command;
    } catch (err) {
      return (err as { code: string }).code;
    }
  };
  assert.equal(skew('REPEATABLE READ'), 'COMMIT');
  assert.equal(skew('SERIALIZABLE'), '40001');
  // Reads by primary key count only the keys read: other keys may change meanwhile, a key read
  // may not (not even by an insert of a key that was missing).
  const keyed = (otherKey: number): string => {
    a.execute(
      'BEGIN ISOLATION LEVEL SERIALIZABLE; SELECT v FROM t WHERE id = 1; SELECT v FROM t WHERE id = 7',
    );
    a.execute('UPDATE u SET v = v + 1 WHERE id = 1');
    b.execute(`INSERT INTO t VALUES (${otherKey}, 0)`);
    try {
      return a.execute('COMMIT')[0]!.command;
    } catch (err) {
      return (err as { code: string }).code;
    }
  };
  assert.equal(keyed(5), 'COMMIT');
  assert.equal(keyed(7), '40001');
  // ON CONFLICT DO NOTHING read the key it found taken: its deletion meanwhile is a conflict.
  a.execute('BEGIN ISOLATION LEVEL SERIALIZABLE; INSERT INTO t VALUES (1, 9) ON CONFLICT DO NOTHING');
  a.execute('UPDATE u SET v = 0 WHERE id = 1');
  b.execute('DELETE FROM t WHERE id = 1');
  assert.throws(() => a.execute('COMMIT'), { code: '40001' });
  assert.deepEqual(rows(a, 'SHOW transaction_isolation'), [['repeatable read']]);
  a.execute('BEGIN ISOLATION LEVEL SERIALIZABLE');
  assert.deepEqual(rows(a, 'SHOW transaction_isolation'), [['serializable']]);
  a.execute('SELECT 1');
  assert.throws(() => a.execute('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ'), { code: '25001' });
  a.execute('ROLLBACK');
});

test('ROLLBACK drops the objects the transaction created', () => {
  const { a, b } = setup();
  a.execute(
    "BEGIN; CREATE TABLE u (x integer); INSERT INTO u VALUES (1); CREATE MATERIALIZED VIEW w AS SELECT x FROM u; CREATE TYPE mood AS ENUM ('ok')",
  );
  a.execute('ROLLBACK');
  assert.throws(() => b.execute('SELECT * FROM u'), { code: '42P01' });
  assert.throws(() => b.execute('SELECT * FROM w'), { code: '42P01' });
  b.execute("CREATE TYPE mood AS ENUM ('ok'); CREATE TABLE u (x integer)");
});

test('a snapshot needing more changes than the commit log keeps fails with 72000, not memory', () => {
  const { db, a, b } = setup();
  db.commitLog.rowsMax = 15; // each step: a row of t, two of the view s
  a.execute('BEGIN; SELECT count(*) FROM t');
  for (let id = 1; id <= 4; id++) b.execute(`INSERT INTO t VALUES (${id}, ${id})`);
  assert.deepEqual(rows(a, 'SELECT count(*) FROM t'), [[0]]);
  for (let id = 5; id <= 10; id++) b.execute(`INSERT INTO t VALUES (${id}, ${id})`);
  assert.ok(db.commitLog.retainedSteps <= 5);
  assert.throws(() => a.execute('SELECT count(*) FROM t'), { code: '72000' });
  a.execute('ROLLBACK');
  assert.equal(db.commitLog.retainedSteps, 0);
  a.execute('BEGIN; UPDATE t SET v = 0 WHERE id = 1; COMMIT');
  assert.deepEqual(rows(b, 'SELECT v FROM t WHERE id = 1'), [[0]]);
});
