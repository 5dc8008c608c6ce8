/**
 * @module test/server/statement-safety
 * Hostile ad-hoc statements over the wire (node-postgres): while session A runs each one, session
 * B's `SELECT 1` keeps getting answers and the server stays up. A computing query ends with 57014
 * on statement_timeout, CancelRequest and pg_cancel_backend, also inside a subquery of an
 * expression; one past eddy.query_memory with 53200; deep nesting, huge IN lists and literals answer or fail with their SQLSTATE.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type pg from 'pg';
import { cancelRequest, pgClient, startTestServer, type TestServer } from './pgwire-support.ts';

let t: TestServer;
let a: pg.Client;
let b: pg.Client;

before(async () => {
  t = await startTestServer();
  a = await pgClient(t.port);
  b = await pgClient(t.port);
});

after(async () => {
  await a.end();
  await b.end();
  await t.server.close();
});

/** A long query: ten million rows generated and counted (seconds of work). */
const heavy = 'SELECT count(*) FROM generate_series(1, 10000000)';

interface Outcome {
  readonly rows?: Record<string, unknown>[];
  readonly code?: string;
  readonly message?: string;
  /** How many of B's `SELECT 1` were answered while A's statement ran. */
  readonly answeredMeanwhile: number;
}

/**
 * Runs `sql` on A; meanwhile B sends `SELECT 1` again and again, and `duringRun` (once B got its
 * first answer, so A is surely computing) may act on A's statement.
 */
async function runBeside(sql: string | pg.QueryConfig, duringRun?: () => Promise<void>): Promise<Outcome> {
  let done = false;
  let answered = 0;
  const running = a.query(sql as pg.QueryConfig).then(
    (r: pg.QueryResult) => ({ rows: r.rows }),
    (e: { code?: string; message?: string }) => ({ code: e.code, message: e.message }),
  );
  running.finally(() => {
    done = true;
  });
  const pinger = (async () => {
    while (!done) {
      const r = await b.query('SELECT 1 AS one');
      assert.equal(r.rows[0].one, 1);
      if (!done) answered++;
      if (answered === 1 && duringRun) await duringRun();
    }
  })();
  const outcome = await running;
  await pinger;
  return { ...outcome, answeredMeanwhile: answered };
}

// The cancel tests act only once B was answered while A computes: they fail unless A yields.
test('statement_timeout stops a computing query with 57014', async () => {
  await a.query("SET statement_timeout = '1s'");
  try {
    const out = await runBeside(heavy);
    assert.equal(out.code, '57014');
    assert.equal(out.message, 'canceling statement due to statement timeout');
  } finally {
    await a.query('RESET statement_timeout');
  }
  assert.deepEqual((await a.query('SELECT 2 AS two')).rows, [{ two: 2 }]);
});

test('a CancelRequest stops a computing query with 57014 (extended protocol: Describe runs it)', async () => {
  const key = a as unknown as { processID: number; secretKey: number };
  const parameterized = {
    text: 'SELECT count(*) FROM generate_series(1, $1::integer)',
    values: [10_000_000],
  };
  const out = await runBeside(parameterized, () =>
    cancelRequest(t.port, { pid: key.processID, secret: key.secretKey }),
  );
  assert.equal(out.code, '57014');
  assert.equal(out.message, 'canceling statement due to user request');
});

test('pg_cancel_backend(pid) stops a computing query with 57014 and answers true', async () => {
  const pid = (await a.query('SELECT pg_backend_pid() AS pid')).rows[0].pid as number;
  let cancelled: unknown;
  const out = await runBeside(heavy, async () => {
    cancelled = (await b.query('SELECT pg_cancel_backend($1) AS c', [pid])).rows[0].c;
  });
  assert.equal(cancelled, true);
  assert.equal(out.code, '57014');
  // No such backend: false, as in PostgreSQL.
  assert.deepEqual((await b.query('SELECT pg_cancel_backend(-1) AS c')).rows, [{ c: false }]);
});

