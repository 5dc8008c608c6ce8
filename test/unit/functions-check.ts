/**
 * Shared by the function tests: a row is the SQL that was run on a real PostgreSQL 15 server, the
 * same computation in Eddy, and the server's answer (its text output, or `ERROR <code>: <message>`).
 */
import assert from 'node:assert/strict';
import { EddyError } from '../../src/common/errors.ts';
import type { SqlType } from '../../src/common/types.ts';
import type { Value } from '../../src/common/value.ts';
import { formatText } from '../../src/functions/text-io.ts';

export type Row = [sql: string, run: () => string, expected: string];

/** A value as PostgreSQL prints it, NULL as `NULL`. */
export function out(v: Value, type: SqlType): string {
  return v === null ? 'NULL' : formatText(v, type);
}

export function check(rows: Row[]): void {
  for (const [sql, run, expected] of rows) {
    let actual: string;
    try {
      actual = run();
    } catch (e) {
      if (!(e instanceof EddyError)) throw e;
      actual = `ERROR ${e.code}: ${e.message}`;
    }
    assert.equal(actual, expected, sql);
  }
}
