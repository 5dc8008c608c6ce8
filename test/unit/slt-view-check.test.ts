/**
 * @module test/unit/slt-view-check.test
 * The incremental runner's step comparison: a view must equal its query run ad hoc, and while the
 * query fails, reading the view must fail with the same SQLSTATE (not be skipped).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { T } from '../../src/common/types.ts';
import type { SltEngine, SltResult } from '../slt/runner/engine.ts';
import type { Checkpoint, Group } from '../slt/runner/feed-plan.ts';
import { parseSlt, type QueryRecord } from '../slt/runner/parser.ts';
import { stepCheck, viewFor } from '../slt/runner/view-check.ts';

type Answer = SltResult | { code: string; message: string };

/** An engine that answers the query and the view read from a table of canned answers. */
function cannedEngine(answers: { query: Answer; view: Answer }): SltEngine {
  const answer = (a: Answer): Promise<SltResult> =>
    'rows' in a ? Promise.resolve(a) : Promise.reject(Object.assign(new Error(a.message), { code: a.code }));
  return {
    execute: () => Promise.resolve(),
    query: (sql) => answer(sql.startsWith('SELECT * FROM slt_view_') ? answers.view : answers.query),
    viewDdl: () => '',
    close: () => Promise.resolve(),
  };
}

const [record] = parseSlt('query I nosort\nSELECT 1 / count(*) FROM t\n----\n1\n') as [QueryRecord];
const checkpoint = { query: record } as unknown as Checkpoint;
const group = { tables: new Set(['t']), otherRelations: new Set<string>() } as unknown as Group;
const view = viewFor(checkpoint, group);
const rows = (n: number): SltResult => ({ columns: [{ name: 'c1', type: T.int4 }], rows: [[n]] });
const divisionByZero = { code: '22012', message: 'division by zero' };

test('a view equal to its query passes; a different one is a mismatch', async () => {
  assert.equal(await stepCheck(cannedEngine({ query: rows(1), view: rows(1) }), view), undefined);
  const problem = await stepCheck(cannedEngine({ query: rows(1), view: rows(2) }), view);
  assert.equal(typeof problem === 'object' && problem.note, 'view differs from the query');
});

test('while the query fails, the view must raise the same SQLSTATE', async () => {
  const same = await stepCheck(cannedEngine({ query: divisionByZero, view: divisionByZero }), view);
  assert.equal(same, 'same error');
  const noError = await stepCheck(cannedEngine({ query: divisionByZero, view: rows(1) }), view);
  assert.equal(typeof noError === 'object' && noError.got, '1 rows');
  const otherError = { code: '22003', message: 'integer out of range' };
  const other = await stepCheck(cannedEngine({ query: divisionByZero, view: otherError }), view);
  assert.equal(typeof other === 'object' && other.got, '22003 integer out of range');
});
