/**
 * Regular expressions cannot stall the server (issue 9): catastrophic backtracking shapes on
 * 50,000-character texts answer, ad hoc and in a materialized view's step, while a second
 * node-postgres session keeps getting `SELECT 1` answers; a back-reference search past the
 * backtracker's budget fails with 2201B (a row error in a view) and the server keeps serving.
 * Outcomes only: no latency is asserted.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type pg from 'pg';
import { pgClient, startWithClient, stopWithClient, type TestServer } from './pgwire-support.ts';

let t: TestServer;
let first: pg.Client;
let second: pg.Client;

const SHAPES = ['(a+)+b', '(a|a)*b', '(a*)*b', '(a{1,10}){1,10}b', '^(a|aa)+$'];
/** (a+)+ splits the a's every way before \1 can be shown never to equal the longer tail. */
const BLOWS_BUDGET = `repeat('a', 50) || 'b' || repeat('a', 51)`;

before(async () => {
  ({ t, client: first } = await startWithClient(
    'CREATE TABLE big (id integer, s text)',
    `CREATE MATERIALIZED VIEW shapes AS SELECT id, ${SHAPES.map((p, i) => `s ~ '${p}' AS m${i}`).join(', ')}, s ~ '(x+x+)+y' AS mx FROM big`,
  ));
  second = await pgClient(t.port);
});
after(async () => {
  await second.end();
  await stopWithClient(t, first);
});

/** Runs `work` on the first session while the second sends `SELECT 1` until it is done. */
async function whileSecondSelects<T>(work: Promise<T>): Promise<{ result: T; answers: number }> {
  let done = false;
  let answers = 0;
  const pings = (async () => {
    while (!done) {
      const r = await second.query('SELECT 1 AS one');
      assert.equal(r.rows[0].one, 1);
      answers++;
    }
  })();
  try {
    const result = await work;
    done = true;
    await pings;
    // The first ping was sent before the work's answer came back, so it was served meanwhile.
    assert.ok(answers >= 1);
    return { result, answers };
  } finally {
    done = true;
    await pings;
  }
}

test('catastrophic shapes answer ad hoc while a second session is served', async () => {
  const sql = `SELECT ${SHAPES.map((p) => `s ~ '${p}'`).join(', ')}, repeat('x', 50000) ~ '(x+x+)+y' FROM (VALUES (repeat('a', 50000))) AS v(s)`;
  const { result } = await whileSecondSelects(first.query({ text: sql, rowMode: 'array' }));
  assert.deepEqual(result.rows, [[false, false, false, false, true, false]]);
  const after = await second.query('SELECT 1 AS one');
  assert.equal(after.rows[0].one, 1);
});

test("a materialized view's step over catastrophic shapes completes", async () => {
  const insert = first.query(
    `INSERT INTO big VALUES (1, repeat('a', 50000)), (2, repeat('a', 50000) || 'b'), (3, repeat('x', 50000) || 'y')`,
  );
  await whileSecondSelects(insert);
  const r = await first.query({ text: 'SELECT * FROM shapes ORDER BY id', rowMode: 'array' });
  assert.deepEqual(r.rows, [
    [1, false, false, false, false, true, false],
    [2, true, true, true, true, false, false],
    [3, false, false, false, false, false, true],
  ]);
});

test('a back-reference search past the budget fails with 2201B and the server keeps serving', async () => {
  const { result } = await whileSecondSelects(
    first.query(`SELECT s ~ '^(a+)+b\\1$' FROM (VALUES (${BLOWS_BUDGET})) AS v(s)`).then(
      () => null,
      (e: { code?: string; message?: string }) => e,
    ),
  );
  assert.equal(result?.code, '2201B');
  assert.equal(result?.message, 'invalid regular expression: regular expression is too complex');
  assert.equal((await first.query('SELECT 1 AS one')).rows[0].one, 1);
});

test('in a view, the budget error is a row error: the step completes and the view recovers', async () => {
  await first.query('CREATE TABLE words (id integer, s text)');
  await first.query(`CREATE MATERIALIZED VIEW repeats AS SELECT id, s ~ '^(a+)+b\\1$' AS m FROM words`);
  await whileSecondSelects(first.query(`INSERT INTO words VALUES (1, 'aabaa'), (2, ${BLOWS_BUDGET})`));
  await assert.rejects(first.query('SELECT * FROM repeats'), (e: { code?: string }) => e.code === '2201B');
  await first.query('DELETE FROM words WHERE id = 2');
  const r = await first.query({ text: 'SELECT * FROM repeats', rowMode: 'array' });
  assert.deepEqual(r.rows, [[1, true]]);
});
