/**
 * @module test/unit/stack-depth
 * Statements nested deeper than Eddy's stack allows fail with 54001 (PostgreSQL's code for its
 * own stack check), when executed and when described, never as an internal error; the session
 * goes on and shallower statements still run.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Eddy } from '../../src/index.ts';
import { Database } from '../../src/runtime/database.ts';
import { createDataflowMaintainer } from '../../src/runtime/dataflow-maintainer.ts';
import { Session } from '../../src/runtime/session.ts';

const nested = (open: string, close: string, levels: number) =>
  `SELECT ${open.repeat(levels)}1${close.repeat(levels)}`;

test('deep nesting is 54001 when executed or described; the session goes on', async () => {
  const db = await Eddy.open();
  const session = new Session(new Database(createDataflowMaintainer));
  // 20,000 additions: PostgreSQL's answer too. 2,500 nested calls or arrays: PostgreSQL's deeper
  // stack copes (arrays then stop at the 7th dimension, 54000); Eddy's stops with 54001.
  for (const sql of [
    `SELECT ${'1+'.repeat(20000)}1`,
    nested('coalesce(', ')', 2500),
    nested('ARRAY[', ']', 2500),
  ]) {
    await assert.rejects(db.execute(sql), { code: '54001' }, sql.slice(0, 20));
    assert.throws(() => session.describe(sql), { code: '54001' });
  }
  assert.deepEqual((await db.query(nested('coalesce(', ')', 200))).rows, [[1]]);
  assert.deepEqual((await db.query('SELECT 40 + 2')).rows, [[42]]);
});
