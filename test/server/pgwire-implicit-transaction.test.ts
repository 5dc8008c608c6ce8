/**
 * The extended protocol's implicit transaction: outside a transaction block, the statements
 * executed up to Sync are one transaction, as in PostgreSQL. Others see its writes only after
 * Sync; an error skips to Sync and rolls back the whole batch, a DROP in it included; BEGIN in the
 * batch turns it into an ordinary block that the earlier statements belong to; the same rules
 * hold among the statements of one Query. (The expected message sequences and warnings are what
 * PostgreSQL 15 sends for the same batches.)
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type pg from 'pg';
import {
  type BackendMessage,
  fe,
  fieldsOf,
  RawClient,
  startWithClient,
  stopWithClient,
  type TestServer,
  types,
} from './pgwire-support.ts';

let t: TestServer;
let client: pg.Client;

before(async () => {
  ({ t, client } = await startWithClient(
    'CREATE TABLE acc (id integer PRIMARY KEY, v integer)',
    'INSERT INTO acc VALUES (1, 10)',
    'CREATE MATERIALIZED VIEW acc_total AS SELECT sum(v) AS total FROM acc',
  ));
});
after(() => stopWithClient(t, client));

/** Parse, Bind and Execute of one unnamed statement (no Sync). */
const run = (sql: string): Buffer[] => [fe.parse('', sql), fe.bind('', '', []), fe.execute('', 0)];

const statusOf = (messages: readonly BackendMessage[]) => messages.at(-1)!.body.toString('latin1');

const ids = async () => (await client.query('SELECT id FROM acc ORDER BY id')).rows.map((r) => r.id);

test('an error before Sync rolls back every statement executed since the last Sync', async () => {
  const raw = await RawClient.connect(t.port);
  raw.send(
    ...run('INSERT INTO acc VALUES (2, 20)'),
    ...run('UPDATE acc SET v = 11 WHERE id = 1'),
    ...run('INSERT INTO acc VALUES (1, 99)'),
    ...run('INSERT INTO acc VALUES (3, 30)'),
    fe.sync(),
  );
  const out = await raw.until('Z');
  assert.equal(types(out), '12C12C12EZ');
  assert.equal(fieldsOf(out.find((m) => m.type === 'E')!).C, '23505');
  assert.equal(statusOf(out), 'I');
  assert.deepEqual(await ids(), [1]);
  assert.deepEqual((await client.query('SELECT total FROM acc_total')).rows, [{ total: '10' }]);
  raw.end();
});

test('the batch’s writes are seen by others only after Sync, as one step', async () => {
  const raw = await RawClient.connect(t.port);
  raw.send(...run('INSERT INTO acc VALUES (4, 40)'), ...run('INSERT INTO acc VALUES (5, 50)'), fe.flush());
  assert.equal(types(await raw.until('C')), '12C');
  assert.equal(types(await raw.until('C')), '12C');
  assert.deepEqual(await ids(), [1]);
  raw.send(fe.sync());
  assert.equal(statusOf(await raw.until('Z')), 'I');
  assert.deepEqual(await ids(), [1, 4, 5]);
  await client.query('DELETE FROM acc WHERE id > 1');
  raw.end();
});

test('a DROP in a failing batch is undone: the table, its rows and its view come back', async () => {
  const raw = await RawClient.connect(t.port);
  raw.send(
    ...run('DROP TABLE acc CASCADE'),
    ...run('CREATE TABLE acc (other text)'),
    ...run('SELECT 1 / 0'),
    fe.sync(),
  );
  const out = await raw.until('Z');
  assert.equal(fieldsOf(out.find((m) => m.type === 'E')!).C, '22012');
  assert.deepEqual(await ids(), [1]);
  await client.query('INSERT INTO acc VALUES (6, 60)');
  assert.deepEqual((await client.query('SELECT total FROM acc_total')).rows, [{ total: '70' }]);
  await client.query('DELETE FROM acc WHERE id = 6');
  raw.end();
});

test('BEGIN inside the batch makes it a block the earlier statements belong to', async () => {
  const raw = await RawClient.connect(t.port);
  raw.send(...run('INSERT INTO acc VALUES (7, 70)'), ...run('BEGIN'), fe.sync());
  const out = await raw.until('Z');
  assert.equal(types(out), '12C12CZ', 'no warning: BEGIN opens the block');
  assert.equal(statusOf(out), 'T');
  raw.send(...run('ROLLBACK'), fe.sync());
  assert.equal(statusOf(await raw.until('Z')), 'I');
  assert.deepEqual(await ids(), [1]);
  raw.end();
});

test('COMMIT inside the batch commits it with PostgreSQL’s warning; later statements start anew', async () => {
  const raw = await RawClient.connect(t.port);
  raw.send(
    ...run('INSERT INTO acc VALUES (8, 80)'),
    ...run('COMMIT'),
    ...run('INSERT INTO acc VALUES (9, 90)'),
    ...run('SELECT 1 / 0'),
    fe.sync(),
  );
  const out = await raw.until('Z');
  // PostgreSQL folds 1 / 0 at Bind (…1EZ), Eddy fails at Execute (…12EZ): the batch ends either way.
  assert.match(types(out), /^12C12NC12C12?EZ$/);
  assert.equal(fieldsOf(out.find((m) => m.type === 'N')!).C, '25P01');
  assert.deepEqual(await ids(), [1, 8]);
  await client.query('DELETE FROM acc WHERE id = 8');
  raw.end();
});

test('node-postgres, one Query: BEGIN, COMMIT and ROLLBACK among the statements as in PostgreSQL', async () => {
  const notices: string[] = [];
  const onNotice = (n: { code?: string }) => notices.push(n.code ?? '');
  client.on('notice', onNotice);
  try {
    await assert.rejects(client.query('INSERT INTO acc VALUES (2, 0); BEGIN; SELECT 1 / 0'), {
      code: '22012',
    });
    await client.query('ROLLBACK');
    await assert.rejects(
      client.query('INSERT INTO acc VALUES (4, 0); COMMIT; INSERT INTO acc VALUES (5, 0); SELECT 1 / 0'),
      {
        code: '22012',
      },
    );
    await client.query('INSERT INTO acc VALUES (8, 0); ROLLBACK; INSERT INTO acc VALUES (9, 0)');
    assert.deepEqual(await ids(), [1, 4, 9]);
    assert.deepEqual(notices, ['25P01', '25P01']);
  } finally {
    client.off('notice', onNotice);
    await client.query('DELETE FROM acc WHERE id > 1');
  }
});

test('node-postgres: each parameterised query is its own transaction, errors leave the session idle', async () => {
  await assert.rejects(client.query('INSERT INTO acc VALUES ($1, $2)', [1, 1]), { code: '23505' });
  await client.query('INSERT INTO acc VALUES ($1, $2)', [10, 100]);
  assert.deepEqual(await ids(), [1, 10]);
  await client.query('DELETE FROM acc WHERE id = $1', [10]);
});
