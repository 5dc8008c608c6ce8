/**
 * @module test/unit/slt-feed.test
 * Incremental mode's feed: INSERT/CREATE TABLE scanning, grouping of a file, and the seeded schedule's
 * invariant (at every checkpoint the tables hold exactly the rows the file has inserted so far), replayed
 * on an in-memory multiset with the same delete semantics as the generated SQL.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { classify, type FeedRow, type Group, planGroups } from '../slt/runner/feed-plan.ts';
import { schedule, seededRandom } from '../slt/runner/feed-schedule.ts';
import { planFile } from '../slt/runner/file-plan.ts';
import { parseSlt } from '../slt/runner/parser.ts';
import { scanCreateTable, scanInsert } from '../slt/runner/sql-scan.ts';

describe('sql-scan', () => {
  test('CREATE TABLE columns, defaults and types', () => {
    const t = scanCreateTable(
      'CREATE TABLE T1(a INTEGER, "B" REAL DEFAULT 1, c TEXT NOT NULL, PRIMARY KEY (a))',
    );
    assert.ok(t);
    assert.equal(t.name, 't1');
    assert.deepEqual(
      t.columns.map((c) => [c.name, c.sqlName, c.hasDefault, c.typeText]),
      [
        ['a', 'a', false, 'INTEGER'],
        ['B', '"B"', true, 'REAL'],
        ['c', 'c', false, 'TEXT'],
      ],
    );
    assert.equal(scanCreateTable('CREATE TABLE t AS SELECT 1'), null);
  });

  test('INSERT rows with literals; anything else is opaque', () => {
    const ins = scanInsert("INSERT INTO t1(e,c) VALUES(103,-2.50), (NULL, 'it''s');");
    assert.ok(ins);
    assert.deepEqual(ins.columns, ['e', 'c']);
    assert.deepEqual(
      ins.rows.map((r) => r.map((l) => [l.text, l.key])),
      [
        [
          ['103', 'n103'],
          ['-2.50', 'n-2.5'],
        ],
        [
          ['NULL', 'null'],
          ["'it''s'", "sit's"],
        ],
      ],
    );
    assert.equal(scanInsert('INSERT INTO t SELECT * FROM u'), null);
    assert.equal(scanInsert('INSERT INTO t VALUES (1 + 2)'), null);
  });

  test('statement classes', () => {
    assert.equal(classify('CREATE TABLE t(a INTEGER)', false), 'ddl');
    assert.equal(classify('CREATE INDEX i ON t(a)', false), 'ddl');
    assert.equal(classify('INSERT INTO t VALUES (1)', false), 'rows');
    assert.equal(classify('INSERT INTO t VALUES (1)', true), 'opaque');
    assert.equal(classify('UPDATE t SET a = 1', false), 'opaque');
    assert.equal(classify('DROP TABLE t', false), 'barrier');
    assert.equal(classify('CREATE TABLE t AS SELECT 1', false), 'barrier');
  });
});

const file = `
statement ok
CREATE TABLE t(a INTEGER, b INTEGER)

statement ok
INSERT INTO t VALUES (1, 2), (1, 2), (3, NULL)

statement ok
INSERT INTO t(b) VALUES (7)

query I rowsort
SELECT a FROM t

statement ok
INSERT INTO t VALUES (4, 5)

statement ok
UPDATE t SET b = 0 WHERE a = 4

statement ok
INSERT INTO t VALUES (6, 6)

query I rowsort
SELECT b FROM t

statement ok
DROP TABLE t

statement ok
CREATE TABLE t(a INTEGER)

statement ok
INSERT INTO t VALUES (9)

query I rowsort
SELECT a FROM t
`;

describe('planGroups', () => {
  const groups = planGroups(planFile('f.test', parseSlt(file), 1));

  test('a barrier starts a group that replays the file up to it', () => {
    assert.equal(groups.length, 2);
    assert.deepEqual(groups[0].setup, []);
    assert.equal(groups[0].ddl.length, 1);
    assert.deepEqual(
      groups[0].checkpoints.map((c) => c.feedPos),
      [4, 7],
    );
    assert.deepEqual(
      groups[0].feed.map((f) => f.kind),
      ['row', 'row', 'row', 'row', 'row', 'opaque', 'row'],
    );
    assert.equal(groups[1].barrier, groups[1].setup[groups[1].setup.length - 1]);
    assert.equal(groups[1].setup.length, 7);
  });

  test('rows get an exact delete; omitted columns without default are NULL', () => {
    const rows = groups[0].feed.flatMap((f) => (f.kind === 'row' ? [f.row] : []));
    assert.equal(rows[0].deleteSql, 'DELETE FROM t WHERE a = 1 AND b = 2');
    assert.equal(rows[0].key, rows[1].key);
    assert.equal(rows[2].deleteSql, 'DELETE FROM t WHERE a = 3 AND b IS NULL');
    assert.equal(rows[3].insertSql, 'INSERT INTO t (b) VALUES (7)');
    assert.equal(rows[3].deleteSql, 'DELETE FROM t WHERE a IS NULL AND b = 7');
  });
});

/** Replays a schedule on a multiset keyed like the SQL: a delete removes every copy of equal rows. */
function replay(group: Group, seed: number): { checkpoints: number; deletes: number; steps: number } {
  const table = new Map<string, number>();
  const identity = (r: FeedRow): string => r.key ?? r.insertSql;
  let checkpoints = 0;
  let deletes = 0;
  let steps = 0;
  for (const step of schedule(group, seededRandom(seed))) {
    if (step.kind === 'batch') {
      steps++;
      for (const r of step.deletes) {
        assert.notEqual(r.deleteSql, null);
        assert.ok((table.get(identity(r)) ?? 0) > 0, 'deletes only rows that are there');
        table.delete(identity(r));
        deletes++;
      }
      for (const r of step.inserts) table.set(identity(r), (table.get(identity(r)) ?? 0) + 1);
    } else if (step.kind === 'checkpoint') {
      checkpoints++;
      const want = new Map<string, number>();
      for (const item of group.feed.slice(0, step.feedPos)) {
        if (item.kind === 'row') want.set(identity(item.row), (want.get(identity(item.row)) ?? 0) + 1);
      }
      assert.deepEqual([...table].sort(), [...want].sort(), `seed ${seed}, checkpoint at ${step.feedPos}`);
    } else {
      steps++;
    }
  }
  return { checkpoints, deletes, steps };
}

describe('schedule', () => {
  test('every checkpoint sees exactly the rows inserted so far, for many seeds', () => {
    const [group] = planGroups(planFile('f.test', parseSlt(file), 1));
    let deletes = 0;
    for (let seed = 0; seed < 200; seed++) {
      const r = replay(group, seed);
      assert.equal(r.checkpoints, 2);
      deletes += r.deletes;
    }
    assert.ok(deletes > 50, 'the schedule does delete rows');
  });

  test('a large feed takes few, random-sized batches', () => {
    const inserts = Array.from(
      { length: 1000 },
      (_, i) => `statement ok\nINSERT INTO t VALUES (${i}, ${i % 7})\n`,
    );
    const text = `statement ok\nCREATE TABLE t(a INTEGER, b INTEGER)\n\n${inserts.join('\n')}\nquery I rowsort\nSELECT a FROM t\n`;
    const [group] = planGroups(planFile('big.test', parseSlt(text), 1));
    const r = replay(group, 7);
    assert.equal(r.checkpoints, 1);
    assert.ok(r.steps < 60, `${r.steps} steps`);
  });
});
