/**
 * @module plan/evaluate/query-guard
 * The per-statement guard of the one-shot evaluator: its loops report the rows they produce,
 * and every `checkEveryRows` rows the guard checks the statement's deadline (statement_timeout),
 * its cancel flag (CancelRequest, pg_cancel_backend, a client gone), its memory estimate
 * (`eddy.query_memory`) and the process's heap, throwing 57014 or 53200; it also tells the
 * evaluator when its time slice is up so a sliced evaluation can yield to the event loop.
 */
import { getHeapStatistics } from 'node:v8';
import { ResourceLimitError, SqlState, StateError } from '../../common/errors.ts';

/** Rows between two checks: a check reads the clock, so not per row. */
const checkEveryRows = 1024;
/** Checks between two looks at the process heap (getHeapStatistics costs more than the clock). */
const heapCheckEvery = 16;
/** The heap fraction past which every guarded statement refuses to grow (the process backstop). */
const heapUsedFractionMax = 0.85;
/**
 * The memory estimate of a materialised row: a JavaScript array's header and element store,
 * plus each value's slot and a boxed number's or short string's own cells. Strings are not
 * measured (a huge one is bounded by V8's string limit, 54000, and by the heap backstop).
 */
const rowBytes = 48;
const valueBytes = 16;

export interface QueryGuardOptions {
  /** statement_timeout in ms from now; 0 = none. */
  readonly timeoutMs?: number;
  /** The per-statement memory estimate's limit in bytes; 0 = none. */
  readonly memoryBytesMax?: number;
  /** Where the memory limit comes from, for the 53200 DETAIL. */
  readonly memorySetting?: string;
  /** How long a slice of a sliced evaluation runs before it yields, in ms. */
  readonly sliceMs?: number;
}

/**
 * The default `eddy.query_memory`: half the V8 heap (2GB with Node's usual 4 GB heap), at most
 * 2 GiB, unless the server was started with another (`eddy serve --query-memory`). Several
 * statements under it together are caught by the heap backstop.
 */
let queryMemoryDefaultBytes = Math.min(
  2 ** 31,
  2 ** 20 * Math.floor(getHeapStatistics().heap_size_limit / 2 ** 21),
);

export function defaultQueryMemoryBytes(): number {
  return queryMemoryDefaultBytes;
}

/** The process's default for sessions that do not SET eddy.query_memory (0: no limit of its own). */
export function setDefaultQueryMemoryBytes(bytes: number): void {
  queryMemoryDefaultBytes = bytes;
}

export class QueryGuard {
  /** Estimated bytes of the rows the statement holds materialised now. */
  bytes = 0;
  /** The most `bytes` has been (read by tests; kept at each hold, not per row). */
  bytesPeak = 0;
  private rowsUntilCheck = checkEveryRows;
  private checks = 0;
  private readonly deadline: number;
  private readonly memoryBytesMax: number;
  private readonly memorySetting: string;
  private readonly sliceMs: number;
  private sliceEnd = Number.POSITIVE_INFINITY;
  private cancelReason: 'user' | 'shutdown' | null = null;
  /** Callbacks of waits outside the evaluation (a client's full socket) that a cancel ends. */
  private readonly watchers = new Set<() => void>();

  constructor(options: QueryGuardOptions = {}) {
    const timeoutMs = options.timeoutMs ?? 0;
    this.deadline = timeoutMs > 0 ? performance.now() + timeoutMs : Number.POSITIVE_INFINITY;
    this.memoryBytesMax = options.memoryBytesMax ?? queryMemoryDefaultBytes;
    this.memorySetting = options.memorySetting ?? 'eddy.query_memory';
    this.sliceMs = options.sliceMs ?? 20;
  }

  /** Asks the statement to stop: its next check throws 57014. */
  cancel(reason: 'user' | 'shutdown' = 'user'): void {
    this.cancelReason ??= reason;
    for (const wake of [...this.watchers]) wake();
  }

  /**
   * Calls `wake` once when the statement is cancelled or its deadline passes, so a wait outside
   * the evaluation (for a client to read what was sent) ends and the next check throws 57014, as
   * PostgreSQL's statement_timeout ends a statement blocked sending its rows. Answers the undo.
   */
  watch(wake: () => void): () => void {
    let timer: NodeJS.Timeout | undefined;
    const once = () => {
      undo();
      wake();
    };
    const undo = () => {
      clearTimeout(timer);
      this.watchers.delete(once);
    };
    if (this.cancelReason !== null) {
      queueMicrotask(wake);
      return () => {};
    }
    this.watchers.add(once);
    if (Number.isFinite(this.deadline))
      timer = setTimeout(once, Math.max(0, this.deadline - performance.now()));
    return undo;
  }

