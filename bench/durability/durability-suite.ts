/**
 * @module bench/durability/durability-suite
 * `npm run bench -- durability [--seconds N] [--clients 1,32]`: single-row INSERT commits per
 * second over the wire (node-postgres, autocommit, one row per statement) against Eddy with a
 * data directory and PostgreSQL 15 with `fsync = on` and `synchronous_commit = on`, both on the
 * same disk (the system's temporary folder) in the same run. Durable commits are bounded by the
 * disk's sync latency; group commit (Eddy's shared fdatasync, PostgreSQL's WAL flush) is what
 * lets many clients share it. Prints a Markdown table for BENCHMARKS.md.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startPostgresCluster } from '../../test/support/postgres-cluster.ts';
import { startEddy } from '../serve/eddy-target.ts';

export const DURABILITY_USAGE = `durability: npm run bench -- durability [--seconds N] [--clients 1,32]
  single-row INSERT commits/s over the wire, Eddy (durable, --data-dir) vs PostgreSQL 15 (fsync=on, synchronous_commit=on)`;

export interface DurabilitySettings {
  readonly seconds: number;
  readonly clients: readonly number[];
}

export function parseDurabilityArgs(args: readonly string[]): DurabilitySettings {
  let seconds = 10;
  let clients = [1, 32];
  for (let i = 0; i < args.length; i++) {
    const value = args[i + 1];
    if (args[i] === '--seconds' && value) {
      seconds = Number(value);
      i++;
    } else if (args[i] === '--clients' && value) {
      clients = value.split(',').map(Number);
      i++;
    } else throw new Error(`unknown argument ${args[i]}\n${DURABILITY_USAGE}`);
  }
  if (!(seconds > 0) || clients.some((n) => !(n >= 1))) throw new Error(DURABILITY_USAGE);
  return { seconds, clients };
}

interface Target {
  readonly system: string;
  readonly config: pg.ClientConfig;
  stop(): Promise<void>;
}

/** Commits/s of `clients` connections each inserting one row per statement for `seconds`. */
async function measure(target: Target, clients: number, seconds: number): Promise<number> {
  const conns = await Promise.all(
    Array.from({ length: clients }, async () => {
      const c = new pg.Client(target.config);
      await c.connect();
      return c;
    }),
  );
  await conns[0]!.query('DROP TABLE IF EXISTS commits');
  await conns[0]!.query('CREATE TABLE commits (client int, n int, note text)');
  let total = 0;
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    conns.map(async (c, client) => {
      for (let n = 0; performance.now() < deadline; n++) {
        await c.query('INSERT INTO commits VALUES ($1, $2, $3)', [client, n, 'durable']);
        total++;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const stored = Number((await conns[0]!.query('SELECT count(*) AS n FROM commits')).rows[0].n);
  if (stored !== total) throw new Error(`${target.system}: ${total} inserts acknowledged, ${stored} stored`);
  await Promise.all(conns.map((c) => c.end()));
  return total / elapsed;
}

export async function runDurabilitySuite(settings: DurabilitySettings): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'eddy-bench-durable-'));
  const targets: Target[] = [];
  try {
    const eddy = await startEddy(['--data-dir', dataDir]);
    targets.push({
      system: 'Eddy (data directory, fdatasync group commit)',
      config: { host: eddy.host, port: eddy.port, user: eddy.user, database: eddy.database },
      stop: () => eddy.stop(),
    });
    const postgres = await startPostgresCluster({ settings: ['fsync=on', 'synchronous_commit=on'] });
    targets.push({
      system: 'PostgreSQL 15 (fsync=on, synchronous_commit=on)',
      config: { connectionString: postgres.url },
      stop: () => postgres.stop(),
    });
    const rows: string[] = [];
    for (const target of targets) {
      const figures: string[] = [];
      for (const clients of settings.clients) {
        const rate = await measure(target, clients, settings.seconds);
        figures.push(Math.round(rate).toLocaleString('en-US'));
        process.stderr.write(`${target.system}, ${clients} clients: ${rate.toFixed(0)} commits/s\n`);
      }
      rows.push(`| ${target.system} | ${figures.join(' | ')} |`);
    }
    const header = `| system | ${settings.clients.map((n) => `${n} client${n === 1 ? '' : 's'}`).join(' | ')} |`;
    const rule = `|---|${settings.clients.map(() => '---:').join('|')}|`;
    process.stdout.write(`${[header, rule, ...rows].join('\n')}\n`);
  } finally {
    for (const t of targets) await t.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
