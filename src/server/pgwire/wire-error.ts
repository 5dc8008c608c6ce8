/**
 * @module server/pgwire/wire-error
 * Errors as the wire reports them: any thrown value becomes the fields of an ErrorResponse.
 * `WireError` carries the protocol-level conditions the engine never raises (protocol
 * violations, connection limits, a dropped slow subscriber), with PostgreSQL's SQLSTATEs.
 */
import { EddyError, type Severity, SqlState } from '../../common/errors.ts';

/** The SQLSTATEs the wire layer raises: entries of the one table in common/errors.ts. */
export const WireState = SqlState;

export interface ErrorFields {
  readonly severity: Severity;
  readonly code: string;
  readonly message: string;
  readonly detail?: string;
  readonly hint?: string;
  /** 1-based character position in the query text the client sent. */
  readonly position?: number;
}

export class WireError extends Error {
  readonly fields: ErrorFields;
  constructor(fields: ErrorFields) {
    super(fields.message);
    this.name = 'WireError';
    this.fields = fields;
  }

  static error(code: string, message: string, extra: Partial<ErrorFields> = {}): WireError {
    return new WireError({ severity: 'ERROR', code, message, ...extra });
  }

  static fatal(code: string, message: string, extra: Partial<ErrorFields> = {}): WireError {
    return new WireError({ severity: 'FATAL', code, message, ...extra });
  }
}

export function canceled(): WireError {
  return WireError.error(WireState.queryCanceled, 'canceling statement due to user request');
}

/**
 * The ErrorResponse fields for anything thrown. `position` maps an engine position (1-based
 * string index in the text the engine ran) to the client's character position.
 */
export function errorFields(err: unknown, position?: (p: number) => number): ErrorFields {
  if (err instanceof WireError) return err.fields;
  if (err instanceof EddyError) {
    return {
      severity: err.severity,
      code: err.code,
      message: err.message,
      detail: err.detail,
      hint: err.hint,
      position: err.position === undefined ? undefined : position ? position(err.position) : err.position,
    };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { severity: 'ERROR', code: WireState.internalError, message: `internal error: ${message}` };
}
