/**
 * @module test/runtime/row-store-snapshot
 * A store's snapshot (what a long query reads) is taken without copying the rows and never
 * changes: appends, deletions, duplicate merges and compaction after it copy the chunks they
 * touch. Checked against a plain model over seeded random histories, and through a session: a
 * count over a table far larger than eddy.query_memory answers (the snapshot is not a copy).
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { Value } from '../../src/common/value.ts';
import { Database } from '../../src/runtime/database.ts';
import { createDataflowMaintainer } from '../../src/runtime/dataflow-maintainer.ts';
import { RowStore } from '../../src/runtime/row-store.ts';
import { Session } from '../../src/runtime/session.ts';
import { loadParser } from '../../src/sql/front/index.ts';

before(async () => {
  await loadParser();
});

/** A small seeded generator (mulberry32): replayable histories. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sorted = (rows: Iterable<Value[]>): string[] => [...rows].map((r) => JSON.stringify(r)).sort();

test('snapshots keep their rows through every later write (seeded histories against a model)', () => {
  for (let seed = 1; seed <= 8; seed++) {
    const next = random(seed);
    const store = new RowStore(2, seed % 2 === 0 ? [0] : []);
    const model = new Map<string, number>();
    const snapshots: { snapshot: ReturnType<RowStore['snapshot']>; expected: string[] }[] = [];
    const modelRows = (): string[] =>
      [...model].flatMap(([row, n]) => Array.from({ length: n }, () => row)).sort();
    for (let op = 0; op < 8000; op++) {
      // Mostly inserts, then mostly deletions: dead slots pile up and the store compacts.
      const r = op < 4000 ? next() : 0.35 + next() * 0.65;
      const key = Math.floor(next() * 3000);
      const row: Value[] = [key, seed % 2 === 0 ? key * 2 : Math.floor(next() * 3)];
      const text = JSON.stringify(row);
      if (r < 0.6) {
        if (seed % 2 === 0 && model.has(text)) continue;
        store.apply(row, 0, 1);
        model.set(text, (model.get(text) ?? 0) + 1);
      } else if (r < 0.99) {
        const n = model.get(text);
        if (!n) continue;
        store.apply(row, 0, -1);
        if (n === 1) model.delete(text);
        else model.set(text, n - 1);
      } else {
        snapshots.push({ snapshot: store.snapshot(), expected: modelRows() });
      }
    }
    assert.deepEqual(sorted(store.scan()), modelRows(), `seed ${seed}: the store`);
    for (const [i, { snapshot, expected }] of snapshots.entries()) {
      assert.equal(snapshot.length, expected.length, `seed ${seed}, snapshot ${i}: length`);
      assert.deepEqual(sorted(snapshot), expected, `seed ${seed}, snapshot ${i}`);
    }
  }
});

test('a count over a table far past eddy.query_memory answers: its snapshot is not a copy', () => {
  const db = new Database(createDataflowMaintainer);
  const s = new Session(db);
  s.execute('CREATE TABLE big (id integer, pad text)');
  s.execute("INSERT INTO big SELECT g, 'x' FROM generate_series(1, 300000) g");
  s.execute("SET eddy.query_memory = '1MB'");
  // 300,000 rows copied would be about 24 MB by the estimate (53200 before the snapshot shared chunks).
  assert.deepEqual(s.execute('SELECT count(*) AS n, max(id) AS m FROM big')[0]!.rows, [[300_000, 300_000]]);
  assert.deepEqual(s.execute('SELECT count(*) FROM big WHERE id % 1000 = 0')[0]!.rows, [[300]]);
});
