/**
 * @module test/server/http-auth
 * Access to the HTTP API: Basic and bearer credentials (and access_token for browsers' EventSource
 * and WebSocket), open /health and /ready, refusal to listen beyond loopback without users, Host
 * and Origin checks against DNS rebinding and cross-site requests, CORS for allowed origins, TLS.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { WebSocket as WsClient } from 'ws';
import { Database } from '../../src/runtime/database.ts';
import { createDataflowMaintainer } from '../../src/runtime/dataflow-maintainer.ts';
import { startHttpServer } from '../../src/server/http/index.ts';
import { requirePrerequisite, skipUnlessPresent } from '../prerequisites.ts';
import { request, rows, SseClient, sql, startTestServer, type TestServer } from './http-support.ts';

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** A raw request (fetch cannot set Host), answering status, headers and body text. */
function raw(
  url: string,
  options: { method?: string; headers?: Record<string, string>; ca?: Buffer } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const send = url.startsWith('https:') ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      url,
      { method: options.method ?? 'GET', headers: options.headers, ca: options.ca },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          body += c;
        });
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('with users', () => {
  let t: TestServer;
  const alice = basic('alice', 's3cret');
  before(async () => {
    t = await startTestServer({
      users: [
        { name: 'alice', password: 's3cret' },
        { name: 'bob', password: 'token-b' },
      ],
    });
    await sql(t.base, 'CREATE TABLE a (x int); CREATE MATERIALIZED VIEW av AS SELECT x FROM a', {
      authorization: alice,
    });
  });
  after(() => t.close());

  test('/health and /ready need no credentials', async () => {
    assert.equal((await request(t.base, '/health')).status, 200);
    assert.equal((await request(t.base, '/ready')).status, 200);
  });

  test('no credentials: 401 with WWW-Authenticate and 28000', async () => {
    for (const path of ['/views/av', '/metrics', '/subscribe/av']) {
      const answer = await request(t.base, path);
      assert.equal(answer.status, 401, path);
      assert.equal(answer.body.error.code, '28000');
      assert.match(answer.headers.get('www-authenticate')!, /^Basic realm="eddy"/);
    }
    assert.equal((await sql(t.base, 'SELECT 1')).status, 401);
  });

  test('Basic: the right password passes, a wrong one is 28P01', async () => {
    assert.equal((await sql(t.base, 'SELECT 1', { authorization: alice })).status, 200);
    const wrong = await sql(t.base, 'SELECT 1', { authorization: basic('alice', 'nope') });
    assert.equal(wrong.status, 401);
    assert.deepEqual(wrong.body.error.code, '28P01');
    assert.equal(wrong.body.error.message, 'password authentication failed for user "alice"');
    assert.equal((await sql(t.base, 'SELECT 1', { authorization: basic('mallory', 's3cret') })).status, 401);
  });

  test('Bearer: a user’s password as the token', async () => {
    assert.equal((await sql(t.base, 'SELECT 1', { authorization: 'Bearer token-b' })).status, 200);
    assert.equal((await sql(t.base, 'SELECT 1', { authorization: 'Bearer token-x' })).status, 401);
    assert.equal((await sql(t.base, 'SELECT 1', { authorization: 'Digest abc' })).status, 401);
    // No user has an empty password, so neither an empty token nor a bare user name gets in.
    assert.equal((await sql(t.base, 'SELECT 1', { authorization: 'Bearer ' })).status, 401);
    assert.equal((await sql(t.base, 'SELECT 1', { authorization: basic('alice', '') })).status, 401);
    const bare = `Basic ${Buffer.from('alice').toString('base64')}`;
    assert.equal((await sql(t.base, 'SELECT 1', { authorization: bare })).status, 401);
  });

  test('current_user is the authenticated user', async () => {
    const asBob = await sql(t.base, 'SELECT current_user AS who', { authorization: 'Bearer token-b' });
    assert.deepEqual(asBob.body.results[0].rows, [['bob']]);
    const asAlice = await sql(t.base, 'SELECT session_user AS who', { authorization: alice });
    assert.deepEqual(asAlice.body.results[0].rows, [['alice']]);
  });

  test('access_token in the query, for EventSource and WebSocket', async () => {
    const sse = await SseClient.open(`${t.base}/subscribe/av?access_token=s3cret`);
    assert.equal(sse.status, 200);
    assert.equal((await sse.next())!.event, 'snapshot');
    sse.close();
    const wsBase = t.base.replace('http:', 'ws:');
    const refused = await wsOutcome(new WsClient(`${wsBase}/subscribe/av`));
    assert.equal(refused, 'status 401');
    const ws = new WsClient(`${wsBase}/subscribe/av?access_token=token-b`);
    const first = await new Promise<string>((resolve, reject) => {
      ws.once('message', (m) => resolve(String(m)));
      ws.once('error', reject);
    });
    assert.equal(JSON.parse(first).event, 'snapshot');
    ws.close();
  });
});

