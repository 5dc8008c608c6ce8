/**
 * @module test/package/install-from-clone
 * A user's first hour, end to end: clone the repository (its committed HEAD), install the clone
 * into a separate app by git URL as `npm install` does (its `prepare` builds dist/), run the
 * README's library example there, and run the installed `eddy` command. The example's output
 * must equal the same example run against src/. Needs npm and the npm registry (or its cache);
 * about 30–60 s, so it runs once, in CI always.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'eddy-package-test-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** The pinned Node.js first on PATH, so `npm` scripts and the `eddy` bin's `node` are it. */
const env = {
  ...process.env,
  PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH}`,
  // Packages already in npm's cache are not looked up again (the registry is still used for others).
  npm_config_prefer_offline: 'true',
};

function run(command: string, args: readonly string[], cwd: string): string {
  return execFileSync(command, args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** The first ```ts block under "## Use it as a library" in the README. */
function readmeLibraryExample(): string {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const match = /## Use it as a library\n[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme);
  assert.ok(match, 'README.md has a library example');
  return match[1]!;
}

test('an app installs the repository by git URL and runs the README library example', {
  timeout: 240_000,
}, () => {
  const clone = join(scratch, 'eddy');
  run('git', ['clone', '--quiet', repoRoot, clone], scratch);

  const app = join(scratch, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', `git+file://${clone}`], app);

  const example = readmeLibraryExample();
  writeFileSync(join(app, 'example.mjs'), example);
  const installed = run(process.execPath, ['example.mjs'], app);

  // The same example against the sources is the oracle for the installed package's output.
  const fromSource = example.replace(
    "from 'eddydb'",
    `from '${pathToFileURL(join(repoRoot, 'src/index.ts'))}'`,
  );
  writeFileSync(join(scratch, 'example-source.ts'), fromSource);
  const expected = run(process.execPath, [join(scratch, 'example-source.ts')], scratch);
  assert.match(expected, /insert/);
  assert.equal(installed, expected);

  // The licence package.json names ships with it.
  assert.match(
    readFileSync(join(app, 'node_modules/eddydb/LICENSE'), 'utf8'),
    /^\s*Apache License\s+Version 2\.0/,
  );

  // The installed command, as `npx eddy` finds it.
  writeFileSync(join(app, 'one.sql'), 'SELECT 1 AS one;\n');
  const output = run(join(app, 'node_modules/.bin/eddy'), ['run', 'one.sql'], app);
  assert.equal(output, ' one\n-----\n   1\n(1 row)\n');
});
