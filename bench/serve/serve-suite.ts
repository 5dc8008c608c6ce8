/**
 * @module bench/serve/serve-suite
 * `npm run bench -- serve [...]`: for each system in turn (never both at once), starts it, loads the
 * table, starts the writer, runs pgbench once per query mode, checks the view, stops everything,
 * then writes bench/results/serve-latest.json and BENCHMARKS.md's serve section.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { machineInfo } from '../engine/engine-report.ts';
import { startEddy } from './eddy-target.ts';
import { type BesideResult, describeBeside, measureBeside } from './heavy-beside.ts';
import { runPgbench } from './pgbench-run.ts';
import { POSTGRES_SETTINGS, postgresVersion, startPostgres } from './postgres-target.ts';
import { updateBesideSection, updateServeSection } from './serve-report.ts';
import {
  type PhaseResult,
  QPS_FLOOR,
  type QueryMode,
  type ServeRun,
  type ServeSettings,
  type ServeSystem,
  type SystemSummary,
} from './serve-result.ts';
import { EventSource, lookupScript, setUp } from './serve-schema.ts';
import { machineBusyCpuSec, processTreeCpuSec, type ServeTarget } from './serve-target.ts';
import { Writer, writerRate } from './writer.ts';

export { parseServeArgs, SERVE_USAGE } from './serve-args.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const RESULTS_JSON = `${ROOT}bench/results/serve-latest.json`;
const BESIDE_JSON = `${ROOT}bench/results/serve-beside-latest.json`;
const BENCHMARKS_MD = `${ROOT}BENCHMARKS.md`;
/** The writer runs this long on its own before the first pgbench, so it is at its steady rate. */
const writerSettleMs = 2000;

