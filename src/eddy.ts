/**
 * @module eddy
 * The embedded library API: open a database, run SQL, insert rows, subscribe to a view's
 * changes, close. Promise-based and free of global state: every `Eddy` owns its database.
 */

import type { TableEntry } from './catalog/catalog.ts';
import type { Clock } from './common/clock.ts';
import { DataError, FeatureNotSupportedError, SemanticError, SqlState } from './common/errors.ts';
import type { SqlType } from './common/types.ts';
import type { Row, Value } from './common/value.ts';
import { jsParam } from './functions/js-input.ts';
import { parseMemorySetting } from './plan/evaluate/query-guard.ts';
import { ChangeSet } from './runtime/changes.ts';
import { Database, type StepChanges } from './runtime/database.ts';
import { createDataflowMaintainer } from './runtime/dataflow-maintainer.ts';
import { AfterDurable } from './runtime/durable-log.ts';
import type { ResultColumn, StatementResult } from './runtime/result.ts';
import { Session } from './runtime/session.ts';
import { SinkRunner } from './runtime/sinks/sink-runner.ts';
import { SourceRunner } from './runtime/sources/source-runner.ts';
import type { StatementContext } from './runtime/statements/context.ts';
import {
  conflictOption,
  type OnConflict,
  prepareFlatInsert,
  requireTable,
} from './runtime/statements/insert.ts';
import {
  convertFlat,
  convertRows,
  type TableInput,
  tableInput,
  type ValueForm,
  valueFormOption,
} from './runtime/statements/insert-values.ts';
import { type SubscriptionEvent, subscribeRelation } from './runtime/subscriptions.ts';
import { loadParser } from './sql/front/index.ts';
import type { Durability } from './storage/durability.ts';

export interface OpenOptions {
  /**
   * Data folder: everything is durable there (created if missing), and reopening it recovers
   * the database. Without it the database lives in memory and is gone at close.
   */
  readonly dir?: string;
  /** Milliseconds between checkpoints of a durable database (default 10 000; 0: only at close). */
  readonly checkpointInterval?: number;
  /**
   * Incremental checkpoints (default false: opt-in until an unexplained recovery failure seen once
   * with them is understood, docs/reliability.md): each writes only the state changed since the
   * previous one, with a full one now and then. False: every checkpoint saves everything.
   */
  readonly incrementalCheckpoints?: boolean;
  /**
   * Anonymous resident memory (the kernel's RssAnon) for the process to stay under, in bytes or
   * as a size ('256MB', '2GB'): materialized views' state beyond it spills into `dir`, which it
   * requires (docs/adr/0006-state-larger-than-memory.md). Default: no budget.
   */
  readonly memoryBudget?: number | string;
  /**
   * Rows of change history kept per subscribed table or view, so that a subscriber can resume
   * after a step (`subscribe(…, { afterStep })`), across restarts too (default 100 000). A
   * resume from before the oldest step kept gets a resync.
   */
  readonly subscriptionHistoryRows?: number;
  /**
   * The clock steps read: temporal filters (`WHERE ts > now() - INTERVAL '1 hour'`) move rows
   * in and out of views as it advances. Default: the system clock. Tests pass a `ManualClock`.
   */
  readonly clock?: Clock;
}

export interface QueryResult<T extends readonly Value[] = Row> {
  readonly columns: readonly ResultColumn[];
  readonly rows: readonly T[];
}

/** Options of `insert()`, `insertBatch()` and `insertBatches()`. */
export interface InsertOptions {
  /**
   * A row whose primary key exists: `'error'` (the default) fails the call with 23505, as a
   * plain INSERT; `'nothing'` skips the row (ON CONFLICT DO NOTHING); `'update'` replaces the
   * existing row (ON CONFLICT DO UPDATE of every column). Needs a table with a primary key.
   */
  readonly onConflict?: OnConflict;
  /**
   * `'js'` (the default): natural JavaScript values, converted per the README's value table.
   * `'engine'`: values already in Eddy's own forms, as `query()` returns them (timestamps as
   * microseconds, dates as days, numeric as `Numeric`), only checked: the fastest bulk path.
   */
  readonly valueForm?: ValueForm;
}

