/**
 * The engine's oracle (DESIGN.md, "The oracle"): after every step, every materialized view
 * equals the from-scratch evaluation of its SQL over the data accepted so far. Random schemas'
 * queries and write histories come from query-gen.ts; half the views are created before any data,
 * half after the first step (hydration). Seeded and replayable:
 *   EDDY_PROPERTY_SEED=<n> EDDY_PROPERTY_RUNS=<n> node --test test/property/view-oracle.test.ts
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Eddy, type Value } from '../../src/index.ts';
import { createTablesSql, historyArb, queryArb, type RowValues, tables, type Write } from './query-gen.ts';

const runs = Number(process.env.EDDY_PROPERTY_RUNS ?? 60);
const seed = Number(process.env.EDDY_PROPERTY_SEED ?? 20261121);

function literal(v: number | string | null): string {
  if (v === null) return 'NULL';
  return typeof v === 'number' ? String(v) : `'${v}'`;
}

function canonical(rows: readonly (readonly Value[])[]): string[] {
  return rows.map((r) => r.map((v) => (v === null ? 'NULL' : String(v))).join('|')).sort();
}

/** The SQL of one step's transaction, tracking the ids present in each table. */
function stepSql(writes: readonly Write[], ids: number[][], next: { id: number }): string {
  const statements: string[] = [];
  for (const w of writes) {
    const table = tables[w.table]!;
    const present = ids[w.table]!;
    const columns = ['id', ...table.ints, table.text].join(', ');
    if (w.kind === 'insert') {
      const id = next.id++;
      present.push(id);
      statements.push(
        `INSERT INTO ${table.name} (${columns}) VALUES (${[id, ...w.row].map(literal).join(', ')});`,
      );
    } else if (present.length > 0) {
      const at = w.pick % present.length;
      const id = present[at]!;
      if (w.kind === 'delete') {
        present.splice(at, 1);
        statements.push(`DELETE FROM ${table.name} WHERE id = ${id};`);
      } else {
        const sets = [...table.ints, table.text]
          .map((c, i) => `${c} = ${literal((w.row as RowValues)[i]!)}`)
          .join(', ');
        statements.push(`UPDATE ${table.name} SET ${sets} WHERE id = ${id};`);
      }
    }
  }
  return `BEGIN; ${statements.join(' ')} COMMIT;`;
}

test('every materialized view equals a from-scratch evaluation of its query after every step', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(queryArb, { minLength: 1, maxLength: 4 }),
      historyArb,
      async (queries, history) => {
        const db = await Eddy.open();
        try {
          // The reference: each query evaluated as written, without the ad-hoc path's pushdown.
          await db.execute('SET eddy.reference_evaluation = on');
          await db.execute(createTablesSql());
          const early = queries.slice(0, Math.ceil(queries.length / 2));
          const late = queries.slice(early.length);
          const views: { name: string; sql: string }[] = [];
          const create = async (sql: string): Promise<void> => {
            const name = `v${views.length}`;
            await db.execute(`CREATE MATERIALIZED VIEW ${name} AS ${sql}`);
            views.push({ name, sql });
          };
          for (const q of early) await create(q);
          const ids: number[][] = tables.map(() => []);
          const next = { id: 1 };
          for (let step = 0; step < history.length; step++) {
            await db.execute(stepSql(history[step]!, ids, next));
            if (step === 0) for (const q of late) await create(q);
            for (const v of views) {
              const maintained = await db.query(`SELECT * FROM ${v.name}`);
              const scratch = await db.query(v.sql);
              assert.deepEqual(
                canonical(maintained.rows),
                canonical(scratch.rows),
                `view ${v.name} after step ${step + 1}: ${v.sql}`,
              );
            }
          }
        } finally {
          await db.close();
        }
      },
    ),
    { seed, numRuns: runs },
  );
});
