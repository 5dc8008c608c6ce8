/**
 * @module test/unit/optimize-errors
 * A rewrite pass meeting a plan shape it was not written for raises 0A000 naming the pass, never
 * a JavaScript TypeError (which would reach the user as an internal error).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EddyError, SqlState } from '../../src/common/errors.ts';
import { T } from '../../src/common/types.ts';
import type { LogicalPlan, Schema } from '../../src/plan/logical.ts';
import { optimize, optimizeStages } from '../../src/plan/optimize/optimize.ts';

const schema: Schema = [{ name: 'x', type: T.int4, nullable: true }];
const t: LogicalPlan = { kind: 'get', relationId: 1, name: 't', schema };

/** A correlated subquery reading outer column 5 of a one-column row: a shape no binder makes. */
const malformed: LogicalPlan = {
  kind: 'map',
  input: t,
  exprs: [
    {
      kind: 'subquery',
      subquery: 'scalar',
      type: T.int4,
      plan: {
        kind: 'map',
        input: t,
        exprs: [{ kind: 'outerRef', depth: 1, index: 5, type: T.int4 }],
        schema,
      },
    },
  ],
  schema,
};

for (const [name, run] of [
  ['optimize', () => optimize(malformed)],
  ['optimizeStages', () => optimizeStages(malformed)],
] as const) {
  test(`${name}: a pass failing on an unexpected shape raises 0A000 naming it`, () => {
    assert.throws(run, (e: unknown) => {
      assert.ok(e instanceof EddyError, `an EddyError, not ${String(e)}`);
      assert.equal(e.code, SqlState.featureNotSupported);
      assert.match(e.message, /decorrelate/);
      return true;
    });
  });
}
