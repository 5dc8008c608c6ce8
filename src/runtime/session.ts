/**
 * @module runtime/session
 * A session: executes SQL scripts statement by statement with PostgreSQL's transaction rules.
 * Outside a transaction each statement is its own step; BEGIN … COMMIT makes all its writes one
 * step. A failed statement changes nothing; inside a transaction it aborts the transaction
 * (25P02 until ROLLBACK), as in PostgreSQL.
 */

import { SqlState, StateError } from '../common/errors.ts';
import type { Value } from '../common/value.ts';
import type { SessionSettings } from '../sql/bind/context.ts';
import { type EddyStatement, parseScript } from '../sql/front/index.ts';
import { ChangeSet } from './changes.ts';
import type { Database } from './database.ts';
import type { StatementResult } from './result.ts';
import { executeStatement } from './statements/dispatch.ts';

export interface Transaction {
  readonly changes: ChangeSet;
  failed: boolean;
}

export class Session {
  readonly db: Database;
  readonly settings: SessionSettings & Record<string, unknown>;
  transaction: Transaction | null = null;

  constructor(db: Database) {
    this.db = db;
    this.settings = { timeZone: 'UTC', statementTime: 0 };
  }

  /** Executes every statement of `script`; stops at the first error (earlier ones stay done). */
  execute(script: string, params: readonly Value[] = []): StatementResult[] {
    const statements = parseScript(script);
    const results: StatementResult[] = [];
    for (const stmt of statements) results.push(this.executeOne(stmt, params));
    return results;
  }

  private executeOne(stmt: EddyStatement, params: readonly Value[]): StatementResult {
    if (this.transaction?.failed && !endsTransaction(stmt)) {
      throw new StateError(
        SqlState.inFailedSqlTransaction,
        'current transaction is aborted, commands ignored until end of transaction block',
      );
    }
    this.settings.statementTime = Date.now() * 1000;
    const changes = new ChangeSet();
    try {
      const result = executeStatement(
        { text: stmt.text, offset: stmt.offset, params, session: this, changes },
        stmt,
      );
      if (!changes.isEmpty) {
        if (this.transaction) this.transaction.changes.merge(changes);
        else this.db.commitStep(changes);
      }
      return result;
    } catch (err) {
      if (this.transaction) this.transaction.failed = true;
      throw err;
    }
  }

  begin(): void {
    if (this.transaction) return;
    this.transaction = { changes: new ChangeSet(), failed: false };
  }

  /** Commits the open transaction's writes as one step; a failed transaction rolls back instead. */
  commit(): 'COMMIT' | 'ROLLBACK' {
    const txn = this.transaction;
    this.transaction = null;
    if (!txn) return 'COMMIT';
    if (txn.failed) {
      this.undo(txn.changes);
      return 'ROLLBACK';
    }
    if (!txn.changes.isEmpty) this.db.commitStep(txn.changes);
    return 'COMMIT';
  }

  rollback(): void {
    const txn = this.transaction;
    this.transaction = null;
    if (txn) this.undo(txn.changes);
  }

  /** Reverts table writes that never reached a step. */
  private undo(changes: ChangeSet): void {
    for (const [id, b] of changes.negated().byRelation) {
      if (!this.db.hasStore(id)) continue;
      const store = this.db.store(id);
      for (let i = 0; i < b.length; i++) store.apply(b.values, i * b.arity, b.weights[i]!);
    }
  }
}

function endsTransaction(stmt: EddyStatement): boolean {
  if (stmt.kind !== 'postgres' || !('TransactionStmt' in stmt.stmt)) return false;
  const kind = stmt.stmt.TransactionStmt.kind;
  return kind === 'TRANS_STMT_ROLLBACK' || kind === 'TRANS_STMT_COMMIT';
}
