/**
 * @module bench/engine/eddy-case
 * The engine suite's queries on Eddy, through the embedded library API: tables, one materialized
 * view, one insert per table per batch. Kept small and alone so the API's owner can adjust it;
 * statements Eddy rejects as not supported yet (0A000) make the case `unavailable`.
 */
import { EddyError, SqlState } from '../../src/common/errors.ts';
import type { Row, Value } from '../../src/common/value.ts';
import { nexmarkCreateTableSql } from '../../src/connectors/datagen/nexmark/index.ts';
import { Eddy } from '../../src/index.ts';
import type { CaseOptions, EngineCase, OpenedCase } from './engine-case.ts';
import type { InputBatch } from './engine-input.ts';
import { ENGINE_QUERIES, type EngineQuery } from './engine-queries.ts';
import { digestOf } from './result-digest.ts';

export async function openEddyCase(query: EngineQuery, _options: CaseOptions): Promise<OpenedCase> {
  const def = ENGINE_QUERIES[query];
  const view = `nexmark_${query}`;
  const db = await Eddy.open();
  try {
    // Sources: the input keeps nothing itself, only what the view needs (as a connector would feed it).
    for (const table of def.tables)
      await db.execute(nexmarkCreateTableSql(table).replace(/^CREATE TABLE/, 'CREATE SOURCE'));
    await db.execute(`CREATE MATERIALIZED VIEW ${view} AS ${def.sql}`);
  } catch (e) {
    // What Eddy cannot do yet is reported as unavailable, not as a failure of the benchmark.
    if (e instanceof EddyError && e.code === SqlState.featureNotSupported)
      return { ok: false, reason: e.message };
    throw e;
  }
  const engineCase: EngineCase = {
    // One step per batch, all tables together (as d2ts's one version per batch).
    async push(batch: InputBatch) {
      const parts: { table: string; values: Value[]; rowCount: number }[] = [];
      for (const table of def.tables) {
        const rows = batch[table];
        if (rows !== undefined && rows.rowCount > 0)
          parts.push({ table, values: rows.values, rowCount: rows.rowCount });
      }
      // The generator's values are Eddy's own forms (timestamps in microseconds): checked, not converted.
      if (parts.length > 0) await db.insertBatches(parts, { valueForm: 'engine' });
    },
    flush: async () => {},
    outputRows: async () => Number(resultRows(await db.query(`SELECT count(*) FROM ${view}`))[0][0]),
    result: async () => resultRows(await db.query(`SELECT * FROM ${view}`)),
    // Read once, after the measurements: the view holds the whole result.
    digest: async () => digestOf(resultRows(await db.query(`SELECT * FROM ${view}`))),
    takeVerificationNs: () => 0n,
    close: async () => {
      await db.close();
    },
  };
  return { ok: true, engineCase };
}

function resultRows(result: { readonly rows: readonly Row[] }): Row[] {
  return result.rows.slice();
}
