/**
 * @module test/package/lazy-dependencies
 * An in-memory database loads only what it uses: lmdb (a native addon, for a data directory),
 * re2js (for regular expressions V8 cannot run safely), QuickJS (for JavaScript functions), the Kafka client and the servers' ws and
 * pg-gateway stay unloaded until something needs them. Each case runs in a fresh Node.js process
 * that records, through a module resolution hook, which packages it loaded.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';

const index = new URL('../../src/index.ts', import.meta.url).href;
const scratch = mkdtempSync(join(tmpdir(), 'eddy-lazy-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** The packages (first path part under node_modules, with its scope) loaded by running `body`. */
function packagesLoadedBy(body: string): Set<string> {
  const script = `
    import { registerHooks } from 'node:module';
    const seen = new Set();
    registerHooks({
      resolve(specifier, context, next) {
        const r = next(specifier, context);
        const at = r.url.lastIndexOf('/node_modules/');
        if (at >= 0) {
          const parts = r.url.slice(at + 14).split('/');
          seen.add(parts[0].startsWith('@') ? parts[0] + '/' + parts[1] : parts[0]);
        }
        return r;
      },
    });
    const { Eddy } = await import(${JSON.stringify(index)});
    ${body}
    console.log(JSON.stringify([...seen]));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  return new Set(JSON.parse(out.trim().split('\n').at(-1)!) as string[]);
}

const work = `
  await db.execute("CREATE TABLE t (id int PRIMARY KEY, s text); CREATE MATERIALIZED VIEW v AS SELECT s, count(*) FROM t GROUP BY s");
  await db.insert('t', [[1, 'a'], [2, 'b']]);
  await db.query("SELECT * FROM v WHERE s ~ '^a'");
  await db.close();`;

const quickjs = ['quickjs-emscripten-core', '@jitl/quickjs-wasmfile-release-sync'];

test('an in-memory database loads neither lmdb, re2js, QuickJS, the Kafka client nor the servers', () => {
  const loaded = packagesLoadedBy(`const db = await Eddy.open();${work}`);
  assert.ok(loaded.has('libpg-query'), `the parser is loaded (${[...loaded].join(', ')})`);
  for (const name of ['lmdb', 're2js', ...quickjs, '@platformatic/kafka', 'ws', 'pg-gateway']) {
    assert.ok(!loaded.has(name), `${name} is not loaded (${[...loaded].join(', ')})`);
  }
});

test('a data directory loads lmdb, and a pattern V8 cannot run safely loads re2js', () => {
  const dir = JSON.stringify(join(scratch, 'db'));
  const loaded = packagesLoadedBy(
    `const db = await Eddy.open({ dir: ${dir} });
     await db.query("SELECT repeat('a', 30) || '!' ~ '(a+)+$'");${work}`,
  );
  assert.ok(loaded.has('lmdb') && loaded.has('re2js'), [...loaded].join(', '));
});

test('CREATE FUNCTION … LANGUAGE javascript loads QuickJS', () => {
  const loaded = packagesLoadedBy(
    `const db = await Eddy.open();
     await db.execute("CREATE FUNCTION twice(x int) RETURNS int LANGUAGE javascript AS $$ return 2 * x $$");
     const r = await db.query('SELECT twice(21)');
     if (r.rows[0][0] !== 42) throw new Error('twice(21) = ' + r.rows[0][0]);
     await db.close();`,
  );
  for (const name of quickjs) assert.ok(loaded.has(name), `${name} is loaded (${[...loaded].join(', ')})`);
});
