/**
 * @module test/slt/conformance.test
 * Conformance in the test command: Eddy's own golden files (test/slt/golden) and the corpus sample
 * vendored in test/vendor/sqllogictest (every 40th query of the shared corpus, see
 * test/vendor/README.md) must pass completely in both modes (ad hoc, and as incrementally
 * maintained views): every record the skipif/onlyif markers let run, counted exactly, so one
 * regression fails the suite. The full corpus runs from ../shared where it is checked out:
 * `npm run slt -- --mode both ../shared/conformance/sqllogictest`; its figures are in
 * docs/conformance.md.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { planFile } from './runner/file-plan.ts';
import { parseSlt } from './runner/parser.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const sampleDir = join(root, 'test', 'vendor', 'sqllogictest');
const cli = join(root, 'test', 'slt', 'runner', 'cli.ts');

interface Tally {
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  readonly output: string;
}

async function runSlt(args: string[]): Promise<Tally> {
  const { stdout } = await promisify(execFile)(process.execPath, [cli, ...args], {
    cwd: root,
    maxBuffer: 64 * 1024 * 1024,
    // The runner exits 1 when any record fails; the tally on stdout is what this test judges.
  }).catch((e: { stdout?: string }) => ({ stdout: e.stdout ?? '' }));
  const last = stdout.trim().split('\n').at(-1) ?? '';
  const m = /^slt: (\d+) passed, (\d+) failed, (\d+) skipped$/.exec(last);
  assert.ok(m, `the runner's last line is the tally; output was:\n${stdout.slice(-2000)}`);
  return { passed: Number(m[1]), failed: Number(m[2]), skipped: Number(m[3]), output: stdout };
}

test('golden files pass in both modes', { timeout: 300_000 }, async () => {
  const t = await runSlt(['--mode', 'both', '--verbose', join(root, 'test', 'slt', 'golden')]);
  assert.equal(t.failed, 0, t.output.slice(-4000));
  assert.ok(t.passed > 50);
});

test('the vendored corpus sample passes every record it runs, in both modes', {
  timeout: 1_200_000,
}, async () => {
  const expected = plannedCounts(sampleDir);
  assert.ok(expected.run > 5000, `the sample at ${sampleDir} holds ${expected.run} runnable records`);
  const t = await runSlt(['--mode', 'both', '--seed', '7', sampleDir]);
  process.stdout.write(`# corpus sample: ${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped\n`);
  assert.equal(t.failed, 0, t.output.slice(-4000));
  assert.deepEqual(
    { passed: t.passed, skipped: t.skipped },
    { passed: expected.run, skipped: expected.skip },
  );
});

/** How many records of the files under `folder` the markers let run, and how many they skip. */
function plannedCounts(folder: string): { run: number; skip: number } {
  const counts = { run: 0, skip: 0 };
  for (const name of readdirSync(folder, { recursive: true, encoding: 'utf8' })) {
    if (!name.endsWith('.test')) continue;
    const plan = planFile(name, parseSlt(readFileSync(join(folder, name), 'utf8'), name), 1);
    for (const state of plan.state.values()) counts[state]++;
  }
  return counts;
}
