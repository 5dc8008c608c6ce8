/**
 * @module test/server/http-api
 * POST /sql (results, value encoding, parameters, errors with SQLSTATE and status), GET /views
 * (filters, index lookups, limit), /health, /ready, /metrics and unknown routes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { metric, request, rows, sql, startTestServer, type TestServer } from './http-support.ts';

describe('POST /sql', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.close());

  test('runs several statements and answers one result per statement', async () => {
    const answer = await sql(
      t.base,
      `CREATE TABLE kv (k int PRIMARY KEY, v text);
       INSERT INTO kv VALUES (1, 'one'), (2, 'two');
       SELECT k, v FROM kv ORDER BY k`,
    );
    assert.equal(answer.status, 200);
    assert.equal(answer.headers.get('content-type'), 'application/json; charset=utf-8');
    const [create, insert, select] = answer.body.results;
    assert.deepEqual(create, { command: 'CREATE TABLE', rowCount: 0, columns: [], rows: [] });
    assert.equal(insert.command, 'INSERT 0 2');
    assert.equal(insert.rowCount, 2);
    assert.deepEqual(select.columns, [
      { name: 'k', type: 'integer' },
      { name: 'v', type: 'text' },
    ]);
    assert.deepEqual(select.rows, [
      [1, 'one'],
      [2, 'two'],
    ]);
    assert.equal(answer.body.step, t.db.currentStep);
  });

  test('encodes every type as JSON the way the API documents', async () => {
    const [row] = await rows(
      t.base,
      `SELECT true AS b, 7::int2 AS s, 9007199254740991::int8 AS safe, 9007199254740993::int8 AS big,
              1.50::numeric AS n, 0.1::real AS r, 'NaN'::float8 AS nan, 'x"y'::text AS t,
              '\\xdeadbeef'::bytea AS bytes, timestamp '2024-02-29 13:45:00.5' AS ts,
              timestamptz '2024-01-01 10:00:00+02' AS tstz, date '2024-03-01' AS d, interval '1 day 2 hours' AS i,
              '{"a": [1, 2.50, null]}'::jsonb AS j, ARRAY[1, NULL, 3] AS arr, NULL::int AS nothing`,
    );
    assert.deepEqual(row, [
      true,
      7,
      9007199254740991,
      '9007199254740993',
      '1.50',
      0.1,
      'NaN',
      'x"y',
      '\\xdeadbeef',
      '2024-02-29 13:45:00.5',
      '2024-01-01 08:00:00+00',
      '2024-03-01',
      '1 day 02:00:00',
      { a: [1, 2.5, null] },
      [1, null, 3],
      null,
    ]);
  });

  test('timestamptz follows the session time zone a script sets', async () => {
    const answer = await sql(
      t.base,
      `SET TIME ZONE 'America/New_York'; SELECT timestamptz '2024-07-01 12:00:00+00' AS t`,
    );
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body.results[1].rows, [['2024-07-01 08:00:00-04']]);
  });

  test('JSON body with parameters', async () => {
    const answer = await request(t.base, '/sql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sql: 'SELECT v FROM kv WHERE k = $1 AND v <> $2', params: [2, 'zzz'] }),
    });
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body.results[0].rows, [['two']]);
  });

  test('a malformed JSON body is 400 with 22P02', async () => {
    const answer = await request(t.base, '/sql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"sql": ',
    });
    assert.equal(answer.status, 400);
    assert.equal(answer.body.error.code, '22P02');
    const wrongShape = await request(t.base, '/sql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query": "SELECT 1"}',
    });
    assert.equal(wrongShape.status, 400);
    assert.equal(wrongShape.body.error.code, '22023');
  });

  const errors: [string, string, number][] = [
    ['SELEC 1', '42601', 400],
    ['SELECT * FROM missing_table', '42P01', 404],
    ['SELECT nope FROM kv', '42703', 400],
    ['SELECT 1/0', '22012', 400],
    ["SELECT 'abc'::int", '22P02', 400],
    ['INSERT INTO kv VALUES (1, $$dup$$)', '23505', 400],
  ];
  for (const [script, code, status] of errors) {
    test(`${script} answers ${status} with SQLSTATE ${code}`, async () => {
      const answer = await sql(t.base, script);
      assert.equal(answer.status, status);
      assert.equal(answer.body.error.code, code);
      assert.equal(typeof answer.body.error.message, 'string');
    });
  }

  test('errors carry position, detail and hint when PostgreSQL would', async () => {
    const missing = await sql(t.base, 'SELECT * FROM missing_table');
    assert.deepEqual(missing.body.error, {
      code: '42P01',
      message: 'relation "missing_table" does not exist',
      position: 15,
    });
    const dup = await sql(t.base, 'INSERT INTO kv VALUES (1, $$x$$)');
    assert.equal(dup.body.error.detail, 'Key (k)=(1) already exists.');
  });

  test('statements sent together are one implicit transaction; an open one is rolled back', async () => {
    const failed = await sql(
      t.base,
      'CREATE TABLE gone (x int); INSERT INTO kv VALUES (10, $$ten$$); SELECT 1/0',
    );
    assert.equal(failed.status, 400);
    assert.deepEqual(await rows(t.base, 'SELECT v FROM kv WHERE k = 10'), []);
    assert.equal((await sql(t.base, 'SELECT * FROM gone')).body.error.code, '42P01');
    const open = await sql(t.base, 'BEGIN; INSERT INTO kv VALUES (11, $$eleven$$)');
    assert.equal(open.status, 200);
    assert.deepEqual(await rows(t.base, 'SELECT v FROM kv WHERE k = 11'), []);
    const committed = await sql(t.base, 'BEGIN; INSERT INTO kv VALUES (12, $$twelve$$); COMMIT');
    assert.equal(committed.status, 200);
    assert.deepEqual(await rows(t.base, 'SELECT v FROM kv WHERE k = 12'), [['twelve']]);
  });

  test('GET /sql is 405 with an Allow header', async () => {
    const answer = await request(t.base, '/sql');
    assert.equal(answer.status, 405);
    assert.equal(answer.headers.get('allow'), 'POST');
  });
});

describe('GET /views/{name}', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
    await rows(
      t.base,
      `CREATE TABLE orders (id int PRIMARY KEY, region text, amount numeric);
       INSERT INTO orders VALUES (1, 'north', 10), (2, 'south', 5), (3, 'north', 7.5), (4, 'east', 1);
       CREATE MATERIALIZED VIEW revenue AS SELECT region, sum(amount) AS total, count(*) AS n FROM orders GROUP BY region;
       CREATE INDEX revenue_region ON revenue (region);
       CREATE VIEW big_orders AS SELECT id, amount FROM orders WHERE amount > 5;
       SELECT 1`,
    );
  });
  after(() => t.close());

  test('all rows of a materialized view, with columns and the step read', async () => {
    const answer = await request(t.base, '/views/revenue');
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body.columns, [
      { name: 'region', type: 'text' },
      { name: 'total', type: 'numeric' },
      { name: 'n', type: 'bigint' },
    ]);
    const sorted = [...answer.body.rows].sort((a, b) => a[0].localeCompare(b[0]));
    assert.deepEqual(sorted, [
      ['east', '1', 1],
      ['north', '17.5', 2],
      ['south', '5', 1],
    ]);
    assert.equal(answer.body.step, t.db.currentStep);
  });

  test('equality filters: primary key, indexed column, unindexed column, several', async () => {
    assert.deepEqual((await request(t.base, '/views/orders?id=3')).body.rows, [[3, 'north', '7.5']]);
    assert.deepEqual((await request(t.base, '/views/revenue?region=south')).body.rows, [['south', '5', 1]]);
    const north = (await request(t.base, '/views/orders?region=north')).body.rows.map((r: unknown[]) => r[0]);
    assert.deepEqual(north.sort(), [1, 3]);
    assert.deepEqual((await request(t.base, '/views/orders?region=north&amount=10')).body.rows, [
      [1, 'north', '10'],
    ]);
    assert.deepEqual((await request(t.base, '/views/orders?id=1&id=2')).body.rows, []);
    assert.deepEqual((await request(t.base, '/views/orders?id=99')).body.rows, []);
  });

  test('limit, plain views, and name folding', async () => {
    assert.equal((await request(t.base, '/views/orders?limit=2')).body.rows.length, 2);
    assert.equal((await request(t.base, '/views/orders?limit=0')).body.rows.length, 0);
    const big = (await request(t.base, '/views/big_orders')).body.rows.map((r: unknown[]) => r[0]);
    assert.deepEqual(big.sort(), [1, 3]);
    assert.deepEqual((await request(t.base, '/views/big_orders?id=3')).body.rows, [[3, '7.5']]);
    assert.equal((await request(t.base, '/views/ORDERS?id=1')).status, 200);
  });

  test('errors: unknown relation 404, unknown column 400, bad filter value 400, bad limit 400', async () => {
    const missing = await request(t.base, '/views/nope');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.code, '42P01');
    const column = await request(t.base, '/views/orders?colour=red');
    assert.equal(column.status, 400);
    assert.equal(column.body.error.code, '42703');
    const value = await request(t.base, '/views/orders?id=abc');
    assert.equal(value.status, 400);
    assert.deepEqual(value.body.error, {
      code: '22P02',
      message: 'invalid input syntax for type integer: "abc"',
    });
    const limit = await request(t.base, '/views/orders?limit=-1');
    assert.equal(limit.status, 400);
    assert.equal(limit.body.error.code, '2201W');
  });
});

describe('health, readiness, metrics, routing', () => {
  let t: TestServer;
  let ready = false;
  before(async () => {
    t = await startTestServer({ ready: () => ready });
  });
  after(() => t.close());

  test('/health is 200; /ready follows the ready callback', async () => {
    assert.deepEqual((await request(t.base, '/health')).body, { status: 'ok' });
    assert.equal((await request(t.base, '/ready')).status, 503);
    ready = true;
    const answer = await request(t.base, '/ready');
    assert.equal(answer.status, 200);
    assert.equal(answer.body.status, 'ready');
  });

  test('/metrics counts steps, rows in and out, step latency, requests and errors', async () => {
    await rows(
      t.base,
      `CREATE TABLE m (g int, x int);
       CREATE MATERIALIZED VIEW mv AS SELECT g, count(*) AS n FROM m GROUP BY g;
       INSERT INTO m VALUES (1, 1), (1, 2), (2, 3)`,
    );
    await rows(t.base, 'DELETE FROM m WHERE x = 3; SELECT 1');
    await sql(t.base, 'SELECT * FROM not_there');
    const res = await fetch(`${t.base}/metrics`);
    assert.equal(res.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
    const text = await res.text();
    assert.match(text, /^# TYPE eddy_step_duration_seconds histogram$/m);
    assert.equal(await metric(t.base, 'eddy_steps_total'), t.db.currentStep);
    assert.equal(await metric(t.base, 'eddy_step_duration_seconds_count'), 2);
    assert.equal(await metric(t.base, 'eddy_step_duration_seconds_bucket{le="+Inf"}'), 2);
    assert.equal(await metric(t.base, 'eddy_rows_in_total{relation="m"}'), 4);
    // Step 1: groups 1 (n=2) and 2 (n=1) appear; step 2: group 2 disappears.
    assert.equal(await metric(t.base, 'eddy_rows_out_total{view="mv"}'), 3);
    assert.equal(await metric(t.base, 'eddy_relation_rows{relation="m",kind="table"}'), 2);
    assert.equal(await metric(t.base, 'eddy_relation_rows{relation="mv",kind="materializedView"}'), 1);
    assert.equal(await metric(t.base, 'eddy_errors_total{code="42P01"}'), 1);
    assert.equal(await metric(t.base, 'eddy_http_requests_total{route="sql",status="404"}'), 1);
    assert.equal(await metric(t.base, 'eddy_http_subscriptions{transport="sse"}'), 0);
    const aggregateBytes = await metric(
      t.base,
      'eddy_operator_state_bytes{view="mv",operator="AggregateOp"}',
    );
    assert.ok(aggregateBytes > 0);
    assert.ok((await metric(t.base, 'eddy_view_state_bytes{view="mv"}')) >= aggregateBytes);
  });

  test('an unknown path is 404 with a hint listing the endpoints', async () => {
    const answer = await request(t.base, '/nothing/here');
    assert.equal(answer.status, 404);
    assert.equal(answer.body.error.code, '42704');
    assert.match(answer.body.error.hint, /POST \/sql/);
  });
});
