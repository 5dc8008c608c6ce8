/**
 * @module test/cli/cli-usage
 * `eddy --help`, each command's `--help`, and ordinary mistakes (a bad flag value, an unknown
 * flag, a missing file, a port in use, an unreachable server): one clear line on stderr, a
 * non-zero exit code, never a stack trace.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, test } from 'node:test';
import {
  consoleCommand,
  demoCommand,
  runCommand,
  serveCommand,
  sqlCommand,
  statusCommand,
} from '../../src/cli/commands.ts';
import { eddy } from './cli-support.ts';

const specs = [serveCommand, runCommand, sqlCommand, statusCommand, consoleCommand, demoCommand];

/** Exactly one line, naming the command, and no stack frame. */
function assertOneLine(stderr: string, pattern: RegExp): void {
  assert.equal(stderr.trimEnd().split('\n').length, 1, stderr);
  assert.match(stderr.trimEnd(), pattern);
  assert.doesNotMatch(stderr, /\n\s+at /);
}

describe('eddy --help', () => {
  test('names every command and every flag', async () => {
    const { code, stdout } = await eddy(['--help']);
    assert.equal(code, 0);
    for (const spec of specs) {
      assert.match(stdout, new RegExp(`^  ${spec.name} `, 'm'));
      for (const flag of Object.keys(spec.options)) assert.ok(stdout.includes(`--${flag}`), `--${flag}`);
    }
  });

  for (const spec of specs) {
    test(`eddy ${spec.name} --help lists its flags`, async () => {
      const { code, stdout, stderr } = await eddy([spec.name, '--help']);
      assert.equal(code, 0, stderr);
      assert.match(stdout, new RegExp(`^usage: eddy ${spec.name}`));
      for (const flag of Object.keys(spec.options)) assert.match(stdout, new RegExp(`^  --${flag}\\b`, 'm'));
    });
  }
});

describe('ordinary mistakes', () => {
  test('a port that is not a number', async () => {
    const { code, stderr } = await eddy(['serve', '--pg-port', 'abc']);
    assert.equal(code, 2);
    assertOneLine(stderr, /^eddy serve: --pg-port wants a port number from 0 to 65535, got "abc"/);
  });

  test('a user without a password names where it came from: --user or EDDY_USERS', async () => {
    const flag = await eddy(['serve', '--user', 'alice:', '--pg-port', '0', '--http-port', '0']);
    assert.equal(flag.code, 2);
    assertOneLine(
      flag.stderr,
      /^eddy serve: --user wants NAME:PASSWORD with a non-empty password, got "alice:…"/,
    );
    const env = await eddy(['serve', '--pg-port', '0', '--http-port', '0'], '', { EDDY_USERS: 'bob' });
    assert.equal(env.code, 2);
    assertOneLine(
      env.stderr,
      /^eddy serve: EDDY_USERS wants NAME:PASSWORD with a non-empty password, got "bob"/,
    );
  });

  test('an unknown flag, a flag without its value, an unknown command', async () => {
    const unknown = await eddy(['run', 'x.sql', '--frobnicate']);
    assert.equal(unknown.code, 2);
    assertOneLine(unknown.stderr, /^eddy run: unknown option "--frobnicate"/);
    const missing = await eddy(['serve', '--http-port']);
    assert.equal(missing.code, 2);
    assertOneLine(missing.stderr, /^eddy serve: --http-port needs a value/);
    const command = await eddy(['frob']);
    assert.equal(command.code, 2);
    assertOneLine(command.stderr, /^eddy: unknown command "frob"/);
  });

  test('a missing file', async () => {
    const { code, stderr } = await eddy(['run', '/nonexistent/script.sql']);
    assert.equal(code, 1);
    assertOneLine(stderr, /^eddy run: cannot read "\/nonexistent\/script.sql": no such file or directory$/);
    const folder = await eddy(['run', '/']);
    assert.equal(folder.code, 1);
    assertOneLine(folder.stderr, /^eddy run: cannot read "\/": is a directory$/);
  });

  test('a port in use', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      const { code, stderr } = await eddy(['serve', '--pg-port', String(port), '--http-port', '0']);
      assert.equal(code, 1);
      assertOneLine(
        stderr,
        new RegExp(`^eddy serve: cannot listen on 127.0.0.1:${port}: address already in use$`),
      );
    } finally {
      taken.close();
    }
  });

  test('a setting the server refuses, with its hint', async () => {
    const { code, stderr } = await eddy([
      'serve',
      '--host',
      '192.0.2.1',
      '--pg-port',
      '0',
      '--http-port',
      '0',
    ]);
    assert.equal(code, 1);
    assertOneLine(stderr, /^eddy serve: .+ \(hint: .+\)$/);
  });

  test('a server that does not answer', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise((resolve) => closed.close(resolve));
    const { code, stderr } = await eddy(['status', '--url', `http://127.0.0.1:${port}`]);
    assert.equal(code, 1);
    assertOneLine(stderr, /^eddy status: cannot reach http:\/\/127.0.0.1:\d+: .*ECONNREFUSED/);
  });
});
