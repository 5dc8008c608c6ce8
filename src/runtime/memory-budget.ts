/**
 * @module runtime/memory-budget
 * Keeps the process under `--memory-budget` (ADR 0006). The budget is on anonymous resident
 * memory (the kernel's RssAnon, which includes the JS heap), not RSS: LMDB maps its file, and
 * mapped pages count in RSS without being Eddy's to budget. After each step it reads RssAnon and
 * sizes the spilling key maps' resident sets: above 85 % of the budget it shrinks their capacity
 * (again only while RssAnon keeps growing, or is over the budget, since freed heap shows only
 * after a garbage collection), below 70 % it lets the capacity grow back.
 */
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { SqlType } from '../common/types.ts';
import {
  type SpillCodec,
  type SpillContext,
  type SpillCounters,
  SpillingKeyMap,
  type SpillSpace,
} from '../dataflow/spilling-key-map.ts';

/** Shrink the resident sets above this share of the budget; let them grow below `growBelow`. */
const shrinkAbove = 0.85;
const growBelow = 0.7;
/** A shrink keeps this share of the resident entries. */
const shrinkKeeps = 0.75;
/** Entries every map may keep resident whatever the pressure (the hot set has to live somewhere). */
const residentMinPerMap = 64;
/** Resident entries over capacity by this factor, all pinned, ask for an early checkpoint. */
const pinnedSlack = 1.5;
/** After a failed spill (disk full), this many steps pass before the next try. */
const pauseStepsAfterFailure = 100;

/** Full garbage collections asked for at most this often (each costs tens of milliseconds). */
const collectEveryMs = 200;

let fullCollection: (() => void) | null = null;

/**
 * Runs a full garbage collection. Over the budget, RssAnon counts garbage the collector has not
 * reclaimed yet: collecting first keeps the caches from being shrunk for memory that is free.
 */
function collectGarbage(): void {
  if (fullCollection === null) {
    setFlagsFromString('--expose-gc');
    fullCollection = runInNewContext('gc') as () => void;
  }
  fullCollection();
}

/** The process's anonymous resident memory in bytes (RssAnon; RSS where /proc is missing). */
export function readRssAnonBytes(): number {
  try {
    const status = readFileSync('/proc/self/status', 'latin1');
    const m = /RssAnon:\s+(\d+) kB/.exec(status);
    if (m) return Number(m[1]) * 1024;
  } catch {}
  return process.memoryUsage().rss;
}

/** Figures for /metrics and benchmarks. */
export interface MemoryBudgetStats {
  readonly budgetBytes: number;
  readonly rssAnonBytes: number;
  readonly rssAnonPeakBytes: number;
  /** Checks (one per step) that found RssAnon over the budget. */
  readonly overBudgetChecks: number;
  readonly residentEntries: number;
  readonly spilledEntries: number;
  readonly cacheHits: number;
  readonly cacheMisses: number;
  readonly evictions: number;
  /** Spills that failed (e.g. disk full): the state stayed in memory. */
  readonly spillFailures: number;
}

export class MemoryBudget {
  readonly budgetBytes: number;
  private readonly newSpace: () => SpillSpace;
  private readonly readRss: () => number;
  private readonly warn: (line: string) => void;
  private readonly views = new Map<number, SpillingKeyMap<unknown>[]>();
  /**
   * Told when entries changed since the last checkpoint keep the resident set over its capacity
   * (they cannot be evicted before a checkpoint saves them): a durable database checkpoints early.
   */
  onPinned: (() => void) | null = null;
  /** Resident entries allowed over all maps. */
  private capacity = Number.POSITIVE_INFINITY;
  private lastShrinkRss = 0;
  private warned = false;
  /** Counters of maps already dropped, so the totals never go back. */
  private readonly dropped: SpillCounters = { hits: 0, misses: 0, evictions: 0 };
  private rss = 0;
  private peak = 0;
  private overBudget = 0;
  private spillFailures = 0;
  private collectedAt = Number.NEGATIVE_INFINITY;
  /** Steps to go before spilling is tried again after a failure. */
  private pauseSteps = 0;

  constructor(
    budgetBytes: number,
    newSpace: () => SpillSpace,
    options: { readRss?: () => number; warn?: (line: string) => void } = {},
  ) {
    this.budgetBytes = budgetBytes;
    this.newSpace = newSpace;
    this.readRss = options.readRss ?? readRssAnonBytes;
    this.warn = options.warn ?? ((line) => process.stderr.write(`${line}\n`));
  }

