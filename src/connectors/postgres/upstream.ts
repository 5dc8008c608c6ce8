/**
 * @module connectors/postgres/upstream
 * Talks to the upstream PostgreSQL of a CDC source with the `pg` client: looks up the tables' columns
 * and keys (CREATE SOURCE), creates the publication, creates the slot with an exported snapshot and
 * reads the tables in that snapshot (the initial load), streams pgoutput from the slot and confirms
 * LSNs. Every value is read as text (the session runs with TimeZone UTC, ISO dates, round-trip
 * floats), converted by the Eddy side. The password is handed to the client and nowhere else.
 */
import type { Client, ClientConfig } from 'pg';
import { DataError, SqlState, type SqlStateCode, UndefinedObjectError } from '../../common/errors.ts';
import { arrayOf, type SqlType, T } from '../../common/types.ts';
import type { PostgresConnectionSpec, UpstreamColumn, UpstreamTable } from './pg-options.ts';
import { parseLsn, parseStreamMessage, type StreamMessage, standbyStatus } from './pgoutput.ts';

/** Where to connect, with the password revealed from its secret (never logged or shown). */
export interface UpstreamAddress {
  readonly spec: PostgresConnectionSpec;
  readonly password: string | null;
}

type PgModule = typeof import('pg')['default'];
let pgModule: Promise<PgModule> | null = null;

/** The pg client library, loaded when the first PostgreSQL source or sink needs it. */
function loadPg(): Promise<PgModule> {
  pgModule ??= import('pg').then((m) => m.default);
  return pgModule;
}

const sessionOptions = '-c TimeZone=UTC -c DateStyle=ISO -c IntervalStyle=postgres -c extra_float_digits=3';

/** A connected client; `replication` for the walsender protocol. All values come back as text. */
export async function connect(address: UpstreamAddress, replication = false): Promise<Client> {
  const pg = await loadPg();
  const config: ClientConfig & { replication?: string } = {
    host: address.spec.host,
    port: address.spec.port,
    user: address.spec.user,
    database: address.spec.dbname,
    password: address.password ?? undefined,
    options: sessionOptions,
    connectionTimeoutMillis: 10_000,
    types: { getTypeParser: () => (v: string) => v } as ClientConfig['types'],
    ...(replication ? { replication: 'database' } : {}),
  };
  const client = new pg.Client(config);
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => {});
    throw upstreamError(err);
  }
  return client;
}

/** An error of the upstream (or of reaching it) as Eddy's, with no connection detail but host and port. */
export function upstreamError(err: unknown): DataError {
  const e = err as { code?: string; message?: string };
  const code =
    typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)
      ? (e.code as SqlStateCode)
      : SqlState.connectionFailure;
  return new DataError(code, `upstream PostgreSQL: ${e.message ?? String(err)}`);
}

/** Eddy's type for an upstream column type (by pg_type), text for the types Eddy has no twin of. */
function eddyType(typname: string, typtype: string, elem: string | null, elemType: string | null): SqlType {
  if (elem !== null) return arrayOf(eddyType(elem, elemType ?? 'b', null, null));
  if (typtype === 'e') return T.text;
  const scalar: Record<string, SqlType> = {
    bool: T.bool,
    int2: T.int2,
    int4: T.int4,
    int8: T.int8,
    numeric: T.numeric,
    float4: T.float4,
    float8: T.float8,
    text: T.text,
    varchar: T.varchar,
    bpchar: T.bpchar,
    name: T.text,
    bytea: T.bytea,
    uuid: T.uuid,
    date: T.date,
    time: T.time,
    timestamp: T.timestamp,
    timestamptz: T.timestamptz,
    interval: T.interval,
    jsonb: T.jsonb,
    json: T.jsonb,
  };
  return scalar[typname] ?? T.text;
}

