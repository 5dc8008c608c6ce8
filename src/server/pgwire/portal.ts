/**
 * @module server/pgwire/portal
 * Prepared statements and portals as the connection keeps them. A statement remembers the text
 * the client sent (for error positions) and how it is routed: the engine runs `plain` ones; the
 * wire layer itself runs COPY … TO STDOUT, SUBSCRIBE and the cursor statements, which stream or
 * wait. A portal is a statement with bound parameters and result formats, and its progress.
 */
import type { SqlType } from '../../common/types.ts';
import type { Value } from '../../common/value.ts';
import type { RowsInFlight, StatementResult } from '../../runtime/result.ts';
import type { StatementDescription } from '../../runtime/session.ts';
import { characterPosition } from '../../sql/front/index.ts';
import type { Formats } from './backend-messages.ts';
import { leadingWord, topLevelWord } from './sql-text.ts';
import type { SubscriptionFeed } from './subscription-feed.ts';

export type StatementKind = 'empty' | 'plain' | 'subscribe' | 'copy' | 'declare' | 'fetch' | 'close' | 'move';

export interface PreparedStatement {
  readonly name: string;
  /** The one statement, as the engine runs it. */
  readonly text: string;
  /** The text the client sent, and where `text` starts in it (for error positions). */
  readonly script: string;
  readonly offset: number;
  readonly kind: StatementKind;
  /** Parameter types the client declared in Parse (undefined: infer). */
  readonly declaredTypes: readonly (SqlType | undefined)[];
  /** Parameter types and result columns, computed on first need. */
  description: StatementDescription | null;
}

export interface Portal {
  readonly name: string;
  readonly statement: PreparedStatement;
  readonly params: readonly Value[];
  readonly paramTypes: readonly (SqlType | undefined)[];
  readonly formats: Formats;
  /** A plain statement's result, once run (Describe may run a query early). */
  result: StatementResult | null;
  /** Rows of `result` already sent (past `result.rows` once its rows in flight are sent). */
  sent: number;
  /** The rows of `result` still being evaluated, until they end (`result.more`). */
  inFlight: RowsInFlight | null;
  /** A SUBSCRIBE portal's feed, once started, and what ends it. */
  feed: SubscriptionFeed | null;
  release: (() => void) | null;
}

const wireKinds: Partial<Record<string, StatementKind>> = {
  '': 'empty',
  subscribe: 'subscribe',
  copy: 'copy',
  declare: 'declare',
  fetch: 'fetch',
  close: 'close',
  move: 'move',
};

export function statementKind(text: string): StatementKind {
  return wireKinds[leadingWord(text)] ?? 'plain';
}

/** Statements that read and never write: Describe may run them before Execute. */
export function isReadOnlyQuery(text: string): boolean {
  const word = leadingWord(text);
  return word === 'select' || word === 'values' || word === 'table' || word === 'show';
}

/** INSERT / UPDATE / DELETE without RETURNING: they return no rows, known without describing them. */
export function isRowlessWrite(text: string): boolean {
  const word = leadingWord(text);
  return (word === 'insert' || word === 'update' || word === 'delete') && topLevelWord(text, 'returning') < 0;
}

export function makeStatement(
  name: string,
  text: string,
  declaredTypes: readonly (SqlType | undefined)[],
  script = text,
  offset = 0,
): PreparedStatement {
  return { name, text, script, offset, kind: statementKind(text), declaredTypes, description: null };
}

export function makePortal(
  name: string,
  statement: PreparedStatement,
  params: readonly Value[],
  paramTypes: readonly (SqlType | undefined)[],
  formats: Formats,
): Portal {
  return {
    name,
    statement,
    params,
    paramTypes,
    formats,
    result: null,
    sent: 0,
    inFlight: null,
    feed: null,
    release: null,
  };
}

/** Maps an engine position (1-based index into the statement's text) to the client's character position. */
export function positionMapper(statement: PreparedStatement): (p: number) => number {
  return (p) => characterPosition(statement.script, statement.offset + p);
}
