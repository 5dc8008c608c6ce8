/**
 * @module runtime/memory-budget
 * Keeps the process under `--memory-budget` (ADR 0006). The budget is on anonymous resident
 * memory (the kernel's RssAnon, which includes the JS heap), not RSS: LMDB maps its file, and
 * mapped pages count in RSS without being Eddy's to budget. After each step it reads RssAnon and
 * sizes the spilling key maps' resident sets: above 85 % of the budget it shrinks their capacity
 * (again only while RssAnon keeps growing, or is over the budget, since freed heap shows only
 * after a garbage collection), below 70 % it lets the capacity grow back. It forces V8's
 * memory-reducing collections (rate-limited, also from a timer while checkpoints run), and while
 * state pinned until a checkpoint keeps memory over the budget, acknowledgements wait for that
 * checkpoint. What else RssAnon holds, and the process settings that keep it low
 * (`budgetedProcess`): ADR 0006, "Off-heap memory".
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

/** Forced collections at least this far apart (each costs tens of milliseconds, more on a large heap). */
const collectEveryMs = 200;

/** How often the timer beside the steps checks RssAnon (see `MemoryBudget.startWatch`). */
const watchEveryMs = 50;

/** Runs `body`, returning the milliseconds it took. */
function timed(body: () => void): number {
  const started = performance.now();
  body();
  return performance.now() - started;
}

let fullCollection: ((options: object) => void) | null = null;

/**
 * Runs V8's memory-reducing full collection (the "last resort" flavour: collects until nothing
 * more is freed, compacts, and returns the pages it pools for reuse to the system). Over the
 * budget, RssAnon counts garbage the collector has not reclaimed yet and heap pages V8 keeps
 * committed after a collection: an ordinary full collection left ~60 MB of such pages resident
 * in the 64 MB test (RssAnon 125 MB), this one brings it to ~61 MB.
 */
function collectGarbage(): void {
  if (fullCollection === null) {
    setFlagsFromString('--expose-gc');
    fullCollection = runInNewContext('gc') as (options: object) => void;
  }
  fullCollection({ type: 'major', execution: 'sync', flavor: 'last-resort' });
}

/**
 * How a process that runs under a budget should be started (`./eddy` does this when it sees
 * `--memory-budget`; tests and benchmarks spawn their children with it; a library user passes the
 * same): a small young generation (V8 otherwise keeps tens of MB of semi-space resident), only
 * Liftoff for WebAssembly (see src/cli/main.ts), one glibc malloc arena (each thread's arena
 * otherwise keeps MBs of freed memory) and a fixed mmap threshold (glibc otherwise raises it after
 * each large free, so later large buffers land in the brk heap, which fragments and never shrinks).
 */
export const budgetedProcess = {
  nodeFlags: ['--liftoff-only', '--max-semi-space-size=4'],
  env: {
    MALLOC_ARENA_MAX: '1',
    GLIBC_TUNABLES: 'glibc.malloc.mmap_threshold=65536:glibc.malloc.trim_threshold=65536',
  },
} as const;

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
  /** Bytes the spilled state takes in the data directory (its pages), 0 when unknown. */
  readonly spilledBytes: number;
  readonly cacheHits: number;
  readonly cacheMisses: number;
  readonly evictions: number;
  /** Spills that failed (e.g. disk full): the state stayed in memory. */
  readonly spillFailures: number;
  /** Times acknowledgements were held until a checkpoint freed pinned state (over the budget). */
  readonly throttledWrites: number;
}

export class MemoryBudget {
  readonly budgetBytes: number;
  private readonly newSpace: () => SpillSpace;
  private readonly readRss: () => number;
  private readonly spilledBytes: () => number;
  private readonly warn: (line: string) => void;
  private readonly views = new Map<number, SpillingKeyMap<unknown>[]>();
  /**
   * Told when entries changed since the last checkpoint keep the resident set over its capacity
   * (they cannot be evicted before a checkpoint saves them): a durable database checkpoints early.
   */
  onPinned: (() => Promise<void> | null) | null = null;
  /**
   * Set while memory is over the budget because of pinned entries and a checkpoint that frees
   * them runs: writes wait for it before they are acknowledged (`Database.whenDurable`), so
   * ingest slows down to what the budget allows instead of piling up more pinned state.
   */
  private relief: Promise<void> | null = null;
  private watch: ReturnType<typeof setInterval> | null = null;
  private closed = false;
  private throttles = 0;
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
  /** When the next forced collection may run (performance.now()). */
  private nextCollectAt = 0;
  /** Steps to go before spilling is tried again after a failure. */
  private pauseSteps = 0;

