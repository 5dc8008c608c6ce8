/**
 * @module test/server/serve-command
 * `eddy serve` as a process: the start banner names a configured user and the scheme actually
 * served, the flags that error hints name (`--max-body-size`, `--allowed-origin`) exist and
 * work, and a user with an empty password is refused before anything listens.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot, run } from '../clients/client-support.ts';

const node = process.execPath;
const main = join(repoRoot, 'src/cli/main.ts');

interface Served {
  readonly child: ChildProcess;
  readonly banner: string;
  readonly httpBase: string;
}

/** Starts `eddy serve ARGS` on free ports and waits for its banner. */
async function startServe(args: readonly string[]): Promise<Served> {
  const child = spawn(node, [main, 'serve', '--pg-port', '0', '--http-port', '0', '--in-memory', ...args], {
    cwd: repoRoot,
    env: { ...process.env, EDDY_USERS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (err += s));
  const banner = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner in time; stderr: ${err}`)), 20_000);
    child.stdout!.setEncoding('utf8').on('data', (s: string) => {
      out += s;
      if (out.includes('\n')) {
        clearTimeout(timer);
        resolve(out.trim());
      }
    });
    child.once('exit', () => reject(new Error(`eddy serve exited: ${err}`)));
  });
  const http = /HTTP on (https?:\/\/[^\s]+)/.exec(banner);
  assert.ok(http, banner);
  return { child, banner, httpBase: http[1]! };
}

/** POST /sql on a connection of its own (a 413 closes its connection; a pooled one could race). */
function postSql(
  base: string,
  body: string,
  headers: Record<string, string>,
): Promise<{ status: number; origin: string | undefined; json: { error?: { hint: string } } }> {
  return new Promise((resolve, reject) => {
    const length = { 'Content-Length': String(Buffer.byteLength(body)) };
    const req = request(
      `${base}/sql`,
      { method: 'POST', headers: { ...headers, ...length }, agent: false },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (c: string) => (text += c));
        res.on('end', () =>
          resolve({
            status: res.statusCode!,
            origin: res.headers['access-control-allow-origin'] as string | undefined,
            json: JSON.parse(text),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function stop(served: Served): Promise<void> {
  const exited = new Promise((resolve) => served.child.once('exit', resolve));
  served.child.kill('SIGTERM');
  await exited;
}

test('the banner names the configured user; --max-body-size and --allowed-origin are real', async () => {
  const served = await startServe([
    '--user',
    'alice:pw1',
    '--max-body-size',
    '64',
    '--allowed-origin',
    'http://app.example',
  ]);
  try {
    assert.match(served.banner, / -U alice\)/);
    // The data-directory line may arrive in the same chunk: the URL ends its own line.
    assert.match(served.banner, /HTTP on http:\/\/127\.0\.0\.1:\d+$/m);
    const headers = { Authorization: 'Bearer pw1', 'Content-Type': 'text/plain' };
    const big = await postSql(served.httpBase, `SELECT ${'1 + '.repeat(30)}1`, headers);
    assert.equal(big.status, 413);
    assert.match(big.json.error!.hint, /--max-body-size/);
    assert.equal((await postSql(served.httpBase, 'SELECT 1', headers)).status, 200);
    const allowed = await postSql(served.httpBase, 'SELECT 1', { ...headers, Origin: 'http://app.example' });
    assert.equal(allowed.status, 200);
    assert.equal(allowed.origin, 'http://app.example');
    const other = await postSql(served.httpBase, 'SELECT 1', { ...headers, Origin: 'http://evil.example' });
    assert.equal(other.status, 403);
    assert.match(other.json.error!.hint, /--allowed-origin/);
  } finally {
    await stop(served);
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

test('with TLS the banner says https', {
  skip: haveOpenssl() ? false : 'openssl is not installed',
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-serve-tls-'));
  try {
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-days', '1'].concat([
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ]),
      { stdio: 'ignore' },
    );
    const served = await startServe(['--tls-cert', join(dir, 'cert.pem'), '--tls-key', join(dir, 'key.pem')]);
    try {
      assert.match(served.banner, / -U eddy\)/);
      assert.match(served.banner, /HTTP on https:\/\/127\.0\.0\.1:\d+$/m); // the next line (data directory) may come in the same chunk
    } finally {
      await stop(served);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an empty password or a bad limit is refused before anything listens', async () => {
  for (const [args, message] of [
    [['--user', 'alice:'], /--user wants NAME:PASSWORD with a non-empty password/],
    [['--max-handshakes', 'many'], /--max-handshakes wants a whole number of at least 1, got "many"/],
    [['--handshake-timeout-ms', '0'], /--handshake-timeout-ms wants a whole number of at least 1/],
  ] as const) {
    const done = await run(node, [main, 'serve', '--pg-port', '0', '--http-port', '0', ...args], {
      env: { EDDY_USERS: '' },
      timeoutMs: 20_000,
    });
    assert.notEqual(done.code, 0);
    assert.equal(done.stdout, '');
    assert.match(done.stderr, message);
  }
  const fromEnv = await run(node, [main, 'serve', '--pg-port', '0', '--http-port', '0'], {
    env: { EDDY_USERS: 'bob:' },
    timeoutMs: 20_000,
  });
  assert.notEqual(fromEnv.code, 0);
  assert.match(fromEnv.stderr, /non-empty password/);
});
