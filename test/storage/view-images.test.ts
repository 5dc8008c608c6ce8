/**
 * Materialized views restored from a checkpoint's saved operator state (ADR 0004) instead of
 * being recomputed: every kind of stateful operator comes back, equals a batch evaluation, and
 * keeps being maintained correctly by later changes (deletes of extremes, top-k refills, window
 * frames); a row error survives; an image that no longer fits its view is refused and the view
 * is computed afresh.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Eddy } from '../../src/eddy.ts';
import type { ViewMaintainer } from '../../src/runtime/database.ts';
import { CheckpointWriter, readCheckpoint } from '../../src/storage/checkpoint.ts';
import { DataDirectory } from '../../src/storage/data-directory.ts';
import type { SavedView, ViewClosing, ViewSlicing } from '../../src/storage/view-images.ts';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function freshDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'eddy-images-'));
  dirs.push(d);
  return d;
}

const open = (dir: string) => Eddy.open({ dir, checkpointInterval: 0, incrementalCheckpoints: true });

/** Each view's query; the view is `CREATE MATERIALIZED VIEW name AS query`. */
const views: Record<string, string> = {
  totals: `SELECT a.owner, count(*) AS n, sum(e.amount) AS total, min(e.amount) AS lo, max(e.amount) AS hi,
      count(DISTINCT e.account) AS accounts, string_agg(e.note, ',' ORDER BY e.id) AS notes
    FROM accounts a JOIN events e ON e.account = a.id GROUP BY a.owner`,
  top3: 'SELECT id, amount FROM events ORDER BY amount DESC, id LIMIT 3',
  best_per_account: `SELECT id, account, amount FROM (
      SELECT id, account, amount, row_number() OVER (PARTITION BY account ORDER BY amount DESC, id) AS rn
      FROM events) s WHERE rn <= 2`,
  running: `SELECT id, account, sum(amount) OVER (PARTITION BY account ORDER BY id) AS running,
      lag(amount) OVER (PARTITION BY account ORDER BY id) AS previous FROM events`,
  kinds: 'SELECT DISTINCT account FROM events',
  orphans: `SELECT a.id, a.owner, e.id AS event FROM accounts a LEFT JOIN events e ON e.account = a.id`,
  in_both: 'SELECT account FROM events INTERSECT SELECT id FROM accounts',
};

async function setUp(db: Eddy): Promise<void> {
  await db.execute(`
    CREATE TABLE accounts (id int PRIMARY KEY, owner text NOT NULL);
    CREATE TABLE events (id int PRIMARY KEY, account int, amount numeric(10,2), note text);
  `);
  for (const [name, query] of Object.entries(views))
    await db.execute(`CREATE MATERIALIZED VIEW ${name} AS ${query}`);
  await db.insert('accounts', [
    [1, 'ann'],
    [2, 'bob'],
    [3, 'cy'],
    [4, 'dee'],
  ]);
  for (let i = 1; i <= 30; i++)
    await db.insert('events', [[i, 1 + (i % 3), ((i * 37) % 101) - 40.25, `n${i}`]]);
}

/** Changes that reach into restored state: extremes and top rows deleted, groups emptied. */
async function later(db: Eddy): Promise<void> {
  await db.execute('DELETE FROM events WHERE amount = (SELECT max(amount) FROM events)');
  await db.execute('DELETE FROM events WHERE account = 3');
  await db.execute("UPDATE events SET amount = amount + 1000, note = 'bumped' WHERE id IN (4, 7)");
  await db.insert('events', [[100, 4, '-1.00', 'new']]);
  await db.execute('DELETE FROM accounts WHERE id = 2');
}

function sorted(rows: readonly (readonly unknown[])[]): string[] {
  return rows.map((r) => JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))).sort();
}

async function assertViewsMatch(db: Eddy, when: string): Promise<void> {
  for (const [name, query] of Object.entries(views)) {
    const stored = sorted((await db.query(`SELECT * FROM ${name}`)).rows);
    const fresh = sorted((await db.query(query)).rows);
    assert.deepEqual(stored, fresh, `${name} ${when}`);
  }
}

function viewsRestored(db: Eddy): number {
  return (db as unknown as { durability: { stats: { viewsRestored: number } } }).durability.stats
    .viewsRestored;
}

/** Drops a database without a clean close, as a crash would. */
function abandon(db: Eddy): void {
  const inner = db as unknown as { durability: { dir: { close(): void } }; db: { durableLog: unknown } };
  inner.db.durableLog = null;
  inner.durability.dir.close();
}

