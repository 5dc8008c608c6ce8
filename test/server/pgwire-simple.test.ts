/**
 * The simple query protocol against real clients (node-postgres, postgres.js) and a raw client:
 * results with PostgreSQL's type OIDs and command tags, several statements per query, errors with
 * SQLSTATE and character position, notices, transaction status, SET/SHOW and ParameterStatus.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type pg from 'pg';
import {
  fe,
  fieldsOf,
  postgresClient,
  RawClient,
  rowDescriptionOf,
  startupMessage,
  startWithClient,
  stopWithClient,
  type TestServer,
  textRows,
  types,
} from './pgwire-support.ts';

let t: TestServer;
let client: pg.Client;

before(async () => {
  ({ t, client } = await startWithClient(
    'CREATE TABLE items (id integer PRIMARY KEY, name varchar(10), price numeric(8,2), ok boolean, at timestamptz)',
  ));
});
after(() => stopWithClient(t, client));

test('SELECT returns typed columns with PostgreSQL OIDs, lengths and modifiers', async () => {
  await client.query("INSERT INTO items VALUES (1, 'pen', 1.50, true, '2024-01-01 12:00:00+00')");
  const r = await client.query('SELECT id, name, price, ok, at, 1::bigint AS b, 2.5::float8 AS f FROM items');
  assert.deepEqual(
    r.fields.map((f) => [f.name, f.dataTypeID, f.dataTypeSize, f.dataTypeModifier]),
    [
      ['id', 23, 4, -1],
      ['name', 1043, -1, 14],
      ['price', 1700, -1, (8 << 16) + 2 + 4],
      ['ok', 16, 1, -1],
      ['at', 1184, 8, -1],
      ['b', 20, 8, -1],
      ['f', 701, 8, -1],
    ],
  );
  assert.equal(r.rows[0].name, 'pen');
  assert.equal(r.rows[0].price, '1.50');
  assert.equal(r.rows[0].ok, true);
  assert.equal((r.rows[0].at as Date).toISOString(), '2024-01-01T12:00:00.000Z');
  assert.equal(r.rows[0].b, '1');
  assert.equal(r.command, 'SELECT');
  assert.equal(r.rowCount, 1);
  await client.query('DELETE FROM items');
});

test('command tags are PostgreSQL’s', async () => {
  const raw = await RawClient.connect(t.port);
  raw.send(
    fe.query(
      'CREATE TABLE tags (a int); INSERT INTO tags VALUES (1), (2); UPDATE tags SET a = 3 WHERE a = 1; DELETE FROM tags WHERE a = 2; SELECT * FROM tags; DROP TABLE tags',
    ),
  );
  const out = await raw.until('Z');
  const tags = out.filter((m) => m.type === 'C').map((m) => m.body.toString('utf8', 0, m.body.length - 1));
  assert.deepEqual(tags, ['CREATE TABLE', 'INSERT 0 2', 'UPDATE 1', 'DELETE 1', 'SELECT 1', 'DROP TABLE']);
  raw.end();
});

test('several statements: each result in order, one ReadyForQuery; an error stops the rest', async () => {
  const raw = await RawClient.connect(t.port);
  raw.send(fe.query("SELECT 1 AS a; SELECT 'x' AS b, 2 AS c"));
  const ok = await raw.until('Z');
  assert.equal(types(ok), 'TDCTDCZ');
  assert.deepEqual(textRows(ok), [['1'], ['x', '2']]);
  raw.send(fe.query('SELECT 1; SELECT 1/0; SELECT 3'));
  const failed = await raw.until('Z');
  assert.equal(types(failed), 'TDCEZ');
  assert.equal(fieldsOf(failed[3]!).C, '22012');
  assert.equal(fieldsOf(failed[3]!).M, 'division by zero');
  raw.end();
});

test('an empty query gets EmptyQueryResponse', async () => {
  const raw = await RawClient.connect(t.port);
  for (const sql of ['', '   ', ';', '-- nothing']) {
    raw.send(fe.query(sql));
    assert.equal(types(await raw.until('Z')), 'IZ', JSON.stringify(sql));
  }
  raw.end();
});

test('errors carry severity, SQLSTATE, message and 1-based character position', async () => {
  const raw = await RawClient.connect(t.port);
  raw.send(fe.query('SELECT * FRM items'));
  const syntax = fieldsOf((await raw.until('Z'))[0]!);
  assert.equal(syntax.S, 'ERROR');
  assert.equal(syntax.V, 'ERROR');
  assert.equal(syntax.C, '42601');
  assert.equal(syntax.M, 'syntax error at or near "FRM"');
  assert.equal(syntax.P, '10');
  // Positions count characters of the whole query string, past the earlier statements.
  const sql = "SELECT '😀'; SELECT nope FROM items";
  raw.send(fe.query(sql));
  const out = await raw.until('Z');
  const undefinedColumn = fieldsOf(out.find((m) => m.type === 'E')!);
  assert.equal(undefinedColumn.C, '42703');
  assert.equal(undefinedColumn.M, 'column "nope" does not exist');
  assert.equal(undefinedColumn.P, String(Array.from(sql).indexOf('n') + 1));
  raw.end();
  await assert.rejects(
    client.query('SELECT * FROM missing'),
    (e: Error & { code?: string; position?: string }) => {
      assert.equal(e.code, '42P01');
      assert.equal(e.position, '15');
      return true;
    },
  );
});

test('ReadyForQuery reports the transaction status; an error aborts the block until ROLLBACK', async () => {
  const raw = await RawClient.connect(t.port);
  const status = async (sql: string) => {
    raw.send(fe.query(sql));
    const z = (await raw.until('Z')).at(-1)!;
    return String.fromCharCode(z.body[0]!);
  };
  assert.equal(await status('BEGIN'), 'T');
  assert.equal(await status('SELECT 1'), 'T');
  assert.equal(await status('SELECT 1/0'), 'E');
  raw.send(fe.query('SELECT 1'));
  assert.equal(fieldsOf((await raw.until('Z'))[0]!).C, '25P02');
  assert.equal(await status('ROLLBACK'), 'I');
  raw.end();
});

test('statements sent together run as one implicit transaction', async () => {
  await client.query('CREATE TABLE implicit_t (a int)');
  await assert.rejects(client.query('INSERT INTO implicit_t VALUES (1); SELECT 1/0'), { code: '22012' });
  assert.equal((await client.query('SELECT count(*) AS n FROM implicit_t')).rows[0].n, '0');
  await client.query('INSERT INTO implicit_t VALUES (1); INSERT INTO implicit_t VALUES (2)');
  assert.equal((await client.query('SELECT count(*) AS n FROM implicit_t')).rows[0].n, '2');
});

test('warnings arrive as NoticeResponse', async () => {
  const notices: { code?: string; severity?: string; message?: string }[] = [];
  const listener = (n: { code?: string; severity?: string; message?: string }) => {
    notices.push(n);
  };
  client.on('notice', listener);
  await client.query('COMMIT');
  client.off('notice', listener);
  assert.equal(notices.length, 1);
  assert.equal(notices[0]!.code, '25P01');
  assert.equal(notices[0]!.severity, 'WARNING');
  assert.equal(notices[0]!.message, 'there is no transaction in progress');
});

test('SET and SHOW go through the session; reported settings come back as ParameterStatus', async () => {
  const raw = await RawClient.connect(t.port);
  raw.send(fe.query("SET TimeZone = 'Europe/Paris'"));
  const out = await raw.until('Z');
  const status = out.find((m) => m.type === 'S')!;
  assert.deepEqual(status.body.toString('utf8').split('\0').slice(0, 2), ['TimeZone', 'Europe/Paris']);
  raw.send(fe.query("SHOW timezone; SELECT '2024-01-01 12:00:00+00'::timestamptz AS at"));
  const shown = await raw.until('Z');
  assert.deepEqual(textRows(shown), [['Europe/Paris'], ['2024-01-01 13:00:00+01']]);
  raw.end();
});

test('startup parameters and -c options become session settings', async () => {
  const raw = await RawClient.connect(t.port, null);
  raw.send(
    startupMessage({ user: 'eddy', application_name: 'probe', options: '-c TimeZone=America/New_York' }),
  );
  const out = await raw.until('Z');
  const reported = new Map(
    out
      .filter((m) => m.type === 'S')
      .map((m) => m.body.toString('utf8').split('\0').slice(0, 2) as [string, string]),
  );
  assert.equal(reported.get('application_name'), 'probe');
  assert.equal(reported.get('TimeZone'), 'America/New_York');
  assert.equal(reported.get('server_encoding'), 'UTF8');
  assert.equal(reported.get('integer_datetimes'), 'on');
  assert.ok(
    out.some((m) => m.type === 'K'),
    'BackendKeyData',
  );
  raw.send(fe.query('SHOW application_name'));
  assert.deepEqual(textRows(await raw.until('Z')), [['probe']]);
  raw.end();
});

test('a query pipelined behind the startup packet is answered after ReadyForQuery', async () => {
  const raw = await RawClient.connect(t.port, null);
  raw.send(startupMessage({ user: 'eddy' }), fe.query('SELECT 7 AS seven'));
  const startup = await raw.until('Z');
  assert.equal(startup[0]!.type, 'R');
  assert.deepEqual(textRows(await raw.until('Z')), [['7']]);
  raw.end();
});

test('RowDescription of a zero-column SELECT, and of SHOW', async () => {
  const raw = await RawClient.connect(t.port);
  raw.send(fe.query('SELECT FROM items; SHOW DateStyle'));
  const out = await raw.until('Z');
  const descriptions = out.filter((m) => m.type === 'T').map(rowDescriptionOf);
  assert.deepEqual(descriptions[0], []);
  assert.deepEqual(
    descriptions[1]!.map((f) => [f.name, f.typeOid]),
    [['datestyle', 25]],
  );
  raw.end();
});

test('postgres.js runs simple and tagged queries', async () => {
  const sql = postgresClient(t.port);
  try {
    const rows = await sql.unsafe('SELECT 1 AS one; SELECT 2 AS two');
    assert.ok(Array.isArray(rows));
    const [r] = await sql`SELECT ${'abc'}::text AS s, ${41}::int + 1 AS n`;
    assert.deepEqual({ ...r }, { s: 'abc', n: 42 });
  } finally {
    await sql.end();
  }
});

test('round-trip latency of SELECT 1 with node-postgres (reported, not asserted)', async () => {
  for (let i = 0; i < 500; i++) await client.query('SELECT 1');
  const n = 5000;
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await client.query('SELECT 1');
  const micros = Number(process.hrtime.bigint() - start) / 1000 / n;
  console.log(`# SELECT 1 round trip (node-postgres, simple protocol): ${micros.toFixed(1)} µs`);
  assert.ok(micros > 0);
});
