/**
 * @module bench/durability/checkpoint-suite
 * `npm run bench -- checkpoints [--events 10M] [--batch 1000] [--query q4,groupby] [--interval-ms 10000]`:
 * what durability and checkpoints cost the engine suite's views, and how long recovery takes.
 * Per query, each in its own process: in memory; durable with checkpoints only at close (`log`);
 * durable with a full checkpoint every interval (`full`, incremental checkpoints off); durable
 * with an incremental checkpoint every interval (`checkpoints`, opt-in, then killed by SIGKILL); recovery of
 * that directory (latest checkpoint plus the log tail), whose view must equal the killed run's.
 * Prints a Markdown table for BENCHMARKS.md.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DurabilityStats } from '../../src/storage/durability.ts';
import { type EngineQuery, isEngineQuery } from '../engine/engine-queries.ts';

export const CHECKPOINT_USAGE = `checkpoints: npm run bench -- checkpoints [--events 10M] [--batch 1000] [--query q4,groupby] [--interval-ms 10000] [--recovery-only] [--full]
  engine-suite views in memory, durable, durable with checkpoints (step latency p50/p99/max), then recovery after SIGKILL
  (its time by phase and the peak RssAnon of the killed run and of recovery); --full: the killed run takes full checkpoints`;

export type CheckpointMode = 'memory' | 'log' | 'full' | 'checkpoints' | 'recover';

export interface CheckpointRunSpec {
  readonly query: EngineQuery;
  readonly events: number;
  readonly batch: number;
  readonly mode: CheckpointMode;
  readonly dir: string;
  readonly checkpointMs: number;
  /** `checkpoints`: incremental checkpoints (the default here) or full ones (the library's default). */
  readonly incremental: boolean;
}

export interface CheckpointRunResult {
  readonly mode: CheckpointMode;
  readonly eventsPerSec?: number;
  readonly eventsPerCpuSec?: number;
  readonly stepMs?: { readonly p50: number; readonly p99: number; readonly max: number };
  readonly checkpoints?: number;
  readonly lastCheckpointMs?: number;
  readonly lastCheckpointPauseMs?: number;
  /** Of `checkpoints`, those that held only the changes since the previous one. */
  readonly incrementalCheckpoints?: number;
  /** `recover`: wall time of `Eddy.open` on the directory, and what recovery reported. */
  readonly openMs?: number;
  readonly recovery?: Pick<
    DurabilityStats,
    'recoveryMs' | 'replayedRecords' | 'viewsRestored' | 'recoveryPhaseMs'
  >;
  /** `recover`: the clean close, which writes a full checkpoint of the recovered state. */
  readonly closeMs?: number;
  readonly rows: number;
  readonly digest: string;
  /**
   * Sampled by the parent every 50 ms from /proc/<pid>/status: the process's highest anonymous
   * resident memory (RssAnon: the JS heap and buffers, not LMDB's mapped file) and its peak RSS.
   */
  rssAnonPeakBytes?: number;
  vmHwmBytes?: number;
}

export const RESULT_PREFIX = 'CHECKPOINT-RESULT ';

export interface CheckpointSettings {
  readonly events: number;
  readonly batch: number;
  readonly queries: readonly EngineQuery[];
  readonly intervalMs: number;
  /** Only the checkpointed run and its recovery (for a recovery-time figure at a large size). */
  readonly recoveryOnly: boolean;
  /** The killed run takes incremental checkpoints (true by default) or full ones (`--full`). */
  readonly incremental: boolean;
}

function size(text: string): number {
  const m = /^(\d+(?:\.\d+)?)([kM]?)$/.exec(text);
  if (m === null) throw new Error(`not a size: ${text}\n${CHECKPOINT_USAGE}`);
  return Number(m[1]) * (m[2] === 'M' ? 1e6 : m[2] === 'k' ? 1e3 : 1);
}

export function parseCheckpointArgs(args: readonly string[]): CheckpointSettings {
  const settings = {
    events: 10e6,
    batch: 1000,
    queries: ['q4', 'groupby'] as EngineQuery[],
    intervalMs: 10_000,
    recoveryOnly: false,
    incremental: true,
  };
  for (let i = 0; i < args.length; i += 2) {
    if (args[i] === '--full') {
      settings.incremental = false;
      i--;
      continue;
    }
    if (args[i] === '--recovery-only') {
      settings.recoveryOnly = true;
      i--;
      continue;
    }
    const value = args[i + 1];
    if (value === undefined) throw new Error(`${args[i]} needs a value\n${CHECKPOINT_USAGE}`);
    if (args[i] === '--events') settings.events = size(value);
    else if (args[i] === '--batch') settings.batch = size(value);
    else if (args[i] === '--interval-ms') settings.intervalMs = size(value);
    else if (args[i] === '--query')
      settings.queries = value.split(',').map((q) => {
        if (!isEngineQuery(q)) throw new Error(`unknown query ${q}\n${CHECKPOINT_USAGE}`);
        return q;
      });
    else throw new Error(`unknown option ${args[i]}\n${CHECKPOINT_USAGE}`);
  }
  return settings;
}

