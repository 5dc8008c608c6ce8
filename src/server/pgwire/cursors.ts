/**
 * @module server/pgwire/cursors
 * SQL cursors: `DECLARE c [BINARY] CURSOR [WITH HOLD] FOR SELECT …` (the rows computed at
 * DECLARE) and `… FOR SUBSCRIBE …` (rows as steps commit), `FETCH [n | ALL] c`, `MOVE`,
 * `CLOSE c | ALL`. Cursors are forward-only and end with their transaction unless WITH HOLD.
 * FETCH from a subscription returns what is queued, waiting for at least one row (up to
 * `fetchTimeoutMs` when set).
 */
import type { FetchStmt } from 'libpg-query';
import { EddyError } from '../../common/errors.ts';
import type { Value } from '../../common/value.ts';
import type { ResultColumn } from '../../runtime/result.ts';
import { commandComplete, type Formats, noticeResponse, rowDescription } from './backend-messages.ts';
import { writeRows } from './execute-portal.ts';
import type { PgConnection } from './pg-connection.ts';
import type { Portal, PreparedStatement } from './portal.ts';
import { topLevelWord } from './sql-text.ts';
import { checkNotAborted, parseWireStatement, startFeed } from './subscribe-stream.ts';
import type { SubscriptionFeed } from './subscription-feed.ts';
import { WireError, WireState } from './wire-error.ts';

export interface Cursor {
  readonly name: string;
  readonly columns: readonly ResultColumn[];
  readonly hold: boolean;
  readonly binary: boolean;
  /** A query cursor's rows and how many were fetched. */
  readonly rows: readonly Value[][] | null;
  position: number;
  readonly feed: SubscriptionFeed | null;
  readonly release: () => void;
}

const CURSOR_OPT_BINARY = 0x1;
const CURSOR_OPT_SCROLL = 0x2;
const CURSOR_OPT_HOLD = 0x20;
/** libpg-query's FETCH ALL count. */
const FETCH_ALL = 2147483647;

export function executeCursorStatement(
  conn: PgConnection,
  portal: Portal,
  describe: boolean,
): void | Promise<void> {
  checkNotAborted(conn);
  const text = portal.statement.text;
  const stmt = parseWireStatement(conn, portal.statement);
  if (stmt.kind === 'declareSubscribe') {
    const options = stmt.cursor.options ?? 0;
    const name = declareCheck(conn, stmt.cursor.portalname ?? '', options);
    const { feed, release } = startFeed(conn, stmt.subscription, text);
    addCursor(conn, { name, columns: feed.columns, options, rows: null, feed, release });
    return declared(conn);
  }
  if (stmt.kind === 'postgres') {
    const node = stmt.stmt;
    if ('DeclareCursorStmt' in node)
      return declareQueryCursor(
        conn,
        text,
        node.DeclareCursorStmt.portalname ?? '',
        node.DeclareCursorStmt.options ?? 0,
      );
    if ('FetchStmt' in node) return fetch(conn, node.FetchStmt, portal, describe);
    if ('ClosePortalStmt' in node) {
      const name = node.ClosePortalStmt.portalname;
      if (name === undefined) closeAllCursors(conn, true);
      else {
        const cursor = requireCursor(conn, name);
        cursor.release();
        conn.cursors.delete(name);
      }
      commandComplete(conn.w, name === undefined ? 'CLOSE CURSOR ALL' : 'CLOSE CURSOR');
      return;
    }
  }
  throw WireError.error(WireState.featureNotSupported, 'this statement is not supported');
}

/** The columns FETCH returns (null for MOVE), for Describe. */
export function cursorStatementColumns(
  conn: PgConnection,
  statement: PreparedStatement,
): readonly ResultColumn[] | null {
  const stmt = parseWireStatement(conn, statement);
  if (stmt.kind !== 'postgres' || !('FetchStmt' in stmt.stmt) || stmt.stmt.FetchStmt.ismove) return null;
  return requireCursor(conn, stmt.stmt.FetchStmt.portalname ?? '').columns;
}

/** Ends the cursors (all of them, or only those not WITH HOLD). */
export function closeAllCursors(conn: PgConnection, includeHeld: boolean): void {
  for (const [name, cursor] of conn.cursors) {
    if (!includeHeld && cursor.hold) continue;
    cursor.release();
    conn.cursors.delete(name);
  }
}

