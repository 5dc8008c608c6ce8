/**
 * Over the wire protocol, a read of a materialized view still hydrating in the background waits
 * until it is ready (simple and extended protocol), never returning a partial result; with
 * `eddy.hydration_wait = off` it fails at once with 55000 and the progress.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type pg from 'pg';
import { pgClient, startTestServer, type TestServer } from './pgwire-support.ts';

let t: TestServer;
let client: pg.Client;

before(async () => {
  t = await startTestServer();
  t.db.hydrationChunkRows = 500;
  client = await pgClient(t.port);
  await client.query('CREATE TABLE h (id integer PRIMARY KEY, g integer)');
  const values = Array.from({ length: 20_000 }, (_, i) => `(${i}, ${i % 7})`).join(', ');
  await client.query(`INSERT INTO h VALUES ${values}`);
});

after(async () => {
  await client.end();
  await t.server.close();
});

test('reads wait for a hydrating view over the simple and the extended protocol', async () => {
  await client.query('CREATE MATERIALIZED VIEW hv AS SELECT g, count(*) AS n FROM h GROUP BY g');
  const simple = await client.query('SELECT sum(n)::integer AS total FROM hv');
  assert.deepEqual(simple.rows, [{ total: 20_000 }]);
  await client.query('CREATE MATERIALIZED VIEW hv2 AS SELECT g, max(id) AS m FROM h GROUP BY g');
  const extended = await client.query({ text: 'SELECT m FROM hv2 WHERE g = $1', values: [3] });
  assert.deepEqual(extended.rows, [{ m: 19_995 }]);
});

test('eddy.hydration_wait = off fails at once with 55000', async () => {
  await client.query('SET eddy.hydration_wait = off');
  await client.query('CREATE MATERIALIZED VIEW hv3 AS SELECT g, min(id) AS m FROM h GROUP BY g');
  await assert.rejects(client.query('SELECT * FROM hv3'), (e: { code?: string; detail?: string }) => {
    assert.equal(e.code, '55000');
    assert.match(e.detail ?? '', /input rows/);
    return true;
  });
  await client.query('SET eddy.hydration_wait = on');
  const r = await client.query('SELECT count(*)::integer AS c FROM hv3');
  assert.deepEqual(r.rows, [{ c: 7 }]);
});
