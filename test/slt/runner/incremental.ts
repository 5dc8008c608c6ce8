/**
 * @module test/slt/runner/incremental
 * Incremental mode. Per group (see feed-plan) the feed is first run with no views, which judges the
 * statements. Then the group's queries run in chunks, one fresh engine per chunk: views created while
 * the tables are empty, the same seeded feed, comparisons after every step (group-run.ts). A failure
 * is charged to its record only: when the engine rejects a feed step that the bare run accepted, the
 * chunk is split in halves and re-run until the view that breaks the feed is found.
 */
import type { EngineFactory } from './engine.ts';
import { type Checkpoint, type Group, planGroups } from './feed-plan.ts';
import { hashString } from './feed-schedule.ts';
import type { FilePlan } from './file-plan.ts';
import { GroupRun, type IncrementalStats } from './group-run.ts';
import { fail, failureAt, type Verdicts } from './outcome.ts';
import { LabelRegistry } from './result-check.ts';

export type { IncrementalStats } from './group-run.ts';

export interface IncrementalOptions {
  readonly seed: number;
}

/** Views per engine instance: bounds what one crashing view can take down before bisection. */
const viewsPerEngine = 1000;

export function emptyStats(): IncrementalStats {
  return { groups: 0, views: 0, steps: 0, comparisons: 0, sameErrors: 0, undefinedOracle: 0, reruns: 0 };
}

export async function runIncremental(
  plan: FilePlan,
  factory: EngineFactory,
  options: IncrementalOptions,
  stats: IncrementalStats = emptyStats(),
): Promise<Verdicts> {
  const verdicts: Verdicts = new Map();
  const labels = new LabelRegistry();
  const groups = planGroups(plan);
  for (let g = 0; g < groups.length; g++) {
    stats.groups++;
    const group = groups[g];
    const isolate = new Isolation(
      plan,
      group,
      factory,
      labels,
      stats,
      hashString(`${options.seed}:${plan.file}:${g}`),
    );
    const bare = await isolate.run([], true);
    mergeInto(verdicts, bare.verdicts);
    if (bare.feedFailure !== undefined) {
      for (const cp of group.checkpoints)
        verdicts.set(cp.record, feedFailed(plan, cp, bare.feedFailure, 'feeding'));
      continue;
    }
    for (let i = 0; i < group.checkpoints.length; i += viewsPerEngine) {
      mergeInto(verdicts, await isolate.judge(group.checkpoints.slice(i, i + viewsPerEngine)));
    }
  }
  return verdicts;
}

class Isolation {
  private readonly plan: FilePlan;
  private readonly group: Group;
  private readonly factory: EngineFactory;
  private readonly labels: LabelRegistry;
  private readonly stats: IncrementalStats;
  private readonly seed: number;

  constructor(
    plan: FilePlan,
    group: Group,
    factory: EngineFactory,
    labels: LabelRegistry,
    stats: IncrementalStats,
    seed: number,
  ) {
    this.plan = plan;
    this.group = group;
    this.factory = factory;
    this.labels = labels;
    this.stats = stats;
    this.seed = seed;
  }

  /** One run on a fresh engine; every run of a group replays the same schedule (same seed). */
  async run(checkpoints: readonly Checkpoint[], judgeStatements: boolean) {
    const engine = await this.factory();
    try {
      const run = new GroupRun(this.plan, this.group, checkpoints, judgeStatements, this.labels, this.stats);
      return await run.run(engine, this.seed);
    } finally {
      await engine.close().catch(() => undefined);
    }
  }

  /** Verdicts for these queries; halves and re-runs a chunk whose feed the engine rejected. */
  async judge(checkpoints: readonly Checkpoint[]): Promise<Verdicts> {
    const result = await this.run(checkpoints, false);
    if (result.feedFailure === undefined) return result.verdicts;
    this.stats.reruns++;
    if (checkpoints.length === 1) {
      const verdicts: Verdicts = new Map();
      const note = 'the feed failed only with this view present';
      verdicts.set(checkpoints[0].record, feedFailed(this.plan, checkpoints[0], result.feedFailure, note));
      return verdicts;
    }
    const half = checkpoints.length >> 1;
    const verdicts = await this.judge(checkpoints.slice(0, half));
    mergeInto(verdicts, await this.judge(checkpoints.slice(half)));
    return verdicts;
  }
}

function feedFailed(plan: FilePlan, cp: Checkpoint, problem: string, note: string) {
  const r = cp.query;
  return fail(failureAt(plan.file, r.line, 'incremental', r.sql, '(the feed applied)', problem, note));
}

function mergeInto(into: Verdicts, from: Verdicts): void {
  for (const [k, v] of from) into.set(k, v);
}
