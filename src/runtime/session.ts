/**
 * @module runtime/session
 * A session: executes SQL scripts statement by statement with PostgreSQL's transaction rules.
 * Outside a transaction each statement is its own step; BEGIN … COMMIT makes all its writes one
 * step, read as of the snapshot its first statement takes (runtime/transaction). A failed
 * statement changes nothing; inside a transaction it aborts the transaction (25P02 until
 * ROLLBACK), as in PostgreSQL.
 */

import type { Node } from 'libpg-query';
import { SqlState, SqlSyntaxError, StateError } from '../common/errors.ts';
import { asResourceLimitError } from '../common/stack-depth.ts';
import { type SqlType, T } from '../common/types.ts';
import { checkUnicodeText } from '../common/utf8-text.ts';
import type { Value } from '../common/value.ts';
import { canceledError, parseMemorySetting, QueryGuard } from '../plan/evaluate/query-guard.ts';
import type { SessionSettings } from '../sql/bind/context.ts';
import { inferParamTypes } from '../sql/bind/params.ts';
import type { EddyStatement } from '../sql/front/index.ts';
import { ChangeSet } from './changes.ts';
import type { Database } from './database.ts';
import { type LateCounts, lateNotices } from './event-time.ts';
import { HydrationPendingError, WaitThenRetryError } from './hydration.ts';
import { PendingStatement } from './pending-statement.ts';
import type { ResultColumn, RowsInFlight, StatementResult } from './result.ts';
import { executeStatement } from './statements/dispatch.ts';
import type { PreparedSql } from './statements/prepared.ts';
import { planSelect } from './statements/query.ts';
import { returningColumns } from './statements/returning.ts';
import { type IsolationLevel, isolationLevel, Transaction } from './transaction.ts';

export class Session {
  readonly db: Database;
  readonly settings: SessionSettings & Record<string, unknown>;
  transaction: Transaction | null = null;
  /** SQL-level prepared statements (PREPARE … AS …), by name. */
  readonly prepared = new Map<string, PreparedSql>();
  /**
   * The guards of the statements running now, for cancel: one on the wire; the library may await
   * a sliced query while it starts another statement on the same session.
   */
  private readonly runningGuards = new Set<QueryGuard>();
  /** NOTICEs raised by steps this session committed, not yet attached to a result. */
  private readonly notices: string[] = [];
  /** Rejects the wait of a statement waiting for a hydrating view (cancel reaches it too). */
  private readonly runningWaits = new Set<(err: StateError) => void>();

  constructor(db: Database) {
    this.db = db;
    this.settings = { timeZone: 'UTC', statementTime: 0, transactionTime: 0 };
  }

  /**
   * Reads the clock for a statement about to run: statement_timestamp() is now; now() is the
   * transaction's start, so it moves only for a statement outside an open transaction.
   */
  startStatement(): void {
    this.settings.statementTime = this.clockReading();
    if (!this.transaction) this.settings.transactionTime = this.settings.statementTime;
  }

  /** The clock as a statement reads it: never behind the last step's time. */
  private clockReading(): number {
    return Math.max(this.db.clock.now(), this.db.stepClockMicros);
  }

  /**
   * Executes every statement of `script`; stops at the first error (earlier ones stay done).
   * `paramTypes` declares `$n` types (the wire protocol's); otherwise a value's form decides.
   * With `mayYield`, a script of one long query may throw a PendingStatement to await, or with
   * `streamRows` return its rows still in flight (`more`: the statement runs until they end).
   */
  execute(
    script: string,
    params: readonly Value[] = [],
    paramTypes?: readonly (SqlType | undefined)[],
    mayYield = false,
    streamRows = false,
  ): StatementResult[] {
    checkTextParams(params);
    const statements = this.db.parse(script);
    const results: StatementResult[] = [];
    const yielding = mayYield && statements.length === 1;
    for (const stmt of statements)
      results.push(this.executeOne(stmt, params, paramTypes, yielding, yielding && streamRows));
    return results;
  }

