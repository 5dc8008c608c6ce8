/**
 * @module runtime/session
 * A session: executes SQL scripts statement by statement with PostgreSQL's transaction rules.
 * Outside a transaction each statement is its own step; BEGIN … COMMIT makes all its writes one
 * step. A failed statement changes nothing; inside a transaction it aborts the transaction
 * (25P02 until ROLLBACK), as in PostgreSQL.
 */

import type { Node } from 'libpg-query';
import { FeatureNotSupportedError, SqlState, StateError } from '../common/errors.ts';
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
    for (const stmt of statements)
      results.push(this.executeOne(postgresNode(stmt), stmt.text, stmt.offset, params));
    return results;
  }

  private executeOne(node: Node, text: string, offset: number, params: readonly Value[]): StatementResult {
    const txn = this.transaction;
    const isTxnControl = 'TransactionStmt' in node;
    if (
      txn?.failed &&
      !(
        isTxnControl && ['TRANS_STMT_ROLLBACK', 'TRANS_STMT_COMMIT'].includes(node.TransactionStmt.kind ?? '')
      )
    ) {
      throw new StateError(
        SqlState.inFailedSqlTransaction,
        'current transaction is aborted, commands ignored until end of transaction block',
      );
    }
    this.settings.statementTime = Date.now() * 1000;
    const changes = new ChangeSet();
    try {
      const result = executeStatement({ node, text, offset, params, session: this, changes });
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
    for (const [id, c] of changes.negated().byRelation) {
      const store = this.db.store(id);
      for (let i = 0; i < c.rows.length; i++) store.apply(c.rows[i]!, c.weights[i]!);
    }
  }
}

/** The PostgreSQL statement to run; Eddy's own statements get their behaviour in later issues. */
function postgresNode(stmt: EddyStatement): Node {
  if (stmt.kind === 'postgres') return stmt.stmt;
  throw new FeatureNotSupportedError(`${describeKind(stmt.kind)} is not supported yet`);
}

function describeKind(kind: EddyStatement['kind']): string {
  return kind.replace(/([A-Z])/g, ' $1').toUpperCase();
}
