/**
 * @module test/package/install-from-clone
 * A user's first hour, end to end: clone the repository (its committed HEAD), install the clone
 * into a separate app by git URL and into another by its path, as `npm install` does (its
 * `prepare` builds dist/), run the README's library example there, type-check a TypeScript file
 * against the installed declarations, and run the installed `eddy` command. The example's output
 * must equal the same example run against src/. Needs npm and the npm registry (or its cache);
 * about 30–90 s, so it runs once, in CI always.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
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

/** `npm` in `cwd`, failing on a non-zero exit; returns its stderr (its warnings). */
function npmWarnings(args: readonly string[], cwd: string): string {
  const r = spawnSync('npm', args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  assert.equal(r.status, 0, `npm ${args.join(' ')} failed:\n${r.stderr}`);
  return r.stderr;
}

/**
 * The `allowScripts` the README tells an app to declare (its ```json block under the library
 * section), with its git URL key (`git+https://<host>/…`) naming `gitUrl`, where this app installs from.
 */
function readmeAllowScripts(gitUrl: string): Record<string, boolean> {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const match = /## Use it as a library\n[\s\S]*?```json\n([\s\S]*?)```/.exec(readme);
  assert.ok(match, 'README.md shows the allowScripts an app declares');
  const entries = Object.entries(
    (JSON.parse(`{${match[1]!}}`) as { allowScripts: Record<string, boolean> }).allowScripts,
  );
  assert.ok(
    entries.some(([key]) => key.startsWith('git+')),
    'the README keys eddydb by its git URL',
  );
  return Object.fromEntries(entries.map(([key, allow]) => [key.startsWith('git+') ? gitUrl : key, allow]));
}

/** The first ```ts block under "## Use it as a library" in the README. */
function readmeLibraryExample(): string {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const match = /## Use it as a library\n[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme);
  assert.ok(match, 'README.md has a library example');
  return match[1]!;
}

/** Typed rows as the README shows them; the expect-error line makes the check able to fail. */
const typedExample = `import { Eddy, Numeric, RowInputError } from 'eddydb';
const db = await Eddy.open();
const { rows } = await db.query<[number, string]>('SELECT 1 AS id, $1::text AS name', ['ada']);
const id: number = rows[0]![0];
const name: string = rows[0]![1];
// @ts-expect-error: the second column is typed as a string
const wrong: number = rows[0]![1];
const price: Numeric = Numeric.parse('12.34');
try {
  await db.insert('t', [{ id: 1 }], { onConflict: 'update' });
} catch (e) {
  if (e instanceof RowInputError) console.log(e.table, e.row, e.column, e.code);
}
console.log(id, name, wrong, price.toString());
await db.close();
`;

const appCompilerOptions = {
  target: 'es2022',
  module: 'nodenext',
  strict: true,
  noEmit: true,
  skipLibCheck: false,
  types: [],
};

test('apps install the repository by git URL and by path, and run the README library example', {
  timeout: 240_000,
}, () => {
  const clone = join(scratch, 'eddy');
  run('git', ['clone', '--quiet', repoRoot, clone], scratch);

  const app = join(scratch, 'app');
  mkdirSync(app);
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({
      name: 'app',
      private: true,
      type: 'module',
      allowScripts: readmeAllowScripts(`git+file://${clone}`),
    }),
  );
  // With the README's allowScripts, npm (11.16+) has no install script left to warn about.
  const warnings = npmWarnings(['install', '--no-audit', '--no-fund', `git+file://${clone}`], app);
  assert.doesNotMatch(warnings, /install-scripts/, warnings);

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

  // A TypeScript app gets typed rows from query<T>(), checked strictly against the installed
  // declarations (their own imports included) and without Node.js's types, which an app may lack.
  writeFileSync(join(app, 'typed.ts'), typedExample);
  writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({ compilerOptions: appCompilerOptions }));
  run(join(repoRoot, 'node_modules/.bin/tsc'), ['-p', app], app);

  // The README's other way: a clone installed by its path, where `npm install` never ran in the
  // clone itself (npm links the folder and runs its `prepare` there).
  const pathApp = join(scratch, 'path-app');
  mkdirSync(pathApp);
  writeFileSync(
    join(pathApp, 'package.json'),
    JSON.stringify({ name: 'path-app', private: true, type: 'module' }),
  );
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', clone], pathApp);
  writeFileSync(join(pathApp, 'example.mjs'), example);
  assert.equal(run(process.execPath, ['example.mjs'], pathApp), expected);

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
