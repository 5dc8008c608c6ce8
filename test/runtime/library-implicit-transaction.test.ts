/**
 * @module test/runtime/library-implicit-transaction
 * `execute()` with several statements is one implicit transaction, as a multi-statement Query
 * is over the wire and in PostgreSQL: a failing statement undoes the earlier ones, the tables and
 * views they created included, and subscribers see nothing of them.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Eddy, EddyError } from '../../src/index.ts';

test('a failing last statement undoes the whole script: CREATEs and INSERTs', async () => {
  const db = await Eddy.open();
  try {
    await db.execute(
      'CREATE TABLE kept (a int); CREATE MATERIALIZED VIEW kept_n AS SELECT count(*) AS n FROM kept',
    );
    const seen: unknown[] = [];
    db.subscribe('kept_n', ({ changes }) => seen.push(...changes));
    await assert.rejects(
      db.execute(
        'CREATE TABLE gone (a int); INSERT INTO kept VALUES (1); INSERT INTO gone VALUES (2); SELECT 1/0',
      ),
      (e: unknown) => e instanceof EddyError && e.code === '22012',
    );
    assert.deepEqual((await db.query('SELECT count(*) FROM kept')).rows, [[0]]);
    assert.deepEqual((await db.query('SELECT n FROM kept_n')).rows, [[0]]);
    await assert.rejects(
      db.query('SELECT * FROM gone'),
      (e: unknown) => e instanceof EddyError && e.code === '42P01',
    );
    assert.deepEqual(seen, []);
  } finally {
    await db.close();
  }
});

test('a script that succeeds applies all of it, parameters included', async () => {
  const db = await Eddy.open();
  try {
    await db.execute(
      'CREATE TABLE p (a int, b text); INSERT INTO p VALUES ($1, $2); INSERT INTO p VALUES (2, $2)',
      [1, 'x'],
    );
    assert.deepEqual((await db.query('SELECT a, b FROM p ORDER BY a')).rows, [
      [1, 'x'],
      [2, 'x'],
    ]);
  } finally {
    await db.close();
  }
});

test('inside BEGIN … a failing statement aborts the transaction as before (25P02 until ROLLBACK)', async () => {
  const db = await Eddy.open();
  try {
    await db.execute('CREATE TABLE b (a int)');
    await db.execute('BEGIN');
    await assert.rejects(db.execute('INSERT INTO b VALUES (1); SELECT 1/0'));
    await assert.rejects(
      db.execute('SELECT 1'),
      (e: unknown) => e instanceof EddyError && e.code === '25P02',
    );
    await db.execute('ROLLBACK');
    assert.deepEqual((await db.query('SELECT count(*) FROM b')).rows, [[0]]);
  } finally {
    await db.close();
  }
});
