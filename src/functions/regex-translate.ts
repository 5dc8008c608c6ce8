/**
 * @module functions/regex-translate
 * Translates PostgreSQL's regular expressions (ARE syntax, with the option letters of
 * regexp_replace & co.) into JavaScript RegExp source, for the common subset: classes, bounds,
 * lookaround, back references, \m \M \y \Y \A \Z, embedded options, `***=` literals.
 * Known difference: alternation picks the first alternative that matches (Perl), where
 * PostgreSQL picks the longest (POSIX).
 */
import { DataError, FeatureNotSupportedError, SqlState } from '../common/errors.ts';

export interface RegexOptions {
  caseInsensitive: boolean;
  /** `.` and `[^...]` do not match a newline. */
  dotExcludesNewline: boolean;
  /** `^` and `$` match at line boundaries. */
  multiline: boolean;
  expanded: boolean;
  literal: boolean;
  global: boolean;
}

export function invalidRegex(reason: string): DataError {
  return new DataError(SqlState.invalidRegularExpression, `invalid regular expression: ${reason}`);
}

/** Parses PostgreSQL's option letters (`gi`, `n`, `x`, ...). */
export function parseRegexFlags(flags: string, into?: RegexOptions): RegexOptions {
  const o: RegexOptions = into ?? {
    caseInsensitive: false,
    dotExcludesNewline: false,
    multiline: false,
    expanded: false,
    literal: false,
    global: false,
  };
  for (const f of flags) {
    switch (f) {
      case 'g':
        o.global = true;
        break;
      case 'i':
        o.caseInsensitive = true;
        break;
      case 'c':
        o.caseInsensitive = false;
        break;
      case 'n':
      case 'm':
        o.dotExcludesNewline = true;
        o.multiline = true;
        break;
      case 's':
        o.dotExcludesNewline = false;
        o.multiline = false;
        break;
      case 'p':
        o.dotExcludesNewline = true;
        o.multiline = false;
        break;
      case 'w':
        o.dotExcludesNewline = false;
        o.multiline = true;
        break;
      case 'x':
        o.expanded = true;
        break;
      case 't':
        o.expanded = false;
        break;
      case 'q':
        o.literal = true;
        break;
      case 'e':
        break;
      case 'b':
        throw new FeatureNotSupportedError('basic regular expressions (option "b") are not supported');
      default:
        throw new DataError(SqlState.invalidParameterValue, `invalid regular expression option: "${f}"`);
    }
  }
  return o;
}

const WORD = '\\p{L}\\p{Nd}_';
const WORD_START = `(?<![${WORD}])(?=[${WORD}])`;
const WORD_END = `(?<=[${WORD}])(?![${WORD}])`;
const SYNTAX = new Set('^$\\.*+?()[]{}|/');

const CLASSES: Record<string, string> = {
  alpha: '\\p{L}',
  digit: '0-9',
  alnum: '\\p{L}\\p{Nd}',
  upper: '\\p{Lu}',
  lower: '\\p{Ll}',
  space: '\\s',
  blank: ' \\t',
  punct: '\\p{P}\\p{S}',
  xdigit: '0-9A-Fa-f',
  word: WORD,
  cntrl: '\\p{Cc}',
  graph: '\\p{L}\\p{M}\\p{N}\\p{P}\\p{S}',
  print: ' \\p{L}\\p{M}\\p{N}\\p{P}\\p{S}',
};

/** Escapes one character for a `u`-mode RegExp (where `\\-` is legal only inside a class). */
function literal(c: string, inClass = false): string {
  return SYNTAX.has(c) || (inClass && c === '-') ? `\\${c}` : c;
}

/** Translates an ARE into JS source; `o` may be changed by leading `(?flags)` or `***=`. */
export function translateRegex(pattern: string, o: RegexOptions): string {
  let i = 0;
  if (pattern.startsWith('***=')) return escapeAll(pattern.slice(4));
  if (pattern.startsWith('***:')) i = 4;
  const embedded = /^\(\?([a-z]*)\)/.exec(pattern.slice(i));
  if (embedded !== null) {
    parseRegexFlags(embedded[1]!, o);
    i += embedded[0].length;
  }
  if (o.literal) return escapeAll(pattern.slice(i));
  return new Translator(pattern, i, o).run();
}

