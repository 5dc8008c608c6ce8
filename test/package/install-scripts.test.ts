/**
 * @module test/package/install-scripts
 * A first `npm install` is quiet about install scripts: every dependency the lockfile marks as
 * having one (`hasInstallScript`) is reviewed in package.json's `allowScripts` (npm 11.16+ warns
 * about the others; npm 12 skips them). Eddy denies lmdb's and msgpackr-extract's: both only
 * compile from source when no prebuilt binary matches the platform, and the prebuilt ones come as
 * optional dependencies, which this test holds are installed here (docs/dependencies.md).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { test } from 'node:test';

const readJson = (file: string) =>
  JSON.parse(readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8'));

test('every dependency with an install script is reviewed in allowScripts', () => {
  const lock = readJson('package-lock.json') as { packages: Record<string, { hasInstallScript?: boolean }> };
  const allow = (readJson('package.json') as { allowScripts?: Record<string, boolean> }).allowScripts ?? {};
  const withScripts = Object.entries(lock.packages)
    .filter(([, entry]) => entry.hasInstallScript === true)
    .map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length));
  assert.ok(withScripts.length > 0, 'the lockfile marks the packages that have install scripts');
  const unreviewed = withScripts.filter((name) => typeof allow[name] !== 'boolean');
  assert.deepEqual(unreviewed, [], 'packages with install scripts not covered by allowScripts');
});

test('the denied install scripts are not needed: the prebuilt binaries are installed', () => {
  const require = createRequire(new URL('../../package.json', import.meta.url));
  const platform = `${process.platform}-${process.arch}`;
  for (const name of [`@lmdb/lmdb-${platform}`, `@msgpackr-extract/msgpackr-extract-${platform}`]) {
    assert.doesNotThrow(() => require.resolve(`${name}/package.json`), `${name} is installed`);
  }
});
