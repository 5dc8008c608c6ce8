/**
 * @module test/chaos/run
 * One crash run, a pure function of its seed (up to the timing of the processes): start the
 * database on a fresh directory, create the schema, follow a view, run the clients, kill the
 * process (at a failpoint the seed picks, or from outside after a number of acknowledgements),
 * restart it (sometimes killing it again while it recovers), check the recovered state against
 * what was acknowledged, write more, and check again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../fuzz/rng.ts';
import { type ClientVerdict, checkClient, checkViewSet, checkViews, type Dump } from './check.ts';
import type { ClientRun } from './client-loop.ts';
import { LibraryTarget, type WarmPool } from './library-target.ts';
import { EventRelay, PhaseLog } from './phase-log.ts';
import { ServerTarget } from './server-target.ts';
import { SseFollower } from './sse-follower.ts';
import {
  type ProcessOptions,
  type StartOptions,
  type Target,
  TargetDied,
  type TargetEvents,
} from './target.ts';
import {
  type ClientState,
  emptyClientState,
  followedView,
  lateView,
  views,
  type WorkloadShape,
} from './workload.ts';

export type DriverMode = 'library' | 'server';

/** SQLSTATE of a write refused for lack of disk space. */
const diskFullCode = '53100';

export interface RunConfig {
  readonly seed: number;
  readonly mode: DriverMode;
  readonly clients: number;
  /** Writes per client before the kill (the kill may come earlier). */
  readonly writesPerClient: number;
  /** Writes per client after recovery. */
  readonly writesAfter: number;
  readonly shape: WorkloadShape;
  /** Failpoints the seed may pick (the engine's `failpointNames`); empty: external kills only. */
  readonly failpoints: readonly string[];
  /** Environment for the database processes. */
  readonly env: Readonly<Record<string, string>>;
  /** The checkpoint interval: short, so that kills land in and around checkpoints. */
  readonly checkpointMs: number;
  /** Library processes started ahead of time (see WarmPool). */
  readonly pool?: WarmPool;
  /** Where data directories are made (the system's temporary folder by default). */
  readonly dirRoot?: string;
}

export interface RunResult {
  readonly seed: number;
  readonly mode: DriverMode;
  readonly killPoint: string;
  /** The planned kill of the first restart, if any (it may come after recovery finished). */
  readonly recoveryKillPoint: string | undefined;
  /** The injected disk-full write (`enospc@n`), if any, and the writes it refused (53100). */
  readonly diskFull: string | undefined;
  readonly refused: number;
  /** Processes killed (the first one, plus any killed while recovering). */
  readonly kills: number;
  readonly acked: number;
  /** Writes in doubt at the kill, and how many of them turned out applied. */
  readonly inDoubt: number;
  readonly inDoubtApplied: number;
  readonly lostWrites: number;
  readonly duplicatedRows: number;
  /** Milliseconds the final recovery took, as the engine measured it. */
  readonly recoveryMs: number;
  /** Milliseconds from the final start to serving (the server's includes Node's start). */
  readonly restartMs: number;
  /** Views the final recovery restored from checkpoint images, as the engine reports it. */
  readonly viewsRestored: number | undefined;
  /**
   * How the subscribers carried on after the restart: the follower (library subscribe or wire
   * cursor) and the server's SSE subscriber each resumed after their last step (`resumed`), got
   * a `resync`, or started afresh from a snapshot (`snapshot`: they had no step yet).
   */
  readonly resume: string;
  /** Resumptions answered with a resync (none is expected: the workload fits in the history kept). */
  readonly resyncs: number;
  readonly problems: readonly string[];
}

type KillPlan =
  | { readonly kind: 'failpoint'; readonly name: string; readonly n: number }
  | { readonly kind: 'external'; readonly afterAcks: number; readonly delayMs: number };

interface Plan {
  readonly ddl: ClientRun['ddl'];
  readonly kill: KillPlan;
  /** A kill of the first restart: at a failpoint or after a delay from its start. */
  readonly recoveryKill: { readonly failpoint?: string; readonly delayMs?: number } | undefined;
  /** The first process's n-th durable write fails as disk-full (`enospc@n`), if set. */
  readonly diskFullAt: number | undefined;
}

