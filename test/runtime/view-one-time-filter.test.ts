/**
 * A view whose WHERE has a one-time filter (quals that read no column of its rows, here an
 * uncorrelated subquery) raises a row error of its input only while that filter is TRUE, as the
 * same query ad hoc does and as PostgreSQL does: while it is not, the input computes nothing
 * (plan/optimize/gate-inputs.ts). The filter flips both ways as the subquery's table changes.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Eddy } from '../../src/index.ts';

const query =
  'SELECT x0.id FROM g AS x0 LEFT JOIN g AS x1 ON (x0.id = x1.id AND ARRAY[ARRAY[1], x1.arr] <> x1.arr) WHERE NOT EXISTS (SELECT 1 FROM h)';

async function outcome(db: Eddy, sql: string): Promise<string> {
  try {
    const { rows } = await db.query(sql);
    return JSON.stringify(rows.map((r) => r.map(String)).sort());
  } catch (e) {
    return `error ${(e as { code?: string }).code}`;
  }
}

test('a view raises its input row errors only while its one-time filter is TRUE', async () => {
  const db = await Eddy.open();
  await db.execute(`
    CREATE TABLE g (id integer, arr integer[]);
    CREATE TABLE h (id integer);
    INSERT INTO h VALUES (1);
    CREATE MATERIALIZED VIEW v AS ${query};
    INSERT INTO g VALUES (1, '{1}'), (2, '{1,2}');
  `);
  const states: [string, string][] = [];
  const check = async (expected: string) => {
    const [view, adhoc] = [await outcome(db, 'SELECT * FROM v'), await outcome(db, query)];
    states.push([view, adhoc]);
    assert.equal(view, expected);
    assert.equal(adhoc, expected);
  };
  await check('[]');
  await db.execute('DELETE FROM h');
  await check('error 2202E');
  await db.execute("UPDATE g SET arr = '{3}' WHERE id = 2");
  await check('[["1"],["2"]]');
  await db.execute("UPDATE g SET arr = '{4,5}' WHERE id = 1; INSERT INTO h VALUES (2)");
  await check('[]');
  await db.execute('DELETE FROM h');
  await check('error 2202E');
  await db.close();
});
