/**
 * @module test/server/bad-input-values
 * Values PostgreSQL refuses are refused with its SQLSTATE over every entry, and the server keeps
 * serving: bytes that are not UTF-8 (22021) in wire queries, text and binary parameters and HTTP
 * bodies; NUL and lone surrogates from JSON or the library (22021, 22P05 in jsonb); JSON nested
 * 5,000 deep in /ingest, /sql parameters and wire parameters (54001, not a stack overflow); a
 * 27-level ARRAY (54000, where its text form once grew until the process aborted); a string past
 * V8's length limit (54000, not an internal error); bad TimeZone.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type pg from 'pg';
import { Eddy } from '../../src/index.ts';
import * as http from './http-support.ts';
import { fe, fieldsOf, pgClient, RawClient, startTestServer, type TestServer } from './pgwire-support.ts';

const deepJson = (levels: number): string => '['.repeat(levels) + ']'.repeat(levels);
const nestedArraySql = (levels: number): string => `SELECT ${'ARRAY['.repeat(levels)}1${']'.repeat(levels)}`;

/** The SQLSTATE of the first ErrorResponse up to ReadyForQuery. */
async function wireError(raw: RawClient): Promise<string | undefined> {
  const error = (await raw.until('Z')).find((m) => m.type === 'E');
  return error === undefined ? undefined : fieldsOf(error).C;
}

describe('wire protocol', () => {
  let t: TestServer;
  let client: pg.Client;
  before(async () => {
    t = await startTestServer();
    client = await pgClient(t.port);
    await client.query('CREATE TABLE notes (id int, body text, doc jsonb)');
  });
  after(async () => {
    await client.end();
    await t.server.close();
  });

  test('bytes that are not UTF-8 in a query, a text or a binary parameter are 22021', async () => {
    const raw = await RawClient.connect(t.port);
    raw.send(fe.raw('Q', Buffer.concat([Buffer.from("SELECT 'a"), Buffer.from([0xff]), Buffer.from("'\0")])));
    assert.equal(await wireError(raw), '22021');
    for (const param of [Buffer.from([0x61, 0xe2, 0x82]), 'binary'] as const) {
      const bytes = param === 'binary' ? Buffer.from([0xc0, 0x80]) : param;
      raw.send(
        fe.parse('', 'INSERT INTO notes VALUES (1, $1)', [25]),
        param === 'binary' ? fe.bind('', '', [bytes]) : rawTextBind(bytes),
        fe.execute(''),
        fe.sync(),
      );
      assert.equal(await wireError(raw), '22021');
    }
    raw.send(fe.query('SELECT count(*) FROM notes'));
    const rows = (await raw.until('Z')).filter((m) => m.type === 'D');
    assert.equal(rows.length, 1);
    raw.socket.destroy();
  });

  test('a 27-level ARRAY is 54000 and the connection goes on', async () => {
    await assert.rejects(client.query(nestedArraySql(27)), { code: '54000' });
    const six = await client.query(`${nestedArraySql(6)}::text AS a`);
    assert.equal(six.rows[0].a, '{{{{{{1}}}}}}');
    const two = await client.query('SELECT ARRAY[ARRAY[1,2],ARRAY[3,4]] AS a');
    assert.deepEqual(two.rows[0].a, [
      [1, 2],
      [3, 4],
    ]);
  });

  test('JSON nested 5,000 levels in a parameter is 54001', async () => {
    await assert.rejects(client.query('SELECT $1::jsonb', [deepJson(5000)]), { code: '54001' });
    await assert.rejects(client.query('INSERT INTO notes VALUES (2, NULL, $1)', [deepJson(5000)]), {
      code: '54001',
    });
    assert.equal((await client.query('SELECT 1 AS one')).rows[0].one, 1);
  });

  test('a string longer than the server can hold is 54000, not an internal error', async () => {
    // PostgreSQL holds this 600,000,000-character text (its limit is 1 GB); V8's is about 2^29.
    const concat = "SELECT length(repeat('x', 300000000) || repeat('y', 300000000))";
    await assert.rejects(client.query(concat), { code: '54000' });
    const view =
      'CREATE MATERIALIZED VIEW too_long AS SELECT repeat(body, 300000000) || repeat(body, 300000000) AS b FROM notes';
    await client.query(view);
    await client.query("INSERT INTO notes VALUES (3, 'x', NULL)").catch(() => {});
    await assert.rejects(client.query('SELECT * FROM too_long'), { code: '54000' });
    await client.query('DROP MATERIALIZED VIEW too_long');
    await client.query('DELETE FROM notes WHERE id = 3');
    assert.equal((await client.query('SELECT 1 AS one')).rows[0].one, 1);
  });

  test('SET TimeZone to an unknown zone is 22023 and the session keeps working', async () => {
    await assert.rejects(client.query("SET TimeZone = '../../etc/passwd'"), { code: '22023' });
    assert.equal(
      (await client.query('SHOW TimeZone')).rows[0].TimeZone ??
        (await client.query('SHOW timezone')).rows[0].timezone,
      'UTC',
    );
    assert.equal((await client.query('SELECT 1 AS one')).rows[0].one, 1);
  });
});

