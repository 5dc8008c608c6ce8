/**
 * @module test/unit/dataflow-batch
 * Batches and consolidation: identical rows merge (NULL equal to NULL, NaN to NaN; a numeric's
 * display scale counts, so 1.5 and 1.50 stay apart), zero weights vanish, first-appearance order
 * is kept, and random batches consolidate to their bag.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Numeric } from '../../src/common/numeric.ts';
import { Batch } from '../../src/dataflow/batch.ts';
import { consolidate } from '../../src/dataflow/consolidate.ts';
import { applyBatch, assertBagEqual, type Bag, fcOptions, smallInt, smallText } from './dataflow-support.ts';

test('consolidate merges equal rows and drops zero weights', () => {
  const b = Batch.fromRows(
    2,
    [
      [1, 'a'],
      [null, 'b'],
      [1, 'a'],
      [null, 'b'],
      [2, null],
      [2, null],
    ],
    [1, 1, 2, -1, 1, -1],
  );
  const c = consolidate(b);
  assert.deepEqual(c.values, [1, 'a']);
  assert.deepEqual(c.weights, [3]);
});

test('consolidate: weights sum per row, order of first appearance', () => {
  const b = Batch.fromRows(1, [['x'], ['y'], ['x'], ['z'], ['y']], [1, 2, 3, 1, -2]);
  const c = consolidate(b);
  assert.deepEqual(c.values, ['x', 'z']);
  assert.deepEqual(c.weights, [4, 1]);
});

test('consolidate treats NaN and -0 as equal, numerics of different scale as different rows', () => {
  const b = Batch.fromRows(
    1,
    [[Numeric.parse('1.5')], [Numeric.parse('1.50')], [Number.NaN], [Number.NaN], [0], [-0]],
    [1, -1, 1, 1, 1, 1],
  );
  const c = consolidate(b);
  assert.equal(c.length, 4);
  assert.deepEqual(c.weights, [1, -1, 2, 2]);
  assert.deepEqual(
    c.values.slice(0, 2).map((v) => String(v)),
    ['1.5', '1.50'],
  );
});

test('consolidate cancels a numeric retracted and reinserted in the same form', () => {
  const b = Batch.fromRows(1, [[Numeric.parse('1.50')], [Numeric.parse('1.50')]], [-1, 1]);
  assert.equal(consolidate(b).length, 0);
});

test('consolidate of arity-0 rows sums their weights', () => {
  const b = new Batch(0, [], [1, 1, -1, 4]);
  assert.deepEqual(consolidate(b).weights, [5]);
  assert.equal(consolidate(new Batch(0, [], [1, -1])).length, 0);
});

test('consolidate of random batches equals the bag of their rows', () => {
  const row = fc.tuple(smallInt(3), smallText()).map((t) => [...t]);
  fc.assert(
    fc.property(
      fc.array(fc.tuple(row, fc.integer({ min: -3, max: 3 })), { maxLength: 200, size: 'max' }),
      (entries) => {
        const b = Batch.fromRows(
          2,
          entries.map((e) => e[0]),
          entries.map((e) => e[1]),
        );
        const c = consolidate(b);
        const expected: Bag = new Map();
        applyBatch(expected, b);
        const actual: Bag = new Map();
        applyBatch(actual, c);
        assertBagEqual(actual, expected, 'consolidated bag');
        assert.equal(c.length, expected.size, 'one row per distinct row');
        assert.ok(c.weights.every((w) => w !== 0));
      },
    ),
    fcOptions,
  );
});
