/**
 * @module test/package/old-node
 * On a Node.js older than 22, scripts/node.sh (which runs the build and the CLI) says what to do,
 * in the two places it can run: a clone (run `npm install`, which fetches the pinned Node.js) and
 * npm's build of eddydb as an app's git dependency, inside npm's cache, where nothing is fetched
 * and the app's own Node.js must be newer. Needs an old Node.js at /usr/bin/node (the development
 * and CI machines carry Node.js 20); skipped elsewhere.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const oldNode = '/usr/bin/node';
const oldMajor = existsSync(oldNode)
  ? Number(execFileSync(oldNode, ['-p', 'process.versions.node.split(".")[0]'], { encoding: 'utf8' }))
  : 0;
const skip = oldMajor > 0 && oldMajor < 22 ? false : `needs a Node.js older than 22 at ${oldNode}`;

const script = fileURLToPath(new URL('../../scripts/node.sh', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'eddy-old-node-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** scripts/node.sh copied into `root` (no .tools there), run with only the old Node.js on PATH. */
function runIn(root: string, cache: string): string {
  mkdirSync(join(root, 'scripts'), { recursive: true });
  copyFileSync(script, join(root, 'scripts/node.sh'));
  const env = { PATH: `/usr/bin:/bin`, npm_config_cache: cache };
  const r = spawnSync('sh', [join(root, 'scripts/node.sh'), '--version'], { env, encoding: 'utf8' });
  assert.equal(r.status, 1);
  return r.stderr;
}

test('a clone on an old Node.js is told to run npm install', { skip }, () => {
  const stderr = runIn(join(scratch, 'clone'), join(scratch, 'npm-cache'));
  assert.match(stderr, /^eddy needs Node\.js 22 or newer \(found v\d+\.[\d.]+\); run 'npm install'/);
});

test("an app's git install on an old Node.js is told its own Node.js is too old", { skip }, () => {
  const cache = join(scratch, 'npm-cache');
  const stderr = runIn(join(cache, '_cacache/tmp/git-cloneX'), cache);
  assert.match(stderr, /^eddydb needs Node\.js 22 or newer to build and run \(found v\d+/);
  assert.doesNotMatch(stderr, /npm install/);
});