/** One step's changes to a subscribed view: rows with weights (+1 inserted, −1 deleted). */
export interface ViewChange {
  readonly step: number;
  readonly columns: readonly ResultColumn[];
  readonly changes: readonly { readonly row: Row; readonly weight: number }[];
  /**
   * Set on a resumed subscription whose `afterStep` the retained history no longer reaches (or
   * a step this database has not reached): `changes` is then the view's whole contents as of
   * `step` (weight 1 per copy), replacing everything received before.
   */
  readonly resync?: true;
}

/** Options of `subscribe()`. */
export interface SubscribeViewOptions {
  /**
   * Resume after this step (the `step` of the last change received, or `currentStep` when
   * subscribing): the changes of every later step come first, from the retained history, even
   * across a restart of a durable database; a `resync` change if it no longer reaches back.
   */
  readonly afterStep?: number;
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
  private durability: Durability | null = null;
  /** Connector sources (Kafka) run while the database is open; their read errors go to stderr. */
  private readonly sources: SourceRunner;
  /** Sinks deliver while the database is open; their delivery errors go to stderr. */
  private readonly sinks: SinkRunner;
  private closed = false;

  private constructor() {
    this.db = new Database(createDataflowMaintainer);
    this.session = new Session(this.db);
    this.sources = new SourceRunner(this.db, (line) => process.stderr.write(`eddy: ${line}\n`));
    this.sinks = new SinkRunner(this.db, (line) => process.stderr.write(`eddy: ${line}\n`));
  }

  static async open(options: OpenOptions = {}): Promise<Eddy> {
    await loadParser();
    const eddy = new Eddy();
    const historyRows = options.subscriptionHistoryRows;
    if (historyRows !== undefined) {
      if (!Number.isSafeInteger(historyRows) || historyRows < 0)
        throw new DataError(
          SqlState.invalidParameterValue,
          `subscriptionHistoryRows must be a non-negative integer, not ${String(historyRows)}`,
        );
      eddy.db.history.rowsMax = historyRows;
    }
    if (options.clock !== undefined) eddy.db.clock = options.clock;
    const memoryBudgetBytes = memoryBudgetOption(options);
    if (options.dir !== undefined) {
      // storage/ (and lmdb, a native addon) is loaded only for a database kept in a directory.
      const { Durability } = await import('./storage/durability.ts');
      await Durability.prepare(options.dir);
      eddy.durability = Durability.open(eddy.db, {
        dir: options.dir,
        checkpointIntervalMs: options.checkpointInterval,
        incrementalCheckpoints: options.incrementalCheckpoints,
        memoryBudgetBytes,
      });
    }
    eddy.sources.start();
    eddy.sinks.start();
    return eddy;
  }

  /** Writes a checkpoint now (a durable database does so periodically and at close anyway). */
  async checkpoint(): Promise<void> {
    this.checkOpen();
    await this.durability?.checkpoint();
  }

  /**
   * Runs one or more SQL statements; returns each statement's result. Several statements
   * outside a transaction are one implicit transaction, as PostgreSQL runs a multi-statement
   * query string (libpq's `PQexec`): all or nothing, BEGIN / COMMIT among them as there.
   */
  async execute(sql: string, params: readonly unknown[] = []): Promise<StatementResult[]> {
    this.checkOpen();
    const typed = params.map(jsParam);
    const results = await this.session.executeScript(
      sql,
      typed.map((p) => p.value),
      typed.map((p) => p.type),
    );
    await this.db.whenDurable();
    return results;
  }

  /**
   * Runs SQL and returns the last statement's columns and rows. `T` types the rows for
   * TypeScript (say `query<[number, string]>(…)`); it is not checked at run time.
   */
  async query<T extends readonly Value[] = Row>(
    sql: string,
    params: readonly unknown[] = [],
  ): Promise<QueryResult<T>> {
    const results = await this.execute(sql, params);
    const last = results[results.length - 1];
    return { columns: last?.columns ?? [], rows: (last?.rows ?? []) as unknown as readonly T[] };
  }

