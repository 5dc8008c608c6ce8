/**
 * @module bench/nexmark/nexmark-child
 * One Nexmark query on Eddy in its own process: the sources and the view from bench/nexmark/queries,
 * then `events` generated events pushed `batch` at a time (one step each, all three tables), timed
 * apart from their generation. Prints one `@@nexmark-result {json}` line (NexmarkResult).
 */
import {
  createNexmarkBatches,
  NexmarkGenerator,
  type NexmarkTable,
} from '../../src/connectors/datagen/nexmark/index.ts';
import { Eddy } from '../../src/index.ts';
import { nexmarkDdl, nexmarkQuery } from './nexmark-queries.ts';
import { type NexmarkCaseSpec, type NexmarkResult, RESULT_LINE_PREFIX } from './nexmark-result.ts';

const TABLES: readonly NexmarkTable[] = ['person', 'auction', 'bid'];

async function run(spec: NexmarkCaseSpec): Promise<NexmarkResult> {
  const query = nexmarkQuery(spec.query);
  const db = await Eddy.open();
  for (const s of nexmarkDdl()) await db.execute(s);
  for (const s of query.setup) await db.execute(s);
  await db.execute(query.createView);
  const gen = new NexmarkGenerator({ seed: spec.seed, maxEvents: spec.events });
  const out = createNexmarkBatches();
  let systemNs = 0n;
  let generateNs = 0n;
  const cpuBefore = process.cpuUsage();
  let cpuGenerate = 0;
  for (;;) {
    const g0 = process.hrtime.bigint();
    const c0 = process.cpuUsage();
    const n = gen.next(out, spec.batch);
    const c1 = process.cpuUsage(c0);
    cpuGenerate += c1.user + c1.system;
    const g1 = process.hrtime.bigint();
    generateNs += g1 - g0;
    if (n === 0) break;
    const parts = TABLES.filter((t) => out[t].rowCount > 0).map((t) => ({
      table: t,
      values: out[t].values,
      rowCount: out[t].rowCount,
    }));
    await db.insertBatches(parts, { valueForm: 'engine' });
    systemNs += process.hrtime.bigint() - g1;
  }
  const cpu = process.cpuUsage(cpuBefore);
  const cpuSeconds = (cpu.user + cpu.system - cpuGenerate) / 1e6;
  const seconds = Number(systemNs) / 1e9;
  const outputRows = Number((await db.query(`SELECT count(*) FROM ${query.view}`)).rows[0]![0]);
  await db.close();
  return {
    suite: 'nexmark',
    system: 'eddy',
    query: spec.query,
    events: spec.events,
    batch: spec.batch,
    status: 'ok',
    seconds,
    cpuSeconds,
    generateSeconds: Number(generateNs) / 1e9,
    eventsPerSec: spec.events / seconds,
    eventsPerCpuSec: spec.events / cpuSeconds,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    outputRows,
  };
}

const spec = JSON.parse(process.argv[2]!) as NexmarkCaseSpec;
const result = await run(spec);
process.stdout.write(`${RESULT_LINE_PREFIX}${JSON.stringify(result)}\n`);
