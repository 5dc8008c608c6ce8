/**
 * RETURNING over every way in: node-postgres (simple and extended protocol, with parameters and
 * inside a transaction) gets the rows and the command tag `INSERT 0 n` / `UPDATE n` / `DELETE n`;
 * HTTP POST /sql and the library's execute() answer the same columns and rows. An upsert's
 * RETURNING gives the rows inserted or updated; a materialized view over the table follows.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type pg from 'pg';
import { Eddy } from '../../src/index.ts';
import { type TestServer as HttpTestServer, sql, startTestServer as startHttp } from './http-support.ts';
import { startWithClient, stopWithClient, type TestServer } from './pgwire-support.ts';

describe('RETURNING over the wire (node-postgres)', () => {
  let t: TestServer;
  let client: pg.Client;
  before(async () => {
    ({ t, client } = await startWithClient(
      'CREATE TABLE acc (id integer PRIMARY KEY, bal integer NOT NULL, owner text)',
      'CREATE MATERIALIZED VIEW total AS SELECT count(*) AS n, sum(bal) AS s FROM acc',
    ));
  });
  after(() => stopWithClient(t, client));

  test('simple protocol: rows, their fields and the command tag', async () => {
    const r = await client.query(
      "INSERT INTO acc VALUES (1, 10, 'ann'), (2, 20, 'bob') RETURNING id, bal * 2 AS dbl",
    );
    assert.equal(r.command, 'INSERT');
    assert.equal(r.rowCount, 2);
    assert.deepEqual(
      r.fields.map((f) => f.name),
      ['id', 'dbl'],
    );
    assert.deepEqual(r.rows, [
      { id: 1, dbl: 20 },
      { id: 2, dbl: 40 },
    ]);
  });

  test('extended protocol with parameters: an upsert returns the rows it inserted or updated', async () => {
    const text =
      'INSERT INTO acc VALUES ($1, $2, $3) ON CONFLICT (id) DO UPDATE SET bal = acc.bal + excluded.bal RETURNING *';
    const updated = await client.query({ text, values: [1, 5, 'x'], rowMode: 'array' });
    assert.equal(updated.command, 'INSERT');
    assert.equal(updated.rowCount, 1);
    assert.deepEqual(updated.rows, [[1, 15, 'ann']]);
    const inserted = await client.query({ text, values: [3, 30, 'cy'], rowMode: 'array' });
    assert.deepEqual(inserted.rows, [[3, 30, 'cy']]);
    const skipped = await client.query({
      text: 'INSERT INTO acc VALUES ($1, 0, null) ON CONFLICT DO NOTHING RETURNING id',
      values: [3],
    });
    assert.equal(skipped.rowCount, 0);
    assert.deepEqual(skipped.rows, []);
    assert.deepEqual(
      skipped.fields.map((f) => f.name),
      ['id'],
    );
  });

  test('UPDATE and DELETE … RETURNING inside a transaction; the view follows at COMMIT', async () => {
    await client.query('BEGIN');
    const u = await client.query({
      text: 'UPDATE acc SET bal = bal - $1 WHERE id = 2 RETURNING acc.*',
      values: [5],
    });
    assert.equal(u.command, 'UPDATE');
    assert.deepEqual(u.rows, [{ id: 2, bal: 15, owner: 'bob' }]);
    const d = await client.query('DELETE FROM acc WHERE id = 3 RETURNING owner, bal');
    assert.equal(d.command, 'DELETE');
    assert.deepEqual(d.rows, [{ owner: 'cy', bal: 30 }]);
    await client.query('COMMIT');
    const view = await client.query('SELECT n, s FROM total');
    // count and sum are bigint: node-postgres gives them as strings.
    assert.deepEqual(view.rows, [{ n: '2', s: '30' }]);
  });

  test('an error in RETURNING writes nothing', async () => {
    await assert.rejects(client.query('UPDATE acc SET bal = 0 RETURNING 1 / bal'), { code: '22012' });
    const r = await client.query('SELECT sum(bal) AS s FROM acc');
    assert.equal(r.rows[0].s, '30');
  });
});

describe('RETURNING over HTTP and the library', () => {
  let t: HttpTestServer;
  before(async () => {
    t = await startHttp();
  });
  after(() => t.close());

  test('POST /sql answers the returned rows with the command tag', async () => {
    const answer = await sql(
      t.base,
      `CREATE TABLE kv (k integer PRIMARY KEY, v text);
       INSERT INTO kv VALUES (1, 'a'), (2, 'b') RETURNING k, upper(v) AS up;
       INSERT INTO kv VALUES (2, 'z') ON CONFLICT (k) DO UPDATE SET v = excluded.v RETURNING *`,
    );
    assert.equal(answer.status, 200);
    const [, insert, upsert] = answer.body.results;
    assert.equal(insert.command, 'INSERT 0 2');
    assert.deepEqual(insert.columns, [
      { name: 'k', type: 'integer' },
      { name: 'up', type: 'text' },
    ]);
    assert.deepEqual(insert.rows, [
      [1, 'A'],
      [2, 'B'],
    ]);
    assert.equal(upsert.command, 'INSERT 0 1');
    assert.deepEqual(upsert.rows, [[2, 'z']]);
  });

  test('execute() returns the rows of RETURNING', async () => {
    const db = await Eddy.open();
    try {
      await db.execute('CREATE TABLE q (id integer PRIMARY KEY, n integer)');
      const [r] = await db.execute(
        'INSERT INTO q VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET n = q.n + 1 RETURNING id, n',
        [7, 1],
      );
      assert.equal(r!.command, 'INSERT 0 1');
      assert.deepEqual(r!.rows, [[7, 1]]);
      const [again] = await db.execute(
        'INSERT INTO q VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET n = q.n + 1 RETURNING id, n',
        [7, 1],
      );
      assert.deepEqual(again!.rows, [[7, 2]]);
      const [gone] = await db.execute('DELETE FROM q RETURNING *');
      assert.equal(gone!.command, 'DELETE 1');
      assert.deepEqual(gone!.rows, [[7, 2]]);
    } finally {
      await db.close();
    }
  });
});
