/**
 * @module server/pgwire/simple-query
 * The simple query protocol: one Query message, one or more statements run in order, each with
 * its RowDescription, rows and CommandComplete; the first error stops the rest; one
 * ReadyForQuery at the end. As in PostgreSQL, several statements sent together outside a
 * transaction block form one implicit transaction: an error undoes the earlier ones, the tables
 * and views they created included (a DROP among them stays done).
 */
import type { StatementSpan } from '../../sql/front/index.ts';
import { emptyQueryResponse, readyForQuery, TEXT_FORMATS } from './backend-messages.ts';
import { executePortal } from './execute-portal.ts';
import { BodyReader } from './frame-reader.ts';
import type { PgConnection } from './pg-connection.ts';
import { makePortal, makeStatement, type PreparedStatement } from './portal.ts';
import { leadingWord, splitScript } from './sql-text.ts';

const transactionWords = new Set([
  'begin',
  'start',
  'commit',
  'end',
  'rollback',
  'abort',
  'savepoint',
  'release',
  'prepare',
]);

export function handleQuery(conn: PgConnection, body: Buffer): void | Promise<void> {
  const script = new BodyReader(body).cstring();
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
  const implicit = spans.length > 1 && conn.session.transaction === null && spans.every(isPlainWrite);
  if (implicit) conn.session.begin();
  return runFrom(conn, script, spans, 0, implicit);
}

/** Statements an implicit transaction may wrap: the engine's own, no transaction control. */
function isPlainWrite(span: StatementSpan): boolean {
  const word = leadingWord(span.text);
  return !transactionWords.has(word) && makeStatement('', span.text, []).kind === 'plain';
}

function runFrom(
  conn: PgConnection,
  script: string,
  spans: readonly StatementSpan[],
  i: number,
  implicit: boolean,
): void | Promise<void> {
  for (; i < spans.length; i++) {
    if (conn.closed) return;
    const span = spans[i]!;
    const statement = makeStatement('', span.text, [], script, span.offset);
    let pending: void | Promise<void>;
    try {
      pending = executePortal(conn, makePortal('', statement, [], [], TEXT_FORMATS), 0, true);
    } catch (e) {
      return fail(conn, e, statement, implicit);
    }
    if (pending) {
      const next = i + 1;
      return pending.then(
        () => runFrom(conn, script, spans, next, implicit),
        (e) => fail(conn, e, statement, implicit),
      );
    }
  }
  if (implicit && conn.session.transaction) {
    try {
      conn.session.commit();
    } catch (e) {
      return fail(conn, e, makeStatement('', script, []), implicit);
    }
  }
  return finish(conn);
}

function fail(conn: PgConnection, e: unknown, statement: PreparedStatement, implicit: boolean): void {
  if (conn.closed) return;
  if (implicit) conn.session.rollback();
  conn.sendError(e, statement);
  if (!conn.closed) finish(conn);
}

function finish(conn: PgConnection): void {
  readyForQuery(conn.w, conn.transactionStatus());
  conn.afterStatement('');
}
