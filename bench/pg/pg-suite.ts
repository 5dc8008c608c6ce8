/**
 * @module bench/pg/pg-suite
 * `npm run bench -- pg [--rows 200k] [--txn-rows 1000] [--record]` against the PostgreSQL of
 * `npm run services` (EDDY_PG_URL). Two cases, each against its own baseline in the same run:
 * - CDC: a table loaded upstream in transactions of `--txn-rows` rows while Eddy is down; both
 *   Eddy's slot and a plain consumer's slot exist before the load. Then, timed apart, Eddy (reopened
 *   on its data directory, the source catching up into a count/sum view) and a plain pgoutput
 *   consumer (the same decoder, no Eddy: decode and count) read their slot up to the load's end.
 * - Sink: the PostgreSQL sink's full load (DELETE + COPY + progress row) of a view of `--rows`
 *   rows, and its incremental steps (`--txn-rows` rows each), against one `COPY` of the same rows
 *   into the same table shape.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { ViewEntry } from '../../src/catalog/catalog.ts';
import { PostgresSink } from '../../src/connectors/postgres/pg-sink.ts';
import { decodePgOutput, formatLsn, parseLsn } from '../../src/connectors/postgres/pgoutput.ts';
import { connect, ReplicationStream, type UpstreamAddress } from '../../src/connectors/postgres/upstream.ts';
import { Eddy } from '../../src/eddy.ts';
import type { Database } from '../../src/runtime/database.ts';
import { inferKey } from '../../src/runtime/sinks/view-key.ts';
import { markdownTable, writeMarkedSection } from '../markdown-table.ts';

export const PG_USAGE = `usage: npm run bench -- pg [--rows 200k] [--txn-rows 1000] [--record]
Needs EDDY_PG_URL (npm run services -- up; eval its env).`;

export interface PgOptions {
  readonly rows: number;
  readonly txnRows: number;
  readonly record: boolean;
}

export function parsePgArgs(args: readonly string[]): PgOptions {
  let rows = 200_000;
  let txnRows = 1000;
  let record = false;
  for (let i = 0; i < args.length; i++) {
    const flag = args[i];
    if (flag === '--record') record = true;
    else if (flag === '--rows') rows = size(args[++i]);
    else if (flag === '--txn-rows') txnRows = size(args[++i]);
    else throw new Error(`unknown option ${flag}\n${PG_USAGE}`);
  }
  return { rows, txnRows, record };
}

function size(v: string | undefined): number {
  const m = /^(\d+)([kM]?)$/.exec(v ?? '');
  if (!m) throw new Error(`not a size: ${v}\n${PG_USAGE}`);
  return Number(m[1]) * (m[2] === 'k' ? 1000 : m[2] === 'M' ? 1_000_000 : 1);
}

function address(url: string): UpstreamAddress {
  const u = new URL(url);
  return {
    spec: {
      type: 'postgres',
      host: u.hostname,
      port: Number(u.port),
      user: decodeURIComponent(u.username),
      dbname: u.pathname.slice(1),
      passwordSecret: null,
    },
    password: u.password === '' ? null : decodeURIComponent(u.password),
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Figure {
  readonly name: string;
  readonly rows: number;
  readonly seconds: number;
  /** This process's user + system CPU over the case (CDC only: the reader runs in this process). */
  readonly cpuSeconds?: number;
}

function cpuSince(from: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(from);
  return (used.user + used.system) / 1e6;
}

