/**
 * The retained change history of watched relations (runtime/step-history): steps that change a
 * relation are kept, the others implied; a resume gets the changing steps and one progress
 * entry for a trailing run of unchanged steps; the row bound trims the oldest steps and moves
 * where a resume may start; a copy for a checkpoint is unaffected by later steps.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Batch } from '../../src/dataflow/batch.ts';
import { ChangeSet } from '../../src/runtime/changes.ts';
import type { StepChanges } from '../../src/runtime/database.ts';
import { StepHistory } from '../../src/runtime/step-history.ts';

function stepOf(step: number, rowsByRelation: Record<number, number>): StepChanges {
  const changes = new ChangeSet();
  for (const [id, rows] of Object.entries(rowsByRelation))
    changes.byRelation.set(
      Number(id),
      new Batch(
        1,
        Array.from({ length: rows }, (_, i) => step * 100 + i),
        Array.from({ length: rows }, () => 1),
      ),
    );
  return { step, changes, durationMs: 0, overBudget: [], late: new Map() };
}

const shape = (entries: ReturnType<StepHistory['after']>) =>
  entries?.map((e) => [e.step, e.batch?.length ?? null]) ?? null;

test('resumes get the changing steps, then one progress entry for the unchanged tail', () => {
  const h = new StepHistory();
  h.record(stepOf(11, { 1: 2 }), [1]); // watched from step 10 on
  h.record(stepOf(12, {}), [1]);
  h.record(stepOf(13, { 1: 1, 2: 5 }), [1]);
  h.record(stepOf(14, {}), [1]);
  h.record(stepOf(15, { 2: 1 }), [1]);
  assert.deepEqual(shape(h.after(1, 10)), [
    [11, 2],
    [13, 1],
    [15, null],
  ]);
  assert.deepEqual(shape(h.after(1, 13)), [[15, null]]);
  assert.deepEqual(shape(h.after(1, 15)), []);
  assert.equal(h.after(1, 9), null, 'before the history began');
  assert.equal(h.after(1, 16), null, 'a step not recorded');
  assert.equal(h.after(2, 12), null, 'a relation never watched');
});

test('the row bound drops the oldest steps, a step over it included, and moves the start', () => {
  const h = new StepHistory();
  h.rowsMax = 3;
  h.record(stepOf(1, { 1: 2 }), [1]);
  h.record(stepOf(2, { 1: 1 }), [1]);
  assert.deepEqual(shape(h.after(1, 0)), [
    [1, 2],
    [2, 1],
  ]);
  h.record(stepOf(3, { 1: 1 }), [1]);
  assert.equal(h.after(1, 0), null);
  assert.deepEqual(shape(h.after(1, 1)), [
    [2, 1],
    [3, 1],
  ]);
  h.record(stepOf(4, { 1: 5 }), [1]);
  assert.equal(h.after(1, 3), null, 'a step bigger than the bound is not kept');
  assert.deepEqual(shape(h.after(1, 4)), []);
});

test('a copy keeps its entries while the history moves on; restore trims to the bound in force', () => {
  const h = new StepHistory();
  h.begin(7, 20);
  h.record(stepOf(21, { 7: 2 }), [7]);
  const [saved] = h.copy();
  h.record(stepOf(22, { 7: 1 }), [7]);
  assert.deepEqual([saved!.since, saved!.through, saved!.entries.length, saved!.rows], [20, 21, 1, 2]);
  const back = new StepHistory();
  back.rowsMax = 1;
  back.restore(saved!);
  assert.equal(back.after(7, 20), null);
  assert.deepEqual(shape(back.after(7, 21)), []);
});