test('every view comes back from its checkpointed state, not recomputed, and stays maintained', async () => {
  const dir = freshDir();
  let db = await open(dir);
  await setUp(db);
  await db.checkpoint();
  // A change after the checkpoint: replayed from the log onto the restored state.
  await db.insert('events', [[31, 2, '99.99', 'tail']]);
  abandon(db);
  db = await open(dir);
  assert.equal(viewsRestored(db), Object.keys(views).length);
  await assertViewsMatch(db, 'after recovery');
  await later(db);
  await assertViewsMatch(db, 'after changes to restored state');
  // A second generation: restored, checkpointed again (a delta of the restored image), restored.
  await db.close();
  db = await open(dir);
  assert.equal(viewsRestored(db), Object.keys(views).length);
  await assertViewsMatch(db, 'after a clean restart');
  await db.execute('DELETE FROM events WHERE id < 10');
  await assertViewsMatch(db, 'after more deletes');
  await db.close();
});

test('a checkpoint saves views in slices while steps run; recovery gets the state at its boundary', async () => {
  const dir = freshDir();
  let db = await open(dir);
  await db.execute(`
    CREATE TABLE bids (id int PRIMARY KEY, auction int, price int);
    CREATE MATERIALIZED VIEW per_auction AS
      SELECT auction, count(*) AS n, max(price) AS top, min(price) AS low FROM bids GROUP BY auction;
    CREATE TABLE auctions (id int PRIMARY KEY, category int);
    CREATE MATERIALIZED VIEW per_category AS
      SELECT x.category, count(*) AS n, sum(b.price) AS total FROM bids b JOIN auctions x ON b.auction = x.id
      GROUP BY x.category;
  `);
  await db.insert(
    'auctions',
    // Few auctions: the one-shot evaluator's check of this join is slow on large inputs.
    Array.from({ length: 300 }, (_, i) => [i, i % 13]),
  );
  const rows = Array.from({ length: 60_000 }, (_, i) => [i, i % 20_000, (i * 7919) % 1000]);
  await db.insert('bids', rows);
  let done = false;
  const checkpoint = db.checkpoint().then(() => {
    done = true;
  });
  // Writes while the checkpoint streams: some land before its boundary, some after.
  let duringCheckpoint = 0;
  for (let i = 0; i < 40; i++) {
    if (i % 3 === 0) await db.execute('DELETE FROM bids WHERE id = $1', [i * 101]);
    else if (i % 3 === 1) await db.execute('UPDATE bids SET price = price + 5000 WHERE id = $1', [i * 97]);
    else await db.insert('bids', [[100_000 + i, i % 7, 9999 - i]]);
    if (!done) duringCheckpoint++;
  }
  await checkpoint;
  assert.ok(duringCheckpoint > 0, 'no write ran while the checkpoint was being written');
  abandon(db);
  db = await open(dir);
  assert.equal(viewsRestored(db), 2);
  for (const [view, query] of [
    [
      'per_auction',
      'SELECT auction, count(*) AS n, max(price) AS top, min(price) AS low FROM bids GROUP BY auction',
    ],
    [
      'per_category',
      'SELECT x.category, count(*) AS n, sum(b.price) AS total FROM bids b JOIN auctions x ON b.auction = x.id GROUP BY x.category',
    ],
  ] as const) {
    const stored = sorted((await db.query(`SELECT * FROM ${view}`)).rows);
    assert.deepEqual(stored, sorted((await db.query(query)).rows), view);
  }
  await db.close();
});

test('a row error (errors as data) survives the restore, and deleting its row clears it', async () => {
  const dir = freshDir();
  let db = await open(dir);
  await db.execute(
    'CREATE TABLE t (a int); CREATE MATERIALIZED VIEW q AS SELECT 100 / a AS r FROM t; INSERT INTO t VALUES (5), (0)',
  );
  await assert.rejects(db.query('SELECT * FROM q'), { code: '22012' });
  await db.close();
  db = await open(dir);
  assert.equal(viewsRestored(db), 1);
  await assert.rejects(db.query('SELECT * FROM q'), { code: '22012' });
  await db.execute('DELETE FROM t WHERE a = 0');
  assert.deepEqual((await db.query('SELECT r FROM q')).rows, [[20]]);
  await db.close();
});

test('an image that does not fit its view is refused: the view is recomputed, with a warning', async () => {
  const dir = freshDir();
  let db = await open(dir);
  await setUp(db);
  await db.close();
  // Forge a checkpoint whose first view image claims another plan.
  const data = DataDirectory.open(dir);
  try {
    const state = readCheckpoint(data, data.meta.get('latest') as number);
    const writer = new CheckpointWriter(data);
    await writer.viewSlices(
      state.views.map((v, i) => slicingOf(v, i === 0 ? 'another plan' : v.state.fingerprint)),
    );
    await writer.boundary({
      ...state,
      tables: state.tables.map((t) => ({ ...t, delta: false })),
      views: state.views.map(closingOf),
    });
    await writer.commit(() => data.sync());
  } finally {
    data.close();
  }
  const warnings: string[] = [];
  const stderr = process.stderr.write;
  process.stderr.write = ((line: string) => warnings.push(line) > 0) as typeof process.stderr.write;
  try {
    db = await open(dir);
  } finally {
    process.stderr.write = stderr;
  }
  assert.match(warnings.join(''), /saved state was refused .*recomputing it/);
  assert.equal(viewsRestored(db), Object.keys(views).length - 1);
  await assertViewsMatch(db, 'after a refused image');
  await later(db);
  await assertViewsMatch(db, 'after changes');
  await db.close();
});