async function cdcCase(url: string, o: PgOptions): Promise<Figure[]> {
  const up = new pg.Client({ connectionString: url });
  await up.connect();
  const u = new URL(url);
  const dir = mkdtempSync(join(tmpdir(), 'eddy-bench-pg-'));
  try {
    await up.query(`DROP TABLE IF EXISTS bench_cdc; DROP PUBLICATION IF EXISTS eddy_bench_src;
      SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name IN ('eddy_bench_src', 'bench_plain');
      CREATE TABLE bench_cdc (id int PRIMARY KEY, v int NOT NULL, note text)`);
    let eddy = await Eddy.open({ dir });
    await eddy.execute(`CREATE CONNECTION bench_db WITH (type = 'postgres', host = '${u.hostname}', port = ${u.port},
      user = '${decodeURIComponent(u.username)}', dbname = '${u.pathname.slice(1)}');
      CREATE SOURCE bench_src FROM POSTGRES CONNECTION bench_db FOR TABLES (bench_cdc)`);
    await eddy.execute(
      'CREATE MATERIALIZED VIEW bench_total AS SELECT count(*) AS n, sum(v) AS s FROM bench_cdc',
    );
    while (
      (await eddy.query("SELECT state FROM pg_catalog.eddy_sources WHERE source = 'bench_src'"))
        .rows[0]?.[0] !== 'running'
    )
      await sleep(100);
    await up.query(`SELECT pg_create_logical_replication_slot('bench_plain', 'pgoutput')`);
    await eddy.close();
    for (let start = 0; start < o.rows; start += o.txnRows)
      await up.query(
        `INSERT INTO bench_cdc SELECT i, i % 1000, 'note ' || i FROM generate_series(${start + 1}, ${Math.min(o.rows, start + o.txnRows)}) i`,
      );
    const end = parseLsn(
      (await up.query<{ l: string }>('SELECT pg_current_wal_lsn()::text AS l')).rows[0]!.l,
    );

    // Eddy: reopened on its data directory, the source catches up.
    let t0 = performance.now();
    let cpu0 = process.cpuUsage();
    eddy = await Eddy.open({ dir });
    let started = 0;
    for (;;) {
      if (
        started === 0 &&
        (await eddy.query("SELECT state FROM pg_catalog.eddy_sources WHERE source = 'bench_src'"))
          .rows[0]?.[0] === 'running'
      )
        started = (performance.now() - t0) / 1000;
      const n = Number((await eddy.query('SELECT coalesce(max(n), 0) FROM bench_total')).rows[0]![0]);
      if (n >= o.rows) break;
      await sleep(20);
    }
    const eddySeconds = (performance.now() - t0) / 1000;
    const eddyCpu = cpuSince(cpu0);
    console.log(`CDC: Eddy opened and its source streaming after ${started.toFixed(2)} s (included below)`);
    await eddy.close();

    // The plain consumer: its own slot, the same decoder, rows counted.
    const repl = await connect(address(url), true);
    t0 = performance.now();
    cpu0 = process.cpuUsage();
    let rows = 0;
    let done!: () => void;
    const finished = new Promise<void>((r) => {
      done = r;
    });
    const stream = new ReplicationStream(
      repl,
      'bench_plain',
      'eddy_bench_src',
      0n,
      (m) => {
        if (m.kind !== 'xlog') return;
        const d = decodePgOutput(m.body);
        if (d.tag === 'insert') rows++;
        if (d.tag === 'commit') {
          stream.confirm(d.endLsn);
          if (rows >= o.rows || d.endLsn >= end) done();
        }
      },
      formatLsn,
    );
    await finished;
    const plainSeconds = (performance.now() - t0) / 1000;
    const plainCpu = cpuSince(cpu0);
    await stream.close();
    return [
      {
        name: 'CDC: Eddy (source → table → count/sum view)',
        rows: o.rows,
        seconds: eddySeconds,
        cpuSeconds: eddyCpu,
      },
      {
        name: 'CDC: plain pgoutput consumer (decode, count)',
        rows,
        seconds: plainSeconds,
        cpuSeconds: plainCpu,
      },
    ];
  } finally {
    await up
      .query(
        `SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name IN ('eddy_bench_src', 'bench_plain') AND NOT active`,
      )
      .catch(() => {});
    await up.end();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function sinkCase(url: string, o: PgOptions): Promise<Figure[]> {
  const up = new pg.Client({ connectionString: url });
  await up.connect();
  const eddy = await Eddy.open();
  try {
    await up
      .query(
        `DROP TABLE IF EXISTS bench_sink_out, bench_copy_out; DELETE FROM eddy_sink_progress WHERE sink = 'bench_sink'`,
      )
      .catch(() => {});
    await up.query('DROP TABLE IF EXISTS bench_sink_out, bench_copy_out');
    await eddy.execute('CREATE TABLE bench_src (id int PRIMARY KEY, v int NOT NULL, note text)');
    await eddy.execute(`CREATE MATERIALIZED VIEW bench_view AS SELECT id, v, note FROM bench_src`);
    const db = (eddy as unknown as { db: Database }).db;
    const view = db.catalog.relation('bench_view') as ViewEntry;
    const rows = Array.from({ length: o.rows }, (_, i) => [i + 1, i % 1000, `note ${i + 1}`]);
    const sink = new PostgresSink({
      name: 'bench_sink',
      address: address(url),
      table: 'bench_sink_out',
      columns: view.schema,
      key: inferKey(db.catalog, view.plan),
      createTable: true,
    });
    await sink.open();
    let t0 = performance.now();
    await sink.deliver({ step: 1, replace: true, rows, weights: rows.map(() => 1) });
    const full = (performance.now() - t0) / 1000;
    const more = Array.from({ length: o.rows }, (_, i) => [
      o.rows + i + 1,
      i % 1000,
      `note ${o.rows + i + 1}`,
    ]);
    t0 = performance.now();
    let step = 2;
    for (let s = 0; s < more.length; s += o.txnRows) {
      const part = more.slice(s, s + o.txnRows);
      await sink.deliver({ step: step++, replace: false, rows: part, weights: part.map(() => 1) });
    }
    const incremental = (performance.now() - t0) / 1000;
    await sink.close();

    // COPY of the same rows into the same shape, from the same process.
    await up.query('CREATE TABLE bench_copy_out (id integer PRIMARY KEY, v integer, note text)');
    const text = rows.map((r) => `${r[0]}\t${r[1]}\t${r[2]}\n`).join('');
    t0 = performance.now();
    await up.query('BEGIN');
    await copyText(up, 'COPY bench_copy_out (id, v, note) FROM STDIN', text);
    await up.query('COMMIT');
    const copy = (performance.now() - t0) / 1000;
    return [
      { name: 'sink: full load (DELETE, COPY, progress row)', rows: o.rows, seconds: full },
      { name: `sink: incremental steps of ${o.txnRows} rows`, rows: more.length, seconds: incremental },
      { name: 'COPY of the same rows (baseline)', rows: o.rows, seconds: copy },
    ];
  } finally {
    await eddy.close();
    await up.end();
  }
}

function copyText(client: pg.Client, sql: string, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let error: unknown = null;
    (client as unknown as { query(s: unknown): void }).query({
      submit: (c: { query(t: string): void }) => c.query(sql),
      handleCopyInResponse: (c: { sendCopyFromChunk(b: Buffer): void; endCopyFrom(): void }) => {
        c.sendCopyFromChunk(Buffer.from(text));
        c.endCopyFrom();
      },
      handleCommandComplete() {},
      handleError: (e: unknown) => {
        error = e;
      },
      handleReadyForQuery: () => (error === null ? resolve() : reject(error)),
      handleEmptyQuery() {},
      handleRowDescription() {},
      handleDataRow() {},
      handleCopyData() {},
      handlePortalSuspended() {},
    });
  });
}

