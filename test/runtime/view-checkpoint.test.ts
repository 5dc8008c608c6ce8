/**
 * The database's checkpoint entry points for materialized views (issue 8): a view re-created
 * with an image in `viewImages` takes its state and contents from it instead of hydrating, then
 * follows later writes exactly as the original; an image of another plan fails with XX001 and
 * leaves no view behind; a view still hydrating is not offered for a checkpoint.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Value } from '../../src/common/value.ts';
import { Database, type ViewImage } from '../../src/runtime/database.ts';
import { createDataflowMaintainer } from '../../src/runtime/dataflow-maintainer.ts';
import { Session } from '../../src/runtime/session.ts';
import { loadParser } from '../../src/sql/front/index.ts';
import { plainRoundTrip } from '../support/state-images.ts';

const schema = 'CREATE TABLE t (id int PRIMARY KEY, g int, v int, s text);';
const views = [
  'CREATE MATERIALIZED VIEW agg AS SELECT g, count(*) AS n, min(v) AS lo, max(s) AS hi, sum(v) AS total FROM t GROUP BY g',
  'CREATE MATERIALIZED VIEW top AS SELECT id, v FROM t ORDER BY v DESC, id LIMIT 2',
  'CREATE MATERIALIZED VIEW joined AS SELECT a.id AS a, b.id AS b FROM t AS a JOIN t AS b ON a.g = b.v',
  'CREATE MATERIALIZED VIEW errs AS SELECT id, 100 / v AS q FROM t',
  // Issue 13's aggregates: exact moments, per-bit counts and order statistics in the image.
  'CREATE MATERIALIZED VIEW stats AS SELECT g, variance(v) AS var, corr(v, id) AS r, bit_or(v) AS bits, ' +
    'percentile_disc(0.5) WITHIN GROUP (ORDER BY s) AS med, mode() WITHIN GROUP (ORDER BY v) AS m FROM t GROUP BY ROLLUP (g)',
];
const viewNames = ['agg', 'top', 'joined', 'errs', 'stats'];
const writes = [
  "INSERT INTO t VALUES (1, 1, 5, 'a'), (2, 1, 0, 'b'), (3, 2, 1, 'c'), (4, 2, 7, 'd');",
  'DELETE FROM t WHERE id = 1;',
  "UPDATE t SET v = 2, s = 'z' WHERE id = 3;",
];
const later = [
  "INSERT INTO t VALUES (5, 1, 9, 'e');",
  'DELETE FROM t WHERE id = 2;',
  'UPDATE t SET g = 1 WHERE id = 4;',
];

async function open(): Promise<{ db: Database; session: Session }> {
  await loadParser();
  const db = new Database(createDataflowMaintainer);
  return { db, session: new Session(db) };
}

async function contents(session: Session, view: string): Promise<string[]> {
  try {
    const [result] = await session.executeWaiting(`SELECT * FROM ${view}`);
    return (result!.rows as Value[][])
      .map((r) => JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v)))
      .sort();
  } catch (e) {
    return [`error ${(e as { code?: string }).code}`];
  }
}

test('a view re-created from its checkpoint image skips hydration and follows later writes', async () => {
  const a = await open();
  await a.session.executeWaiting(schema);
  for (const v of views) await a.session.executeWaiting(v);
  for (const w of writes) await a.session.executeWaiting(w);
  const images = new Map<number, ViewImage>();
  for (const { id, maintainer } of a.db.checkpointableViews())
    images.set(id, { state: plainRoundTrip(maintainer.saveState!()), contents: a.db.store(id).toBatch() });
  assert.equal(images.size, views.length);

  // Recovery: the table's rows come back first, then the views are re-created from their images.
  const b = await open();
  await b.session.executeWaiting(schema);
  const [rows] = await a.session.executeWaiting('SELECT id, g, v, s FROM t');
  for (const r of rows!.rows as Value[][])
    await b.session.executeWaiting(
      `INSERT INTO t VALUES (${r.map((x) => (typeof x === 'string' ? `'${x}'` : String(x))).join(', ')})`,
    );
  for (const [id, image] of images) b.db.viewImages.set(id, image);
  for (const v of views) await b.session.executeWaiting(v);
  assert.equal(b.db.viewImages.size, 0, 'every image was used');
  for (const name of viewNames)
    assert.deepEqual(await contents(b.session, name), await contents(a.session, name), `${name} restored`);
  // Errors as data survive the restore, and a later delete retracts them.
  assert.deepEqual(await contents(b.session, 'errs'), ['error 22012']);
  for (const w of later) {
    await a.session.executeWaiting(w);
    await b.session.executeWaiting(w);
    for (const name of viewNames)
      assert.deepEqual(
        await contents(b.session, name),
        await contents(a.session, name),
        `${name} after ${w}`,
      );
  }
  assert.equal((await contents(b.session, 'errs')).length, 3, 'the division by zero was retracted');
});

test('an image of another plan is refused with XX001 and leaves no view behind', async () => {
  const a = await open();
  await a.session.executeWaiting(schema);
  await a.session.executeWaiting(views[0]!);
  const [{ id, maintainer }] = a.db.checkpointableViews();
  const image = { state: maintainer!.saveState!(), contents: a.db.store(id!).toBatch() };
  const b = await open();
  await b.session.executeWaiting(schema);
  b.db.viewImages.set(id!, image);
  await assert.rejects(
    b.session.executeWaiting('CREATE MATERIALIZED VIEW agg AS SELECT g, count(*) AS n FROM t GROUP BY g'),
    (e: { code?: string }) => e.code === 'XX001',
  );
  assert.equal(b.db.catalog.relation('agg'), undefined);
});

test('a view still hydrating is not offered for a checkpoint', async () => {
  const a = await open();
  a.db.hydrationChunkRows = 2;
  await a.session.executeWaiting(schema);
  await a.session.executeWaiting("INSERT INTO t SELECT i, i % 3, i, 'x' FROM generate_series(1, 50) AS i");
  await a.session.executeWaiting(views[0]!);
  assert.equal(a.db.checkpointableViews().length, 0);
  await a.db.hydrationOf(a.db.catalog.relation('agg')!.id)?.ready;
  assert.equal(a.db.checkpointableViews().length, 1);
});
