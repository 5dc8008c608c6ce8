/**
 * @module common/jsonb-parse
 * jsonb input: JSON text to the canonical `JsonValue`, with PostgreSQL 15's grammar, its one-token
 * lookahead (so the first fault in reading order is reported) and its error details, word for word.
 */
import { DataError, ResourceLimitError, SqlState } from './errors.ts';
import { numberFromToken } from './jsonb-number.ts';
import { buildObject, type JsonValue } from './jsonb-value.ts';

const T_END = 0;
const T_LBRACE = 1;
const T_RBRACE = 2;
const T_LBRACKET = 3;
const T_RBRACKET = 4;
const T_COMMA = 5;
const T_COLON = 6;
const T_STRING = 7;
const T_NUMBER = 8;
const T_TRUE = 9;
const T_FALSE = 10;
const T_NULL = 11;

/**
 * Nesting deeper than this is refused with PostgreSQL's 54001 (PostgreSQL's own stack check allows
 * ~10000 levels): parsing, printing, comparing and hashing all recurse, and must not overflow JS's stack.
 */
export const NESTING_DEPTH_MAX = 1000;

/** 54001, as PostgreSQL's stack check stops a deeper document. */
export function nestingTooDeep(): ResourceLimitError {
  return new ResourceLimitError(SqlState.statementTooComplex, 'stack depth limit exceeded', {
    hint: `jsonb nesting is limited to ${NESTING_DEPTH_MAX} levels.`,
  });
}

/** 22P05: jsonb strings are text, which cannot hold NUL. */
export function nulNotConvertible(): DataError {
  return new DataError(SqlState.untranslatableCharacter, 'unsupported Unicode escape sequence', {
    detail: '\\u0000 cannot be converted to text.',
  });
}

function syntaxError(detail: string): DataError {
  return new DataError(SqlState.invalidJsonText, 'invalid input syntax for type json', { detail });
}

/** JSON_ALPHANUMERIC_CHAR: what PostgreSQL swallows into one bad token for the error message. */
function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c >= 0x80;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** Recursive descent over a one-token lookahead, mirroring PostgreSQL's `pg_parse_json`. */
class Parser {
  readonly text: string;
  pos = 0;
  depth = 0;
  /** The current token: its type, raw extent and (for strings) decoded value. */
  tok = T_END;
  tokStart = 0;
  tokEnd = 0;
  str = '';

  constructor(text: string) {
    this.text = text;
  }

  /** The current token's type (a call, so that checks after `lex()` are not narrowed away). */
  peek(): number {
    return this.tok;
  }

  parseDocument(): JsonValue {
    this.lex();
    const value = this.parseValue();
    if (this.peek() !== T_END) throw this.unexpected('Expected end of input');
    return value;
  }

  /** The error for an out-of-place token: "… but found "x"." or, at the end, ran-out-of-input. */
  unexpected(expected: string): DataError {
    if (this.peek() === T_END) return syntaxError('The input string ended unexpectedly.');
    return syntaxError(`${expected}, but found "${this.text.slice(this.tokStart, this.tokEnd)}".`);
  }

  parseValue(): JsonValue {
    switch (this.peek()) {
      case T_LBRACE:
        return this.parseObject();
      case T_LBRACKET:
        return this.parseArray();
      default:
        return this.parseScalar();
    }
  }

  parseScalar(): JsonValue {
    const tok = this.tok;
    const start = this.tokStart;
    const end = this.tokEnd;
    const str = this.str;
    if (tok < T_STRING) throw this.unexpected('Expected JSON value');
    // PostgreSQL reads the next token before converting this one: a later bad token wins.
    this.lex();
    switch (tok) {
      case T_STRING:
        return str;
      case T_NUMBER:
        return numberFromToken(this.text, start, end);
      case T_TRUE:
        return true;
      case T_FALSE:
        return false;
      default:
        return null;
    }
  }

  enter(): void {
    if (++this.depth > NESTING_DEPTH_MAX) throw nestingTooDeep();
  }

