/**
 * @module bench/serve/pgbench-run
 * Runs PostgreSQL 15's pgbench with the lookup script against a target and reads back its summary
 * (tps, failures) and its per-transaction log (--log), from which every latency percentile comes.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PG_BIN } from './postgres-target.ts';
import type { LatencySummary, QueryMode } from './serve-result.ts';
import type { ServeTarget } from './serve-target.ts';

export interface PgbenchRun {
  readonly target: ServeTarget;
  readonly mode: QueryMode;
  readonly clients: number;
  readonly threads: number;
  readonly durationSec: number;
  readonly scriptPath: string;
  /** A folder of the suite's own: pgbench writes its log files there, and they are removed after. */
  readonly logDir: string;
}

export interface PgbenchOutcome {
  readonly qps: number;
  readonly transactions: number;
  readonly failedTransactions: number;
  readonly latency: LatencySummary;
}

const TPS = /tps = ([\d.]+) \(without initial connection time\)/;
const PROCESSED = /number of transactions actually processed: (\d+)/;
const FAILED = /number of failed transactions: (\d+)/;

export async function runPgbench(run: PgbenchRun): Promise<PgbenchOutcome> {
  const prefix = `${run.target.system}-${run.mode}`;
  const args = [
    ...['-h', run.target.host, '-p', String(run.target.port), '-U', run.target.user],
    ...['-n', '-f', run.scriptPath, '-M', run.mode, '-c', String(run.clients), '-j', String(run.threads)],
    ...['-T', String(run.durationSec), '-r', '--log', `--log-prefix=${join(run.logDir, prefix)}`],
    run.target.database,
  ];
  const { stdout, stderr, code } = await new Promise<{ stdout: string; stderr: string; code: number }>(
    (resolve) => {
      execFile(join(PG_BIN, 'pgbench'), args, { maxBuffer: 64 << 20 }, (error, out, err) => {
        const status = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        resolve({ stdout: out, stderr: err, code: status });
      });
    },
  );
  try {
    const tps = TPS.exec(stdout);
    const processed = PROCESSED.exec(stdout);
    if (code !== 0 || tps === null || processed === null) {
      // pgbench names the statement and the server's error on stderr: keep it whole for the report.
      const why = stderr.trim() || stdout.trim();
      throw new Error(`pgbench -M ${run.mode} against ${run.target.system} failed (exit ${code}): ${why}`);
    }
    return {
      qps: Number(tps[1]),
      transactions: Number(processed[1]),
      failedTransactions: Number(FAILED.exec(stdout)?.[1] ?? 0),
      latency: summarize(readLatenciesUs(run.logDir, prefix)),
    };
  } finally {
    for (const file of logFiles(run.logDir, prefix)) rmSync(join(run.logDir, file));
  }
}

function logFiles(dir: string, prefix: string): string[] {
  return readdirSync(dir).filter((f) => f.startsWith(`${prefix}.`));
}

/** Third field of each log line: `client_id transaction_no time_us script_no epoch epoch_us`. */
function readLatenciesUs(dir: string, prefix: string): Float64Array {
  const values: number[] = [];
  for (const file of logFiles(dir, prefix)) {
    for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
      const first = line.indexOf(' ');
      const second = line.indexOf(' ', first + 1);
      const third = line.indexOf(' ', second + 1);
      if (first < 0 || second < 0 || third < 0) continue;
      const us = Number(line.slice(second + 1, third));
      if (Number.isFinite(us)) values.push(us);
    }
  }
  return Float64Array.from(values).sort();
}

function summarize(sortedUs: Float64Array): LatencySummary {
  const n = sortedUs.length;
  if (n === 0) return { meanMs: 0, p50Ms: 0, p90Ms: 0, p99Ms: 0, p999Ms: 0, maxMs: 0 };
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sortedUs[i];
  // Nearest rank: the smallest latency at least q of the transactions did not exceed.
  const at = (q: number) => sortedUs[Math.max(0, Math.ceil(q * n) - 1)] / 1000;
  return {
    meanMs: sum / n / 1000,
    p50Ms: at(0.5),
    p90Ms: at(0.9),
    p99Ms: at(0.99),
    p999Ms: at(0.999),
    maxMs: sortedUs[n - 1] / 1000,
  };
}
