/**
 * @module server/pgwire/execute-portal
 * Runs a portal and writes what it returns: rows (up to a limit, then PortalSuspended) and the
 * command tag. Plain statements go to the session; COPY, SUBSCRIBE and the cursor statements to
 * their own modules. Shared by the simple query protocol (every statement is an unnamed portal
 * whose RowDescription is sent with it) and by Execute.
 */

import type { Value } from '../../common/value.ts';
import { nextTurn } from '../../plan/evaluate/evaluate-sliced.ts';
import { WaitThenRetryError } from '../../runtime/hydration.ts';
import { PendingStatement } from '../../runtime/pending-statement.ts';
import { type ResultColumn, returnsRows, type StatementResult } from '../../runtime/result.ts';
import type { StatementDescription } from '../../runtime/session.ts';
import {
  commandComplete,
  dataRow,
  emptyQueryResponse,
  type Formats,
  noticeResponse,
  portalSuspended,
  rowDescription,
} from './backend-messages.ts';
import { executeCopy } from './copy-out.ts';
import { cursorStatementColumns, executeCursorStatement } from './cursors.ts';
import { flushBytes, type PgConnection } from './pg-connection.ts';
import { isReadOnlyQuery, isRowlessWrite, type Portal, type PreparedStatement } from './portal.ts';
import { leadingWord } from './sql-text.ts';
import { executeSubscribe, parseWireStatement } from './subscribe-stream.ts';
import { describeSubscribe } from './subscribe-target.ts';
import { WireState } from './wire-error.ts';

/** Runs `portal`, sending at most `maxRows` rows (0: all); `describe` sends RowDescription first. */
export function executePortal(
  conn: PgConnection,
  portal: Portal,
  maxRows: number,
  describe: boolean,
): void | Promise<void> {
  switch (portal.statement.kind) {
    case 'empty':
      emptyQueryResponse(conn.w);
      return;
    case 'plain':
      return executePlain(conn, portal, maxRows, describe);
    case 'copy':
      return executeCopy(conn, portal);
    case 'subscribe':
      return executeSubscribe(conn, portal, maxRows, describe);
    default:
      return executeCursorStatement(conn, portal, describe);
  }
}

/**
 * Runs a plain statement in the session with the portal's parameters. With `mayYield`, a long
 * query returns the rows of its first time slice and the rest in flight (`more`), or, past the
 * first slice of a statement that is not a plain query, throws a PendingStatement to await.
 */
export function runPlain(conn: PgConnection, portal: Portal, mayYield = false): StatementResult {
  transactionWarning(conn, portal.statement.text);
  const results = conn.session.execute(
    portal.statement.text,
    portal.params,
    portal.paramTypes,
    mayYield,
    mayYield,
  );
  return results[results.length - 1] ?? { command: 'SELECT 0', rowCount: 0, columns: [], rows: [] };
}

/** Keeps a statement's result on its portal; rows still in flight end when the portal closes. */
function adoptResult(portal: Portal, result: StatementResult): void {
  portal.result = result;
  const more = result.more;
  if (more) {
    portal.inFlight = more;
    portal.release = () => {
      portal.inFlight = null;
      more.close();
    };
  }
}

function executePlain(
  conn: PgConnection,
  portal: Portal,
  maxRows: number,
  describe: boolean,
): void | Promise<void> {
  let result = portal.result;
  if (result === null) {
    try {
      result = runPlain(conn, portal, true);
      adoptResult(portal, result);
    } catch (e) {
      if (e instanceof PendingStatement) {
        return e.result.then(
          (done) => {
            adoptResult(portal, done);
            return executePlain(conn, portal, maxRows, describe);
          },
          (err) => awaitHydrationAndRerun(conn, err, () => executePlain(conn, portal, maxRows, describe)),
        );
      }
      return awaitHydrationAndRerun(conn, e, () => executePlain(conn, portal, maxRows, describe));
    }
  }
  // NOTICEs once, before the first rows (a suspended portal's later rows do not repeat them).
  if (portal.sent === 0)
    for (const message of result.notices ?? [])
      noticeResponse(conn.w, { severity: 'NOTICE', code: WireState.successfulCompletion, message });
  if (!returnsRows(result)) {
    commandComplete(conn.w, result.command);
    conn.afterStatement(result.command);
    return;
  }
  if (describe) rowDescription(conn.w, result.columns, portal.formats);
  const from = portal.sent;
  const limit = maxRows > 0 ? maxRows : Number.POSITIVE_INFINITY;
  const to = Math.min(result.rows.length, from + limit);
  portal.sent = Math.max(from, to);
  const finish = () => {
    if (portal.sent < result.rows.length || portal.inFlight) portalSuspended(conn.w);
    // A result in flight has its count once it ended; so has one sent in several Executes.
    else if (from === 0 && !result.more) commandComplete(conn.w, result.command);
    else commandComplete(conn.w, `SELECT ${portal.sent - from}`);
    conn.afterStatement(result.command);
  };
  const pending = writeRows(conn, result.rows, from, to, result.columns, portal.formats);
  const rest = () => {
    if (!portal.inFlight || portal.sent - from >= limit) return finish();
    return streamInFlight(conn, portal, from + limit, result.columns).then(finish);
  };
  if (pending) return pending.then(rest);
  return rest();
}

/**
 * Sends a result's rows in flight as the evaluation yields them, one time slice per turn of the
 * event loop, until they end or the portal has sent `sentMax` rows. While the client's socket
 * is full the evaluation waits (it holds what it held, nothing more is buffered); cancel and
 * statement_timeout still end it meanwhile, as in PostgreSQL. An error ends the rows: the client
 * has the rows sent so far, then the ErrorResponse.
 */
