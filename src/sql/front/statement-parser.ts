/**
 * @module sql/front/statement-parser
 * A cursor over one statement's tokens, with PostgreSQL-worded syntax errors and the bridge that hands
 * embedded pieces (queries, expressions, column lists) to libpg-query. Invariant: every error position
 * and every location it produces is an offset into the original script.
 */
import type { Node } from 'libpg-query';
import { DataError, type EddyError, SemanticError, SqlState, SqlSyntaxError } from '../../common/errors.ts';
import { type Token, tokenize } from './lexer.ts';
import { type PgFailure, pgParse, relocate } from './libpg.ts';
import { codePointToIndex } from './text-offsets.ts';

/** Statement text from `start` to `end` replaced by `replacement`, padded with spaces to the same length. */
export interface Mask {
  readonly start: number;
  readonly end: number;
  readonly replacement: string;
}

/** What libpg-query parses: `prefix + statement[start, end) (masked) + suffix`. */
export interface Fragment {
  readonly start: number;
  readonly end: number;
  /** Non-empty, so that nothing the user wrote sits at offset 0 (libpg-query omits zero locations). */
  readonly prefix?: string;
  readonly suffix?: string;
  readonly masks?: readonly Mask[];
}

/** PostgreSQL's syntax messages end with where the parser stopped; Eddy re-aims them at the user's text. */
/**
 * Frame clauses PostgreSQL's grammar itself rejects (`ROWS BETWEEN 1 FOLLOWING AND CURRENT ROW`):
 * it raises them as windowing errors (42P20), not syntax errors.
 */
const WINDOW_FRAME_ERROR = /^frame (start|end|starting from) /;

const NEAR = /^([\s\S]*) at (?:or near "[\s\S]*"|end of input)$/;
const NEAR_TOKEN = / at or near "[\s\S]*"$/;

export class StatementParser {
  readonly text: string;
  readonly offset: number;
  readonly tokens: Token[];
  /** Index of the next token. */
  pos = 0;
  /** Tokens from `limit` on belong to an enclosing construct (the `)` around `COPY (SUBSCRIBE …)`). */
  limit: number;
  /** Set for statements holding a secret: error messages then never quote the user's text. */
  redact = false;

  /** `tokens` may be given as [] when only whole-text fragments will be parsed (no Eddy syntax). */
  constructor(text: string, offset: number, tokens?: Token[]) {
    this.text = text;
    this.offset = offset;
    this.tokens = tokens ?? tokenize(text);
    this.limit = this.tokens.length;
  }

  peek(ahead = 0): Token | undefined {
    const i = this.pos + ahead;
    return i < this.limit ? this.tokens[i] : undefined;
  }

  atEnd(): boolean {
    return this.pos >= this.limit;
  }

  isWord(word: string, ahead = 0): boolean {
    const t = this.peek(ahead);
    return t !== undefined && t.kind === 'word' && t.word === word;
  }

  isPunct(char: string, ahead = 0): boolean {
    const t = this.peek(ahead);
    return t !== undefined && t.kind === 'punct' && t.word === char;
  }

  acceptWord(word: string): boolean {
    if (!this.isWord(word)) return false;
    this.pos++;
    return true;
  }

  acceptWords(...words: string[]): boolean {
    for (let k = 0; k < words.length; k++) if (!this.isWord(words[k], k)) return false;
    this.pos += words.length;
    return true;
  }

  acceptPunct(char: string): boolean {
    if (!this.isPunct(char)) return false;
    this.pos++;
    return true;
  }

  expectWord(word: string): void {
    if (!this.acceptWord(word)) throw this.errorNear(this.pos);
  }

  expectPunct(char: string): void {
    if (!this.acceptPunct(char)) throw this.errorNear(this.pos);
  }

  /** The next word if it is one of `choices`, else a syntax error there. */
  expectOneOf<W extends string>(choices: readonly W[]): W {
    const t = this.peek();
    const found = t?.kind === 'word' ? choices.find((c) => c === t.word) : undefined;
    if (found === undefined) throw this.errorNear(this.pos);
    this.pos++;
    return found;
  }

  expectEnd(): void {
    if (!this.atEnd()) throw this.errorNear(this.pos);
  }

