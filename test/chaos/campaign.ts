/**
 * @module test/chaos/campaign
 * A crash campaign: many seeded runs (run i of seed S has seed S + i, so any run replays alone
 * with `--seed S+i --runs 1 --mode M`), one line per run as it ends and a summary. Used by
 * `npm run chaos` and by the CI test, with smaller workloads there.
 */

import { WarmPool } from './library-target.ts';
import { type DriverMode, type RunConfig, type RunResult, runOne } from './run.ts';
import { defaultShape, type WorkloadShape } from './workload.ts';

export interface CampaignOptions {
  readonly runs: number;
  readonly seed: number;
  readonly mode: DriverMode | 'both';
  readonly clients: number;
  readonly writesPerClient: number;
  readonly writesAfter: number;
  readonly shape?: WorkloadShape;
  /** The database processes' environment. */
  readonly env?: Readonly<Record<string, string>>;
  /** Checkpoint interval: short, so that kills land in and around checkpoints. */
  readonly checkpointMs: number;
  /**
   * Where data directories are made (the system's temporary folder by default). A kill is a
   * process crash: what the process wrote is in the kernel's page cache and survives it whether
   * or not it was synced, so a tmpfs (/dev/shm) checks the same thing, faster.
   */
  readonly dirRoot?: string;
  /** Runs at a time (1 by default): each run mostly waits on its processes. */
  readonly parallel?: number;
  /** Called with each run's line as it ends. */
  readonly report?: (line: string) => void;
}

export interface CampaignSummary {
  readonly runs: number;
  readonly kills: number;
  readonly failpointKills: number;
  /** Per failpoint the seeds chose for the first kill: runs that chose it, and runs where it fired. */
  readonly byFailpoint: Readonly<Record<string, { chosen: number; fired: number }>>;
  /** Runs with an injected disk-full write, and the writes refused by it (53100). */
  readonly diskFullRuns: number;
  /** Recoveries that said how they recovered views, and those that restored any from images. */
  readonly recoveriesTelling: number;
  readonly recoveriesRestoringViews: number;
  readonly refused: number;
  readonly acked: number;
  readonly inDoubt: number;
  readonly inDoubtApplied: number;
  readonly lostWrites: number;
  readonly duplicatedRows: number;
  /** Subscribers resuming after the restart that got a resync rather than the changes they missed. */
  readonly resyncs: number;
  /** Runs whose follower resumed after its last step with the changes it missed. */
  readonly followersResumed: number;
  readonly failed: readonly RunResult[];
  /**
   * Runs whose first process died before any write was acknowledged (a kill during setup, which
   * some seeds plan): a campaign made mostly of them would check little.
   */
  readonly killedBeforeAnyAck: number;
  readonly recoveryMsMedian: number;
  readonly recoveryMsMax: number;
  /** Per driver: median and max of the recovery time and of start-to-serving (Node's start included for the server). */
  readonly byMode: Readonly<Record<string, { recovery: MedianMax; restart: MedianMax }>>;
  readonly failpointsAvailable: readonly string[];
}

/** The engine's failpoint names, or none when this engine has no failpoints module yet. */
export async function loadFailpointNames(): Promise<readonly string[]> {
  const path = '../../src/common/failpoints.ts';
  try {
    const module = (await import(path)) as { failpointNames?: readonly string[] };
    return module.failpointNames ?? [];
  } catch {
    return [];
  }
}

interface MedianMax {
  readonly median: number;
  readonly max: number;
}

export function formatResult(r: RunResult): string {
  const status = r.problems.length === 0 ? 'ok' : 'FAIL';
  return [
    `${status} seed=${r.seed} mode=${r.mode} kill=${r.killPoint}${r.recoveryKillPoint ? ` then=${r.recoveryKillPoint}` : ''} kills=${r.kills}`,
    ...(r.diskFull ? [`disk-full=${r.diskFull} refused=${r.refused}`] : []),
    `acked=${r.acked} in-doubt=${r.inDoubt}(applied ${r.inDoubtApplied})`,
    `lost=${r.lostWrites} duplicated=${r.duplicatedRows} recovery=${Math.round(r.recoveryMs)}ms restart=${Math.round(r.restartMs)}ms${r.viewsRestored === undefined ? '' : ` views-restored=${r.viewsRestored}`} subscribers=${r.resume} resyncs=${r.resyncs}`,
  ].join(' ');
}