  /**
   * Stops the statement running now (CancelRequest, pg_cancel_backend, a client gone, server
   * shutdown): it fails with 57014 at its guard's next check. Nothing happens when idle.
   */
  cancelStatement(reason: 'user' | 'shutdown' = 'user'): boolean {
    for (const guard of this.runningGuards) guard.cancel(reason);
    for (const stopWait of this.runningWaits) stopWait(canceledError(reason));
    return this.runningGuards.size + this.runningWaits.size > 0;
  }

  /** The guard for a statement starting now, from `statement_timeout` and `eddy.query_memory`. */
  private statementGuard(): QueryGuard {
    const memory = this.settings['guc:eddy.query_memory'];
    return new QueryGuard({
      timeoutMs: statementTimeoutMs(this.settings['guc:statement_timeout']),
      memoryBytesMax: memory === undefined ? undefined : (parseMemorySetting(String(memory)) ?? undefined),
    });
  }

  /**
   * Executes a script like `execute`, but a statement reading a view that is still hydrating in
   * the background waits for it (bounded by `statement_timeout`) and is then retried alone,
   * unless the session set `eddy.hydration_wait = off`, which fails at once with 55000.
   */
  async executeWaiting(
    script: string,
    params: readonly Value[] = [],
    paramTypes?: readonly (SqlType | undefined)[],
  ): Promise<StatementResult[]> {
    checkTextParams(params);
    const results: StatementResult[] = [];
    for (const stmt of this.db.parse(script))
      results.push(await this.executeOneWaiting(stmt, params, paramTypes));
    return results;
  }

  private async executeOneWaiting(
    stmt: EddyStatement,
    params: readonly Value[],
    paramTypes?: readonly (SqlType | undefined)[],
    streamRows = false,
  ): Promise<StatementResult> {
    for (;;) {
      try {
        return await this.executeOneYielding(stmt, params, paramTypes, streamRows);
      } catch (err) {
        if (!(err instanceof WaitThenRetryError)) throw err;
        await this.awaitHydration(err);
      }
    }
  }

  /** One statement, evaluated in slices when it is a long query: then a promise of its result. */
  private executeOneYielding(
    stmt: EddyStatement,
    params: readonly Value[],
    paramTypes?: readonly (SqlType | undefined)[],
    streamRows = false,
  ): StatementResult | Promise<StatementResult> {
    try {
      return this.executeOne(stmt, params, paramTypes, true, streamRows);
    } catch (err) {
      if (err instanceof PendingStatement) return err.result;
      throw err;
    }
  }

  /**
   * Runs a script as PostgreSQL runs a multi-statement Query: outside a transaction block its
   * statements form one implicit transaction (all or nothing, one step; the objects they create
   * are dropped again and the ones they drop come back if one fails). A BEGIN among them makes
   * it a block the earlier statements belong to; statements after a COMMIT start a new one. The
   * library's `execute` and HTTP's POST /sql run scripts so.
   *
   * With `deliver`, nothing is collected: each statement's result is handed over as it ends (a
   * query's rows still in flight, `more`: the statement runs until they end) and awaited before
   * the next statement starts; an error thrown by it is the statement's (HTTP's streamed form).
   */
  async executeScript(
    script: string,
    params: readonly Value[] = [],
    paramTypes?: readonly (SqlType | undefined)[],
    stopped?: AbortSignal,
    deliver?: (result: StatementResult) => Promise<void>,
  ): Promise<StatementResult[]> {
    checkTextParams(params);
    const statements = this.db.parse(script);
    if (stopped?.aborted) throw canceledError('user');
    if (statements.length < 2 && !deliver) return this.executeWaiting(script, params, paramTypes);
    const results: StatementResult[] = [];
    const implicit = statements.length > 1;
    try {
      for (const stmt of statements) {
        // A client gone between statements (its abort cancels the running one) stops the rest.
        if (stopped?.aborted) throw canceledError('user');
        if (implicit && !this.transaction && !isTransactionControl(stmt)) this.begin({ implicit: true });
        const result = await this.executeOneWaiting(stmt, params, paramTypes, deliver !== undefined);
        if (deliver) await deliver(result);
        else results.push(result);
      }
      if (this.transaction?.implicit) this.commit();
      if (results.length > 0) results.push(this.withNotices(results.pop()!));
      return results;
    } catch (err) {
      if (this.transaction?.implicit) this.rollback();
      throw err;
    }
  }

