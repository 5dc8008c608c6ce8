/**
 * Point lookups on indexed relations (primary keys, CREATE INDEX on a materialized view) answer
 * exactly what a scan answers, through inserts, updates, deletes and duplicates, and without
 * reading the whole relation.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { Eddy } from '../../src/index.ts';
import { loadParser } from '../../src/sql/front/index.ts';

before(async () => {
  await loadParser();
});

test('an indexed lookup answers as a scan does', async () => {
  const db = await Eddy.open();
  await db.execute(`
    CREATE TABLE t (id integer PRIMARY KEY, g integer, v integer);
    CREATE MATERIALIZED VIEW by_g AS SELECT g, count(*) AS n, sum(v) AS total FROM t GROUP BY g;
    CREATE INDEX by_g_g ON by_g (g);
    CREATE MATERIALIZED VIEW pairs AS SELECT g, v FROM t;
    CREATE INDEX pairs_g ON pairs (g);
  `);
  const rows: unknown[][] = [];
  for (let i = 0; i < 200; i++) rows.push([i, i % 7, i % 3 === 0 ? null : i % 5]);
  await db.insert('t', rows as never);
  await db.execute('DELETE FROM t WHERE id % 11 = 0; UPDATE t SET g = g + 1 WHERE id % 13 = 0');
  for (const g of [0, 1, 3, 6, 7, 42, null]) {
    for (const [view, cols] of [
      ['by_g', 'g, n, total'],
      ['pairs', 'g, v'],
    ] as const) {
      const indexed = await db.query(`SELECT ${cols} FROM ${view} WHERE g = $1`, [g]);
      const scanned = await db.query(`SELECT ${cols} FROM ${view} WHERE g + 0 = $1`, [g]);
      const sort = (r: readonly unknown[][]) => r.map((x) => JSON.stringify(x)).sort();
      assert.deepEqual(
        sort(indexed.rows as unknown[][]),
        sort(scanned.rows as unknown[][]),
        `${view} g=${g}`,
      );
    }
  }
  const byKey = await db.query('SELECT v FROM t WHERE id = 5 AND v IS NOT NULL');
  assert.deepEqual(byKey.rows, [[0]]);
});