  constructor(
    budgetBytes: number,
    newSpace: () => SpillSpace,
    options: { readRss?: () => number; warn?: (line: string) => void; spilledBytes?: () => number } = {},
  ) {
    this.budgetBytes = budgetBytes;
    this.newSpace = newSpace;
    this.readRss = options.readRss ?? readRssAnonBytes;
    this.spilledBytes = options.spilledBytes ?? (() => 0);
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

  /**
   * Between steps: reads RssAnon and evicts cold entries when the budget asks for it. Over 85 % of
   * the budget it collects first (RssAnon counts garbage not yet reclaimed), and again after a
   * large eviction (the evicted entries, and the encoding's temporaries, are garbage only then),
   * so the next step starts from what is kept. Forced collections take at most a quarter of the
   * time: the next one waits three times as long as the last ones took (at least 200 ms). (Also
   * collecting at every check over the budget was tried: on a loaded machine each memory-reducing
   * collection took hundreds of ms, ingest fell fourfold and the peak was no lower.)
   */
  afterStep(): void {
    this.startWatch();
    let rss = this.readRss();
    const due = this.collectionDue(rss);
    let collectMs = 0;
    if (due) {
      collectMs += timed(collectGarbage);
      rss = this.readRss();
    }
    this.rss = rss;
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
    if (resident > this.capacity) {
      const evicted = this.evict(resident);
      if (due && evicted > resident / 10) {
        collectMs += timed(collectGarbage);
        rss = this.readRss();
      }
    }
    if (due) this.nextCollectAt = performance.now() + Math.max(collectEveryMs, 3 * collectMs);
    this.rss = rss;
    if (rss > this.peak) this.peak = rss;
    // What could not go is pinned: changed since the last checkpoint, whose save frees it. Ask for
    // one when pinned entries are far over the allowance, or are what keeps memory over 85 %.
    const allowed = Math.max(this.capacity, this.mapCount() * residentMinPerMap);
    const left = this.residentEntries();
    if (left > allowed * pinnedSlack || (rss > this.budgetBytes * shrinkAbove && left > allowed)) {
      const freed = this.onPinned?.() ?? null;
      if (freed !== null && rss > this.budgetBytes && this.relief === null) {
        this.throttles++;
        const relief: Promise<void> = freed.then(() => {
          if (this.relief === relief) this.relief = null;
        });
        this.relief = relief;
      }
    }
  }

  /** Whether a forced collection should run now, RssAnon being `rss`. */
  private collectionDue(rss: number): boolean {
    return rss > this.budgetBytes * shrinkAbove && performance.now() >= this.nextCollectAt;
  }

  /**
   * Between steps is not the only place garbage piles up: a checkpoint's slices read and encode
   * spilled state for seconds while writers wait for it (see `relief`) and no step runs. A timer
   * applies the same collection rule every `watchEveryMs` (it evicts nothing: that waits for a step).
   */
  private startWatch(): void {
    if (this.watch !== null || this.closed) return;
    this.watch = setInterval(() => {
      const rss = this.readRss();
      if (!this.collectionDue(rss)) return;
      const ms = timed(collectGarbage);
      this.nextCollectAt = performance.now() + Math.max(collectEveryMs, 3 * ms);
      const after = this.readRss();
      if (after > this.peak) this.peak = after;
    }, watchEveryMs);
    this.watch.unref();
  }

  /** Stops the timer (the database is closing). */
  close(): void {
    this.closed = true;
    if (this.watch !== null) clearInterval(this.watch);
    this.watch = null;
  }

  /** What acknowledging a write waits for besides durability (see `relief`), or null. */
  pressureRelief(): Promise<void> | null {
    return this.relief;
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

  /** Evicts down to the capacity, proportionally over the maps; returns the entries evicted. */
  private evict(resident: number): number {
    if (this.pauseSteps > 0) {
      this.pauseSteps--;
      return 0;
    }
    const share = this.capacity / resident;
    let evicted = 0;
    try {
      for (const maps of this.views.values())
        for (const map of maps) {
          const target = Math.max(residentMinPerMap, Math.floor(map.residentCount * share));
          if (map.residentCount > target) evicted += map.evict(target);
        }
    } catch (e) {
      // The step is committed already; state stays resident (correct, only over budget) and
      // spilling pauses, e.g. until a full disk has room again.
      this.spillFailures++;
      this.pauseSteps = pauseStepsAfterFailure;
      this.warn(`eddy: could not spill state to the data directory: ${(e as Error)?.message ?? String(e)}`);
    }
    return evicted;
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
      spilledBytes: this.spilledBytes(),
      cacheHits: totals.hits,
      cacheMisses: totals.misses,
      evictions: totals.evictions,
      spillFailures: this.spillFailures,
      throttledWrites: this.throttles,
    };
  }
}