function medianMax(xs: readonly number[]): MedianMax {
  const known = xs.filter((x) => !Number.isNaN(x));
  return { median: median(known), max: known.length ? Math.max(...known) : 0 };
}

function median(xs: readonly number[]): number {
  if (xs.length === 0) return 0;
  const s = xs.slice().sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export async function runCampaign(options: CampaignOptions): Promise<CampaignSummary> {
  const failpoints = await loadFailpointNames();
  const results: RunResult[] = [];
  const pool = new WarmPool();
  const configOf = (i: number): RunConfig => {
    const seed = options.seed + i;
    return {
      seed,
      mode: options.mode === 'both' ? (seed % 3 === 0 ? 'server' : 'library') : options.mode,
      clients: options.clients,
      writesPerClient: options.writesPerClient,
      writesAfter: options.writesAfter,
      shape: options.shape ?? defaultShape,
      failpoints,
      env: options.env ?? {},
      checkpointMs: options.checkpointMs,
      pool,
      dirRoot: options.dirRoot,
    };
  };
  // Lanes take the next run as they finish one. Library processes come warm from the pool: a
  // library run gives its surviving process back, and tops the pool up for its restarts.
  const lanes = Math.max(1, Math.min(options.parallel ?? 1, options.runs));
  if (options.mode !== 'server') pool.fill(options.env ?? {}, lanes);
  let next = 0;
  const lane = async (): Promise<void> => {
    for (let i = next++; i < options.runs; i = next++) results.push(await runReported(configOf(i), options));
  };
  try {
    await Promise.all(Array.from({ length: lanes }, lane));
  } finally {
    await pool.close();
  }
  return summarize(results, failpoints);
}

async function runReported(config: RunConfig, options: CampaignOptions): Promise<RunResult> {
  const { seed, mode } = config;
  let result: RunResult;
  try {
    result = await runOne(config);
  } catch (error) {
    // The harness or the database failed outside the checks: a failed run, not a crash.
    const message = error instanceof Error ? error.message : String(error);
    result = {
      seed,
      mode,
      killPoint: '?',
      recoveryKillPoint: undefined,
      diskFull: undefined,
      refused: 0,
      kills: 0,
      acked: 0,
      inDoubt: 0,
      inDoubtApplied: 0,
      lostWrites: 0,
      duplicatedRows: 0,
      recoveryMs: 0,
      restartMs: 0,
      viewsRestored: undefined,
      resume: '?',
      resyncs: 0,
      problems: [`run failed: ${message}`],
    };
  }
  options.report?.(formatResult(result));
  for (const p of result.problems) options.report?.(`    ${p}`);
  if (result.problems.length > 0)
    options.report?.(
      `    replay: npm run chaos -- --runs 1 --seed ${seed} --mode ${mode}${sizeFlags(options)}`,
    );
  return result;
}

function tallyFailpoints(results: readonly RunResult[]): Record<string, { chosen: number; fired: number }> {
  const out: Record<string, { chosen: number; fired: number }> = {};
  for (const r of results) {
    const m = /^([a-z-]+\.[a-z-]+)@\d+/.exec(r.killPoint);
    if (m === null) continue;
    const t = (out[m[1]!] ??= { chosen: 0, fired: 0 });
    t.chosen++;
    if (!r.killPoint.includes('not reached')) t.fired++;
  }
  return out;
}

function summarize(results: readonly RunResult[], failpoints: readonly string[]): CampaignSummary {
  const byMode: Record<string, { recovery: MedianMax; restart: MedianMax }> = {};
  for (const mode of ['library', 'server']) {
    const ran = results.filter((r) => r.mode === mode && r.restartMs > 0);
    if (ran.length > 0)
      byMode[mode] = {
        recovery: medianMax(ran.map((r) => r.recoveryMs)),
        restart: medianMax(ran.map((r) => r.restartMs)),
      };
  }
  const recovery = results.map((r) => r.recoveryMs).filter((ms) => ms > 0);
  return {
    runs: results.length,
    kills: results.reduce((s, r) => s + r.kills, 0),
    failpointKills: results.filter((r) => /^[a-z-]+\.[a-z-]+@\d+$/.test(r.killPoint)).length,
    byFailpoint: tallyFailpoints(results),
    diskFullRuns: results.filter((r) => r.diskFull !== undefined).length,
    recoveriesTelling: results.filter((r) => r.viewsRestored !== undefined).length,
    recoveriesRestoringViews: results.filter((r) => (r.viewsRestored ?? 0) > 0).length,
    refused: results.reduce((s, r) => s + r.refused, 0),
    acked: results.reduce((s, r) => s + r.acked, 0),
    inDoubt: results.reduce((s, r) => s + r.inDoubt, 0),
    inDoubtApplied: results.reduce((s, r) => s + r.inDoubtApplied, 0),
    lostWrites: results.reduce((s, r) => s + r.lostWrites, 0),
    duplicatedRows: results.reduce((s, r) => s + r.duplicatedRows, 0),
    resyncs: results.reduce((s, r) => s + r.resyncs, 0),
    followersResumed: results.filter((r) => r.resume.startsWith('follower resumed')).length,
    failed: results.filter((r) => r.problems.length > 0),
    killedBeforeAnyAck: results.filter((r) => r.acked === 0).length,
    recoveryMsMedian: median(recovery),
    recoveryMsMax: recovery.length ? Math.max(...recovery) : 0,
    byMode,
    failpointsAvailable: failpoints,
  };
}

/** The workload flags a replay needs when they differ from the defaults. */
function sizeFlags(o: CampaignOptions): string {
  const d = campaignDefaults;
  let s = '';
  if (o.clients !== d.clients) s += ` --clients ${o.clients}`;
  if (o.writesPerClient !== d.writesPerClient) s += ` --writes ${o.writesPerClient}`;
  if (o.writesAfter !== d.writesAfter) s += ` --writes-after ${o.writesAfter}`;
  if (o.checkpointMs !== d.checkpointMs) s += ` --checkpoint-ms ${o.checkpointMs}`;
  return s;
}

export const campaignDefaults = { clients: 4, writesPerClient: 30, writesAfter: 5, checkpointMs: 200 };

export function formatSummary(s: CampaignSummary): string {
  const mm = (x: MedianMax): string => `${Math.round(x.median)}/${Math.round(x.max)}`;
  const modes = Object.entries(s.byMode)
    .map(([m, r]) => `${m} recovery ${mm(r.recovery)} ms, start to serving ${mm(r.restart)} ms`)
    .join('; ');
  return [
    `runs ${s.runs}, kills ${s.kills} (${s.failpointKills} runs killed at a failpoint), acknowledged writes ${s.acked}, in doubt ${s.inDoubt} (${s.inDoubtApplied} applied)`,
    `failpoints fired/chosen: ${Object.entries(s.byFailpoint)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, t]) => `${name} ${t.fired}/${t.chosen}`)
      .join(', ')}`,
    `disk-full runs ${s.diskFullRuns}, writes refused with 53100 ${s.refused}; views restored from checkpoint images in ${s.recoveriesRestoringViews} of ${s.recoveriesTelling} final recoveries`,
    `lost writes ${s.lostWrites}, duplicated rows ${s.duplicatedRows}, subscribers resumed by step token ${s.followersResumed} runs, resynced ${s.resyncs}, failed runs ${s.failed.length}, runs killed before any write was acknowledged ${s.killedBeforeAnyAck}`,
    `recovery median ${Math.round(s.recoveryMsMedian)} ms, max ${Math.round(s.recoveryMsMax)} ms (median/max by driver: ${modes || 'none'})`,
    s.failpointsAvailable.length === 0
      ? 'no failpoints in this engine: external kills only'
      : `failpoints: ${s.failpointsAvailable.join(', ')}`,
  ].join('\n');
}
