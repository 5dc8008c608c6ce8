/**
 * @module server/pgwire/implicit-transaction
 * PostgreSQL's implicit transaction: outside a transaction block, the statements of one
 * multi-statement Query, or those executed from one Sync to the next, run as one transaction,
 * committed at the end (or at a COMMIT among them) and rolled back by an error. A BEGIN among
 * them turns it into an ordinary block the earlier statements belong to (runtime/session).
 */
import type { PgConnection } from './pg-connection.ts';
import type { PreparedStatement } from './portal.ts';
import { isTransactionControl } from './sql-text.ts';

/**
 * Before a statement runs: outside a transaction block, a plain statement opens the implicit
 * transaction. COPY and SUBSCRIBE run on their own, after what came before them is committed;
 * transaction control runs as it is.
 */
export function joinImplicitTransaction(conn: PgConnection, statement: PreparedStatement): void {
  const open = conn.session.transaction;
  if (statement.kind === 'copy' || statement.kind === 'subscribe') {
    if (open?.implicit) conn.session.commit();
    return;
  }
  if (open || statement.kind !== 'plain' || isTransactionControl(statement.text)) return;
  conn.session.begin({ implicit: true });
}

/**
 * At the end of the Query, or at Sync: commits the implicit transaction, or rolls it back if a
 * statement in it failed. A failed COMMIT (40001, 23505) is reported (before ReadyForQuery).
 */
export function endImplicitTransaction(conn: PgConnection): void {
  const open = conn.session.transaction;
  if (!open?.implicit) return;
  if (open.failed) {
    conn.session.rollback();
    return;
  }
  try {
    conn.session.commit();
  } catch (e) {
    conn.sendError(e);
  }
}
