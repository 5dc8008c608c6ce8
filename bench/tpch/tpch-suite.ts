/**
 * @module bench/tpch/tpch-suite
 * `npm run bench -- tpch [--sf 0.1] [--timeout 60] [--txn-orders 10] [--record]`: TPC-H
 * (bench/tpch/tpch-data) in one run on Eddy, DuckDB (in process) and PostgreSQL 15 (a throwaway
 * cluster, keys and foreign keys indexed, ANALYZE).
 * - Ad hoc: each of the 22 queries once per system, every answer checked against PostgreSQL's.
 *   Eddy runs each three ways: the ad-hoc evaluator as it is (pushdown and join ordering only),
 *   the evaluator on the fully rewritten plan (`eddy.adhoc_rewrites = all`: decorrelated), and
 *   the dataflow operators once over the snapshot (CREATE MATERIALIZED VIEW, read, DROP).
 *   `--timeout` seconds bound each Eddy run (statement_timeout, the view's creation included).
 * - Maintained: the 22 as materialized views, RF1 then RF2 streamed as transactions of
 *   `--txn-orders` orders; step latency (the awaited write) p50/p99 and rows per second, beside
 *   DuckDB applying each transaction and re-running the 22 queries.
 * `--record` writes bench/results/tpch-latest.json and BENCHMARKS.md's TPC-H section.
 */
import { writeFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import { Eddy } from '../../src/eddy.ts';
import { startPostgresCluster } from '../../test/support/postgres-cluster.ts';
import { markdownTable, writeMarkedSection } from '../markdown-table.ts';
import { refreshSets, tpchFiles, tpchQueries } from './tpch-data.ts';
import {
  compareRows,
  connectPostgresText,
  duckdbText,
  eddyText,
  isOrdered,
  loadDuckdb,
  loadEddy,
  loadPostgres,
  postgresText,
  refreshDuckdb,
  refreshEddy,
  refreshPostgres,
  refreshTransactions,
  type TextRows,
  txnRows,
} from './tpch-systems.ts';

export const TPCH_USAGE =
  'usage: npm run bench -- tpch [--sf 0.1] [--timeout 60] [--txn-orders 10] [--record]';

export interface TpchOptions {
  readonly sf: number;
  readonly timeoutS: number;
  readonly txnOrders: number;
  readonly record: boolean;
}

export function parseTpchArgs(args: readonly string[]): TpchOptions {
  let sf = 0.1;
  let timeoutS = 60;
  let txnOrders = 10;
  let record = false;
  for (let i = 0; i < args.length; i++) {
    const flag = args[i];
    const num = () => {
      const v = Number(args[++i]);
      if (!(v > 0)) throw new Error(`${flag} needs a positive number\n${TPCH_USAGE}`);
      return v;
    };
    if (flag === '--sf') sf = num();
    else if (flag === '--timeout') timeoutS = num();
    else if (flag === '--txn-orders') txnOrders = num();
    else if (flag === '--record') record = true;
    else throw new Error(`unknown option ${flag}\n${TPCH_USAGE}`);
  }
  return { sf, timeoutS, txnOrders, record };
}

/** A timed run: milliseconds, or why it has none (timeout, error, wrong answer). */
interface Timing {
  readonly ms: number | null;
  readonly note: string;
}

const EDDY_WAYS = ['evaluator', 'evaluator, all rewrites', 'dataflow once'] as const;

interface QueryRow {
  readonly name: string;
  readonly rows: number;
  readonly pg: Timing;
  readonly duckdb: Timing;
  readonly eddy: Record<(typeof EDDY_WAYS)[number], Timing>;
}

async function timed(
  run: () => Promise<TextRows>,
  expected: TextRows | null,
  ordered: boolean,
  padded = false,
): Promise<Timing> {
  const start = performance.now();
  try {
    const rows = await run();
    const ms = performance.now() - start;
    if (expected === null) return { ms, note: '' };
    const diff = compareRows(expected, rows, ordered, padded);
    return diff === null ? { ms, note: '' } : { ms: null, note: `wrong: ${diff}` };
  } catch (e) {
    const err = e as { code?: string; message?: string };
    return {
      ms: null,
      note: err.code === '57014' ? 'timeout' : `error ${err.code ?? ''} ${err.message ?? e}`.slice(0, 80),
    };
  }
}

function geomean(xs: readonly number[]): number {
  return Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length);
}

