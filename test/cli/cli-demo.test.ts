/**
 * @module test/cli/cli-demo
 * `eddy demo` (what `npm start` runs) as a new user meets it: it runs to its end, every view's
 * changes are printed as they happen (the README's promise), and the command its closing line
 * suggests exists in a clone of the repository.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { eddy, repoRoot } from './cli-support.ts';

test('the demo runs to its end and suggests a command that exists', async () => {
  const { code, stdout, stderr } = await eddy(['demo', '--steps', '2', '--interval-ms', '0']);
  assert.equal(code, 0, stderr);
  for (const view of ['revenue_by_region', 'top_customers']) {
    assert.match(stdout, new RegExp(`^  step 1 ${view} \\+ `, 'm'), `${view}'s changes are printed`);
  }
  const closing = stdout.trimEnd().split('\n').at(-1)!;
  const suggested = /`([^`]+)`/.exec(closing)?.[1];
  assert.ok(suggested, closing);
  // The suggestion, asked for its help, must answer from the repository root as the user typed it.
  const help = spawnSync('sh', ['-c', `${suggested} --help`], { cwd: repoRoot, encoding: 'utf8' });
  assert.equal(help.status, 0, `${suggested} --help: ${help.stderr}`);
  assert.match(help.stdout, /^usage: eddy sql/m);
});
