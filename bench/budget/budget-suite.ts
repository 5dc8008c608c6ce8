/**
 * @module bench/budget/budget-suite
 * `npm run bench -- budget [--rows 120000] [--pad 1000] [--budget 256MB] [--record]`: a view
 * whose state is several times a memory budget (ADR 0006). The workload of
 * test/storage/budget.test.ts (wide events into a LEFT JOIN and a GROUP BY over sources, with
 * outer-join retractions, group updates and two checkpoints) runs in a child process started as
 * `./eddy` starts a budgeted server, once without a budget (what the state costs) and once
 * under it; then a restart under it. Reports ingest throughput, RssAnon peak, the JS heap after
 * a full collection, and the spilling caches' figures. `--record` writes its section of
 * BENCHMARKS.md.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { budgetedProcess, type MemoryBudgetStats } from '../../src/runtime/memory-budget.ts';
import { markdownTable, writeMarkedSection } from '../markdown-table.ts';

export const BUDGET_USAGE = `budget: npm run bench -- budget [--rows 120000] [--pad 1000] [--budget 256MB] [--record]
  views over sources whose state is several times --budget: throughput, RssAnon peak, heap, cache hit rate`;

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const child = join(repoRoot, 'test/storage/budget-child.ts');

interface Settings {
  readonly rows: number;
  readonly pad: number;
  readonly budget: string;
  readonly record: boolean;
}

interface Report {
  readonly j: number[];
  readonly g: unknown[];
  readonly stats: MemoryBudgetStats;
  readonly rssPeak: number;
  readonly queryRss: number;
  readonly heapUsed: number;
  readonly rowsPerSecond: number;
}

export function parseBudgetArgs(args: readonly string[]): Settings {
  const settings = { rows: 120_000, pad: 1000, budget: '256MB', record: false };
  for (let i = 0; i < args.length; i++) {
    const flag = args[i];
    if (flag === '--record') settings.record = true;
    else if (flag === '--rows') settings.rows = Number(args[++i]);
    else if (flag === '--pad') settings.pad = Number(args[++i]);
    else if (flag === '--budget') settings.budget = String(args[++i]);
    else throw new Error(`unknown option ${flag}\n${BUDGET_USAGE}`);
  }
  if (!Number.isInteger(settings.rows / 10) || settings.rows <= 0)
    throw new Error('--rows: a multiple of 10');
  return settings;
}

function run(dir: string, phase: string, s: Settings, budget: string): Report {
  const out = spawnSync(
    process.execPath,
    ['--expose-gc', ...budgetedProcess.nodeFlags, child, dir, phase, String(s.rows), budget, String(s.pad)],
    { encoding: 'utf8', maxBuffer: 1 << 24, env: { ...process.env, ...budgetedProcess.env } },
  );
  if (out.status !== 0) throw new Error(`the budget workload failed: ${out.stderr}`);
  return JSON.parse(out.stdout.trim().split('\n').pop()!) as Report;
}

export function runBudgetSuite(s: Settings, command: string): void {
  const dirs = [
    mkdtempSync(join(tmpdir(), 'eddy-bench-budget-')),
    mkdtempSync(join(tmpdir(), 'eddy-bench-budget-')),
  ];
  try {
    const unbounded = run(dirs[0]!, 'load', s, '1TB');
    const bounded = run(dirs[1]!, 'load', s, s.budget);
    const restarted = run(dirs[1]!, 'check', s, s.budget);
    if (
      JSON.stringify(bounded.j) !== JSON.stringify(unbounded.j) ||
      JSON.stringify(bounded.g) !== JSON.stringify(unbounded.g)
    )
      throw new Error(`the budgeted run read back other results: ${JSON.stringify([bounded, unbounded])}`);
    const rows = [
      ['no budget (what the state costs)', unbounded],
      [`under --memory-budget ${s.budget}`, bounded],
      [`restart under ${s.budget} (recovery, a tenth more events)`, restarted],
    ] as const;
    const mb = (n: number) => `${(n / 2 ** 20).toFixed(0)} MB`;
    const hitRate = (st: MemoryBudgetStats) =>
      st.cacheHits + st.cacheMisses === 0
        ? '–'
        : `${((100 * st.cacheHits) / (st.cacheHits + st.cacheMisses)).toFixed(1)} %`;
    const table = markdownTable(
      [
        'run',
        'rows/s',
        'RssAnon peak',
        'RssAnon after the queries',
        'JS heap after GC',
        'spilled entries',
        'spilled bytes',
        'throttled acks',
        'cache hit rate',
      ],
      'lrrrrrrrr',
      rows.map(([label, r]) => [
        label,
        Math.round(r.rowsPerSecond).toLocaleString('en-US'),
        mb(r.rssPeak),
        mb(r.queryRss),
        mb(r.heapUsed),
        r.stats.spilledEntries.toLocaleString('en-US'),
        mb(r.stats.spilledBytes),
        r.stats.throttledWrites.toLocaleString('en-US'),
        hitRate(r.stats),
      ]),
    );
    console.log(table.join('\n'));
    if (s.record) record(s, command, table);
  } finally {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}

function record(s: Settings, command: string, table: string[]): void {
  const section = [
    '## State larger than memory (issue 8, ADR 0006)',
    '',
    `\`${command}\` on ${new Date().toISOString().slice(0, 10)}: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores,`,
    `Node.js ${process.version} with \`${budgetedProcess.nodeFlags.join(' ')}\` and \`MALLOC_ARENA_MAX=1\`, glibc's mmap`,
    `threshold fixed (as \`./eddy\` runs a budgeted server), load average ${loadavg()[0]!.toFixed(1)} at the end.`,
    `${s.rows.toLocaleString('en-US')} events of ${s.pad} characters into two sources, a LEFT JOIN and a GROUP BY`,
    "over them (both sides, the groups and both views' contents spill), half the events then matched",
    '(retracting their NULL-padded rows), a tenth re-inserted (group updates), a checkpoint after each',
    'phase and every input durable (one fsync per batch of 2,000 rows). Rows/s is the ingest rate',
    'including syncs; RssAnon peak is the highest seen after any acknowledged batch; the final',
    "queries scan the spilled view whole (not streamed yet). Spilled bytes: the spill space's LMDB pages.",
    'Throttled acks: acknowledgements held until a checkpoint freed state pinned over the budget.',
    '',
    ...table,
  ];
  writeMarkedSection(join(repoRoot, 'BENCHMARKS.md'), 'budget-bench', section);
  console.log('wrote the budget section of BENCHMARKS.md');
}
