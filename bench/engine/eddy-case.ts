/**
 * @module bench/engine/eddy-case
 * The engine suite's queries on Eddy, through the embedded library API: tables, one materialized
 * view, one insert per table per batch. Kept small and alone so the API's owner can adjust it.
 */
import type { Row, Value } from '../../src/common/value.ts';
import { type NexmarkBatch, nexmarkCreateTableSql } from '../../src/connectors/datagen/nexmark/index.ts';
import type { CaseOptions, EngineCase, OpenedCase } from './engine-case.ts';
import type { InputBatch } from './engine-input.ts';
import { ENGINE_QUERIES, type EngineQuery } from './engine-queries.ts';

/** The library surface this file assumes (DESIGN.md, Interfaces); `insertBatch` is the fast path. */
interface EddyDatabase {
  execute(sql: string): Promise<unknown>;
  query(sql: string): Promise<unknown>;
  insert(table: string, rows: Value[][]): Promise<unknown>;
  insertBatch?(table: string, values: Value[], rowCount: number): Promise<unknown>;
  close(): Promise<unknown>;
}

interface EddyClass {
  open(options?: Record<string, unknown>): Promise<EddyDatabase>;
}

/** Resolved at run time, so the suite type-checks and runs before `src/index.ts` exists. */
const EDDY_ENTRY = new URL('../../src/index.ts', import.meta.url).href;

export async function openEddyCase(query: EngineQuery, _options: CaseOptions): Promise<OpenedCase> {
  let loaded: unknown;
  try {
    loaded = await import(EDDY_ENTRY);
  } catch (e) {
    return {
      ok: false,
      reason: `src/index.ts did not load: ${e instanceof Error ? e.message.split('\n')[0] : e}`,
    };
  }
  const Eddy = (loaded as { Eddy?: EddyClass }).Eddy;
  if (typeof Eddy?.open !== 'function') return { ok: false, reason: 'src/index.ts exports no Eddy.open' };

  const def = ENGINE_QUERIES[query];
  const view = `nexmark_${query}`;
  const db = await Eddy.open();
  for (const table of def.tables) await db.execute(nexmarkCreateTableSql(table));
  await db.execute(`CREATE MATERIALIZED VIEW ${view} AS ${def.sql}`);

  const engineCase: EngineCase = {
    // TODO(lead): q4 feeds two tables; one transaction per batch would make it one step, as d2ts's one version.
    async push(batch: InputBatch) {
      for (const table of def.tables) {
        const rows = batch[table];
        if (rows === undefined || rows.rowCount === 0) continue;
        if (db.insertBatch) await db.insertBatch(table, rows.values, rows.rowCount);
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

/** Accepts rows as arrays, as objects (column order), or wrapped in `{ rows }`. */
function resultRows(result: unknown): Row[] {
  const list = Array.isArray(result) ? result : (result as { rows?: unknown }).rows;
  if (!Array.isArray(list)) throw new Error('unrecognised Eddy query result');
  return list.map((r: unknown) => (Array.isArray(r) ? r : Object.values(r as Record<string, Value>)));
}
