/**
 * @module test/cli/cli-sql
 * `eddy run` and `eddy sql`, in-process and against a server (`--url`): the same output both
 * ways, errors with psql's `LINE n:` and caret, piped input over `--url`, `\d` listing
 * materialized views, and the CLI's peak memory for a small script.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { formatSqlError } from '../../src/cli/error-report.ts';
import { type EddyServer, serve } from '../../src/server/server.ts';
import { eddy, scratchFile, sqlFile } from './cli-support.ts';

let server: EddyServer;
let url: string;

before(async () => {
  server = await serve({ pgPort: 0, httpPort: 0 });
  url = `http://127.0.0.1:${server.http.address().port}`;
});
after(() => server.close());

describe('eddy run', () => {
  test('an error shows its line in the file and a caret, in-process and with --url alike', async () => {
    const script = sqlFile('SELECT 1;\n-- a comment\nSELECT 2,\n  no_such_column;\n');
    const expected = [
      'ERROR:  column "no_such_column" does not exist',
      'LINE 4:   no_such_column;',
      '          ^',
      'SQLSTATE: 42703',
      '',
    ].join('\n');
    const local = await eddy(['run', script]);
    assert.equal(local.code, 1);
    assert.equal(local.stderr, expected);
    assert.match(local.stdout, /^ \?column\?\n-+\n +1\n\(1 row\)\n$/);
    const remote = await eddy(['run', script, '--url', url]);
    assert.equal(remote.code, 1);
    assert.equal(remote.stderr, expected);
  });

  test('a syntax error is placed the same way', async () => {
    const script = sqlFile('SELECT 1;\nSELEC 2;\n');
    const expected =
      'ERROR:  syntax error at or near "SELEC"\nLINE 2: SELEC 2;\n        ^\nSQLSTATE: 42601\n';
    assert.equal((await eddy(['run', script])).stderr, expected);
    assert.equal((await eddy(['run', script, '--url', url])).stderr, expected);
  });

  test('a small script stays near the library footprint (no optimizing WebAssembly tier)', async () => {
    // The child reports its V8 flags and, once its work is done and a background compilation
    // would have had a second to run, its peak resident memory (kB on Linux).
    const preload = scratchFile(
      'report-maxrss.mjs',
      `process.once('beforeExit', () => setTimeout(() => process.stderr.write(
        \`flags \${process.execArgv.join(' ')}\\nmaxrss \${process.resourceUsage().maxRSS}\\n\`), 1000));`,
    );
    const statements = Array.from({ length: 5 }, (_, i) => `SELECT ${i} + 1 AS n, 'x' || ${i};`).join('\n');
    const { code, stderr } = await eddy(['run', sqlFile(statements)], '', {
      NODE_OPTIONS: `--import=${preload}`,
    });
    assert.equal(code, 0, stderr);
    assert.match(stderr, /^flags .*--liftoff-only/m);
    const peakMb = Number(/maxrss (\d+)/.exec(stderr)?.[1]) / 1024;
    assert.ok(peakMb > 0 && peakMb < 300, `peak ${peakMb.toFixed(0)} MB`);
  });
});

describe('eddy sql with piped input', () => {
  const script = [
    'CREATE TABLE t (a integer NOT NULL, b text, at timestamptz DEFAULT now());',
    'CREATE MATERIALIZED VIEW m AS SELECT count(*) AS n FROM t;',
    "INSERT INTO t VALUES (1, 'x');",
    'SELECT * FROM m;',
    '\\d',
    '\\d t',
    'SELECT',
    '  nope FROM t;',
    '',
  ].join('\n');

  test('over --url: every statement, \\d with the materialized view and defaults, errors with LINE n:', async () => {
    const remote = await eddy(['sql', '--url', url], script);
    assert.equal(remote.code, 0, remote.stderr);
    assert.match(remote.stdout, /^ m +\| materialized view$/m);
    assert.match(remote.stdout, /^ t +\| table$/m);
    assert.match(remote.stdout, /^ a +\| integer +\| not null +\|$/m);
    // A volatile default is shown as written (it is evaluated per row), as psql's \d shows it.
    assert.match(remote.stdout, /^ at +\| timestamp with time zone +\| +\| now\(\)$/m);
    assert.equal(
      remote.stderr,
      'ERROR:  column "nope" does not exist\nLINE 2:   nope FROM t;\n          ^\nSQLSTATE: 42703\n',
    );
    const local = await eddy(['sql'], script);
    assert.equal(local.code, 0, local.stderr);
    assert.equal(local.stdout, remote.stdout);
    assert.equal(local.stderr, remote.stderr);
  });
});

describe('eddy sql input', () => {
  test('SQL and a meta-command on one line, as psql reads them', async () => {
    const { code, stdout, stderr } = await eddy(
      ['sql'],
      "CREATE TABLE q (a int); SELECT 42 AS answer, ';\\d' AS s; \\d\n\\q\nSELECT 'not run';\n",
    );
    assert.equal(code, 0, stderr);
    assert.equal(stderr, '');
    assert.match(stdout, /^ +42 \| ;\\d$/m);
    assert.match(stdout, /^ q +\| table$/m);
    assert.doesNotMatch(stdout, /not run/);
  });
});

describe('formatSqlError', () => {
  test('a long line is cut around the error, with the caret kept under it', () => {
    const source = `SELECT ${Array.from({ length: 30 }, (_, i) => `c${i}`).join(', ')}, oops FROM t`;
    const position = source.indexOf('oops') + 1;
    const [, line, caret] = formatSqlError({ code: '42703', message: 'm', position }, source).split('\n');
    assert.ok(line!.startsWith('LINE 1: ...'), line);
    assert.equal(line!.slice(caret!.length - 1, caret!.length + 3), 'oops');
  });

  test('without a position, no LINE; DETAIL and HINT follow', () => {
    assert.equal(
      formatSqlError({ code: '22012', message: 'division by zero', hint: 'h', detail: 'd' }, 'SELECT 1/0'),
      'ERROR:  division by zero\nDETAIL:  d\nHINT:  h\nSQLSTATE: 22012',
    );
  });
});