export async function runServeSuite(
  settings: ServeSettings,
  command: string,
  write: boolean,
): Promise<ServeRun> {
  const loadAvgBefore = loadAvg();
  console.log(`load average before: ${loadAvgBefore}`);
  const workDir = mkdtempSync(join(tmpdir(), 'eddy-bench-serve-'));
  const scriptPath = join(workDir, 'lookup.sql');
  writeFileSync(scriptPath, lookupScript(settings.users));
  const phases: PhaseResult[] = [];
  const systems: SystemSummary[] = [];
  try {
    for (const system of settings.systems) {
      const outcome = await runSystem(system, settings, scriptPath, workDir);
      phases.push(...outcome.phases);
      systems.push(outcome.summary);
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  const ratios = settings.modes.flatMap((mode) => {
    const eddy = phases.find((p) => p.system === 'eddy' && p.mode === mode);
    const postgres = phases.find((p) => p.system === 'postgres' && p.mode === mode);
    return eddy?.qps && postgres?.qps ? [{ mode, qpsRatio: eddy.qps / postgres.qps }] : [];
  });
  const run: ServeRun = {
    suite: 'serve',
    command,
    runAt: new Date().toISOString(),
    machine: machineInfo(),
    loadAvgBefore,
    loadAvgAfter: loadAvg(),
    postgresVersion: await postgresVersion(),
    postgresSettings: `initdb defaults, ${POSTGRES_SETTINGS.join(', ')}`,
    settings,
    phases,
    systems,
    ratios,
    floorMet: ratios.length === 0 ? null : ratios.every((r) => r.qpsRatio >= QPS_FLOOR),
  };
  for (const r of ratios) console.log(`eddy / postgres QPS, -M ${r.mode}: ${r.qpsRatio.toFixed(2)}×`);
  if (write && settings.besideOnly) {
    // Only the heavy-query measurement ran: its own record, the full run's left as it is.
    mkdirSync(`${ROOT}bench/results`, { recursive: true });
    writeFileSync(BESIDE_JSON, `${JSON.stringify(run, null, 2)}\n`);
    updateBesideSection(BENCHMARKS_MD, run);
    console.log('wrote bench/results/serve-beside-latest.json and BENCHMARKS.md (beside section)');
  } else if (write) {
    mkdirSync(`${ROOT}bench/results`, { recursive: true });
    writeFileSync(RESULTS_JSON, `${JSON.stringify(run, null, 2)}\n`);
    updateServeSection(BENCHMARKS_MD, run);
    console.log('wrote bench/results/serve-latest.json and BENCHMARKS.md');
  }
  return run;
}

interface SystemOutcome {
  readonly phases: PhaseResult[];
  readonly summary: SystemSummary;
}

/** One system from start to stop; a failure fails its remaining phases, never the other system's. */
async function runSystem(
  system: ServeSystem,
  settings: ServeSettings,
  scriptPath: string,
  logDir: string,
): Promise<SystemOutcome> {
  const phases: PhaseResult[] = [];
  let writerSummary: SystemSummary['writer'] = null;
  let check: SystemSummary['check'] = null;
  let beside: BesideResult | null = null;
  let target: ServeTarget | null = null;
  let client: pg.Client | null = null;
  try {
    console.log(`${system}: starting, preloading ${settings.preloadRows.toLocaleString('en-US')} events`);
    target = system === 'eddy' ? await startEddy() : await startPostgres();
    client = new pg.Client({
      host: target.host,
      port: target.port,
      user: target.user,
      database: target.database,
    });
    await client.connect();
    const source = new EventSource(1, settings.users, settings.seed);
    await setUp(client, system, source, settings.preloadRows);
    if (settings.besideOnly) {
      beside = await measureBeside(target);
      console.log(describeBeside(system, beside));
      return { phases, summary: { system, writer: null, check: null, beside } };
    }
    const writer = await Writer.start({
      host: target.host,
      port: target.port,
      user: target.user,
      database: target.database,
      firstId: source.nextId,
      users: settings.users,
      seed: settings.seed + 1,
      rowsPerSec: settings.writerRowsPerSec,
      batchRows: settings.writerBatchRows,
    });
    try {
      await new Promise((resolve) => setTimeout(resolve, writerSettleMs));
      if (settings.warmupSec > 0) await warmUp(target, settings, scriptPath, logDir);
      for (const mode of settings.modes) {
        const phase = await runPhase(target, writer, mode, settings, scriptPath, logDir);
        console.log(describe(phase));
        phases.push(phase);
      }
    } finally {
      const report = await writer.stop();
      writerSummary = { ...report, rowsPerSec: report.rows / report.seconds };
    }
    check = await freshness(client, settings.preloadRows + (writerSummary?.rows ?? 0));
    console.log(`${system}: view check ${JSON.stringify(check)}`);
    beside = await measureBeside(target);
    console.log(describeBeside(system, beside));
  } catch (e) {
    const error = e instanceof Error ? e.message : String(e);
    console.log(`${system}: ${error}`);
    for (const mode of settings.besideOnly ? [] : settings.modes)
      if (!phases.some((p) => p.mode === mode)) phases.push(failedPhase(system, mode, error));
    return { phases, summary: { system, error, writer: writerSummary, check, beside } };
  } finally {
    await client?.end().catch(() => {});
    await target?.stop();
  }
  return { phases, summary: { system, writer: writerSummary, check, beside } };
}

/** A short pgbench run whose figures are dropped: JIT, caches and connections settle first. */
async function warmUp(target: ServeTarget, settings: ServeSettings, scriptPath: string, logDir: string) {
  const mode = settings.modes[0];
  const { clients, threads } = settings;
  await runPgbench({ target, mode, clients, threads, durationSec: settings.warmupSec, scriptPath, logDir });
}

async function runPhase(
  target: ServeTarget,
  writer: Writer,
  mode: QueryMode,
  settings: ServeSettings,
  scriptPath: string,
  logDir: string,
): Promise<PhaseResult> {
  const { clients, threads, durationSec } = settings;
  const before = cpuSample(target, writer);
  const writerBefore = writer.latest;
  const start = performance.now();
  try {
    const outcome = await runPgbench({ target, mode, clients, threads, durationSec, scriptPath, logDir });
    const seconds = (performance.now() - start) / 1000;
    const after = cpuSample(target, writer);
    writer.check();
    const serverCpuSec = after.server - before.server;
    const clientCpuSec = after.clients - before.clients;
    return {
      system: target.system,
      mode,
      status: 'ok',
      ...outcome,
      writerRowsPerSec: writerRate(writerBefore, writer.latest),
      serverCpuSec,
      clientCpuSec,
      otherCpuSec: Math.max(0, after.machine - before.machine - serverCpuSec - clientCpuSec),
      seconds,
    };
  } catch (e) {
    writer.check();
    return failedPhase(target.system, mode, e instanceof Error ? e.message : String(e));
  }
}

/** The suite's own CPU includes pgbench's once pgbench has exited and been reaped (cutime). */
function cpuSample(target: ServeTarget, writer: Writer) {
  return {
    server: target.cpuSeconds(),
    clients: processTreeCpuSec(process.pid, false) + writer.cpuSeconds(),
    machine: machineBusyCpuSec(),
  };
}

async function freshness(
  client: pg.Client,
  expectedEvents: number,
): Promise<NonNullable<SystemSummary['check']>> {
  const events = Number((await client.query('SELECT count(*) AS c FROM events')).rows[0].c);
  const view = (await client.query('SELECT sum(n) AS s, count(*) AS g FROM per_user')).rows[0];
  const viewCount = Number(view.s);
  const viewGroups = Number(view.g);
  return {
    expectedEvents,
    events,
    viewCount,
    viewGroups,
    ok: events === expectedEvents && viewCount === events,
  };
}

function failedPhase(system: ServeSystem, mode: QueryMode, error: string): PhaseResult {
  return {
    system,
    mode,
    status: 'error',
    error,
    qps: null,
    transactions: null,
    failedTransactions: null,
    latency: null,
    writerRowsPerSec: null,
    serverCpuSec: null,
    clientCpuSec: null,
    otherCpuSec: null,
    seconds: null,
  };
}

function describe(p: PhaseResult): string {
  const name = `${p.system} -M ${p.mode}`;
  if (p.status !== 'ok' || p.latency === null) return `${name}: ${p.status} (${p.error})`;
  const ms = (x: number) => x.toFixed(3);
  const cpu = (x: number | null) => (x ?? 0).toFixed(1);
  return (
    `${name}: ${Math.round(p.qps ?? 0).toLocaleString('en-US')} queries/s, latency mean ${ms(p.latency.meanMs)} ms, ` +
    `p50 ${ms(p.latency.p50Ms)} ms, p99 ${ms(p.latency.p99Ms)} ms, max ${ms(p.latency.maxMs)} ms, ` +
    `writer ${Math.round(p.writerRowsPerSec ?? 0).toLocaleString('en-US')} rows/s, ` +
    `CPU s over ${(p.seconds ?? 0).toFixed(1)} s: server ${cpu(p.serverCpuSec)}, clients ${cpu(p.clientCpuSec)}, ` +
    `other processes ${cpu(p.otherCpuSec)}, ` +
    `${p.failedTransactions} failed`
  );
}

function loadAvg(): string {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {
    return 'unknown';
  }
}
