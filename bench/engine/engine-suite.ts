/**
 * @module bench/engine/engine-suite
 * `npm run bench -- engine [...]`: runs every query × events × batch × system case in its own
 * child process, then writes bench/results/engine-latest.json and BENCHMARKS.md's engine section.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  ENGINE_QUERY_NAMES,
  ENGINE_SYSTEMS,
  type EngineQuery,
  type EngineSystem,
  isEngineQuery,
  isEngineSystem,
} from './engine-queries.ts';
import { machineInfo, updateBenchmarksMd } from './engine-report.ts';
import { type CaseSpec, type EngineResult, failedResult, RESULT_LINE_PREFIX } from './engine-result.ts';
import { disagreements } from './result-digest.ts';

export interface EngineSuiteOptions {
  readonly events: readonly number[];
  readonly batch: readonly number[];
  readonly systems: readonly EngineSystem[];
  readonly queries: readonly EngineQuery[];
  readonly seed: number;
  /** A case still running after this long is killed and reported as `timeout`. */
  readonly timeoutSec: number;
  /** V8 old-space limit for each child: the 10 M-event cases hold a lot of state. */
  readonly heapMb: number;
  /** Write engine-latest.json and BENCHMARKS.md (only with --record, so a small run never replaces the published figures). */
  readonly write: boolean;
}

const CHILD = fileURLToPath(new URL('./case-child.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const RESULTS_JSON = `${ROOT}bench/results/engine-latest.json`;
const BENCHMARKS_MD = `${ROOT}BENCHMARKS.md`;

export const USAGE = `usage: npm run bench -- engine [--events 1000000,10000000] [--batch 1000,10000]
       [--system eddy,d2ts] [--query ${ENGINE_QUERY_NAMES.join(',')}] [--seed 1]
       [--timeout <seconds per case, 3600>] [--heap-mb <child heap limit; default: Node's own for eddy, 12288 for d2ts>] [--record]
Sizes accept k and M suffixes (1M = 1000000).`;

export function parseEngineArgs(args: readonly string[]): EngineSuiteOptions {
  const options = {
    events: [1_000_000, 10_000_000],
    batch: [1_000, 10_000],
    systems: [...ENGINE_SYSTEMS] as EngineSystem[],
    queries: [...ENGINE_QUERY_NAMES] as EngineQuery[],
    seed: 1,
    timeoutSec: 3600,
    heapMb: 0,
    write: false,
  };
  for (let i = 0; i < args.length; i++) {
    const flag = args[i];
    if (flag === '--record') {
      options.write = true;
      continue;
    }
    const value = args[++i];
    if (value === undefined) throw new Error(`${flag} needs a value\n${USAGE}`);
    if (flag === '--events') options.events = list(value).map(size);
    else if (flag === '--batch') options.batch = list(value).map(size);
    else if (flag === '--system')
      options.systems = list(value).map((s) => oneOf(s, isEngineSystem, 'system'));
    else if (flag === '--query') options.queries = list(value).map((q) => oneOf(q, isEngineQuery, 'query'));
    else if (flag === '--seed') options.seed = size(value);
    else if (flag === '--timeout') options.timeoutSec = size(value);
    else if (flag === '--heap-mb') options.heapMb = size(value);
    else throw new Error(`unknown option ${flag}\n${USAGE}`);
  }
  return options;
}

export async function runEngineSuite(options: EngineSuiteOptions, command: string): Promise<EngineResult[]> {
  const results: EngineResult[] = [];
  for (const query of options.queries) {
    for (const events of options.events) {
      for (const batch of options.batch) {
        for (const system of options.systems) {
          const spec: CaseSpec = { query, system, events, batch, seed: options.seed };
          const result = await runCase(spec, options);
          console.log(describe(result));
          results.push(result);
        }
      }
    }
  }
  const failures = runFailures(results, process.env.CI === 'true');
  for (const failure of failures) console.error(`failed: ${failure}`);
  // Figures of systems that disagree on the result, or of a failed run, are not worth recording.
  if (options.write && failures.length === 0) {
    mkdirSync(`${ROOT}bench/results`, { recursive: true });
    writeFileSync(RESULTS_JSON, `${JSON.stringify(results, null, 2)}\n`);
    updateBenchmarksMd(BENCHMARKS_MD, results, command, machineInfo());
    console.log('wrote bench/results/engine-latest.json and BENCHMARKS.md');
  }
  return results;
}

/**
 * Why a run failed, one line each: a case that errored or timed out, systems that computed different
 * results for the same case, and under CI (`ci`) a case Eddy reported unavailable (0A000).
 */
export function runFailures(results: readonly EngineResult[], ci: boolean): string[] {
  const out: string[] = [];
  for (const r of results) {
    const broken = r.status === 'error' || r.status === 'timeout' || (ci && r.status === 'unavailable');
    if (broken) out.push(`${r.query} ${r.system} events=${r.events} batch=${r.batch}: ${r.status}`);
  }
  for (const d of disagreements(results)) out.push(`the systems disagree on the result of ${d}`);
  return out;
}

/** The heap limit d2ts cases get unless --heap-mb says otherwise: it needs more than Node's default. */
const d2tsHeapMb = 12288;

/** Runs one case in a child process and returns what it reported (or why it reported nothing). */
export function runCase(
  spec: CaseSpec,
  options: Pick<EngineSuiteOptions, 'timeoutSec' | 'heapMb'>,
): Promise<EngineResult> {
  // Eddy runs with Node's default heap limit, as a user would; d2ts needs more than that at 10 M events.
  const heapMb = options.heapMb > 0 ? options.heapMb : spec.system === 'd2ts' ? d2tsHeapMb : 0;
  const argv = [
    '--expose-gc',
    ...(heapMb > 0 ? [`--max-old-space-size=${heapMb}`] : []),
    CHILD,
    JSON.stringify(spec),
  ];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutSec * 1000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = stdout.split('\n').find((l) => l.startsWith(RESULT_LINE_PREFIX));
      if (line !== undefined) resolve(JSON.parse(line.slice(RESULT_LINE_PREFIX.length)) as EngineResult);
      else if (timedOut) resolve(failedResult(spec, 'timeout', `killed after ${options.timeoutSec} s`));
      else {
        const tail = stderr.trim().split('\n').slice(-3).join(' | ');
        resolve(failedResult(spec, 'error', `child exited (code ${code}, signal ${signal}): ${tail}`));
      }
    });
  });
}

