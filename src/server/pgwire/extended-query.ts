/**
 * @module server/pgwire/extended-query
 * The extended query protocol's messages: Parse (a prepared statement, named or unnamed, with
 * declared parameter types), Bind (a portal: parameters in text or binary, result formats),
 * Describe (statement: parameter types and columns; portal: columns), Execute (with a row
 * limit: PortalSuspended when rows remain) and Close. Errors propagate to the connection, which
 * then skips messages until Sync. As in PostgreSQL, the statements executed up to Sync outside a
 * transaction block are one implicit transaction: Sync commits it, or rolls it back after an error.
 */

import type { SqlType } from '../../common/types.ts';
import { decodeUtf8 } from '../../common/utf8-text.ts';
import type { Value } from '../../common/value.ts';
import type { ResultColumn } from '../../runtime/result.ts';
import {
  bindComplete,
  closeComplete,
  noData,
  parameterDescription,
  parseComplete,
  rowDescription,
  TEXT_FORMATS,
} from './backend-messages.ts';
import { describePortal, describeStatement, executePortal } from './execute-portal.ts';
import { BodyReader } from './frame-reader.ts';
import { joinImplicitTransaction } from './implicit-transaction.ts';
import type { PgConnection } from './pg-connection.ts';
import { makePortal, makeStatement, type Portal, type PreparedStatement } from './portal.ts';
import { highestParam, splitScript } from './sql-text.ts';
import { typeForOid } from './type-info.ts';
import { readBinaryParam, readTextParam } from './value-codec.ts';
import { WireError, WireState } from './wire-error.ts';

export function handleParse(conn: PgConnection, body: Buffer): void {
  const r = new BodyReader(body);
  const name = r.cstring();
  const query = r.cstring();
  const count = r.int16();
  const declared: (SqlType | undefined)[] = [];
  for (let i = 0; i < count; i++) declared.push(typeForOid(r.uint32(), conn.session.db.catalog));
  if (name !== '' && conn.statements.has(name)) {
    throw WireError.error(
      WireState.duplicatePreparedStatement,
      `prepared statement "${name}" already exists`,
    );
  }
  const spans = splitScript(query);
  if (spans.length > 1) {
    throw WireError.error(WireState.syntaxError, 'cannot insert multiple commands into a prepared statement');
  }
  const span = spans[0];
  const statement = span
    ? makeStatement(name, span.text, declared, query, span.offset)
    : makeStatement(name, '', declared, query, 0);
  // Syntax errors belong to Parse, as in PostgreSQL (the parse is cached for Execute).
  if (statement.kind !== 'empty') {
    try {
      conn.session.db.parse(statement.text);
    } catch (e) {
      throw located(e, statement);
    }
  }
  conn.statements.set(name, statement);
  parseComplete(conn.w);
}

export function handleBind(conn: PgConnection, body: Buffer): void {
  const r = new BodyReader(body);
  const portalName = r.cstring();
  const statementName = r.cstring();
  const statement = conn.statements.get(statementName);
  if (!statement) {
    throw WireError.error(
      WireState.invalidSqlStatementName,
      `prepared statement "${statementName}" does not exist`,
    );
  }
  const formatCount = r.int16();
  const paramFormats: number[] = [];
  for (let i = 0; i < formatCount; i++) paramFormats.push(r.int16());
  const paramCount = r.int16();
  const raw: (Buffer | null)[] = [];
  for (let i = 0; i < paramCount; i++) {
    const len = r.int32();
    raw.push(len < 0 ? null : r.bytes(len));
  }
  const resultCount = r.int16();
  const formats: number[] = [];
  for (let i = 0; i < resultCount; i++) formats.push(r.int16());
  if (portalName !== '' && conn.portals.has(portalName)) {
    throw WireError.error(WireState.duplicateCursor, `portal "${portalName}" already exists`);
  }
  const types = paramTypesFor(conn, statement, raw, paramFormats);
  let params: Value[];
  try {
    params = decodeParams(conn, raw, paramFormats, types);
  } catch (e) {
    throw located(e, statement);
  }
  closePortal(conn, portalName);
  conn.portals.set(
    portalName,
    makePortal(portalName, statement, params, types, formats.length ? formats : TEXT_FORMATS),
  );
  bindComplete(conn.w);
}

export function handleDescribe(conn: PgConnection, body: Buffer): void | Promise<void> {
  const r = new BodyReader(body);
  const kind = r.byte();
  const name = r.cstring();
  if (kind === 83 /* S */) {
    const statement = requireStatement(conn, name);
    try {
      const d = describeStatement(conn, statement);
      parameterDescription(conn.w, d.paramTypes);
      if (d.columns) rowDescription(conn.w, d.columns, TEXT_FORMATS);
      else noData(conn.w);
    } catch (e) {
      throw located(e, statement);
    }
    return;
  }
  const portal = requirePortal(conn, name);
  const describe = (columns: readonly ResultColumn[] | null) => {
    if (columns) rowDescription(conn.w, columns, portal.formats);
    else noData(conn.w);
  };
  try {
    joinImplicitTransaction(conn, portal.statement);
    const columns = describePortal(conn, portal);
    if (!(columns instanceof Promise)) return describe(columns);
    return columns.then(describe, (e) => {
      throw located(e, portal.statement);
    });
  } catch (e) {
    throw located(e, portal.statement);
  }
}

