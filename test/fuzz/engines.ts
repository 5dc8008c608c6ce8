/**
 * @module test/fuzz/engines
 * The two sides of the differential fuzzer, seen the same way: Eddy (in process, through the
 * library API, values printed by Eddy's own text output, the one its clients see) and PostgreSQL
 * 15 (one connection, a fresh schema per instance, every value as PostgreSQL's text). Each run
 * yields an `Outcome`: text rows with the float columns marked, or a failure's SQLSTATE.
 */
import pg from 'pg';
import { formatText } from '../../src/functions/text-io.ts';
import { Eddy } from '../../src/index.ts';

export type Outcome =
  | {
      readonly ok: true;
      readonly floatColumns: readonly boolean[];
      /** sqllogictest type letters: I integer, R float, T anything else. */
      readonly letters: string;
      readonly names?: readonly string[];
      readonly rows: readonly (readonly (string | null)[])[];
    }
  | { readonly ok: false; readonly code: string; readonly message: string };

export interface FuzzEngine {
  /** Runs statements; rejects with the failure on error. */
  execute(sql: string): Promise<void>;
  run(sql: string): Promise<Outcome>;
  close(): Promise<void>;
}

/**
 * `sql`'s answer after `setup` in one transaction, which is then rolled back (SET LOCAL settings,
 * scratch tables), so nothing of either stays.
 */
export async function runRolledBack(
  engine: FuzzEngine,
  setup: readonly string[],
  sql: string,
): Promise<Outcome> {
  try {
    await engine.execute(['BEGIN', ...setup].join('; '));
    return await engine.run(sql);
  } finally {
    await engine.execute('ROLLBACK');
  }
}

function failure(error: unknown): Outcome {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  return { ok: false, code: typeof code === 'string' && code.length === 5 ? code : 'XX000', message };
}

export class EddyEngine implements FuzzEngine {
  private readonly db: Eddy;

  private constructor(db: Eddy) {
    this.db = db;
  }

  static async open(): Promise<EddyEngine> {
    return new EddyEngine(await Eddy.open());
  }

  async execute(sql: string): Promise<void> {
    await this.db.execute(sql);
  }

  async run(sql: string): Promise<Outcome> {
    try {
      const { columns, rows } = await this.db.query(sql);
      return {
        ok: true,
        floatColumns: columns.map((c) => c.type.id === 'float4' || c.type.id === 'float8'),
        letters: columns.map((c) => letterOf(c.type.id)).join(''),
        rows: rows.map((r) => r.map((v, i) => (v === null ? null : formatText(v, columns[i]!.type)))),
      };
    } catch (e) {
      return failure(e);
    }
  }

  close(): Promise<void> {
    return this.db.close();
  }
}

function letterOf(typeId: string): string {
  if (typeId === 'int2' || typeId === 'int4' || typeId === 'int8') return 'I';
  return typeId === 'float4' || typeId === 'float8' ? 'R' : 'T';
}

const pgTypeNames = new Map([
  [21, 'int2'],
  [23, 'int4'],
  [20, 'int8'],
  [700, 'float4'],
  [701, 'float8'],
]);

const rawText = { getTypeParser: () => (s: string) => s } as unknown as pg.CustomTypesConfig;
let schemaSeq = 0;

/** One connection to a PostgreSQL cluster; `fresh()` gives each instance its own empty schema. */
export class PgEngine implements FuzzEngine {
  private readonly client: pg.Client;
  private readonly schema: string;

  private constructor(client: pg.Client, schema: string) {
    this.client = client;
    this.schema = schema;
  }

  static async open(url: string): Promise<PgEngine> {
    const client = new pg.Client({ connectionString: url, types: rawText });
    client.on('error', () => {
      // A dropped connection surfaces on the next query; without a listener it would crash the fuzzer.
    });
    await client.connect();
    const schema = `fuzz_${process.pid}_${++schemaSeq}`;
    await client.query(
      `SET client_min_messages = warning; SET statement_timeout = '20s'; SET TimeZone = 'UTC';
       CREATE SCHEMA ${schema}; SET search_path TO ${schema}`,
    );
    return new PgEngine(client, schema);
  }

  async execute(sql: string): Promise<void> {
    await this.client.query(sql);
  }

  async run(sql: string): Promise<Outcome> {
    try {
      const res = (await this.client.query({ text: sql, rowMode: 'array' })) as pg.QueryArrayResult<
        (string | null)[]
      >;
      return {
        ok: true,
        floatColumns: res.fields.map((f) => f.dataTypeID === 700 || f.dataTypeID === 701),
        letters: res.fields.map((f) => letterOf(pgTypeNames.get(f.dataTypeID) ?? 'text')).join(''),
        names: res.fields.map((f) => f.name),
        rows: res.rows,
      };
    } catch (e) {
      return failure(e);
    }
  }

  async close(): Promise<void> {
    try {
      await this.client.query('ROLLBACK').catch(() => undefined);
      await this.client.query(`DROP SCHEMA ${this.schema} CASCADE`).catch(() => undefined);
    } finally {
      await this.client.end();
    }
  }
}