async function streamInFlight(
  conn: PgConnection,
  portal: Portal,
  sentMax: number,
  columns: readonly ResultColumn[],
): Promise<void> {
  const rows = portal.inFlight!;
  const w = conn.w;
  const zone = conn.zone();
  const formats = portal.formats;
  let socketFull = false;
  const take = (row: Value[]) => {
    dataRow(w, row, columns, formats, zone);
    portal.sent++;
    if (w.length >= flushBytes) {
      conn.flush();
      socketFull = conn.needsDrain();
    }
    return !socketFull && portal.sent < sentMax;
  };
  try {
    for (;;) {
      if (socketFull) await conn.drained((wake) => rows.watch(wake));
      else await nextTurn();
      socketFull = false;
      const ended = rows.pull(take);
      conn.flush();
      if (ended) {
        portal.inFlight = null;
        portal.release = null;
        return;
      }
      if (portal.sent >= sentMax) return;
    }
  } catch (e) {
    portal.inFlight = null;
    portal.release = null;
    rows.close();
    throw e;
  }
}

/** A view still hydrating: wait for it (bounded by statement_timeout), then run the statement again. */
function awaitHydrationAndRerun(
  conn: PgConnection,
  e: unknown,
  rerun: () => void | Promise<void>,
): Promise<void> {
  if (!(e instanceof WaitThenRetryError)) throw e;
  return conn.session.awaitHydration(e).then(rerun);
}

/** Writes DataRows `rows[from, to)`, handing them to the socket as they pile up and waiting when it is full. */
export function writeRows(
  conn: PgConnection,
  rows: readonly Value[][],
  from: number,
  to: number,
  columns: readonly ResultColumn[],
  formats: Formats,
): void | Promise<void> {
  const w = conn.w;
  const zone = conn.zone();
  for (let i = from; i < to; i++) {
    dataRow(w, rows[i]!, columns, formats, zone);
    if (w.length >= flushBytes) {
      conn.flush();
      if (conn.needsDrain()) {
        const next = i + 1;
        return conn.drained().then(() => writeRows(conn, rows, next, to, columns, formats));
      }
    }
  }
}

/** Parameter types and result columns of a prepared statement (cached on it). */
export function describeStatement(conn: PgConnection, statement: PreparedStatement): StatementDescription {
  if (statement.description) return statement.description;
  let description: StatementDescription;
  switch (statement.kind) {
    case 'plain':
      description = conn.session.describe(statement.text, statement.declaredTypes);
      break;
    case 'subscribe': {
      const stmt = parseWireStatement(conn, statement);
      const columns =
        stmt.kind === 'subscribe' ? describeSubscribe(conn.session, stmt.subscription, statement.text) : null;
      description = { paramTypes: [], columns };
      break;
    }
    case 'fetch':
      // A cursor's columns can change with the cursor: never cached.
      return { paramTypes: [], columns: cursorStatementColumns(conn, statement) };
    default:
      description = { paramTypes: [], columns: null };
  }
  statement.description = description;
  return description;
}

type PortalColumns = readonly ResultColumn[] | null;

/**
 * The columns a portal will return, or null; a read-only query is run now to learn them exactly
 * (a long one in slices: then a promise of them).
 */
export function describePortal(conn: PgConnection, portal: Portal): PortalColumns | Promise<PortalColumns> {
  const statement = portal.statement;
  if (statement.kind === 'plain' && portal.result === null && isReadOnlyQuery(statement.text)) {
    try {
      adoptResult(portal, runPlain(conn, portal, true));
    } catch (e) {
      if (e instanceof PendingStatement) {
        return e.result.then(
          (result) => {
            adoptResult(portal, result);
            return describeKnown(conn, portal);
          },
          (err) => {
            describeHydrating(conn, err);
            return describeKnown(conn, portal);
          },
        );
      }
      describeHydrating(conn, e);
    }
  }
  return describeKnown(conn, portal);
}

/** A hydrating view: describe by binding only (Execute waits for the view); other errors stand. */
function describeHydrating(conn: PgConnection, e: unknown): void {
  if (!(e instanceof WaitThenRetryError)) throw e;
  if (conn.session.transaction) conn.session.transaction.failed = false;
}

function describeKnown(conn: PgConnection, portal: Portal): PortalColumns {
  const statement = portal.statement;
  if (statement.kind === 'plain') {
    if (portal.result !== null) return returnsRows(portal.result) ? portal.result.columns : null;
    if (isRowlessWrite(statement.text)) return null;
  }
  if (statement.kind === 'subscribe' && portal.feed) return portal.feed.columns;
  return describeStatement(conn, statement).columns;
}

/** PostgreSQL's warnings for BEGIN inside a transaction block and COMMIT / ROLLBACK outside one. */
function transactionWarning(conn: PgConnection, text: string): void {
  const word = leadingWord(text);
  const open = conn.session.transaction;
  const inBlock = open !== null && !open.implicit;
  if (inBlock && (word === 'begin' || word === 'start')) {
    noticeResponse(conn.w, {
      severity: 'WARNING',
      code: WireState.activeSqlTransaction,
      message: 'there is already a transaction in progress',
    });
  } else if (!inBlock && (word === 'commit' || word === 'end' || word === 'rollback' || word === 'abort')) {
    noticeResponse(conn.w, {
      severity: 'WARNING',
      code: WireState.noActiveSqlTransaction,
      message: 'there is no transaction in progress',
    });
  }
}
