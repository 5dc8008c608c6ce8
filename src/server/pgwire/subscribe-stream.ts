/**
 * @module server/pgwire/subscribe-stream
 * SUBSCRIBE run as a statement: its rows stream as DataRows (or, for COPY, CopyData) as steps
 * commit, until the client cancels, goes away or falls too far behind. The loop hands rows to
 * the socket and waits for it to drain, so what waits for a slow client sits in the feed's
 * bounded queue, never in an unbounded socket buffer.
 */
import type { Value } from '../../common/value.ts';
import type { EddyStatement, Subscription } from '../../sql/front/index.ts';
import { dataRow, noticeResponse, portalSuspended, rowDescription } from './backend-messages.ts';
import { flushBytes, type PgConnection } from './pg-connection.ts';
import type { Portal, PreparedStatement } from './portal.ts';
import { feedOptions, resolveSubscribeTarget } from './subscribe-target.ts';
import { SubscriptionFeed } from './subscription-feed.ts';
import { WireError, WireState } from './wire-error.ts';

/** The one statement of a wire-routed prepared statement, parsed (positions relative to its text). */
export function parseWireStatement(conn: PgConnection, statement: PreparedStatement): EddyStatement {
  const parsed = conn.session.db.parse(statement.text);
  if (parsed.length !== 1) {
    throw WireError.error(WireState.syntaxError, 'cannot insert multiple commands into a prepared statement');
  }
  return parsed[0]!;
}

/** Refuses work in an aborted transaction, as the session does for the statements it runs. */
export function checkNotAborted(conn: PgConnection): void {
  if (conn.session.transaction?.failed) {
    throw WireError.error(
      WireState.inFailedSqlTransaction,
      'current transaction is aborted, commands ignored until end of transaction block',
    );
  }
}

/**
 * Starts a subscription for `sub` (locations relative to `text`). The returned `release` stops
 * it and drops any temporary view; it also runs if the connection closes first.
 */
export function startFeed(
  conn: PgConnection,
  sub: Subscription,
  text: string,
): { feed: SubscriptionFeed; release: () => void } {
  const options = feedOptions(sub.with);
  const target = resolveSubscribeTarget(conn.session, sub, text, conn.pid);
  let feed: SubscriptionFeed;
  try {
    feed = new SubscriptionFeed(conn.session.db, target.relationId, target.columns, options, {
      rowsMax: conn.options.subscribeRowsMax,
      bytesMax: conn.options.subscribeBytesMax,
    });
  } catch (e) {
    target.release();
    throw e;
  }
  // A subscriber too slow to keep up is dropped even while its statement waits on the socket.
  feed.onFailure = (e) => setImmediate(() => conn.terminate(e));
  const release = () => {
    conn.cleanups.delete(release);
    feed.close();
    target.release();
  };
  conn.cleanups.add(release);
  return { feed, release };
}

export function executeSubscribe(
  conn: PgConnection,
  portal: Portal,
  maxRows: number,
  describe: boolean,
): Promise<void> {
  checkNotAborted(conn);
  const starting = portal.feed === null;
  if (portal.feed === null) {
    const stmt = parseWireStatement(conn, portal.statement);
    if (stmt.kind !== 'subscribe') {
      throw WireError.error(WireState.featureNotSupported, 'this form of SUBSCRIBE is not supported');
    }
    const { feed, release } = startFeed(conn, stmt.subscription, portal.statement.text);
    portal.feed = feed;
    portal.release = release;
  }
  const feed = portal.feed;
  if (describe) rowDescription(conn.w, feed.columns, portal.formats);
  if (starting && maxRows === 0) streamingNotice(conn, portal.statement.text);
  const zone = conn.zone();
  const emit = (row: Value[]) => dataRow(conn.w, row, feed.columns, portal.formats, zone);
  return streamFeed(conn, feed, emit, maxRows).then(
    () => portalSuspended(conn.w),
    (e) => {
      portal.release?.();
      throw e;
    },
  );
}

/**
 * A SUBSCRIBE run to completion never completes: clients that show a result only once it is
 * whole (psql) would sit silent until cancelled. A NOTICE, sent at once, says which forms show
 * rows as they come.
 */
function streamingNotice(conn: PgConnection, text: string): void {
  const subscribe = text.trim().replace(/;\s*$/, '');
  noticeResponse(conn.w, {
    severity: 'NOTICE',
    code: WireState.successfulCompletion,
    message:
      'SUBSCRIBE streams rows until it is cancelled; clients that wait for a whole result (psql) show nothing until then',
    hint: `To see rows as they arrive, run COPY (${subscribe}) TO STDOUT, or use a cursor: BEGIN; DECLARE c CURSOR FOR ${subscribe}; FETCH ALL c;`,
  });
  conn.flush();
}

/**
 * Sends the feed's rows through `emit` as they come. With `maxRows` > 0 it returns after sending
 * at least one row and at most `maxRows`; with 0 it runs until interrupted (cancel, close) or
 * until the feed fails, and the interruption's error is what it rejects with.
 */
export async function streamFeed(
  conn: PgConnection,
  feed: SubscriptionFeed,
  emit: (row: Value[]) => void,
  maxRows: number,
): Promise<void> {
  let sent = 0;
  for (;;) {
    if (feed.available === 0 && feed.failure === null) {
      conn.flush();
      await conn.waitFor((done) => feed.onReady(done));
    }
    if (feed.failure) throw feed.failure;
    const rows = feed.take(maxRows > 0 ? maxRows - sent : 0, (f) => noticeResponse(conn.w, f));
    for (const row of rows) {
      emit(row);
      if (conn.w.length >= flushBytes) {
        conn.flush();
        if (conn.needsDrain()) await conn.drained();
      }
    }
    sent += rows.length;
    if (maxRows > 0 && sent > 0) return;
    conn.flush();
    if (conn.needsDrain()) await conn.drained();
  }
}