function escapeAll(s: string): string {
  let out = '';
  for (const c of s) out += literal(c);
  return out;
}

class Translator {
  private readonly p: string;
  private i: number;
  private readonly o: RegexOptions;
  private out = '';
  private depth = 0;

  constructor(pattern: string, start: number, options: RegexOptions) {
    this.p = pattern;
    this.i = start;
    this.o = options;
  }

  run(): string {
    const p = this.p;
    while (this.i < p.length) {
      const c = p[this.i]!;
      if (this.o.expanded && this.skipExpanded(c)) continue;
      this.i++;
      switch (c) {
        case '\\':
          this.out += this.escape(false);
          break;
        case '[':
          this.bracket();
          break;
        case '{': {
          const bound = /^\d+(,\d*)?\}/.exec(p.slice(this.i));
          // A brace that does not start a bound is an ordinary character in an ARE.
          if (bound === null) this.out += '\\{';
          else {
            this.out += `{${bound[0]}`;
            this.i += bound[0].length;
          }
          break;
        }
        case '}':
          this.out += '\\}';
          break;
        case '.':
          this.out += this.o.dotExcludesNewline ? '[^\\n]' : '.';
          break;
        case '(':
          this.group();
          break;
        case ')':
          if (this.depth === 0) throw invalidRegex('parentheses () not balanced');
          this.depth--;
          this.out += ')';
          break;
        case '/':
          this.out += '\\/';
          break;
        default:
          this.out += c;
      }
    }
    if (this.depth !== 0) throw invalidRegex('parentheses () not balanced');
    return this.out;
  }

  /** In expanded mode, white space and `#` comments outside brackets are not part of the pattern. */
  private skipExpanded(c: string): boolean {
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v') {
      this.i++;
      return true;
    }
    if (c === '#') {
      const nl = this.p.indexOf('\n', this.i);
      this.i = nl < 0 ? this.p.length : nl + 1;
      return true;
    }
    return false;
  }

  private group(): void {
    const rest = this.p.slice(this.i);
    this.depth++;
    if (rest.startsWith('?#')) {
      const close = this.p.indexOf(')', this.i);
      if (close < 0) throw invalidRegex('parentheses () not balanced');
      this.i = close + 1;
      this.depth--;
      return;
    }
    const m = /^\?(?::|=|!|<=|<!)/.exec(rest);
    if (m !== null) {
      this.out += `(${m[0]}`;
      this.i += m[0].length;
    } else if (rest.startsWith('?')) {
      throw invalidRegex('quantifier operand invalid');
    } else {
      this.out += '(';
    }
  }

  /** An escape after `\` (already consumed); `inBracket` selects the forms legal inside `[...]`. */
  private escape(inBracket: boolean): string {
    const p = this.p;
    if (this.i >= p.length) throw invalidRegex('invalid escape \\ sequence');
    const c = p[this.i++]!;
    switch (c) {
      case 'd':
      case 's':
        return `\\${c}`;
      case 'w':
        return inBracket ? WORD : `[${WORD}]`;
      case 'D':
      case 'S':
      case 'W':
        if (inBracket) throw invalidRegex('invalid escape \\ sequence');
        return c === 'W' ? `[^${WORD}]` : `\\${c}`;
      case 'm':
      case 'M':
      case 'y':
      case 'Y':
      case 'A':
      case 'Z':
        if (inBracket) throw invalidRegex('invalid escape \\ sequence');
        return anchorEscape(c);
      case 'b':
        return '\\x08';
      case 'B':
        return '\\\\';
      case 'a':
        return '\\x07';
      case 'e':
        return '\\x1b';
      case 'f':
      case 'n':
      case 'r':
      case 't':
      case 'v':
        return `\\${c}`;
      case '0':
        return '\\x00';
      case 'x':
        return this.codeEscape(/^[0-9a-fA-F]{1,8}/);
      case 'u':
        return this.codeEscape(/^[0-9a-fA-F]{4}/);
      case 'U':
        return this.codeEscape(/^[0-9a-fA-F]{8}/);
      case 'c': {
        const x = p[this.i++];
        if (x === undefined) throw invalidRegex('invalid escape \\ sequence');
        return `\\x${(x.charCodeAt(0) & 31).toString(16).padStart(2, '0')}`;
      }
      default:
        if (c >= '1' && c <= '9') {
          if (inBracket) throw invalidRegex('invalid escape \\ sequence');
          return `\\${c}`;
        }
        if (/[A-Za-z0-9]/.test(c)) throw invalidRegex('invalid escape \\ sequence');
        return literal(c, inBracket);
    }
  }

  private codeEscape(digits: RegExp): string {
    const m = digits.exec(this.p.slice(this.i));
    if (m === null) throw invalidRegex('invalid escape \\ sequence');
    this.i += m[0].length;
    const cp = Number.parseInt(m[0], 16);
    if (cp > 0x10ffff) throw invalidRegex('invalid escape \\ sequence');
    return `\\u{${cp.toString(16)}}`;
  }

  /** A bracket expression, `[` already consumed. */
  private bracket(): void {
    const p = this.p;
    let body = '';
    let negated = false;
    if (p[this.i] === '^') {
      negated = true;
      this.i++;
    }
    if (p[this.i] === ']') {
      body += '\\]';
      this.i++;
    }
    for (;;) {
      if (this.i >= p.length) throw invalidRegex('brackets [] not balanced');
      const c = p[this.i++]!;
      if (c === ']') break;
      if (c === '\\') {
        body += this.escape(true);
      } else if (c === '[' && (p[this.i] === ':' || p[this.i] === '.' || p[this.i] === '=')) {
        body += this.bracketTerm(p[this.i]!);
      } else {
        body += c === '-' ? '-' : literal(c);
      }
    }
    if (negated && this.o.dotExcludesNewline) body += '\\n';
    this.out += `[${negated ? '^' : ''}${body}]`;
  }

  /** `[:class:]`, `[.c.]` or `[=c=]` inside a bracket, `[` consumed and `kind` next. */
  private bracketTerm(kind: string): string {
    const close = this.p.indexOf(`${kind}]`, this.i + 1);
    if (close < 0) throw invalidRegex('brackets [] not balanced');
    const name = this.p.slice(this.i + 1, close);
    this.i = close + 2;
    if (kind === ':') {
      const cls = CLASSES[name];
      if (cls === undefined) throw invalidRegex('invalid character class');
      return cls;
    }
    if ([...name].length !== 1) throw invalidRegex('invalid collating element');
    return literal(name, true);
  }
}

