/**
 * @module test/connectors/serve-support
 * `eddy serve --data-dir` as a child process (to kill with SIGKILL), pgwire clients, and a
 * polling helper, for the connector suites' crash tests.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import pg from 'pg';

export interface Served {
  readonly child: ChildProcess;
  readonly pgPort: number;
  readonly httpPort: number;
}

export async function client(port: number): Promise<pg.Client> {
  const c = new pg.Client({ host: '127.0.0.1', port, user: 'eddy', database: 'eddy' });
  await c.connect();
  return c;
}

export async function one(c: pg.Client, sql: string): Promise<Record<string, unknown>> {
  return (await c.query(sql)).rows[0] as Record<string, unknown>;
}

export async function startServe(dataDir: string, extra: readonly string[] = []): Promise<Served> {
  const main = new URL('../../src/cli/main.ts', import.meta.url).pathname;
  const args = [
    'serve',
    '--pg-port',
    '0',
    '--http-port',
    '0',
    '--data-dir',
    dataDir,
    '--checkpoint-interval',
    '300',
  ];
  const child = spawn(process.execPath, [main, ...args, ...extra], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (s: string) => {
      out += s;
      const pgPort = /PostgreSQL on [^:]+:(\d+)/.exec(out);
      const httpPort = /HTTP on [^:]+:(\d+)/.exec(out);
      if (pgPort && /data directory/.test(out))
        resolve({ child, pgPort: Number(pgPort[1]), httpPort: Number(httpPort?.[1] ?? 0) });
    });
    child.once('exit', (code) => reject(new Error(`eddy serve exited with ${code}: ${out}`)));
  });
}

export function kill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/** Polls `check` until it holds, failing with `describe()` after `ms`. */
export async function eventually(
  check: () => Promise<boolean>,
  ms: number,
  describe: () => Promise<string>,
): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out: ${await describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
