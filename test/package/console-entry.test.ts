/**
 * @module test/package/console-entry
 * The console is a separate entry point: a program that uses Eddy as a library loads no server
 * or console code and none of the console's packages; `eddydb/console` is exported for a program
 * that serves the console itself.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Every module a fresh Node.js loads for a script that opens a database and runs a query. */
function modulesLoadedByLibraryUse(): string[] {
  const script = `
    import { registerHooks } from 'node:module';
    const seen = new Set();
    registerHooks({ resolve(specifier, context, next) { const r = next(specifier, context); seen.add(r.url); return r; } });
    const { Eddy } = await import(${JSON.stringify(pathToFileURL(`${repoRoot}src/index.ts`).href)});
    const db = await Eddy.open();
    await db.execute('CREATE TABLE t (a int); CREATE MATERIALIZED VIEW v AS SELECT count(*) FROM t');
    await db.close();
    console.log(JSON.stringify([...seen]));
  `;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  const root = pathToFileURL(repoRoot).href;
  return (JSON.parse(out) as string[]).filter((u) => u.startsWith(root)).map((u) => u.slice(root.length));
}

test('library use loads neither the server, the console nor their packages', () => {
  const loaded = modulesLoadedByLibraryUse();
  assert.ok(loaded.includes('src/eddy.ts'), 'the check sees the library itself');
  const foreign = loaded.filter(
    (path) =>
      path.startsWith('src/server/') ||
      path.startsWith('src/cli/') ||
      /^node_modules\/(preact|vite|playwright-core|axe-core|ws)\//.test(path),
  );
  assert.deepEqual(foreign, []);
});

test('package.json exports the console as its own entry point', () => {
  const pkg = JSON.parse(readFileSync(`${repoRoot}package.json`, 'utf8')) as {
    exports: Record<string, { default: string }>;
  };
  assert.equal(pkg.exports['./console']?.default, './dist/server/http/console-assets.js');
});
