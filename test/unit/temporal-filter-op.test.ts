/**
 * The temporal filter operator alone: a row passes while the clock is in [enter, leave); changes
 * held for later times come out when the clock reaches them, retractions cancelling insertions;
 * the clock never goes back; and its state, saved whole (in slices) then as deltas, restores
 * into an operator that continues exactly as the original.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Value } from '../../src/common/value.ts';
import { Batch } from '../../src/dataflow/batch.ts';
import { consolidate } from '../../src/dataflow/consolidate.ts';
import { TemporalFilterOp } from '../../src/dataflow/operators/temporal-filter.ts';
import { applyStateDelta, type OperatorState } from '../../src/dataflow/state.ts';
import { plainRoundTrip } from '../support/state-images.ts';

/** Rows [id, enter, leave] (enter / leave null: unbounded). */
function input(rows: [number, number | null, number | null, number][]): Batch {
  const b = new Batch(3);
  for (const [id, enter, leave, w] of rows) b.push([id, enter, leave], 0, w);
  return b;
}

function out(b: Batch): string[] {
  const c = consolidate(b);
  const rows: string[] = [];
  for (let i = 0; i < c.length; i++) rows.push(`${c.values[i]}:${c.weights[i]}`);
  return rows.sort();
}

test('rows pass in [enter, leave), held changes come out on time, retractions cancel', () => {
  let now = 100;
  const op = new TemporalFilterOp(1, () => now);
  assert.deepEqual(
    out(
      op.step([
        input([
          [1, null, 150, 1],
          [2, 120, 200, 1],
          [3, 50, 100, 1],
          [4, 100, null, 1],
          [5, 90, 80, 1],
        ]),
      ]),
    ),
    ['1:1', '4:1'],
  );
  assert.equal(op.nextDue(), 120);
  now = 119;
  assert.equal(op.pendingInitial, false);
  now = 120;
  assert.equal(op.pendingInitial, true);
  assert.deepEqual(out(op.step([new Batch(3)])), ['2:1']);
  // Row 2 deleted before it leaves: its pending leave is cancelled by the retraction's.
  assert.deepEqual(out(op.step([input([[2, 120, 200, -1]])])), ['2:-1']);
  now = 150;
  assert.deepEqual(out(op.step([new Batch(3)])), ['1:-1']);
  now = 10; // a clock reading earlier than the last one changes nothing
  assert.deepEqual(out(op.step([input([[6, 140, 160, 1]])])), ['6:1']);
  now = 1000;
  assert.deepEqual(
    out(op.step([new Batch(3)])),
    ['6:-1'],
    'row 2 was held twice for 200: its leave and the cancelling change of the deletion',
  );
  assert.equal(op.nextDue(), null);
  assert.equal(op.stateSize(), 0);
});

function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('saved whole in slices, then as deltas, the state restores into an operator that continues the same', () => {
  let now = 0;
  const next = random(5);
  const a = new TemporalFilterOp(1, () => now);
  const live: [number, number | null, number | null][] = [];
  const step = (op: TemporalFilterOp, batch: Batch) => out(op.step([batch]));
  let id = 0;
  /** The next step's changes, around the current reading: inserts, and now and then a delete. */
  const changes = (): Batch => {
    now += Math.floor(next() * 8);
    const rows: [number, number | null, number | null, number][] = [];
    for (let k = 0; k < 3; k++) {
      const enter = next() < 0.2 ? null : now + Math.floor((next() - 0.3) * 50);
      const leave = next() < 0.2 ? null : (enter ?? now) + Math.floor(next() * 60);
      rows.push([++id, enter, leave, 1]);
      live.push([id, enter, leave]);
    }
    if (live.length > 5 && next() < 0.5) {
      const [gone, enter, leave] = live.splice(Math.floor(next() * live.length), 1)[0]!;
      rows.push([gone, enter, leave, -1]);
    }
    return input(rows);
  };
  const image: { meta: Value[]; entries: Map<number, Value[]> } = { meta: [], entries: new Map() };
  for (let i = 0; i < 10; i++) step(a, changes());
  const slicer = a.beginSaveState();
  for (let i = 0; i < 10; i++) {
    step(a, changes());
    for (const e of slicer.next(2)) image.entries.set(e.id, e.data);
  }
  for (let e = slicer.next(1000); e.length > 0; e = slicer.next(1000))
    for (const x of e) image.entries.set(x.id, x.data);
  applyStateDelta(image, plainRoundTrip(a.saveStateDelta()));
  for (let i = 0; i < 10; i++) step(a, changes());
  applyStateDelta(image, plainRoundTrip(a.saveStateDelta()));
  const b = new TemporalFilterOp(1, () => now);
  const restored: OperatorState = {
    kind: 'temporalFilter/1',
    meta: image.meta,
    entries: [...image.entries].map(([entry, data]) => ({ id: entry, data })),
  };
  b.restoreState(plainRoundTrip(restored));
  assert.ok(a.stateSize() > 5, 'rows are held at the save');
  assert.equal(b.stateSize(), a.stateSize());
  for (let i = 0; i < 10; i++) {
    const batch = changes();
    assert.deepEqual(step(b, batch), step(a, batch), `step ${i}`);
  }
  now += 1000;
  assert.deepEqual(step(b, new Batch(3)), step(a, new Batch(3)));
  assert.equal(a.stateSize(), 0);
});
