/**
 * @module bench/engine/case-child
 * Runs one engine case in a fresh process (spawned by engine-suite.ts with a CaseSpec as JSON in
 * argv[2]): set the system up, then generate and push the input one batch at a time, timing only the pushes.
 */
import type { EngineCase, OpenedCase } from './engine-case.ts';
import { LazyInput } from './engine-input.ts';
import { ENGINE_QUERIES } from './engine-queries.ts';
import { type CaseSpec, type EngineResult, failedResult, RESULT_LINE_PREFIX } from './engine-result.ts';

async function open(spec: CaseSpec): Promise<OpenedCase> {
  if (spec.system === 'd2ts') {
    const { openD2tsCase } = await import('./d2ts-case.ts');
    return openD2tsCase(spec.query, { capture: false });
  }
  const { openEddyCase } = await import('./eddy-case.ts');
  return openEddyCase(spec.query, { capture: false });
}

/** Where the time went: the system's (wall and CPU) apart from the generator's. */
interface FeedTimes {
  systemNs: bigint;
  systemCpuMicros: number;
  generateNs: bigint;
  /** Events and system time of the batches overlapping the first (last) tenth of the events. */
  firstEvents: number;
  firstNs: bigint;
  lastEvents: number;
  lastNs: bigint;
}

/**
 * Generates each batch just before pushing it, and keeps no reference once it is pushed, as a
 * source would: the resident set then holds the system's state plus the batch in flight.
 */
async function feed(engineCase: EngineCase, input: LazyInput, totalEvents: number): Promise<FeedTimes> {
  const decile = Math.ceil(totalEvents / 10);
  const t: FeedTimes = {
    systemNs: 0n,
    systemCpuMicros: 0,
    generateNs: 0n,
    firstEvents: 0,
    firstNs: 0n,
    lastEvents: 0,
    lastNs: 0n,
  };
  let done = 0;
  for (;;) {
    const genStart = process.hrtime.bigint();
    const batch = input.next();
    t.generateNs += process.hrtime.bigint() - genStart;
    if (batch === undefined) break;
    const ns = await timed(t, engineCase, () => engineCase.push(batch));
    if (done < decile) {
      t.firstEvents += batch.events;
      t.firstNs += ns;
    }
    done += batch.events;
    if (done > totalEvents - decile) {
      t.lastEvents += batch.events;
      t.lastNs += ns;
    }
  }
  // Whatever the system deferred belongs to the last batches it was given.
  t.lastNs += await timed(t, engineCase, () => engineCase.flush());
  return t;
}

/**
 * Runs `work`, adds its wall and CPU time to the system's, and returns its wall nanoseconds; time the
 * case spent verifying its result (not the system's work) is taken off both.
 */
async function timed(
  t: FeedTimes,
  engineCase: EngineCase,
  work: () => void | Promise<void>,
): Promise<bigint> {
  const cpuStart = process.cpuUsage();
  const start = process.hrtime.bigint();
  const pending = work();
  if (pending !== undefined) await pending;
  const verificationNs = engineCase.takeVerificationNs();
  const ns = process.hrtime.bigint() - start - verificationNs;
  const cpu = process.cpuUsage(cpuStart);
  t.systemNs += ns;
  t.systemCpuMicros += Math.max(0, cpu.user + cpu.system - Number(verificationNs / 1000n));
  return ns;
}

async function run(spec: CaseSpec): Promise<EngineResult> {
  // Set up first, so an unavailable system costs no generation; setup is small and untimed.
  const opened = await open(spec);
  if (!opened.ok) return failedResult(spec, 'unavailable', opened.reason);
  const input = new LazyInput({ ...spec, tables: ENGINE_QUERIES[spec.query].tables });
  collectGarbage();
  const base = process.memoryUsage();

  const t = await feed(opened.engineCase, input, spec.events);
  const peakRssBytes = process.resourceUsage().maxRSS * 1024;
  collectGarbage();
  const end = process.memoryUsage();
  const seconds = Number(t.systemNs) / 1e9;
  const cpuSeconds = t.systemCpuMicros / 1e6;
  const rate = (events: number, ns: bigint) => (ns > 0n ? events / (Number(ns) / 1e9) : null);

  const outputRows = await opened.engineCase.outputRows();
  const resultDigest = await opened.engineCase.digest();
  await opened.engineCase.close();
  return {
    suite: 'engine',
    query: spec.query,
    system: spec.system,
    events: spec.events,
    batch: spec.batch,
    status: 'ok',
    seconds,
    cpuSeconds,
    generateSeconds: Number(t.generateNs) / 1e9,
    eventsPerSec: spec.events / seconds,
    eventsPerCpuSec: spec.events / cpuSeconds,
    firstDecileEventsPerSec: rate(t.firstEvents, t.firstNs),
    lastDecileEventsPerSec: rate(t.lastEvents, t.lastNs),
    peakRssBytes,
    baseRssBytes: base.rss,
    retainedHeapBytes: end.heapUsed + end.external - (base.heapUsed + base.external),
    outputRows,
    resultDigest,
  };
}

function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) gc();
}

const spec = JSON.parse(process.argv[2] ?? '{}') as CaseSpec;
let result: EngineResult;
try {
  result = await run(spec);
} catch (e) {
  result = failedResult(spec, 'error', e instanceof Error ? (e.stack ?? e.message) : String(e));
}
process.stdout.write(`${RESULT_LINE_PREFIX}${JSON.stringify(result)}\n`);
