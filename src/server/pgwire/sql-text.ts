/**
 * @module server/pgwire/sql-text
 * The little lexing the wire layer needs on statement text: the leading keyword (to route
 * statements the engine does not run itself), and where a parenthesised query or a top-level
 * keyword ends, skipping quotes, dollar quotes and comments as PostgreSQL's lexer does.
 */
import { type StatementSpan, splitStatements } from '../../sql/front/index.ts';

/**
 * The statements of a script. A script with no `;` but an optional last one is one statement,
 * found without lexing (the common case: most clients send one statement at a time).
 */
export function splitScript(script: string): StatementSpan[] {
  const semicolon = script.indexOf(';');
  if (semicolon < 0) return script.length > 0 ? [{ text: script, offset: 0 }] : [];
  let end = script.length;
  while (end > 0 && isSpace(script.charCodeAt(end - 1))) end--;
  if (semicolon === end - 1) return [{ text: script.slice(0, semicolon), offset: 0 }];
  return splitStatements(script).filter((s) => s.text.length > 0);
}

/** The first word of `text`, lower-cased, after blanks and comments; '' if there is none. */
/** Leading words of transaction control statements (which an implicit transaction never wraps). */
const transactionWords = new Set([
  'begin',
  'start',
  'commit',
  'end',
  'rollback',
  'abort',
  'savepoint',
  'release',
  'prepare',
]);

/** Whether `text` is transaction control: BEGIN, COMMIT, ROLLBACK, SAVEPOINT, PREPARE TRANSACTION …. */
export function isTransactionControl(text: string): boolean {
  return transactionWords.has(leadingWord(text));
}

export function leadingWord(text: string): string {
  const i = skipBlank(text, 0);
  let j = i;
  while (j < text.length && isWordChar(text.charCodeAt(j))) j++;
  return text.slice(i, j).toLowerCase();
}

/** Index just past the blanks and comments starting at `i`. */
export function skipBlank(text: string, i: number): number {
  for (;;) {
    while (i < text.length && isSpace(text.charCodeAt(i))) i++;
    if (text.startsWith('--', i)) {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl + 1;
    } else if (text.startsWith('/*', i)) {
      i = skipBlockComment(text, i);
    } else return i;
  }
}

/**
 * Index of the `)` closing the parenthesis opened just before `start`, or -1. Quoted text,
 * dollar-quoted bodies and comments are skipped, so their parentheses do not count.
 */
export function closingParen(text: string, start: number): number {
  let depth = 1;
  let i = start;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '(') depth++;
    else if (c === ')') {
      if (--depth === 0) return i;
    } else if (c === "'" || c === '"' || c === '$' || c === '-' || c === '/') {
      const next = skipQuotedOrComment(text, i);
      if (next > i) {
        i = next;
        continue;
      }
    }
    i++;
  }
  return -1;
}

/** Index of the first top-level (outside parentheses and quotes) occurrence of `word`, or -1. */
export function topLevelWord(text: string, word: string, from = 0): number {
  let depth = 0;
  let i = from;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 40) depth++;
    else if (c === 41) depth--;
    else if (isWordChar(c)) {
      let j = i;
      while (j < text.length && isWordChar(text.charCodeAt(j))) j++;
      if (depth === 0 && text.slice(i, j).toLowerCase() === word) return i;
      i = j;
      continue;
    } else {
      const next = skipQuotedOrComment(text, i);
      if (next > i) {
        i = next;
        continue;
      }
    }
    i++;
  }
  return -1;
}

/** The highest `$n` parameter number in `text` (outside quotes and comments); 0 if none. */
export function highestParam(text: string): number {
  let max = 0;
  let i = text.indexOf('$');
  if (i < 0) return 0;
  i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 36 /* $ */ && !(i > 0 && isWordChar(text.charCodeAt(i - 1)))) {
      let j = i + 1;
      let n = 0;
      while (j < text.length && text.charCodeAt(j) >= 48 && text.charCodeAt(j) <= 57)
        n = n * 10 + text.charCodeAt(j++) - 48;
      if (j > i + 1) {
        if (n > max) max = n;
        i = j;
        continue;
      }
    }
    const next = skipQuotedOrComment(text, i);
    i = next > i ? next : i + 1;
  }
  return max;
}

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export function quoteLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** A dollar-quote delimiter, `$$` or `$tag$`, matched where `lastIndex` points. */
const dollarTag = /\$([A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*)?\$/y;

/** Index past a quoted string, identifier, dollar-quoted body or comment at `i`; `i` if none is there. */
function skipQuotedOrComment(text: string, i: number): number {
  const c = text[i];
  if (c === "'" || c === '"') {
    // E'…' strings may escape a quote with a backslash.
    const escapes = c === "'" && i > 0 && (text[i - 1] === 'E' || text[i - 1] === 'e');
    let j = i + 1;
    while (j < text.length) {
      if (escapes && text[j] === '\\') j += 2;
      else if (text[j] === c) {
        if (text[j + 1] === c) j += 2;
        else return j + 1;
      } else j++;
    }
    return text.length;
  }
  if (c === '-' && text[i + 1] === '-') {
    const nl = text.indexOf('\n', i);
    return nl < 0 ? text.length : nl + 1;
  }
  if (c === '/' && text[i + 1] === '*') return skipBlockComment(text, i);
  if (c === '$') {
    dollarTag.lastIndex = i;
    const m = dollarTag.exec(text);
    if (!m || (i > 0 && isWordChar(text.charCodeAt(i - 1)))) return i;
    const end = text.indexOf(m[0], i + m[0].length);
    return end < 0 ? text.length : end + m[0].length;
  }
  return i;
}

function skipBlockComment(text: string, i: number): number {
  let depth = 0;
  while (i < text.length) {
    if (text.startsWith('/*', i)) {
      depth++;
      i += 2;
    } else if (text.startsWith('*/', i)) {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else i++;
  }
  return text.length;
}

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c >= 128;
}
