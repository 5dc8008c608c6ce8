/**
 * @module runtime/statements/create-postgres-source
 * `CREATE SOURCE s FROM POSTGRES CONNECTION c [(options)] FOR TABLES (t, …)`: change data capture.
 * The source looks the tables up upstream (columns, types, primary keys) and creates the
 * publication if asked, before its catalog change: the statement then waits (WaitThenRetryError)
 * and runs again with the answer. It creates an Eddy table per upstream table (same name, the
 * upstream primary key, written by the source alone), the source's `<s>_offsets` (the LSN reached)
 * and `<s>_dead_letters`. The input log records the statement with the resolved tables, so replay
 * never asks the upstream. The slot and the initial snapshot are the runner's (runtime/sources).
 */
import type { TableColumn, TableEntry } from '../../catalog/catalog.ts';
import { SemanticError, SqlState, UndefinedObjectError } from '../../common/errors.ts';
import type { PostgresSourceSpec, UpstreamTable } from '../../connectors/postgres/pg-options.ts';
import { postgresSourceOptions } from '../../connectors/postgres/pg-options.ts';
import {
  connect,
  describeTables,
  ensurePublication,
  type UpstreamAddress,
} from '../../connectors/postgres/upstream.ts';
import type { CreatePostgresSourceStatement } from '../../sql/front/ast.ts';
import type { Database } from '../database.ts';
import { WaitThenRetryError } from '../hydration.ts';
import { commandResult, type StatementResult } from '../result.ts';
import type { StatementContext } from './context.ts';
import { connectionOptions } from './create-connection.ts';
import {
  addKeptTable,
  deadLetterColumns,
  deadLetterTableName,
  offsetColumns,
  offsetTableName,
} from './create-source.ts';
import { decodeType, encodeType } from './type-json.ts';

type Lookup = { tables?: UpstreamTable[]; error?: unknown; ready: Promise<void> };
/** Upstream look-ups under way or answered, by statement text, per database. */
const lookups = new WeakMap<Database, Map<string, Lookup>>();

export function executeCreatePostgresSource(
  ctx: StatementContext,
  stmt: CreatePostgresSourceStatement,
): StatementResult {
  const db = ctx.session.db;
  const catalog = db.catalog;
  const name = stmt.name.name;
  if (stmt.ifNotExists && catalog.relation(name)) return commandResult('CREATE SOURCE');
  const connection = catalog.connection(stmt.connection.name);
  if (connection === undefined)
    throw new UndefinedObjectError(
      SqlState.undefinedObject,
      `connection "${stmt.connection.name}" does not exist`,
    );
  const options = connectionOptions(stmt.options);
  const base = postgresSourceOptions(name, options);
  if (stmt.tables === 'all')
    throw new SemanticError(SqlState.featureNotSupported, 'FOR ALL TABLES is not supported yet', {
      hint: 'Name the tables: FOR TABLES (t1, t2).',
    });
  const resolved = options.find((o) => o.key === 'eddy_resolved')?.value;
  let tables: UpstreamTable[];
  if (typeof resolved === 'string') tables = decodeTables(resolved);
  else {
    const names = stmt.tables.map((t) => (t.schema ? `${quote(t.schema)}.${quote(t.name)}` : quote(t.name)));
    const address = addressOf(db, connection.spec);
    tables = lookUp(db, stmt.text, async () => {
      const client = await connect(address);
      try {
        const found = await describeTables(client, names);
        await ensurePublication(client, base.publication, found, base.createPublication);
        return found;
      } finally {
        await client.end().catch(() => {});
      }
    });
  }
  const seen = new Set<string>();
  for (const t of tables) {
    if (seen.has(t.relation))
      throw new SemanticError(SqlState.duplicateTable, `two upstream tables are named "${t.relation}"`);
    seen.add(t.relation);
  }
  for (const taken of [
    name,
    ...tables.map((t) => t.relation),
    deadLetterTableName(name),
    offsetTableName(name),
  ])
    if (catalog.relation(taken))
      throw new SemanticError(SqlState.duplicateTable, `relation "${taken}" already exists`, {
        detail: `Source ${name} creates a table for each upstream table, and ${offsetTableName(name)} and ${deadLetterTableName(name)}.`,
      });
  const spec: PostgresSourceSpec = { ...base, connection: connection.name, tables };
  const id = catalog.allocateId();
  catalog.addRelation({
    kind: 'source',
    id,
    name,
    schema: [],
    columns: [],
    primaryKey: [],
    sql: stmt.text,
    connector: spec,
  });
  db.addStore(id, 0, []);
  for (const t of tables) {
    const columns: TableColumn[] = t.columns.map((c) => ({
      name: c.name,
      type: c.type,
      nullable: c.nullable,
      defaultExpr: null,
    }));
    addKeptTable(ctx, t.relation, columns, t.primaryKey, name);
  }
  addKeptTable(ctx, deadLetterTableName(name), deadLetterColumns(spec), [], name);
  addKeptTable(ctx, offsetTableName(name), offsetColumns(spec), [0], name);
  if (ctx.logAs) ctx.logAs.sql = loggedText(name, connection.name, spec, stmt);
  return commandResult('CREATE SOURCE');
}

