/**
 * @module test/slt/runner/feed-plan
 * Splits a file into groups for incremental mode. Within a group, table DDL is hoisted before the
 * views, literal INSERT rows become a feed that can be batched, deleted and re-inserted, and other
 * DML runs as an opaque step. A statement that cannot be reordered (DROP, ALTER, CREATE TABLE AS, a
 * non-DML `statement error`, …) is a barrier: the next group replays the file up to it as written.
 */
import type { FilePlan } from './file-plan.ts';
import type { QueryRecord } from './parser.ts';
import { type InsertRows, type Literal, scanCreateTable, scanInsert, type TableInfo } from './sql-scan.ts';

/** One row of a literal INSERT, with the SQL to insert it and (when exact) to delete its copies. */
export interface FeedRow {
  readonly record: number;
  readonly table: string;
  readonly insertSql: string;
  /** Identifies equal rows of the table; null when the row cannot be deleted exactly. */
  readonly key: string | null;
  readonly deleteSql: string | null;
}

export type FeedItem =
  | { readonly kind: 'row'; readonly row: FeedRow }
  | { readonly kind: 'opaque'; readonly record: number; readonly sql: string; readonly expectError: boolean };

export interface Checkpoint {
  readonly record: number;
  readonly query: QueryRecord;
  /** The number of feed items applied when the query is checked against the file's result. */
  readonly feedPos: number;
}

export interface Group {
  /** Statement records replayed as written before anything else (the file up to the barrier). */
  readonly setup: number[];
  /** The barrier statement that opened this group (also the last of `setup`); owned by this group. */
  readonly barrier: number | undefined;
  /** Hoisted DDL records, run in order before the views are created. */
  readonly ddl: number[];
  readonly feed: FeedItem[];
  readonly checkpoints: Checkpoint[];
  /** Names of every table created so far, to tell which views a step can change. */
  readonly tables: ReadonlySet<string>;
  /** Other relations created (plain views): a query naming one may depend on any table. */
  readonly otherRelations: ReadonlySet<string>;
}

type StatementClass = 'ddl' | 'rows' | 'opaque' | 'barrier';

const createIndex = /^\s*create\s+(unique\s+)?index\b/i;
const createView = /^\s*create\s+(or\s+replace\s+)?(temp\s+|temporary\s+)?view\s+("(?:[^"]|"")*"|[\w$.]+)/i;
const dml = /^\s*(insert|update|delete)\b/i;
const exactNumberType = /^\s*(int|integer|bigint|smallint|int2|int4|int8|numeric|decimal)\b/i;
const textType = /^\s*(text|varchar|character varying|char|character)\b/i;

