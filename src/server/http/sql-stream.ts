/**
 * @module server/http/sql-stream
 * `POST /sql` answered as NDJSON (`Accept: application/x-ndjson`, or `?format=ndjson`): lines
 * written as the script runs, so a long result is never held whole. Per statement, in order:
 * a header with its columns (row sets only), one JSON array per row (json-encode's values), then
 * its completion; every object line names its statement by index. The last line is
 * `{"step":n}` once the script has ended (after the input log's sync, as the JSON answer
 * waits), or an error object: a 200 cannot be taken back once lines are out, so an error after
 * them is a line of its own. An error before the first line answers as the JSON form does.
 *
 * Rows in flight are written one time slice at a time, and while the client's socket is full
 * the evaluation waits, as the wire protocol's does (server/pgwire/execute-portal); cancel,
 * statement_timeout and the client going away still end it meanwhile.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { timeZone } from '../../common/datetime-zone.ts';
import { SqlState } from '../../common/errors.ts';
import type { Value } from '../../common/value.ts';
import { nextTurn } from '../../plan/evaluate/evaluate-sliced.ts';
import { canceledError } from '../../plan/evaluate/query-guard.ts';
import type { Database } from '../../runtime/database.ts';
import { returnsRows, type StatementResult } from '../../runtime/result.ts';
import { Session } from '../../runtime/session.ts';
import { asEddyError, errorJson, HttpError } from './http-errors.ts';
import { columnsJson, rowEncoder } from './json-encode.ts';
import type { SqlRequest } from './sql-endpoint.ts';

/** The media type of the streamed form. */
export const ndjsonType = 'application/x-ndjson';

/** Lines are handed to the socket once this many characters are buffered (as the wire's 64 KiB). */
const flushChars = 64 * 1024;

/**
 * Whether the request asks for NDJSON: `?format=ndjson` (`format=json` is the default form;
 * any other format is refused), else an Accept header that ranks application/x-ndjson (or
 * application/ndjson) above zero and not below application/json.
 */
export function wantsNdjson(req: IncomingMessage, url: URL): boolean {
  const format = url.searchParams.get('format');
  if (format !== null) {
    if (format === 'ndjson') return true;
    if (format === 'json') return false;
    throw new HttpError(400, SqlState.invalidParameterValue, `unknown format "${format}"`, {
      hint: 'format is json (the default) or ndjson.',
    });
  }
  const ranks = acceptRanks(req.headers.accept ?? '');
  const ndjson = Math.max(ranks.get(ndjsonType) ?? 0, ranks.get('application/ndjson') ?? 0);
  return ndjson > 0 && ndjson >= (ranks.get('application/json') ?? 0);
}

/** Each media type of an Accept header with its quality (1 unless `q=` says otherwise). */
function acceptRanks(accept: string): Map<string, number> {
  const ranks = new Map<string, number>();
  for (const item of accept.split(',')) {
    const [type = '', ...params] = item.split(';').map((part) => part.trim().toLowerCase());
    const q = params.find((p) => p.startsWith('q='));
    const quality = q === undefined ? 1 : Number(q.slice(2));
    if (type !== '' && Number.isFinite(quality)) ranks.set(type, quality);
  }
  return ranks;
}

/**
 * Runs the script in a fresh session as `userName`, writing its lines to `res`. Answers the
 * SQLSTATE of an error written as the last line, or null; throws an error met before any line
 * was written (the caller answers it with its status) and one that leaves the answer unfinishable
 * (the client gone, the log not synced: the caller drops the connection).
 */
