/**
 * @module test/unit/numeric-check
 * Shared by the `Numeric` tests: a case is [operation, ...arguments, PostgreSQL 15.18's text result]
 * (errors as `ERROR <sqlstate> <message>[ | <detail>]`); grids expand to cases, runners check them.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { EddyError } from '../../src/common/errors.ts';
import { Numeric } from '../../src/common/numeric.ts';

export type PgCase = readonly string[];
/** A result too long for a table: [operation, ...arguments, length, first 30 chars, last 30 chars]. */
export type PgLongCase = readonly (string | number)[];
/** Eddy's answer to one operation, as the text PostgreSQL would print. */
export type Evaluate = (op: string, args: readonly string[]) => string;

export const p = (text: string): Numeric => Numeric.parse(text);

/** The answer, or the typed error in the form the case tables record. */
export function run(evaluate: Evaluate, op: string, args: readonly string[]): string {
  try {
    return evaluate(op, args);
  } catch (e) {
    if (!(e instanceof EddyError)) throw e;
    return `ERROR ${e.code} ${e.message}${e.detail ? ` | ${e.detail}` : ''}`;
  }
}

/**
 * Cases from a grid whose rows are `arity` arguments then one result per operation of `ops`, in order;
 * `null` where PostgreSQL's answer was not recorded.
 */
export function grid(
  ops: readonly string[],
  arity: number,
  rows: readonly (readonly (string | null)[])[],
): PgCase[] {
  const cases: PgCase[] = [];
  for (const row of rows) {
    assert.equal(row.length, arity + ops.length, `grid row ${row.join(', ')}`);
    const args = row.slice(0, arity) as string[];
    ops.forEach((op, i) => {
      const expected = row[arity + i];
      if (expected !== null) cases.push([op, ...args, expected]);
    });
  }
  return cases;
}

/** One test per operation, in order of first appearance; each lists every case Eddy answers differently. */
export function itPerOperation(cases: readonly PgCase[], evaluate: Evaluate): void {
  for (const op of new Set(cases.map((c) => c[0]))) {
    it(op, () => {
      const wrong = cases
        .filter((c) => c[0] === op)
        .map((c) => ({
          args: c.slice(1, -1),
          expected: c[c.length - 1],
          actual: run(evaluate, op, c.slice(1, -1)),
        }))
        .filter((r) => r.actual !== r.expected);
      assert.deepEqual(wrong, []);
    });
  }
}

export function itLongResults(cases: readonly PgLongCase[], evaluate: Evaluate): void {
  it('long results', () => {
    for (const row of cases) {
      const [length, head, tail] = row.slice(-3) as [number, string, string];
      const op = String(row[0]);
      const args = row.slice(1, -3).map(String);
      const actual = run(evaluate, op, args);
      const label = `${op}(${args.join(', ')})`;
      assert.equal(actual.length, length, label);
      assert.equal(actual.slice(0, 30), head, label);
      assert.equal(actual.slice(-30), tail, label);
    }
  });
}