  parseArray(): JsonValue[] {
    this.enter();
    this.lex();
    const items: JsonValue[] = [];
    if (this.peek() !== T_RBRACKET) {
      items.push(this.parseValue());
      while (this.peek() === T_COMMA) {
        this.lex();
        items.push(this.parseValue());
      }
    }
    if (this.peek() !== T_RBRACKET) throw this.unexpected('Expected "," or "]"');
    this.lex();
    this.depth--;
    return items;
  }

  parseObject(): JsonValue {
    this.enter();
    this.lex();
    const keys: string[] = [];
    const values: JsonValue[] = [];
    if (this.peek() === T_STRING) {
      this.parseField(keys, values);
      while (this.peek() === T_COMMA) {
        this.lex();
        if (this.peek() !== T_STRING) throw this.unexpected('Expected string');
        this.parseField(keys, values);
      }
    } else if (this.peek() !== T_RBRACE) {
      throw this.unexpected('Expected string or "}"');
    }
    if (this.peek() !== T_RBRACE) throw this.unexpected('Expected "," or "}"');
    this.lex();
    this.depth--;
    return buildObject(keys, values);
  }

  parseField(keys: string[], values: JsonValue[]): void {
    keys.push(this.str);
    this.lex();
    if (this.peek() !== T_COLON) throw this.unexpected('Expected ":"');
    this.lex();
    values.push(this.parseValue());
  }