  /** The key-map factory for one materialized view's operators and contents. */
  context(viewId: number): SpillContext {
    return {
      keyMap: <T>(keyTypes: readonly SqlType[], codec: SpillCodec<T>) => {
        const map = new SpillingKeyMap<T>(keyTypes, this.newSpace(), codec);
        let maps = this.views.get(viewId);
        if (maps === undefined) this.views.set(viewId, (maps = []));
        maps.push(map as SpillingKeyMap<unknown>);
        return map;
      },
    };
  }

  /** The view is gone: its spill spaces are deleted. */
  dropView(viewId: number): void {
    for (const map of this.views.get(viewId) ?? []) {
      this.dropped.hits += map.counters.hits;
      this.dropped.misses += map.counters.misses;
      this.dropped.evictions += map.counters.evictions;
      map.dispose();
    }
    this.views.delete(viewId);
  }

  /** Between steps: reads RssAnon and evicts cold entries when the budget asks for it. */
  afterStep(): void {
    let rss = this.readRss();
    if (rss > this.budgetBytes * shrinkAbove && performance.now() - this.collectedAt > collectEveryMs) {
      collectGarbage();
      this.collectedAt = performance.now();
      rss = this.readRss();
    }
    this.rss = rss;
    if (rss > this.peak) this.peak = rss;
    const resident = this.residentEntries();
    if (rss > this.budgetBytes * shrinkAbove) {
      if (rss > this.budgetBytes || rss >= this.lastShrinkRss) {
        this.capacity = Math.floor(Math.min(this.capacity, resident) * shrinkKeeps);
        this.lastShrinkRss = rss;
      }
      if (rss > this.budgetBytes) this.over(resident);
    } else if (rss < this.budgetBytes * growBelow && Number.isFinite(this.capacity)) {
      this.capacity = Math.ceil(this.capacity * 1.05) + 256;
      this.lastShrinkRss = 0;
    }
    if (resident > this.capacity) this.evict(resident);
    // What could not go is pinned: changed since the last checkpoint, whose save frees it.
    const allowed = Math.max(this.capacity, this.mapCount() * residentMinPerMap);
    if (this.residentEntries() > allowed * pinnedSlack) this.onPinned?.();
  }

  private over(resident: number): void {
    this.overBudget++;
    const floor = this.mapCount() * residentMinPerMap;
    if (this.warned || resident > floor * 2) return;
    this.warned = true;
    this.warn(
      `eddy: memory budget ${this.budgetBytes} bytes exceeded (RssAnon ${this.rss}) with the hot state ` +
        `already at its minimum; steps go on, counted in eddy_memory_budget_exceeded_total`,
    );
  }

  private evict(resident: number): void {
    if (this.pauseSteps > 0) {
      this.pauseSteps--;
      return;
    }
    const share = this.capacity / resident;
    try {
      for (const maps of this.views.values())
        for (const map of maps) {
          const target = Math.max(residentMinPerMap, Math.floor(map.residentCount * share));
          if (map.residentCount > target) map.evict(target);
        }
    } catch (e) {
      // The step is committed already; state stays resident (correct, only over budget) and
      // spilling pauses, e.g. until a full disk has room again.
      this.spillFailures++;
      this.pauseSteps = pauseStepsAfterFailure;
      this.warn(`eddy: could not spill state to the data directory: ${(e as Error)?.message ?? String(e)}`);
    }
  }

  private residentEntries(): number {
    let n = 0;
    for (const maps of this.views.values()) for (const map of maps) n += map.residentCount;
    return n;
  }

  private mapCount(): number {
    let n = 0;
    for (const maps of this.views.values()) n += maps.length;
    return n;
  }

  stats(): MemoryBudgetStats {
    const totals = { ...this.dropped };
    let resident = 0;
    let spilled = 0;
    for (const maps of this.views.values())
      for (const map of maps) {
        totals.hits += map.counters.hits;
        totals.misses += map.counters.misses;
        totals.evictions += map.counters.evictions;
        resident += map.residentCount;
        spilled += map.spilledCount;
      }
    return {
      budgetBytes: this.budgetBytes,
      rssAnonBytes: this.rss,
      rssAnonPeakBytes: this.peak,
      overBudgetChecks: this.overBudget,
      residentEntries: resident,
      spilledEntries: spilled,
      cacheHits: totals.hits,
      cacheMisses: totals.misses,
      evictions: totals.evictions,
      spillFailures: this.spillFailures,
    };
  }
}
