/**
 * @module bench/durability/checkpoint-child
 * One run of the checkpoint suite in a fresh process (spawned by checkpoint-suite.ts with a
 * `CheckpointRunSpec` as JSON in argv[2]). `memory`, `log` and `checkpoints` feed an engine-suite
 * query's view the Nexmark events one step per batch, timing each push (its latency includes
 * waiting for the input log's sync when durable); `checkpoints` then dies by SIGKILL, as a crash
 * would, leaving its data directory to `recover`, which times opening it (recovery) and then a
 * clean close (its final checkpoint).
 */
import type { Row, Value } from '../../src/common/value.ts';
import { nexmarkCreateTableSql } from '../../src/connectors/datagen/nexmark/index.ts';
import { Eddy } from '../../src/index.ts';
import type { DurabilityStats } from '../../src/storage/durability.ts';
import { LazyInput } from '../engine/engine-input.ts';
import { ENGINE_QUERIES, type EngineQuery } from '../engine/engine-queries.ts';
import { digestOf } from '../engine/result-digest.ts';
import { type CheckpointRunResult, type CheckpointRunSpec, RESULT_PREFIX } from './checkpoint-suite.ts';

const viewName = (query: EngineQuery) => `nexmark_${query}`;

/** The durable store's figures (not part of the library's API: read for the benchmark only). */
function statsOf(db: Eddy): DurabilityStats | null {
  return (db as unknown as { durability: { stats: DurabilityStats } | null }).durability?.stats ?? null;
}

async function viewDigest(db: Eddy, query: EngineQuery): Promise<{ rows: number; digest: string }> {
  const rows = (await db.query(`SELECT * FROM ${viewName(query)}`)).rows as Row[];
  return { rows: rows.length, digest: digestOf(rows.slice()) };
}

async function feed(spec: CheckpointRunSpec): Promise<CheckpointRunResult> {
  const def = ENGINE_QUERIES[spec.query];
  const durable = spec.mode !== 'memory';
  const checkpointing = spec.mode === 'checkpoints' || spec.mode === 'full';
  const db = await Eddy.open(
    durable
      ? {
          dir: spec.dir,
          checkpointInterval: checkpointing ? spec.checkpointMs : 0,
          incrementalCheckpoints: spec.mode === 'checkpoints' && spec.incremental,
        }
      : {},
  );
  for (const table of def.tables)
    await db.execute(nexmarkCreateTableSql(table).replace(/^CREATE TABLE/, 'CREATE SOURCE'));
  await db.execute(`CREATE MATERIALIZED VIEW ${viewName(spec.query)} AS ${def.sql}`);
  const input = new LazyInput({ events: spec.events, batch: spec.batch, tables: def.tables, seed: 1 });
  const latencies: number[] = [];
  let busyMs = 0;
  // The whole process's CPU over the feed: steps, the log's encoding, checkpoints, GC threads.
  const cpuStart = process.cpuUsage();
  for (let batch = input.next(); batch !== undefined; batch = input.next()) {
    const parts: { table: string; values: Value[]; rowCount: number }[] = [];
    for (const table of def.tables) {
      const rows = batch[table];
      if (rows !== undefined && rows.rowCount > 0)
        parts.push({ table, values: rows.values, rowCount: rows.rowCount });
    }
    if (parts.length === 0) continue;
    const started = performance.now();
    await db.insertBatches(parts, { valueForm: 'engine' });
    const ms = performance.now() - started;
    latencies.push(ms);
    busyMs += ms;
  }
  const cpu = process.cpuUsage(cpuStart);
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
  const stats = statsOf(db);
  const result: CheckpointRunResult = {
    mode: spec.mode,
    eventsPerSec: spec.events / (busyMs / 1000),
    eventsPerCpuSec: spec.events / ((cpu.user + cpu.system) / 1e6),
    stepMs: { p50: at(0.5), p99: at(0.99), max: latencies[latencies.length - 1]! },
    checkpoints: stats?.checkpoints,
    lastCheckpointMs: stats?.lastCheckpointMs,
    lastCheckpointPauseMs: stats?.lastCheckpointPauseMs,
    incrementalCheckpoints: stats?.incrementalCheckpoints,
    ...(await viewDigest(db, spec.query)),
  };
  if (spec.mode !== 'checkpoints') await db.close();
  return result;
}

async function recoverRun(spec: CheckpointRunSpec): Promise<CheckpointRunResult> {
  const started = performance.now();
  const db = await Eddy.open({ dir: spec.dir, checkpointInterval: 0 });
  const openMs = performance.now() - started;
  const stats = statsOf(db)!;
  const view = await viewDigest(db, spec.query);
  const closing = performance.now();
  await db.close();
  return {
    mode: 'recover',
    openMs,
    recovery: {
      recoveryMs: stats.recoveryMs,
      replayedRecords: stats.replayedRecords,
      viewsRestored: stats.viewsRestored,
      recoveryPhaseMs: stats.recoveryPhaseMs,
    },
    closeMs: performance.now() - closing,
    ...view,
  };
}

const spec = JSON.parse(process.argv[2] ?? '{}') as CheckpointRunSpec;
const result = spec.mode === 'recover' ? await recoverRun(spec) : await feed(spec);
process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
// A crash, not a shutdown: no final checkpoint, the log tail after the last one stays to replay.
if (spec.mode === 'checkpoints') process.kill(process.pid, 'SIGKILL');
