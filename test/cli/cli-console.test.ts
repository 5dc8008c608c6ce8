/**
 * @module test/cli/cli-console
 * `eddy console --url URL`: checks the server answers, prints the console's address and opens it
 * with $BROWSER (here a script that writes down what it was given); an unreachable server is
 * one line on stderr and exit code 1.
 */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from '../server/http-support.ts';
import { eddy, scratchFile } from './cli-support.ts';

let t: TestServer;
before(async () => {
  t = await startTestServer();
});
after(() => t.close());

test('opens the console with $BROWSER and prints its address', async () => {
  const opened = scratchFile('opened.txt', '');
  const browser = scratchFile('browser.sh', `#!/bin/sh\nprintf '%s' "$1" > '${opened}'\n`);
  chmodSync(browser, 0o755);
  const { code, stdout, stderr } = await eddy(['console', '--url', t.base], '', { BROWSER: browser });
  assert.equal(code, 0, stderr);
  assert.equal(stdout, `eddy: the console is at ${t.base}/\n`);
  for (let i = 0; i < 50 && readFileSync(opened, 'utf8') === ''; i++)
    await new Promise((r) => setTimeout(r, 50));
  assert.equal(readFileSync(opened, 'utf8'), `${t.base}/`);
});

test('--print only prints; a browser that cannot start is said, not fatal', async () => {
  const printed = await eddy(['console', '--url', t.base, '--print'], '', {
    BROWSER: '/nonexistent/browser',
  });
  assert.equal(printed.code, 0);
  assert.equal(printed.stdout, `eddy: the console is at ${t.base}/\n`);
  const missing = await eddy(['console', '--url', t.base], '', { BROWSER: '/nonexistent/browser' });
  assert.equal(missing.code, 0);
  assert.match(missing.stdout, /no browser could be started; open the address above yourself/);
  assert.ok(!existsSync('/nonexistent/browser'));
});

test('an unreachable server is one line and exit code 1', async () => {
  const { code, stderr } = await eddy(['console', '--url', 'http://127.0.0.1:1', '--print']);
  assert.equal(code, 1);
  assert.match(stderr.trimEnd(), /^eddy console: cannot reach http:\/\/127.0.0.1:1: [^\n]+$/);
});
