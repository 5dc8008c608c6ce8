/**
 * Authentication and encryption: SCRAM-SHA-256 passwords (right, wrong, unknown user) with
 * node-postgres and postgres.js, TLS from a certificate made for the test with openssl (required
 * once configured), the refusal to serve a non-loopback address without passwords or with an
 * empty one, a malformed SASL message logged in one line, and current_user as the login.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { EddyError } from '../../src/common/errors.ts';
import { Database } from '../../src/runtime/database.ts';
import { createDataflowMaintainer } from '../../src/runtime/dataflow-maintainer.ts';
import { startPgServer } from '../../src/server/pgwire/index.ts';
import { requirePrerequisite, skipUnlessPresent } from '../prerequisites.ts';
import {
  fieldsOf,
  pgClient,
  postgresClient,
  RawClient,
  startTestServer,
  startupMessage,
} from './pgwire-support.ts';

const users = [{ name: 'alice', password: 's3cret!' }];

test('SCRAM-SHA-256: the right password gets in, a wrong one or an unknown user does not', async () => {
  const t = await startTestServer({ users });
  try {
    const ok = await pgClient(t.port, { user: 'alice', password: 's3cret!' });
    assert.deepEqual((await ok.query('SELECT 1 AS one')).rows, [{ one: 1 }]);
    await ok.end();
    for (const [user, password] of [
      ['alice', 'wrong'],
      ['mallory', 's3cret!'],
    ]) {
      await assert.rejects(pgClient(t.port, { user, password }), (e: Error & { code?: string }) => {
        assert.equal(e.message, `password authentication failed for user "${user}"`);
        assert.match(e.code ?? '', /^28/);
        return true;
      });
    }
    const sql = postgresClient(t.port, { user: 'alice', password: 's3cret!' });
    assert.deepEqual([...(await sql`SELECT 2 AS two`)], [{ two: 2 }]);
    await sql.end();
    assert.equal(t.server.sessions(), 0);
  } finally {
    await t.server.close();
  }
});

function haveOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const opensslMissing = haveOpenssl()
  ? null
  : 'openssl is not installed (node:crypto cannot issue certificates)';

test('TLS: clients that ask get TLS with the configured certificate; plain connections are refused', {
  skip: skipUnlessPresent(opensslMissing),
}, async () => {
  requirePrerequisite(opensslMissing);
  const dir = mkdtempSync(join(tmpdir(), 'eddy-pgwire-tls-'));
  try {
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost'].concat([
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ]),
      { stdio: 'ignore' },
    );
    const key = readFileSync(join(dir, 'key.pem'));
    const cert = readFileSync(join(dir, 'cert.pem'));
    const t = await startTestServer({ users, tls: { key, cert } });
    try {
      const secure = await pgClient(t.port, {
        user: 'alice',
        password: 's3cret!',
        ssl: { ca: cert, servername: 'localhost', rejectUnauthorized: true },
      });
      assert.deepEqual((await secure.query("SELECT 'over tls' AS s")).rows, [{ s: 'over tls' }]);
      await secure.end();
      const sql = postgresClient(t.port, {
        user: 'alice',
        password: 's3cret!',
        ssl: { ca: cert, servername: 'localhost' },
      });
      assert.deepEqual([...(await sql`SELECT ${'x'}::text AS x`)], [{ x: 'x' }]);
      await sql.end();
      await assert.rejects(
        pgClient(t.port, { user: 'alice', password: 's3cret!', ssl: false }),
        /SSL connection is required/,
      );
    } finally {
      await t.server.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('no passwords on a non-loopback address: refused, saying how to fix it', async () => {
  const db = new Database(createDataflowMaintainer);
  await assert.rejects(startPgServer({ db, host: '0.0.0.0', port: 0 }), (e: unknown) => {
    assert.ok(e instanceof EddyError);
    assert.match(e.message, /refusing to serve the PostgreSQL protocol on 0\.0\.0\.0 without passwords/);
    assert.match(e.hint ?? '', /user with a password|loopback address/);
    return true;
  });
  const withUsers = await startPgServer({ db, host: '0.0.0.0', port: 0, users });
  await withUsers.close();
  const loopback = await startPgServer({ db, host: '::1', port: 0 }).catch(() => null);
  await loopback?.close();
});

test('a user with an empty password is refused at start (it would let anyone in)', async () => {
  const db = new Database(createDataflowMaintainer);
  for (const bad of [[{ name: 'alice', password: '' }], [{ name: '', password: 'x' }]]) {
    await assert.rejects(startPgServer({ db, host: '0.0.0.0', port: 0, users: bad }), (e: unknown) => {
      assert.ok(e instanceof EddyError);
      assert.equal(e.code, '28000');
      assert.match(e.message, /empty (password|name)/);
      return true;
    });
  }
});

test('a malformed SASL message before authentication: FATAL 08P01 and one log line, no stack trace', async () => {
  const lines: string[] = [];
  const t = await startTestServer({ users, log: (line) => lines.push(line) });
  const printed: unknown[] = [];
  const consoleError = console.error;
  console.error = (...args: unknown[]) => printed.push(args);
  try {
    const c = await RawClient.connect(t.port, null);
    c.send(startupMessage({ user: 'alice' }));
    assert.equal((await c.next())?.type, 'R'); // AuthenticationSASL
    // SASLInitialResponse for SCRAM-SHA-256 with no client-first-message (length -1).
    const body = Buffer.concat([Buffer.from('SCRAM-SHA-256\0'), Buffer.from([0xff, 0xff, 0xff, 0xff])]);
    const head = Buffer.alloc(5);
    head.write('p');
    head.writeInt32BE(body.length + 4, 1);
    c.send(head, body);
    const messages = await c.closedByServer();
    assert.deepEqual(
      messages.map((m) => [m.type, fieldsOf(m).C, fieldsOf(m).M]),
      [['E', '08P01', 'malformed SASLInitialResponse message']],
    );
    assert.deepEqual(printed, []);
    assert.deepEqual(lines, [
      'closed a connection during authentication: malformed SASLInitialResponse message',
    ]);
  } finally {
    console.error = consoleError;
    await t.server.close();
  }
});

test('current_user and session_user are the authenticated user', async () => {
  const t = await startTestServer({ users: [...users, { name: 'bob', password: 'b0b' }] });
  try {
    for (const [user, password] of [
      ['alice', 's3cret!'],
      ['bob', 'b0b'],
    ] as const) {
      const client = await pgClient(t.port, { user, password });
      const { rows } = await client.query('SELECT current_user AS c, session_user AS s, user AS u');
      assert.deepEqual(rows, [{ c: user, s: user, u: user }]);
      await client.end();
    }
  } finally {
    await t.server.close();
  }
});
