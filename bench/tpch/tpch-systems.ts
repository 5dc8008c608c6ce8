/**
 * @module bench/tpch/tpch-systems
 * Loading TPC-H into Eddy (insertBatch), PostgreSQL (COPY from the load files, keys and foreign
 * keys indexed, ANALYZE) and DuckDB (COPY), applying the refresh sets to each as small
 * transactions, and comparing answers: every result is turned into PostgreSQL's text output, then
 * compared cell by cell, numbers within a relative tolerance (DuckDB's avg is a double).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import pg from 'pg';
import type { Eddy, QueryResult } from '../../src/eddy.ts';
import { valueText } from '../../test/slt/runner/value-text.ts';
import {
  createTableSql,
  PG_INDEXES,
  type RefreshSets,
  readRows,
  TPCH_TABLES,
  type TpchFiles,
  tableByName,
} from './tpch-data.ts';

/** Rows per insertBatch call while loading (one step each). */
const LOAD_BATCH_ROWS = 50_000;

export async function loadEddy(db: Eddy, files: TpchFiles): Promise<void> {
  for (const t of TPCH_TABLES) await db.execute(createTableSql(t));
  for (const t of TPCH_TABLES) {
    const { values, rowCount } = readRows(t, `${files.loadDir}/${t.name}.tbl`);
    const arity = t.columns.length;
    for (let from = 0; from < rowCount; from += LOAD_BATCH_ROWS) {
      const n = Math.min(LOAD_BATCH_ROWS, rowCount - from);
      await db.insertBatch(t.name, values.slice(from * arity, (from + n) * arity), n);
    }
  }
}

/** A client whose every value arrives as PostgreSQL's text. */
export async function connectPostgresText(url: string): Promise<pg.Client> {
  const client = new pg.Client({
    connectionString: url,
    types: { getTypeParser: () => (s: string) => s } as unknown as pg.CustomTypesConfig,
  });
  await client.connect();
  return client;
}

export async function loadPostgres(client: pg.Client, files: TpchFiles): Promise<void> {
  for (const t of TPCH_TABLES) {
    await client.query(`DROP TABLE IF EXISTS ${t.name}`);
    await client.query(createTableSql(t));
  }
  for (const t of TPCH_TABLES)
    await client.query(`COPY ${t.name} FROM '${files.loadDir}/${t.name}.tbl' WITH (DELIMITER '|')`);
  for (const sql of PG_INDEXES) await client.query(sql);
  await client.query('ANALYZE');
}

export async function loadDuckdb(conn: DuckDBConnection, files: TpchFiles): Promise<void> {
  for (const t of TPCH_TABLES) await conn.run(createTableSql(t));
  for (const t of TPCH_TABLES)
    await conn.run(`COPY ${t.name} FROM '${files.loadDir}/${t.name}.tbl' (DELIMITER '|', HEADER false)`);
}

/** One refresh transaction: orders with their lineitems to insert, or order keys to delete. */
export type RefreshTxn =
  | {
      readonly kind: 'insert';
      readonly orders: { values: unknown[]; rowCount: number };
      readonly lineitem: { values: unknown[]; rowCount: number };
    }
  | { readonly kind: 'delete'; readonly orderKeys: readonly number[] };

/** RF1 cut into transactions of `ordersPerTxn` orders each, then RF2 likewise. */
export function refreshTransactions(
  sets: RefreshSets,
  ordersPerTxn: number,
): { rf1: RefreshTxn[]; rf2: RefreshTxn[] } {
  const oArity = tableByName('orders').columns.length;
  const lArity = tableByName('lineitem').columns.length;
  const rf1: RefreshTxn[] = [];
  let line = 0;
  for (let o = 0; o < sets.rf1Orders.rowCount; o += ordersPerTxn) {
    const n = Math.min(ordersPerTxn, sets.rf1Orders.rowCount - o);
    const orderValues = sets.rf1Orders.values.slice(o * oArity, (o + n) * oArity);
    const keys = new Set<unknown>();
    for (let i = 0; i < n; i++) keys.add(orderValues[i * oArity]);
    const from = line;
    while (line < sets.rf1Lineitem.rowCount && keys.has(sets.rf1Lineitem.values[line * lArity])) line++;
    rf1.push({
      kind: 'insert',
      orders: { values: orderValues, rowCount: n },
      lineitem: {
        values: sets.rf1Lineitem.values.slice(from * lArity, line * lArity),
        rowCount: line - from,
      },
    });
  }
  if (line !== sets.rf1Lineitem.rowCount)
    throw new Error('RF1 lineitems are not in the order of their orders');
  const rf2: RefreshTxn[] = [];
  for (let o = 0; o < sets.rf2OrderKeys.length; o += ordersPerTxn)
    rf2.push({ kind: 'delete', orderKeys: sets.rf2OrderKeys.slice(o, o + ordersPerTxn) });
  return { rf1, rf2 };
}

export function txnRows(txn: RefreshTxn): number {
  return txn.kind === 'insert' ? txn.orders.rowCount + txn.lineitem.rowCount : txn.orderKeys.length;
}

