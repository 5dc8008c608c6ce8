/**
 * @module test/runtime/unsupported-shapes.test
 * Queries PostgreSQL accepts whose meaning Eddy does not implement yet: each must be refused with
 * 0A000, never answered wrongly (before these checks, both returned wrong rows).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EddyError } from '../../src/common/errors.ts';
import { Eddy } from '../../src/index.ts';

async function opened(): Promise<Eddy> {
  const db = await Eddy.open();
  await db.execute('CREATE TABLE t (k int, v int); INSERT INTO t VALUES (1, 10), (1, 20), (2, 30)');
  return db;
}

async function assertUnsupported(db: Eddy, sql: string, message: RegExp): Promise<void> {
  await assert.rejects(db.query(sql), (e: unknown) => {
    assert.ok(e instanceof EddyError, String(e));
    assert.equal(e.code, '0A000', e.message);
    assert.match(e.message, message);
    return true;
  });
}

test('a window frame with EXCLUDE is refused, not evaluated as if it had none', async () => {
  const db = await opened();
  for (const exclude of ['CURRENT ROW', 'GROUP', 'TIES'])
    await assertUnsupported(
      db,
      `SELECT sum(v) OVER (ORDER BY k ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING EXCLUDE ${exclude}) FROM t`,
      /EXCLUDE/,
    );
  const plain = await db.query('SELECT sum(v) OVER (ORDER BY v ROWS 1 PRECEDING EXCLUDE NO OTHERS) FROM t');
  assert.deepEqual(
    plain.rows.map((r) => Number(r[0])),
    [10, 30, 50],
  );
  await db.close();
});

test('a window aggregate with FILTER is refused, not evaluated without it', async () => {
  const db = await opened();
  await assertUnsupported(db, 'SELECT sum(v) FILTER (WHERE v > 10) OVER () FROM t', /FILTER/);
  await db.close();
});
