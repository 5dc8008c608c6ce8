/**
 * @module bench/engine/state-checkpoint
 * What checkpointing a view's operator state costs (issue 8, ADR 0004): feeds an engine-suite
 * query's view (q4, groupby, …) the Nexmark events straight into its maintainer, then times a
 * full save, a sliced save (10k entries a slice: the longest slice is the longest stall), a
 * restore into a fresh maintainer, and the delta after one more batch; sizes are
 * those of `v8.serialize` of the image (a stand-in for the store's value codec). Not part of the
 * timed suite; run by hand:
 *   sh scripts/node.sh bench/engine/state-checkpoint.ts [--events 1M] [--batch 10k] [--query q4,groupby]
 */
import { serialize } from 'node:v8';
import type { Value } from '../../src/common/value.ts';
import { nexmarkCreateTableSql } from '../../src/connectors/datagen/nexmark/index.ts';
import { Batch } from '../../src/dataflow/batch.ts';
import { Database, type ViewMaintainer } from '../../src/runtime/database.ts';
import { createDataflowMaintainer } from '../../src/runtime/dataflow-maintainer.ts';
import { Session } from '../../src/runtime/session.ts';
import { loadParser } from '../../src/sql/front/index.ts';
import { type InputBatch, LazyInput } from './engine-input.ts';
import { ENGINE_QUERIES, type EngineQuery, isEngineQuery } from './engine-queries.ts';

interface Options {
  events: number;
  batch: number;
  queries: EngineQuery[];
}

function size(text: string): number {
  const m = /^(\d+(?:\.\d+)?)([kM]?)$/.exec(text);
  if (m === null) throw new Error(`not a size: ${text}`);
  return Number(m[1]) * (m[2] === 'M' ? 1e6 : m[2] === 'k' ? 1e3 : 1);
}

function parse(args: readonly string[]): Options {
  const options: Options = { events: 1e6, batch: 1e4, queries: ['q4', 'groupby'] };
  for (let i = 0; i < args.length; i += 2) {
    const value = args[i + 1] ?? '';
    if (args[i] === '--events') options.events = size(value);
    else if (args[i] === '--batch') options.batch = size(value);
    else if (args[i] === '--query')
      options.queries = value.split(',').map((q) => {
        if (!isEngineQuery(q)) throw new Error(`unknown query ${q}`);
        return q;
      });
    else throw new Error(`unknown option ${args[i]}`);
  }
  return options;
}

/** The view's maintainer and its input relations' ids, in a database of sources. */
async function openView(query: EngineQuery): Promise<{
  maintainer: ViewMaintainer;
  make: () => ViewMaintainer;
  relationIds: Map<string, number>;
}> {
  let made: { maintainer: ViewMaintainer; make: () => ViewMaintainer } | undefined;
  const db = new Database((plan, viewId, appendOnly) => {
    const make = () => createDataflowMaintainer(plan, viewId, appendOnly);
    made = { maintainer: make(), make };
    return made.maintainer;
  });
  const session = new Session(db);
  const def = ENGINE_QUERIES[query];
  const relationIds = new Map<string, number>();
  for (const table of def.tables) {
    await session.executeWaiting(nexmarkCreateTableSql(table).replace(/^CREATE TABLE/, 'CREATE SOURCE'));
    relationIds.set(table, db.catalog.relation(table)!.id);
  }
  await session.executeWaiting(`CREATE MATERIALIZED VIEW v AS ${def.sql}`);
  return { ...made!, relationIds };
}

function inputsOf(batch: InputBatch, relationIds: ReadonlyMap<string, number>): Map<number, Batch> {
  const inputs = new Map<number, Batch>();
  for (const [table, id] of relationIds) {
    const rows = batch[table as 'bid'];
    if (rows === undefined || rows.rowCount === 0) continue;
    const values = (rows.values as Value[]).slice(0, rows.rowCount * rows.arity);
    inputs.set(id, new Batch(rows.arity, values, new Array<number>(rows.rowCount).fill(1)));
  }
  return inputs;
}

/** A stopwatch: wall time and this process's CPU time (the machine may be shared). */
function stopwatch(): () => string {
  const wall = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  return () => {
    const used = process.cpuUsage(cpu);
    const wallMs = Number(process.hrtime.bigint() - wall) / 1e6;
    return `${wallMs.toFixed(0)} ms (cpu ${((used.user + used.system) / 1000).toFixed(0)} ms)`;
  };
}

function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

async function measure(query: EngineQuery, options: Options): Promise<void> {
  const { maintainer, make, relationIds } = await openView(query);
  const def = ENGINE_QUERIES[query];
  const input = new LazyInput({ events: options.events, batch: options.batch, tables: def.tables, seed: 1 });
  let t = stopwatch();
  const pending: InputBatch[] = [];
  for (let b = input.next(); b !== undefined; b = input.next()) {
    pending.push(b);
    // The last batch is kept back: it is the change the delta measures.
    if (pending.length > 1) maintainer.step(inputsOf(pending.shift()!, relationIds));
  }
  const feed = t();
  const entries = (maintainer.stateSizes?.() ?? []).reduce((n, s) => n + s.entries, 0);
  t = stopwatch();
  const image = maintainer.saveState!();
  const save = t();
  t = stopwatch();
  const bytes = serialize(image).length;
  const encode = t();
  t = stopwatch();
  const slicer = maintainer.beginSaveState!();
  const begin = t();
  const sliceCpuMs: number[] = [];
  for (;;) {
    const cpu = process.cpuUsage();
    const slice = slicer.circuit.next(10_000);
    const used = process.cpuUsage(cpu);
    if (slice.length === 0) break;
    sliceCpuMs.push((used.user + used.system) / 1000);
  }
  maintainer.saveStateDelta!();
  sliceCpuMs.sort((x, y) => x - y);
  const median = sliceCpuMs[sliceCpuMs.length >> 1] ?? 0;
  const longest = sliceCpuMs[sliceCpuMs.length - 1] ?? 0;
  const sliced = `begin ${begin}, ${sliceCpuMs.length} slices of 10k entries, cpu median ${median.toFixed(0)} ms, longest ${longest.toFixed(0)} ms`;
  const twin = make();
  t = stopwatch();
  twin.restoreState!(image);
  const restore = t();
  const last = inputsOf(pending[0]!, relationIds);
  const a = maintainer.step(last);
  const b = twin.step(last);
  if (a.length !== b.length) throw new Error(`${query}: restored view diverged`);
  t = stopwatch();
  const delta = maintainer.saveStateDelta!();
  const deltaTime = t();
  const deltaBytes = serialize(delta).length;
  const changed = delta.circuit.operators.reduce(
    (n, o) => n + o.delta.upserts.length + o.delta.deletes.length,
    0,
  );
  console.log(
    `${query} events=${options.events} batch=${options.batch}: fed in ${feed}; ${entries} state entries; ` +
      `full save ${save} (${mb(bytes)} serialized in ${encode}); sliced save: ${sliced}; restore ${restore}; ` +
      `delta after one batch: ${deltaTime}, ${changed} entries, ${mb(deltaBytes)}`,
  );
}

await loadParser();
const options = parse(process.argv.slice(2));
for (const query of options.queries) await measure(query, options);
