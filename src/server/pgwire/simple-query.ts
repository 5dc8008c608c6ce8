/**
 * @module server/pgwire/simple-query
 * The simple query protocol: one Query message, one or more statements run in order, each with
 * its RowDescription, rows and CommandComplete; the first error stops the rest; one
 * ReadyForQuery at the end. As in PostgreSQL, several statements sent together outside a
 * transaction block form one implicit transaction (server/pgwire/implicit-transaction): an error
 * undoes the earlier ones, the objects they created or dropped included; statements after a
 * COMMIT among them start a new one.
 */
import { DataError } from '../../common/errors.ts';
import type { StatementSpan } from '../../sql/front/index.ts';
import { emptyQueryResponse, readyForQuery, TEXT_FORMATS } from './backend-messages.ts';
import { executePortal } from './execute-portal.ts';
import { BodyReader } from './frame-reader.ts';
import { endImplicitTransaction, joinImplicitTransaction } from './implicit-transaction.ts';
import type { PgConnection } from './pg-connection.ts';
import { makePortal, makeStatement, type PreparedStatement } from './portal.ts';
import { splitScript } from './sql-text.ts';

export function handleQuery(conn: PgConnection, body: Buffer): void | Promise<void> {
  let script: string;
  try {
    script = new BodyReader(body).cstring();
  } catch (e) {
    // Text that is not UTF-8 fails this query only; a malformed message ends the connection.
    if (!(e instanceof DataError)) throw e;
    conn.sendError(e);
    return finish(conn);
  }
  let spans: StatementSpan[];
  try {
    spans = splitScript(script);
  } catch (e) {
    conn.sendError(e, makeStatement('', script, []));
    return finish(conn);
  }
  if (spans.length === 0) {
    emptyQueryResponse(conn.w);
    return finish(conn);
  }
  return runFrom(conn, script, spans, 0);
}

function runFrom(
  conn: PgConnection,
  script: string,
  spans: readonly StatementSpan[],
  i: number,
): void | Promise<void> {
  for (; i < spans.length; i++) {
    if (conn.closed) return;
    const span = spans[i]!;
    const statement = makeStatement('', span.text, [], script, span.offset);
    let pending: void | Promise<void>;
    try {
      // One statement alone is its own transaction; an implicit one the extended protocol
      // opened (no Sync yet) takes these in too.
      if (spans.length > 1 || conn.session.transaction?.implicit) joinImplicitTransaction(conn, statement);
      pending = executePortal(conn, makePortal('', statement, [], [], TEXT_FORMATS), 0, true);
    } catch (e) {
      return fail(conn, e, statement);
    }
    if (pending) {
      const next = i + 1;
      return pending.then(
        () => runFrom(conn, script, spans, next),
        (e) => fail(conn, e, statement),
      );
    }
  }
  endImplicitTransaction(conn);
  return finish(conn);
}

function fail(conn: PgConnection, e: unknown, statement: PreparedStatement): void {
  if (conn.closed) return;
  if (conn.session.transaction?.implicit) conn.session.rollback();
  conn.sendError(e, statement);
  if (!conn.closed) finish(conn);
}

function finish(conn: PgConnection): void {
  readyForQuery(conn.w, conn.transactionStatus());
  conn.afterStatement('');
}