/** The upstream's answer for this statement, or a wait for it (the statement then runs again). */
function lookUp(db: Database, key: string, ask: () => Promise<UpstreamTable[]>): UpstreamTable[] {
  let byText = lookups.get(db);
  if (byText === undefined) lookups.set(db, (byText = new Map()));
  const known = byText.get(key);
  if (known !== undefined && known.tables === undefined && known.error === undefined)
    throw new WaitThenRetryError('waiting for the upstream PostgreSQL', {}, known.ready);
  if (known !== undefined) {
    byText.delete(key);
    if (known.error !== undefined) throw known.error;
    return known.tables!;
  }
  const entry: Lookup = { ready: Promise.resolve() };
  entry.ready = ask().then(
    (tables) => {
      entry.tables = tables;
    },
    (error: unknown) => {
      entry.error = error;
    },
  );
  byText.set(key, entry);
  throw new WaitThenRetryError('waiting for the upstream PostgreSQL', {}, entry.ready);
}

/** The connection's address with its password revealed: handed to the pg client only. */
export function addressOf(db: Database, spec: UpstreamAddress['spec']): UpstreamAddress {
  if (spec.passwordSecret === null) return { spec, password: null };
  const secret = db.catalog.secret(spec.passwordSecret);
  if (secret === undefined)
    throw new UndefinedObjectError(
      SqlState.undefinedObject,
      `secret "${spec.passwordSecret}" does not exist`,
    );
  return { spec, password: secret.reveal() };
}

function quote(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function literal(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

function loggedText(
  name: string,
  connection: string,
  spec: PostgresSourceSpec,
  stmt: CreatePostgresSourceStatement,
): string {
  const tables = JSON.stringify(
    spec.tables.map((t) => ({ ...t, columns: t.columns.map((c) => ({ ...c, type: encodeType(c.type) })) })),
  );
  const names = (stmt.tables as readonly { name: string }[]).map((t) => quote(t.name)).join(', ');
  return (
    `CREATE SOURCE ${quote(name)} FROM POSTGRES CONNECTION ${quote(connection)} (publication = ${literal(spec.publication)}, ` +
    `slot = ${literal(spec.slot)}, create_publication = '${spec.createPublication}', ` +
    `slot_lag_warning_bytes = '${spec.lagWarningBytes}', eddy_resolved = ${literal(tables)}) FOR TABLES (${names})`
  );
}

function decodeTables(json: string): UpstreamTable[] {
  const raw = JSON.parse(json) as (Omit<UpstreamTable, 'columns'> & {
    columns: (Omit<UpstreamTable['columns'][number], 'type'> & { type: unknown })[];
  })[];
  return raw.map((t) => ({ ...t, columns: t.columns.map((c) => ({ ...c, type: decodeType(c.type) })) }));
}

export type { TableEntry };
