/**
 * Views over append-only sources keep less state (min / max keep one value per group) and must
 * still answer exactly what the same view over a table with the same rows answers.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Eddy } from '../../src/index.ts';
import { isAppendOnly } from '../../src/plan/append-only.ts';
import type { LogicalPlan } from '../../src/plan/logical.ts';

const view = (from: string, other: string) =>
  `SELECT e.k, min(e.v) AS lo, max(e.v) AS hi, max(e.s) AS top, count(*) AS n FROM ${from} AS e JOIN ${other} AS o ON o.k = e.k WHERE e.v IS NOT NULL OR e.s IS NOT NULL GROUP BY e.k`;

test('min/max over a source equal min/max over a table with the same rows', async () => {
  const db = await Eddy.open();
  await db.execute(`
    CREATE SOURCE es (k integer, v integer, s text);
    CREATE SOURCE os (k integer);
    CREATE TABLE et (k integer, v integer, s text);
    CREATE TABLE ot (k integer);
    CREATE MATERIALIZED VIEW from_source AS ${view('es', 'os')};
    CREATE MATERIALIZED VIEW from_table AS ${view('et', 'ot')};
  `);
  let seed = 7;
  const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  for (let step = 0; step < 30; step++) {
    const events: (number | string | null)[][] = [];
    for (let i = 0; i < 20; i++) {
      events.push([
        Math.floor(next() * 6),
        next() < 0.1 ? null : Math.floor(next() * 1000) - 500,
        next() < 0.2 ? null : String.fromCharCode(97 + Math.floor(next() * 26)),
      ]);
    }
    const others = [[Math.floor(next() * 8)]];
    await db.insertBatches([
      { table: 'es', values: events.flat(), rowCount: events.length },
      { table: 'os', values: others.flat(), rowCount: others.length },
    ]);
    await db.insertBatches([
      { table: 'et', values: events.flat(), rowCount: events.length },
      { table: 'ot', values: others.flat(), rowCount: others.length },
    ]);
    const a = await db.query('SELECT * FROM from_source ORDER BY k');
    const b = await db.query('SELECT * FROM from_table ORDER BY k');
    assert.deepEqual(a.rows, b.rows, `after step ${step}`);
  }
});

test('append-only analysis: sources through filters, maps, inner joins and UNION ALL', () => {
  const source = (relationId: number): LogicalPlan => ({
    kind: 'get',
    relationId,
    name: `r${relationId}`,
    schema: [],
  });
  const appendOnly = (id: number) => id < 10;
  const t = { kind: 'literal' as const, value: true, type: { id: 'bool' as const } };
  assert.equal(isAppendOnly(source(1), appendOnly), true);
  assert.equal(isAppendOnly(source(11), appendOnly), false);
  const join = (type: 'inner' | 'left', r: LogicalPlan): LogicalPlan => ({
    kind: 'join',
    joinType: type,
    left: source(1),
    right: r,
    on: t,
    schema: [],
  });
  assert.equal(isAppendOnly(join('inner', source(2)), appendOnly), true);
  assert.equal(isAppendOnly(join('left', source(2)), appendOnly), false);
  assert.equal(isAppendOnly(join('inner', source(12)), appendOnly), false);
  assert.equal(isAppendOnly({ kind: 'distinct', input: source(1), schema: [] }, appendOnly), false);
});

test('min/max over a source compare char values as char does: trailing spaces ignored', async () => {
  const db = await Eddy.open();
  await db.execute(`
    CREATE SOURCE cs (k integer, c char(3), s text);
    CREATE MATERIALIZED VIEW extremes AS
      SELECT k, min(c) AS lo, max(c) AS hi, min(coalesce(c, s::bpchar)) AS loose_lo FROM cs GROUP BY k;
  `);
  // Padded, a-tab is 'a\t ', below 'a  '; char's order puts 'a' first. Group 2 holds 'b' both
  // padded by char(3) and as the shorter 'b ' from text: the most padded form is shown.
  await db.execute(
    `INSERT INTO cs VALUES (1, 'a', NULL), (1, E'a\\t', NULL), (2, NULL, 'b '), (2, 'b', NULL)`,
  );
  await db.execute(`INSERT INTO cs VALUES (1, E'\\t', NULL), (2, NULL, 'b')`);
  const { rows } = await db.query('SELECT k, lo, hi, loose_lo FROM extremes ORDER BY k');
  assert.deepEqual(rows, [
    [1, '\t  ', 'a\t ', '\t  '],
    [2, 'b  ', 'b  ', 'b  '],
  ]);
});
