/**
 * JavaScript functions over the wire: CREATE FUNCTION (which waits for the sandbox to load) and
 * calls through the simple and the extended protocol; a call that loops forever, one that
 * allocates without end and one that tries to reach the host fail with their SQLSTATEs, and the
 * server keeps serving the same session and another one. Outcomes only: no latency is asserted.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type pg from 'pg';
import { pgClient, startWithClient, stopWithClient, type TestServer } from './pgwire-support.ts';

let t: TestServer;
let first: pg.Client;
let second: pg.Client;

before(async () => {
  ({ t, client: first } = await startWithClient(
    `CREATE FUNCTION count_char(s text, c text) RETURNS bigint LANGUAGE javascript AS $$ return s.split(c).length - 1 $$`,
    `CREATE FUNCTION spin(n integer) RETURNS integer LANGUAGE javascript AS $$ for (;;) n++; $$`,
    `CREATE FUNCTION hoard(n integer) RETURNS integer LANGUAGE javascript AS $$ let k = [n]; for (;;) k = k.concat(k); $$`,
    `CREATE FUNCTION escape(n integer) RETURNS text LANGUAGE javascript AS $$ return globalThis.process.env.HOME $$`,
  ));
  second = await pgClient(t.port);
});
after(async () => {
  await second.end();
  await stopWithClient(t, first);
});

async function failsWith(sql: string, code: string): Promise<void> {
  await assert.rejects(first.query(sql), (e: { code?: string }) => {
    assert.equal(e.code, code);
    return true;
  });
}

test('a JavaScript function answers through the simple and the extended protocol', async () => {
  assert.deepEqual((await first.query(`SELECT count_char('abcabc', 'c') AS n`)).rows, [{ n: '2' }]);
  assert.deepEqual((await first.query('SELECT count_char($1, $2) AS n', ['ccc', 'c'])).rows, [{ n: '3' }]);
});

test('a loop, a hoard and an escape fail; both sessions keep being served', async () => {
  await failsWith('SELECT spin(1)', '57014');
  await failsWith('SELECT hoard(1)', '38000');
  await failsWith('SELECT escape(1)', '38000');
  assert.deepEqual((await first.query('SELECT 1 AS one')).rows, [{ one: 1 }]);
  assert.deepEqual((await second.query(`SELECT count_char('cc', 'c') AS n`)).rows, [{ n: '2' }]);
});
