/**
 * @module server/http/sql-endpoint
 * `POST /sql`: a script (plain text, or JSON `{ "sql", "params" }`) run in a fresh session, one
 * result per statement. Several statements without BEGIN / COMMIT are one implicit transaction,
 * as in PostgreSQL's simple query protocol: a failing one undoes them all. A transaction the
 * script leaves open is rolled back, as when a PostgreSQL connection closes. This is the JSON
 * form: the script runs to its end first (its rows are held, under eddy.query_memory), so its
 * status is known before the body starts; a body of many rows is then encoded and written a
 * chunk per event-loop turn, waiting while the client's socket is full (chunked transfer, the
 * same bytes). The NDJSON form, which streams rows as they are computed, is sql-stream.ts.
 */

import type { ServerResponse } from 'node:http';
import { timeZone } from '../../common/datetime-zone.ts';
import { DataError, SqlState } from '../../common/errors.ts';
import { checkJsNestingDepth } from '../../common/jsonb-convert.ts';
import type { Value } from '../../common/value.ts';
import { nextTurn } from '../../plan/evaluate/evaluate-sliced.ts';
import type { Database } from '../../runtime/database.ts';
import type { StatementResult } from '../../runtime/result.ts';
import { Session } from '../../runtime/session.ts';
import { columnsJson, rowEncoder } from './json-encode.ts';

/** Rows up to which the answer is one string (sent with a Content-Length, as before). */
const wholeBodyRowsMax = 4096;
/** Characters per written chunk of a longer answer (as the NDJSON form's). */
const chunkChars = 64 * 1024;

export interface SqlRequest {
  readonly sql: string;
  readonly params: readonly Value[];
}

/** Reads the request: JSON when the content type says so, else the body is the script. */
export function parseSqlRequest(body: string, contentType: string | undefined): SqlRequest {
  if (!contentType?.toLowerCase().startsWith('application/json')) return { sql: body, params: [] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (err) {
    throw new DataError(SqlState.invalidTextRepresentation, 'invalid input syntax for type json', {
      detail: err instanceof Error ? err.message : String(err),
    });
  }
  const request = parsed as { sql?: unknown; params?: unknown } | null;
  if (
    request === null ||
    typeof request !== 'object' ||
    typeof request.sql !== 'string' ||
    (request.params !== undefined && !Array.isArray(request.params))
  ) {
    throw new DataError(SqlState.invalidParameterValue, 'the body must be {"sql": string, "params"?: array}');
  }
  return { sql: request.sql, params: ((request.params as unknown[]) ?? []).map(paramValue) };
}

/**
 * A JSON parameter as a value: booleans, strings and safe numbers as they are; a string's type
 * comes from its context, as a text-format parameter's does in PostgreSQL. Integers beyond 2^53
 * and objects or arrays travel as their text, for the context to read.
 */
function paramValue(json: unknown): Value {
  if (json === null || typeof json === 'boolean' || typeof json === 'string') return json;
  if (typeof json === 'number')
    return Number.isInteger(json) && !Number.isSafeInteger(json) ? String(json) : json;
  checkJsNestingDepth(json);
  return JSON.stringify(json);
}

/** A script's results, to encode as the JSON form's body. */
export interface SqlAnswer {
  readonly results: readonly StatementResult[];
  readonly zone: ReturnType<typeof timeZone>;
  readonly step: number;
}

/**
 * Runs the request's statements in a fresh session as `userName` (current_user; default `eddy`)
 * and answers their results for the JSON form's body, `{"results":[…],"step":n}` (a read of a
 * view still hydrating waits for it, as in the library). `clientGone` aborting cancels the
 * statement running or waiting then, and the script's later statements never run (a
 * transaction it left open is rolled back, as PostgreSQL does when a connection drops).
 */
export async function runSql(
  db: Database,
  request: SqlRequest,
  userName?: string,
  clientGone?: AbortSignal,
): Promise<SqlAnswer> {
  const session = new Session(db);
  if (userName !== undefined) session.settings.userName = userName;
  clientGone?.addEventListener('abort', () => session.cancelStatement(), { once: true });
  try {
    const results = await session.executeScript(request.sql, request.params, undefined, clientGone);
    return { results, zone: timeZone(session.settings.timeZone), step: db.currentStep };
  } finally {
    if (session.transaction) session.rollback();
  }
}

/** The whole body as one string when it is small (few rows in all), else null: write it in chunks. */
export function wholeBody(answer: SqlAnswer): string | null {
  let rows = 0;
  for (const r of answer.results) rows += r.rows.length;
  if (rows > wholeBodyRowsMax) return null;
  let out = '';
  for (const chunk of bodyChunks(answer)) out += chunk;
  return out;
}

/**
 * Writes the body a chunk at a time, giving the event loop a turn between chunks and waiting
 * while the socket is full, so a million-row answer neither stalls other sessions while it is
 * encoded nor is held twice (rows and text). Stops, answering false, once the client is gone.
 */
export async function writeBody(res: ServerResponse, answer: SqlAnswer): Promise<boolean> {
  for (const chunk of bodyChunks(answer)) {
    if (res.destroyed) return false;
    if (!res.write(chunk)) await drainedOrClosed(res);
    else await nextTurn();
  }
  if (res.destroyed) return false;
  res.end();
  return true;
}

/** `{"results":[…],"step":n}` in pieces of about `chunkChars` characters. */
function* bodyChunks(answer: SqlAnswer): Generator<string> {
  let out = '{"results":[';
  for (let i = 0; i < answer.results.length; i++) {
    const result = answer.results[i]!;
    if (i > 0) out += ',';
    out += `{"command":${JSON.stringify(result.command)},"rowCount":${result.rowCount},`;
    out += `"columns":${columnsJson(result.columns)},"rows":[`;
    const encode = rowEncoder(
      result.columns.map((c) => c.type),
      answer.zone,
    );
    const rows = result.rows;
    for (let j = 0; j < rows.length; j++) {
      if (j > 0) out += ',';
      out += encode(rows[j]!);
      if (out.length >= chunkChars) {
        yield out;
        out = '';
      }
    }
    out += ']}';
  }
  yield `${out}],"step":${answer.step}}`;
}

function drainedOrClosed(res: ServerResponse): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}
