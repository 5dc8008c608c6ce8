/**
 * @module bench/serve/heavy-beside
 * What a heavy ad-hoc query does to everyone else: while session A counts ten million generated
 * rows, session B sends `SELECT 1` every 50 ms and session C inserts one event every 50 ms (each
 * INSERT commits a step that maintains the `per_user` view); B's and C's latencies (p50 / p99 /
 * max) and A's time are recorded. Then A runs the query again and is cancelled (a CancelRequest,
 * as psql sends) once it has been running 500 ms: the time from the cancel to A's error (57014)
 * is recorded. Last, the same beside more shapes: two that must hold their input (a sort of 2 M
 * rows, an ordered aggregate over one group of 1 M rows), a subquery inside an expression, a
 * cross join and a catastrophic regular expression.
 */
import pg from 'pg';
import { cancelRequest } from '../../test/server/pgwire-support.ts';
import type { ServeTarget } from './serve-target.ts';

export const HEAVY_SQL = 'SELECT count(*) FROM generate_series(1, 10000000)';
/** Measured like HEAVY_SQL, without the cancel (OFFSET and length() keep the answers small). */
export const MORE_HEAVY_SQL = [
  'SELECT g FROM generate_series(1, 2000000) g ORDER BY g DESC OFFSET 1999999',
  "SELECT length(string_agg(g::text, ',' ORDER BY g DESC)) FROM generate_series(1, 1000000) g",
  'SELECT (SELECT count(*) FROM generate_series(1, 10000000)) AS n',
  'SELECT count(*) FROM generate_series(1, 3000) x, generate_series(1, 3000) y WHERE x <> y',
  "SELECT repeat('a', 50000) ~ '(a+)+b' AS m",
];
/** C's events get ids far above the preloaded and the writer's, spread over these users. */
const insertIdBase = 1_000_000_000_000;
const insertUsers = 10_000;
const pingEveryMs = 50;
const cancelAfterMs = 500;

export interface HeavyShapeResult {
  readonly heavySql: string;
  /** A's statement: how long it took and how it ended ('answered' or its SQLSTATE). */
  readonly heavyMs: number;
  readonly heavyOutcome: string;
  /** B's `SELECT 1` answered while A ran. */
  readonly pings: number;
  readonly pingP50Ms: number | null;
  readonly pingP99Ms: number | null;
  readonly pingMaxMs: number | null;
  /** C's one-row INSERTs committed while A ran (absent in records made before they were added). */
  readonly inserts?: number;
  readonly insertP50Ms?: number | null;
  readonly insertP99Ms?: number | null;
  readonly insertMaxMs?: number | null;
}

export interface BesideResult extends HeavyShapeResult {
  /** From the CancelRequest's delivery to A's error; null when A was not stopped by it. */
  readonly cancelToErrorMs: number | null;
  readonly cancelOutcome: string;
  /** The MORE_HEAVY_SQL shapes (absent in records made before they were added). */
  readonly more?: readonly HeavyShapeResult[];
}

export async function measureBeside(target: ServeTarget): Promise<BesideResult> {
  const connect = async () => {
    const c = new pg.Client({
      host: target.host,
      port: target.port,
      user: target.user,
      database: target.database,
    });
    await c.connect();
    return c;
  };
  const a = await connect();
  const b = await connect();
  const c = await connect();
  const nextId = { value: insertIdBase };
  const shape = (sql: string) => measureShape(a, b, { client: c, nextId }, sql);
  try {
    const first = await shape(HEAVY_SQL);
    const key = a as unknown as { processID: number; secretKey: number };
    const cancelled = runHeavy(a, HEAVY_SQL).then((outcome) => ({ outcome, at: performance.now() }));
    await sleep(cancelAfterMs);
    await cancelRequest(target.port, { pid: key.processID, secret: key.secretKey });
    const cancelAt = performance.now();
    const end = await cancelled;
    const more: HeavyShapeResult[] = [];
    for (const sql of MORE_HEAVY_SQL) more.push(await shape(sql));
    return {
      ...first,
      cancelToErrorMs: end.outcome === '57014' ? Math.max(0, end.at - cancelAt) : null,
      cancelOutcome: end.outcome,
      more,
    };
  } finally {
    await Promise.allSettled([a.end(), b.end(), c.end()]);
  }
}

interface Inserter {
  readonly client: pg.Client;
  readonly nextId: { value: number };
}

/**
 * Runs `sql` on A while B sends `SELECT 1` and C inserts one event, each every 50 ms; B's and
 * C's latencies and A's time.
 */
async function measureShape(a: pg.Client, b: pg.Client, c: Inserter, sql: string): Promise<HeavyShapeResult> {
  let running = true;
  const start = performance.now();
  const heavy = runHeavy(a, sql).finally(() => {
    running = false;
  });
  // Sent while A ran: counted even when A held them up to its end (a server that cannot yield).
  const [pingsMs, insertsMs] = await Promise.all([
    repeatWhile(
      () => running,
      () => b.query('SELECT 1'),
    ),
    repeatWhile(
      () => running,
      () => {
        const id = c.nextId.value++;
        return c.client.query('INSERT INTO events (id, user_id, amount) VALUES ($1, $2, 1)', [
          id,
          1 + (id % insertUsers),
        ]);
      },
    ),
  ]);
  const heavyOutcome = await heavy;
  const heavyMs = performance.now() - start;
  return {
    heavySql: sql,
    heavyMs,
    heavyOutcome,
    pings: pingsMs.length,
    pingP50Ms: quantile(pingsMs, 0.5),
    pingP99Ms: quantile(pingsMs, 0.99),
    pingMaxMs: pingsMs.at(-1) ?? null,
    inserts: insertsMs.length,
    insertP50Ms: quantile(insertsMs, 0.5),
    insertP99Ms: quantile(insertsMs, 0.99),
    insertMaxMs: insertsMs.at(-1) ?? null,
  };
}

/** Runs `act` every 50 ms while `going()`; its latencies, sorted. */
async function repeatWhile(going: () => boolean, act: () => Promise<unknown>): Promise<number[]> {
  const ms: number[] = [];
  while (going()) {
    const sent = performance.now();
    await act();
    ms.push(performance.now() - sent);
    await sleep(pingEveryMs);
  }
  return ms.sort((x, y) => x - y);
}

function runHeavy(client: pg.Client, sql: string): Promise<string> {
  return client.query(sql).then(
    () => 'answered',
    (e: { code?: string; message?: string }) => e.code ?? String(e.message),
  );
}

function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function describeBeside(system: string, r: BesideResult): string {
  const ms = (x: number | null) => (x === null ? '–' : x.toFixed(1));
  const shape = (x: HeavyShapeResult) =>
    `${x.heavySql}: ${x.heavyOutcome} in ${ms(x.heavyMs)} ms; meanwhile ${x.pings} SELECT 1 answered, ` +
    `p50 ${ms(x.pingP50Ms)} ms, p99 ${ms(x.pingP99Ms)} ms, max ${ms(x.pingMaxMs)} ms; ` +
    `${x.inserts ?? 0} INSERTs (a step each), p50 ${ms(x.insertP50Ms ?? null)} ms, ` +
    `p99 ${ms(x.insertP99Ms ?? null)} ms, max ${ms(x.insertMaxMs ?? null)} ms`;
  return [
    `${system}: ${shape(r)}; cancel → ${r.cancelOutcome} after ${ms(r.cancelToErrorMs)} ms`,
    ...(r.more ?? []).map((x) => `${system}: ${shape(x)}`),
  ].join('\n');
}
