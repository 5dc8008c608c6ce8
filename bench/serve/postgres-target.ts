/**
 * @module bench/serve/postgres-target
 * A throwaway PostgreSQL 15 cluster: initdb into a fresh temporary folder (as user postgres when
 * run as root), started on loopback and a free port, then stopped and its folder removed.
 */
import { execFile } from 'node:child_process';
import { chownSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, processTreeCpuSec, type ServeTarget } from './serve-target.ts';

const run = promisify(execFile);
export const PG_BIN = '/usr/lib/postgresql/15/bin';

/**
 * Settings beyond initdb's defaults. Eddy keeps its database in memory for now (durability is the
 * storage issue's), so PostgreSQL skips fsync too; everything else is as initdb leaves it.
 */
export const POSTGRES_SETTINGS = ['fsync=off'] as const;

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

export async function startPostgres(): Promise<ServeTarget> {
  const root = mkdtempSync(join(tmpdir(), 'eddy-bench-pg-'));
  if (process.getuid?.() === 0) {
    const uid = Number((await run('id', ['-u', 'postgres'])).stdout);
    const gid = Number((await run('id', ['-g', 'postgres'])).stdout);
    chownSync(root, uid, gid);
  }
  const data = join(root, 'data');
  const port = await freePort();
  const options = [
    `-p ${port}`,
    `-k ${root}`,
    '-c listen_addresses=127.0.0.1',
    ...POSTGRES_SETTINGS.map((s) => `-c ${s}`),
  ].join(' ');
  try {
    await asOwner('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync']);
    await asOwner('pg_ctl', ['-D', data, '-l', join(root, 'server.log'), '-o', options, '-w', 'start']);
  } catch (e) {
    rmSync(root, { recursive: true, force: true });
    throw e;
  }
  const postmaster = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
  return {
    system: 'postgres',
    host: '127.0.0.1',
    port,
    user: 'postgres',
    database: 'postgres',
    cpuSeconds: () => processTreeCpuSec(postmaster, true),
    async stop() {
      try {
        await asOwner('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
  };
}
