/**
 * @module connectors/postgres/pg-options
 * `CREATE CONNECTION … WITH (type = 'postgres', …)` and `CREATE SOURCE … FROM POSTGRES CONNECTION …
 * (…) FOR TABLES (…)`: their options, checked when the statement runs (22023 naming the option at
 * fault) and kept in the catalog. A password is never kept here: only the name of the secret that
 * holds it, looked up when a client connects.
 */
import { DataError, FeatureNotSupportedError, SqlState } from '../../common/errors.ts';
import type { SqlType } from '../../common/types.ts';

/** One `key = value` option; a `SECRET name` value is kept as `{ secret: name }`. */
export interface ConnectionOption {
  readonly key: string;
  readonly value: string | boolean | { readonly secret: string };
}

export interface PostgresConnectionSpec {
  readonly type: 'postgres';
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly dbname: string;
  /** The secret holding the password (none: no password, or trust / peer authentication). */
  readonly passwordSecret: string | null;
}

/** One upstream table of a CDC source, as Eddy keeps it. */
export interface UpstreamTable {
  /** `schema.table` upstream. */
  readonly schema: string;
  readonly table: string;
  /** The Eddy table it feeds (the upstream table's name). */
  readonly relation: string;
  /** The columns Eddy reads, upstream order; columns added upstream later are ignored. */
  readonly columns: readonly UpstreamColumn[];
  /** Positions (in `columns`) of the primary key; empty when the table has none. */
  readonly primaryKey: readonly number[];
}

export interface UpstreamColumn {
  readonly name: string;
  /** PostgreSQL's name of the type (`format_type`), shown in errors. */
  readonly upstreamType: string;
  readonly type: SqlType;
  readonly nullable: boolean;
}

export interface PostgresSourceSpec {
  readonly connector: 'postgres';
  readonly connection: string;
  readonly publication: string;
  readonly slot: string;
  /** Create the publication (FOR the source's tables) when it does not exist. */
  readonly createPublication: boolean;
  /** Slot lag (bytes of WAL the slot holds back) above which the source logs a warning. */
  readonly lagWarningBytes: number;
  readonly tables: readonly UpstreamTable[];
}

const connectionKeys = new Set(['type', 'host', 'port', 'user', 'password', 'dbname', 'database']);

/** A PostgreSQL connection's spec from its WITH options, or 22023. */
export function postgresConnectionSpec(options: readonly ConnectionOption[]): PostgresConnectionSpec {
  const byKey = new Map<string, ConnectionOption['value']>();
  for (const { key, value } of options) {
    if (!connectionKeys.has(key))
      throw invalid(`unknown option "${key}" for a PostgreSQL connection`, [...connectionKeys]);
    if (byKey.has(key)) throw invalid(`option "${key}" given twice`);
    byKey.set(key, value);
  }
  const text = (key: string): string | undefined => {
    const v = byKey.get(key);
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || v === '') throw invalid(`option "${key}" must be a non-empty string`);
    return v;
  };
  const type = text('type');
  if (type !== 'postgres')
    throw new FeatureNotSupportedError(
      type === undefined
        ? 'a connection needs the option "type"'
        : `connection type "${type}" is not supported`,
      { hint: "Say type = 'postgres'." },
    );
  const password = byKey.get('password');
  if (password !== undefined && (typeof password !== 'object' || password === null))
    throw invalid(
      'option "password" must be a secret',
      [],
      'Say CREATE SECRET name AS …, then password = SECRET name.',
    );
  const port = text('port') ?? '5432';
  if (!/^\d{1,5}$/.test(port) || Number(port) === 0 || Number(port) > 65535)
    throw invalid('option "port" must be a port number');
  const user = text('user');
  if (user === undefined) throw invalid('a PostgreSQL connection needs the option "user"');
  const dbname = text('dbname') ?? text('database');
  if (dbname === undefined) throw invalid('a PostgreSQL connection needs the option "dbname"');
  return {
    type: 'postgres',
    host: text('host') ?? 'localhost',
    port: Number(port),
    user,
    dbname,
    passwordSecret: password === undefined ? null : password.secret,
  };
}

const sourceKeys = new Set(['publication', 'slot', 'create_publication', 'slot_lag_warning_bytes']);

/** The options of `FROM POSTGRES CONNECTION c (…)`, without the tables (resolved upstream). */
export function postgresSourceOptions(
  source: string,
  options: readonly ConnectionOption[],
): Omit<PostgresSourceSpec, 'connection' | 'tables'> {
  const byKey = new Map<string, ConnectionOption['value']>();
  for (const { key, value } of options) {
    if (key === 'eddy_resolved') continue;
    if (!sourceKeys.has(key))
      throw invalid(`unknown option "${key}" for a PostgreSQL source`, [...sourceKeys]);
    if (byKey.has(key)) throw invalid(`option "${key}" given twice`);
    if (typeof value === 'object') throw invalid(`option "${key}" cannot be a secret`);
    byKey.set(key, value);
  }
  const name = (key: string, fallback: string): string => {
    const v = byKey.get(key) ?? fallback;
    if (typeof v !== 'string' || !/^[a-z_][a-z0-9_]{0,62}$/.test(v))
      throw invalid(`option "${key}" must be a lower-case PostgreSQL identifier`);
    return v;
  };
  const create = byKey.get('create_publication') ?? true;
  if (typeof create !== 'boolean' && create !== 'true' && create !== 'false')
    throw invalid('option "create_publication" must be true or false');
  const lag = byKey.get('slot_lag_warning_bytes') ?? String(1 << 30);
  if (typeof lag !== 'string' || !/^\d+$/.test(lag) || !Number.isSafeInteger(Number(lag)))
    throw invalid('option "slot_lag_warning_bytes" must be a positive integer');
  return {
    connector: 'postgres',
    publication: name('publication', `eddy_${source}`),
    slot: name('slot', `eddy_${source}`),
    createPublication: create === true || create === 'true',
    lagWarningBytes: Number(lag),
  };
}

function invalid(message: string, known: readonly string[] = [], hint?: string): DataError {
  const h = hint ?? (known.length > 0 ? `Known options: ${known.join(', ')}.` : undefined);
  return new DataError(SqlState.invalidParameterValue, message, h === undefined ? {} : { hint: h });
}
