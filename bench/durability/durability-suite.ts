/**
 * @module bench/durability/durability-suite
 * `npm run bench -- durability [--seconds N] [--clients 1,32] [--rounds R]`: single-row INSERT
 * commits per second over the wire (node-postgres, autocommit, one row per statement) against
 * Eddy with a data directory and PostgreSQL 15 with `fsync = on` and `synchronous_commit = on`,
 * both on the same disk (the system's temporary folder) in the same run, the two systems
 * alternating for R rounds so a change in the machine's load hits both. Durable commits are bounded by the
 * disk's sync latency; group commit (Eddy's shared fdatasync, PostgreSQL's WAL flush) is what
 * lets many clients share it. Beside the rate, each measurement reports how many commits shared
 * a sync, how long a sync took (Eddy: /metrics, from a sync's start to its commits' release;
 * PostgreSQL: pg_stat_wal with track_wal_io_timing, the fdatasync call alone) and the server's
 * CPU time per commit. Prints Markdown tables (medians over the rounds) for BENCHMARKS.md.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { type LogSyncMode, logSyncModes } from '../../src/storage/input-log.ts';
import { startPostgresCluster } from '../../test/support/postgres-cluster.ts';
import { startEddy } from '../serve/eddy-target.ts';
import { processTreeCpuSec } from '../serve/serve-target.ts';

export const DURABILITY_USAGE = `durability: npm run bench -- durability [--seconds N] [--clients 1,32] [--rounds R] [--log-sync pool,turn] [--gc parallel,single]
  single-row INSERT commits/s over the wire, Eddy (durable, --data-dir) vs PostgreSQL 15 (fsync=on, synchronous_commit=on),
  alternating R rounds (3 by default); medians, with commits per sync, sync time and server CPU per commit;
  one Eddy per --log-sync mode (both by default), with the event loop's block by syncs in 'turn' mode,
  and per --gc setting: V8's default parallel and concurrent collector (parallel, the default) or Node.js started with
  --single-threaded-gc (single)`;

/** V8's garbage collector in the Eddy server: its default helper threads, or none (`--single-threaded-gc`). */
export type GcSetting = 'parallel' | 'single';
const gcSettings: readonly GcSetting[] = ['parallel', 'single'];

export interface DurabilitySettings {
  readonly seconds: number;
  readonly clients: readonly number[];
  readonly rounds: number;
  readonly logSync: readonly LogSyncMode[];
  readonly gc: readonly GcSetting[];
}

export function parseDurabilityArgs(args: readonly string[]): DurabilitySettings {
  let seconds = 10;
  let clients = [1, 32];
  let rounds = 3;
  let logSync: LogSyncMode[] = ['pool', 'turn'];
  let gc: GcSetting[] = ['parallel'];
  for (let i = 0; i < args.length; i++) {
    const value = args[i + 1];
    if (args[i] === '--seconds' && value) seconds = Number(value);
    else if (args[i] === '--clients' && value) clients = value.split(',').map(Number);
    else if (args[i] === '--rounds' && value) rounds = Number(value);
    else if (args[i] === '--log-sync' && value) {
      logSync = value.split(',') as LogSyncMode[];
      if (logSync.some((m) => !logSyncModes.includes(m))) throw new Error(DURABILITY_USAGE);
    } else if (args[i] === '--gc' && value) {
      gc = value.split(',') as GcSetting[];
      if (gc.some((g) => !gcSettings.includes(g))) throw new Error(DURABILITY_USAGE);
    } else throw new Error(`unknown argument ${args[i]}\n${DURABILITY_USAGE}`);
    i++;
  }
  if (!(seconds > 0) || !(rounds >= 1) || clients.some((n) => !(n >= 1))) throw new Error(DURABILITY_USAGE);
  return { seconds, clients, rounds, logSync, gc };
}

/** Group-commit counters of a server, read before and after a measurement. */
interface SyncCounters {
  readonly syncs: number;
  /** Commits made durable by those syncs (Eddy: log records; PostgreSQL: counted by the client). */
  readonly synced: number;
  readonly syncSeconds: number;
  /** Eddy with `--log-sync turn`: the event loop's time blocked in syncs, and the longest block. */
  readonly blockSeconds?: number;
  readonly blockMaxSeconds?: number;
}