export async function runPgSuite(o: PgOptions, command: string): Promise<void> {
  const url = process.env.EDDY_PG_URL;
  if (!url) throw new Error(PG_USAGE);
  const figures = [...(await cdcCase(url, o)), ...(await sinkCase(url, o))];
  const lines = figures.map((f) => [
    f.name,
    String(f.rows),
    f.seconds.toFixed(2),
    Math.round(f.rows / f.seconds).toLocaleString('en'),
    f.cpuSeconds === undefined ? '' : f.cpuSeconds.toFixed(2),
    f.cpuSeconds === undefined ? '' : Math.round(f.rows / f.cpuSeconds).toLocaleString('en'),
  ]);
  const table = markdownTable(
    ['case', 'rows', 'seconds', 'rows/s', 'CPU s', 'rows per CPU s'],
    'lrrrrr',
    lines,
  );
  for (const l of table) console.log(l);
  const [eddy, plain, full, , copy] = figures.map((f) => f.rows / f.seconds);
  const [eddyCpu, plainCpu] = figures.map((f) => f.rows / (f.cpuSeconds ?? Number.NaN));
  const ratios = [
    `CDC: Eddy / plain consumer = ${(eddy! / plain!).toFixed(2)}× in rows/s, ${(eddyCpu! / plainCpu!).toFixed(2)}× in rows per CPU second (goal ≥ 0.8×)`,
    `sink full load / COPY = ${(full! / copy!).toFixed(2)}×`,
  ];
  for (const r of ratios) console.log(r);
  if (o.record)
    writeMarkedSection(new URL('../../BENCHMARKS.md', import.meta.url).pathname, 'bench-pg', [
      '## PostgreSQL CDC and sink',
      '',
      `\`${command}\` on ${new Date().toISOString().slice(0, 10)} (load average ${(await import('node:os')).loadavg()[0]!.toFixed(1)} at the end).`,
      '',
      ...table,
      '',
      ...ratios.map((r) => `- ${r}`),
      '',
      'Both CDC readers use the same slot type, pgoutput decoder and network, and read their own slot,',
      'both created before the load. CPU s is this process’s user + system time over each case: for',
      'Eddy it covers opening Eddy on its data directory, converting each value through its column',
      "type's text input, the keyed upsert into the table's store, the view and the step written to",
      "Eddy's log; the plain consumer only decodes and counts. PostgreSQL's walsender, which decodes",
      'the WAL for either, is in neither. Upstream transactions that complete while a step is applied',
      'and made durable land together in the next step, each whole. On a loaded machine the wall',
      'figures of one run mostly say how the cores were shared (both readers spend most of their wall',
      'time waiting: on the walsender, and Eddy on its fsyncs); the CPU figures are steadier. The sink',
      "writes each step as one transaction (the changed keys' rows deleted through `unnest`; the new",
      'rows by COPY from 100 rows, else by one multi-row INSERT; the progress row).',
    ]);
}