/** Failpoints passed while recovering (the others are passed while writing). */
const isRecoveryFailpoint = (name: string): boolean => /recover|replay|open|load/.test(name);
/** Failpoints passed rarely (a checkpoint or a truncation every so often): low counts. */
const isRareFailpoint = (name: string): boolean => /checkpoint|truncat|compact/.test(name);

export function planRun(config: RunConfig): Plan {
  const rng = new Rng(config.seed, 0x4b11);
  const ddl = rng.chance(0.5)
    ? { at: rng.int(1, Math.max(1, config.writesPerClient - 1)), kind: rng.pick(['create', 'drop'] as const) }
    : undefined;
  const writing = config.failpoints.filter((f) => !isRecoveryFailpoint(f) && f !== 'enospc');
  const recovering = config.failpoints.filter(isRecoveryFailpoint);
  const total = config.clients * config.writesPerClient;
  let kill: KillPlan;
  if (writing.length > 0 && rng.chance(0.7)) {
    const name = rng.pick(writing);
    kill = {
      kind: 'failpoint',
      name,
      n: isRareFailpoint(name) ? rng.int(1, 6) : rng.int(1, Math.max(1, total)),
    };
  } else {
    kill = { kind: 'external', afterAcks: rng.int(0, Math.floor(total * 0.9)), delayMs: rng.int(0, 20) };
  }
  let recoveryKill: Plan['recoveryKill'];
  if (rng.chance(0.25)) {
    recoveryKill =
      recovering.length > 0 && rng.chance(0.5)
        ? { failpoint: `${rng.pick(recovering)}@${rng.int(1, 3)}` }
        : // From the server's spawn (Node starts in about 1.5 s), from a warm library process's open.
          { delayMs: config.mode === 'server' ? rng.int(300, 2000) : rng.int(0, 150) };
  }
  // Drawn last, so that the draws above stay what they were before disk-full runs existed.
  const diskFullAt =
    config.failpoints.includes('enospc') && rng.chance(0.25) ? rng.int(2, Math.max(2, total)) : undefined;
  return { ddl, kill, recoveryKill, diskFullAt };
}

/** The first process of a run: started with the kill failpoint armed, if the plan has one. */
export function firstProcess(config: RunConfig, plan: Plan = planRun(config)): ProcessOptions {
  const armed = [
    ...(plan.kill.kind === 'failpoint' ? [`${plan.kill.name}@${plan.kill.n}`] : []),
    ...(plan.diskFullAt !== undefined ? [`enospc@${plan.diskFullAt}`] : []),
  ];
  return { failpoints: armed.join(','), env: config.env };
}

function recoveryProcess(config: RunConfig, plan: Plan, attempt: number): ProcessOptions {
  return { failpoints: (attempt === 0 ? plan.recoveryKill?.failpoint : undefined) ?? '', env: config.env };
}

function startTarget(config: RunConfig, dir: string, process: ProcessOptions, events: TargetEvents): Target {
  const options: StartOptions = {
    ...process,
    dir,
    events,
    pool: config.pool,
    // Both drivers take incremental checkpoints (a full one first, then the changes since the last).
    openOptions: { checkpointInterval: config.checkpointMs, incrementalCheckpoints: true },
    serveArgs: ['--checkpoint-interval', String(config.checkpointMs), '--checkpoints', 'incremental'],
  };
  return config.mode === 'library' ? new LibraryTarget(options) : new ServerTarget(options);
}

/** Which views should exist after a phase, given the DDL write's outcome. */
function expectedViews(
  before: Map<string, boolean | 'either'>,
  log: PhaseLog,
): Map<string, boolean | 'either'> {
  const out = new Map(before);
  const ddl = log.ddlOutcome();
  if (ddl === undefined || ddl.outcome === 'failed') return out;
  const name = ddl.write.ddl?.create?.name ?? ddl.write.ddl?.drop ?? '';
  const exists = ddl.write.ddl?.create !== undefined;
  out.set(name, ddl.outcome === 'acked' ? exists : 'either');
  return out;
}