  /** Index of the `)` matching the `(` at token `open`, or -1 when the text ends first. */
  closing(open: number): number {
    let depth = 0;
    for (let i = open; i < this.limit; i++) {
      const t = this.tokens[i];
      if (t.kind !== 'punct') continue;
      if (t.word === '(') depth++;
      else if (t.word === ')' && --depth === 0) return i;
    }
    return -1;
  }

  /** Script offset of token `i`, or of the statement's end past the last token. */
  location(i = this.pos): number {
    const t = this.tokens[i];
    return this.offset + (t === undefined ? this.text.length : t.start);
  }

  source(t: Token): string {
    return this.text.slice(t.start, t.end);
  }

  /** A syntax error at statement index `index`, its message redacted when the statement holds a secret. */
  error(message: string, index: number): EddyError {
    const text = this.redact ? message.replace(NEAR_TOKEN, '') : message;
    const position = this.offset + index + 1;
    // An escape in a literal that makes no valid UTF-8 (E'\xff', E'\000') is bad data, not bad syntax.
    if (text.startsWith('invalid byte sequence for encoding')) {
      return new DataError(SqlState.characterNotInRepertoire, text, { position });
    }
    return new SqlSyntaxError(text, { position });
  }

  /** PostgreSQL's error for token `i` (any token, even past `limit`), or for the end of the text. */
  errorNear(i: number, what = 'syntax error'): EddyError {
    const t = this.tokens[i];
    if (t === undefined) return this.error(`${what} at end of input`, this.text.length);
    if (t.kind === 'invalid') return this.lexerError(t);
    return this.error(`${what} at or near "${this.source(t)}"`, t.start);
  }

  /** `errorNear` for the first token that ends after statement index `index`. */
  errorNearIndex(index: number, what = 'syntax error'): EddyError {
    let i = 0;
    while (i < this.tokens.length && this.tokens[i].end <= index) i++;
    return this.errorNear(i, what);
  }

  /** The lexer's own complaint about an invalid token, as PostgreSQL words it. */
  private lexerError(t: Token): EddyError {
    const parsed = pgParse(`SELECT ${this.text.slice(t.start)}`);
    if (parsed.ok) return this.error(`syntax error at or near "${this.text[t.start]}"`, t.start);
    const f = codePointToIndex(`SELECT ${this.text.slice(t.start)}`, parsed.failure.cursor);
    return this.error(parsed.failure.message, Math.max(f - 7, 0) + t.start);
  }

  /** Parses a fragment with PostgreSQL's grammar; its nodes come back located in the script. */
  parseFragment(fragment: Fragment): Node[] {
    const prefix = fragment.prefix ?? ' ';
    const parsedText = prefix + this.masked(fragment) + (fragment.suffix ?? '');
    const delta = fragment.start - prefix.length;
    const parsed = pgParse(parsedText);
    if (!parsed.ok) throw this.fragmentError(parsed.failure, parsedText, fragment, delta);
    for (const stmt of parsed.stmts) relocate(stmt, parsedText, delta + this.offset);
    return parsed.stmts;
  }

  private masked(fragment: Fragment): string {
    const masks = fragment.masks;
    if (masks === undefined || masks.length === 0) return this.text.slice(fragment.start, fragment.end);
    let out = '';
    let at = fragment.start;
    for (const m of [...masks].sort((a, b) => a.start - b.start)) {
      out += this.text.slice(at, m.start) + m.replacement.padEnd(m.end - m.start);
      at = m.end;
    }
    return out + this.text.slice(at, fragment.end);
  }

  private fragmentError(
    failure: PgFailure,
    parsedText: string,
    fragment: Fragment,
    delta: number,
  ): EddyError {
    const f = codePointToIndex(parsedText, failure.cursor);
    const userStart = fragment.start - delta;
    const userEnd = fragment.end - delta;
    const index = Math.min(Math.max(f, userStart), userEnd) + delta;
    const near = NEAR.exec(failure.message);
    const masked = fragment.masks?.some((m) => index >= m.start && index < m.end) ?? false;
    // Outside the user's text, or on a mask, PostgreSQL saw wrapper text: name the user's token instead.
    const aimed = f < userStart || f >= userEnd || masked || failure.message.endsWith(' at end of input');
    if (near !== null && aimed) return this.errorNearIndex(index, near[1]);
    if (WINDOW_FRAME_ERROR.test(failure.message))
      return new SemanticError(SqlState.windowingError, failure.message, {
        position: this.offset + index + 1,
      });
    return this.error(failure.message, index);
  }
}