  /** Reads the next token into `tok`; throws PostgreSQL's lexer errors. */
  lex(): void {
    const text = this.text;
    const n = text.length;
    let i = this.pos;
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c !== 32 && c !== 9 && c !== 10 && c !== 13) break;
    }
    this.tokStart = i;
    if (i >= n) {
      this.tok = T_END;
      this.tokEnd = this.pos = n;
      return;
    }
    const c = text.charCodeAt(i);
    let tok: number;
    switch (c) {
      case 123:
        tok = T_LBRACE;
        break;
      case 125:
        tok = T_RBRACE;
        break;
      case 91:
        tok = T_LBRACKET;
        break;
      case 93:
        tok = T_RBRACKET;
        break;
      case 44:
        tok = T_COMMA;
        break;
      case 58:
        tok = T_COLON;
        break;
      case 34:
        this.lexString(i);
        return;
      default:
        if (c === 45 || (c >= 48 && c <= 57)) this.lexNumber(i);
        else this.lexWord(i);
        return;
    }
    this.tok = tok;
    this.tokEnd = this.pos = i + 1;
  }

  lexWord(start: number): void {
    const text = this.text;
    let i = start;
    while (i < text.length && isWordChar(text.charCodeAt(i))) i++;
    const word = text.slice(start, i);
    if (word === 'true') this.tok = T_TRUE;
    else if (word === 'false') this.tok = T_FALSE;
    else if (word === 'null') this.tok = T_NULL;
    else throw syntaxError(`Token "${i === start ? this.charAt(start) : word}" is invalid.`);
    this.tokEnd = this.pos = i;
  }

  /** The (whole) character at `i`, a surrogate pair included. */
  charAt(i: number): string {
    const c = this.text.charCodeAt(i);
    return c >= 0xd800 && c <= 0xdbff ? this.text.slice(i, i + 2) : this.text.charAt(i);
  }

  lexNumber(start: number): void {
    const text = this.text;
    const n = text.length;
    let i = text.charCodeAt(start) === 45 ? start + 1 : start;
    let ok = true;
    if (i < n && text.charCodeAt(i) === 48) i++;
    else if (i < n && isDigitCode(text.charCodeAt(i))) while (i < n && isDigitCode(text.charCodeAt(i))) i++;
    else ok = false;
    if (i < n && text.charCodeAt(i) === 46) {
      i++;
      if (i < n && isDigitCode(text.charCodeAt(i))) while (i < n && isDigitCode(text.charCodeAt(i))) i++;
      else ok = false;
    }
    if (i < n && (text.charCodeAt(i) | 0x20) === 101) {
      i++;
      if (i < n && (text.charCodeAt(i) === 43 || text.charCodeAt(i) === 45)) i++;
      if (i < n && isDigitCode(text.charCodeAt(i))) while (i < n && isDigitCode(text.charCodeAt(i))) i++;
      else ok = false;
    }
    // Trailing letters or digits belong to the (bad) token, for the error message.
    while (i < n && isWordChar(text.charCodeAt(i))) {
      i++;
      ok = false;
    }
    if (!ok) throw syntaxError(`Token "${text.slice(start, i)}" is invalid.`);
    this.tok = T_NUMBER;
    this.tokEnd = this.pos = i;
  }

  lexString(start: number): void {
    const text = this.text;
    const n = text.length;
    let i = start + 1;
    // Fast path: no escapes, so the value is a slice of the input.
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 34 || c === 92 || c < 32) break;
      i++;
    }
    if (i < n && text.charCodeAt(i) === 34) {
      this.str = text.slice(start + 1, i);
      this.tok = T_STRING;
      this.tokEnd = this.pos = i + 1;
      return;
    }
    this.lexEscapedString(start, i);
  }

  lexEscapedString(start: number, from: number): void {
    const text = this.text;
    const n = text.length;
    let out = text.slice(start + 1, from);
    let i = from;
    let high = -1; // a pending \u high surrogate
    for (;;) {
      if (i >= n) throw syntaxError(`Token "${text.slice(start, n)}" is invalid.`);
      const c = text.charCodeAt(i);
      if (c === 34) break;
      if (c < 32) throw syntaxError(`Character with value 0x${hex2(c)} must be escaped.`);
      if (c !== 92) {
        if (high >= 0) throw lowSurrogateError();
        out += text[i];
        i++;
        continue;
      }
      i++;
      if (i >= n) throw syntaxError(`Token "${text.slice(start, n)}" is invalid.`);
      const e = text.charCodeAt(i);
      if (e === 117) {
        let code = 0;
        for (let k = 1; k <= 4; k++) {
          if (i + k >= n) throw syntaxError(`Token "${text.slice(start, n)}" is invalid.`);
          const h = hexValue(text.charCodeAt(i + k));
          if (h < 0) throw syntaxError('"\\u" must be followed by four hexadecimal digits.');
          code = code * 16 + h;
        }
        i += 5;
        if (code >= 0xd800 && code <= 0xdbff) {
          if (high >= 0) throw syntaxError('Unicode high surrogate must not follow a high surrogate.');
          high = code;
          continue;
        }
        if (code >= 0xdc00 && code <= 0xdfff) {
          if (high < 0) throw lowSurrogateError();
          out += String.fromCharCode(high, code);
          high = -1;
          continue;
        }
        if (high >= 0) throw lowSurrogateError();
        if (code === 0) throw nulNotConvertible();
        out += String.fromCharCode(code);
        continue;
      }
      if (high >= 0) throw lowSurrogateError();
      const decoded = simpleEscape(e);
      if (decoded === '') throw syntaxError(`Escape sequence "\\${this.charAt(i)}" is invalid.`);
      out += decoded;
      i++;
    }
    if (high >= 0) throw lowSurrogateError();
    this.str = out;
    this.tok = T_STRING;
    this.tokEnd = this.pos = i + 1;
  }
}

function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

function hex2(c: number): string {
  return c < 16 ? `0${c.toString(16)}` : c.toString(16);
}

function lowSurrogateError(): DataError {
  return syntaxError('Unicode low surrogate must follow a high surrogate.');
}

/** The character a one-letter escape stands for, or '' when it is not a JSON escape. */
function simpleEscape(e: number): string {
  switch (e) {
    case 34:
      return '"';
    case 92:
      return '\\';
    case 47:
      return '/';
    case 98:
      return '\b';
    case 102:
      return '\f';
    case 110:
      return '\n';
    case 114:
      return '\r';
    case 116:
      return '\t';
    default:
      return '';
  }
}

/** Parses JSON text into canonical form. Throws 22P02 (with PostgreSQL's detail) on bad input. */
export function parseJson(text: string): JsonValue {
  return new Parser(text).parseDocument();
}
