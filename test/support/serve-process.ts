/**
 * @module test/support/serve-process
 * `eddy serve --data-dir` as a child process, for the tests that kill it with SIGKILL and start it
 * again on the same directory (storage and connector crash tests), with a wire-protocol client and
 * a polling helper. Its stderr is kept (to check what it logged) and passed through.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import pg from 'pg';

export interface ServeProcess {
  readonly child: ChildProcess;
  readonly pgPort: number;
  readonly httpPort: number;
  /** `http://host:port` of the HTTP API. */
  readonly http: string;
  /** What the server printed on stdout up to serving (its ports, data directory, recovery). */
  readonly banner: string;
  /** Everything it wrote to stderr so far. */
  readonly stderr: string[];
}

export interface ServeProcessOptions {
  /** More `eddy serve` arguments. */
  readonly args?: readonly string[];
  /** More environment variables (failpoints). */
  readonly env?: Readonly<Record<string, string>>;
  /** `--checkpoint-interval` (default 300 ms: short, so crash tests recover from checkpoints). */
  readonly checkpointIntervalMs?: number;
}

/** Starts `eddy serve` over `dataDir` on spare ports; resolves once it serves. */
export function startServe(dataDir: string, options: ServeProcessOptions = {}): Promise<ServeProcess> {
  const main = new URL('../../src/cli/main.ts', import.meta.url).pathname;
  const args = ['serve', '--pg-port', '0', '--http-port', '0', '--data-dir', dataDir];
  args.push('--checkpoint-interval', String(options.checkpointIntervalMs ?? 300), ...(options.args ?? []));
  const child = spawn(process.execPath, [main, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env },
  });
  const stderr: string[] = [];
  child.stderr!.setEncoding('utf8').on('data', (s: string) => {
    stderr.push(s);
    process.stderr.write(s);
  });
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (s: string) => {
      out += s;
      const pgPort = /PostgreSQL on [^:]+:(\d+)/.exec(out);
      const http = /HTTP on (http:\/\/[^\s]+:(\d+))/.exec(out);
      if (pgPort && http && /data directory/.test(out))
        resolve({
          child,
          pgPort: Number(pgPort[1]),
          httpPort: Number(http[2]),
          http: http[1]!,
          banner: out,
          stderr,
        });
    });
    child.once('exit', (code, signal) =>
      reject(new Error(`eddy serve exited with ${code ?? signal}: ${out}${stderr.join('')}`)),
    );
  });
}

/** Kills the server with SIGKILL; resolves once it is gone. */
export function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/** Resolves once `child` has exited (a failpoint killed it). */
export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** A wire-protocol client of the served Eddy. */
export async function client(port: number): Promise<pg.Client> {
  const c = new pg.Client({ host: '127.0.0.1', port, user: 'eddy', database: 'eddy' });
  // A server killed under a query ends the connection: the query fails, nothing else.
  c.on('error', () => {});
  await c.connect();
  return c;
}

/** The first row of a query's answer. */
export async function one(c: pg.Client, sql: string): Promise<Record<string, unknown>> {
  return (await c.query(sql)).rows[0] as Record<string, unknown>;
}

/** Polls `check` until it holds, failing with `describe()` after `ms`. */
export async function eventually(
  check: () => Promise<boolean> | boolean,
  ms: number,
  describe: () => Promise<string> | string,
): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out: ${await describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
