/**
 * State larger than memory under a budget (ADR 0006), end to end in child processes started as
 * `./eddy` starts a budgeted server (`budgetedProcess`: V8 flags and glibc malloc settings):
 * views over sources (which keep no rows) with wide rows, whose state is several times the
 * budget. Without a budget the same load shows what the state costs (RssAnon) and must read back
 * the same results; under the budget RssAnon, read after every acknowledged batch, must stay
 * near it (`overshoot`) and every count must be exact (joins, outer-join retractions, group
 * updates, checkpoints), also after a restart from checkpoint + log.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { budgetedProcess } from '../../src/runtime/memory-budget.ts';

const child = new URL('./budget-child.ts', import.meta.url).pathname;
const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

interface Report {
  readonly j: number[];
  readonly g: (number | string)[];
  readonly stats: {
    readonly spilledEntries: number;
    readonly evictions: number;
    readonly rssAnonPeakBytes: number;
  };
  readonly rssPeak: number;
  readonly queryRss: number;
}

const rows = 24_000;
const padChars = 2000;
const budgetMB = 96;
const MB = 2 ** 20;
/**
 * How far over the budget RssAnon may be seen: not yet 1 (see ADR 0006, "Not done"). Entries a
 * step changes stay resident until a checkpoint saves them, and garbage accumulates between
 * forced collections, so 2,000-row batches of 2 kB rows overshoot a 96 MB budget.
 */
const overshoot = 1.75;

function run(dir: string, phase: string, budget: string): Report {
  const out = spawnSync(
    process.execPath,
    ['--expose-gc', ...budgetedProcess.nodeFlags, child, dir, phase, String(rows), budget, String(padChars)],
    { encoding: 'utf8', timeout: 300_000, env: { ...process.env, ...budgetedProcess.env } },
  );
  assert.equal(out.status, 0, `the child failed: ${out.stderr}`);
  return JSON.parse(out.stdout.trim().split('\n').pop()!) as Report;
}

/** 3k summed over the even keys below `n` (the w of each matched event). */
const matchedW = (n: number): number => 3 * (n / 2) * (n / 2 - 1);

test('a view whose state is several times the budget stays near it (RssAnon at most 1.75× while it runs) and exact across a restart', (t) => {
  const full = mkdtempSync(join(tmpdir(), 'eddy-budget-'));
  const spilled = mkdtempSync(join(tmpdir(), 'eddy-budget-'));
  dirs.push(full, spilled);
  const inMemory = run(full, 'load', '100GB');
  const budgeted = run(spilled, 'load', `${budgetMB}MB`);
  // The events plus a tenth again; half of them (and of the tenth) matched; one group per key.
  const expectedJ = [(rows * 11) / 10, (rows * 11) / 20, matchedW(rows) + matchedW(rows / 10), rows];
  const expectedG = [rows, String((rows * 11) / 10), 2, padChars, padChars];
  assert.deepEqual(inMemory.j, expectedJ);
  assert.deepEqual(inMemory.g, expectedG);
  assert.deepEqual(budgeted.j, expectedJ);
  assert.deepEqual(budgeted.g, expectedG);
  assert.equal(inMemory.stats.spilledEntries, 0, 'a budget it never reaches spills nothing');
  assert.ok(
    budgeted.stats.spilledEntries > rows * 3,
    `state spilled (${budgeted.stats.spilledEntries} entries)`,
  );
  t.diagnostic(
    `RssAnon peak ${(budgeted.rssPeak / MB).toFixed(0)} MB under a ${budgetMB} MB budget ` +
      `(the budget's own readings ${(budgeted.stats.rssAnonPeakBytes / MB).toFixed(0)} MB), ` +
      `${(inMemory.rssPeak / MB).toFixed(0)} MB without; after the final queries ${(budgeted.queryRss / MB).toFixed(0)} MB`,
  );
  // Without a budget RssAnon varied 212–261 MB between runs (V8's collection timing).
  assert.ok(
    inMemory.rssPeak > 2 * budgetMB * MB,
    `the state is several times the budget: ${(inMemory.rssPeak / MB).toFixed(0)} MB without it`,
  );
  assert.ok(
    budgeted.rssPeak <= overshoot * budgetMB * MB,
    `RssAnon stays near the budget: peak ${(budgeted.rssPeak / MB).toFixed(0)} MB`,
  );

  const restarted = run(spilled, 'check', `${budgetMB}MB`);
  // The check phase adds a tenth of new events, half of them matched by ev2 rows loaded before:
  // recovery restored the rest exactly.
  assert.deepEqual(restarted.j.slice(0, 2), [(rows * 12) / 10, (rows * 6) / 10]);
  assert.equal(restarted.g[0], (rows * 11) / 10);
  // Reported, not asserted: recovery decodes the whole checkpoint image at once (ADR 0006's
  // listed limit), so the restart's peak depends on the image, not on the budget; it measured
  // 140–347 MB under this 96 MB budget depending on load.
  t.diagnostic(`RssAnon peak after the restart: ${(restarted.rssPeak / MB).toFixed(0)} MB`);
});