function describe(r: EngineResult): string {
  const name = `${r.query} ${r.system} events=${r.events} batch=${r.batch}`;
  if (r.status !== 'ok') return `${name}: ${r.status}${r.error ? ` (${r.error.split('\n')[0]})` : ''}`;
  const mib = (b: number | null) => ((b ?? 0) / 2 ** 20).toFixed(0);
  const perSec = (n: number | null) => Math.round(n ?? 0).toLocaleString('en-US');
  return (
    `${name}: ${perSec(r.eventsPerSec)} events/s (first 10% ${perSec(r.firstDecileEventsPerSec)}, ` +
    `last 10% ${perSec(r.lastDecileEventsPerSec)}), ${r.seconds?.toFixed(2)} s wall, ` +
    `${r.cpuSeconds?.toFixed(2)} s CPU, ${r.generateSeconds?.toFixed(2)} s generating, ` +
    `RSS ${mib(r.baseRssBytes)} MiB base, ${mib(r.peakRssBytes)} MiB peak, ` +
    `${mib(r.retainedHeapBytes)} MiB retained heap, ${r.outputRows} rows (digest ${r.resultDigest})`
  );
}

function list(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

const SIZE = /^(\d+(?:\.\d+)?)([kKmM]?)$/;

function size(text: string): number {
  const m = SIZE.exec(text);
  if (!m) throw new Error(`not a number: ${text}\n${USAGE}`);
  const scale = m[2] === '' ? 1 : m[2].toLowerCase() === 'k' ? 1e3 : 1e6;
  return Math.round(Number(m[1]) * scale);
}

function oneOf<T extends string>(value: string, is: (v: string) => v is T, what: string): T {
  if (!is(value)) throw new Error(`unknown ${what} ${value}\n${USAGE}`);
  return value;
}
