/**
 * @module eddy
 * The embedded library API: open a database, run SQL, insert rows, subscribe to a view's
 * changes, close. Promise-based and free of global state: every `Eddy` owns its database.
 */
import { FeatureNotSupportedError, SemanticError, SqlState } from './common/errors.ts';
import type { SqlType } from './common/types.ts';
import type { Row, Value } from './common/value.ts';
import { ChangeSet } from './runtime/changes.ts';
import { Database, type StepChanges } from './runtime/database.ts';
import { createDataflowMaintainer } from './runtime/dataflow-maintainer.ts';
import type { ResultColumn, StatementResult } from './runtime/result.ts';
import { Session } from './runtime/session.ts';
import type { StatementContext } from './runtime/statements/context.ts';
import { applyRows, checkRows, ingestFlat, requireTable } from './runtime/statements/insert.ts';
import { loadParser } from './sql/front/index.ts';

export interface OpenOptions {
  /** Data folder for durable state. Not used yet: the database lives in memory (see the storage issue). */
  readonly dir?: string;
}

export interface QueryResult {
  readonly columns: readonly ResultColumn[];
  readonly rows: readonly Row[];
}

/** One step's changes to a subscribed view: rows with weights (+1 inserted, −1 deleted). */
export interface ViewChange {
  readonly step: number;
  readonly columns: readonly ResultColumn[];
  readonly changes: readonly { readonly row: Row; readonly weight: number }[];
}

export interface RelationInfo {
  readonly name: string;
  readonly kind: 'table' | 'source' | 'view' | 'materializedView';
  readonly columns: readonly { readonly name: string; readonly type: SqlType; readonly nullable: boolean }[];
}

export interface Subscription {
  unsubscribe(): void;
}

export class Eddy {
  private readonly db: Database;
  private readonly session: Session;
  private closed = false;

  private constructor() {
    this.db = new Database(createDataflowMaintainer);
    this.session = new Session(this.db);
  }

  static async open(options: OpenOptions = {}): Promise<Eddy> {
    void options;
    await loadParser();
    return new Eddy();
  }

  /** Runs one or more SQL statements; returns each statement's result. */
  async execute(sql: string, params: readonly Value[] = []): Promise<StatementResult[]> {
    this.checkOpen();
    return this.session.executeWaiting(sql, params);
  }

  /** Runs SQL and returns the last statement's columns and rows. */
  async query(sql: string, params: readonly Value[] = []): Promise<QueryResult> {
    const results = await this.execute(sql, params);
    const last = results[results.length - 1];
    return { columns: last?.columns ?? [], rows: last?.rows ?? [] };
  }

  /**
   * Inserts rows into a table as one transaction (one step). Rows are arrays in column order or
   * objects keyed by column name; values use Eddy's runtime forms (see docs/sql.md).
   */
  async insert(table: string, rows: readonly (Row | Readonly<Record<string, Value>>)[]): Promise<number> {
    this.checkOpen();
    if (this.session.transaction)
      throw new FeatureNotSupportedError('insert() inside an open SQL transaction');
    const entry = requireTable(this.context(), table);
    const full = rows.map((r) => {
      if (Array.isArray(r)) {
        if (r.length !== entry.columns.length) {
          throw new SemanticError(
            SqlState.syntaxError,
            `row has ${r.length} values but table "${table}" has ${entry.columns.length} columns`,
          );
        }
        return r.slice();
      }
      const record = r as Readonly<Record<string, Value>>;
      for (const key of Object.keys(record)) {
        if (!entry.columns.some((c) => c.name === key)) {
          throw new SemanticError(
            SqlState.undefinedColumn,
            `column "${key}" of relation "${table}" does not exist`,
          );
        }
      }
      return entry.columns.map((c) => record[c.name] ?? null);
    });
    const ctx = this.context();
    const accepted = checkRows(ctx, entry, full, false);
    applyRows(ctx, entry.id, accepted, 1);
    this.db.commitStep(ctx.changes);
    return accepted.length;
  }

  /**
   * Inserts `rowCount` rows given as one flat row-major array (row i's column j at
   * `values[i * arity + j]`), as one step: the fast path for bulk and streaming ingest.
   */
  async insertBatch(table: string, values: readonly Value[], rowCount: number): Promise<number> {
    return this.insertBatches([{ table, values, rowCount }]);
  }

  /** Several flat batches (see insertBatch), possibly into different tables, as one transaction and one step. */
  async insertBatches(
    batches: readonly { table: string; values: readonly Value[]; rowCount: number }[],
  ): Promise<number> {
    this.checkOpen();
    if (this.session.transaction)
      throw new FeatureNotSupportedError('insertBatches() inside an open SQL transaction');
    const ctx = this.context();
    let total = 0;
    for (const { table, values, rowCount } of batches) {
      const entry = requireTable(ctx, table);
      const arity = entry.columns.length;
      if (values.length !== rowCount * arity) {
        throw new SemanticError(
          SqlState.syntaxError,
          `batch for "${table}" has ${values.length} values, expected ${rowCount} rows of ${arity}`,
        );
      }
      total += ingestFlat(ctx, entry, values, rowCount);
    }
    this.db.commitStep(ctx.changes);
    return total;
  }

  /** Calls `onChange` with the view's changes at every step that changes it. */
  subscribe(view: string, onChange: (change: ViewChange) => void): Subscription {
    this.checkOpen();
    const relation = this.db.catalog.requireRelation(view);
    if (relation.kind === 'view') {
      throw new SemanticError(
        SqlState.wrongObjectType,
        `"${view}" is not a table, source or materialized view`,
      );
    }
    const id = relation.id;
    const columns = relation.schema.map((c) => ({ name: c.name, type: c.type }));
    const off = this.db.onStep((step: StepChanges) => {
      const b = step.changes.byRelation.get(id);
      if (!b || b.length === 0) return;
      const changes = b.weights.map((weight, i) => ({ row: b.row(i), weight }));
      onChange({ step: step.step, columns, changes });
    });
    return { unsubscribe: off };
  }

  /** The tables and views in the catalog, with their columns. */
  relations(): RelationInfo[] {
    return this.db.catalog.allRelations().map((r) => ({
      name: r.name,
      kind: r.kind,
      columns: r.schema.map((c) => ({ name: c.name, type: c.type, nullable: c.nullable })),
    }));
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private context(): StatementContext {
    return {
      text: '',
      offset: 0,
      params: [],
      session: this.session,
      changes: new ChangeSet(),
    };
  }

  private checkOpen(): void {
    if (this.closed) throw new SemanticError(SqlState.objectNotInPrerequisiteState, 'the database is closed');
  }
}