  /**
   * After a statement of this session hit a hydrating view: waits until the view is ready,
   * bounded by `statement_timeout` (57014), or rethrows at once with `eddy.hydration_wait = off`.
   * The statement did not run, so an open transaction is not marked failed.
   */
  async awaitHydration(err: WaitThenRetryError): Promise<void> {
    if (err instanceof HydrationPendingError && this.settings['guc:eddy.hydration_wait'] === 'off') throw err;
    if (this.transaction) this.transaction.failed = false;
    let stopWait!: (err: StateError) => void;
    const canceled = new Promise<never>((_, reject) => {
      stopWait = reject;
    });
    this.runningWaits.add(stopWait);
    try {
      await Promise.race([
        waitFor(err.ready, statementTimeoutMs(this.settings['guc:statement_timeout'])),
        canceled,
      ]);
    } finally {
      this.runningWaits.delete(stopWait);
    }
  }

  /**
   * Describes one statement without running it (the extended protocol's Parse / Describe): the
   * types of its parameters, inferred from context where not declared, and its result columns
   * (null for a statement that returns no rows). A write is described by a dry run whose writes
   * are recorded, never applied: nothing changes and no step is taken.
   */
  describe(sql: string, paramTypes: readonly (SqlType | undefined)[] = []): StatementDescription {
    try {
      return this.db.catalog.readingAs(this.transaction, () => this.describeOne(sql, paramTypes));
    } catch (err) {
      throw asResourceLimitError(err);
    }
  }

  private describeOne(sql: string, paramTypes: readonly (SqlType | undefined)[]): StatementDescription {
    const statements = this.db.parse(sql);
    if (statements.length !== 1) {
      throw new SqlSyntaxError('cannot insert multiple commands into a prepared statement');
    }
    const stmt = statements[0]!;
    const inferred: (SqlType | undefined)[] = [...paramTypes];
    const changes = new ChangeSet();
    const ctx = {
      text: stmt.text,
      offset: stmt.offset,
      params: [],
      paramTypes,
      inferredParamTypes: inferred,
      dryRun: true,
      session: this,
      changes,
    };
    const node = stmt.kind === 'postgres' ? stmt.stmt : null;
    const { result } = inferParamTypes(inferred, () => {
      if (!node) return null;
      if ('SelectStmt' in node)
        return planSelect(ctx, node.SelectStmt).schema.map((c) => ({ name: c.name, type: c.type }));
      if ('InsertStmt' in node || 'UpdateStmt' in node || 'DeleteStmt' in node) {
        const returned = returningColumns(ctx, node);
        try {
          executeStatement(ctx, stmt);
        } catch {
          // A dry run with NULL parameters may violate constraints; the types are known by then.
        }
        return returned;
      }
      return null;
    });
    const types = Array.from({ length: inferred.length }, (_, i) => inferred[i] ?? T.text);
    return { paramTypes: types, columns: result ?? describeUtility(node) };
  }

  private executeOne(
    stmt: EddyStatement,
    params: readonly Value[],
    paramTypes?: readonly (SqlType | undefined)[],
    mayYield = false,
    streamRows = false,
  ): StatementResult {
    if (!this.transaction && this.db.durableLog && changesCatalog(stmt)) {
      // A durable catalog change is logged by COMMIT, before it is published: run it as a
      // transaction of its own, so a refused log write (disk full) leaves nothing behind.
      this.begin({ implicit: true });
      let result: StatementResult;
      try {
        result = this.executeOne(stmt, params, paramTypes);
      } catch (err) {
        this.rollback();
        throw err;
      }
      this.commit();
      return result;
    }
    if (this.transaction?.failed && !endsTransaction(stmt)) {
      throw new StateError(
        SqlState.inFailedSqlTransaction,
        'current transaction is aborted, commands ignored until end of transaction block',
      );
    }
    this.startStatement();
    if (this.transaction && takesSnapshot(stmt)) this.transaction.takeSnapshot(this.db);
    const changes = new ChangeSet();
    const firstId = this.db.catalog.peekNextId();
    const guard = this.statementGuard();
    this.runningGuards.add(guard);
    let pending = false;
    const logAs: { sql?: string } = {};
    try {
      const result = this.db.catalog.readingAs(this.transaction, () =>
        executeStatement(
          {
            text: stmt.text,
            offset: stmt.offset,
            params,
            paramTypes,
            session: this,
            changes,
            guard,
            mayYield,
            streamRows,
            logAs,
          },
          stmt,
        ),
      );
      if (this.transaction && changesCatalog(stmt))
        this.transaction.ddl.push({ sql: logAs.sql ?? stmt.text, firstId, timeZone: this.settings.timeZone });
      if (!changes.isEmpty) {
        if (this.transaction) this.transaction.changes.merge(changes);
        else this.noteLate(this.db.commitStep(changes).late);
      }
      if (result.more) {
        // Only a read streams: it has no changes to apply when it ends.
        pending = true;
        return this.withNotices({
          ...result,
          more: this.settleStreaming(result.more, guard, this.transaction),
        });
      }
      return this.withNotices(result);
    } catch (err) {
      if (err instanceof PendingStatement) {
        // Only a read is sliced: it has no changes to apply when it ends.
        pending = true;
        throw new PendingStatement(this.settlePending(err.result, guard, this.transaction));
      }
      if (this.transaction) this.transaction.failed = true;
      throw asResourceLimitError(err);
    } finally {
      if (!pending) this.runningGuards.delete(guard);
    }
  }