export function handleExecute(conn: PgConnection, body: Buffer): void | Promise<void> {
  const r = new BodyReader(body);
  const portal = requirePortal(conn, r.cstring());
  const maxRows = r.int32();
  let pending: void | Promise<void>;
  try {
    joinImplicitTransaction(conn, portal.statement);
    pending = executePortal(conn, portal, Math.max(maxRows, 0), false);
  } catch (e) {
    throw located(e, portal.statement);
  }
  if (pending) return pending.catch((e: unknown) => Promise.reject(located(e, portal.statement)));
}

export function handleClose(conn: PgConnection, body: Buffer): void {
  const r = new BodyReader(body);
  const kind = r.byte();
  const name = r.cstring();
  if (kind === 83 /* S */) {
    const statement = conn.statements.get(name);
    if (statement) {
      conn.statements.delete(name);
      for (const [portalName, portal] of conn.portals)
        if (portal.statement === statement) closePortal(conn, portalName);
    }
  } else closePortal(conn, name);
  closeComplete(conn.w);
}

/** Ends the portals that do not outlive a Sync outside a transaction block. */
export function closeTransactionPortals(conn: PgConnection): void {
  for (const name of [...conn.portals.keys()]) closePortal(conn, name);
}

/**
 * Ends the portals whose rows are still being evaluated once their transaction has ended (a
 * COMMIT or ROLLBACK in between): their statements stop holding what they hold.
 */
export function closeInFlightPortals(conn: PgConnection): void {
  for (const [name, portal] of [...conn.portals]) if (portal.inFlight) closePortal(conn, name);
}

function closePortal(conn: PgConnection, name: string): void {
  const portal = conn.portals.get(name);
  if (!portal) return;
  portal.release?.();
  conn.portals.delete(name);
}

/**
 * Parameter types for decoding: described (inferred) ones if known, else declared ones. A
 * binary parameter of no declared type needs its inferred type, so the statement is described.
 */
function paramTypesFor(
  conn: PgConnection,
  statement: PreparedStatement,
  raw: readonly (Buffer | null)[],
  formats: readonly number[],
): readonly (SqlType | undefined)[] {
  let described = statement.description?.paramTypes;
  if (!described) {
    const needsTypes = raw.some(
      (b, i) => b !== null && formatAt(formats, i) === 1 && statement.declaredTypes[i] === undefined,
    );
    if (needsTypes) {
      try {
        described = describeStatement(conn, statement).paramTypes;
      } catch (e) {
        throw located(e, statement);
      }
    }
  }
  const required = described
    ? described.length
    : Math.max(statement.declaredTypes.length, highestParam(statement.text));
  if (required !== raw.length) {
    throw WireError.error(
      WireState.protocolViolation,
      `bind message supplies ${raw.length} parameters, but prepared statement "${statement.name}" requires ${required}`,
    );
  }
  return described ?? statement.declaredTypes;
}

function decodeParams(
  conn: PgConnection,
  raw: readonly (Buffer | null)[],
  formats: readonly number[],
  types: readonly (SqlType | undefined)[],
): Value[] {
  const params: Value[] = [];
  for (let i = 0; i < raw.length; i++) {
    const b = raw[i]!;
    if (b === null) params.push(null);
    else if (formatAt(formats, i) === 1) params.push(readBinaryParam(b, types[i], conn.zone(), i));
    else params.push(readTextParam(decodeUtf8(b), types[i], conn.zone()));
  }
  return params;
}

function formatAt(formats: readonly number[], i: number): number {
  return formats.length === 0 ? 0 : formats.length === 1 ? formats[0]! : (formats[i] ?? 0);
}

function requireStatement(conn: PgConnection, name: string): PreparedStatement {
  const statement = conn.statements.get(name);
  if (!statement)
    throw WireError.error(WireState.invalidSqlStatementName, `prepared statement "${name}" does not exist`);
  return statement;
}

function requirePortal(conn: PgConnection, name: string): Portal {
  const portal = conn.portals.get(name);
  if (!portal) throw WireError.error(WireState.invalidCursorName, `portal "${name}" does not exist`);
  return portal;
}

/** Carries the statement along with an error, so its position can be mapped to the client's text. */
export class LocatedError extends Error {
  readonly error: unknown;
  readonly statement: PreparedStatement;
  constructor(error: unknown, statement: PreparedStatement) {
    super(error instanceof Error ? error.message : String(error));
    this.error = error;
    this.statement = statement;
  }
}

function located(e: unknown, statement: PreparedStatement): unknown {
  return e instanceof LocatedError ? e : new LocatedError(e, statement);
}
