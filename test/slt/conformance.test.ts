/**
 * Conformance in the test command: Eddy's own golden files (test/slt/golden) must pass completely,
 * and a seeded sample of the shared sqllogictest corpus (../shared/conformance/sqllogictest) must
 * pass at least the floor, 99 %, in both modes (ad hoc, and as incrementally maintained
 * views). The full corpus runs with `npm run slt -- --mode both ../shared/conformance/sqllogictest`;
 * its figures are in docs/conformance.md.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const corpus = join(root, '..', 'shared', 'conformance', 'sqllogictest');
const cli = join(root, 'test', 'slt', 'runner', 'cli.ts');
const sample = Number(process.env.EDDY_SLT_SAMPLE ?? 40);
const passRateFloor = 0.99;

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

test(`a 1-in-${sample} sample of the shared corpus passes ≥ ${passRateFloor * 100} % in both modes`, {
  timeout: 1_200_000,
  skip: existsSync(corpus) ? false : `no shared corpus at ${corpus}`,
}, async () => {
  const t = await runSlt(['--mode', 'both', '--sample', String(sample), '--seed', '7', corpus]);
  const rate = t.passed / (t.passed + t.failed);
  process.stdout.write(
    `# corpus sample: ${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped (${(rate * 100).toFixed(2)} %)\n`,
  );
  assert.ok(
    rate >= passRateFloor,
    `pass rate ${(rate * 100).toFixed(2)} % is below the floor\n${t.output.slice(-4000)}`,
  );
});
