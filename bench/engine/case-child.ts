/**
 * @module bench/engine/case-child
 * Runs one engine case in a fresh process (spawned by engine-suite.ts with a CaseSpec as JSON in
 * argv[2]): set the system up, pre-generate the input, then time feeding it every batch.
 */
import type { EngineCase, OpenedCase } from './engine-case.ts';
import { type InputBatch, pregenerate } from './engine-input.ts';
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

/**
 * Feeds every batch, dropping the harness's reference to each once pushed: a source does not keep
 * its input, and tens of millions of retained rows would make every major GC slower for any system.
 */
async function feed(engineCase: EngineCase, input: (InputBatch | undefined)[]): Promise<void> {
  for (let i = 0; i < input.length; i++) {
    const pending = engineCase.push(input[i]!);
    input[i] = undefined;
    if (pending !== undefined) await pending;
  }
  await engineCase.flush();
}

async function run(spec: CaseSpec): Promise<EngineResult> {
  // Set up first, so an unavailable system costs no generation; setup is small and untimed.
  const opened = await open(spec);
  if (!opened.ok) return failedResult(spec, 'unavailable', opened.reason);
  const input: (InputBatch | undefined)[] = pregenerate({
    ...spec,
    tables: ENGINE_QUERIES[spec.query].tables,
  });
  collectGarbage();
  const inputRssBytes = process.memoryUsage().rss;

  const cpuStart = process.cpuUsage();
  const wallStart = performance.now();
  await feed(opened.engineCase, input);
  const seconds = (performance.now() - wallStart) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const peakRssBytes = process.resourceUsage().maxRSS * 1024;

  const outputRows = await opened.engineCase.outputRows();
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
    eventsPerSec: spec.events / seconds,
    eventsPerCpuSec: spec.events / cpuSeconds,
    peakRssBytes,
    inputRssBytes,
    outputRows,
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
