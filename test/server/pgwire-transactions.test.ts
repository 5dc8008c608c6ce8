/**
 * Transactions over the wire, with node-postgres sessions: a COMMIT that conflicts with another
 * session's commit fails whole (23505 for a key, 40001 for a row changed meanwhile) and the
 * session is usable again; a multi-statement query is one implicit transaction, CREATEs
 * included; READ ONLY transactions refuse writes (25006).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type pg from 'pg';
import { pgClient, startTestServer, type TestServer } from './pgwire-support.ts';

let t: TestServer;
let a: pg.Client;
let b: pg.Client;

before(async () => {
  t = await startTestServer();
  a = await pgClient(t.port);
  b = await pgClient(t.port);
  await a.query(
    'CREATE TABLE acct (id int PRIMARY KEY, v int); CREATE MATERIALIZED VIEW acct_copy AS SELECT id, v FROM acct',
  );
});

after(async () => {
  await a.end();
  await b.end();
  await t.server.close();
});

const contents = async (client: pg.Client, relation: string) =>
  (await client.query(`SELECT id, v FROM ${relation} ORDER BY id`)).rows;

test('two sessions insert the same key, one in a transaction: its COMMIT fails with 23505', async () => {
  await a.query('BEGIN');
  await a.query('INSERT INTO acct VALUES (1, 10)');
  await b.query('INSERT INTO acct VALUES (1, 20)');
  await assert.rejects(a.query('COMMIT'), { code: '23505', detail: 'Key (id)=(1) already exists.' });
  assert.deepEqual(await contents(a, 'acct'), [{ id: 1, v: 20 }]);
  assert.deepEqual(await contents(a, 'acct_copy'), [{ id: 1, v: 20 }]);
  await a.query('UPDATE acct SET v = 21 WHERE id = 1');
  assert.deepEqual(await contents(b, 'acct'), [{ id: 1, v: 21 }]);
});

test('a COMMIT after another session updated the same row fails with 40001 and applies nothing', async () => {
  await a.query('BEGIN');
  await a.query('INSERT INTO acct VALUES (2, 2)');
  await a.query('UPDATE acct SET v = v + 1 WHERE id = 1');
  await b.query('UPDATE acct SET v = v + 100 WHERE id = 1');
  await assert.rejects(a.query('COMMIT'), { code: '40001' });
  assert.deepEqual(await contents(b, 'acct'), [{ id: 1, v: 121 }]);
  assert.deepEqual(await contents(b, 'acct_copy'), [{ id: 1, v: 121 }]);
  // The session is out of the transaction and can retry.
  await a.query('BEGIN; UPDATE acct SET v = v + 1 WHERE id = 1; COMMIT');
  assert.deepEqual(await contents(b, 'acct'), [{ id: 1, v: 122 }]);
});

test('a multi-statement query whose last statement fails leaves nothing, its CREATEs included', async () => {
  await assert.rejects(
    a.query(
      'CREATE TABLE made (x int); INSERT INTO made VALUES (1); INSERT INTO acct VALUES (3, 3); SELECT 1/0',
    ),
    { code: '22012' },
  );
  await assert.rejects(b.query('SELECT * FROM made'), { code: '42P01' });
  assert.deepEqual(await contents(b, 'acct'), [{ id: 1, v: 122 }]);
  await a.query('CREATE TABLE made (x int); INSERT INTO made VALUES (1)');
  assert.deepEqual((await b.query('SELECT x FROM made')).rows, [{ x: 1 }]);
});

test('writes in a READ ONLY transaction fail with 25006', async () => {
  await a.query('BEGIN READ ONLY');
  await assert.rejects(a.query('INSERT INTO acct VALUES (9, 9)'), {
    code: '25006',
    message: 'cannot execute INSERT in a read-only transaction',
  });
  await a.query('ROLLBACK');
  await a.query('BEGIN');
  await a.query('SET TRANSACTION READ ONLY');
  await assert.rejects(a.query('DELETE FROM acct'), { code: '25006' });
  await a.query('ROLLBACK');
  assert.equal(
    (await a.query('SHOW transaction_isolation')).rows[0].transaction_isolation,
    'repeatable read',
  );
});

test('20 sessions on 10 hot rows: failed commits leave nothing behind, the view equals the table', async () => {
  await a.query(
    'CREATE TABLE hot (id int PRIMARY KEY, v int); CREATE MATERIALIZED VIEW hot_copy AS SELECT id, v FROM hot',
  );
  for (let id = 0; id < 10; id++) await a.query('INSERT INTO hot VALUES ($1, 0)', [id]);
  const sessions = await Promise.all(Array.from({ length: 20 }, () => pgClient(t.port)));
  let committed = 0;
  let failed = 0;
  let nextId = 100;
  try {
    await Promise.all(
      sessions.map(async (client, s) => {
        for (let round = 0; round < 15; round++) {
          const newId = nextId++;
          try {
            await client.query('BEGIN');
            await client.query('UPDATE hot SET v = v + 1 WHERE id = $1', [(s + round) % 10]);
            await client.query('INSERT INTO hot VALUES ($1, 1)', [newId]);
            await client.query('COMMIT');
            committed++;
          } catch (err) {
            assert.equal((err as { code: string }).code, '40001');
            failed++;
            await client.query('ROLLBACK');
          }
        }
      }),
    );
  } finally {
    await Promise.all(sessions.map((c) => c.end()));
  }
  const table = (await a.query('SELECT id, v FROM hot ORDER BY id')).rows;
  assert.deepEqual((await a.query('SELECT id, v FROM hot_copy ORDER BY id')).rows, table);
  // Each committed transaction added one increment and one row of v = 1; failed ones nothing.
  assert.equal(table.length, 10 + committed);
  assert.equal(
    table.reduce((sum, row) => sum + row.v, 0),
    2 * committed,
  );
  assert.ok(failed > 0, 'no commit conflicted: the test checks nothing');
});
