/**
 * A materialized view whose maintenance takes longer than the step budget is reported, never
 * silently: the step names it, pg_catalog.eddy_view_steps counts it, dropping the view clears it.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { Database, type StepChanges } from '../../src/runtime/database.ts';
import { createDataflowMaintainer } from '../../src/runtime/dataflow-maintainer.ts';
import { Session } from '../../src/runtime/session.ts';
import { loadParser } from '../../src/sql/front/index.ts';

before(async () => {
  await loadParser();
});

test('views past the step budget are named by the step and counted in eddy_view_steps', () => {
  const db = new Database(createDataflowMaintainer);
  const s = new Session(db);
  s.execute('CREATE TABLE t (id integer PRIMARY KEY, g integer)');
  s.execute('CREATE MATERIALIZED VIEW slow AS SELECT g, count(*) AS n FROM t GROUP BY g');
  const steps: StepChanges[] = [];
  db.onStep((step) => steps.push(step));
  s.execute('INSERT INTO t VALUES (1, 1)');
  assert.deepEqual(steps.at(-1)!.overBudget, [], 'a trivial step is within the default budget');
  assert.deepEqual(s.execute('SELECT count(*) FROM eddy_view_steps')[0]!.rows, [[0]]);
  // Every maintenance takes longer than a negative budget.
  db.viewStepBudgetMs = -1;
  s.execute('INSERT INTO t VALUES (2, 1)');
  s.execute('INSERT INTO t VALUES (3, 2)');
  const viewId = db.catalog.stepOverruns.keys().next().value;
  assert.deepEqual(
    steps.at(-1)!.overBudget.map((o) => o.viewId),
    [viewId],
  );
  const rows = s.execute('SELECT view, over_budget, last_step FROM eddy_view_steps')[0]!.rows;
  assert.deepEqual(rows, [['slow', 2, steps.at(-1)!.step]]);
  s.execute('DROP MATERIALIZED VIEW slow');
  assert.deepEqual(s.execute('SELECT count(*) FROM eddy_view_steps')[0]!.rows, [[0]]);
});
