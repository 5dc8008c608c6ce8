/**
 * Helpers of the PostgreSQL connector suites: `eddy serve --data-dir` as a child process (its
 * stderr kept, to check what it logged) that a test can kill with SIGKILL, and clients of it and
 * of the upstream PostgreSQL.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import pg from 'pg';

export interface Served {
  readonly child: ChildProcess;
  readonly pgPort: number;
  readonly stderr: string[];
}

export async function startServe(dataDir: string): Promise<Served> {
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
  const child = spawn(process.execPath, [main, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const stderr: string[] = [];
  child.stderr!.setEncoding('utf8').on('data', (s: string) => stderr.push(s));
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (s: string) => {
      out += s;
      const pgPort = /PostgreSQL on [^:]+:(\d+)/.exec(out);
      if (pgPort && /data directory/.test(out)) resolve({ child, pgPort: Number(pgPort[1]), stderr });
    });
    child.once('exit', (code) =>
      reject(new Error(`eddy serve exited with ${code}: ${out}${stderr.join('')}`)),
    );
  });
}

export function kill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/** A client of the served Eddy. */
export async function client(port: number): Promise<pg.Client> {
  const c = new pg.Client({ host: '127.0.0.1', port, user: 'eddy', database: 'eddy' });
  await c.connect();
  return c;
}

export async function upstream(url: string): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  return c;
}

/** CREATE SECRET `<name>_pw` and CREATE CONNECTION `name` to the upstream at `url`. */
export function connectionSql(url: string, name: string, secret: string): string {
  const u = new URL(url);
  return `CREATE SECRET ${name}_pw AS '${secret}';
    CREATE CONNECTION ${name} WITH (type = 'postgres', host = '${u.hostname}', port = ${u.port},
      user = '${decodeURIComponent(u.username)}', password = SECRET ${name}_pw, dbname = '${u.pathname.slice(1)}')`;
}
