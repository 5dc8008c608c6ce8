/**
 * @module bench/nexmark/nexmark-suite
 * `npm run bench -- nexmark [--queries q0,q4,…] [--events N] [--batch N] [--seed N] [--record]`:
 * each vendored Nexmark query on Eddy in its own process (nexmark-child.ts) over in-process
 * generated events, reporting events/s, events per CPU second and peak RSS. `--record` writes
 * bench/results/nexmark-latest.json and the nexmark section of BENCHMARKS.md.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { markdownTable, writeMarkedSection } from '../markdown-table.ts';
import { NEXMARK_QUERY_NAMES } from './nexmark-queries.ts';
import { type NexmarkCaseSpec, type NexmarkResult, RESULT_LINE_PREFIX } from './nexmark-result.ts';

export const NEXMARK_USAGE =
  'npm run bench -- nexmark [--queries q0,q4,…] [--events N] [--batch N] [--seed N] [--timeout-s N] [--record]';

export interface NexmarkArgs {
  readonly queries: readonly string[];
  readonly events: number;
  readonly batch: number;
  readonly seed: number;
  readonly timeoutSeconds: number;
  readonly record: boolean;
}

export function parseNexmarkArgs(args: readonly string[]): NexmarkArgs {
  let queries: readonly string[] = NEXMARK_QUERY_NAMES;
  let events = 1_000_000;
  let batch = 10_000;
  let seed = 1;
  let timeoutSeconds = 600;
  let record = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const value = (): string => {
      const v = args[++i];
      if (v === undefined) throw new Error(`${arg} needs a value\nusage: ${NEXMARK_USAGE}`);
      return v;
    };
    const count = (): number => {
      const n = Number(value().replaceAll('_', ''));
      if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`${arg} needs a positive integer`);
      return n;
    };
    if (arg === '--queries') {
      queries = value().split(',');
      for (const q of queries) if (!NEXMARK_QUERY_NAMES.includes(q)) throw new Error(`unknown query ${q}`);
    } else if (arg === '--events') events = count();
    else if (arg === '--batch') batch = count();
    else if (arg === '--seed') seed = count();
    else if (arg === '--timeout-s') timeoutSeconds = count();
    else if (arg === '--record') record = true;
    else throw new Error(`unknown option ${arg}\nusage: ${NEXMARK_USAGE}`);
  }
  return { queries, events, batch, seed, timeoutSeconds, record };
}

export async function runNexmarkSuite(args: NexmarkArgs, command: string): Promise<NexmarkResult[]> {
  const results: NexmarkResult[] = [];
  for (const query of args.queries) {
    const result = await runCase({ query, events: args.events, batch: args.batch, seed: args.seed }, args);
    results.push(result);
    const rate = (n: number | null) => (n === null ? '—' : Math.round(n).toLocaleString('en-US'));
    console.log(
      `${query.padEnd(4)} ${result.status.padEnd(7)} ${rate(result.eventsPerSec).padStart(10)} ev/s ` +
        `${rate(result.eventsPerCpuSec).padStart(10)} ev/CPU-s  peak RSS ${rate((result.peakRssBytes ?? 0) / 2 ** 20)} MiB` +
        (result.error ? `  ${result.error.split('\n')[0]}` : ''),
    );
  }
  if (args.record) record(results, args, command);
  return results;
}

function runCase(spec: NexmarkCaseSpec, args: NexmarkArgs): Promise<NexmarkResult> {
  const failed = (status: 'error' | 'timeout', error: string): NexmarkResult => ({
    suite: 'nexmark',
    system: 'eddy',
    query: spec.query,
    events: spec.events,
    batch: spec.batch,
    status,
    seconds: null,
    cpuSeconds: null,
    generateSeconds: null,
    eventsPerSec: null,
    eventsPerCpuSec: null,
    peakRssBytes: null,
    outputRows: null,
    error,
  });
  const child = spawn(
    process.execPath,
    [...process.execArgv, new URL('./nexmark-child.ts', import.meta.url).pathname, JSON.stringify(spec)],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), args.timeoutSeconds * 1000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = stdout.split('\n').find((l) => l.startsWith(RESULT_LINE_PREFIX));
      if (line) resolve(JSON.parse(line.slice(RESULT_LINE_PREFIX.length)) as NexmarkResult);
      else if (signal === 'SIGKILL') resolve(failed('timeout', `over ${args.timeoutSeconds} s`));
      else resolve(failed('error', stderr.trim().split('\n').slice(-3).join(' ') || `exit ${code}`));
    });
  });
}

function record(results: readonly NexmarkResult[], args: NexmarkArgs, command: string): void {
  const dir = new URL('../results/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  const machine = `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}`;
  writeFileSync(
    new URL('nexmark-latest.json', dir),
    `${JSON.stringify({ suite: 'nexmark', command, machine, date: new Date().toISOString(), results }, null, 2)}\n`,
  );
  const fmt = (n: number | null) => (n === null ? '—' : Math.round(n).toLocaleString('en-US'));
  const rows = results.map((r) => [
    r.query,
    r.status,
    fmt(r.eventsPerSec),
    fmt(r.eventsPerCpuSec),
    r.peakRssBytes === null ? '—' : fmt(r.peakRssBytes / 2 ** 20),
    fmt(r.outputRows),
  ]);
  writeMarkedSection(new URL('../../BENCHMARKS.md', import.meta.url).pathname, 'bench:nexmark', [
    `Nexmark on Eddy: \`${command}\` (${fmt(args.events)} events, batches of ${fmt(args.batch)}; ${machine}).`,
    'Each query in its own process; rates count the pushes (each one step), not event generation.',
    '',
    ...markdownTable(
      ['query', 'status', 'events/s', 'events/CPU-s', 'peak RSS MiB', 'view rows'],
      'llrrrr',
      rows,
    ),
  ]);
}