  /** Starts a time slice: `produced` answers true once it is over (never, outside a sliced run). */
  startSlice(): void {
    this.sliceEnd = performance.now() + this.sliceMs;
  }

  /**
   * Counts one row of `arity` values a node materialised; every few rows checks the limits
   * (throwing 57014 / 53200) and answers whether the evaluation should yield now.
   */
  produced(arity: number): boolean {
    this.hold(1, arity);
    return this.worked();
  }

  /** Counts one unit of work that keeps nothing (a pair a join tested, a row a filter dropped). */
  worked(): boolean {
    if (--this.rowsUntilCheck > 0) return false;
    this.rowsUntilCheck = checkEveryRows;
    return this.check();
  }

  /** Counts `units` of work done at once (a sorted run: its comparisons); checks when they add up. */
  workedMany(units: number): boolean {
    this.rowsUntilCheck -= units;
    if (this.rowsUntilCheck > 0) return false;
    this.rowsUntilCheck = checkEveryRows;
    return this.check();
  }

  /** Counts `count` rows of `arity` values a node now holds (checked at the next check). */
  hold(count: number, arity: number): void {
    this.bytes += count * (rowBytes + valueBytes * arity);
    if (this.bytes > this.bytesPeak) this.bytesPeak = this.bytes;
  }

  /** A node let go of `count` rows of `arity` values it held. */
  release(count: number, arity: number): void {
    this.bytes -= count * (rowBytes + valueBytes * arity);
  }

  /** Checks every limit now; answers whether the current slice is over. */
  check(): boolean {
    const now = performance.now();
    if (this.cancelReason !== null) throw canceledError(this.cancelReason);
    if (now >= this.deadline) {
      throw new StateError(SqlState.queryCanceled, 'canceling statement due to statement timeout');
    }
    if (this.memoryBytesMax > 0 && this.bytes > this.memoryBytesMax) {
      throw new ResourceLimitError(SqlState.outOfMemory, 'out of memory', {
        detail: `The query's estimated working memory passed its limit, ${this.memorySetting} = ${formatBytes(this.memoryBytesMax)}.`,
        hint: `Filter or aggregate earlier, or raise the limit: SET ${this.memorySetting} = '${formatBytes(this.memoryBytesMax * 4)}'.`,
      });
    }
    if (++this.checks % heapCheckEvery === 0) checkProcessHeap();
    return now >= this.sliceEnd;
  }
}

/** The error of a cancelled statement (CancelRequest, pg_cancel_backend, a client gone, shutdown). */
export function canceledError(reason: 'user' | 'shutdown'): StateError {
  return reason === 'shutdown'
    ? new StateError(SqlState.queryCanceled, 'canceling statement due to server shutdown')
    : new StateError(SqlState.queryCanceled, 'canceling statement due to user request');
}

/** The backstop over all sessions together: refuse to grow once the heap is nearly full. */
function checkProcessHeap(): void {
  const heap = getHeapStatistics();
  if (heap.used_heap_size <= heap.heap_size_limit * heapUsedFractionMax) return;
  throw new ResourceLimitError(SqlState.outOfMemory, 'out of memory', {
    detail: `The server's heap is ${Math.round((100 * heap.used_heap_size) / heap.heap_size_limit)}% full (all statements together); this statement was stopped so the server stays up.`,
    hint: 'Retry when other statements have finished, lower eddy.query_memory, or start Node with a larger --max-old-space-size.',
  });
}

/** PostgreSQL's memory units: a number of bytes, or with kB / MB / GB / TB; 0 or -1 = no limit. */
export function parseMemorySetting(text: string): number | null {
  const m = /^\s*(-?\d+(?:\.\d+)?)\s*(B|kB|MB|GB|TB)?\s*$/i.exec(text);
  if (!m) return null;
  const n = Number(m[1]);
  if (n <= 0) return 0;
  const unit = (m[2] ?? 'kB').toLowerCase();
  const scale = { b: 1, kb: 2 ** 10, mb: 2 ** 20, gb: 2 ** 30, tb: 2 ** 40 }[unit]!;
  return Math.round(n * scale);
}

export function formatBytes(bytes: number): string {
  for (const [unit, scale] of [
    ['GB', 2 ** 30],
    ['MB', 2 ** 20],
    ['kB', 2 ** 10],
  ] as const) {
    if (bytes >= scale && bytes % scale === 0) return `${bytes / scale}${unit}`;
  }
  return bytes >= 2 ** 20 ? `${Math.round(bytes / 2 ** 20)}MB` : `${Math.ceil(bytes / 1024)}kB`;
}
