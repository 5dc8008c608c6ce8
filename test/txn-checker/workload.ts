/**
 * @module test/txn-checker/workload
 * A seeded list-append workload over concurrent sessions of the PostgreSQL wire protocol (Eddy's
 * server, or a real PostgreSQL to check the checker): each session runs short transactions of
 * reads (`SELECT v`) and appends (`UPDATE … SET v = v || ' n'`) on a few hot keys and records
 * what each returned and how it ended. The resulting history goes to analyze.ts.
 */
import type pg from 'pg';
import type { CheckedLevel } from './analyze.ts';
import type { History, MicroOp, TxnRecord } from './history.ts';

export interface WorkloadOptions {
  readonly sessions: number;
  readonly keys: number;
  /** Stop starting transactions after this long… */
  readonly durationMs: number;
  /** …or once this many were started (a bounded run, whatever the machine's speed). */
  readonly txnsMax?: number;
  readonly seed: number;
  readonly isolation: CheckedLevel;
  /** Micro-operations per transaction, at most. */
  readonly opsMax: number;
  /** Also keep a materialized view of the table and compare it at the end (Eddy only). */
  readonly materializedView: boolean;
}

export interface WorkloadResult {
  readonly history: History;
  /** Errors other than the expected conflicts (40001, 23505, 40P01), as `SQLSTATE message`. */
  readonly unexpectedErrors: readonly string[];
  /** Whether the materialized view held exactly the table's rows at the end (when kept). */
  readonly viewMatchesTable?: boolean;
}

/** Conflicts a client retries; anything else is a finding. */
const conflictCodes = new Set(['40001', '23505', '40P01']);

export async function runWorkload(
  connect: () => Promise<pg.Client>,
  options: WorkloadOptions,
): Promise<WorkloadResult> {
  const admin = await connect();
  try {
    await admin.query('DROP MATERIALIZED VIEW IF EXISTS txn_lists_view');
    await admin.query('DROP TABLE IF EXISTS txn_lists');
    await admin.query('CREATE TABLE txn_lists (k int PRIMARY KEY, v text NOT NULL)');
    for (let k = 0; k < options.keys; k++)
      await admin.query('INSERT INTO txn_lists VALUES ($1, $2)', [k, '']);
    if (options.materializedView)
      await admin.query('CREATE MATERIALIZED VIEW txn_lists_view AS SELECT k, v FROM txn_lists');
    const txns: TxnRecord[] = [];
    const unexpectedErrors: string[] = [];
    const nextValue = new Array<number>(options.keys).fill(1);
    const deadline = Date.now() + options.durationMs;
    const clients = await Promise.all(Array.from({ length: options.sessions }, () => connect()));
    try {
      await Promise.all(
        clients.map(async (client, session) => {
          const random = seededRandom(options.seed * 1000 + session);
          while (Date.now() < deadline && txns.length < (options.txnsMax ?? Number.POSITIVE_INFINITY)) {
            const record: TxnRecord = { index: txns.length, session, ops: [], outcome: 'info' };
            txns.push(record);
            for (const op of generateOps(random, options, nextValue)) record.ops.push(op);
            await runTransaction(client, record, options.isolation, unexpectedErrors);
          }
        }),
      );
    } finally {
      await Promise.all(clients.map((c) => c.end()));
    }
    const finalState = await readAll(admin, 'txn_lists');
    const viewMatchesTable = options.materializedView
      ? JSON.stringify([...(await readAll(admin, 'txn_lists_view'))]) === JSON.stringify([...finalState])
      : undefined;
    return { history: { txns, finalState }, unexpectedErrors, viewMatchesTable };
  } finally {
    await admin.end();
  }
}

/** 1 … opsMax operations on random keys: reads, appends, and read-then-append pairs. */
function generateOps(random: () => number, options: WorkloadOptions, nextValue: number[]): MicroOp[] {
  const ops: MicroOp[] = [];
  const count = 1 + Math.floor(random() * options.opsMax);
  while (ops.length < count) {
    const key = Math.floor(random() * options.keys);
    const roll = random();
    if (roll < 0.4) ops.push({ f: 'read', key, value: null });
    else {
      if (roll < 0.7) ops.push({ f: 'read', key, value: null });
      ops.push({ f: 'append', key, value: nextValue[key]!++ });
    }
  }
  return ops;
}

async function runTransaction(
  client: pg.Client,
  record: TxnRecord,
  isolation: WorkloadOptions['isolation'],
  unexpectedErrors: string[],
): Promise<void> {
  try {
    await client.query(`BEGIN ISOLATION LEVEL ${isolation.toUpperCase()}`);
    for (const op of record.ops) {
      if (op.f === 'read') {
        const result = await client.query('SELECT v FROM txn_lists WHERE k = $1::int', [op.key]);
        op.value = result.rows.length === 0 ? null : parseList(result.rows[0].v);
      } else {
        await client.query('UPDATE txn_lists SET v = v || $2::text WHERE k = $1::int', [
          op.key,
          ` ${op.value}`,
        ]);
      }
    }
    const result = await client.query('COMMIT');
    record.outcome = result.command === 'COMMIT' ? 'ok' : 'fail';
  } catch (err) {
    const { code, message } = err as { code?: string; message?: string };
    record.outcome = 'fail';
    record.error = `${code} ${message}`;
    if (!code || !conflictCodes.has(code)) unexpectedErrors.push(record.error);
    await client.query('ROLLBACK').catch(() => undefined);
  }
}

async function readAll(client: pg.Client, relation: string): Promise<Map<number, number[]>> {
  const result = await client.query(`SELECT k, v FROM ${relation} ORDER BY k`);
  return new Map(result.rows.map((row) => [Number(row.k), parseList(row.v)]));
}

function parseList(text: string): number[] {
  return text
    .split(' ')
    .filter((s) => s !== '')
    .map(Number);
}

/** mulberry32: a small seeded generator, so a seed replays the same operations. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
