/**
 * @module catalog/system/user-objects
 * The user's objects as the system catalogs see them: every relation, index (a primary key is a
 * unique index plus a constraint, as in PostgreSQL) and column default with its oid, and the SQL
 * text PostgreSQL's pg_get_* functions would print for them. Everything lives in schema public.
 */
import { typeName, withoutTypmod } from '../../common/types.ts';
import { formatText } from '../../functions/index.ts';
import { formatScalar } from '../../plan/explain.ts';
import type { ScalarExpr } from '../../plan/scalar.ts';
import { pgScan } from '../../sql/front/libpg.ts';
import type { Catalog, RelationEntry, TableColumn, ViewEntry } from '../catalog.ts';
import { derivedOid, relationOid } from './oids.ts';

export type UserRelkind = 'r' | 'v' | 'm';

export function relkindOf(entry: RelationEntry): UserRelkind {
  if (entry.kind === 'view') return 'v';
  return entry.kind === 'materializedView' ? 'm' : 'r';
}

export interface UserIndex {
  readonly oid: number;
  readonly name: string;
  readonly relation: RelationEntry;
  /** Column positions (0-based) in the relation. */
  readonly columns: readonly number[];
  readonly primary: boolean;
  /** The primary key constraint's oid; null for a plain index. */
  readonly constraintOid: number | null;
}

/** Every index of the user's relations: primary keys first, then CREATE INDEX ones. */
export function userIndexes(catalog: Catalog): UserIndex[] {
  const out: UserIndex[] = [];
  for (const r of catalog.allRelations()) {
    if (r.kind !== 'table' || r.primaryKey.length === 0) continue;
    out.push({
      oid: derivedOid(catalog, r, 'pkey'),
      name: `${r.name}_pkey`,
      relation: r,
      columns: r.primaryKey,
      primary: true,
      constraintOid: derivedOid(catalog, r, 'pkey-constraint'),
    });
  }
  for (const index of catalog.allIndexes()) {
    const relation = catalog.relationById(index.relationId);
    out.push({
      oid: derivedOid(catalog, index, 'index'),
      name: index.name,
      relation,
      columns: index.columns,
      primary: false,
      constraintOid: null,
    });
  }
  return out;
}

export interface UserDefault {
  readonly oid: number;
  readonly relation: RelationEntry;
  /** 1-based column number. */
  readonly attnum: number;
  readonly expr: ScalarExpr;
}

export function userDefaults(catalog: Catalog): UserDefault[] {
  const out: UserDefault[] = [];
  for (const r of catalog.allRelations()) {
    if (r.kind !== 'table' && r.kind !== 'source') continue;
    r.columns.forEach((c: TableColumn, i) => {
      if (c.defaultExpr)
        out.push({
          oid: derivedOid(catalog, r, `default:${i + 1}`),
          relation: r,
          attnum: i + 1,
          expr: c.defaultExpr,
        });
    });
  }
  return out;
}

/** A default expression as pg_get_expr prints it: constants with their type (`'x'::text`). */
export function defaultText(expr: ScalarExpr): string {
  if (expr.kind === 'cast' && expr.arg.kind === 'literal')
    return defaultText({ ...expr.arg, type: expr.type });
  // The assignment cast of a clock call into the column's type is implicit: PostgreSQL shows `now()`.
  if (expr.kind === 'cast' && expr.arg.kind === 'call' && expr.arg.volatile && expr.arg.args.length === 0)
    return defaultText(expr.arg);
  if (expr.kind !== 'literal') return formatScalar(expr, []);
  const v = expr.value;
  if (v === null) return 'NULL';
  const t = expr.type;
  if (t.id === 'bool') return v ? 'true' : 'false';
  const text = formatText(v, t);
  if ((t.id === 'int4' || t.id === 'numeric') && !text.startsWith('-')) return text;
  // The constant keeps its type without the column's modifier (varchar(20) prints as varchar).
  const base = withoutTypmod(t);
  // Unconstrained char is spelled bpchar: "character" alone would read back as char(1).
  const name = base.id === 'bpchar' ? 'bpchar' : typeName(base);
  return `'${text.replaceAll("'", "''")}'::${name}`;
}

const plainIdentifier = /^[a-z_][a-z0-9_$]*$/;
const reservedWords = new Set([
  'all',
  'and',
  'any',
  'as',
  'asc',
  'case',
  'check',
  'column',
  'create',
  'default',
  'desc',
  'distinct',
  'do',
  'else',
  'end',
  'false',
  'from',
  'grant',
  'group',
  'in',
  'limit',
  'not',
  'null',
  'offset',
  'on',
  'or',
  'order',
  'select',
  'table',
  'then',
  'to',
  'true',
  'union',
  'user',
  'using',
  'when',
  'where',
  'with',
]);

/** An identifier as PostgreSQL's quote_ident prints it: bare when it can be, else double-quoted. */
export function quoteIdent(name: string): string {
  if (plainIdentifier.test(name) && !reservedWords.has(name)) return name;
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * `CREATE [UNIQUE] INDEX name ON public.rel USING btree (cols)`, as pg_get_indexdef prints it;
 * the pretty form leaves out the schema (public is always on the search path).
 */
export function indexDefinition(index: UserIndex, pretty = false): string {
  const columns = index.columns.map((i) => quoteIdent(index.relation.schema[i]!.name)).join(', ');
  const unique = index.primary ? 'UNIQUE ' : '';
  const on = `${pretty ? '' : 'public.'}${quoteIdent(index.relation.name)}`;
  return `CREATE ${unique}INDEX ${quoteIdent(index.name)} ON ${on} USING btree (${columns})`;
}

/** The oid of a user relation. */
export function userRelationOid(entry: RelationEntry): number {
  return relationOid(entry.id);
}

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

/**
 * A view's query as pg_get_viewdef prints it (` SELECT …;`): the text after the CREATE
 * statement's first top-level AS, as the user wrote it (PostgreSQL prints a deparsed form).
 */
export function viewDefinition(view: ViewEntry): string {
  const bytes = utf8.encode(view.sql);
  const tokens = pgScan(view.sql) ?? [];
  let depth = 0;
  for (const t of tokens) {
    if (t.text === '(') depth++;
    else if (t.text === ')') depth--;
    else if (depth === 0 && t.text.toUpperCase() === 'AS') {
      const query = fromUtf8.decode(bytes.subarray(t.end)).trim().replace(/;\s*$/, '');
      return ` ${query};`;
    }
  }
  return view.sql;
}
