/**
 * @module server/http/sql-endpoint
 * `POST /sql`: a script (plain text, or JSON `{ "sql", "params" }`) run in a fresh session, one
 * result per statement. Several statements without BEGIN / COMMIT are one implicit transaction,
 * as in PostgreSQL's simple query protocol: a failing one undoes them all. A transaction the
 * script leaves open is rolled back, as when a PostgreSQL connection closes. This is the JSON
 * form, the whole result in one body; the streamed NDJSON form is sql-stream.ts.
 */
import { timeZone } from '../../common/datetime-zone.ts';
import { DataError, SqlState } from '../../common/errors.ts';
import { checkJsNestingDepth } from '../../common/jsonb-convert.ts';
import type { Value } from '../../common/value.ts';
import type { Database } from '../../runtime/database.ts';
import type { StatementResult } from '../../runtime/result.ts';
import { Session } from '../../runtime/session.ts';
import { columnsJson, rowsJson } from './json-encode.ts';

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

/**
 * Runs the request's statements in a fresh session as `userName` (current_user; default `eddy`)
 * and answers the JSON form's body, `{"results":[…],"step":n}` (a read of a view still
 * hydrating waits for it, as in the library). `clientGone` aborting cancels the statement running or waiting then, and the script's later
 * statements never run (a transaction it left open is rolled back, as PostgreSQL does when a
 * connection drops).
 */
export async function runSql(
  db: Database,
  request: SqlRequest,
  userName?: string,
  clientGone?: AbortSignal,
): Promise<string> {
  const session = new Session(db);
  if (userName !== undefined) session.settings.userName = userName;
  clientGone?.addEventListener('abort', () => session.cancelStatement(), { once: true });
  try {
    const results = await session.executeScript(request.sql, request.params, undefined, clientGone);
    const zone = timeZone(session.settings.timeZone);
    let out = '{"results":[';
    for (let i = 0; i < results.length; i++) {
      if (i > 0) out += ',';
      out += resultJson(results[i]!, zone);
    }
    return `${out}],"step":${db.currentStep}}`;
  } finally {
    if (session.transaction) session.rollback();
  }
}

function resultJson(result: StatementResult, zone: ReturnType<typeof timeZone>): string {
  return (
    `{"command":${JSON.stringify(result.command)},"rowCount":${result.rowCount},` +
    `"columns":${columnsJson(result.columns)},"rows":${rowsJson(result.columns, result.rows, zone)}}`
  );
}
