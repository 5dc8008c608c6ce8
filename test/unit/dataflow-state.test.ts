/**
 * @module test/unit/dataflow-state
 * The state structures under the operators, against plain models: the chunked ordered multiset
 * (positions, weighted ranks, bounds across many chunks), the row bag (find, reweight and
 * remove past the size where it builds its hash index; rows told apart by form or by value) and
 * the arrangement built on them.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Numeric } from '../../src/common/numeric.ts';
import { T } from '../../src/common/types.ts';
import type { Value } from '../../src/common/value.ts';
import { compareValues } from '../../src/common/value-ops.ts';
import { Arrangement } from '../../src/dataflow/arrangement.ts';
import { Batch } from '../../src/dataflow/batch.ts';
import { NumberMultiset } from '../../src/dataflow/number-multiset.ts';
import { RowBag } from '../../src/dataflow/row-bag.ts';
import { type Cursor, SortedList } from '../../src/dataflow/sorted-list.ts';
import { applyBatch, assertBagEqual, type Bag, bagOf, fcOptions } from './dataflow-support.ts';

type Op = { add: number; w: number } | { removeAt: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ add: fc.integer({ min: 0, max: 600 }), w: fc.integer({ min: -3, max: 4 }) }),
  },
  { weight: 1, arbitrary: fc.record({ removeAt: fc.nat() }) },
);

test('sorted list: positions, ranks and bounds match a sorted array model', () => {
  fc.assert(
    fc.property(fc.array(opArb, { minLength: 200, maxLength: 1500 }), (ops) => {
      const list = new SortedList<number>((a, b) => a - b);
      const model: [number, number][] = []; // [value, weight], sorted by value
      for (const op of ops) {
        if ('add' in op) {
          const at = model.findIndex(([v]) => v >= op.add);
          const exists = at >= 0 && model[at]![0] === op.add;
          const before = exists ? model[at]![1] : 0;
          if (op.w === 0 || before + op.w < 0) continue;
          assert.equal(list.addWeight(op.add, op.w), before + op.w);
          if (exists) {
            model[at]![1] = before + op.w;
            if (before + op.w === 0) model.splice(at, 1);
          } else model.splice(at < 0 ? model.length : at, 0, [op.add, op.w]);
        } else if (model.length > 0) {
          const i = op.removeAt % model.length;
          list.removeAt(i);
          model.splice(i, 1);
        }
      }
      assert.equal(list.size, model.length);
      assert.equal(
        list.total,
        model.reduce((s, [, w]) => s + w, 0),
      );
      const cur: Cursor = { chunk: 0, offset: 0 };
      let rank = 0;
      for (let i = 0; i < model.length; i++) {
        const [v, w] = model[i]!;
        assert.equal(list.at(i), v);
        assert.equal(list.weightAt(i), w);
        assert.equal(list.rankOf(i), rank);
        assert.equal(list.lowerBound(v), i);
        assert.equal(list.upperBound(v), i + 1);
        assert.equal(list.indexOf(v), i);
        const start = list.seekRank(rank + w - 1, cur);
        assert.equal(start, rank);
        assert.equal(list.itemAt(cur), v);
        rank += w;
      }
      assert.equal(list.lowerBound(1e9), model.length);
      assert.equal(list.indexOf(-1), -1);
    }),
    { ...fcOptions, numRuns: 30 },
  );
});

test('sorted list: duplicates are kept in insertion order after equal items', () => {
  const list = new SortedList<[number, string]>((a, b) => a[0] - b[0]);
  for (let i = 0; i < 300; i++) list.insert([i % 3, `#${i}`], 1);
  const seen: string[] = [];
  list.forEachFrom(0, (item) => {
    if (item[0] === 1) seen.push(item[1]);
    return true;
  });
  assert.equal(seen.length, 100);
  assert.deepEqual(seen.slice(0, 3), ['#1', '#4', '#7']);
  assert.equal(list.lowerBound([1, '']), 100);
  assert.equal(list.upperBound([1, '']), 200);
});

test('row bag: find, reweight and remove across the index threshold', () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.tuple(
          fc.integer({ min: 0, max: 40 }),
          fc.constantFrom<Value>('x', null),
          fc.integer({ min: -2, max: 2 }),
        ),
        {
          minLength: 50,
          maxLength: 400,
        },
      ),
      (ops) => {
        const bag = new RowBag(2, true);
        const model = new Map<string, number>();
        for (const [a, b, w] of ops) {
          const key = `${a}/${b}`;
          const before = model.get(key) ?? 0;
          if (w === 0 || (before === 0 && w < 0) || before + w < 0) continue;
          const slot = bag.add([a, b], 0, w, 7);
          assert.equal(bag.weights[slot], before + w);
          if (before === 0) assert.equal(bag.aux![slot], 7);
          if (bag.weights[slot] === 0) bag.removeAt(slot);
          if (before + w === 0) model.delete(key);
          else model.set(key, before + w);
        }
        assert.equal(bag.length, model.size);
        for (const [key, w] of model) {
          const [a, b] = key.split('/');
          const slot = bag.find([Number(a), b === 'null' ? null : b!], 0);
          assert.ok(slot >= 0, `row ${key} present`);
          assert.equal(bag.weights[slot], w);
        }
        assert.equal(bag.find([99, 'x'], 0), -1);
        assert.equal(
          bag.total,
          [...model.values()].reduce((s, w) => s + w, 0),
        );
      },
    ),
    fcOptions,
  );
});

test('arrangement: applied deltas equal the bag of rows, looked up by key', () => {
  const row = fc.tuple(
    fc.constantFrom<Value>(1, 2, null),
    fc.constantFrom<Value>('a', 'b'),
    fc.integer({ min: 0, max: 30 }),
  );
  fc.assert(
    fc.property(fc.array(fc.array(row, { maxLength: 20 }), { maxLength: 10 }), (steps) => {
      const arr = new Arrangement(3, [0], [T.int4]);
      const live: Value[][] = [];
      for (const inserts of steps) {
        const delta = new Batch(3);
        for (const r of inserts) {
          delta.push([...r], 0, 1);
          live.push([...r]);
        }
        // Delete every other live row again.
        for (let i = live.length - 1; i >= 0; i -= 2) {
          delta.push(live[i]!, 0, -1);
          live.splice(i, 1);
        }
        arr.apply(delta);
        const expected = bagOf(live);
        const actual: Bag = new Map();
        applyBatch(actual, arr.toBatch());
        assertBagEqual(actual, expected, 'arranged rows');
        for (const key of [1, 2, null]) {
          const bag = arr.get([key]);
          const n = live.filter((r) => r[0] === key).length;
          assert.equal(bag?.total ?? 0, n, `rows of key ${key}`);
        }
      }
    }),
    fcOptions,
  );
});

test('number multiset: min, max and size match a model through inserts and deletes', () => {
  const value = fc.oneof(
    fc.integer({ min: -2000, max: 2000 }),
    fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 0.5),
  );
  fc.assert(
    fc.property(
      fc.array(fc.tuple(value, fc.integer({ min: -2, max: 3 })), { minLength: 300, maxLength: 2000 }),
      (ops) => {
        const set = new NumberMultiset();
        const model = new Map<number, number>();
        const keyOf = (v: number) => (Object.is(v, -0) ? 0 : v);
        for (const [v, w] of ops) {
          const before = model.get(keyOf(v)) ?? 0;
          if (w === 0 || before + w < 0) continue;
          set.add(v, w);
          if (before + w === 0) model.delete(keyOf(v));
          else model.set(keyOf(v), before + w);
          const live = [...model.keys()].sort((a, b) => compareValues(a, b));
          assert.equal(set.size, live.length);
          assert.ok(Object.is(set.min() ?? null, live[0] ?? null) || set.min() === live[0]);
          assert.ok(Object.is(set.max() ?? null, live.at(-1) ?? null) || set.max() === live.at(-1));
        }
        const seen: number[] = [];
        set.forEach((v, count) => {
          assert.equal(count, model.get(keyOf(v)));
          seen.push(v);
        });
        assert.equal(seen.length, model.size);
      },
    ),
    { ...fcOptions, numRuns: 40 },
  );
});

test('sorted list with a primary key behaves like one without', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 3 }), fc.boolean()), {
        minLength: 200,
        maxLength: 1500,
      }),
      (ops) => {
        const cmp = (a: number[], b: number[]) => a[0]! - b[0]! || a[1]! - b[1]!;
        const plain = new SortedList<number[]>(cmp);
        const keyed = new SortedList<number[]>(cmp, (x) => x[0]!);
        for (const [a, b, remove] of ops) {
          const item = [a, b];
          if (remove) {
            const i = plain.indexOf(item);
            assert.equal(keyed.indexOf(item), i);
            if (i >= 0) {
              plain.removeAt(i);
              keyed.removeAt(i);
            }
          } else {
            assert.equal(keyed.insert(item, 1), plain.insert(item, 1));
          }
          assert.equal(keyed.size, plain.size);
        }
        for (let i = 0; i < plain.size; i++) assert.deepEqual(keyed.at(i), plain.at(i));
        for (let a = 0; a <= 300; a += 7) {
          assert.equal(keyed.lowerBound([a, 0]), plain.lowerBound([a, 0]));
          assert.equal(keyed.upperBound([a, 3]), plain.upperBound([a, 3]));
        }
      },
    ),
    { ...fcOptions, numRuns: 40 },
  );
});

test('row bag: a form bag keeps 1.10 and 1.1 apart, a value bag merges them', () => {
  const rows = ['1.10', '1.1', '1.1'].map((t) => [Numeric.parse(t)]);
  for (let size = 1; size <= 20; size += 19) {
    const form = new RowBag(1, false, 'form');
    const value = new RowBag(1, false, 'value');
    // Past bagIndexRowsMin the lookups go through the hash index; below it, through a scan.
    for (let i = 0; i < size; i++) {
      form.add([i], 0, 1, 0);
      value.add([i], 0, 1, 0);
    }
    for (const row of rows) {
      form.add(row, 0, 1, 0);
      value.add(row, 0, 1, 0);
    }
    assert.equal(form.length, size + 2);
    assert.deepEqual(form.weights.slice(size), [1, 2]);
    assert.equal(value.length, size + 1);
    assert.equal(String(value.values[size]), '1.10');
    assert.deepEqual(value.weights.slice(size), [3]);
  }
});