  /**
   * Inserts rows into a table as one transaction (one step). Rows are arrays in column order or
   * objects keyed by column name. Each value is read as a parameter of `INSERT … VALUES ($1, …)`
   * would be (see the README's value table); `undefined` or a missing key takes the column's
   * DEFAULT. Any bad value, NULL in a NOT NULL column or existing key (unless `onConflict` says
   * otherwise) rejects the whole call with a `RowInputError` or `ConstraintError`; nothing applies.
   */
  async insert(
    table: string,
    rows: readonly (readonly unknown[] | Readonly<Record<string, unknown>>)[],
    options: InsertOptions = {},
  ): Promise<number> {
    this.checkOpen();
    this.checkNoTransaction('insert()');
    const ctx = this.context();
    const input = tableInput(ctx, requireTable(ctx, table), valueFormOption(options.valueForm));
    const values = convertRows(input, rows);
    const count = this.write(ctx, [{ table: input.table, values, rowCount: rows.length }], options, false);
    await this.db.whenDurable();
    return count;
  }

  /**
   * Inserts `rowCount` rows given as one flat row-major array (row i's column j at
   * `values[i * arity + j]`), as one step: the fast path for bulk and streaming ingest. Values are
   * read as in `insert()`.
   */
  async insertBatch(
    table: string,
    values: readonly unknown[],
    rowCount: number,
    options: InsertOptions = {},
  ): Promise<number> {
    return this.insertBatches([{ table, values, rowCount }], options);
  }

  /** Several flat batches (see insertBatch), possibly into different tables, as one transaction and one step. */
  async insertBatches(
    batches: readonly { table: string; values: readonly unknown[]; rowCount: number }[],
    options: InsertOptions = {},
  ): Promise<number> {
    this.checkOpen();
    this.checkNoTransaction('insertBatches()');
    const ctx = this.context();
    const inputs = new Map<string, TableInput>();
    const converted = batches.map(({ table, values, rowCount }) => {
      let input = inputs.get(table);
      if (input === undefined) {
        input = tableInput(ctx, requireTable(ctx, table), valueFormOption(options.valueForm));
        inputs.set(table, input);
      }
      return { table: input.table, values: convertFlat(input, values, rowCount), rowCount };
    });
    // convertFlat has checked every string it returns.
    const count = this.write(ctx, converted, options, true);
    await this.db.whenDurable();
    return count;
  }

  /**
   * Checks every table's rows, then applies them all and commits one step. Batches for the same
   * table are checked together, so keys repeated across them are caught as within one batch.
   * `stringsChecked`: the strings among the values passed the Unicode check already.
   */
  private write(
    ctx: StatementContext,
    batches: readonly { table: TableEntry; values: readonly Value[]; rowCount: number }[],
    options: InsertOptions,
    stringsChecked: boolean,
  ): number {
    const byTable = new Map<TableEntry, { values: readonly Value[]; rowCount: number }>();
    for (const b of batches) {
      const merged = byTable.get(b.table);
      if (merged === undefined) byTable.set(b.table, { values: b.values, rowCount: b.rowCount });
      else
        byTable.set(b.table, {
          values: merged.values.concat(b.values),
          rowCount: merged.rowCount + b.rowCount,
        });
    }
    const onConflict = conflictOption(options.onConflict);
    const prepared = [...byTable].map(([table, b]) =>
      prepareFlatInsert(ctx, table, b.values, b.rowCount, onConflict, stringsChecked),
    );
    let total = 0;
    for (const p of prepared) {
      p.apply();
      total += p.count;
    }
    if (!ctx.changes.isEmpty) this.db.commitStep(ctx.changes);
    return total;
  }

  /** The number of the last committed step: a token to resume a subscription after. */
  get currentStep(): number {
    return this.db.currentStep;
  }

