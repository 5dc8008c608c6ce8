/**
 * @module sql/front/parse-statement
 * The front parser's entry: recognises Eddy's statements by their leading words and hands everything
 * else to PostgreSQL's grammar untouched. Statements whose first word can start no Eddy statement
 * (SELECT, INSERT, …) go straight to libpg-query without a scan.
 */
import { SqlSyntaxError } from '../../common/errors.ts';
import type { EddyStatement } from './ast.ts';
import { alterSecret, createConnection, createSecret, drop, show } from './catalog-statements.ts';
import { createSource, createTable } from './connector-statements.ts';
import { splitStatements } from './split-statements.ts';
import { StatementParser } from './statement-parser.ts';
import {
  copySubscribe,
  createMaterializedView,
  createSink,
  declareSubscribe,
  subscribe,
} from './stream-statements.ts';

/** Reads from the cursor after the word that chose it; undefined means "PostgreSQL's statement". */
type Reader = (p: StatementParser) => EddyStatement | undefined;

function after(reader: Reader): Reader {
  return (p) => {
    p.pos++;
    return reader(p);
  };
}

const CREATE_READERS: ReadonlyMap<string, Reader> = new Map([
  ['secret', after(createSecret)],
  ['connection', after(createConnection)],
  ['source', after(createSource)],
  ['sink', after(createSink)],
  ['materialized', createMaterializedView],
  ['or', createMaterializedView],
  ['table', createTable],
  ['temp', createTable],
  ['temporary', createTable],
  ['unlogged', createTable],
  ['global', createTable],
  ['local', createTable],
]);

const READERS: ReadonlyMap<string, Reader> = new Map<string, Reader>([
  ['create', (p) => CREATE_READERS.get(p.peek()?.kind === 'word' ? (p.peek()?.word ?? '') : '')?.(p)],
  ['alter', (p) => (p.isWord('secret') ? after(alterSecret)(p) : undefined)],
  ['drop', drop],
  ['show', show],
  ['subscribe', subscribe],
  ['copy', copySubscribe],
  ['declare', declareSubscribe],
]);

/**
 * Parses one statement (no `;`), `text` starting at `offset` in its script. Every location in the result
 * and every error position refers to the script. Throws SqlSyntaxError (42601) with PostgreSQL's wording.
 */
export function parseStatement(text: string, offset = 0): EddyStatement {
  const lead = leadingWord(text);
  const reader = lead === undefined ? undefined : READERS.get(lead);
  if (reader !== undefined) {
    const p = new StatementParser(text, offset);
    if (p.peek()?.kind === 'word' && p.peek()?.word === lead) {
      p.pos = 1;
      const statement = reader(p);
      if (statement !== undefined) return statement;
    }
  }
  return postgresStatement(text, offset);
}

/** Splits a script and parses each statement; the first error stops it, as PostgreSQL's would. */
export function parseScript(script: string): EddyStatement[] {
  const single = singlePostgresStatement(script);
  if (single !== undefined) return [single];
  return splitStatements(script).map((s) => parseStatement(s.text, s.offset));
}

/**
 * The common case without the splitting pass: a script with no `;` except a trailing one, whose
 * first word starts no Eddy statement, is one PostgreSQL statement (libpg-query parses it once).
 * Anything else (or a `;` inside a literal, which this test cannot see) takes the full path.
 */
function singlePostgresStatement(script: string): EddyStatement | undefined {
  let end = script.length;
  while (end > 0 && isSpace(script.charCodeAt(end - 1))) end--;
  if (end > 0 && script.charCodeAt(end - 1) === 59) end--;
  const semicolon = script.indexOf(';');
  if (semicolon >= 0 && semicolon < end) return undefined;
  const lead = leadingWord(script);
  if (lead === undefined || READERS.has(lead)) return undefined;
  const text = script.slice(0, end);
  return text.trim() === '' ? undefined : postgresStatement(text, 0);
}

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

function postgresStatement(text: string, offset: number): EddyStatement {
  const p = new StatementParser(text, offset, []);
  const stmts = p.parseFragment({ start: 0, end: text.length });
  if (stmts.length === 0) throw p.error('syntax error at end of input', text.length);
  if (stmts.length > 1) throw new SqlSyntaxError('cannot insert multiple commands into a prepared statement');
  return { kind: 'postgres', stmt: stmts[0], text, offset };
}

/** The first word of `text`, lower-cased, after blanks and comments (nested ones too); else undefined. */
function leadingWord(text: string): string | undefined {
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 32 || (c >= 9 && c <= 13)) i++;
    else if (c === 45 && text.charCodeAt(i + 1) === 45) {
      const newline = text.indexOf('\n', i);
      i = newline < 0 ? text.length : newline + 1;
    } else if (c === 47 && text.charCodeAt(i + 1) === 42) i = commentEnd(text, i);
    else break;
  }
  let end = i;
  while (end < text.length && isLetter(text.charCodeAt(end))) end++;
  return end === i ? undefined : text.slice(i, end).toLowerCase();
}

function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

/** Index just past the block comment opening at `start`, honouring nesting; the text's end if unclosed. */
function commentEnd(text: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < text.length) {
    if (text.startsWith('/*', i)) {
      depth++;
      i += 2;
    } else if (text.startsWith('*/', i)) {
      i += 2;
      if (--depth === 0) return i;
    } else i++;
  }
  return text.length;
}
