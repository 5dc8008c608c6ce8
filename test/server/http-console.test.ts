/**
 * @module test/server/http-console
 * The HTTP side of the console: the page and its assets (security headers, nothing else served),
 * the login that sets an HttpOnly session cookie accepted like credentials, the JSON the pages
 * read (`/catalog`, `/stats`, `/dataflow/{view}` with per-operator counters and hydration), and
 * that profiled views still compute what unprofiled ones do.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Database } from '../../src/runtime/database.ts';
import { ConsoleAssets } from '../../src/server/http/console-assets.ts';
import { ConsoleSessions, sessionCookie, sessionsMax } from '../../src/server/http/console-session.ts';
import { OperatorProfiles } from '../../src/server/http/operator-profile.ts';
import { ensureConsoleBuilt } from '../console/console-harness.ts';
import { request, rows, startTestServer, type TestServer } from './http-support.ts';

const users = [{ name: 'ann', password: 's3cret' }];

async function login(base: string, password = 's3cret') {
  return request(base, '/console/login', {
    method: 'POST',
    body: JSON.stringify({ user: 'ann', password }),
    headers: { 'content-type': 'application/json' },
  });
}

describe('console page and login', () => {
  let t: TestServer;
  before(async () => {
    ensureConsoleBuilt();
    t = await startTestServer({ users });
  });
  after(() => t.close());

  test('the page and its assets are served without credentials, with a strict CSP', async () => {
    const page = await request(t.base, '/');
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type')!, /^text\/html/);
    assert.match(page.headers.get('content-security-policy')!, /default-src 'self'; script-src 'self';/);
    assert.equal(page.headers.get('cache-control'), 'no-cache');
    const script = /src="\/assets\/([^"]+\.js)"/.exec(page.body as string)![1]!;
    const asset = await request(t.base, `/assets/${script}`);
    assert.equal(asset.status, 200);
    assert.match(asset.headers.get('content-type')!, /^text\/javascript/);
    assert.match(asset.headers.get('cache-control')!, /immutable/);
    for (const path of ['/assets/nope.js', '/assets/..%2Fpackage.json', '/assets/..%2F..%2Fpackage.json']) {
      assert.equal((await request(t.base, path)).status, 404, path);
    }
    // Deeper paths are no console route: the API's authentication answers them.
    assert.equal((await request(t.base, '/assets/x/..%2F..%2Fpackage.json')).status, 401);
    assert.equal((await request(t.base, '/', { method: 'POST' })).status, 405);
  });

  test('a login sets an HttpOnly SameSite=Strict cookie that the API accepts; logout ends it', async () => {
    const refused = await login(t.base, 'wrong');
    assert.equal(refused.status, 401);
    assert.equal(refused.body.error.code, '28P01');
    assert.equal(refused.headers.get('set-cookie'), null);
    const ok = await login(t.base);
    assert.equal(ok.status, 200);
    assert.deepEqual(ok.body, { authRequired: true, user: 'ann' });
    const setCookie = ok.headers.get('set-cookie')!;
    assert.match(setCookie, /^eddy_session=[\w-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200$/);
    const cookie = setCookie.split(';')[0]!;
    const session = await request(t.base, '/console/session', { headers: { cookie } });
    assert.deepEqual(session.body, { authRequired: true, user: 'ann' });
    const sql = await request(t.base, '/sql', {
      method: 'POST',
      body: 'SELECT current_user',
      headers: { cookie },
    });
    assert.deepEqual(sql.body.results[0].rows, [['ann']]);
    await request(t.base, '/console/logout', { method: 'POST', headers: { cookie } });
    assert.equal((await request(t.base, '/catalog', { headers: { cookie } })).status, 401);
    assert.deepEqual((await request(t.base, '/console/session', { headers: { cookie } })).body, {
      authRequired: true,
      user: null,
    });
  });

  test('a forged cookie is refused; the console gets its 401 without the browser prompt header', async () => {
    const forged = await request(t.base, '/stats', { headers: { cookie: 'eddy_session=forged' } });
    assert.equal(forged.status, 401);
    assert.match(forged.headers.get('www-authenticate')!, /Basic/);
    const fromConsole = await request(t.base, '/stats', {
      headers: { cookie: 'eddy_session=forged', 'x-eddy-console': '1' },
    });
    assert.equal(fromConsole.status, 401);
    assert.equal(fromConsole.headers.get('www-authenticate'), null);
  });

  test('a bad login body is 22023; a cross-origin login is refused', async () => {
    const bad = await request(t.base, '/console/login', { method: 'POST', body: '{"user":1}' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, '22023');
    const foreign = await request(t.base, '/console/login', {
      method: 'POST',
      body: JSON.stringify({ user: 'ann', password: 's3cret' }),
      headers: { origin: 'https://evil.example' },
    });
    assert.equal(foreign.status, 403);
  });
});

describe('console sessions', () => {
  test('expire, and past the bound the oldest is forgotten', () => {
    const sessions = new ConsoleSessions();
    const first = sessions.create('ann', 0);
    assert.equal(sessions.user(first, 1000), 'ann');
    assert.equal(sessions.user(first, 13 * 3600 * 1000), undefined);
    const oldest = sessions.create('ann');
    for (let i = 0; i < sessionsMax; i++) sessions.create('bob');
    assert.equal(sessions.user(oldest), undefined);
    assert.match(sessionCookie('', true), /Max-Age=0; Secure$/);
  });

  test('an unbuilt console answers 503 with how to build it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eddy-console-'));
    try {
      assert.throws(
        () => new ConsoleAssets(dir).serve({} as ServerResponse, null),
        (e: Error & { status?: number }) =>
          e.status === 503 && /npm run build/.test(String(Reflect.get(e, 'hint'))),
      );
      mkdirSync(join(dir, 'assets'));
      writeFileSync(join(dir, 'index.html'), '<!doctype html>');
      writeFileSync(join(dir, 'assets', 'a.js'), '');
      assert.throws(
        () => new ConsoleAssets(dir).serve({} as ServerResponse, 'b.js'),
        (e: Error & { status?: number }) => e.status === 404,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('catalog, stats and dataflow', () => {
  let t: TestServer;
  let db: Database;
  const profiles = new OperatorProfiles();
  before(async () => {
    db = new Database(profiles.factory());
    t = await startTestServer({ db, operatorProfiles: profiles });
    await rows(
      t.base,
      `CREATE TABLE orders (id int PRIMARY KEY, region text, amount int);
       CREATE INDEX orders_region ON orders (region);
       CREATE MATERIALIZED VIEW by_region AS SELECT region, sum(amount) AS total FROM orders GROUP BY region;
       CREATE VIEW big AS SELECT * FROM by_region WHERE total > 10;
       INSERT INTO orders VALUES (1, 'north', 10), (2, 'south', 5), (3, 'north', 4)`,
    );
  });
  after(() => t.close());

  test('/catalog lists every object with columns, SQL, dependencies, indexes and row counts', async () => {
    const { status, body } = await request(t.base, '/catalog');
    assert.equal(status, 200);
    const byName = Object.fromEntries(body.objects.map((o: { name: string }) => [o.name, o]));
    assert.deepEqual(Object.keys(byName), ['orders', 'by_region', 'big']);
    assert.deepEqual(byName.orders.columns, [
      { name: 'id', type: 'integer' },
      { name: 'region', type: 'text' },
      { name: 'amount', type: 'integer' },
    ]);
    assert.deepEqual(byName.orders.primaryKey, ['id']);
    assert.deepEqual(byName.orders.indexes, [{ name: 'orders_region', columns: ['region'] }]);
    assert.deepEqual(byName.orders.dependents, ['by_region']);
    assert.equal(byName.orders.rows, 3);
    assert.equal(byName.by_region.kind, 'materializedView');
    assert.deepEqual(byName.by_region.dependsOn, ['orders']);
    assert.deepEqual(byName.by_region.dependents, ['big']);
    assert.equal(byName.by_region.rows, 2);
    assert.match(byName.by_region.sql, /^CREATE MATERIALIZED VIEW by_region/);
    assert.equal(byName.big.rows, null);
  });

  test('/stats counts steps, rows in and out, latency percentiles, errors by SQLSTATE', async () => {
    const before = (await request(t.base, '/stats')).body;
    await rows(t.base, `INSERT INTO orders VALUES (4, 'west', 1)`);
    await request(t.base, '/views/nosuch');
    const after = (await request(t.base, '/stats')).body;
    assert.equal(after.step, before.step + 1);
    assert.equal(after.rowsIn, before.rowsIn + 1);
    assert.equal(after.rowsOut, before.rowsOut + 1);
    assert.ok(
      after.latency.steps >= 1 && after.latency.p50Ms >= 0 && after.latency.p99Ms >= after.latency.p50Ms,
    );
    assert.equal(after.errors['42P01'], (before.errors['42P01'] ?? 0) + 1);
    assert.ok(after.memory.rssBytes > 0);
    assert.ok(after.memory.stateBytes > 0, 'the views keep operator state');
    assert.deepEqual(after.subscriptions, { sse: 0, websocket: 0, bufferedBytes: 0 });
  });

  test('/stats and /catalog show a view with rows in error (errors as data)', async () => {
    await rows(
      t.base,
      `CREATE MATERIALIZED VIEW ratio AS SELECT id, 100 / amount AS r FROM orders; INSERT INTO orders VALUES (5, 'zero', 0), (6, 'zero', 0)`,
    );
    const stats = (await request(t.base, '/stats')).body;
    assert.deepEqual(
      stats.viewErrors.map((e: { view: string; rows: number; code: string }) => [e.view, e.rows, e.code]),
      [['ratio', 2, '22012']],
    );
    await rows(t.base, 'DELETE FROM orders WHERE id = 6');
    const one = (await request(t.base, '/stats')).body;
    assert.equal(one.viewErrors[0].rows, 1);
    const catalog = (await request(t.base, '/catalog')).body;
    assert.equal(catalog.objects.find((o: { name: string }) => o.name === 'ratio').error.code, '22012');
    await rows(t.base, 'DELETE FROM orders WHERE id = 5; DROP MATERIALIZED VIEW ratio');
  });

  test('/dataflow/{view} gives the operator graph; its counters grow with each step', async () => {
    const first = (await request(t.base, '/dataflow/by_region')).body;
    const reads = first.nodes.filter((n: { operator: string }) => n.operator === 'read');
    assert.deepEqual(
      reads.map((n: { relation: string }) => n.relation),
      ['orders'],
    );
    const aggregate = first.nodes.find((n: { operator: string }) => n.operator === 'AggregateOp');
    assert.ok(aggregate, JSON.stringify(first.nodes));
    assert.equal(aggregate.stateEntries, 3);
    assert.ok(aggregate.stateBytes > 0, 'an aggregate reports the bytes of its groups');
    assert.ok(
      reads.every((n: { stateBytes: number | null }) => n.stateBytes === null),
      'reads keep no state',
    );
    for (const n of first.nodes) for (const i of n.inputs) assert.ok(i < n.id, 'inputs come first');
    await rows(t.base, `INSERT INTO orders VALUES (10, 'east', 2), (11, 'east', 3)`);
    const second = (await request(t.base, '/dataflow/by_region')).body;
    const again = second.nodes.find((n: { id: number }) => n.id === aggregate.id);
    assert.equal(again.rowsIn - aggregate.rowsIn, 2);
    assert.equal(again.rowsOut - aggregate.rowsOut, 1);
    assert.equal(again.runs, aggregate.runs + 1);
    assert.ok(again.busyMs > aggregate.busyMs);
    assert.equal(again.stateEntries, 4);
    // Bytes follow the state: 200 new groups add to them, and deleting them takes that back.
    const aggregateOf = async () =>
      (await request(t.base, '/dataflow/by_region')).body.nodes.find(
        (n: { id: number }) => n.id === aggregate.id,
      );
    await rows(
      t.base,
      `INSERT INTO orders SELECT 1000 + i, 'region ' || i, i FROM generate_series(1, 200) AS i`,
    );
    const grown = await aggregateOf();
    assert.equal(grown.stateEntries, 204);
    assert.ok(grown.stateBytes > again.stateBytes + 200 * 40, `${again.stateBytes} → ${grown.stateBytes}`);
    await rows(t.base, `DELETE FROM orders WHERE id > 1000`);
    const shrunk = await aggregateOf();
    assert.equal(shrunk.stateEntries, 4);
    assert.ok(shrunk.stateBytes < grown.stateBytes, `${grown.stateBytes} → ${shrunk.stateBytes}`);
    // Profiling changes nothing in what the view holds.
    assert.deepEqual(
      await rows(t.base, 'SELECT * FROM by_region ORDER BY region'),
      await rows(t.base, 'SELECT region, sum(amount) FROM orders GROUP BY region ORDER BY region'),
    );
  });

  test('/dataflow shows hydration progress while a view is built in the background', async () => {
    await rows(
      t.base,
      'CREATE TABLE many (n int); INSERT INTO many SELECT g FROM generate_series(1, 20000) AS g',
    );
    // One row per event-loop turn: the view is still being built when the next requests arrive.
    db.hydrationChunkRows = 1;
    const created = await request(t.base, '/sql', {
      method: 'POST',
      body: 'CREATE MATERIALIZED VIEW slow AS SELECT n % 7 AS k, count(*) FROM many GROUP BY 1',
    });
    assert.equal(created.status, 200);
    const during = (await request(t.base, '/dataflow/slow')).body;
    const catalogDuring = (await request(t.base, '/catalog')).body;
    db.hydrationChunkRows = 50_000;
    assert.equal(during.hydration?.total, 20000, JSON.stringify(during.hydration));
    assert.ok(during.hydration.done < 20000);
    const slow = catalogDuring.objects.find((o: { name: string }) => o.name === 'slow');
    assert.equal(slow.hydration.total, 20000);
    await rows(t.base, 'SELECT * FROM slow');
    assert.equal((await request(t.base, '/dataflow/slow')).body.hydration, null);
  });

  test('/dataflow refuses what is not a materialized view, and a server without profiles says so', async () => {
    const plain = await request(t.base, '/dataflow/big');
    assert.equal(plain.status, 400);
    assert.equal(plain.body.error.code, '42809');
    assert.equal((await request(t.base, '/dataflow/nosuch')).status, 404);
    const bare = await startTestServer();
    try {
      await rows(bare.base, 'CREATE TABLE t (a int); CREATE MATERIALIZED VIEW v AS SELECT count(*) FROM t');
      const answer = await request(bare.base, '/dataflow/v');
      assert.equal(answer.status, 404);
      assert.match(answer.body.error.hint, /eddy serve/);
    } finally {
      await bare.close();
    }
  });
});