/** Bind with one text-format parameter given as raw bytes. */
function rawTextBind(bytes: Buffer): Buffer {
  const i16 = (n: number) => Buffer.from([n >> 8, n & 255]);
  const i32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeInt32BE(n);
    return b;
  };
  return fe.raw('B', Buffer.from('\0\0'), i16(1), i16(0), i16(1), i32(bytes.length), bytes, i16(0));
}

describe('HTTP', () => {
  let t: http.TestServer;
  before(async () => {
    t = await http.startTestServer();
    await http.rows(t.base, 'CREATE TABLE notes (id int, body text, doc jsonb)');
  });
  after(() => t.close());

  const post = (path: string, body: Buffer | string, type: string) =>
    http.request(t.base, path, { method: 'POST', body, headers: { 'content-type': type } });

  test('a body that is not UTF-8 is 400 with 22021', async () => {
    const bad = Buffer.concat([
      Buffer.from('[{"id": 1, "body": "a'),
      Buffer.from([0xff]),
      Buffer.from('"}]'),
    ]);
    for (const answer of [
      await post('/ingest/notes', bad, 'application/json'),
      await post(
        '/sql',
        Buffer.concat([Buffer.from("SELECT 'a"), Buffer.from([0xfe]), Buffer.from("'")]),
        'text/plain',
      ),
    ]) {
      assert.equal(answer.status, 400);
      assert.equal(answer.body.error.code, '22021');
    }
  });

  test('NUL and lone surrogates in JSON strings are refused, in text (22021) and in jsonb (22P05)', async () => {
    const cases: [string, string][] = [
      ['[{"id": 1, "body": "a\\u0000b"}]', '22021'],
      ['[{"id": 1, "body": "a\\ud800b"}]', '22021'],
      ['[{"id": 1, "doc": {"k": "a\\u0000"}}]', '22P05'],
      ['[{"id": 1, "doc": {"k\\u0000": 1}}]', '22P05'],
    ];
    for (const [body, code] of cases) {
      const answer = await post('/ingest/notes', body, 'application/json');
      assert.equal(answer.status, 400, body);
      assert.equal(answer.body.error.code, code, body);
    }
    const params = await post(
      '/sql',
      JSON.stringify({ sql: 'SELECT $1::text', params: ['a\u0000'] }),
      'application/json',
    );
    assert.equal(params.body.error.code, '22021');
    assert.deepEqual(await http.rows(t.base, 'SELECT count(*) FROM notes'), [[0]]);
  });

  test('JSON nested 5,000 levels in /ingest or in /sql parameters is 400 with 54001', async () => {
    // Written by hand: JSON.stringify itself cannot go 5,000 levels deep.
    const sqlWith = (param: string) => `{"sql": "SELECT $1::jsonb", "params": [${param}]}`;
    for (const answer of [
      await post('/ingest/notes', `[{"id": 1, "doc": ${deepJson(5000)}}]`, 'application/json'),
      await post('/ingest/notes', `{"id": 1, "doc": ${deepJson(5000)}}\n`, 'application/x-ndjson'),
      // A long number makes /ingest keep number texts: another parse, another walk of the tree.
      await post(
        '/ingest/notes',
        `[{"id": 1, "doc": [12345678901234567890, ${deepJson(5000)}]}]`,
        'application/json',
      ),
      await post('/sql', sqlWith(deepJson(5000)), 'application/json'),
      await post('/sql', sqlWith(`"${deepJson(5000)}"`), 'application/json'),
    ]) {
      assert.equal(answer.status, 400, JSON.stringify(answer.body).slice(0, 200));
      assert.equal(answer.body.error.code, '54001');
    }
    assert.deepEqual(await http.rows(t.base, 'SELECT 1'), [[1]]);
  });

  test('a 27-level ARRAY is 400 with 54000; a 2-level one is nested JSON', async () => {
    const answer = await http.sql(t.base, nestedArraySql(27));
    assert.equal(answer.status, 400);
    assert.equal(answer.body.error.code, '54000');
    assert.deepEqual(await http.rows(t.base, 'SELECT ARRAY[ARRAY[1,2]]'), [[[[1, 2]]]]);
  });
});

test('library: lone surrogates and NUL in strings are 22021 in SQL, parameters and inserts', async () => {
  const db = await Eddy.open();
  await db.execute('CREATE TABLE notes (id int, body text)');
  const attempts: (() => Promise<unknown>)[] = [
    () => db.execute("SELECT 'a\ud800'"),
    () => db.execute('SELECT $1::text', ['\udc00']),
    () => db.insert('notes', [[1, 'a\u0000']]),
    () => db.insertBatch('notes', [1, 'b\ud83d'], 1),
  ];
  for (const attempt of attempts) await assert.rejects(attempt(), { code: '22021' });
  assert.equal((await db.query('SELECT count(*) FROM notes')).rows[0]![0], 0);
  await db.insert('notes', [[1, 'emoji \u{1F600} ok']]);
  assert.equal((await db.query('SELECT length(body) FROM notes')).rows[0]![0], 10);
});