/** Settles views in doubt from what the database holds. */
function settleViews(expected: Map<string, boolean | 'either'>, dump: Dump): Map<string, boolean | 'either'> {
  const present = new Set(dump.views.map((v) => v.name));
  return new Map([...expected].map(([name, want]) => [name, want === 'either' ? present.has(name) : want]));
}

interface Verdicts {
  readonly states: ClientState[] | undefined;
  readonly lost: number;
  readonly extra: number;
  readonly applied: number;
  readonly problems: string[];
}

function checkPhase(dump: Dump, log: PhaseLog, expected: Map<string, boolean | 'either'>): Verdicts {
  const verdicts: ClientVerdict[] = [...log.histories.values()].map((h) => checkClient(dump, h));
  const problems = [
    ...verdicts.flatMap((v) => (v.problem ? [v.problem] : [])),
    ...checkViews(dump),
    ...checkViewSet(dump, expected),
    ...log.unexpected,
  ];
  const resolved = verdicts.map((v) => v.resolved);
  return {
    states: resolved.every((s) => s !== undefined) ? (resolved as ClientState[]) : undefined,
    lost: verdicts.reduce((s, v) => s + v.lostWrites, 0),
    extra: verdicts.reduce((s, v) => s + v.extraRows, 0),
    applied: verdicts.filter((v) => v.unknownApplied).length,
    problems,
  };
}

/** Starts the database until one start survives opening; the first may be killed by the plan. */
async function recover(
  config: RunConfig,
  dir: string,
  plan: Plan,
  events: TargetEvents,
): Promise<{ target: Target; kills: number }> {
  let kills = 0;
  for (let attempt = 0; ; attempt++) {
    const killing = attempt === 0 ? plan.recoveryKill : undefined;
    const target = startTarget(config, dir, recoveryProcess(config, plan, attempt), events);
    let timer: NodeJS.Timeout | undefined;
    if (killing?.delayMs !== undefined) timer = setTimeout(() => target.kill(), killing.delayMs);
    try {
      await target.opened;
      if (killing?.delayMs !== undefined) {
        // The kill may land just after open: let it, so that the plan replays the same way.
        await Promise.race([target.exited, new Promise((r) => setTimeout(r, killing.delayMs! + 50))]);
      }
      if (target.alive) {
        clearTimeout(timer);
        return { target, kills };
      }
    } catch (error) {
      if (!(error instanceof TargetDied)) throw error;
    }
    clearTimeout(timer);
    await target.exited;
    kills++;
    if (attempt >= 3) throw new Error(`the database did not come back after ${attempt + 1} starts`);
  }
}

function describeDelay(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : `sigkill+${ms}ms`;
}

function describeKill(kill: KillPlan): string {
  return kill.kind === 'failpoint'
    ? `${kill.name}@${kill.n}`
    : `sigkill+${kill.afterAcks}acks+${kill.delayMs}ms`;
}