/** Columns and primary key of each named table (`schema.table` or `table`, in search_path). */
export async function describeTables(client: Client, names: readonly string[]): Promise<UpstreamTable[]> {
  const out: UpstreamTable[] = [];
  for (const name of names) {
    const found = await client.query<{ oid: string; nspname: string; relname: string }>(
      `SELECT c.oid, n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.oid = to_regclass($1) AND c.relkind IN ('r', 'p')`,
      [name],
    );
    const table = found.rows[0];
    if (table === undefined)
      throw new UndefinedObjectError(SqlState.undefinedTable, `upstream table "${name}" does not exist`);
    const cols = await client.query<{
      attname: string;
      formatted: string;
      attnotnull: string;
      typname: string;
      typtype: string;
      elem: string | null;
      elemtype: string | null;
      key: string;
    }>(
      `SELECT a.attname, format_type(a.atttypid, a.atttypmod) AS formatted, a.attnotnull, t.typname, t.typtype,
              et.typname AS elem, et.typtype AS elemtype,
              coalesce(a.attnum = ANY (i.indkey), false) AS key
         FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
         LEFT JOIN pg_type et ON et.oid = t.typelem AND t.typcategory = 'A'
         LEFT JOIN pg_index i ON i.indrelid = a.attrelid AND i.indisprimary
        WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
      [table.oid],
    );
    const columns: UpstreamColumn[] = cols.rows.map((c) => ({
      name: c.attname,
      upstreamType: c.formatted,
      type: eddyType(c.typname, c.typtype, c.elem, c.elemtype),
      nullable: c.attnotnull !== 't',
    }));
    const primaryKey = cols.rows.flatMap((c, i) => (c.key === 't' ? [i] : []));
    out.push({ schema: table.nspname, table: table.relname, relation: table.relname, columns, primaryKey });
  }
  return out;
}

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export function qualified(t: { schema: string; table: string }): string {
  return `${quoteIdent(t.schema)}.${quoteIdent(t.table)}`;
}

/** Makes sure the publication exists (creating it FOR the tables when allowed). */
export async function ensurePublication(
  client: Client,
  publication: string,
  tables: readonly UpstreamTable[],
  create: boolean,
): Promise<void> {
  const found = await client.query('SELECT 1 FROM pg_publication WHERE pubname = $1', [publication]);
  if (found.rows.length > 0) return;
  if (!create)
    throw new UndefinedObjectError(
      SqlState.undefinedObject,
      `upstream publication "${publication}" does not exist`,
      {
        hint: 'Create it upstream, or leave create_publication out so that Eddy creates it.',
      },
    );
  await client.query(
    `CREATE PUBLICATION ${quoteIdent(publication)} FOR TABLE ${tables.map(qualified).join(', ')}`,
  );
}

/** Slot lag: bytes of WAL between the upstream's current position and the slot's confirmed one. */
export async function slotLagBytes(client: Client, slot: string): Promise<number | null> {
  const r = await client.query<{ lag: string | null }>(
    'SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::text AS lag FROM pg_replication_slots WHERE slot_name = $1',
    [slot],
  );
  const lag = r.rows[0]?.lag;
  return lag === undefined || lag === null ? null : Number(lag);
}

/**
 * Creates the slot (dropping a stale one first) with an exported snapshot, and reads every table
 * in that snapshot: `onRows` gets each table's rows as text. The snapshot is only valid while the
 * replication connection sends nothing else, so the caller starts streaming on it afterwards.
 * Returns the slot's consistent point: streaming from it follows the snapshot exactly.
 */
export async function createSlotAndSnapshot(
  replication: Client,
  address: UpstreamAddress,
  slot: string,
  tables: readonly UpstreamTable[],
  onRows: (table: UpstreamTable, rows: (string | null)[][]) => void,
): Promise<bigint> {
  const reader = await connect(address);
  try {
    await reader.query(
      'SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1 AND NOT active',
      [slot],
    );
    const created = await replication.query<{ consistent_point: string; snapshot_name: string }>(
      `CREATE_REPLICATION_SLOT ${quoteIdent(slot)} LOGICAL pgoutput EXPORT_SNAPSHOT`,
    );
    const { consistent_point, snapshot_name } = created.rows[0]!;
    await reader.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    await reader.query(`SET TRANSACTION SNAPSHOT '${snapshot_name.replaceAll("'", "''")}'`);
    for (const t of tables) {
      const list = t.columns.map((c) => quoteIdent(c.name)).join(', ');
      const rows = await reader.query<(string | null)[]>({
        text: `SELECT ${list} FROM ${qualified(t)}`,
        rowMode: 'array',
      });
      onRows(t, rows.rows);
    }
    await reader.query('COMMIT');
    return parseLsn(consistent_point);
  } finally {
    await reader.end().catch(() => {});
  }
}

/**
 * A running pgoutput stream: `onMessage` gets each CopyData message in order; `pause` and
 * `resume` stop and restart reading the socket (backpressure); `confirm` tells the upstream that
 * everything up to `lsn` is durable in Eddy (the slot may then recycle that WAL).
 */
export class ReplicationStream {
  private readonly client: Client;
  readonly ended: Promise<void>;

  constructor(
    client: Client,
    slot: string,
    publication: string,
    from: bigint,
    onMessage: (m: StreamMessage) => void,
    formatLsn: (lsn: bigint) => string,
  ) {
    this.client = client;
    const connection = (client as unknown as { connection: NodeJS.EventEmitter }).connection;
    connection.on('copyData', (msg: { chunk: Buffer }) => {
      const m = parseStreamMessage(msg.chunk);
      if (m !== null) onMessage(m);
    });
    this.ended = client
      .query(
        `START_REPLICATION SLOT ${quoteIdent(slot)} LOGICAL ${formatLsn(from)} (proto_version '1', publication_names '${publication}')`,
      )
      .then(
        () => {},
        (err: unknown) => {
          throw upstreamError(err);
        },
      );
    // Closing the stream ends it with an error: whoever awaits `ended` sees it, nobody else.
    this.ended.catch(() => {});
  }

  confirm(lsn: bigint, replyRequested = false): void {
    const connection = (this.client as unknown as { connection: { sendCopyFromChunk(b: Buffer): void } })
      .connection;
    connection.sendCopyFromChunk(standbyStatus(lsn, replyRequested));
  }

  pause(): void {
    (this.client as unknown as { connection: { stream: { pause(): void } } }).connection.stream.pause();
  }

  resume(): void {
    (this.client as unknown as { connection: { stream: { resume(): void } } }).connection.stream.resume();
  }

  async close(): Promise<void> {
    await this.client.end().catch(() => {});
  }
}
