/**
 * An outer join stays outer where the WHERE does not reject its NULL-extended rows, even where
 * PostgreSQL 15 reduces it: `NOT (x = ANY(a)) IS UNKNOWN` is TRUE for a NULL-extended row when `a`
 * is empty (`NULL = ANY('{}')` is FALSE, not NULL), but PostgreSQL rewrites it to IS NOT UNKNOWN,
 * takes `= ANY` as strict, joins as INNER and returns no row, although its own projection of the
 * same condition shows TRUE (fuzz 808:283; checked by hand on 15.18). The golden files hold
 * PostgreSQL's answers, so this case, where PostgreSQL is wrong, lives here, in both modes.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Eddy } from '../../src/index.ts';

const from = 'FROM t2 AS x0 RIGHT JOIN t2 AS x1 ON x0.b1 = x1.b1 LEFT JOIN t1 AS x2 ON x0.id = x2.i0';
const where = 'WHERE NOT (x2.id = ANY(x1.a0)) IS UNKNOWN';

test('a WHERE that is TRUE on a NULL-extended row keeps the outer join (both modes)', async () => {
  const db = await Eddy.open();
  await db.execute(`
    CREATE TABLE t1 (id integer, i0 integer);
    CREATE TABLE t2 (id integer, b1 boolean, a0 integer[]);
    CREATE MATERIALIZED VIEW v AS SELECT x0.id, x2.id AS x2_id ${from} ${where};
    INSERT INTO t2 VALUES (13, false, '{}');
  `);
  const projected = await db.query(`SELECT NOT (x2.id = ANY(x1.a0)) IS UNKNOWN ${from}`);
  assert.deepEqual(projected.rows, [[true]]);
  assert.deepEqual((await db.query(`SELECT x0.id, x2.id ${from} ${where}`)).rows, [[13, null]]);
  assert.deepEqual((await db.query('SELECT * FROM v')).rows, [[13, null]]);
  // A non-empty array makes the condition NULL on that row, so the row goes, in both modes.
  await db.execute(`UPDATE t2 SET a0 = '{1}'`);
  assert.deepEqual((await db.query(`SELECT x0.id, x2.id ${from} ${where}`)).rows, []);
  assert.deepEqual((await db.query('SELECT * FROM v')).rows, []);
  await db.close();
});
