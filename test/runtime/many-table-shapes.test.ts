/**
 * @module test/runtime/many-table-shapes
 * Generated many-table queries the ad-hoc path once materialised as cross products: FROM lists
 * whose tables carry their own filters but no join condition, and equi-join chains up to 64
 * tables of 1,000 rows written as a comma list with the equalities in WHERE. Each runs ad hoc
 * (pushdown, hash joins) and as a materialized view, before and after a step, and is compared
 * with the reference evaluation (small shapes) or with the answer computed here (large ones).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Eddy } from '../../src/index.ts';

/** A small seeded generator (mulberry32), so a failure replays. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let x = Math.imul(s ^ (s >>> 15), 1 | s);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 2 ** 32;
  };
}

async function answer(db: Eddy, sql: string): Promise<unknown[]> {
  return (await db.query(sql)).rows.map((r) => [...r]).sort();
}

/** Ad hoc (rewritten), ad hoc as written (reference) when `reference`, and the view agree. */
async function checkModes(db: Eddy, view: string, sql: string, reference: boolean): Promise<unknown[]> {
  const adhoc = await answer(db, sql);
  assert.deepEqual(await answer(db, `SELECT * FROM ${view}`), adhoc, `${view} = ad hoc`);
  if (reference) {
    await db.execute('SET eddy.reference_evaluation = on');
    assert.deepEqual(await answer(db, sql), adhoc, `${view}: ad hoc = reference`);
    await db.execute('RESET eddy.reference_evaluation');
  }
  return adhoc;
}

test('per-table filters without join conditions: ad hoc, view and reference agree', async () => {
  for (let seed = 1; seed <= 6; seed++) {
    const rand = random(seed);
    const db = await Eddy.open();
    try {
      const tables = 2 + Math.floor(rand() * 3);
      const filters: string[] = [];
      for (let i = 0; i < tables; i++) {
        await db.execute(`CREATE TABLE p${i} (id integer PRIMARY KEY, v integer)`);
        const rows = Array.from({ length: 8 }, (_, r) => `(${r}, ${Math.floor(rand() * 5)})`);
        await db.execute(`INSERT INTO p${i} VALUES ${rows.join(', ')}`);
        filters.push(
          rand() < 0.5 ? `p${i}.v = ${Math.floor(rand() * 5)}` : `p${i}.v < ${1 + Math.floor(rand() * 3)}`,
        );
      }
      const from = Array.from({ length: tables }, (_, i) => `p${i}`).join(', ');
      const sql = `SELECT p0.id, count(*) AS n, sum(p${tables - 1}.v) AS s FROM ${from} WHERE ${filters.join(' AND ')} GROUP BY p0.id`;
      await db.execute(`CREATE MATERIALIZED VIEW pv AS ${sql}`);
      await checkModes(db, 'pv', sql, true);
      await db.execute(
        `DELETE FROM p0 WHERE id % 3 = 0; INSERT INTO p${tables - 1} VALUES (100, 0), (101, 1)`,
      );
      await checkModes(db, 'pv', sql, true);
    } finally {
      await db.close();
    }
  }
});

/**
 * Tables c0 … c(n-1) of `rows` rows (a, b): a is the row number, b a random successor. The chain
 * `c0.b = c1.a AND c1.b = c2.a …` follows each start through every table; some tables also drop
 * rows whose b is a multiple of 10.
 */
async function chain(db: Eddy, n: number, rows: number, seed: number) {
  const rand = random(seed);
  const next: number[][] = [];
  const filtered: boolean[] = [];
  for (let t = 0; t < n; t++) {
    next.push(Array.from({ length: rows }, () => Math.floor(rand() * rows)));
    filtered.push(rand() < 0.1);
    await db.execute(`CREATE TABLE c${t} (a integer, b integer)`);
    await db.execute(`INSERT INTO c${t} VALUES ${next[t]!.map((b, a) => `(${a}, ${b})`).join(', ')}`);
  }
  const from = Array.from({ length: n }, (_, t) => `c${t}`).join(', ');
  const where = [
    ...Array.from({ length: n - 1 }, (_, t) => `c${t}.b = c${t + 1}.a`),
    ...filtered.flatMap((f, t) => (f ? [`c${t}.b % 10 <> 0`] : [])),
  ];
  const sql = `SELECT count(*) AS n, sum(c${n - 1}.b) AS s FROM ${from} WHERE ${where.join(' AND ')}`;
  /** The answer computed here: follow each start through the tables. */
  const expected = (): [number, number | null] => {
    let count = 0;
    let sum = 0;
    for (let start = 0; start < rows; start++) {
      let v = start;
      let kept = true;
      for (let t = 0; t < n && kept; t++) {
        v = next[t]![v]!;
        if (filtered[t] && v % 10 === 0) kept = false;
      }
      if (kept) {
        count++;
        sum += v;
      }
    }
    return [count, count === 0 ? null : sum];
  };
  return { sql, next, expected };
}

test('equi-join chains up to 64 tables of 1,000 rows answer ad hoc and as views', async () => {
  for (const [n, rows, seed] of [
    [4, 6, 1],
    [16, 200, 2],
    [64, 1000, 3],
  ] as const) {
    const db = await Eddy.open();
    try {
      const c = await chain(db, n, rows, seed);
      await db.execute(`CREATE MATERIALIZED VIEW cv AS ${c.sql}`);
      const asNumbers = (r: unknown[]) =>
        r.map((row) => (row as unknown[]).map((v) => (v === null ? null : Number(v))));
      assert.deepEqual(asNumbers(await checkModes(db, 'cv', c.sql, n <= 4)), [c.expected()], `${n} tables`);
      // A step: the first table's first rows get new successors.
      for (let a = 0; a < Math.min(rows, 5); a++) {
        const b = (c.next[0]![a]! + 1) % rows;
        await db.execute(`DELETE FROM c0 WHERE a = ${a}; INSERT INTO c0 VALUES (${a}, ${b})`);
        c.next[0]![a] = b;
      }
      assert.deepEqual(
        asNumbers(await checkModes(db, 'cv', c.sql, n <= 4)),
        [c.expected()],
        `${n} tables, after a step`,
      );
    } finally {
      await db.close();
    }
  }
});
