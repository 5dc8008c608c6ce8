/**
 * Authentication and encryption: SCRAM-SHA-256 passwords (right, wrong, unknown user) with
 * node-postgres and postgres.js, TLS from a certificate made for the test with openssl (required
 * once configured), and the refusal to serve a non-loopback address without passwords.
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
import { pgClient, postgresClient, startTestServer } from './pgwire-support.ts';

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
