/**
 * @module test/fuzz/schema-gen
 * Random schemas and rows for the fuzzer: two or three tables whose columns are drawn from the
 * types Eddy supports (integers, numeric, double, text, varchar(n), char(n), boolean, date,
 * integer[]), with small value domains so that joins, groups and duplicates are common. Every
 * table has an `id` column, unique per row, that random transactions use to address rows.
 */
import type { Rng } from './rng.ts';

/** What expressions of a type can do; the generator picks operators by category. */
export type Category = 'int' | 'num' | 'float' | 'text' | 'bool' | 'date' | 'intarr';

export interface ColumnType {
  /** Short code used in column names. */
  readonly code: string;
  readonly sql: string;
  readonly category: Category;
  /** SQL literal of a random value (NULL included). */
  literal(rng: Rng): string;
}

const nullOr = (rng: Rng, make: () => string): string => (rng.chance(0.15) ? 'NULL' : make());
const quote = (s: string): string => `'${s.replace(/'/g, "''")}'`;
const words = ['a', 'b', 'B', 'ab', 'abc', '', 'a b', 'ba', 'x%', 'Zz'];

export const columnTypes: readonly ColumnType[] = [
  { code: 'i', sql: 'integer', category: 'int', literal: (r) => nullOr(r, () => String(r.int(-3, 6))) },
  {
    code: 'l',
    sql: 'bigint',
    category: 'int',
    literal: (r) => nullOr(r, () => (r.chance(0.1) ? '5000000000' : String(r.int(-2, 5)))),
  },
  {
    code: 'n',
    sql: 'numeric(6,2)',
    category: 'num',
    literal: (r) => nullOr(r, () => (r.int(-300, 900) / 100).toFixed(r.pick([0, 1, 2]))),
  },
  {
    code: 'f',
    sql: 'double precision',
    category: 'float',
    literal: (r) => nullOr(r, () => r.pick(['0.5', '-1.25', '3', '0', '2.5e-3', '1e10', "'NaN'", '7.1'])),
  },
  { code: 's', sql: 'text', category: 'text', literal: (r) => nullOr(r, () => quote(r.pick(words))) },
  {
    code: 'v',
    sql: 'varchar(4)',
    category: 'text',
    literal: (r) => nullOr(r, () => quote(r.pick(words.filter((w) => w.length <= 4)))),
  },
  {
    code: 'c',
    sql: 'char(3)',
    category: 'text',
    literal: (r) => nullOr(r, () => quote(r.pick(['a', 'ab', 'abc', '', 'a ', 'b']))),
  },
  { code: 'b', sql: 'boolean', category: 'bool', literal: (r) => nullOr(r, () => r.pick(['true', 'false'])) },
  {
    code: 'd',
    sql: 'date',
    category: 'date',
    literal: (r) => nullOr(r, () => `'2024-01-${String(r.int(1, 9)).padStart(2, '0')}'`),
  },
  {
    code: 'a',
    sql: 'integer[]',
    category: 'intarr',
    literal: (r) => nullOr(r, () => r.pick(["'{1,2}'", "'{}'", "'{NULL,3}'", "'{2}'", "'{1,2,2}'"])),
  },
];

export interface ColumnSpec {
  readonly name: string;
  readonly type: ColumnType;
}

export interface TableSpec {
  readonly name: string;
  /** Data columns; `id integer` comes first and is not listed here. */
  readonly columns: readonly ColumnSpec[];
}

export interface Schema {
  readonly tables: readonly TableSpec[];
}

/** Rows as SQL literals, `id` first. */
export type RowLiterals = readonly string[];

export function generateSchema(rng: Rng): Schema {
  const count = rng.int(2, 3);
  const tables: TableSpec[] = [];
  for (let t = 0; t < count; t++) {
    const picked = rng.sample(columnTypes, rng.int(2, 4));
    // Integers are the join keys: nearly every table gets one, and shared names make USING work.
    if (!picked.some((c) => c.code === 'i') && rng.chance(0.8)) picked[0] = columnTypes[0]!;
    const columns = picked.map((type) => ({ name: `${type.code}${rng.int(0, 1)}`, type }));
    const unique = columns.filter((c, i) => columns.findIndex((d) => d.name === c.name) === i);
    tables.push({ name: `t${t}`, columns: unique });
  }
  return { tables };
}

export function createTableSql(table: TableSpec): string {
  const columns = ['id integer', ...table.columns.map((c) => `${c.name} ${c.type.sql}`)];
  return `CREATE TABLE ${table.name} (${columns.join(', ')})`;
}

export function randomRow(rng: Rng, table: TableSpec, id: number): RowLiterals {
  return [String(id), ...table.columns.map((c) => c.type.literal(rng))];
}

export function insertSql(table: TableSpec, rows: readonly RowLiterals[]): string {
  const names = ['id', ...table.columns.map((c) => c.name)].join(', ');
  return `INSERT INTO ${table.name} (${names}) VALUES ${rows.map((r) => `(${r.join(', ')})`).join(', ')}`;
}