export async function runOne(config: RunConfig): Promise<RunResult> {
  const plan = planRun(config);
  const dir = mkdtempSync(join(config.dirRoot ?? tmpdir(), 'eddy-chaos-'));
  const problems: string[] = [];
  let killPoint = describeKill(plan.kill);
  const states = Array.from({ length: config.clients }, (_, c) => emptyClientState(c));
  const before = new PhaseLog(states);
  if (plan.diskFullAt !== undefined) before.allowedRefusal = diskFullCode;
  const run: ClientRun = {
    seed: config.seed,
    shape: config.shape,
    ddl: plan.ddl,
    writes: config.writesPerClient,
  };
  const first = startTarget(config, dir, firstProcess(config, plan), before);
  // The restart's process starts now, idle, so that it is warm when the kill comes.
  if (config.mode === 'library') config.pool?.fill(config.env, plan.recoveryKill ? 2 : 1);
  let current: Target = first;
  let kills = 1;
  let recoveryMs = 0;
  let restartMs = 0;
  let viewsRestored: number | undefined;
  let verdicts: Verdicts | undefined;
  let sse: SseFollower | undefined;
  let follower: string | undefined;
  let followerResyncs = 0;
  // What is known so far: a run that fails part way still reports its kill and its writes.
  const result = (): RunResult => ({
    seed: config.seed,
    mode: config.mode,
    killPoint,
    recoveryKillPoint: plan.recoveryKill?.failpoint ?? describeDelay(plan.recoveryKill?.delayMs),
    diskFull: plan.diskFullAt === undefined ? undefined : `enospc@${plan.diskFullAt}`,
    refused: before.refused,
    kills,
    acked: before.ackedCount,
    inDoubt: before.inDoubt(),
    inDoubtApplied: verdicts?.applied ?? 0,
    lostWrites: verdicts?.lost ?? 0,
    duplicatedRows: verdicts?.extra ?? 0,
    recoveryMs,
    restartMs,
    viewsRestored,
    resume: [`follower ${follower ?? 'none'}`, ...(sse ? [`sse ${sse.outcome}`] : [])].join(', '),
    resyncs: followerResyncs + (sse?.outcome === 'resync' ? 1 : 0),
    problems,
  });
  let externalKillFired = false;
  const killFirst = (): void => {
    externalKillFired = true;
    first.kill();
  };
  try {
    if (plan.kill.kind === 'external') {
      const { afterAcks, delayMs } = plan.kill;
      before.onAck = (n) => {
        if (n === afterAcks) setTimeout(killFirst, delayMs);
      };
    }
    let setupDone = false;
    try {
      await first.opened;
      // The injected disk-full write may be the setup's: refused whole, it is tried once more.
      await first.setup().catch((e: unknown) => {
        if ((e as { code?: unknown }).code !== diskFullCode || plan.diskFullAt === undefined) throw e;
        return first.setup();
      });
      setupDone = true;
      await first.follow(followedView);
      if (first.httpBase !== undefined) {
        sse = new SseFollower();
        await sse.connect(first.httpBase, followedView).catch(async (e: unknown) => {
          await Promise.race([first.exited, new Promise((r) => setTimeout(r, 500))]);
          if (first.alive) throw e;
        });
      }
      if (plan.kill.kind === 'external' && plan.kill.afterAcks === 0)
        setTimeout(() => first.kill(), plan.kill.delayMs);
      await first.runClients(states, run);
    } catch (error) {
      if (!(error instanceof TargetDied)) throw error;
    }
    // Connections break before the exit is reported: a dying process gets a moment to be seen dead.
    await Promise.race([first.exited, new Promise((r) => setTimeout(r, 300))]);
    if (first.alive && !externalKillFired) {
      killPoint += ' (not reached: killed at the end)';
      first.kill();
    }
    await first.exited;

    const relay = new EventRelay(before);
    const recovered = await recover(config, dir, plan, relay);
    current = recovered.target;
    kills += recovered.kills;
    restartMs = current.openMs;
    if (sse) before.maxStepSeen = Math.max(before.maxStepSeen, sse.state.lastStep);
    let dump = await current.dump();
    // The server prints its recovery time just after it starts serving: there by now.
    recoveryMs = current.recoveryMs ?? Number.NaN;
    viewsRestored = current.viewsRestored;
    let expected = new Map<string, boolean | 'either'>(views.map((v) => [v.name, true]));
    expected.set(lateView.name, false);
    if (!setupDone && !dump.tablesPresent && dump.views.length === 0) {
      // The kill came before setup was acknowledged, and setup left nothing: start from scratch.
      await current.setup();
      dump = await current.dump();
      verdicts = {
        states: states.map((s) => emptyClientState(s.client)),
        lost: 0,
        extra: 0,
        applied: 0,
        problems: [],
      };
    } else if (!dump.tablesPresent) {
      const lost = before.ackedCount;
      verdicts = {
        states: undefined,
        lost,
        extra: 0,
        applied: 0,
        problems: [
          `the tables are gone after recovery: all ${lost} acknowledged writes and the schema lost`,
          ...before.unexpected,
        ],
      };
    } else {
      expected = expectedViews(expected, before);
      verdicts = checkPhase(dump, before, expected);
    }
    problems.push(...verdicts.problems);
    const nextSteps = await current.probe().catch((e: unknown) => {
      problems.push(`probe after recovery failed: ${(e as Error).message}`);
      return Number.POSITIVE_INFINITY;
    });
    if (nextSteps <= before.maxStepSeen)
      problems.push(
        `step went back: step ${before.maxStepSeen} was seen before the crash, the next step after it is ${nextSteps}`,
      );

    if (verdicts.states !== undefined && dump.tablesPresent) {
      const after = new PhaseLog(verdicts.states);
      relay.to = after;
      follower = await resumeFollower(current, before, after);
      problems.push(
        ...(await continueAfterRecovery(
          config,
          current,
          after,
          verdicts.states,
          run,
          settleViews(expected, dump),
          sse,
        )),
      );
      followerResyncs = after.resyncs;
      const resyncs = followerResyncs + (sse?.outcome === 'resync' ? 1 : 0);
      if (resyncs > 0)
        problems.push(
          `${resyncs} subscriber(s) got a resync though their step was within the retained history (follower ${follower}, sse ${sse?.outcome ?? 'none'})`,
        );
    }
    await current.close();
    return result();
  } catch (error) {
    // The harness or the database failed outside the checks (a recovery that never finished, a
    // command refused): the run fails, with what it had seen.
    problems.push(`run failed: ${error instanceof Error ? error.message : String(error)}`);
    return result();
  } finally {
    current.kill();
    first.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The follower carries on after recovery: from its last step token, with the rows it had
 * (`resumed`, or `resync` when the database sent the contents instead), or from a snapshot when
 * it had not started before the kill.
 */
async function resumeFollower(target: Target, before: PhaseLog, after: PhaseLog): Promise<string> {
  const token = before.following && before.subscriber.lastStep >= 0 ? before.subscriber.lastStep : undefined;
  if (token === undefined) {
    await target.follow(followedView);
    return 'snapshot';
  }
  after.following = true;
  after.subscriber.continueFrom(before.subscriber);
  await target.follow(followedView, token);
  return after.resyncs > 0 ? 'resync' : 'resumed';
}

/**
 * After recovery: the subscribers follow the view again, the clients write more, and then
 * tables, views and the subscribers must all be exact (no write is in doubt now).
 */
async function continueAfterRecovery(
  config: RunConfig,
  target: Target,
  after: PhaseLog,
  states: ClientState[],
  run: ClientRun,
  expected: Map<string, boolean | 'either'>,
  sse: SseFollower | undefined,
): Promise<string[]> {
  if (sse && target.httpBase !== undefined) await sse.connect(target.httpBase, followedView);
  await target.runClients(states, { ...run, writes: config.writesAfter });
  const lastStep = await target.probe();
  // The server's subscriber reads on its own connection: wait until it has seen the probe's step.
  const deadline = Date.now() + 10_000;
  const behind = (): boolean =>
    (target.subscriberSeesEveryStep && after.subscriber.lastStep < lastStep) ||
    (sse !== undefined && sse.state.lastStep < lastStep);
  while (behind() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  sse?.close();
  const dump = await target.dump();
  const verdicts = checkPhase(dump, after, expectedViews(expected, after));
  const followed = dump.views.find((v) => v.name === followedView);
  const subscriberProblems = followed
    ? after.subscriber.compare(followed.stored)
    : ['the followed view is gone'];
  const sseProblems = sse
    ? [
        ...(followed ? sse.state.compare(followed.stored) : []).map((p) => `SSE ${sse.outcome} ${p}`),
        ...sse.errors.map((e) => `SSE subscriber: ${e}`),
      ]
    : [];
  return [...verdicts.problems.map((p) => `after recovery: ${p}`), ...subscriberProblems, ...sseProblems];
}
