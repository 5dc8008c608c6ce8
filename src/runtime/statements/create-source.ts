/**
 * @module runtime/statements/create-source
 * CREATE SOURCE: a plain source (rows come by INSERT, /ingest or insert()), or one fed by a
 * connector, `WITH (connector = 'kafka', …) [FORMAT PLAIN ENCODE JSON]`. A connector source
 * comes with two tables it keeps, created and dropped with it and written only by it:
 * `<source>_dead_letters` (records it could not decode or convert, queryable with SQL) and
 * `<source>_offsets` (each partition's next offset). Both are written in the same step as the
 * rows they account for, so the input log and checkpoints keep the source's positions exactly
 * with its data (see docs/connectors.md).
 */
import type { RelationEntry, TableColumn, TableEntry } from '../../catalog/catalog.ts';
import { FeatureNotSupportedError, SemanticError, SqlState } from '../../common/errors.ts';
import { T } from '../../common/types.ts';
import { checkFormatColumns } from '../../connectors/formats/source-format.ts';
import type { SourceOption } from '../../connectors/options.ts';
import {
  formatOf,
  keepsPositions,
  positionColumn,
  type SourceSpec,
  sourceSpec,
} from '../../connectors/source-spec.ts';
import type { CreateSourceStatement, WithOption } from '../../sql/front/ast.ts';
import type { Database } from '../database.ts';
import { commandResult, type StatementResult } from '../result.ts';
import type { StatementContext } from './context.ts';
import { executeCreateTable } from './create-table.ts';

/**
 * The dead-letter table's columns, in order (runtime/sources writes rows of this shape); the
 * second is `partition int` (`file text` for a file source).
 */
export function deadLetterColumns(spec: SourceSpec): readonly TableColumn[] {
  const key = positionColumn(spec);
  return [
    column('source', T.text, false),
    column(key.name, T[key.type], false),
    column('offset', T.int8, false),
    column('raw', T.text, true),
    column('error_code', T.text, false),
    column('error_message', T.text, false),
    column('received_at', T.timestamptz, false),
  ];
}

/** The positions table: each partition's (file's) next offset to read. */
export function offsetColumns(spec: SourceSpec): readonly TableColumn[] {
  const key = positionColumn(spec);
  return [column(key.name, T[key.type], false), column('next_offset', T.int8, false)];
}

export function deadLetterTableName(source: string): string {
  return `${source}_dead_letters`;
}

export function offsetTableName(source: string): string {
  return `${source}_offsets`;
}

export function executeCreateSource(ctx: StatementContext, stmt: CreateSourceStatement): StatementResult {
  if (stmt.with.length === 0 && stmt.format === undefined)
    return executeCreateTable(ctx, stmt.table, 'source');
  const options = stmt.with.map(optionOf);
  const connector = options.find((o) => o.key === 'connector')?.value;
  if (connector === undefined)
    throw new SemanticError(SqlState.syntaxError, 'a source with WITH options or FORMAT needs a connector', {
      hint: "Say WITH (connector = 'kafka', …).",
    });
  if (typeof connector !== 'string')
    throw new SemanticError(SqlState.invalidParameterValue, 'option "connector" must be a name');
  const choice =
    stmt.format === undefined
      ? undefined
      : {
          format: stmt.format.format,
          encode: stmt.format.encode,
          options: stmt.format.options.map(optionOf),
        };
  // Options are checked before anything is created (22023), columns once they are read.
  let spec: SourceSpec | null = connector === 'datagen' ? null : sourceSpec(connector, options, [], choice);
  const name = stmt.name.name;
  const catalog = ctx.session.db.catalog;
  if (catalog.relation(name) && stmt.ifNotExists) return commandResult('CREATE SOURCE');
  for (const kept of [deadLetterTableName(name), offsetTableName(name)])
    if (catalog.relation(kept))
      throw new SemanticError(SqlState.duplicateTable, `relation "${kept}" already exists`, {
        detail: `Source ${name} keeps its dead letters and offsets in tables named after it.`,
      });
  const result = executeCreateTable(ctx, stmt.table, 'source', (columns, primaryKey) => {
    spec ??= sourceSpec(connector, options, columns, choice);
    checkFormatColumns(formatOf(spec), columns, primaryKey);
    return spec;
  });
  if (spec === null) return result; // IF NOT EXISTS over an existing relation
  addKeptTable(ctx, deadLetterTableName(name), deadLetterColumns(spec), [], name);
  if (keepsPositions(spec)) addKeptTable(ctx, offsetTableName(name), offsetColumns(spec), [0], name);
  return result;
}

/** The tables `source` keeps (none for a plain source). */
export function keptTables(db: Database, source: string): RelationEntry[] {
  const entry = db.catalog.relation(source);
  const cdc =
    entry?.kind === 'source' && entry.connector?.connector === 'postgres' ? entry.connector.tables : [];
  return [deadLetterTableName(source), offsetTableName(source), ...cdc.map((t) => t.relation)]
    .map((n) => db.catalog.relation(n))
    .filter((r): r is RelationEntry => r?.kind === 'table' && r.keptBy === source);
}

/** A table kept by a relation (a source's dead letters or offsets, late rows, watermarks), or a connector source: written by Eddy alone (42809). */
export function refuseKeptRelation(relation: TableEntry): void {
  if (relation.keptBy !== undefined)
    throw new SemanticError(
      SqlState.wrongObjectType,
      `cannot change table "${relation.name}": ${relation.keptBy} keeps it`,
    );
  if (relation.connector !== undefined)
    throw new SemanticError(
      SqlState.wrongObjectType,
      `cannot write to source "${relation.name}": its ${relation.connector.connector} connector feeds it`,
    );
}

export function addKeptTable(
  ctx: StatementContext,
  name: string,
  columns: readonly TableColumn[],
  primaryKey: readonly number[],
  source: string,
): void {
  const db = ctx.session.db;
  const id = db.catalog.allocateId();
  db.catalog.addRelation({
    kind: 'table',
    id,
    name,
    schema: columns,
    columns,
    primaryKey,
    sql: ctx.text,
    keptBy: source,
  });
  db.addStore(id, columns.length, primaryKey);
}

function optionOf(o: WithOption): SourceOption {
  const v = o.value;
  if (v.kind === 'secret')
    throw new FeatureNotSupportedError(`SECRET values (option "${o.key}") are not supported yet`);
  return { key: o.key, value: v.kind === 'boolean' ? v.value : v.value };
}

function column(name: string, type: TableColumn['type'], nullable: boolean): TableColumn {
  return { name, type, nullable, defaultExpr: null };
}
