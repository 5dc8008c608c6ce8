/**
 * @module sql/front/ast
 * The statements the front parser returns: PostgreSQL's own (libpg-query nodes, untouched) and Eddy's
 * statements, one `kind`-tagged interface each. Every `location` here and in embedded libpg-query nodes is
 * a 0-based UTF-16 offset into the ORIGINAL script, never into a statement or a wrapper.
 */
import type {
  CopyStmt,
  CreateStmt,
  CreateTableAsStmt,
  DeclareCursorStmt,
  Node,
  SelectStmt,
  TypeName,
} from 'libpg-query';
import type { SecretValue } from './secret-value.ts';

/** Fields every statement carries: its text as written (secret values redacted) and its script offset. */
export interface StatementBase {
  readonly text: string;
  readonly offset: number;
}

/** A schema-qualified name as written; unquoted parts are lower-cased as PostgreSQL does. */
export interface ObjectName {
  readonly catalog?: string;
  readonly schema?: string;
  readonly name: string;
  readonly location: number;
}

/** The value of one `key = value` option. Numbers keep their written text, so nothing is rounded. */
export type OptionValue =
  | { readonly kind: 'string'; readonly value: string; readonly location: number }
  | { readonly kind: 'number'; readonly value: string; readonly location: number }
  | { readonly kind: 'boolean'; readonly value: boolean; readonly location: number }
  | { readonly kind: 'identifier'; readonly value: string; readonly location: number }
  | { readonly kind: 'secret'; readonly name: ObjectName; readonly location: number };

/** One option of a `WITH (…)` or `ENCODE … (…)` list. A bare `key` means `key = true`. Keys are dotted. */
export interface WithOption {
  readonly key: string;
  readonly value: OptionValue;
  readonly location: number;
}

export type FormatKind = 'plain' | 'upsert' | 'debezium';
export type EncodeKind = 'json' | 'avro' | 'protobuf' | 'csv' | 'text' | 'bytes';

/** `FORMAT <format> ENCODE <encode> [(options)]`. */
export interface FormatClause {
  readonly format: FormatKind;
  readonly encode: EncodeKind;
  readonly options: readonly WithOption[];
  readonly location: number;
}

/** `WATERMARK FOR column AS expr`, the expression as libpg-query parsed it. */
export interface WatermarkClause {
  readonly column: string;
  readonly columnLocation: number;
  readonly expr: Node;
  readonly location: number;
}

/**
 * A RisingWave-style `STRUCT<name type, …>` column type. PostgreSQL has no such syntax, so the column's
 * `TypeName` names a placeholder; `structIndexOf` (struct-type.ts) maps it to its entry in `structs`.
 */
export interface StructType {
  readonly fields: readonly StructField[];
  readonly location: number;
}

export interface StructField {
  readonly name: string;
  /** May itself name a struct placeholder. */
  readonly type: TypeName;
  readonly location: number;
}

/** Column definitions and connector clauses shared by CREATE SOURCE and CREATE TABLE … WITH (connector …). */
export interface ConnectorClauses {
  readonly watermarks: readonly WatermarkClause[];
  readonly structs: readonly StructType[];
  readonly with: readonly WithOption[];
  readonly format: FormatClause | undefined;
}

/** Any statement PostgreSQL's grammar accepts as written. */
export interface PostgresStatement extends StatementBase {
  readonly kind: 'postgres';
  readonly stmt: Node;
}

/** `CREATE SECRET [IF NOT EXISTS] name [WITH (…)] AS 'value'`. */
export interface CreateSecretStatement extends StatementBase {
  readonly kind: 'createSecret';
  readonly name: ObjectName;
  readonly ifNotExists: boolean;
  readonly with: readonly WithOption[];
  readonly value: SecretValue;
}

/** `ALTER SECRET name [WITH (…)] AS 'value'`. */
export interface AlterSecretStatement extends StatementBase {
  readonly kind: 'alterSecret';
  readonly name: ObjectName;
  readonly with: readonly WithOption[];
  readonly value: SecretValue;
}

export type DroppableKind = 'secret' | 'source' | 'sink' | 'connection';

/** `DROP SECRET|SOURCE|SINK|CONNECTION [IF EXISTS] name, … [CASCADE|RESTRICT]`. */
export interface DropStatement extends StatementBase {
  readonly kind: 'drop';
  readonly objectKind: DroppableKind;
  readonly names: readonly ObjectName[];
  readonly ifExists: boolean;
  readonly cascade: boolean;
}

/** `CREATE CONNECTION [IF NOT EXISTS] name WITH (…)`. */
export interface CreateConnectionStatement extends StatementBase {
  readonly kind: 'createConnection';
  readonly name: ObjectName;
  readonly ifNotExists: boolean;
  readonly with: readonly WithOption[];
}

/**
 * `CREATE SOURCE [IF NOT EXISTS] name [(columns…)] [WITH (…)] [FORMAT … ENCODE …]`. `table` is what
 * PostgreSQL parsed for `CREATE TABLE name (columns…)` with the Eddy clauses taken out: its `tableElts`
 * hold the ColumnDef and table Constraint nodes (PRIMARY KEY…).
 */
