/**
 * A long ad-hoc query evaluated in slices reads one consistent step: a step committed between its
 * slices is invisible to it, also for a relation it first reads after its first slice (inside a
 * subquery). The guard's limits: cancel (57014), the memory estimate (53200), unit parsing.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { formatBytes, parseMemorySetting, QueryGuard } from '../../src/plan/evaluate/query-guard.ts';
import { Database } from '../../src/runtime/database.ts';
import { createDataflowMaintainer } from '../../src/runtime/dataflow-maintainer.ts';
import { PendingStatement } from '../../src/runtime/pending-statement.ts';
import { Session } from '../../src/runtime/session.ts';
import { loadParser } from '../../src/sql/front/index.ts';

before(async () => {
  await loadParser();
});

/** Starts `sql` sliced; it must not finish in its first slice. */
function startSliced(s: Session, sql: string): Promise<readonly unknown[][]> {
  try {
    s.execute(sql, [], undefined, true);
  } catch (e) {
    if (e instanceof PendingStatement) return e.result.then((r) => r.rows);
    throw e;
  }
  assert.fail('the query finished within its first slice');
}

test('steps committed between slices are invisible to a sliced query', async () => {
  const db = new Database(createDataflowMaintainer);
  const reader = new Session(db);
  const writer = new Session(db);
  writer.execute('CREATE TABLE t (id integer); CREATE TABLE u (id integer)');
  writer.execute('INSERT INTO t SELECT g FROM generate_series(1, 1000) g');
  writer.execute('INSERT INTO u VALUES (1), (2), (3)');
  // u is read by the scalar subquery, evaluated only after the long aggregate: after the first yield.
  const pending = startSliced(
    reader,
    'SELECT (SELECT count(*) FROM u) AS nu, count(*) AS n, sum(t.id) AS s FROM t, generate_series(1, 2000) g',
  );
  writer.execute('INSERT INTO t VALUES (5000)');
  writer.execute('INSERT INTO u VALUES (4)');
  writer.execute('DELETE FROM t WHERE id <= 10');
  assert.deepEqual(await pending, [[3, 2_000_000, 500_500 * 2000]]);
  assert.deepEqual(reader.execute('SELECT count(*) FROM u')[0]!.rows, [[4]]);
});

test('a cancelled sliced query fails with 57014; the session goes on', async () => {
  const db = new Database(createDataflowMaintainer);
  const s = new Session(db);
  const pending = startSliced(s, 'SELECT count(*) FROM generate_series(1, 3000000)');
  assert.equal(s.cancelStatement(), true);
  await assert.rejects(pending, { code: '57014', message: 'canceling statement due to user request' });
  assert.equal(s.cancelStatement(), false, 'nothing runs any more');
  assert.deepEqual(s.execute('SELECT 1')[0]!.rows, [[1]]);
});

test('the guard: memory estimate past its limit is 53200 naming the setting; units as PostgreSQL reads them', () => {
  const guard = new QueryGuard({ memoryBytesMax: 1024 * 1024 });
  assert.throws(
    () => {
      for (let i = 0; i < 1_000_000; i++) guard.produced(4);
    },
    (e: { code?: string; detail?: string }) =>
      e.code === '53200' && /eddy\.query_memory = 1MB/.test(e.detail ?? ''),
  );
  const cancelled = new QueryGuard();
  cancelled.cancel('shutdown');
  assert.throws(() => cancelled.check(), {
    code: '57014',
    message: 'canceling statement due to server shutdown',
  });
  assert.equal(parseMemorySetting('64MB'), 64 * 2 ** 20);
  assert.equal(parseMemorySetting('2 GB'), 2 * 2 ** 30);
  assert.equal(parseMemorySetting('1024'), 2 ** 20, 'a bare number is kB');
  assert.equal(parseMemorySetting('0'), 0);
  assert.equal(parseMemorySetting('lots'), null);
  assert.equal(formatBytes(512 * 2 ** 20), '512MB');
});