function percentile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
}

export async function runTpchSuite(options: TpchOptions, command: string): Promise<void> {
  const log = (line: string) => console.log(line);
  const files = tpchFiles(options.sf);
  const queries = tpchQueries(options.sf);
  const cluster = await startPostgresCluster({
    locale: 'C',
    settings: ['fsync=off', 'shared_buffers=256MB'],
  });
  const client = await connectPostgresText(cluster.url);
  const duck = await (await DuckDBInstance.create(':memory:')).connect();
  const db = await Eddy.open();
  try {
    let t0 = performance.now();
    await loadPostgres(client, files);
    log(`PostgreSQL loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    t0 = performance.now();
    await loadDuckdb(duck, files);
    log(`DuckDB loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    t0 = performance.now();
    await loadEddy(db, files);
    log(`Eddy loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    await db.execute(`SET statement_timeout = ${options.timeoutS * 1000}`);

    const results: QueryRow[] = [];
    for (const q of queries) {
      const ordered = isOrdered(q.sql);
      let expected: TextRows = [];
      const pg = await timed(
        async () => {
          expected = await postgresText(client, q.sql);
          return expected;
        },
        null,
        ordered,
      );
      const duckdb = await timed(() => duckdbText(duck, q.sql), expected, ordered, true);
      await db.execute("SET eddy.adhoc_rewrites = 'pushdown'");
      const plain = await timed(async () => eddyText(await db.query(q.sql)), expected, ordered);
      await db.execute("SET eddy.adhoc_rewrites = 'all'");
      const all = await timed(async () => eddyText(await db.query(q.sql)), expected, ordered);
      await db.execute("SET eddy.adhoc_rewrites = 'pushdown'");
      // CREATE MATERIALIZED VIEW's hydration is a statement too: the timeout bounds it as well.
      const once = await timed(
        async () => {
          await db.execute(`DROP MATERIALIZED VIEW IF EXISTS adhoc_${q.name}`);
          await db.execute(`CREATE MATERIALIZED VIEW adhoc_${q.name} AS ${q.sql}`);
          const rows = eddyText(await db.query(`SELECT * FROM adhoc_${q.name}`));
          await db.execute(`DROP MATERIALIZED VIEW adhoc_${q.name}`);
          return rows;
        },
        expected,
        false,
      );
      const row: QueryRow = {
        name: q.name,
        rows: expected.length,
        pg,
        duckdb,
        eddy: { evaluator: plain, 'evaluator, all rewrites': all, 'dataflow once': once },
      };
      results.push(row);
      const show = (t: Timing) => (t.ms === null ? t.note : `${t.ms.toFixed(0)} ms`);
      log(
        `${q.name} (${expected.length} rows): PG ${show(pg)}, DuckDB ${show(duckdb)}, ${EDDY_WAYS.map((w) => `${w} ${show(row.eddy[w])}`).join(', ')}`,
      );
    }

    // Maintained: all 22 views at once, the refresh streamed in small transactions. Creating a
    // view is not bounded by the ad-hoc runs' timeout (hydration counts as a statement).
    await db.execute('SET statement_timeout = 0');
    for (const q of queries) await db.execute(`CREATE MATERIALIZED VIEW ${q.name} AS ${q.sql}`);
    const { rf1, rf2 } = refreshTransactions(refreshSets(files), options.txnOrders);
    const steps: number[] = [];
    const duckRounds: number[] = [];
    let rows = 0;
    for (const txn of [...rf1, ...rf2]) {
      const s = performance.now();
      await refreshEddy(db, txn);
      steps.push(performance.now() - s);
      rows += txnRows(txn);
      await refreshPostgres(client, txn);
      const d = performance.now();
      await refreshDuckdb(duck, txn);
      for (const q of queries) await duckdbText(duck, q.sql);
      duckRounds.push(performance.now() - d);
    }
    const wrongViews: string[] = [];
    for (const q of queries) {
      const diff = compareRows(
        await postgresText(client, q.sql),
        eddyText(await db.query(`SELECT * FROM ${q.name}`)),
        false,
      );
      if (diff !== null) wrongViews.push(`${q.name}: ${diff}`);
    }
    const stepTotal = steps.reduce((a, b) => a + b, 0);
    const maintained = {
      transactions: steps.length,
      rows,
      rowsPerS: rows / (stepTotal / 1000),
      p50: percentile(steps, 50),
      p99: percentile(steps, 99),
      duckdbRerunP50: percentile(duckRounds, 50),
      duckdbRerunP99: percentile(duckRounds, 99),
      wrongViews,
    };
    log(
      `maintained: ${steps.length} transactions, ${rows} rows, ${maintained.rowsPerS.toFixed(0)} rows/s, step p50 ${maintained.p50.toFixed(1)} ms p99 ${maintained.p99.toFixed(1)} ms; DuckDB refresh + 22 queries p50 ${maintained.duckdbRerunP50.toFixed(0)} ms p99 ${maintained.duckdbRerunP99.toFixed(0)} ms; views wrong after refresh: ${wrongViews.length === 0 ? 'none' : wrongViews.join('; ')}`,
    );

    const ratios = (way: (typeof EDDY_WAYS)[number], peer: 'pg' | 'duckdb') => {
      const rs = results
        .filter((r) => r.eddy[way].ms !== null && r[peer].ms !== null)
        .map((r) => r.eddy[way].ms! / r[peer].ms!);
      return { ratio: rs.length === 0 ? Number.NaN : geomean(rs), of: rs.length };
    };
    const summary = EDDY_WAYS.map((w) => ({ way: w, vsPg: ratios(w, 'pg'), vsDuckdb: ratios(w, 'duckdb') }));
    for (const s of summary)
      log(
        `geomean Eddy (${s.way}) / PostgreSQL ${s.vsPg.ratio.toFixed(2)} over ${s.vsPg.of} queries; / DuckDB ${s.vsDuckdb.ratio.toFixed(2)} over ${s.vsDuckdb.of}`,
      );

    if (options.record) {
      const at = new Date().toISOString();
      writeFileSync(
        new URL('../results/tpch-latest.json', import.meta.url),
        `${JSON.stringify({ at, command, options, results, summary, maintained }, null, 2)}\n`,
      );
      const cell = (t: Timing) => (t.ms === null ? t.note.split(':')[0]! : t.ms.toFixed(0));
      const lines = [
        `Measured ${at.slice(0, 10)} with \`${command}\` (SF ${options.sf}; Eddy runs bounded at ${options.timeoutS} s). Milliseconds, one run each; every answer checked against PostgreSQL's.`,
        '',
        ...markdownTable(
          ['query', 'rows', 'PostgreSQL', 'DuckDB', ...EDDY_WAYS.map((w) => `Eddy ${w}`)],
          'lrrrrrr',
          results.map((r) => [
            r.name,
            String(r.rows),
            cell(r.pg),
            cell(r.duckdb),
            ...EDDY_WAYS.map((w) => cell(r.eddy[w])),
          ]),
        ),
        '',
        ...markdownTable(
          ['Eddy way', 'geomean ÷ PostgreSQL', 'geomean ÷ DuckDB', 'queries completed'],
          'lrrr',
          summary.map((s) => [
            s.way,
            `${s.vsPg.ratio.toFixed(2)}×`,
            `${s.vsDuckdb.ratio.toFixed(2)}×`,
            String(s.vsPg.of),
          ]),
        ),
        '',
        `Maintained, all 22 views at once: RF1 then RF2 as ${maintained.transactions} transactions of ${options.txnOrders} orders (${maintained.rows} rows): ${maintained.rowsPerS.toFixed(0)} rows/s, step latency p50 ${maintained.p50.toFixed(1)} ms, p99 ${maintained.p99.toFixed(1)} ms; DuckDB applying each transaction and re-running the 22 queries: p50 ${maintained.duckdbRerunP50.toFixed(0)} ms, p99 ${maintained.duckdbRerunP99.toFixed(0)} ms. Views differing from PostgreSQL afterwards: ${wrongViews.length === 0 ? 'none' : wrongViews.join('; ')}.`,
      ];
      writeMarkedSection(new URL('../../BENCHMARKS.md', import.meta.url).pathname, 'tpch', lines);
    }
  } finally {
    await db.close();
    duck.closeSync();
    await client.end();
    await cluster.stop();
  }
}
