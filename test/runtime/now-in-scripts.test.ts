/**
 * now() is the start of the statement's transaction, also of the implicit transaction a script of
 * several statements runs in: that transaction opens before its first statement reads the clock,
 * and it used to keep the session's previous reading (0 on a fresh database).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Eddy, ManualClock } from '../../src/index.ts';

const T0 = 1_800_000_000_000_000;

async function lastRow(db: Eddy, sql: string): Promise<readonly unknown[]> {
  const results = await db.execute(sql);
  const rows = results[results.length - 1]!.rows as readonly (readonly unknown[])[];
  return rows[0]!;
}

test("a fresh database's first script reads the clock for now() and for DEFAULT now()", async () => {
  const clock = new ManualClock(T0);
  const db = await Eddy.open({ clock });
  try {
    assert.deepEqual(await lastRow(db, 'SELECT 1; SELECT now(), statement_timestamp()'), [T0, T0]);
    clock.advanceBy(5_000_000);
    // The next script's transaction starts later: not the previous script's reading.
    assert.deepEqual(await lastRow(db, 'SELECT 1; SELECT now()'), [T0 + 5_000_000]);
    clock.advanceBy(5_000_000);
    const row = await lastRow(
      db,
      'CREATE TABLE ev (id int, at timestamptz DEFAULT now()); INSERT INTO ev (id) VALUES (1); SELECT at FROM ev',
    );
    assert.deepEqual(row, [T0 + 10_000_000]);
  } finally {
    await db.close();
  }
});

test('now() stays the transaction start across the statements of an explicit block', async () => {
  const clock = new ManualClock(T0);
  const db = await Eddy.open({ clock });
  try {
    await db.execute('BEGIN');
    clock.advanceBy(1_000_000);
    assert.deepEqual(await lastRow(db, 'SELECT now(), statement_timestamp()'), [T0, T0 + 1_000_000]);
    await db.execute('COMMIT');
    clock.advanceBy(1_000_000);
    assert.deepEqual(await lastRow(db, 'SELECT now()'), [T0 + 2_000_000]);
  } finally {
    await db.close();
  }
});
