/**
 * @module bench/engine/eddy-case
 * The engine suite's queries on Eddy, through the embedded library API: tables, one materialized
 * view, one insert per table per batch. Kept small and alone so the API's owner can adjust it;
 * statements Eddy rejects as not supported yet (0A000) make the case `unavailable`.
 */
import { EddyError, SqlState } from '../../src/common/errors.ts';
import type { Row, Value } from '../../src/common/value.ts';
import { type NexmarkBatch, nexmarkCreateTableSql } from '../../src/connectors/datagen/nexmark/index.ts';
import { Eddy } from '../../src/index.ts';
import type { CaseOptions, EngineCase, OpenedCase } from './engine-case.ts';
import type { InputBatch } from './engine-input.ts';
import { ENGINE_QUERIES, type EngineQuery } from './engine-queries.ts';

/** The flat-batch entry point this suite expects Eddy to grow; `insert` of row arrays until then. */
interface BatchInsert {
  insertBatch(table: string, values: Value[], rowCount: number): Promise<unknown>;
}

export async function openEddyCase(query: EngineQuery, _options: CaseOptions): Promise<OpenedCase> {
  const def = ENGINE_QUERIES[query];
  const view = `nexmark_${query}`;
  const db = await Eddy.open();
  try {
    for (const table of def.tables) await db.execute(nexmarkCreateTableSql(table));
    await db.execute(`CREATE MATERIALIZED VIEW ${view} AS ${def.sql}`);
  } catch (e) {
    // What Eddy cannot do yet is reported as unavailable, not as a failure of the benchmark.
    if (e instanceof EddyError && e.code === SqlState.featureNotSupported)
      return { ok: false, reason: e.message };
    throw e;
  }
  const fast = (db as unknown as Partial<BatchInsert>).insertBatch?.bind(db);

  const engineCase: EngineCase = {
    // TODO(lead): q4 feeds two tables; one transaction per batch would make it one step, as d2ts's one version.
    async push(batch: InputBatch) {
      for (const table of def.tables) {
        const rows = batch[table];
        if (rows === undefined || rows.rowCount === 0) continue;
        if (fast) await fast(table, rows.values, rows.rowCount);
        else await db.insert(table, toRows(rows));
      }
    },
    flush: async () => {},
    outputRows: async () => Number(resultRows(await db.query(`SELECT count(*) FROM ${view}`))[0][0]),
    result: async () => resultRows(await db.query(`SELECT * FROM ${view}`)),
    close: async () => {
      await db.close();
    },
  };
  return { ok: true, engineCase };
}

function toRows(batch: NexmarkBatch): Row[] {
  const rows: Row[] = [];
  for (let i = 0; i < batch.rowCount; i++) rows.push(batch.row(i));
  return rows;
}

function resultRows(result: { readonly rows: readonly Row[] }): Row[] {
  return result.rows.slice();
}