  /**
   * Calls `onChange` with the view's changes at every step that changes it, from the next step
   * on, or with `afterStep` from the step after that one (see SubscribeViewOptions).
   */
  subscribe(
    view: string,
    onChange: (change: ViewChange) => void,
    options: SubscribeViewOptions = {},
  ): Subscription {
    this.checkOpen();
    if (options.afterStep !== undefined) return this.resume(view, options.afterStep, onChange);
    const relation = this.db.catalog.requireRelation(view);
    if (relation.kind === 'view') {
      throw new SemanticError(
        SqlState.wrongObjectType,
        `"${view}" is not a table, source or materialized view`,
      );
    }
    const id = relation.id;
    const columns = relation.schema.map((c) => ({ name: c.name, type: c.type }));
    // Its history is kept from now on, so that the subscriber can resume after a step it saw.
    if (relation.kind !== 'source') this.db.watch(id);
    // Each change is handed over once its step is durable, in step order.
    const afterDurable = new AfterDurable(() => this.db.whenDurable());
    const off = this.db.onStep((step: StepChanges) => {
      const b = step.changes.byRelation.get(id);
      if (!b || b.length === 0) return;
      const changes = b.weights.map((weight, i) => ({ row: b.row(i), weight }));
      afterDurable.run(
        () => onChange({ step: step.step, columns, changes }),
        () => {},
      );
    });
    return { unsubscribe: off };
  }

  /** A subscription resumed after `afterStep`: the retained history, then every later step. */
  private resume(view: string, afterStep: number, onChange: (change: ViewChange) => void): Subscription {
    if (!Number.isSafeInteger(afterStep) || afterStep < 0)
      throw new DataError(
        SqlState.invalidParameterValue,
        `afterStep must be a step number (a non-negative integer), not ${String(afterStep)}`,
      );
    const relation = this.db.catalog.requireRelation(view);
    const columns = relation.schema.map((c) => ({ name: c.name, type: c.type }));
    // A step not reached here (a token from another database) is answered with the contents.
    const ahead = afterStep > this.db.currentStep;
    const afterDurable = new AfterDurable(() => this.db.whenDurable());
    const deliver = (event: SubscriptionEvent): void => {
      let change: ViewChange;
      if (event.kind === 'changes') {
        const changes = event.weights.map((weight, i) => ({ row: event.rows[i]!, weight }));
        change = { step: event.step, columns, changes };
      } else if (event.kind === 'resync' || event.kind === 'snapshot') {
        const changes = event.rows.map((row) => ({ row, weight: 1 }));
        change = { step: event.step, columns, changes, resync: true };
      } else return;
      afterDurable.run(
        () => onChange(change),
        () => {},
      );
    };
    const off = subscribeRelation(
      this.db,
      relation.id,
      ahead ? { snapshot: true } : { afterStep, snapshot: false },
      deliver,
    );
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

  /** Closes the database; a durable one writes a last checkpoint and releases its directory. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.db.stopTimers();
    await this.sources.stop();
    await this.sinks.stop();
    await this.durability?.close();
  }

  /** A statement context with fresh clock readings (now() and DEFAULTs of this call). */
  private context(): StatementContext {
    this.session.startStatement();
    return {
      text: '',
      offset: 0,
      params: [],
      session: this.session,
      changes: new ChangeSet(),
    };
  }

  private checkNoTransaction(what: string): void {
    if (this.session.transaction)
      throw new FeatureNotSupportedError(`${what} inside an open SQL transaction`);
  }

  private checkOpen(): void {
    if (this.closed) throw new SemanticError(SqlState.objectNotInPrerequisiteState, 'the database is closed');
  }
}

/** `memoryBudget` in bytes (undefined: none); it needs a data directory to spill to. */
function memoryBudgetOption(options: OpenOptions): number | undefined {
  const budget = options.memoryBudget;
  if (budget === undefined) return undefined;
  const bytes = typeof budget === 'number' ? budget : parseMemorySetting(budget);
  if (bytes === null || !Number.isSafeInteger(bytes) || bytes <= 0)
    throw new DataError(
      SqlState.invalidParameterValue,
      `memoryBudget must be a positive number of bytes or a size such as '256MB', not ${JSON.stringify(budget)}`,
    );
  if (options.dir === undefined)
    throw new DataError(
      SqlState.invalidParameterValue,
      'memoryBudget needs a data directory (dir) to spill to',
      {
        hint: 'Pass dir as well, or leave memoryBudget out to keep everything in memory.',
      },
    );
  return bytes;
}