export function planGroups(plan: FilePlan): Group[] {
  const groups: Group[] = [];
  const tables = new Set<string>();
  const others = new Set<string>();
  const known = new Map<string, TableInfo>();
  const replayed: number[] = [];
  const kindsByRow = new Map<FeedRow, string>();
  let current = newGroup([], undefined, tables, others);
  for (const [i, state] of plan.state) {
    if (state !== 'run') continue;
    const r = plan.records[i];
    if (r.kind === 'query') {
      current.checkpoints.push({ record: i, query: r, feedPos: current.feed.length });
      continue;
    }
    if (r.kind !== 'statement') continue;
    const kind = classify(r.sql, r.expectError);
    if (kind === 'barrier') {
      // Deletable rows need a table shape the barrier may have changed: forget the shapes.
      known.clear();
      dropAmbiguousDeletes(current.feed, kindsByRow);
      kindsByRow.clear();
      groups.push(current);
      current = newGroup([...replayed, i], i, tables, others);
    } else if (kind === 'ddl') {
      current.ddl.push(i);
      const table = scanCreateTable(r.sql);
      if (table !== null) {
        tables.add(table.name);
        known.set(table.name, table);
      }
      const view = createView.exec(r.sql);
      if (view !== null) others.add(view[3].replace(/"/g, '').toLowerCase());
    } else if (kind === 'rows') {
      for (const row of feedRows(i, scanInsert(r.sql)!, known, kindsByRow))
        current.feed.push({ kind: 'row', row });
    } else {
      current.feed.push({ kind: 'opaque', record: i, sql: r.sql, expectError: r.expectError });
    }
    replayed.push(i);
  }
  dropAmbiguousDeletes(current.feed, kindsByRow);
  groups.push(current);
  return groups;
}

function newGroup(
  setup: number[],
  barrier: number | undefined,
  tables: Set<string>,
  others: Set<string>,
): Group {
  return { setup, barrier, ddl: [], feed: [], checkpoints: [], tables, otherRelations: others };
}

export function classify(sql: string, expectError: boolean): StatementClass {
  if (dml.test(sql)) return !expectError && scanInsert(sql) !== null ? 'rows' : 'opaque';
  if (expectError) return 'barrier';
  if (createIndex.test(sql) || createView.test(sql) || scanCreateTable(sql) !== null) return 'ddl';
  return 'barrier';
}

/** Expands a literal INSERT into single-row inserts, each with an exact delete when possible. */
function feedRows(
  record: number,
  insert: InsertRows,
  known: ReadonlyMap<string, TableInfo>,
  kindsByRow: Map<FeedRow, string>,
): FeedRow[] {
  const table = known.get(insert.table);
  const columnList = insert.sqlColumns === null ? '' : ` (${insert.sqlColumns.join(', ')})`;
  return insert.rows.map((lits) => {
    const insertSql = `INSERT INTO ${insert.sqlTable}${columnList} VALUES (${lits.map((l) => l.text).join(', ')})`;
    const exact = table === undefined ? null : exactRow(table, insert, lits);
    const row: FeedRow = {
      record,
      table: insert.table,
      insertSql,
      key: exact === null ? null : `${insert.table}\u0000${exact.key}`,
      deleteSql: exact === null ? null : `DELETE FROM ${insert.sqlTable} WHERE ${exact.predicate}`,
    };
    if (exact !== null) kindsByRow.set(row, exact.kinds);
    return row;
  });
}

/** The full-row key and predicate, or null when an omitted column has a default the runner cannot know. */
function exactRow(
  table: TableInfo,
  insert: InsertRows,
  lits: readonly Literal[],
): { key: string; predicate: string; kinds: string } | null {
  if (insert.columns === null && lits.length !== table.columns.length) return null;
  const keys: string[] = [];
  const terms: string[] = [];
  let kinds = '';
  for (let c = 0; c < table.columns.length; c++) {
    const col = table.columns[c];
    const at = insert.columns === null ? c : insert.columns.indexOf(col.name);
    if (at < 0 && col.hasDefault) return null;
    const lit = at < 0 ? undefined : lits[at];
    kinds += lit === undefined || lit.kind === 'null' ? '-' : lit.kind[0];
    if (lit === undefined || lit.kind === 'null') {
      keys.push('null');
      terms.push(`${col.sqlName} IS NULL`);
      continue;
    }
    keys.push(lit.key);
    const value = needsCast(col.typeText, lit) ? `CAST(${lit.text} AS ${col.typeText})` : lit.text;
    terms.push(`${col.sqlName} = ${value}`);
  }
  return { key: keys.join('\u0001'), predicate: terms.join(' AND '), kinds };
}

/** Whether comparing the column with the bare literal could differ from comparing the stored value. */
function needsCast(typeText: string, lit: Literal): boolean {
  if (lit.kind === 'number') return !exactNumberType.test(typeText);
  if (lit.kind === 'string') return !textType.test(typeText);
  return !/^bool/i.test(typeText);
}

/**
 * Rows whose column got literals of different kinds ('1' and 1) may be equal once stored although
 * their keys differ, so a delete could remove more copies than the runner counts: such a table's
 * rows are fed but never deleted.
 */
function dropAmbiguousDeletes(feed: FeedItem[], kindsByRow: Map<FeedRow, string>): void {
  const seen = new Map<string, string>();
  const ambiguous = new Set<string>();
  for (const [row, kinds] of kindsByRow) {
    const before = seen.get(row.table);
    if (before === undefined) {
      seen.set(row.table, kinds);
      continue;
    }
    let merged = '';
    for (let c = 0; c < kinds.length; c++) {
      const a = before[c];
      const b = kinds[c];
      if (a !== b && a !== '-' && b !== '-') ambiguous.add(row.table);
      merged += a === '-' ? b : a;
    }
    seen.set(row.table, merged);
  }
  if (ambiguous.size === 0) return;
  for (let i = 0; i < feed.length; i++) {
    const item = feed[i];
    if (item.kind === 'row' && item.row.key !== null && ambiguous.has(item.row.table)) {
      feed[i] = { kind: 'row', row: { ...item.row, key: null, deleteSql: null } };
    }
  }
}
