/**
 * INSERT … ON CONFLICT DO UPDATE between sessions under snapshot isolation: a transaction's
 * upsert applies on top of what its snapshot sees, and its COMMIT fails with 40001 when another
 * transaction committed the same key since (whether that one inserted or updated it), so no
 * upsert is lost and no key is doubled; an upsert that meets a key committed after its snapshot
 * fails at once with 40001. A seeded random run of sessions upserting hot keys ends with the
 * table equal to the committed upserts and every view equal to the table.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { Database } from '../../src/runtime/database.ts';
import { createDataflowMaintainer } from '../../src/runtime/dataflow-maintainer.ts';
import { Session } from '../../src/runtime/session.ts';
import { loadParser } from '../../src/sql/front/index.ts';

before(async () => {
  await loadParser();
});

const UPSERT = (k: number) =>
  `INSERT INTO c VALUES (${k}, 1) ON CONFLICT (k) DO UPDATE SET n = c.n + excluded.n`;

function setup(sessions: number): { db: Database; s: Session[] } {
  const db = new Database(createDataflowMaintainer);
  const first = new Session(db);
  first.execute(
    `CREATE TABLE c (k integer PRIMARY KEY, n integer NOT NULL);
     CREATE MATERIALIZED VIEW copy AS SELECT k, n FROM c;
     CREATE MATERIALIZED VIEW totals AS SELECT count(*) AS keys, sum(n) AS upserts FROM c`,
  );
  const s = [first];
  while (s.length < sessions) s.push(new Session(db));
  return { db, s };
}

const rows = (s: Session, sql: string) => s.execute(sql).at(-1)!.rows;

test('two transactions inserting the same new key: the second COMMIT fails with 40001, its retry updates', () => {
  const { s } = setup(2);
  const [a, b] = s as [Session, Session];
  a.execute(`BEGIN; ${UPSERT(1)}`);
  b.execute(`BEGIN; ${UPSERT(1)}`);
  a.execute('COMMIT');
  assert.throws(() => b.execute('COMMIT'), { code: '40001' });
  b.execute(UPSERT(1));
  assert.deepEqual(rows(a, 'SELECT k, n FROM c'), [[1, 2]]);
  assert.deepEqual(rows(a, 'SELECT k, n FROM copy'), [[1, 2]]);
});

test('two transactions updating the same key: the second COMMIT fails with 40001, nothing is lost', () => {
  const { s } = setup(2);
  const [a, b] = s as [Session, Session];
  a.execute(UPSERT(1));
  a.execute(`BEGIN; ${UPSERT(1)}`);
  b.execute(`BEGIN; ${UPSERT(1)}; ${UPSERT(2)}`);
  a.execute('COMMIT');
  assert.throws(() => b.execute('COMMIT'), { code: '40001' });
  assert.deepEqual(rows(b, 'SELECT k, n FROM c ORDER BY k'), [[1, 2]]);
  assert.deepEqual(rows(b, 'SELECT keys, upserts FROM totals'), [[1, 2]]);
});

test('an upsert meeting a key committed after its snapshot fails at once with 40001', () => {
  const { s } = setup(2);
  const [a, b] = s as [Session, Session];
  a.execute('BEGIN; SELECT count(*) FROM c');
  b.execute(UPSERT(5));
  assert.throws(() => a.execute(UPSERT(5)), { code: '40001' });
  assert.equal(a.execute('COMMIT')[0]!.command, 'ROLLBACK');
  assert.deepEqual(rows(b, 'SELECT k, n FROM c'), [[5, 1]]);
});

test('a transaction sees its own upserts and upserts its own row again', () => {
  const { s } = setup(2);
  const [a, b] = s as [Session, Session];
  a.execute(`BEGIN; ${UPSERT(3)}; ${UPSERT(3)}`);
  assert.deepEqual(rows(a, 'SELECT k, n FROM c'), [[3, 2]]);
  assert.deepEqual(rows(b, 'SELECT k, n FROM c'), []);
  a.execute('COMMIT');
  assert.deepEqual(rows(b, 'SELECT k, n FROM copy'), [[3, 2]]);
});

/** mulberry32: a small seeded generator, so a failing run can be replayed. */
function random(seed: number): () => number {
  let t = seed >>> 0;
  return () => {
    t = (t + 0x6d2b79f5) >>> 0;
    let r = Math.imul(t ^ (t >>> 15), 1 | t);
    r ^= r + Math.imul(r ^ (r >>> 7), 61 | r);
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

test('sessions upserting hot keys: the table equals the committed upserts, the views equal the table', () => {
  const seed = Number(process.env.EDDY_UPSERT_SEED ?? 13);
  const next = random(seed);
  const pick = (n: number) => Math.floor(next() * n);
  const { s } = setup(5);
  const keys = 4;
  const committed = new Array<number>(keys).fill(0);
  const pending = s.map(() => new Array<number>(keys).fill(0));
  const open = s.map(() => false);
  const outcomes = { commits: 0, conflicts: 0, autocommits: 0 };
  const finish = (i: number, ok: boolean): void => {
    if (ok) for (const [k, w] of pending[i]!.entries()) committed[k]! += w;
    pending[i]!.fill(0);
    open[i] = false;
  };
  for (let step = 0; step < 600; step++) {
    const i = pick(s.length);
    const session = s[i]!;
    const k = pick(keys);
    const roll = next();
    if (!open[i] && roll < 0.15) {
      session.execute(UPSERT(k));
      committed[k]!++;
      outcomes.autocommits++;
    } else if (!open[i]) {
      session.execute('BEGIN');
      open[i] = true;
    } else if (roll < 0.6) {
      try {
        session.execute(UPSERT(k));
        pending[i]![k]!++;
      } catch (e) {
        assert.equal((e as { code?: string }).code, '40001', `seed ${seed} step ${step}`);
        outcomes.conflicts++;
        assert.equal(session.execute('ROLLBACK')[0]!.command, 'ROLLBACK');
        finish(i, false);
      }
    } else {
      try {
        const done = session.execute('COMMIT')[0]!.command === 'COMMIT';
        if (done) outcomes.commits++;
        finish(i, done);
      } catch (e) {
        assert.equal((e as { code?: string }).code, '40001', `seed ${seed} step ${step}`);
        outcomes.conflicts++;
        finish(i, false);
      }
    }
  }
  s.forEach((session, i) => {
    if (open[i]) session.execute('ROLLBACK');
  });
  // Both kinds of outcome happened, or the run proves nothing about conflicts.
  assert.ok(outcomes.commits > 10 && outcomes.conflicts > 10, JSON.stringify(outcomes));
  const expected = committed.flatMap((n, k) => (n > 0 ? [[k, n]] : []));
  const reader = s[0]!;
  assert.deepEqual(rows(reader, 'SELECT k, n FROM c ORDER BY k'), expected, `seed ${seed}`);
  assert.deepEqual(rows(reader, 'SELECT k, n FROM copy ORDER BY k'), expected);
  const total = committed.reduce((a, n) => a + n, 0);
  assert.deepEqual(rows(reader, 'SELECT keys, upserts FROM totals'), [[expected.length, total]]);
});