const CHILD = fileURLToPath(new URL('./checkpoint-child.ts', import.meta.url));

function runChild(spec: CheckpointRunSpec): Promise<CheckpointRunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, JSON.stringify(spec)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let rssAnonPeakBytes = 0;
    let vmHwmBytes = 0;
    const sample = () => {
      try {
        const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
        const kb = (name: string) =>
          Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
        rssAnonPeakBytes = Math.max(rssAnonPeakBytes, kb('RssAnon'));
        vmHwmBytes = Math.max(vmHwmBytes, kb('VmHWM'));
      } catch {}
    };
    const sampler = setInterval(sample, 50);
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('close', (code, signal) => {
      clearInterval(sampler);
      const line = stdout.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
      if (line)
        resolve({
          ...(JSON.parse(line.slice(RESULT_PREFIX.length)) as CheckpointRunResult),
          rssAnonPeakBytes,
          vmHwmBytes,
        });
      else
        reject(
          new Error(`${spec.query} ${spec.mode}: exited with ${code ?? signal}: ${stderr.slice(-2000)}`),
        );
    });
  });
}

const mb = (bytes: number | undefined) => fmt(bytes === undefined ? undefined : bytes / 2 ** 20);
const fmt = (n: number | undefined, digits = 0) =>
  n === undefined
    ? '–'
    : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export async function runCheckpointSuite(settings: CheckpointSettings): Promise<void> {
  const table = [
    '| query | run | events/s | vs log | events / CPU s | vs log | step p50 ms | step p99 ms | step max ms | checkpoints | last checkpoint ms | its pause ms |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  const recoveries = [
    '| query | view rows | recovery ms | read / restore / replay ms | log records replayed | views restored | open ms | peak RssAnon MB (feed / recovery) | clean close (full checkpoint) ms |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const query of settings.queries) {
    const results = new Map<CheckpointMode, CheckpointRunResult>();
    // The killed run's directory is the one recovery opens.
    let dir = '';
    const modes = settings.recoveryOnly
      ? (['checkpoints', 'recover'] as const)
      : (['memory', 'log', 'full', 'checkpoints', 'recover'] as const);
    for (const mode of modes) {
      if (mode !== 'recover') dir = mkdtempSync(join(tmpdir(), 'eddy-bench-ckpt-'));
      const spec = { query, events: settings.events, batch: settings.batch, mode, dir };
      try {
        const result = await runChild({
          ...spec,
          checkpointMs: settings.intervalMs,
          incremental: settings.incremental,
        });
        results.set(mode, result);
        process.stderr.write(`${query} ${mode}: ${JSON.stringify(result)}\n`);
      } finally {
        if (mode !== 'checkpoints') rmSync(dir, { recursive: true, force: true });
      }
    }
    const killed = results.get('checkpoints')!;
    const recovered = results.get('recover')!;
    if (recovered.digest !== killed.digest || recovered.rows !== killed.rows)
      throw new Error(`${query}: the recovered view differs from the one at the kill`);
    const log = results.get('log');
    for (const mode of ['memory', 'log', 'full', 'checkpoints'] as const) {
      const r = results.get(mode);
      if (r === undefined) continue;
      const vsLog = log === undefined ? '–' : `${fmt(r.eventsPerSec! / log.eventsPerSec!, 2)}×`;
      const cpuVsLog = log === undefined ? '–' : `${fmt(r.eventsPerCpuSec! / log.eventsPerCpuSec!, 2)}×`;
      table.push(
        `| ${query} | ${mode} | ${fmt(r.eventsPerSec)} | ${vsLog} | ${fmt(r.eventsPerCpuSec)} | ${cpuVsLog} | ${fmt(r.stepMs!.p50, 2)} | ${fmt(r.stepMs!.p99, 2)} | ${fmt(r.stepMs!.max, 1)} | ${fmt(r.checkpoints)}${r.incrementalCheckpoints ? ` (${r.incrementalCheckpoints} incr.)` : ''} | ${fmt(r.lastCheckpointMs)} | ${fmt(r.lastCheckpointPauseMs, 1)} |`,
      );
    }
    const { read, restore, replay } = recovered.recovery!.recoveryPhaseMs;
    const phases = `${fmt(read)} / ${fmt(restore)} / ${fmt(replay)}`;
    recoveries.push(
      `| ${query} | ${fmt(recovered.rows)} | ${fmt(recovered.recovery!.recoveryMs)} | ${phases} | ${fmt(recovered.recovery!.replayedRecords)} | ${recovered.recovery!.viewsRestored} | ${fmt(recovered.openMs)} | ${mb(killed.rssAnonPeakBytes)} / ${mb(recovered.rssAnonPeakBytes)} | ${fmt(recovered.closeMs)} |`,
    );
  }
  process.stdout.write(
    `${settings.events.toLocaleString('en-US')} events, batch ${settings.batch}, ${settings.incremental ? 'incremental' : 'full'} checkpoints every ${settings.intervalMs} ms\n\n${table.join('\n')}\n\n${recoveries.join('\n')}\n`,
  );
}
