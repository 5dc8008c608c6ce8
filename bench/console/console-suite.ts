/**
 * @module bench/console/console-suite
 * `npm run bench -- console [--seconds N] [--rows-per-step N] [--steps-per-second N] [--record]`:
 * whether the console stays responsive under a busy view. A real `eddy serve`, a materialized
 * view whose rows change `rowsPerStep` at a time (UPDATEs over the PostgreSQL protocol, one step
 * each, `stepsPerSecond` a second), and its live view open in headless Chromium; the page's
 * frames are timed with requestAnimationFrame. Also reports the console's bundle size. With
 * `--record`, writes its section of BENCHMARKS.md.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { CDPSession, Page } from 'playwright-core';
import {
  ensureConsoleBuilt,
  launchChromium,
  repoRoot,
  startEddy,
} from '../../test/console/console-harness.ts';
import { type MachineInfo, machineInfo } from '../engine/engine-report.ts';
import { markdownTable, writeMarkedSection } from '../markdown-table.ts';

export const CONSOLE_USAGE = `console suite: npm run bench -- console [--seconds 20] [--rows-per-step 1000] [--steps-per-second 10] [--record]
  frame rate of the console's live view in headless Chromium while a view changes, and the bundle size`;

export interface ConsoleSettings {
  readonly seconds: number;
  readonly rowsPerStep: number;
  readonly stepsPerSecond: number;
  readonly record: boolean;
}

export function parseConsoleArgs(args: readonly string[]): ConsoleSettings {
  const settings = { seconds: 20, rowsPerStep: 1000, stepsPerSecond: 10, record: false };
  for (let i = 0; i < args.length; i++) {
    const flag = args[i]!;
    if (flag === '--record') {
      settings.record = true;
      continue;
    }
    const value = Number(args[++i]);
    if (!Number.isFinite(value) || value <= 0)
      throw new Error(`${flag} wants a positive number\n${CONSOLE_USAGE}`);
    if (flag === '--seconds') settings.seconds = value;
    else if (flag === '--rows-per-step') settings.rowsPerStep = Math.round(value);
    else if (flag === '--steps-per-second') settings.stepsPerSecond = value;
    else throw new Error(`unknown flag ${flag}\n${CONSOLE_USAGE}`);
  }
  return settings;
}

interface FrameStats {
  readonly frames: number;
  readonly framesPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** Share of frames longer than 50 ms (a pause a user notices). */
  readonly longShare: number;
}

interface ConsoleResult {
  readonly settings: ConsoleSettings;
  readonly frames: FrameStats;
  /** The same page with no writes, first: what the machine allows at the time. */
  readonly idleFrames: FrameStats;
  /** Share of wall time the page's main thread spent in script, layout, style, and all tasks. */
  readonly pageBusy: {
    readonly script: number;
    readonly layout: number;
    readonly style: number;
    readonly task: number;
  };
  /** The machine's 1-minute load average at the end (other work shares its cores). */
  readonly loadAverage: number;
  readonly stepsCommitted: number;
  /** Steps behind the server when the measurement ended (0: the page kept up). */
  readonly stepsBehind: number;
  readonly achievedStepsPerSecond: number;
  readonly pageHeapBytes: number | null;
  readonly bundle: readonly { readonly file: string; readonly bytes: number; readonly gzipBytes: number }[];
  readonly machine: MachineInfo;
  readonly date: string;
}

/** Frames measured with no writes, before the measurement under load. */
const idleMs = 5000;

/** Chromium's own counters of the page (seconds spent in script, layout, style, tasks). */
async function pageMetrics(cdp: CDPSession): Promise<Record<string, number>> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(metrics.map((m) => [m.name, m.value]));
}

/** The view's rows: `rowsPerStep` × 5, so each step updates a fifth of them. */
const rowsPerStepShare = 5;