/** A saved view re-written as one slice per operator (under `fingerprint`), as a checkpoint streams it. */
function slicingOf(v: SavedView, fingerprint: string): ViewSlicing {
  const operators = v.state.circuit.operators;
  let taken = false;
  return {
    relationId: v.relationId,
    maintainer: {} as ViewMaintainer,
    slicer: {
      version: v.state.version,
      fingerprint,
      circuit: {
        fingerprint: v.state.circuit.fingerprint,
        operators: operators.map((o) => ({ node: o.node, kind: o.state.kind })),
        next: () => {
          if (taken) return [];
          taken = true;
          return operators.map((o) => ({ node: o.node, entries: o.state.entries }));
        },
      },
    },
  };
}

/** The closing of a view whose slices are already its whole image: only its meta. */
function closingOf(v: SavedView): ViewClosing {
  const { state } = v;
  return {
    relationId: v.relationId,
    rows: v.rows,
    sliced: true,
    rowsDelta: false,
    delta: {
      version: state.version,
      fingerprint: state.fingerprint,
      circuit: {
        fingerprint: state.circuit.fingerprint,
        operators: state.circuit.operators.map((o) => ({
          node: o.node,
          delta: { kind: o.state.kind, full: false, meta: o.state.meta, upserts: [], deletes: [] },
        })),
      },
      errors: state.errors,
      failure: state.failure,
    },
  };
}

interface CheckpointFigures {
  checkpoints: number;
  incrementalCheckpoints: number;
  lastCheckpointIncremental: boolean;
  lastCheckpointBytes: number;
}

function checkpointFigures(db: Eddy): CheckpointFigures {
  return (db as unknown as { durability: { stats: CheckpointFigures } }).durability.stats;
}

async function contentsOf(db: Eddy): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const name of ['accounts', 'events', ...Object.keys(views)])
    out[name] = sorted((await db.query(`SELECT * FROM ${name}`)).rows);
  return out;
}

test('incremental checkpoints write only the changes; recovery from the chain restores every view', async () => {
  const dir = freshDir();
  let db = await open(dir);
  await setUp(db);
  for (let i = 200; i < 1200; i++) await db.insert('events', [[i, 1 + (i % 4), (i % 97) - 20, `m${i}`]]);
  await db.checkpoint();
  const full = checkpointFigures(db);
  assert.equal(full.lastCheckpointIncremental, false);
  const fullBytes = full.lastCheckpointBytes;
  // One event of a new account touches one entry of each operator.
  await db.insert('events', [[2000, 9, '1.00', 'one']]);
  await db.checkpoint();
  assert.equal(checkpointFigures(db).lastCheckpointIncremental, true);
  assert.ok(
    checkpointFigures(db).lastCheckpointBytes * 10 < fullBytes,
    `${checkpointFigures(db).lastCheckpointBytes} bytes after one change, ${fullBytes} for all`,
  );
  await later(db);
  await db.checkpoint();
  // A view created since the base is saved whole inside the incremental checkpoint.
  views.late_sums = 'SELECT account, sum(amount) AS s FROM events GROUP BY account';
  try {
    await db.execute(`CREATE MATERIALIZED VIEW late_sums AS ${views.late_sums}`);
    await db.execute('UPDATE events SET amount = -amount WHERE id % 7 = 0');
    await db.checkpoint();
    assert.equal(checkpointFigures(db).incrementalCheckpoints, 3);
    await db.insert('events', [[5000, 1, '3.00', 'after']]);
    const before = await contentsOf(db);
    abandon(db);
    db = await open(dir);
    assert.equal(viewsRestored(db), Object.keys(views).length);
    assert.deepEqual(await contentsOf(db), before);
    await assertViewsMatch(db, 'after recovery from an incremental chain');
    // Compaction: after 16 incremental checkpoints in a row, a full one. The first after a
    // restart is full too (changes are followed from a boundary this process wrote).
    for (let i = 0; i < 18; i++) {
      await db.insert('events', [[3000 + i, 100 + i, '1.00', 'c']]);
      await db.checkpoint();
    }
    assert.deepEqual(
      [checkpointFigures(db).checkpoints, checkpointFigures(db).incrementalCheckpoints],
      [18, 16],
    );
    await db.execute('DELETE FROM events WHERE account = 1 AND id > 500');
    const after = await contentsOf(db);
    abandon(db);
    db = await open(dir);
    assert.deepEqual(await contentsOf(db), after);
    await assertViewsMatch(db, 'after compaction and recovery');
    await db.close();
  } finally {
    delete views.late_sums;
  }
});
