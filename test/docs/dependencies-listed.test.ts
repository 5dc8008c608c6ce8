/**
 * @module test/docs/dependencies-listed
 * docs/dependencies.md explains every runtime and development dependency of package.json.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

test('docs/dependencies.md names every dependency of package.json', () => {
  const read = (path: string): string => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
  const pkg = JSON.parse(read('package.json')) as Record<string, Record<string, string> | undefined>;
  const doc = read('docs/dependencies.md');
  const names = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.devDependencies ?? {})];
  assert.deepEqual(
    names.filter((name) => !doc.includes(`\`${name}\``)),
    [],
  );
});