  /** The end of a sliced statement: it is no longer running; its failure is a statement's failure. */
  private async settlePending(
    result: Promise<StatementResult>,
    guard: QueryGuard,
    transaction: Transaction | null,
  ): Promise<StatementResult> {
    try {
      return await result;
    } catch (err) {
      if (transaction) transaction.failed = true;
      throw asResourceLimitError(err);
    } finally {
      this.runningGuards.delete(guard);
    }
  }

  /** Rows still in flight: the statement runs until they end; their failure is a statement's failure. */
  private settleStreaming(
    more: RowsInFlight,
    guard: QueryGuard,
    transaction: Transaction | null,
  ): RowsInFlight {
    const end = () => this.runningGuards.delete(guard);
    return {
      pull: (take) => {
        try {
          const ended = more.pull(take);
          if (ended) end();
          return ended;
        } catch (err) {
          end();
          if (transaction) transaction.failed = true;
          throw asResourceLimitError(err);
        }
      },
      watch: (wake) => more.watch(wake),
      close: () => {
        more.close();
        end();
      },
    };
  }

  /**
   * Opens a transaction block; unset options come from the session's defaults. BEGIN inside an
   * implicit transaction turns it into a block (what ran in it joins the block), as in PostgreSQL.
   */
  begin(options: { isolation?: IsolationLevel; readOnly?: boolean; implicit?: boolean } = {}): void {
    const open = this.transaction;
    if (open) {
      if (!open.implicit || options.implicit) return;
      open.implicit = false;
      if (options.isolation && open.snapshot === null) open.isolation = options.isolation;
      if (options.readOnly !== undefined) open.readOnly = options.readOnly;
      return;
    }
    this.transaction = new Transaction(
      options.isolation ?? this.defaultIsolation(),
      options.readOnly ?? this.settings['guc:default_transaction_read_only'] === 'on',
    );
    // now() is the transaction's start: an implicit one (a script's, a catalog change's) opens
    // before its first statement reads the clock, so it reads it here.
    this.settings.transactionTime = this.clockReading();
    this.transaction.implicit = options.implicit ?? false;
  }

  /** `default_transaction_isolation`, as the level Eddy gives for it. */
  defaultIsolation(): IsolationLevel {
    return isolationLevel(String(this.settings['guc:default_transaction_isolation'] ?? ''));
  }

  /** Late rows diverted by a step this session committed: NOTICEs for its statement's result. */
  private noteLate(late: LateCounts): void {
    if (late.size > 0) this.notices.push(...lateNotices(this.db.catalog, late));
  }

  /** The result with the NOTICEs raised since the last one was returned. */
  private withNotices(result: StatementResult): StatementResult {
    if (this.notices.length === 0) return result;
    const notices = [...(result.notices ?? []), ...this.notices];
    this.notices.length = 0;
    return { ...result, notices };
  }