test('rows in flight: pulled slice by slice from one step; a cancel wakes a waiting receiver, then 57014', async () => {
  const db = new Database(createDataflowMaintainer);
  const reader = new Session(db);
  const writer = new Session(db);
  writer.execute('CREATE TABLE t (id integer)');
  writer.execute('INSERT INTO t SELECT g FROM generate_series(1, 1000) g');
  const sql = 'SELECT t.id, g FROM t, generate_series(1, 1000) g';
  const [first] = reader.execute(sql, [], undefined, true, true);
  assert.ok(first?.more, 'a million rows outlast the first slice');
  writer.execute('INSERT INTO t VALUES (5000)');
  let count = first.rows.length;
  let pulls = 0;
  while (!first.more.pull(() => ++count > 0)) pulls++;
  assert.equal(count, 1_000_000, 'the row inserted after the first slice is not seen');
  assert.ok(pulls > 0);
  assert.equal(reader.cancelStatement(), false, 'the statement ended with its rows');

  // A receiver that waits (a full socket) is woken by a cancel; the next pull fails.
  const [second] = reader.execute(sql, [], undefined, true, true);
  const more = second!.more!;
  const woken = new Promise<void>((resolve) => more.watch(resolve));
  assert.equal(reader.cancelStatement(), true);
  await woken;
  assert.throws(() => more.pull(() => true), { code: '57014' });
  assert.equal(reader.cancelStatement(), false);

  // statement_timeout wakes it too; closing early ends the statement.
  reader.execute("SET statement_timeout = '50ms'");
  const [third] = reader.execute(sql, [], undefined, true, true);
  await new Promise<void>((resolve) => third!.more!.watch(resolve));
  assert.throws(() => third!.more!.pull(() => true), { code: '57014', message: /statement timeout/ });
  reader.execute('RESET statement_timeout');
  const [fourth] = reader.execute(sql, [], undefined, true, true);
  fourth!.more!.close();
  assert.equal(reader.cancelStatement(), false);
});

/** Runs `sql` sliced; answers its rows and how many event-loop turns other work got meanwhile. */
async function turnsBeside(s: Session, sql: string): Promise<{ rows: readonly unknown[][]; turns: number }> {
  let turns = 0;
  let running = true;
  const spin = () => {
    if (!running) return;
    turns++;
    setImmediate(spin);
  };
  setImmediate(spin);
  try {
    return { rows: await startSliced(s, sql), turns };
  } finally {
    running = false;
  }
}

test('subqueries inside expressions run in slices: scalar, EXISTS, correlated, in WHERE and in a join ON', async () => {
  const db = new Database(createDataflowMaintainer);
  const s = new Session(db);
  s.execute('CREATE TABLE t (id integer); INSERT INTO t VALUES (1), (2), (3)');
  const big = 'generate_series(1, 1000000) g';
  // Each subquery counts a million rows: many 20 ms slices. Before, each ran to its end
  // inside the expression, in one slice, and other work got no turn meanwhile.
  const cases: [string, unknown[][]][] = [
    [`SELECT (SELECT count(*) FROM ${big}) AS n`, [[1_000_000]]],
    [`SELECT 1 AS one WHERE (SELECT count(*) FROM ${big}) > 5`, [[1]]],
    [`SELECT id FROM t WHERE EXISTS (SELECT 1 FROM ${big} WHERE g = 999999 + t.id) ORDER BY id`, [[1]]],
    [
      // Two correlated subqueries in one expression, each needing many slices, per outer row.
      `SELECT id, (SELECT count(*) FROM ${big} WHERE g > t.id) + (SELECT count(*) FROM ${big} WHERE g < t.id) AS n FROM t ORDER BY id`,
      [
        [1, 999_999],
        [2, 999_999],
        [3, 999_999],
      ],
    ],
    [
      `SELECT a.id, b.id FROM t a JOIN t b ON b.id = (SELECT max(g) FROM ${big} WHERE g <= a.id + 1) ORDER BY 1`,
      [
        [1, 2],
        [2, 3],
      ],
    ],
  ];
  for (const [sql, expected] of cases) {
    const { rows, turns } = await turnsBeside(s, sql);
    assert.deepEqual(rows, expected, sql);
    assert.ok(turns >= 5, `${sql}: other work got ${turns} turns`);
  }
  // A cancel lands inside a subquery running in slices; the session goes on.
  const pending = startSliced(s, `SELECT (SELECT count(*) FROM generate_series(1, 50000000)) AS n`);
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(s.cancelStatement(), true);
  await assert.rejects(pending, { code: '57014' });
  assert.deepEqual(s.execute('SELECT (SELECT count(*) FROM t) AS n')[0]!.rows, [[3]]);
});
