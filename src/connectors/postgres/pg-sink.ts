/**
 * @module connectors/postgres/pg-sink
 * The PostgreSQL sink: writes a view's changes into a table, each Eddy step as one PostgreSQL
 * transaction that also moves the sink's row in `eddy_sink_progress (sink, step)`. On start it
 * reads that row and resumes after it, so a crash of Eddy (or of the connection) anywhere leaves
 * no gap and no duplicate: a step is in the target exactly when its progress row says so. A
 * keyed sink (the view's unique key, or `primary_key`) deletes the changed keys' old rows and
 * inserts the new ones (by COPY from 100 rows); an append-only sink inserts and fails on a
 * retraction. A full contents (first start, or history too short to resume) replaces the table
 * through COPY.
 *
 * The sink framework (runtime/sinks, `CREATE SINK … WITH (connector = 'postgres', …)`) drives it:
 * `open` answers the step the target committed last, which wins over Eddy's own record.
 */
import type { Client } from 'pg';
import { DataError, SqlState } from '../../common/errors.ts';
import { type SqlType, typeName } from '../../common/types.ts';
import type { Value } from '../../common/value.ts';
import { formatText } from '../../functions/text-io.ts';
import { connect, quoteIdent, type UpstreamAddress, upstreamError } from './upstream.ts';

/** One step's changes to the view, or (`replace`) its whole contents as of the step. */
export interface SinkStep {
  readonly step: number;
  readonly rows: readonly (readonly Value[])[];
  /** +n inserts n copies, −n deletes n copies. */
  readonly weights: readonly number[];
  readonly replace: boolean;
}

export interface PostgresSinkOptions {
  readonly name: string;
  readonly address: UpstreamAddress;
  /** The target table, `table` or `schema.table` (unquoted names). */
  readonly table: string;
  readonly columns: readonly { readonly name: string; readonly type: SqlType }[];
  /** Column positions of the key; null: append-only. An empty key: the view has one row. */
  readonly key: readonly number[] | null;
  /** Create the target table (and its primary key) when it does not exist. */
  readonly createTable: boolean;
}

/** A step an append-only sink cannot write: no retry helps. */
export class AppendOnlyRetraction extends DataError {}

const progressTable = 'eddy_sink_progress';

export class PostgresSink {
  private readonly options: PostgresSinkOptions;
  private client: Client | null = null;

  constructor(options: PostgresSinkOptions) {
    this.options = options;
  }

