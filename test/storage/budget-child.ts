/**
 * The workload of budget.test.ts (and `npm run bench -- budget`), run in a child process started
 * with the V8 flags a budgeted Eddy runs with (`./eddy` adds them: ADR 0006): materialized views
 * over sources whose state is several times the memory budget. Phases: `load` inserts `rows`
 * events (wide rows), joins half of them, re-inserts a tenth (group updates and outer-join
 * retractions reach spilled rows), with a checkpoint between; `check` only reopens (recovery
 * from checkpoint + log) and adds a last batch. Arguments: dir, phase, rows, budget, characters
 * per pad, rows per batch (2000). Prints one JSON line: counts read back, the budget's figures,
 * the highest RssAnon seen after any acknowledged batch (`rssPeak`), RssAnon after the final
 * queries (`queryRss`), and ingest throughput.
 */
import { Eddy } from '../../src/eddy.ts';
import { readRssAnonBytes } from '../../src/runtime/memory-budget.ts';

const [dir, phase, rowsText, budget, padText] = process.argv.slice(2);
const rows = Number(rowsText);
const padChars = Number(padText ?? 600);
const batchRows = Number(process.argv[7] ?? 2000);

const db = await Eddy.open({ dir: dir!, memoryBudget: budget!, checkpointInterval: 0 });
let rssPeak = 0;
const sample = (): void => {
  rssPeak = Math.max(rssPeak, readRssAnonBytes());
};

/** A pad that differs per key (so rows do not share strings) and has `padChars` characters. */
function pad(k: number): string {
  const head = `${k}:`;
  return head + 'x'.repeat(Math.max(0, padChars - head.length));
}

async function insertEvents(from: number, to: number): Promise<void> {
  for (let k = from; k < to; k += batchRows) {
    const n = Math.min(batchRows, to - k);
    const values: unknown[] = [];
    for (let i = 0; i < n; i++) values.push(k + i, pad(k + i));
    await db.insertBatch('ev', values, n);
    sample();
  }
}

async function insertMatches(from: number, to: number): Promise<void> {
  for (let k = from; k < to; k += 2 * batchRows) {
    const values: unknown[] = [];
    for (let i = k; i < Math.min(to, k + 2 * batchRows); i += 2) values.push(i, i * 3);
    await db.insertBatch('ev2', values, values.length / 2);
    sample();
  }
}

/** The JS heap after a full collection (run with --expose-gc): the part of RssAnon spilling controls. */
function heapAfterCollection(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed;
}

let heapBase = 0;
let ingestMs = 0;
let ingested = 0;
const timed = async (n: number, body: () => Promise<void>): Promise<void> => {
  const started = performance.now();
  await body();
  ingestMs += performance.now() - started;
  ingested += n;
};

if (phase === 'load') {
  await db.execute(`
    CREATE SOURCE ev (k int, pad text);
    CREATE SOURCE ev2 (k int, w int);
    CREATE MATERIALIZED VIEW j AS SELECT ev.k, ev.pad, ev2.w FROM ev LEFT JOIN ev2 ON ev.k = ev2.k;
    CREATE MATERIALIZED VIEW g AS SELECT k, count(*) AS n, max(length(pad)) AS longest FROM ev GROUP BY k;
  `);
  heapBase = heapAfterCollection();
  await timed(rows, () => insertEvents(0, rows));
  await db.checkpoint();
  await timed(rows / 2, () => insertMatches(0, rows));
  await timed(rows / 10, () => insertEvents(0, rows / 10));
  await db.checkpoint();
  await timed(rows / 10, () => insertMatches(rows, rows + rows / 5));
} else {
  heapBase = heapAfterCollection();
  await timed(rows / 10, () => insertEvents(rows, rows + rows / 10));
}

const heapUsed = heapAfterCollection();
// Ad-hoc queries over a spilled view read all of its rows into memory (a scan is not streamed from
// the spill space yet): their RssAnon is reported apart from the ingest's.
const [jc] = (await db.query('SELECT count(*), count(w), sum(w), count(DISTINCT k) FROM j')).rows;
const [gc] = (await db.query('SELECT count(*), sum(n), max(n), min(longest), max(longest) FROM g')).rows;
const queryRss = readRssAnonBytes();
const stats = (db as unknown as { db: { memoryBudget: { stats(): object } } }).db.memoryBudget.stats();
await db.close();
process.stdout.write(
  `${JSON.stringify(
    {
      j: jc,
      g: gc,
      stats,
      rssPeak,
      queryRss,
      heapUsed,
      heapBase,
      rowsPerSecond: (ingested / ingestMs) * 1000,
    },
    (_k, v) =>
      typeof v === 'bigint'
        ? Number(v)
        : typeof v === 'object' && v !== null && 'digits' in v
          ? String(v)
          : v,
  )}\n`,
);
