/**
 * @module functions/regex-syntax
 * The syntax tree of a PostgreSQL regular expression (ARE) and its option letters: what the parser
 * (regex-parse.ts) builds and every engine (regex-engines.ts) is compiled from. Positions and
 * characters are code points; options are resolved into the tree (a `.` that excludes newline is a
 * negated set), except case-insensitivity, which the engines apply.
 */
import { DataError, FeatureNotSupportedError, SqlState } from '../common/errors.ts';

/** A POSIX class name (`[[:alpha:]]`) or the class of an escape (`\d` digit, `\s` space, `\w` word). */
export type ClassName =
  | 'alpha'
  | 'digit'
  | 'alnum'
  | 'upper'
  | 'lower'
  | 'space'
  | 'blank'
  | 'punct'
  | 'xdigit'
  | 'word'
  | 'cntrl'
  | 'graph'
  | 'print';

export type SetItem = { kind: 'range'; from: number; to: number } | { kind: 'class'; name: ClassName };

export type AssertionKind =
  | 'lineStart'
  | 'lineEnd'
  | 'textStart'
  | 'textEnd'
  | 'wordStart'
  | 'wordEnd'
  | 'wordBoundary'
  | 'notWordBoundary';

export type RegexNode =
  | { kind: 'char'; codePoint: number }
  /** A bracket expression, a class escape (`\d`, `\W`) or a newline-excluding `.`. */
  | { kind: 'set'; negated: boolean; items: SetItem[] }
  /** `.` matching every character. */
  | { kind: 'any' }
  | { kind: 'seq'; items: RegexNode[] }
  | { kind: 'alt'; options: RegexNode[] }
  /** `(...)` with its 1-based group number, or `(?:...)` with null. */
  | { kind: 'group'; capture: number | null; body: RegexNode }
  /** `max` is Infinity for `*`, `+`, `{m,}`. */
  | { kind: 'repeat'; body: RegexNode; min: number; max: number; greedy: boolean }
  | { kind: 'backref'; group: number }
  | { kind: 'assert'; what: AssertionKind }
  /** Lookahead `(?=` `(?!`, lookbehind `(?<=` `(?<!`: PostgreSQL's constraints. */
  | { kind: 'look'; behind: boolean; negated: boolean; body: RegexNode };

export interface ParsedRegex {
  root: RegexNode;
  groupCount: number;
  caseInsensitive: boolean;
  /** `^` and `$` match at newlines (option n, w): the tree says lineStart/lineEnd either way. */
  multiline: boolean;
  hasBackrefs: boolean;
}

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