function declareCheck(conn: PgConnection, name: string, options: number): string {
  const open = conn.session.transaction;
  if ((open === null || open.implicit) && (options & CURSOR_OPT_HOLD) === 0) {
    throw WireError.error(
      WireState.noActiveSqlTransaction,
      'DECLARE CURSOR can only be used in transaction blocks',
    );
  }
  if (options & CURSOR_OPT_SCROLL) {
    throw WireError.error(WireState.featureNotSupported, 'scrollable cursors are not supported');
  }
  if (conn.cursors.has(name))
    throw WireError.error(WireState.duplicateCursor, `cursor "${name}" already exists`);
  return name;
}

function addCursor(
  conn: PgConnection,
  c: {
    name: string;
    columns: readonly ResultColumn[];
    options: number;
    rows: readonly Value[][] | null;
    feed: SubscriptionFeed | null;
    release: () => void;
  },
): void {
  conn.cursors.set(c.name, {
    name: c.name,
    columns: c.columns,
    hold: (c.options & CURSOR_OPT_HOLD) !== 0,
    binary: (c.options & CURSOR_OPT_BINARY) !== 0,
    rows: c.rows,
    position: 0,
    feed: c.feed,
    release: c.release,
  });
}

function declared(conn: PgConnection): void {
  commandComplete(conn.w, 'DECLARE CURSOR');
}

function declareQueryCursor(conn: PgConnection, text: string, name: string, options: number): void {
  declareCheck(conn, name, options);
  const cursorWord = topLevelWord(text, 'cursor');
  const forWord = topLevelWord(text, 'for', Math.max(cursorWord, 0));
  const offset = forWord + 'for'.length;
  let result: ReturnType<typeof conn.session.execute>[number] | undefined;
  try {
    result = conn.session.execute(text.slice(offset)).at(-1);
  } catch (e) {
    if (e instanceof EddyError && e.position !== undefined) e.position += offset;
    throw e;
  }
  addCursor(conn, {
    name,
    columns: result?.columns ?? [],
    options,
    rows: result?.rows ?? [],
    feed: null,
    release: () => {},
  });
  declared(conn);
}

function requireCursor(conn: PgConnection, name: string): Cursor {
  const cursor = conn.cursors.get(name);
  if (!cursor) throw WireError.error(WireState.invalidCursorName, `cursor "${name}" does not exist`);
  return cursor;
}

function fetch(conn: PgConnection, stmt: FetchStmt, portal: Portal, describe: boolean): void | Promise<void> {
  const cursor = requireCursor(conn, stmt.portalname ?? '');
  if (stmt.direction !== undefined && stmt.direction !== 'FETCH_FORWARD') {
    throw WireError.error(WireState.objectNotInPrerequisiteState, 'cursor can only scan forward', {
      hint: 'Declare it with SCROLL option to enable backward scan.',
    });
  }
  const count = Number(stmt.howMany ?? 1);
  const all = count >= FETCH_ALL;
  const verb = stmt.ismove ? 'MOVE' : 'FETCH';
  // In the simple protocol the cursor's own format applies; Execute uses the portal's.
  const formats: Formats = describe ? (cursor.binary ? [1] : []) : portal.formats;
  if (!stmt.ismove && describe) rowDescription(conn.w, cursor.columns, formats);
  if (cursor.rows !== null) {
    const from = cursor.position;
    const to = all ? cursor.rows.length : Math.min(cursor.rows.length, from + count);
    cursor.position = to;
    const finish = () => commandComplete(conn.w, `${verb} ${to - from}`);
    if (stmt.ismove) return finish();
    const pending = writeRows(conn, cursor.rows, from, to, cursor.columns, formats);
    if (pending) return pending.then(finish);
    return finish();
  }
  if (count <= 0) return commandComplete(conn.w, `${verb} 0`);
  return fetchFeed(conn, cursor, cursor.feed!, all ? 0 : count, verb, formats);
}

async function fetchFeed(
  conn: PgConnection,
  cursor: Cursor,
  feed: SubscriptionFeed,
  count: number,
  verb: string,
  formats: Formats,
): Promise<void> {
  if (feed.available === 0 && feed.failure === null) {
    conn.flush();
    const timeoutMs = conn.options.fetchTimeoutMs;
    await conn.waitFor((done) => {
      const undo = feed.onReady(done);
      const timer = timeoutMs > 0 ? setTimeout(done, timeoutMs) : null;
      return () => {
        undo();
        if (timer) clearTimeout(timer);
      };
    });
  }
  if (feed.failure) throw feed.failure;
  const rows = feed.take(count, (f) => noticeResponse(conn.w, f));
  if (verb === 'FETCH') {
    const pending = writeRows(conn, rows, 0, rows.length, cursor.columns, formats);
    if (pending) await pending;
  }
  commandComplete(conn.w, `${verb} ${rows.length}`);
}
