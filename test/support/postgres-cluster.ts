/**
 * @module test/support/postgres-cluster
 * A throwaway PostgreSQL 15 cluster for tests, the fuzzer and benchmarks: initdb into a fresh
 * temporary folder (as user postgres when run as root), started on loopback and a free port, then
 * stopped and its folder removed. Nothing else on the machine is touched.
 */
import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const PG_BIN = process.env.EDDY_PG_BIN ?? '/usr/lib/postgresql/15/bin';

export interface PostgresCluster {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly database: string;
  /** The postmaster's process id (for CPU accounting). */
  readonly postmasterPid: number;
  /** `postgres://…` URL of the cluster's default database. */
  readonly url: string;
  /** The temporary folder holding the cluster (data, socket, server.log); `stop` removes it. */
  readonly root: string;
  stop(): Promise<void>;
}

export interface ClusterOptions {
  /** `-c name=value` settings beyond initdb's defaults. */
  readonly settings?: readonly string[];
  /** initdb's `--locale`; `C` makes text compare by byte, as Eddy does. */
  readonly locale?: string;
}

/** True when the server binaries are installed (the fuzz test skips, or fails under CI, without them). */
export function postgresInstalled(): boolean {
  return existsSync(join(PG_BIN, 'initdb')) && existsSync(join(PG_BIN, 'pg_ctl'));
}

/** A TCP port nothing listens on right now (the OS's pick); racy in principle, fine for tests. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Runs a PostgreSQL binary as the cluster's owner: root may not run initdb or postgres. */
async function asOwner(binary: string, args: readonly string[]): Promise<string> {
  const path = join(PG_BIN, binary);
  const { stdout } =
    process.getuid?.() === 0
      ? await run('runuser', ['-u', 'postgres', '--', path, ...args])
      : await run(path, [...args]);
  return stdout;
}

export async function postgresVersion(): Promise<string> {
  return (await run(join(PG_BIN, 'postgres'), ['--version'])).stdout.trim();
}

export async function startPostgresCluster(options: ClusterOptions = {}): Promise<PostgresCluster> {
  const root = mkdtempSync(join(tmpdir(), 'eddy-pg-'));
  if (process.getuid?.() === 0) {
    const uid = Number((await run('id', ['-u', 'postgres'])).stdout);
    const gid = Number((await run('id', ['-g', 'postgres'])).stdout);
    chownSync(root, uid, gid);
  }
  const data = join(root, 'data');
  const port = await freePort();
  const serverOptions = [
    `-p ${port}`,
    `-k ${root}`,
    '-c listen_addresses=127.0.0.1',
    ...(options.settings ?? []).map((s) => `-c ${s}`),
  ].join(' ');
  const locale = options.locale === undefined ? [] : [`--locale=${options.locale}`];
  try {
    await asOwner('initdb', [
      '-D',
      data,
      '-U',
      'postgres',
      '-A',
      'trust',
      '-E',
      'UTF8',
      ...locale,
      '--no-sync',
    ]);
    await asOwner('pg_ctl', ['-D', data, '-l', join(root, 'server.log'), '-o', serverOptions, '-w', 'start']);
  } catch (e) {
    rmSync(root, { recursive: true, force: true });
    throw e;
  }
  const postmasterPid = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
  return {
    host: '127.0.0.1',
    port,
    user: 'postgres',
    database: 'postgres',
    postmasterPid,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    root,
    stop: () => stopPostgresCluster(root),
  };
}

/**
 * Stops the cluster started in `root` (by this process or another, as `npm run services -- down`
 * does) and removes the folder.
 */
export async function stopPostgresCluster(root: string): Promise<void> {
  try {
    if (existsSync(join(root, 'data', 'postmaster.pid')))
      await asOwner('pg_ctl', ['-D', join(root, 'data'), '-m', 'fast', '-w', 'stop']);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