  /**
   * Commits the open transaction's writes as one step, all or nothing; a failed transaction
   * rolls back instead. A conflict with a concurrent commit throws (40001, 23505) and the
   * transaction is gone, rolled back, as in PostgreSQL.
   */
  commit(): 'COMMIT' | 'ROLLBACK' {
    const txn = this.transaction;
    this.transaction = null;
    if (!txn) return 'COMMIT';
    let committed = false;
    try {
      if (txn.failed) return 'ROLLBACK';
      this.noteLate(txn.commit(this.db));
      committed = true;
      return 'COMMIT';
    } finally {
      if (!committed) txn.abort(this.db);
      txn.release(this.db);
    }
  }

  /**
   * Discards the open transaction: its writes were never applied to the shared stores; the
   * objects it created are dropped again.
   */
  rollback(): void {
    this.transaction?.abort(this.db);
    this.transaction?.release(this.db);
    this.transaction = null;
  }
}

/** Statements that change the catalog: the input log records them for replay (runtime/durable-log). */
function changesCatalog(stmt: EddyStatement): boolean {
  if (stmt.kind !== 'postgres')
    return (
      stmt.kind === 'createSource' ||
      stmt.kind === 'createSink' ||
      stmt.kind === 'createTable' ||
      stmt.kind === 'createMaterializedView' ||
      stmt.kind === 'drop' ||
      stmt.kind === 'createSecret' ||
      stmt.kind === 'alterSecret' ||
      stmt.kind === 'createConnection' ||
      stmt.kind === 'createPostgresSource'
    );
  const node = stmt.stmt;
  return (
    'CreateStmt' in node ||
    'CreateEnumStmt' in node ||
    'ViewStmt' in node ||
    'CreateTableAsStmt' in node ||
    'IndexStmt' in node ||
    'DropStmt' in node ||
    'CreateFunctionStmt' in node
  );
}

function isTransactionControl(stmt: EddyStatement): boolean {
  return stmt.kind === 'postgres' && 'TransactionStmt' in stmt.stmt;
}

/** Whether a statement fixes its transaction's snapshot: all but transaction control, SET and SHOW. */
function takesSnapshot(stmt: EddyStatement): boolean {
  if (stmt.kind !== 'postgres') return true;
  return !(
    'TransactionStmt' in stmt.stmt ||
    'VariableSetStmt' in stmt.stmt ||
    'VariableShowStmt' in stmt.stmt
  );
}

function endsTransaction(stmt: EddyStatement): boolean {
  if (stmt.kind !== 'postgres' || !('TransactionStmt' in stmt.stmt)) return false;
  const kind = stmt.stmt.TransactionStmt.kind;
  return kind === 'TRANS_STMT_ROLLBACK' || kind === 'TRANS_STMT_COMMIT';
}

export interface StatementDescription {
  readonly paramTypes: readonly SqlType[];
  /** Result columns, or null when the statement returns no rows. */
  readonly columns: readonly ResultColumn[] | null;
}

/** Result columns of row-returning utility statements (SHOW, EXPLAIN). */
function describeUtility(node: Node | null): ResultColumn[] | null {
  if (!node) return null;
  if ('VariableShowStmt' in node)
    return [{ name: (node.VariableShowStmt.name ?? '').toLowerCase(), type: T.text }];
  if ('ExplainStmt' in node) return [{ name: 'QUERY PLAN', type: T.text }];
  return null;
}

/** `statement_timeout` as PostgreSQL reads it: milliseconds, or a number with ms / s / min; 0 = none. */
function statementTimeoutMs(setting: unknown): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|min)?\s*$/.exec(String(setting ?? '0'));
  if (!m) return 0;
  const n = Number(m[1]);
  return m[2] === 's' ? n * 1000 : m[2] === 'min' ? n * 60_000 : n;
}

async function waitFor(ready: Promise<void>, timeoutMs: number): Promise<void> {
  if (timeoutMs <= 0) return ready;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new StateError(SqlState.queryCanceled, 'canceling statement due to statement timeout')),
      timeoutMs,
    );
  });
  try {
    await Promise.race([ready, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Parameter strings from the library or HTTP are JavaScript strings: 22021 unless they are Unicode without NUL. */
function checkTextParams(params: readonly Value[]): void {
  for (const p of params) if (typeof p === 'string') checkUnicodeText(p);
}
