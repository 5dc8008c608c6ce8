/**
 * @module bench/serve/serve-args
 * The serve suite's command line: defaults are the workload (pgbench -c 8 -j 2 -T 30 per
 * mode, a writer at 10,000 rows/s in INSERTs of 100 rows, 100,000 events over 10,000 users).
 */
import {
  isQueryMode,
  isServeSystem,
  QUERY_MODES,
  type QueryMode,
  SERVE_SYSTEMS,
  type ServeSettings,
  type ServeSystem,
} from './serve-result.ts';

export const SERVE_USAGE = `usage: npm run bench -- serve [--duration <s per mode, 30>] [--warmup <s, 5>]
       [--clients 8] [--threads 2] [--mode ${QUERY_MODES.slice(0, 2).join(',')}] [--system ${SERVE_SYSTEMS.join(',')}]
       [--rate <writer rows/s, 10000>] [--batch <rows per INSERT, 100>] [--preload <events, 100000>]
       [--users <distinct user_id, 10000>] [--seed 1] [--beside-only] [--record]
Modes: ${QUERY_MODES.join(', ')} (pgbench -M). Sizes accept k and M suffixes (10k = 10000).
--beside-only: only a heavy ad-hoc query beside a second session's SELECT 1, and its cancel.`;

export interface ServeArgs {
  readonly settings: ServeSettings;
  /** Write serve-latest.json and BENCHMARKS.md (only with --record, so a small run never replaces the published figures). */
  readonly write: boolean;
}

export function parseServeArgs(args: readonly string[]): ServeArgs {
  const s = {
    durationSec: 30,
    warmupSec: 5,
    clients: 8,
    threads: 2,
    modes: ['prepared', 'simple'] as QueryMode[],
    systems: [...SERVE_SYSTEMS] as ServeSystem[],
    writerRowsPerSec: 10_000,
    writerBatchRows: 100,
    preloadRows: 100_000,
    users: 10_000,
    seed: 1,
    besideOnly: false,
  };
  let write = false;
  for (let i = 0; i < args.length; i++) {
    const flag = args[i];
    if (flag === '--record') {
      write = true;
      continue;
    }
    if (flag === '--beside-only') {
      s.besideOnly = true;
      continue;
    }
    if (!FLAGS.has(flag)) throw new Error(`unknown option ${flag}\n${SERVE_USAGE}`);
    const value = args[++i];
    if (value === undefined) throw new Error(`${flag} needs a value\n${SERVE_USAGE}`);
    if (flag === '--duration') s.durationSec = size(value);
    else if (flag === '--warmup') s.warmupSec = size(value);
    else if (flag === '--clients') s.clients = size(value);
    else if (flag === '--threads') s.threads = size(value);
    else if (flag === '--mode') s.modes = list(value).map((m) => oneOf(m, isQueryMode, 'mode'));
    else if (flag === '--system') s.systems = list(value).map((m) => oneOf(m, isServeSystem, 'system'));
    else if (flag === '--rate') s.writerRowsPerSec = size(value);
    else if (flag === '--batch') s.writerBatchRows = size(value);
    else if (flag === '--preload') s.preloadRows = size(value);
    else if (flag === '--users') s.users = size(value);
    else if (flag === '--seed') s.seed = size(value);
    else throw new Error(`unknown option ${flag}\n${SERVE_USAGE}`);
  }
  if (s.durationSec < 1 || s.clients < 1 || s.threads < 1 || s.users < 1 || s.writerBatchRows < 1)
    throw new Error(
      `--duration, --clients, --threads, --users and --batch must be at least 1\n${SERVE_USAGE}`,
    );
  if (s.writerRowsPerSec < 1) throw new Error(`--rate must be at least 1\n${SERVE_USAGE}`);
  return { settings: s, write };
}

const FLAGS = new Set(
  [
    'duration',
    'warmup',
    'clients',
    'threads',
    'mode',
    'system',
    'rate',
    'batch',
    'preload',
    'users',
    'seed',
  ].map((f) => `--${f}`),
);

function list(value: string): string[] {
  return value
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

const SIZE = /^(\d+(?:\.\d+)?)([kKmM]?)$/;

function size(text: string): number {
  const m = SIZE.exec(text);
  if (!m) throw new Error(`not a number: ${text}\n${SERVE_USAGE}`);
  const scale = m[2] === '' ? 1 : m[2].toLowerCase() === 'k' ? 1e3 : 1e6;
  return Math.round(Number(m[1]) * scale);
}

function oneOf<T extends string>(value: string, is: (v: string) => v is T, what: string): T {
  if (!is(value)) throw new Error(`unknown ${what} ${value}\n${SERVE_USAGE}`);
  return value;
}