export async function runConsoleSuite(settings: ConsoleSettings, command: string): Promise<ConsoleResult> {
  ensureConsoleBuilt();
  const eddy = await startEddy();
  const browser = await launchChromium();
  try {
    const db = await eddy.client();
    const rows = settings.rowsPerStep * rowsPerStepShare;
    await db.query('CREATE TABLE hot (id int PRIMARY KEY, v int NOT NULL)');
    await db.query(`INSERT INTO hot SELECT g, 0 FROM generate_series(1, ${rows}) AS g`);
    await db.query('CREATE MATERIALIZED VIEW hot_view AS SELECT id, v, v * 2 AS doubled FROM hot');
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${eddy.base}/#/object/hot_view/live`);
    await page.locator('table.live-rows tbody tr').first().waitFor({ timeout: 30_000 });
    const idle = frameStats(await frameIntervals(page, idleMs), idleMs / 1000);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const metricsBefore = await pageMetrics(cdp);
    let step = 0;
    let committed = 0;
    let busy = false;
    const writer = setInterval(() => {
      if (busy) return; // the server is behind: skip a tick rather than queue statements
      busy = true;
      const k = step++ % rowsPerStepShare;
      db.query(`UPDATE hot SET v = v + 1 WHERE id % ${rowsPerStepShare} = ${k}`).then(
        () => {
          committed++;
          busy = false;
        },
        () => {
          busy = false;
        },
      );
    }, 1000 / settings.stepsPerSecond);
    const started = Date.now();
    const intervals = await frameIntervals(page, settings.seconds * 1000);
    const elapsed = (Date.now() - started) / 1000;
    clearInterval(writer);
    const metricsAfter = await pageMetrics(cdp);
    const busyShare = (name: string) => (metricsAfter[name]! - metricsBefore[name]!) / elapsed;
    const serverStep = await currentStep(eddy.base);
    const pageStep = Number(await page.locator('.live-step').getAttribute('data-step'));
    const heap = await page.evaluate(
      () =>
        (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? null,
    );
    const result: ConsoleResult = {
      settings,
      frames: frameStats(intervals, elapsed),
      idleFrames: idle,
      pageBusy: {
        script: busyShare('ScriptDuration'),
        layout: busyShare('LayoutDuration'),
        style: busyShare('RecalcStyleDuration'),
        task: busyShare('TaskDuration'),
      },
      loadAverage: loadavg()[0]!,
      stepsCommitted: committed,
      stepsBehind: Math.max(0, serverStep - pageStep),
      achievedStepsPerSecond: committed / elapsed,
      pageHeapBytes: heap,
      bundle: bundleSizes(),
      machine: machineInfo(),
      date: new Date().toISOString().slice(0, 10),
    };
    printResult(result);
    if (settings.record) {
      updateBenchmarksMd(result, command);
      console.log('wrote the console section of BENCHMARKS.md');
    }
    return result;
  } finally {
    await browser.close();
    await eddy.stop();
  }
}

async function currentStep(base: string): Promise<number> {
  const answer = (await (await fetch(`${base}/stats`)).json()) as { step: number };
  return answer.step;
}

/** Times between animation frames in the page, for `durationMs`. */
function frameIntervals(page: Page, durationMs: number): Promise<number[]> {
  return page.evaluate(
    (ms) =>
      new Promise<number[]>((resolve) => {
        // Runs in the page, which has requestAnimationFrame (this file's types are Node's).
        const requestAnimationFrame = (
          globalThis as unknown as { requestAnimationFrame: (f: (now: number) => void) => void }
        ).requestAnimationFrame;
        const out: number[] = [];
        let last = performance.now();
        const end = last + ms;
        const tick = (now: number) => {
          out.push(now - last);
          last = now;
          if (now < end) requestAnimationFrame(tick);
          else resolve(out);
        };
        requestAnimationFrame(tick);
      }),
    durationMs,
  );
}

function frameStats(intervals: readonly number[], seconds: number): FrameStats {
  const sorted = [...intervals].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
  return {
    frames: intervals.length,
    framesPerSecond: intervals.length / seconds,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    maxMs: sorted.at(-1) ?? 0,
    longShare: intervals.filter((ms) => ms > 50).length / Math.max(1, intervals.length),
  };
}

function bundleSizes(): ConsoleResult['bundle'] {
  const dir = join(repoRoot, 'dist/console');
  const files = ['index.html', ...readdirSync(join(dir, 'assets')).map((f) => `assets/${f}`)];
  return files.map((file) => {
    const body = readFileSync(join(dir, file));
    return {
      file: file.replace(/-[\w-]{8}\./, '.'),
      bytes: statSync(join(dir, file)).size,
      gzipBytes: gzipSync(body).length,
    };
  });
}

function printResult(r: ConsoleResult): void {
  const f = r.frames;
  const pct = (x: number) => `${(x * 100).toFixed(0)} %`;
  console.log(
    `idle: ${r.idleFrames.framesPerSecond.toFixed(1)} frames/s (p99 ${r.idleFrames.p99Ms.toFixed(1)} ms); ` +
      `load average ${r.loadAverage.toFixed(1)}; page busy: script ${pct(r.pageBusy.script)}, layout ` +
      `${pct(r.pageBusy.layout)}, style ${pct(r.pageBusy.style)}, all tasks ${pct(r.pageBusy.task)}`,
  );
  console.log(
    `frames: ${f.framesPerSecond.toFixed(1)}/s (p50 ${f.p50Ms.toFixed(1)} ms, p99 ${f.p99Ms.toFixed(1)} ms, ` +
      `max ${f.maxMs.toFixed(0)} ms, ${(f.longShare * 100).toFixed(1)} % over 50 ms); ` +
      `steps ${r.stepsCommitted} (${r.achievedStepsPerSecond.toFixed(1)}/s), page ${r.stepsBehind} behind`,
  );
  for (const b of r.bundle) console.log(`bundle ${b.file}: ${b.bytes} B, ${b.gzipBytes} B gzipped`);
}

function updateBenchmarksMd(r: ConsoleResult, command: string): void {
  const f = r.frames;
  const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
  const total = r.bundle.reduce((a, b) => ({ bytes: a.bytes + b.bytes, gzip: a.gzip + b.gzipBytes }), {
    bytes: 0,
    gzip: 0,
  });
  const section = [
    '## Console: frame rate under a busy view, bundle size',
    '',
    `\`${command}\` on ${r.date}: ${r.machine.cpu}, ${r.machine.cores} cores, Node.js ${r.machine.node},`,
    `Debian's Chromium headless (playwright-core), a real \`eddy serve\`, all on the one machine. A`,
    `materialized view of ${r.settings.rowsPerStep * rowsPerStepShare} rows, ${r.settings.rowsPerStep} of them updated per step (${2 * r.settings.rowsPerStep} changes:`,
    'each update deletes a row and inserts its new version)',
    `(one UPDATE over the PostgreSQL protocol per step, aiming at ${r.settings.stepsPerSecond} steps/s), its live view open;`,
    `frames timed by requestAnimationFrame for ${r.settings.seconds} s.`,
    '',
    ...markdownTable(['measure', 'value'], 'll', [
      [
        `the same page with no writes (first ${idleMs / 1000} s)`,
        `${r.idleFrames.framesPerSecond.toFixed(1)} frames/s, p99 ${r.idleFrames.p99Ms.toFixed(1)} ms`,
      ],
      ['machine load average (1 min) at the end', r.loadAverage.toFixed(1)],
      [
        'page main thread busy: script / layout / style / all tasks',
        [r.pageBusy.script, r.pageBusy.layout, r.pageBusy.style, r.pageBusy.task]
          .map((x) => `${(x * 100).toFixed(0)} %`)
          .join(' / '),
      ],
      ['steps committed', `${r.stepsCommitted} (${r.achievedStepsPerSecond.toFixed(1)}/s)`],
      ['frames per second', f.framesPerSecond.toFixed(1)],
      [
        'frame time p50 / p99 / max',
        `${f.p50Ms.toFixed(1)} / ${f.p99Ms.toFixed(1)} / ${f.maxMs.toFixed(0)} ms`,
      ],
      ['frames over 50 ms', `${(f.longShare * 100).toFixed(1)} %`],
      ['page behind the server at the end', `${r.stepsBehind} steps`],
      ['page JS heap at the end', r.pageHeapBytes === null ? '–' : kib(r.pageHeapBytes)],
    ]),
    '',
    ...markdownTable(['bundle file', 'size', 'gzipped'], 'lll', [
      ...r.bundle.map((b) => [`\`${b.file}\``, kib(b.bytes), kib(b.gzipBytes)]),
      ['total', kib(total.bytes), kib(total.gzip)],
    ]),
  ];
  writeMarkedSection(join(repoRoot, 'BENCHMARKS.md'), 'console-bench', section);
}