function anchorEscape(c: string): string {
  switch (c) {
    case 'm':
      return WORD_START;
    case 'M':
      return WORD_END;
    case 'y':
      return `(?:${WORD_START}|${WORD_END})`;
    case 'Y':
      return `(?:(?<=[${WORD}])(?=[${WORD}])|(?<![${WORD}])(?![${WORD}]))`;
    case 'A':
      return '(?<![\\s\\S])';
    default:
      return '(?![\\s\\S])';
  }
}

/** Maps a JS RegExp syntax error to PostgreSQL's wording where there is an equivalent. */
export function regexSyntaxError(e: unknown): DataError {
  const msg = e instanceof Error ? e.message : String(e);
  if (/Nothing to repeat|Invalid quantifier|Lone quantifier/i.test(msg))
    return invalidRegex('quantifier operand invalid');
  if (/out of order in \{\}/i.test(msg)) return invalidRegex('invalid repetition count(s)');
  if (/Unterminated group|Unmatched '\)'/i.test(msg)) return invalidRegex('parentheses () not balanced');
  if (/Invalid escape|Invalid (named )?(capture group|reference)/i.test(msg)) {
    return invalidRegex('invalid backreference number');
  }
  const reason = msg.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '');
  return invalidRegex(reason.charAt(0).toLowerCase() + reason.slice(1));
}
