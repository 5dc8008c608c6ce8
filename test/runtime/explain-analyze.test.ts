/**
 * EXPLAIN ANALYZE runs an ad-hoc query as SELECT runs it and prints the plan it ran, each node
 * with its rows, its runs and its time; a node under a correlated subquery runs once per outer row.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Eddy } from '../../src/eddy.ts';

const stats = /\(rows=(\d+) loops=(\d+) time=(\d+\.\d{3}) ms\)$/;

async function explain(db: Eddy, sql: string): Promise<string[]> {
  return (await db.query(sql)).rows.map((r) => String(r[0]));
}

test('EXPLAIN ANALYZE counts each node’s rows and runs, and times it', async () => {
  const db = await Eddy.open();
  try {
    await db.execute('CREATE TABLE a (k int PRIMARY KEY, v int); CREATE TABLE b (k int, w int)');
    await db.execute(
      'INSERT INTO a SELECT i, i % 7 FROM generate_series(1, 100) i; INSERT INTO b SELECT i % 20, i FROM generate_series(1, 50) i',
    );
    const sql = 'SELECT v, count(*) FROM a JOIN b ON a.k = b.k WHERE w > 10 GROUP BY v ORDER BY v';
    const expected = await db.query(sql);
    const lines = await explain(db, `EXPLAIN ANALYZE ${sql}`);
    const nodes = lines.filter((l) => stats.test(l));
    assert.ok(nodes.length >= 5, lines.join('\n'));
    const rowsOf = (prefix: RegExp) => {
      const line = nodes.find((l) => prefix.test(l.trimStart().replace(/^-> /, '')));
      assert.ok(line !== undefined, `${prefix} in\n${lines.join('\n')}`);
      const m = stats.exec(line)!;
      return { rows: Number(m[1]), loops: Number(m[2]) };
    };
    assert.deepEqual(rowsOf(/^Get a /), { rows: 100, loops: 1 });
    // b's rows with w > 10: 40 of 50, whether the filter is its own node or the scan's.
    const join = rowsOf(/^Inner Join/);
    const joined = (await db.query('SELECT count(*) FROM a JOIN b ON a.k = b.k WHERE w > 10')).rows[0]![0];
    assert.equal(join.rows, Number(joined));
    assert.deepEqual(rowsOf(/^OrderBy/), { rows: expected.rows.length, loops: 1 });
    assert.match(lines[0]!, /^OrderBy v/);
    assert.ok(lines.includes(`Result rows: ${expected.rows.length}`));
    assert.match(lines.at(-1)!, /^Execution Time: \d+\.\d{3} ms$/);
    // The root's time includes its inputs'.
    const time = (l: string) => Number(stats.exec(l)![3]);
    assert.ok(time(nodes[0]!) >= time(nodes.at(-1)!));
  } finally {
    await db.close();
  }
});

test('EXPLAIN ANALYZE runs a query with a correlated subquery; EXPLAIN (ANALYZE false) prints the stages only', async () => {
  const db = await Eddy.open();
  try {
    await db.execute('CREATE TABLE a (k int PRIMARY KEY); CREATE TABLE b (k int)');
    await db.execute('INSERT INTO a VALUES (1), (2), (3); INSERT INTO b VALUES (1), (1), (3)');
    const lines = await explain(
      db,
      'SET eddy.reference_evaluation = on; EXPLAIN ANALYZE SELECT k FROM a WHERE k < (SELECT count(*) FROM b WHERE b.k = a.k) + 1',
    );
    assert.match(lines.find((l) => l.includes('Get a'))!, /\(rows=3 loops=1 /);
    assert.ok(lines.includes('Result rows: 1'), lines.join('\n'));
    const plain = await explain(db, 'EXPLAIN (ANALYZE false) SELECT k FROM a');
    assert.ok(plain.every((l) => !stats.test(l)));
    assert.ok(plain.includes('bound:'));
  } finally {
    await db.close();
  }
});