test('a subquery inside an expression yields to other sessions; statement_timeout ends it with 57014', async () => {
  // Before, the subquery ran to its end inside its expression, in one slice: B got no answer.
  await a.query("SET statement_timeout = '1500ms'");
  try {
    const out = await runBeside(`SELECT 1 + (${heavy.replace('10000000', '100000000')}) AS n`);
    assert.equal(out.code, '57014');
    assert.ok(out.answeredMeanwhile >= 1, 'B was answered while the subquery ran');
  } finally {
    await a.query('RESET statement_timeout');
  }
  const answered = await runBeside(`SELECT (${heavy.replace('10000000', '2000000')}) AS n`);
  assert.deepEqual(answered.rows, [{ n: '2000000' }]);
});

test('a sort of a cross join past eddy.query_memory fails with 53200 and says which limit; a smaller one answers', async () => {
  await a.query("SET eddy.query_memory = '64MB'");
  try {
    // The sort must hold every pair (a count of the pairs would stream them and hold none).
    const out = await runBeside(
      'SELECT x, y FROM generate_series(1, 10000) x, generate_series(1, 10000) y ORDER BY y, x',
    );
    assert.equal(out.code, '53200');
    const detail = await a
      .query('SELECT * FROM generate_series(1, 3000) x, generate_series(1, 3000) y ORDER BY y, x')
      .catch((e: { detail?: string; hint?: string }) => e);
    assert.match(String((detail as { detail?: string }).detail), /eddy\.query_memory = 64MB/);
    assert.match(String((detail as { hint?: string }).hint), /SET eddy\.query_memory/);
    const small = await a.query(
      'SELECT count(*)::int AS n FROM generate_series(1, 300) x, generate_series(1, 300) y',
    );
    assert.deepEqual(small.rows, [{ n: 90_000 }]);
  } finally {
    await a.query('RESET eddy.query_memory');
  }
  await assert.rejects(a.query("SET eddy.query_memory = 'lots'"), { code: '22023' });
  assert.match((await a.query('SHOW eddy.query_memory')).rows[0]['eddy.query_memory'], /^\d+(GB|MB)$/);
});

test('deep nesting, a 100,000-element IN list and a 20 MB literal answer or fail with their SQLSTATE', async () => {
  // PostgreSQL's own parser gives up on 10,000 parentheses with 42601 "memory exhausted".
  const deep = await runBeside(`SELECT ${'('.repeat(10_000)}1${')'.repeat(10_000)} AS v`);
  if (deep.code) assert.ok(deep.code === '54001' || deep.code === '42601', deep.code);
  else assert.deepEqual(deep.rows, [{ v: 1 }]);
  const sum = await runBeside(`SELECT ${Array.from({ length: 10_000 }, () => '1').join(' + ')} AS v`);
  if (sum.code) assert.equal(sum.code, '54001');
  else assert.deepEqual(sum.rows, [{ v: 10_000 }]);
  const list = Array.from({ length: 100_000 }, (_, i) => i).join(', ');
  const inList = await runBeside(`SELECT 99999 IN (${list}) AS hit, -1 IN (${list}) AS miss`);
  assert.deepEqual(inList.rows, [{ hit: true, miss: false }]);
  const literal = await runBeside(`SELECT length('${'x'.repeat(20 * 2 ** 20)}') AS n`);
  assert.deepEqual(literal.rows, [{ n: 20 * 2 ** 20 }]);
  const huge = await runBeside("SELECT length(repeat('ab', 600000000)) AS n");
  assert.equal(huge.code, '54000');
});

test('seven tables with their own filters and no join condition answer (filters go below the cross product)', async () => {
  for (let i = 1; i <= 7; i++) {
    await a.query(`CREATE TABLE f${i} (id integer PRIMARY KEY, v integer)`);
    await a.query(`INSERT INTO f${i} SELECT g, g % 100 FROM generate_series(1, 2000) g`);
  }
  const from = Array.from({ length: 7 }, (_, i) => `f${i + 1}`).join(', ');
  const where = Array.from({ length: 7 }, (_, i) => `f${i + 1}.v = ${i}`).join(' AND ');
  // 20 rows of each table pass: 20^7 would not fit, so count pairs of the first three only.
  const out = await runBeside(
    `SELECT count(*)::int AS n FROM ${from} WHERE ${where} AND f1.id < 150 AND f2.id < 150 AND f3.id < 150 AND f4.id < 150 AND f5.id < 150 AND f6.id < 150 AND f7.id < 150`,
  );
  // ids below 150 with id % 100 = i: two each (i, i + 100) except i = 0 (100 only).
  assert.deepEqual(out.rows, [{ n: 1 * 2 ** 6 }]);
});