export interface CreateSourceStatement extends StatementBase, ConnectorClauses {
  readonly kind: 'createSource';
  readonly name: ObjectName;
  readonly ifNotExists: boolean;
  readonly table: CreateStmt;
}

/** `CREATE SOURCE name FROM POSTGRES CONNECTION c [(…)] FOR TABLES (t, …) | FOR ALL TABLES`. */
export interface CreatePostgresSourceStatement extends StatementBase {
  readonly kind: 'createPostgresSource';
  readonly name: ObjectName;
  readonly ifNotExists: boolean;
  readonly connection: ObjectName;
  readonly options: readonly WithOption[];
  /** `'all'` for FOR ALL TABLES. */
  readonly tables: readonly ObjectName[] | 'all';
}

/**
 * `CREATE TABLE …` with Eddy clauses (WATERMARK, STRUCT<…>, FORMAT, or WITH options PostgreSQL cannot
 * parse). `stmt` is PostgreSQL's CreateStmt for the rest, its `options` removed: they are in `with`.
 * Without Eddy clauses a connector table stays a 'postgres' statement with its options as DefElems.
 */
export interface CreateTableStatement extends StatementBase, ConnectorClauses {
  readonly kind: 'createTable';
  readonly stmt: CreateStmt;
}

export type SinkInput =
  | { readonly kind: 'relation'; readonly name: ObjectName }
  | { readonly kind: 'query'; readonly query: SelectStmt; readonly location: number };

/** `CREATE SINK [IF NOT EXISTS] name FROM relation | AS query [WITH (…)] [FORMAT … ENCODE …]`. */
export interface CreateSinkStatement extends StatementBase {
  readonly kind: 'createSink';
  readonly name: ObjectName;
  readonly ifNotExists: boolean;
  readonly input: SinkInput;
  readonly with: readonly WithOption[];
  readonly format: FormatClause | undefined;
}

/** `CREATE MATERIALIZED VIEW … AS query EMIT ON WINDOW CLOSE` (without EMIT it is a 'postgres' statement). */
export interface CreateMaterializedViewStatement extends StatementBase {
  readonly kind: 'createMaterializedView';
  readonly stmt: CreateTableAsStmt;
  readonly query: SelectStmt;
  readonly emitOnWindowClose: true;
  readonly emitLocation: number;
}

export type SubscribeTarget =
  | { readonly kind: 'relation'; readonly name: ObjectName }
  | { readonly kind: 'query'; readonly query: SelectStmt; readonly location: number };

/** The `SUBSCRIBE [TO] target [WITH (…)]` clause, alone or inside COPY / DECLARE. */
export interface Subscription {
  readonly target: SubscribeTarget;
  readonly with: readonly WithOption[];
  readonly location: number;
}

export interface SubscribeStatement extends StatementBase {
  readonly kind: 'subscribe';
  readonly subscription: Subscription;
}

/** `COPY (SUBSCRIBE …) TO STDOUT [WITH (…)]`; `copy` is PostgreSQL's CopyStmt without its query. */
export interface CopySubscribeStatement extends StatementBase {
  readonly kind: 'copySubscribe';
  readonly subscription: Subscription;
  readonly copy: CopyStmt;
}

/** `DECLARE c [options] CURSOR [WITH HOLD] FOR SUBSCRIBE …`; `cursor` is PostgreSQL's node without its query. */
export interface DeclareSubscribeStatement extends StatementBase {
  readonly kind: 'declareSubscribe';
  readonly subscription: Subscription;
  readonly cursor: DeclareCursorStmt;
}

export type ShowableKind =
  | 'sources'
  | 'sinks'
  | 'connections'
  | 'secrets'
  | 'materializedViews'
  | 'tables'
  | 'views';

/** `SHOW SOURCES|… [FROM schema] [LIKE 'pattern']`. Always Eddy's, even where PostgreSQL reads a setting. */
export interface ShowObjectsStatement extends StatementBase {
  readonly kind: 'showObjects';
  readonly objectKind: ShowableKind;
  readonly schema: ObjectName | undefined;
  readonly like: string | undefined;
}

export type ShowCreateKind = 'table' | 'view' | 'materializedView' | 'source' | 'sink' | 'connection';

/** `SHOW CREATE TABLE|VIEW|MATERIALIZED VIEW|SOURCE|SINK|CONNECTION name`. */
export interface ShowCreateStatement extends StatementBase {
  readonly kind: 'showCreate';
  readonly objectKind: ShowCreateKind;
  readonly name: ObjectName;
}

export type EddyStatement =
  | PostgresStatement
  | CreateSecretStatement
  | AlterSecretStatement
  | DropStatement
  | CreateConnectionStatement
  | CreateSourceStatement
  | CreatePostgresSourceStatement
  | CreateTableStatement
  | CreateSinkStatement
  | CreateMaterializedViewStatement
  | SubscribeStatement
  | CopySubscribeStatement
  | DeclareSubscribeStatement
  | ShowObjectsStatement
  | ShowCreateStatement;

export type EddyStatementKind = EddyStatement['kind'];
