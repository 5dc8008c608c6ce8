/**
 * @module server/http/views-endpoint
 * `GET /views/{name}`: the rows of a table, materialized view or view as JSON, with equality
 * filters from the query string (`?id=3&region=north`, values in the columns' text form) and
 * `?limit=`. A stored relation answers a filter covering one of its indexes (primary key,
 * CREATE INDEX) from that index, without a scan; a plain view is evaluated through SQL.
 */
import type { RelationEntry } from '../../catalog/catalog.ts';
import { UTC } from '../../common/datetime-zone.ts';
import { DataError, SqlState, UndefinedObjectError } from '../../common/errors.ts';
import type { Value } from '../../common/value.ts';
import { valuesEqual } from '../../common/value-ops.ts';
import { parseText } from '../../functions/text-io.ts';
import type { Database } from '../../runtime/database.ts';
import { Session } from '../../runtime/session.ts';
import { columnsJson, rowsJson } from './json-encode.ts';
import { requireRelation } from './relation-name.ts';

/** Query parameters that are not column filters. */
const reservedParams: ReadonlySet<string> = new Set(['limit', 'access_token']);

interface Filter {
  readonly column: number;
  readonly text: string;
  readonly value: Value;
}

/** The response body `{"columns":[…],"rows":[…],"step":n}`. */
export function readView(db: Database, segment: string, query: URLSearchParams): string {
  const relation = requireRelation(db, segment);
  const limit = parseLimit(query.get('limit'));
  const filters: Filter[] = [];
  for (const [name, text] of query) {
    if (reservedParams.has(name)) continue;
    const column = columnIndex(relation, name);
    filters.push({ column, text, value: parseText(text, relation.schema[column]!.type, UTC) });
  }
  const step = db.currentStep;
  let rows =
    relation.kind === 'view' ? readPlainView(db, relation, filters) : readStored(db, relation, filters);
  if (limit !== undefined && rows.length > limit) rows = rows.slice(0, limit);
  const columns = relation.schema.map((c) => ({ name: c.name, type: c.type }));
  return `{"columns":${columnsJson(columns)},"rows":${rowsJson(columns, rows, UTC)},"step":${step}}`;
}

function parseLimit(text: string | null): number | undefined {
  if (text === null) return undefined;
  const n = Number(text);
  if (text === '' || !Number.isSafeInteger(n) || n < 0) {
    throw new DataError(SqlState.invalidRowCountInLimitClause, 'LIMIT must not be negative', {
      detail: `limit=${text} is not a non-negative integer.`,
    });
  }
  return n;
}

function columnIndex(relation: RelationEntry, name: string): number {
  let i = relation.schema.findIndex((c) => c.name === name);
  if (i < 0) i = relation.schema.findIndex((c) => c.name === name.toLowerCase());
  if (i < 0) {
    throw new UndefinedObjectError(
      SqlState.undefinedColumn,
      `column "${name}" of relation "${relation.name}" does not exist`,
    );
  }
  return i;
}

/**
 * A table's or materialized view's rows matching every filter: through an index whose columns
 * are all filtered when there is one, else one pass over the store that copies only matches.
 */
function readStored(db: Database, relation: RelationEntry, filters: readonly Filter[]): Value[][] {
  if (filters.length === 0) return [...db.readRelation(relation.id)];
  const byColumn = new Map<number, Value>();
  for (const f of filters) byColumn.set(f.column, f.value);
  const index = db.indexes(relation.id).find((cols) => cols.every((c) => byColumn.has(c)));
  const columns = index ?? [...byColumn.keys()];
  const candidates = db.lookup(
    relation.id,
    columns,
    columns.map((c) => byColumn.get(c)!),
  );
  // Repeated filters on one column (`?id=1&id=2`) and filters outside the index are checked here.
  return filters.length === columns.length ? candidates : candidates.filter((row) => matches(row, filters));
}

function matches(row: readonly Value[], filters: readonly Filter[]): boolean {
  for (const f of filters) {
    const v = row[f.column]!;
    if (v === null || !valuesEqual(v, f.value)) return false;
  }
  return true;
}

/** A plain view is computed by its SQL, with the filters as text parameters. */
function readPlainView(db: Database, relation: RelationEntry, filters: readonly Filter[]): Value[][] {
  const where = filters.map((f, k) => `${quoteIdent(relation.schema[f.column]!.name)} = $${k + 1}`);
  const sql = `SELECT * FROM ${quoteIdent(relation.name)}${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''}`;
  const results = new Session(db).execute(
    sql,
    filters.map((f) => f.text),
  );
  return results[0]!.rows as Value[][];
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