interface Target {
  readonly system: string;
  readonly config: pg.ClientConfig;
  cpuSeconds(): number;
  /** Null when the server has no such counters of its own (then the client's count is used). */
  syncCounters(client: pg.Client): Promise<SyncCounters | null>;
  stop(): Promise<void>;
}

interface Measurement {
  readonly rate: number;
  readonly commitsPerSync: number;
  readonly syncMs: number;
  readonly cpuMicrosPerCommit: number;
  /** Share of the measurement's wall time the event loop was blocked in syncs, and the longest block. */
  readonly blockShare: number;
  readonly blockMaxMs: number;
}

/** Commits/s of `clients` connections each inserting one row per statement for `seconds`. */
async function measure(target: Target, clients: number, seconds: number): Promise<Measurement> {
  const conns = await Promise.all(
    Array.from({ length: clients }, async () => {
      const c = new pg.Client(target.config);
      await c.connect();
      return c;
    }),
  );
  const admin = conns[0]!;
  await admin.query('DROP TABLE IF EXISTS commits');
  await admin.query('CREATE TABLE commits (client int, n int, note text)');
  let total = 0;
  const before = await target.syncCounters(admin);
  const cpuBefore = target.cpuSeconds();
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    conns.map(async (c, client) => {
      for (let n = 0; performance.now() < deadline; n++) {
        await c.query('INSERT INTO commits VALUES ($1, $2, $3)', [client, n, 'durable']);
        total++;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const cpu = target.cpuSeconds() - cpuBefore;
  const after = await target.syncCounters(admin);
  const stored = Number((await admin.query('SELECT count(*) AS n FROM commits')).rows[0].n);
  if (stored !== total) throw new Error(`${target.system}: ${total} inserts acknowledged, ${stored} stored`);
  await Promise.all(conns.map((c) => c.end()));
  const syncs = before && after ? after.syncs - before.syncs : Number.NaN;
  const synced = before && after ? after.synced - before.synced : Number.NaN;
  return {
    rate: total / elapsed,
    commitsPerSync: (Number.isNaN(synced) || synced === 0 ? total : synced) / syncs,
    syncMs: before && after ? ((after.syncSeconds - before.syncSeconds) * 1000) / syncs : Number.NaN,
    cpuMicrosPerCommit: (cpu / total) * 1e6,
    blockShare:
      before?.blockSeconds !== undefined && after?.blockSeconds !== undefined
        ? (after.blockSeconds - before.blockSeconds) / elapsed
        : Number.NaN,
    blockMaxMs: after?.blockMaxSeconds === undefined ? Number.NaN : after.blockMaxSeconds * 1000,
  };
}

/** Eddy's group-commit counters from its /metrics. */
async function eddyCounters(metricsUrl: string): Promise<SyncCounters> {
  const text = await (await fetch(metricsUrl)).text();
  const read = (name: string) => Number(new RegExp(`^${name} (\\S+)`, 'm').exec(text)?.[1]);
  const syncs = read('eddy_log_syncs_total');
  return {
    syncs,
    synced: read('eddy_log_records_per_sync') * syncs,
    syncSeconds: read('eddy_log_sync_seconds_total'),
    blockSeconds: read('eddy_log_sync_block_seconds_total'),
    blockMaxSeconds: read('eddy_log_sync_block_max_seconds'),
  };
}

/** PostgreSQL's WAL syncs (pg_stat_wal; wal_sync_time needs track_wal_io_timing). */
async function postgresCounters(client: pg.Client): Promise<SyncCounters> {
  const row = (await client.query('SELECT wal_sync, wal_sync_time FROM pg_stat_wal')).rows[0];
  // The commits are counted by the client: pg_stat_wal has no count of the flushes' commits.
  return { syncs: Number(row.wal_sync), synced: 0, syncSeconds: Number(row.wal_sync_time) / 1000 };
}

async function startTargets(dataDir: string, settings: DurabilitySettings, targets: Target[]): Promise<void> {
  for (const mode of settings.logSync)
    for (const gc of settings.gc) {
      const eddy = await startEddy(
        ['--data-dir', join(dataDir, `${mode}-${gc}`), '--log-sync', mode],
        gc === 'single' ? ['--single-threaded-gc'] : [],
      );
      targets.push({
        system: `Eddy (data directory, group commit, --log-sync ${mode}${gc === 'single' ? ', single-threaded GC' : ''})`,
        config: { host: eddy.host, port: eddy.port, user: eddy.user, database: eddy.database },
        cpuSeconds: () => eddy.cpuSeconds(),
        syncCounters: () => eddyCounters(eddy.metricsUrl!),
        stop: () => eddy.stop(),
      });
    }
  const postgres = await startPostgresCluster({
    settings: ['fsync=on', 'synchronous_commit=on', 'track_wal_io_timing=on'],
  });
  targets.push({
    system: 'PostgreSQL 15 (fsync=on, synchronous_commit=on)',
    config: { connectionString: postgres.url },
    cpuSeconds: () => processTreeCpuSec(postgres.postmasterPid, true),
    syncCounters: (client) => postgresCounters(client),
    stop: () => postgres.stop(),
  });
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
const whole = (x: number) => Math.round(x).toLocaleString('en-US');

export async function runDurabilitySuite(settings: DurabilitySettings): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'eddy-bench-durable-'));
  const targets: Target[] = [];
  try {
    await startTargets(dataDir, settings, targets);
    // results[target][clients] = one measurement per round
    const results = targets.map(() => settings.clients.map((): Measurement[] => []));
    const loads: number[] = [];
    for (let round = 0; round < settings.rounds; round++) {
      for (const [c, clients] of settings.clients.entries()) {
        for (const [t, target] of targets.entries()) {
          const m = await measure(target, clients, settings.seconds);
          results[t]![c]!.push(m);
          loads.push(loadavg()[0]!);
          process.stderr.write(
            `round ${round + 1}, ${target.system}, ${clients} clients: ${m.rate.toFixed(0)} commits/s, ` +
              `${m.commitsPerSync.toFixed(1)} commits/sync, sync ${m.syncMs.toFixed(2)} ms, ` +
              `${m.cpuMicrosPerCommit.toFixed(0)} µs CPU/commit, loop blocked ${(m.blockShare * 100).toFixed(1)} % ` +
              `(max ${m.blockMaxMs.toFixed(1)} ms), load ${loadavg()[0]!.toFixed(1)}\n`,
          );
        }
      }
    }
    const columns = settings.clients.map((n) => `${n} client${n === 1 ? '' : 's'}`);
    const rates = targets.map(
      (t, i) =>
        `| ${t.system} | ${results[i]!.map((ms) => `${whole(median(ms.map((m) => m.rate)))} (${ms.map((m) => whole(m.rate)).join(', ')})`).join(' | ')} |`,
    );
    const detail = targets.flatMap((t, i) =>
      settings.clients.map((n, c) => {
        const ms = results[i]![c]!;
        const block = Number.isNaN(ms[0]!.blockShare)
          ? '–'
          : `${(median(ms.map((m) => m.blockShare)) * 100).toFixed(1)} % / ${Math.max(...ms.map((m) => m.blockMaxMs)).toFixed(1)}`;
        return `| ${t.system} | ${n} | ${median(ms.map((m) => m.commitsPerSync)).toFixed(1)} | ${median(ms.map((m) => m.syncMs)).toFixed(2)} | ${whole(median(ms.map((m) => m.cpuMicrosPerCommit)))} | ${block} |`;
      }),
    );
    process.stdout.write(
      [
        `${settings.rounds} rounds of ${settings.seconds} s, load average ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)} (${readFileSync('/proc/loadavg', 'utf8').trim()} at the end)`,
        '',
        `| system | ${columns.join(' | ')} |`,
        `|---|${columns.map(() => '---:').join('|')}|`,
        ...rates,
        '',
        '| system | clients | commits per sync | sync ms | server CPU µs per commit | loop blocked by syncs: share / max ms |',
        '|---|---:|---:|---:|---:|---:|',
        ...detail,
      ].join('\n') + '\n',
    );
  } finally {
    for (const t of targets) await t.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