export async function streamSql(
  db: Database,
  request: SqlRequest,
  res: ServerResponse,
  userName: string | undefined,
  clientGone: AbortSignal,
): Promise<string | null> {
  const session = new Session(db);
  if (userName !== undefined) session.settings.userName = userName;
  clientGone.addEventListener('abort', () => session.cancelStatement(), { once: true });
  const out = new LineWriter(res, db);
  let index = 0;
  try {
    await session.executeScript(request.sql, request.params, undefined, clientGone, async (result) => {
      await writeResult(out, result, index, timeZone(session.settings.timeZone));
      index++;
    });
    out.add(`{"step":${db.currentStep}}`);
    await out.end();
    return null;
  } catch (err) {
    if (!out.started || clientGone.aborted) throw err;
    const error = asEddyError(err);
    out.add(`{"statement":${index},"error":${errorJson(error)}}`);
    await out.end();
    return error.code;
  } finally {
    if (session.transaction) session.rollback();
  }
}

/** One statement's lines: header, rows (those in flight as they are evaluated), completion. */
async function writeResult(
  out: LineWriter,
  result: StatementResult,
  index: number,
  zone: ReturnType<typeof timeZone>,
): Promise<void> {
  const statement = `{"statement":${index}`;
  if (!returnsRows(result)) {
    out.add(`${statement},"command":${JSON.stringify(result.command)},"rowCount":${result.rowCount}}`);
    await out.flush();
    return;
  }
  out.add(`${statement},"columns":${columnsJson(result.columns)}}`);
  const encode = rowEncoder(
    result.columns.map((c) => c.type),
    zone,
  );
  const more = result.more;
  const watch = more ? (wake: () => void) => more.watch(wake) : undefined;
  let count = 0;
  try {
    for (const row of result.rows) {
      out.add(encode(row));
      count++;
      if (out.full && (await out.flush())) await out.drained(watch);
    }
    if (more) {
      let socketFull = await out.flush();
      const take = (row: Value[]) => {
        out.add(encode(row));
        count++;
        return !out.full;
      };
      for (;;) {
        if (socketFull) await out.drained(watch);
        else await nextTurn();
        const ended = more.pull(take);
        socketFull = await out.flush();
        if (ended) break;
      }
    }
  } catch (err) {
    more?.close();
    throw err;
  }
  const command = more ? `SELECT ${count}` : result.command;
  out.add(`${statement},"command":${JSON.stringify(command)},"rowCount":${more ? count : result.rowCount}}`);
  await out.flush();
}

/** Buffers lines and hands them to the response in chunks, after the input log's sync. */
class LineWriter {
  private readonly res: ServerResponse;
  private readonly db: Database;
  private text = '';

  constructor(res: ServerResponse, db: Database) {
    this.res = res;
    this.db = db;
  }

  /** Whether the status line went out: from then on the answer is a 200. */
  get started(): boolean {
    return this.res.headersSent;
  }

  get full(): boolean {
    return this.text.length >= flushChars;
  }

  add(line: string): void {
    this.text += line;
    this.text += '\n';
  }

  /**
   * Writes the buffered lines once everything committed so far is durable (nothing is
   * acknowledged early); answers whether the socket is full. Throws 57014 once the client left.
   */
  async flush(): Promise<boolean> {
    if (this.text === '') return this.res.writableNeedDrain;
    const durable = this.db.whenDurable();
    if (durable !== null) await durable;
    if (this.res.destroyed) throw canceledError('user');
    if (!this.res.headersSent) {
      this.res.statusCode = 200;
      this.res.setHeader('Content-Type', `${ndjsonType}; charset=utf-8`);
    }
    const text = this.text;
    this.text = '';
    return !this.res.write(text);
  }

  /** Waits until the socket drains or closes; `alsoWake` may end the wait early (a deadline, a cancel). */
  drained(alsoWake?: (wake: () => void) => () => void): Promise<void> {
    if (this.res.destroyed) return Promise.resolve();
    return new Promise<void>((resolve) => {
      let undoWake: (() => void) | undefined;
      let settled = false;
      const done = () => {
        if (settled) return;
        settled = true;
        this.res.off('drain', done);
        this.res.off('close', done);
        undoWake?.();
        resolve();
      };
      this.res.once('drain', done);
      this.res.once('close', done);
      undoWake = alsoWake?.(done);
      if (settled) undoWake?.();
    });
  }

  async end(): Promise<void> {
    await this.flush();
    this.res.end();
  }
}
