/**
 * The exact arithmetic under the statistical aggregates (src/dataflow/aggregates/moments.ts): a
 * double survives the trip through its scaled integer, a ratio of integers rounds as IEEE
 * division does, and float moments do not depend on the order rows arrived or left in.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { FloatMoments, ratioToDouble, scaledBits } from '../../src/dataflow/aggregates/moments.ts';

const options = { numRuns: 500, seed: 13 };

test('a finite double, subnormals included, comes back from its scaled integer unchanged', () => {
  fc.assert(
    fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
      assert.equal(ratioToDouble(scaledBits(x), 1n, 1074), x === 0 ? 0 : x);
    }),
    options,
  );
});

test('a ratio of safe integers rounds exactly as double division', () => {
  fc.assert(
    fc.property(fc.maxSafeInteger(), fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), (a, b) => {
      assert.equal(ratioToDouble(BigInt(a), BigInt(b)), a / b);
    }),
    options,
  );
});

test('float moments after inserts and retractions equal those of the rows left, in any order', () => {
  const value = fc.constantFrom(0.1, 1e20, -1e20, 3, 2.5, -7.25, 1e-300);
  fc.assert(
    fc.property(fc.array(fc.tuple(value, value), { maxLength: 12 }), fc.nat(12), (pairs, cut) => {
      const all = new FloatMoments();
      for (const [y, x] of pairs) all.add(y, x, 1);
      for (const [y, x] of pairs.slice(0, cut)) all.add(y, x, -1);
      const left = new FloatMoments();
      for (const [y, x] of pairs.slice(cut).reverse()) left.add(y, x, 1);
      for (const fn of ['regr_sxx', 'regr_sxy', 'covar_pop', 'corr', 'regr_intercept'] as const)
        assert.deepEqual(all.regression(fn), left.regression(fn), fn);
      assert.deepEqual(all.variance('var_samp'), left.variance('var_samp'));
    }),
    options,
  );
});