function wsOutcome(ws: WsClient): Promise<string> {
  return new Promise((resolve) => {
    ws.once('open', () => {
      ws.close();
      resolve('open');
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve(`status ${res.statusCode}`);
      res.resume();
    });
    ws.once('error', () => resolve('error'));
  });
}

describe('listening', () => {
  for (const host of ['0.0.0.0', '::', '192.0.2.10']) {
    test(`refuses ${host} without users, saying how to fix it`, async () => {
      const db = new Database(createDataflowMaintainer);
      await assert.rejects(
        startHttpServer({ db, host, port: 0 }),
        (err: Error & { code?: string; hint?: string }) => {
          assert.equal(err.code, '28000');
          assert.match(err.message, /^refusing to serve HTTP on .* without authentication$/);
          assert.match(err.hint!, /--user NAME:PASSWORD/);
          assert.match(err.hint!, /127\.0\.0\.1/);
          return true;
        },
      );
    });
  }

  test('refuses a user with an empty password (it would make an empty token a login)', async () => {
    const db = new Database(createDataflowMaintainer);
    await assert.rejects(
      startHttpServer({ db, host: '0.0.0.0', port: 0, users: [{ name: 'alice', password: '' }] }),
      (err: Error & { code?: string }) => {
        assert.equal(err.code, '28000');
        assert.equal(err.message, 'user "alice" has an empty password');
        return true;
      },
    );
  });
});

describe('without users (loopback development mode)', () => {
  let t: TestServer;
  let withOrigins: TestServer;
  before(async () => {
    t = await startTestServer();
    withOrigins = await startTestServer({ allowedOrigins: ['http://app.example'] });
    await rows(t.base, 'CREATE TABLE h (x int); SELECT 1');
  });
  after(async () => {
    await t.close();
    await withOrigins.close();
  });

  test('a Host header that is not loopback is refused (DNS rebinding)', async () => {
    const port = t.server.address().port;
    const evil = await raw(`${t.base}/views/h`, { headers: { host: `evil.example:${port}` } });
    assert.equal(evil.status, 403);
    assert.equal(JSON.parse(evil.body).error.code, '42501');
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`]) {
      assert.equal((await raw(`${t.base}/views/h`, { headers: { host } })).status, 200, host);
    }
  });

  test('a request from another origin is refused; the same origin passes', async () => {
    const port = t.server.address().port;
    const cross = await raw(`${t.base}/sql`, { method: 'POST', headers: { origin: 'http://evil.example' } });
    assert.equal(cross.status, 403);
    const same = await raw(`${t.base}/views/h`, { headers: { origin: `http://127.0.0.1:${port}` } });
    assert.equal(same.status, 200);
    const ws = await wsOutcome(
      new WsClient(`ws://127.0.0.1:${port}/subscribe/h`, { origin: 'http://evil.example' }),
    );
    assert.equal(ws, 'status 403');
  });

  test('allowed origins get CORS headers and preflight answers', async () => {
    const answer = await raw(`${withOrigins.base}/health`, { headers: { origin: 'http://app.example' } });
    assert.equal(answer.status, 200);
    const views = await raw(`${withOrigins.base}/metrics`, { headers: { origin: 'http://app.example' } });
    assert.equal(views.headers['access-control-allow-origin'], 'http://app.example');
    const preflight = await raw(`${withOrigins.base}/sql`, {
      method: 'OPTIONS',
      headers: { origin: 'http://app.example', 'access-control-request-method': 'POST' },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers['access-control-allow-origin'], 'http://app.example');
    assert.match(String(preflight.headers['access-control-allow-headers']), /Last-Event-ID/);
    const other = await raw(`${withOrigins.base}/metrics`, { headers: { origin: 'http://other.example' } });
    assert.equal(other.status, 403);
  });
});

describe('TLS', () => {
  let dir = '';
  let opensslMissing = false;
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
  } catch {
    opensslMissing = true;
  }
  before(() => {
    if (opensslMissing) return;
    dir = mkdtempSync(join(tmpdir(), 'eddy-http-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ].concat(['-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost']),
      { stdio: 'ignore' },
    );
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('serves HTTPS from a certificate and key', {
    skip: skipUnlessPresent(opensslMissing ? 'openssl is not installed' : null),
  }, async () => {
    requirePrerequisite(opensslMissing ? 'openssl is not installed' : null);
    const cert = readFileSync(join(dir, 'cert.pem'));
    const key = readFileSync(join(dir, 'key.pem'));
    const t = await startTestServer({ tls: { key, cert } });
    try {
      const port = t.server.address().port;
      const answer = await raw(`https://localhost:${port}/health`, { ca: cert });
      assert.equal(answer.status, 200);
      assert.deepEqual(JSON.parse(answer.body), { status: 'ok' });
    } finally {
      await t.close();
    }
  });
});