export async function refreshEddy(db: Eddy, txn: RefreshTxn): Promise<void> {
  if (txn.kind === 'insert') {
    await db.insertBatches([
      { table: 'orders', ...txn.orders },
      { table: 'lineitem', ...txn.lineitem },
    ]);
  } else {
    const keys = txn.orderKeys.join(', ');
    await db.execute(
      `DELETE FROM lineitem WHERE l_orderkey IN (${keys}); DELETE FROM orders WHERE o_orderkey IN (${keys})`,
    );
  }
}

function valuesSql(rows: { values: unknown[]; rowCount: number }, arity: number): string {
  const tuples: string[] = [];
  for (let i = 0; i < rows.rowCount; i++) {
    const cells: string[] = [];
    for (let j = 0; j < arity; j++) {
      const v = rows.values[i * arity + j];
      cells.push(typeof v === 'number' ? String(v) : `'${String(v).replaceAll("'", "''")}'`);
    }
    tuples.push(`(${cells.join(', ')})`);
  }
  return tuples.join(', ');
}

/** The same transaction as SQL text, for PostgreSQL and DuckDB. */
export function refreshSql(txn: RefreshTxn): string[] {
  if (txn.kind === 'delete') {
    const keys = txn.orderKeys.join(', ');
    return [
      `DELETE FROM lineitem WHERE l_orderkey IN (${keys})`,
      `DELETE FROM orders WHERE o_orderkey IN (${keys})`,
    ];
  }
  const out = [`INSERT INTO orders VALUES ${valuesSql(txn.orders, tableByName('orders').columns.length)}`];
  if (txn.lineitem.rowCount > 0)
    out.push(
      `INSERT INTO lineitem VALUES ${valuesSql(txn.lineitem, tableByName('lineitem').columns.length)}`,
    );
  return out;
}

export async function refreshPostgres(client: pg.Client, txn: RefreshTxn): Promise<void> {
  await client.query('BEGIN');
  for (const sql of refreshSql(txn)) await client.query(sql);
  await client.query('COMMIT');
}

export async function refreshDuckdb(conn: DuckDBConnection, txn: RefreshTxn): Promise<void> {
  await conn.run('BEGIN');
  for (const sql of refreshSql(txn)) await conn.run(sql);
  await conn.run('COMMIT');
}

/** Rows as PostgreSQL's text output. */
export type TextRows = (string | null)[][];

export function eddyText(result: QueryResult): TextRows {
  return result.rows.map((row) =>
    row.map((v, i) => (v === null ? null : valueText(v, result.columns[i]?.type))),
  );
}

export async function postgresText(client: pg.Client, sql: string): Promise<TextRows> {
  const result = await client.query({ text: sql, rowMode: 'array' });
  return result.rows as TextRows;
}

export async function duckdbText(conn: DuckDBConnection, sql: string): Promise<TextRows> {
  const reader = await conn.runAndReadAll(sql);
  return reader.getRowsJson().map((row) => row.map((v) => (v === null ? null : String(v))));
}

const numberLike = /^-?\d+(\.\d+)?(e[-+]?\d+)?$/i;

function sameCell(expected: string | null, actual: string | null, padded: boolean): boolean {
  if (expected === actual) return true;
  if (expected === null || actual === null) return false;
  if (numberLike.test(expected) && numberLike.test(actual)) {
    const e = Number(expected);
    const a = Number(actual);
    return Math.abs(e - a) <= 1e-9 * Math.max(1, Math.abs(e));
  }
  // DuckDB keeps char(n) unpadded.
  return padded && expected.trimEnd() === actual.trimEnd();
}

/**
 * Null when `actual` equals `expected` (in order when `ordered`, else as bags), else a short
 * description of the first difference. `padded`: char(n) blanks may differ (DuckDB).
 */
export function compareRows(
  expected: TextRows,
  actual: TextRows,
  ordered: boolean,
  padded = false,
): string | null {
  if (expected.length !== actual.length) return `${actual.length} rows, expected ${expected.length}`;
  const key = (r: (string | null)[]) =>
    JSON.stringify(
      r.map((c) => (c !== null && numberLike.test(c) ? Number(c).toPrecision(9) : c?.trimEnd())),
    );
  const e = ordered
    ? expected
    : [...expected].sort((x, y) => (key(x) < key(y) ? -1 : key(x) > key(y) ? 1 : 0));
  const a = ordered ? actual : [...actual].sort((x, y) => (key(x) < key(y) ? -1 : key(x) > key(y) ? 1 : 0));
  for (let i = 0; i < e.length; i++) {
    const er = e[i]!;
    const ar = a[i]!;
    if (er.length !== ar.length) return `row ${i}: ${ar.length} columns, expected ${er.length}`;
    for (let j = 0; j < er.length; j++)
      if (!sameCell(er[j]!, ar[j]!, padded))
        return `row ${i} column ${j}: ${JSON.stringify(ar[j])}, expected ${JSON.stringify(er[j])}`;
  }
  return null;
}

/** Whether a query's text orders its result (its last ORDER BY is the outermost one in these texts). */
export function isOrdered(sql: string): boolean {
  return /ORDER BY[^()]*$/i.test(sql.replace(/\s+/g, ' '));
}