  /** Connects and prepares the tables; answers the last step the target committed (null: none). */
  async open(): Promise<number | null> {
    await this.close();
    const client = await connect(this.options.address);
    this.client = client;
    try {
      if (this.options.createTable) await client.query(this.createTableSql());
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${progressTable} (sink text PRIMARY KEY, step bigint NOT NULL, updated_at timestamptz NOT NULL DEFAULT now())`,
      );
      const r = await client.query<{ step: string }>(`SELECT step FROM ${progressTable} WHERE sink = $1`, [
        this.options.name,
      ]);
      return r.rows[0] === undefined ? null : Number(r.rows[0].step);
    } catch (err) {
      throw upstreamError(err);
    }
  }

  async close(): Promise<void> {
    await this.client?.end().catch(() => {});
    this.client = null;
  }

  /** Writes one step as one transaction with the progress row; answers the rows written. */
  async deliver(step: SinkStep): Promise<number> {
    return this.write(step);
  }

  /** One step as one transaction: its rows, and the progress row moved to it. */
  private async write(step: SinkStep): Promise<number> {
    const client = this.client;
    if (client === null) throw new DataError(SqlState.connectionException, 'the sink is not connected');
    const { key } = this.options;
    const target = this.target();
    const inserted: (readonly Value[])[] = [];
    step.rows.forEach((row, i) => {
      for (let k = 0; k < step.weights[i]!; k++) inserted.push(row);
    });
    if (!step.replace && key === null && step.weights.some((w) => w < 0))
      throw new AppendOnlyRetraction(
        SqlState.objectNotInPrerequisiteState,
        `sink ${this.options.name} is append-only, and step ${step.step} retracts rows of its view`,
        { hint: 'Give the sink a primary_key, or sink a view whose rows are never retracted.' },
      );
    await client.query('BEGIN');
    try {
      if (step.replace) {
        await client.query(`DELETE FROM ${target}`);
        await this.copy(client, inserted);
      } else {
        if (key !== null) {
          // Every changed key's old row goes; the step's new rows come in.
          const keys = new Map<string, readonly Value[]>();
          for (const row of step.rows) {
            const k = key.map((i) => row[i]!);
            keys.set(JSON.stringify(k.map((v, j) => this.text(v, key[j]!))), k);
          }
          if (keys.size > 0) await this.deleteKeys(client, [...keys.values()]);
        }
        // A bulk step by COPY (the sink's rate then nears COPY's); a few rows by one INSERT, which
        // takes one round trip where COPY takes two.
        if (inserted.length >= copyRowsMin) await this.copy(client, inserted);
        else await this.insert(client, inserted);
      }
      const moved = await client.query(
        `INSERT INTO ${progressTable} (sink, step) VALUES ($1, $2)
           ON CONFLICT (sink) DO UPDATE SET step = excluded.step, updated_at = now()
           WHERE ${progressTable}.step < excluded.step OR $3`,
        [this.options.name, step.step, step.replace],
      );
      if (moved.rowCount === 0) {
        // This step is in the target already (an earlier incarnation wrote it): leave it.
        await client.query('ROLLBACK');
        return 0;
      }
      await client.query('COMMIT');
      return inserted.length;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw upstreamError(err);
    }
  }

  private target(): string {
    return this.options.table.split('.').map(quoteIdent).join('.');
  }

  private text(v: Value, column: number): string | null {
    return v === null ? null : formatText(v, this.options.columns[column]!.type);
  }

  private cast(column: number): string {
    return pgTypeName(this.options.columns[column]!.type);
  }

  private async deleteKeys(client: Client, keys: (readonly Value[])[]): Promise<void> {
    const key = this.options.key!;
    if (key.length === 0) {
      await client.query(`DELETE FROM ${this.target()}`);
      return;
    }
    const cols = key.map((i) => quoteIdent(this.options.columns[i]!.name)).join(', ');
    const arrays = key.map((i, j) => keys.map((k) => this.text(k[j]!, i)));
    const unnest = key.map((i, j) => `$${j + 1}::${this.cast(i)}[]`).join(', ');
    await client.query(
      `DELETE FROM ${this.target()} WHERE (${cols}) IN (SELECT * FROM unnest(${unnest}))`,
      arrays,
    );
  }

  private async insert(client: Client, rows: (readonly Value[])[]): Promise<void> {
    if (rows.length === 0) return;
    const columns = this.options.columns;
    const list = columns.map((c) => quoteIdent(c.name)).join(', ');
    const chunk = Math.max(1, Math.floor(30_000 / Math.max(1, columns.length)));
    for (let start = 0; start < rows.length; start += chunk) {
      const part = rows.slice(start, start + chunk);
      const params: (string | null)[] = [];
      const values = part.map((row) => {
        const cells = columns.map((_, j) => {
          params.push(this.text(row[j]!, j));
          return `$${params.length}::${this.cast(j)}`;
        });
        return `(${cells.join(', ')})`;
      });
      await client.query(`INSERT INTO ${this.target()} (${list}) VALUES ${values.join(', ')}`, params);
    }
  }

  /** COPY … FROM STDIN in text format: the initial load and full replacements. */
  private async copy(client: Client, rows: (readonly Value[])[]): Promise<void> {
    const columns = this.options.columns;
    const list = columns.map((c) => quoteIdent(c.name)).join(', ');
    const lines: string[] = [];
    for (const row of rows)
      lines.push(`${columns.map((_, j) => copyField(this.text(row[j]!, j))).join('\t')}\n`);
    await copyIn(client, `COPY ${this.target()} (${list}) FROM STDIN`, lines);
  }

  private createTableSql(): string {
    const { columns, key } = this.options;
    const defs = columns.map((c) => `${quoteIdent(c.name)} ${pgTypeName(c.type)}`);
    if (key !== null && key.length > 0)
      defs.push(`PRIMARY KEY (${key.map((i) => quoteIdent(columns[i]!.name)).join(', ')})`);
    return `CREATE TABLE IF NOT EXISTS ${this.target()} (${defs.join(', ')})`;
  }
}

/** Rows from which an incremental step's new rows go in by COPY rather than INSERT. */
const copyRowsMin = 100;

/** The PostgreSQL type name for a column (an enum is written as text). */
function pgTypeName(type: SqlType): string {
  if (type.id === 'array') return `${pgTypeName(type.element)}[]`;
  if (type.id === 'enum') return 'text';
  return typeName(type);
}

/** A value in COPY's text format: `\N` for NULL; backslash, tab, newline and CR escaped. */
function copyField(text: string | null): string {
  if (text === null) return '\\N';
  return text.replace(/[\\\t\n\r]/g, (c) =>
    c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r',
  );
}

/**
 * Runs `COPY … FROM STDIN` on a pg client, sending `lines` (already in COPY text format). pg
 * routes a query object's protocol messages to it (the "submittable" interface): the CopyInResponse
 * starts the data, CommandComplete and ReadyForQuery end it.
 */
function copyIn(client: Client, sql: string, lines: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    let error: unknown = null;
    const submittable = {
      submit(connection: { query(text: string): void }) {
        connection.query(sql);
      },
      handleCopyInResponse(connection: { sendCopyFromChunk(b: Buffer): void; endCopyFrom(): void }) {
        let batch: string[] = [];
        let size = 0;
        for (const line of lines) {
          batch.push(line);
          size += line.length;
          if (size > 1 << 20) {
            connection.sendCopyFromChunk(Buffer.from(batch.join('')));
            batch = [];
            size = 0;
          }
        }
        if (batch.length > 0) connection.sendCopyFromChunk(Buffer.from(batch.join('')));
        connection.endCopyFrom();
      },
      handleCommandComplete() {},
      handleError(err: unknown) {
        error = err;
      },
      handleReadyForQuery() {
        if (error !== null) reject(error);
        else resolve();
      },
      handleEmptyQuery() {},
      handleRowDescription() {},
      handleDataRow() {},
      handleCopyData() {},
      handlePortalSuspended() {},
    };
    (client as unknown as { query(s: unknown): void }).query(submittable);
  });
}
