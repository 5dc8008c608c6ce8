/**
 * SUBSCRIBE over the wire: rows `(eddy_step, eddy_progressed, eddy_weight, <columns…>)` streamed
 * through `COPY (SUBSCRIBE …) TO STDOUT`, through `DECLARE … CURSOR FOR SUBSCRIBE` + FETCH, as a
 * plain statement and as an extended-protocol portal; snapshots, changes with their weights,
 * progress rows, subscriptions to queries, and CancelRequest ending each of them.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type pg from 'pg';
import {
  cancelRequest,
  copyLines,
  fe,
  fieldsOf,
  pgClient,
  RawClient,
  rowDescriptionOf,
  startTestServer,
  startWithClient,
  stopWithClient,
  type TestServer,
  textRows,
  types,
} from './pgwire-support.ts';

let t: TestServer;
let writer: pg.Client;

before(async () => {
  ({ t, client: writer } = await startWithClient('CREATE TABLE other (x integer)'));
});
after(() => stopWithClient(t, writer));

async function freshTable(name: string): Promise<void> {
  await writer.query(`CREATE TABLE ${name} (k text, v integer)`);
  await writer.query(`INSERT INTO ${name} VALUES ('a', 1), ('b', 2)`);
}

const step = () => t.db.currentStep;

test('COPY (SUBSCRIBE t) TO STDOUT: snapshot, changes with weights, progress rows, until cancelled', async () => {
  await freshTable('c1');
  const raw = await RawClient.connect(t.port);
  raw.send(fe.query('COPY (SUBSCRIBE c1) TO STDOUT'));
  const head = await raw.until('d');
  assert.equal(types(head), 'Hd');
  assert.equal(head[0]!.body.readInt16BE(1), 5, 'five columns');
  const s0 = step();
  const snapshot = [...copyLines(head), ...copyLines(await raw.until('d'))].sort();
  assert.deepEqual(snapshot, [`${s0}\tf\t1\ta\t1`, `${s0}\tf\t1\tb\t2`]);
  await writer.query("INSERT INTO c1 VALUES ('c', 3)");
  await writer.query("UPDATE c1 SET v = 20 WHERE k = 'b'");
  await writer.query('INSERT INTO other VALUES (1)');
  const lines = [
    ...copyLines(await raw.until('d')),
    ...copyLines(await raw.until('d')),
    ...copyLines(await raw.until('d')),
    ...copyLines(await raw.until('d')),
  ];
  assert.deepEqual(lines.slice(0, 1), [`${s0 + 1}\tf\t1\tc\t3`]);
  assert.deepEqual(lines.slice(1, 3).sort(), [`${s0 + 2}\tf\t-1\tb\t2`, `${s0 + 2}\tf\t1\tb\t20`]);
  assert.deepEqual(lines.slice(3), [`${s0 + 3}\tt\t\\N\t\\N\t\\N`], 'a step without change: a progress row');
  await cancelRequest(t.port, raw.backendKey);
  const end = await raw.until('Z');
  assert.equal(types(end), 'EZ');
  assert.equal(fieldsOf(end[0]!).C, '57014');
  assert.equal(fieldsOf(end[0]!).M, 'canceling statement due to user request');
  raw.send(fe.query('SELECT 1'));
  assert.deepEqual(textRows(await raw.until('Z')), [['1']], 'the connection serves on');
  raw.end();
});

test('SUBSCRIBE to a query keeps a temporary view for as long as it runs; CSV and options', async () => {
  await freshTable('c2');
  const raw = await RawClient.connect(t.port);
  raw.send(
    fe.query(
      'COPY (SUBSCRIBE (SELECT k, count(*) AS n FROM c2 GROUP BY k) WITH (progress = false, snapshot = false)) TO STDOUT WITH (FORMAT csv)',
    ),
  );
  assert.equal(types(await raw.until('H')), 'H');
  assert.ok(t.db.catalog.allRelations().some((r) => r.name.startsWith('eddy_subscribe_')));
  await writer.query('INSERT INTO other VALUES (2)');
  await writer.query("INSERT INTO c2 VALUES ('b', 5)");
  const s = step();
  const lines = [...copyLines(await raw.until('d')), ...copyLines(await raw.until('d'))].sort();
  assert.deepEqual(
    lines,
    [`${s},f,-1,b,1`, `${s},f,1,b,2`],
    'no snapshot, no progress row, the count retracted and re-inserted',
  );
  await cancelRequest(t.port, raw.backendKey);
  assert.equal(types(await raw.until('Z')), 'EZ');
  assert.ok(
    !t.db.catalog.allRelations().some((r) => r.name.startsWith('eddy_subscribe_')),
    'the temporary view is gone',
  );
  raw.end();
});

test('DECLARE … CURSOR FOR SUBSCRIBE and FETCH: what is queued, else wait for the next row', async () => {
  await freshTable('c3');
  const reader = await pgClient(t.port);
  try {
    await reader.query('BEGIN');
    await reader.query('DECLARE cur CURSOR FOR SUBSCRIBE c3');
    const first = await reader.query('FETCH ALL cur');
    assert.deepEqual(
      first.fields.map((f) => [f.name, f.dataTypeID]),
      [
        ['eddy_step', 20],
        ['eddy_progressed', 16],
        ['eddy_weight', 20],
        ['k', 25],
        ['v', 23],
      ],
    );
    assert.deepEqual(first.rows.map((r) => [r.eddy_progressed, r.eddy_weight, r.k, r.v]).sort(), [
      [false, '1', 'a', 1],
      [false, '1', 'b', 2],
    ]);
    const started = Date.now();
    setTimeout(() => void writer.query("INSERT INTO c3 VALUES ('c', 3)"), 100);
    const waited = await reader.query('FETCH 10 cur');
    assert.ok(Date.now() - started >= 90, 'FETCH waited for the next step');
    assert.deepEqual(
      waited.rows.map((r) => [r.eddy_step, r.eddy_weight, r.k, r.v]),
      [[String(step()), '1', 'c', 3]],
    );
    await writer.query("DELETE FROM c3 WHERE k = 'a'");
    await writer.query("DELETE FROM c3 WHERE k = 'b'");
    const two = await reader.query('FETCH 1 cur');
    assert.equal(two.rows.length, 1, 'FETCH n returns at most n');
    assert.equal(two.command, 'FETCH');
    const rest = await reader.query('FETCH ALL cur');
    assert.deepEqual(
      rest.rows.map((r) => [r.eddy_weight, r.k]),
      [['-1', 'b']],
    );
    await reader.query('COMMIT');
    await assert.rejects(
      reader.query('FETCH 1 cur'),
      { code: '34000' },
      'the cursor ended with its transaction',
    );
  } finally {
    await reader.end();
  }
});

test('cancelling a waiting FETCH aborts the transaction; cursors need a transaction block', async () => {
  await freshTable('c4');
  const raw = await RawClient.connect(t.port);
  raw.send(fe.query('DECLARE c CURSOR FOR SUBSCRIBE c4'));
  assert.equal(fieldsOf((await raw.until('Z'))[0]!).C, '25P01');
  raw.send(fe.query('BEGIN; DECLARE c CURSOR FOR SUBSCRIBE c4 WITH (snapshot = false); FETCH 5 c'));
  setTimeout(() => void cancelRequest(t.port, raw.backendKey), 100);
  const out = await raw.until('Z');
  assert.equal(fieldsOf(out.find((m) => m.type === 'E')!).C, '57014');
  assert.equal(String.fromCharCode(out.at(-1)!.body[0]!), 'E');
  raw.send(fe.query('ROLLBACK'));
  await raw.until('Z');
  raw.end();
});

test('FETCH gives up after fetchTimeoutMs with no rows', async () => {
  const quick = await startTestServer({ fetchTimeoutMs: 100 });
  try {
    const c = await pgClient(quick.port);
    await c.query('CREATE TABLE q (a int)');
    await c.query('BEGIN');
    await c.query('DECLARE c CURSOR FOR SUBSCRIBE q WITH (snapshot = false)');
    const started = Date.now();
    const r = await c.query('FETCH ALL c');
    assert.equal(r.rows.length, 0);
    assert.ok(Date.now() - started >= 90);
    await c.end();
  } finally {
    await quick.server.close();
  }
});

test('SUBSCRIBE as a statement streams DataRows; as a portal it honours Execute’s row limit', async () => {
  await freshTable('c5');
  const raw = await RawClient.connect(t.port);
  raw.send(fe.query('SUBSCRIBE TO c5 WITH (snapshot = false)'));
  const head = await raw.until('T');
  assert.deepEqual(
    rowDescriptionOf(head[0]!).map((f) => f.name),
    ['eddy_step', 'eddy_progressed', 'eddy_weight', 'k', 'v'],
  );
  // At once, a notice that the statement streams until cancelled, naming the forms psql can show.
  const notice = fieldsOf((await raw.next())!);
  assert.equal(notice.S, 'NOTICE');
  assert.match(notice.H!, /COPY \(SUBSCRIBE TO c5 WITH \(snapshot = false\)\) TO STDOUT/);
  await writer.query("INSERT INTO c5 VALUES ('z', 26)");
  assert.deepEqual(textRows(await raw.until('D')), [[String(step()), 'f', '1', 'z', '26']]);
  await cancelRequest(t.port, raw.backendKey);
  assert.equal(types(await raw.until('Z')), 'EZ');
  raw.send(
    fe.parse('', 'SUBSCRIBE c5'),
    fe.describe('S', ''),
    fe.bind('', '', []),
    fe.execute('', 2),
    fe.sync(),
  );
  const out = await raw.until('Z');
  assert.equal(types(out), '1tT2DDsZ');
  assert.equal(textRows(out).length, 2);
  raw.end();
});

test('errors: unknown relation with its position, bad options, a view that is not materialized works', async () => {
  await writer.query('CREATE TABLE c6 (a int)');
  await writer.query('CREATE VIEW c6v AS SELECT a * 2 AS b FROM c6');
  const raw = await RawClient.connect(t.port);
  raw.send(fe.query('COPY (SUBSCRIBE nowhere) TO STDOUT'));
  const missing = fieldsOf((await raw.until('Z'))[0]!);
  assert.deepEqual([missing.C, missing.P], ['42P01', '17']);
  raw.send(fe.query('SUBSCRIBE c6 WITH (speed = 3)'));
  assert.equal(fieldsOf((await raw.until('Z'))[0]!).C, '22023');
  raw.send(fe.query('COPY (SUBSCRIBE (SELECT nope FROM c6)) TO STDOUT'));
  const bad = fieldsOf((await raw.until('Z'))[0]!);
  assert.deepEqual([bad.C, bad.P], ['42703', '25']);
  await writer.query('INSERT INTO c6 VALUES (21)');
  raw.send(fe.query('COPY (SUBSCRIBE c6v WITH (progress = false)) TO STDOUT'));
  const rows = await raw.until('d');
  assert.deepEqual(copyLines(rows), [`${step()}\tf\t1\t42`]);
  await cancelRequest(t.port, raw.backendKey);
  await raw.until('Z');
  raw.end();
});

test('WITH (after_step = N) resumes after a step: its changes since, no snapshot; 55000 out of reach, 22023 not a step', async () => {
  await freshTable('c7');
  const reader = await pgClient(t.port);
  try {
    // Watched from here: a first subscription keeps the table's history.
    await reader.query('BEGIN');
    await reader.query('DECLARE w CURSOR FOR SUBSCRIBE c7 WITH (snapshot = false)');
    await reader.query('COMMIT');
    const token = step();
    await writer.query("INSERT INTO c7 VALUES ('c', 3)");
    await writer.query('INSERT INTO other VALUES (7)');
    await writer.query("UPDATE c7 SET v = 10 WHERE k = 'a'");
    await writer.query('INSERT INTO other VALUES (8)');
    await writer.query('INSERT INTO other VALUES (9)');
    await reader.query('BEGIN');
    await reader.query(`DECLARE r CURSOR FOR SUBSCRIBE c7 WITH (after_step = ${token})`);
    const replay = await reader.query('FETCH ALL r');
    const s = step();
    // Steps that left the table unchanged before its last change are implied; the last run of them is one progress row.
    // In step order; rows of one step in any order.
    assert.deepEqual(
      replay.rows.map((r) => Number(r.eddy_step)),
      [token + 1, s - 2, s - 2, s],
    );
    assert.deepEqual(
      replay.rows
        .map((r) => JSON.stringify([Number(r.eddy_step), r.eddy_progressed, r.eddy_weight, r.k, r.v]))
        .sort(),
      [
        [token + 1, false, '1', 'c', 3],
        [s - 2, false, '-1', 'a', 1],
        [s - 2, false, '1', 'a', 10],
        [s, true, null, null, null],
      ]
        .map((r) => JSON.stringify(r))
        .sort(),
    );
    await reader.query('COMMIT');
    const refused = async (afterStep: string, code: string): Promise<void> => {
      await reader.query('BEGIN');
      await assert.rejects(
        reader.query(`DECLARE r CURSOR FOR SUBSCRIBE c7 WITH (after_step = ${afterStep})`),
        {
          code,
        },
      );
      await reader.query('ROLLBACK');
    };
    await refused(String(token - 1), '55000'); // before the history began
    await refused(String(s + 5), '55000'); // a step this database has not reached
    await refused("'x1'", '22023');
    await refused('-1', '22023');
  } finally {
    await reader.end();
  }
});
