/**
 * A late INSERT over the wire protocol succeeds, and the client gets a NOTICE with the count of
 * rows that went to the late-data table (DESIGN: late rows are never dropped silently), whether
 * the INSERT commits alone or with its transaction's COMMIT.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type pg from 'pg';
import { startWithClient, stopWithClient, type TestServer } from './pgwire-support.ts';

let t: TestServer;
let client: pg.Client;

before(async () => {
  ({ t, client } = await startWithClient(
    `CREATE SOURCE clicks (page text, at timestamp, WATERMARK FOR at AS at)`,
    `CREATE MATERIALIZED VIEW n AS SELECT count(*) AS n FROM clicks`,
    `INSERT INTO clicks VALUES ('a', '2020-01-01 10:00')`,
  ));
});
after(() => stopWithClient(t, client));

test('a late INSERT succeeds with a NOTICE counting its late rows', async () => {
  const notices: { code?: string; message?: string; severity?: string }[] = [];
  const onNotice = (n: { code?: string; message?: string; severity?: string }) => notices.push(n);
  client.on('notice', onNotice);
  try {
    const r = await client.query(
      `INSERT INTO clicks VALUES ('b', '2020-01-01 09:00'), ('c', '2020-01-01 09:30'), ('d', '2020-01-01 11:00')`,
    );
    assert.equal(r.rowCount, 3);
    assert.deepEqual(
      notices.map((n) => [n.severity, n.code, n.message]),
      [['NOTICE', '00000', '2 rows were behind the watermark of "clicks" and went to clicks_late']],
    );
    notices.length = 0;
    await client.query('BEGIN');
    await client.query(`INSERT INTO clicks VALUES ('e', '2020-01-01 08:00')`);
    assert.equal(notices.length, 0, 'a row is late only once its transaction commits');
    await client.query('COMMIT');
    assert.deepEqual(
      notices.map((n) => n.message),
      ['1 row was behind the watermark of "clicks" and went to clicks_late'],
    );
    notices.length = 0;
    await client.query(`INSERT INTO clicks VALUES ('f', '2020-01-01 12:00')`);
    assert.equal(notices.length, 0, 'no NOTICE without late rows');
    const late = await client.query('SELECT page FROM clicks_late ORDER BY page');
    assert.deepEqual(
      late.rows.map((r) => r.page),
      ['b', 'c', 'e'],
    );
    assert.deepEqual((await client.query('SELECT n FROM n')).rows, [{ n: '3' }]);
  } finally {
    client.off('notice', onNotice);
  }
});
