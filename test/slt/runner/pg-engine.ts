/**
 * @module test/slt/runner/pg-engine
 * The PostgreSQL adapter, a reference to validate the runner: each instance is one connection with
 * its own fresh schema, dropped on close. Values are converted to Eddy's forms (src/common/value.ts);
 * types Eddy formats differently (dates, intervals, …) are kept as PostgreSQL's text and typed `text`.
 */
import pg from 'pg';
import { Numeric } from '../../../src/common/numeric.ts';
import { type SqlType, T } from '../../../src/common/types.ts';
import type { Value } from '../../../src/common/value.ts';
import type { SltEngine, SltResult } from './engine.ts';

type Parser = (text: string) => Value;

const decimal = /^(-?)(\d+)(?:\.(\d+))?$/;
let schemaSeq = 0;

/** OIDs whose values are converted; every other type stays text. */
const typesByOid = new Map<number, { type: SqlType; parse: Parser }>([
  [16, { type: T.bool, parse: (s) => s === 't' }],
  [21, { type: T.int2, parse: Number }],
  [23, { type: T.int4, parse: Number }],
  [20, { type: T.int8, parse: parseInt8 }],
  [26, { type: T.int8, parse: Number }],
  [700, { type: T.float4, parse: Number }],
  [701, { type: T.float8, parse: Number }],
  [1700, { type: T.numeric, parse: parseNumeric }],
  [25, { type: T.text, parse: (s) => s }],
  [1043, { type: T.varchar, parse: (s) => s }],
  [1042, { type: T.text, parse: (s) => s }],
]);

const customTypes = {
  getTypeParser: ((oid: number) => typesByOid.get(oid)?.parse ?? ((s: string) => s)) as unknown,
} as pg.CustomTypesConfig;

function parseInt8(text: string): Value {
  const n = BigInt(text);
  return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
}

/** PostgreSQL's numeric text (numeric_out) to a `Numeric`, keeping the display scale. */
export function parseNumeric(text: string): Value {
  const m = decimal.exec(text);
  if (m === null) return Numeric.parse(text);
  const frac = m[3] ?? '';
  return new Numeric(BigInt(`${m[1]}${m[2]}${frac}`), frac.length);
}

class PgEngine implements SltEngine {
  private readonly client: pg.Client;
  private readonly schema: string;

  constructor(client: pg.Client, schema: string) {
    this.client = client;
    this.schema = schema;
  }

  async execute(sql: string): Promise<void> {
    await this.client.query(sql);
  }

  async query(sql: string): Promise<SltResult> {
    const res: unknown = await this.client.query({ text: sql, rowMode: 'array' });
    const last = (Array.isArray(res) ? res[res.length - 1] : res) as pg.QueryArrayResult<Value[]>;
    return {
      columns: last.fields.map((f) => ({ name: f.name, type: typesByOid.get(f.dataTypeID)?.type ?? T.text })),
      rows: last.rows,
    };
  }

  /** Plain views are evaluated at read time: they check the feeding logic, not maintenance. */
  viewDdl(name: string, columns: readonly string[], query: string): string {
    return `CREATE VIEW ${name} (${columns.join(', ')}) AS ${query}`;
  }

  async close(): Promise<void> {
    try {
      await this.client.query('ROLLBACK').catch(() => undefined);
      await this.client.query(`DROP SCHEMA ${this.schema} CASCADE`).catch(() => this.dropPiecewise());
    } finally {
      await this.client.end();
    }
  }

  /** One lock per dropped object: thousands of views overflow the lock table in one DROP SCHEMA. */
  private async dropPiecewise(): Promise<void> {
    const views = await this.client.query<{ relname: string }>(
      `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relkind IN ('v', 'm')`,
      [this.schema],
    );
    for (const { relname } of views.rows) {
      await this.client.query(`DROP VIEW IF EXISTS ${this.schema}.${relname} CASCADE`).catch(() => undefined);
    }
    await this.client.query(`DROP SCHEMA ${this.schema} CASCADE`);
  }
}

/** Connects (URL, else PGHOST/PGPORT/PGUSER/PGDATABASE) and creates a fresh schema for this instance. */
export async function openPgEngine(url: string | undefined): Promise<SltEngine> {
  const client = new pg.Client(
    url === undefined ? { types: customTypes } : { connectionString: url, types: customTypes },
  );
  client.on('error', () => {
    // A dropped connection surfaces on the next query; without a listener it would crash the runner.
  });
  await client.connect();
  const schema = `slt_${process.pid}_${++schemaSeq}`;
  await client.query(
    `SET client_min_messages = warning; SET statement_timeout = '60s'; DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}; SET search_path TO ${schema}`,
  );
  return new PgEngine(client, schema);
}
