/**
 * @module test/cli/shell-input
 * The `eddy sql` input scanner: statements end at `;` outside quotes and comments, a backslash
 * outside them starts a meta-command, and quotes, dollar quotes and block comments carry over lines.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initialScanState, type ScannedLine, type ScanState, scanLine } from '../../src/cli/shell-input.ts';

/** Scans lines one after another, as the shell does. */
function scanAll(lines: string[]): { statements: string[]; metas: string[]; pending: string } {
  let pending = '';
  let state: ScanState = initialScanState;
  const statements: string[] = [];
  const metas: string[] = [];
  for (const line of lines) {
    const scanned: ScannedLine = scanLine(pending, line, state);
    statements.push(...scanned.complete);
    if (scanned.meta !== null) metas.push(scanned.meta);
    pending = scanned.pending;
    state = scanned.state;
  }
  return { statements, metas, pending };
}

test('SQL then a meta-command on one line: the statement runs, then the command', () => {
  assert.deepEqual(scanAll(['SELECT 1; \\d']), { statements: ['SELECT 1;'], metas: ['\\d'], pending: '' });
  assert.deepEqual(scanAll(['SELECT 1; SELECT 2; \\d t']), {
    statements: ['SELECT 1;', ' SELECT 2;'],
    metas: ['\\d t'],
    pending: '',
  });
});

test('an unfinished statement stays pending across a meta-command and lines', () => {
  const scanned = scanAll(['SELECT', '  1 \\d', '+ 1;']);
  assert.deepEqual(scanned.metas, ['\\d']);
  assert.deepEqual(scanned.statements, ['SELECT\n  1 + 1;']);
});

test('; and \\ inside strings, quoted names, dollar quotes and comments are text', () => {
  assert.deepEqual(scanAll(['SELECT \'a;\\d\', "x;\\" FROM t;']).statements, [
    'SELECT \'a;\\d\', "x;\\" FROM t;',
  ]);
  assert.deepEqual(scanAll(["SELECT E'it\\'s; \\d';"]).statements, ["SELECT E'it\\'s; \\d';"]);
  assert.deepEqual(scanAll(["SELECT 'it''s;';"]).statements, ["SELECT 'it''s;';"]);
  const body = scanAll([
    'CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $fn$',
    '  SELECT 1; -- \\d',
    '$fn$;',
  ]);
  assert.deepEqual(body.metas, []);
  assert.deepEqual(body.statements, [
    'CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $fn$\n  SELECT 1; -- \\d\n$fn$;',
  ]);
  const comment = scanAll([
    'SELECT /* a; \\d',
    ' still /* nested */ comment; */ 1;',
    'SELECT 2; -- done; \\q',
  ]);
  assert.deepEqual(comment.metas, []);
  assert.equal(comment.statements.length, 2);
  assert.match(comment.statements[0]!, /comment; \*\/ 1;$/);
});

test('a string spanning lines keeps its newline; $1 is a parameter, not a dollar quote', () => {
  assert.deepEqual(scanAll(["SELECT 'a", "b';"]).statements, ["SELECT 'a\nb';"]);
  assert.deepEqual(scanAll(['SELECT $1; \\d']).statements, ['SELECT $1;']);
  assert.deepEqual(scanAll(['SELECT x$y$ FROM t; \\q']), {
    statements: ['SELECT x$y$ FROM t;'],
    metas: ['\\q'],
    pending: '',
  });
});
