/**
 * @module sql/front/lexer
 * Tokens of SQL text from PostgreSQL's own lexer (libpg-query's scan), comments dropped, offsets as string
 * indices. When the lexer rejects the text (an unterminated quote…), the tokens before the fault are kept
 * and one 'invalid' token runs from the fault to the end, as far as PostgreSQL would have read.
 */
import type { ScanToken } from 'libpg-query';
import { pgParse, pgScan } from './libpg.ts';
import { byteToIndexTable, isAscii } from './text-offsets.ts';

export type TokenKind =
  /** An unquoted identifier or keyword; `word` is its lower-cased text. */
  | 'word'
  /** A quoted identifier; `word` is its name. */
  | 'ident'
  /** A string constant in any form ('…', E'…', U&'…', $$…$$). */
  | 'string'
  /** A bit-string constant, B'…' or X'…'. */
  | 'bits'
  | 'number'
  | 'param'
  /** A single-character token; `word` is the character. */
  | 'punct'
  /** A multi-character operator or symbol; `word` is its text. */
  | 'op'
  /** Text from a lexer fault to the end. */
  | 'invalid';

export interface Token {
  readonly kind: TokenKind;
  readonly start: number;
  readonly end: number;
  readonly word: string;
  /** PostgreSQL's keyword category: 0 not a keyword, 1 unreserved, 2 column name, 3 type/function name, 4 reserved. */
  readonly keyword: number;
}

/** Token numbers of PostgreSQL's grammar (gram.y's first %token declarations; stable across versions). */
const IDENT = 258;
const UIDENT = 259;
const FCONST = 260;
const SCONST = 261;
const USCONST = 262;
const BCONST = 263;
const XCONST = 264;
const ICONST = 266;
const PARAM = 267;
const SQL_COMMENT = 275;
const C_COMMENT = 276;

/** How many shorter prefixes to rescan when the lexer rejects a text, before giving up on locating the fault. */
const RECOVERY_RESCANS_MAX = 64;

const UPPER_ASCII = /[A-Z]+/g;
const ONLY_GREATER = /^>+$/;
const WORD_CHAR = /[\w$]/;

/** PostgreSQL folds unquoted identifiers to lower case in ASCII only. */
export function foldIdentifier(text: string): string {
  return isAscii(text) ? text.toLowerCase() : text.replace(UPPER_ASCII, (m) => m.toLowerCase());
}

export function tokenize(text: string): Token[] {
  const raw = pgScan(text);
  if (raw !== undefined) return convert(raw, text);
  return tokenizeFaulty(text);
}

function tokenizeFaulty(text: string): Token[] {
  let rescans = 0;
  for (let i = text.length - 1; i > 0 && rescans < RECOVERY_RESCANS_MAX; i--) {
    if (!mayStartFault(text, i)) continue;
    rescans++;
    const raw = pgScan(text.slice(0, i));
    if (raw === undefined) continue;
    const tokens = convert(raw, text);
    tokens.push(invalidToken(i, text.length));
    return tokens;
  }
  let start = 0;
  while (start < text.length && text.charCodeAt(start) <= 32) start++;
  return [invalidToken(start, text.length)];
}

function invalidToken(start: number, end: number): Token {
  return { kind: 'invalid', start, end, word: '', keyword: 0 };
}

/** Where a token the lexer rejects can begin: a quote, a dollar, a comment, or a number. */
function mayStartFault(text: string, i: number): boolean {
  const c = text[i];
  if (c === "'" || c === '"' || c === '$' || c === '/') return true;
  if (c < '0' || c > '9') return false;
  return !WORD_CHAR.test(text[i - 1]);
}

function convert(raw: readonly ScanToken[], text: string): Token[] {
  const table = isAscii(text) ? undefined : byteToIndexTable(text);
  const tokens: Token[] = [];
  for (const t of raw) {
    const start = table === undefined ? t.start : table[t.start];
    const end = table === undefined ? t.end : table[t.end];
    const kind = kindOf(t, text, start);
    if (kind === undefined) continue;
    const source = text.slice(start, end);
    if (kind === 'op' && ONLY_GREATER.test(source)) {
      // `STRUCT<a STRUCT<b INT>>`: each '>' closes one level, so split what the lexer joined.
      for (let k = start; k < end; k++)
        tokens.push({ kind: 'punct', start: k, end: k + 1, word: '>', keyword: 0 });
      continue;
    }
    tokens.push({ kind, start, end, word: wordOf(kind, source), keyword: t.keywordKind });
  }
  return tokens;
}

function kindOf(t: ScanToken, text: string, start: number): TokenKind | undefined {
  if (t.keywordKind > 0) return 'word';
  switch (t.tokenType) {
    case IDENT:
      return text[start] === '"' ? 'ident' : 'word';
    case UIDENT:
      return 'ident';
    case SCONST:
    case USCONST:
      return 'string';
    case BCONST:
    case XCONST:
      return 'bits';
    case ICONST:
    case FCONST:
      return 'number';
    case PARAM:
      return 'param';
    case SQL_COMMENT:
    case C_COMMENT:
      return undefined;
    default:
      return t.tokenType < 256 ? 'punct' : 'op';
  }
}

function wordOf(kind: TokenKind, source: string): string {
  switch (kind) {
    case 'word':
      return foldIdentifier(source);
    case 'ident':
      return source.startsWith('"') ? source.slice(1, -1).replaceAll('""', '"') : unicodeIdentifier(source);
    case 'punct':
    case 'op':
      return source;
    default:
      return '';
  }
}

/** `U&"d\0061t\+000061"`: rare enough to let PostgreSQL decode the escapes. */
function unicodeIdentifier(source: string): string {
  const parsed = pgParse(`SELECT 1 AS ${source}`);
  if (!parsed.ok) return source;
  const stmt = parsed.stmts[0];
  const target = stmt !== undefined && 'SelectStmt' in stmt ? stmt.SelectStmt.targetList?.[0] : undefined;
  return target !== undefined && 'ResTarget' in target ? (target.ResTarget.name ?? source) : source;
}
