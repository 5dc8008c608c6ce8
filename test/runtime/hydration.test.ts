/**
 * Background hydration: a materialized view over existing data is computed in chunks between
 * event-loop turns; writes committed meanwhile are included; reads fail with 55000 and progress,
 * or (the library's default) wait until the view is ready — never a partial result.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { Database } from '../../src/runtime/database.ts';
import { createDataflowMaintainer } from '../../src/runtime/dataflow-maintainer.ts';
import { HydrationPendingError } from '../../src/runtime/hydration.ts';
import { Session } from '../../src/runtime/session.ts';
import { loadParser } from '../../src/sql/front/index.ts';

before(async () => {
  await loadParser();
});

function setup(rows: number): { db: Database; s: Session } {
  const db = new Database(createDataflowMaintainer);
  db.hydrationChunkRows = 100;
  const s = new Session(db);
  s.execute('CREATE TABLE t (id integer PRIMARY KEY, g integer)');
  const values = Array.from({ length: rows }, (_, i) => `(${i}, ${i % 10})`).join(', ');
  s.execute(`INSERT INTO t VALUES ${values}`);
  return { db, s };
}

test('reads of a hydrating view fail at once with 55000 and its progress, then see everything', async () => {
  const { db, s } = setup(1000);
  s.execute('CREATE MATERIALIZED VIEW v AS SELECT g, count(*) AS n FROM t GROUP BY g');
  assert.ok(db.hydrationOf(db.catalog.relation('v')!.id), 'hydrating in the background');
  assert.throws(
    () => s.execute('SELECT * FROM v'),
    (e: unknown) => {
      assert.ok(e instanceof HydrationPendingError);
      assert.equal(e.code, '55000');
      assert.match(e.detail ?? '', /of 1000 input rows/);
      return true;
    },
  );
  const progress = s.execute('SELECT view, total FROM eddy_hydration')[0]!.rows;
  assert.deepEqual(progress, [['v', 1000]]);
  assert.deepEqual(s.execute("SELECT ispopulated FROM pg_matviews WHERE matviewname = 'v'")[0]!.rows, [
    [false],
  ]);
  s.execute('INSERT INTO t VALUES (5000, 3); DELETE FROM t WHERE id = 1');
  const [result] = await s.executeWaiting('SELECT g, n FROM v ORDER BY g');
  const expected = Array.from({ length: 10 }, (_, g) => [g, 100 + (g === 3 ? 1 : 0) - (g === 1 ? 1 : 0)]);
  assert.deepEqual(result!.rows, expected);
  assert.equal(db.hydrationOf(db.catalog.relation('v')!.id), undefined);
  assert.deepEqual(s.execute('SELECT count(*) FROM eddy_hydration')[0]!.rows, [[0]]);
  assert.deepEqual(s.execute("SELECT ispopulated FROM pg_matviews WHERE matviewname = 'v'")[0]!.rows, [
    [true],
  ]);
});

test('eddy.hydration_wait = off fails at once; statement_timeout bounds the wait', async () => {
  const { s } = setup(2000);
  s.execute('CREATE MATERIALIZED VIEW w AS SELECT g, count(*) AS n FROM t GROUP BY g');
  s.execute('SET eddy.hydration_wait = off');
  await assert.rejects(s.executeWaiting('SELECT * FROM w'), { code: '55000' });
  s.execute('SET eddy.hydration_wait = on; SET statement_timeout = 1');
  await assert.rejects(s.executeWaiting('SELECT * FROM w'), { code: '57014' });
  s.execute('SET statement_timeout = 0');
  const [r] = await s.executeWaiting('SELECT sum(n)::integer FROM w');
  assert.deepEqual(r!.rows, [[2000]]);
});

test('a small view hydrates at once', () => {
  const { db, s } = setup(50);
  s.execute('CREATE MATERIALIZED VIEW small AS SELECT count(*) AS n FROM t');
  assert.equal(db.hydrationOf(db.catalog.relation('small')!.id), undefined);
  assert.deepEqual(s.execute('SELECT n FROM small')[0]!.rows, [[50]]);
});
