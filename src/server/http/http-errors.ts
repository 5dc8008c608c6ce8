/**
 * @module server/http/http-errors
 * Errors as HTTP answers: every error body is `{ "error": { code, message, … } }` with a SQLSTATE,
 * and its status follows from the SQLSTATE's class unless the HTTP layer chose one (401, 413, …).
 */
import type { IncomingMessage } from 'node:http';
import { EddyError, SqlState, type SqlStateCode } from '../../common/errors.ts';

/** An error the HTTP layer raises itself, with the status it answers. */
export class HttpError extends EddyError {
  readonly status: number;
  /** Extra response headers (WWW-Authenticate, Allow, Connection). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    status: number,
    code: SqlStateCode,
    message: string,
    details: { hint?: string; detail?: string; headers?: Record<string, string> } = {},
  ) {
    super({ code, message, hint: details.hint, detail: details.detail });
    this.status = status;
    this.headers = details.headers ?? {};
  }
}

/** A bad row of an ingest request: the value's own error, with the row index and column. */
export class IngestRowError extends EddyError {
  readonly row: number;
  readonly column: string | undefined;

  constructor(cause: EddyError, row: number, column: string | undefined) {
    super({ code: cause.code, message: cause.message, detail: cause.detail, hint: cause.hint, cause });
    this.row = row;
    this.column = column;
  }
}

/** Named objects that do not exist answer 404; a bad column or function name in a request is a 400. */
const undefinedObjectCodes: ReadonlySet<string> = new Set([
  SqlState.undefinedTable,
  SqlState.undefinedObject,
]);

/** The HTTP status of an error with this SQLSTATE. */
export function statusForSqlState(code: string): number {
  if (undefinedObjectCodes.has(code)) return 404;
  switch (code.slice(0, 2)) {
    case '0A': // feature not supported
    case '21':
    case '22':
    case '23':
    case '25':
    case '26':
    case '2B':
    case '34':
    case '42':
    case '54':
      return 400;
    case '28':
      return 401;
    case '40':
    case '55':
      return 409;
    case '08':
      return 502;
    case '53':
    case '57':
      return 503;
    default:
      return 500;
  }
}

export interface ErrorAnswer {
  readonly status: number;
  readonly code: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** The status, headers and JSON body answering `err`; anything but an EddyError is a bug (XX000). */
export function errorAnswer(err: unknown): ErrorAnswer {
  const e = asEddyError(err);
  const status = e instanceof HttpError ? e.status : statusForSqlState(e.code);
  const headers = e instanceof HttpError ? e.headers : {};
  return { status, code: e.code, headers, body: `{"error":${errorJson(e)}}` };
}

/** `err` as an EddyError: anything else is a bug, reported as XX000 with its message. */
export function asEddyError(err: unknown): EddyError {
  if (err instanceof EddyError) return err;
  return new EddyError({
    code: SqlState.internalError,
    message: err instanceof Error ? err.message : String(err),
  });
}

/** `{ code, message, detail?, hint?, position?, row?, column?, where? }`. */
export function errorJson(e: EddyError): string {
  const fields: Record<string, string | number> = { code: e.code, message: e.message };
  if (e.detail !== undefined) fields.detail = e.detail;
  if (e.hint !== undefined) fields.hint = e.hint;
  if (e.position !== undefined) fields.position = e.position;
  if (e instanceof IngestRowError) {
    fields.row = e.row;
    if (e.column !== undefined) fields.column = e.column;
    fields.where = e.column === undefined ? `row ${e.row}` : `row ${e.row}, column "${e.column}"`;
  }
  return JSON.stringify(fields);
}

/** Refuses a request whose method is not `method` (405, with Allow). */
export function requireMethod(req: IncomingMessage, method: 'GET' | 'POST'): void {
  if (req.method === method) return;
  throw new HttpError(405, SqlState.featureNotSupported, `method ${req.method} is not allowed here`, {
    headers: { Allow: method },
  });
}
