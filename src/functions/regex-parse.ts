/**
 * @module functions/regex-parse
 * Parses a PostgreSQL regular expression (ARE syntax, with the option letters of regexp_replace
 * & co., embedded `(?flags)`, `***=` literals and `***:` prefixes) into the tree of
 * regex-syntax.ts, raising 2201B with PostgreSQL's wording for what it rejects.
 */
import {
  type AssertionKind,
  type ClassName,
  invalidRegex,
  type ParsedRegex,
  parseRegexFlags,
  type RegexNode,
  type RegexOptions,
  type SetItem,
} from './regex-syntax.ts';

/** PostgreSQL's largest repetition count (DUPMAX). */
const REPEAT_COUNT_MAX = 255;
const NEWLINE = 10;

const CLASS_NAMES = new Set<string>([
  'alpha',
  'digit',
  'alnum',
  'upper',
  'lower',
  'space',
  'blank',
  'punct',
  'xdigit',
  'word',
  'cntrl',
  'graph',
  'print',
]);

/** Parses `pattern` under option letters `flags` (leading `(?flags)` and `***=` may change them). */
export function parseRegex(pattern: string, flags: string): ParsedRegex {
  const o = parseRegexFlags(flags);
  let i = 0;
  if (pattern.startsWith('***=')) return literalRegex(pattern.slice(4), o);
  if (pattern.startsWith('***:')) i = 4;
  const embedded = /^\(\?([a-z]*)\)/.exec(pattern.slice(i));
  if (embedded !== null) {
    parseRegexFlags(embedded[1]!, o);
    i += embedded[0].length;
  }
  if (o.literal) return literalRegex(pattern.slice(i), o);
  return new Parser(pattern, i, o).run();
}

function literalRegex(text: string, o: RegexOptions): ParsedRegex {
  const items: RegexNode[] = [];
  for (const c of text) items.push({ kind: 'char', codePoint: c.codePointAt(0)! });
  return { root: { kind: 'seq', items }, groupCount: 0, ...resolved(o), hasBackrefs: false };
}

function resolved(o: RegexOptions): { caseInsensitive: boolean; multiline: boolean } {
  return { caseInsensitive: o.caseInsensitive, multiline: o.multiline };
}

class Parser {
  private readonly p: string;
  private i: number;
  private readonly o: RegexOptions;
  private groups = 0;
  private hasBackrefs = false;
  private maxBackref = 0;

  constructor(pattern: string, start: number, options: RegexOptions) {
    this.p = pattern;
    this.i = start;
    this.o = options;
  }

  run(): ParsedRegex {
    const root = this.alternation();
    if (this.i < this.p.length) throw invalidRegex('parentheses () not balanced');
    if (this.maxBackref > this.groups) throw invalidRegex('invalid backreference number');
    return { root, groupCount: this.groups, ...resolved(this.o), hasBackrefs: this.hasBackrefs };
  }

  /** Alternatives up to an unmatched `)` or the end. */
  private alternation(): RegexNode {
    const options = [this.sequence()];
    while (this.peek() === '|') {
      this.i++;
      options.push(this.sequence());
    }
    return options.length === 1 ? options[0]! : { kind: 'alt', options };
  }

  private sequence(): RegexNode {
    const items: RegexNode[] = [];
    for (;;) {
      this.skipExpanded();
      const c = this.peek();
      if (c === undefined || c === '|' || c === ')') break;
      const atom = this.atom();
      if (atom !== null) items.push(this.quantified(atom));
    }
    return items.length === 1 ? items[0]! : { kind: 'seq', items };
  }

  private peek(): string | undefined {
    return this.p[this.i];
  }

  /** In expanded mode (option x), white space and `#` comments outside brackets are not part of the pattern. */
  private skipExpanded(): void {
    if (!this.o.expanded) return;
    for (;;) {
      const c = this.p[this.i];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v') this.i++;
      else if (c === '#') {
        const nl = this.p.indexOf('\n', this.i);
        this.i = nl < 0 ? this.p.length : nl + 1;
      } else return;
    }
  }

  /** One atom, or null for a comment `(?#...)`. */
  private atom(): RegexNode | null {
    const c = this.p.codePointAt(this.i)!;
    this.i += c > 0xffff ? 2 : 1;
    switch (c) {
      case 0x5c /* \ */:
        return this.escape();
      case 0x5b /* [ */:
        return this.bracket();
      case 0x28 /* ( */:
        return this.group();
      case 0x2e /* . */:
        return this.o.dotExcludesNewline ? newlineExcluded(true, []) : { kind: 'any' };
      case 0x5e /* ^ */:
        return { kind: 'assert', what: this.o.multiline ? 'lineStart' : 'textStart' };
      case 0x24 /* $ */:
        return { kind: 'assert', what: this.o.multiline ? 'lineEnd' : 'textEnd' };
      case 0x2a /* * */:
      case 0x2b /* + */:
      case 0x3f /* ? */:
        throw invalidRegex('quantifier operand invalid');
      case 0x7b /* { */:
        // A brace that does not start a bound is an ordinary character in an ARE.
        if (/^\d+(,\d*)?\}/.test(this.p.slice(this.i))) throw invalidRegex('quantifier operand invalid');
        return { kind: 'char', codePoint: c };
      default:
        return { kind: 'char', codePoint: c };
    }
  }

  /** Applies the quantifier after `atom`, if any; a second quantifier is an error, as in PostgreSQL. */
  private quantified(atom: RegexNode): RegexNode {
    this.skipExpanded();
    const bounds = this.quantifier();
    if (bounds === null) return atom;
    if (atom.kind === 'assert' || atom.kind === 'look') throw invalidRegex('quantifier operand invalid');
    let greedy = true;
    if (this.peek() === '?') {
      greedy = false;
      this.i++;
    }
    this.skipExpanded();
    const next = this.peek();
    if (next === '*' || next === '+' || next === '?' || (next === '{' && this.boundAhead() !== null)) {
      throw invalidRegex('quantifier operand invalid');
    }
    const [min, max] = bounds;
    // PostgreSQL: an atom under a non-greedy fixed count (`{1,1}?`, as SIMILAR TO's substring
    // writes the part before `#"`) prefers its shortest match; Perl semantics need its quantifiers lazy.
    const body = !greedy && min === max ? preferShortest(atom) : atom;
    return { kind: 'repeat', body, min, max, greedy };
  }

  private quantifier(): [number, number] | null {
    switch (this.peek()) {
      case '*':
        this.i++;
        return [0, Infinity];
      case '+':
        this.i++;
        return [1, Infinity];
      case '?':
        this.i++;
        return [0, 1];
      case '{': {
        const bound = this.boundAhead();
        if (bound === null) return null;
        this.i += bound[0].length;
        const min = Number(bound[1]);
        const max = bound[2] === undefined ? min : bound[2] === '' ? Infinity : Number(bound[2]);
        if (min > REPEAT_COUNT_MAX || (max !== Infinity && (max > REPEAT_COUNT_MAX || max < min))) {
          throw invalidRegex('invalid repetition count(s)');
        }
        return [min, max];
      }
      default:
        return null;
    }
  }

  private boundAhead(): RegExpExecArray | null {
    return /^\{(\d+)(?:,(\d*))?\}/.exec(this.p.slice(this.i, this.i + 24));
  }

  private group(): RegexNode | null {
    const rest = this.p.slice(this.i, this.i + 4);
    if (rest.startsWith('?#')) {
      const close = this.p.indexOf(')', this.i);
      if (close < 0) throw invalidRegex('parentheses () not balanced');
      this.i = close + 1;
      return null;
    }
    const look = /^\?(=|!|<=|<!)/.exec(rest);
    if (look === null && rest.startsWith('?') && !rest.startsWith('?:')) {
      throw invalidRegex('quantifier operand invalid');
    }
    const capture = rest.startsWith('?') ? null : ++this.groups;
    if (look !== null) this.i += look[0].length;
    else if (capture === null) this.i += 2;
    const body = this.alternation();
    if (this.peek() !== ')') throw invalidRegex('parentheses () not balanced');
    this.i++;
    if (look === null) return { kind: 'group', capture, body };
    const op = look[1]!;
    return { kind: 'look', behind: op.startsWith('<'), negated: op.endsWith('!'), body };
  }

  /** An escape outside brackets, `\` consumed. */
  private escape(): RegexNode {
    const c = this.p[this.i];
    if (c === undefined) throw invalidRegex('invalid escape \\ sequence');
    const cls = CLASS_ESCAPES[c];
    if (cls !== undefined) {
      this.i++;
      const item: SetItem = { kind: 'class', name: cls[0] };
      return { kind: 'set', negated: cls[1], items: [item] };
    }
    const assertion = ASSERTION_ESCAPES[c];
    if (assertion !== undefined) {
      this.i++;
      return { kind: 'assert', what: assertion };
    }
    if (c >= '1' && c <= '9') {
      this.i++;
      const group = c.charCodeAt(0) - 48;
      this.hasBackrefs = true;
      this.maxBackref = Math.max(this.maxBackref, group);
      return { kind: 'backref', group };
    }
    return { kind: 'char', codePoint: this.charEscape() };
  }

  /** A character escape (`\n`, `\x41`, `\.`), `\` consumed: the code point it stands for. */
  private charEscape(): number {
    const c = this.p.codePointAt(this.i);
    if (c === undefined) throw invalidRegex('invalid escape \\ sequence');
    this.i += c > 0xffff ? 2 : 1;
    const ch = String.fromCodePoint(c);
    const simple = SIMPLE_ESCAPES[ch];
    if (simple !== undefined) return simple;
    switch (ch) {
      case 'x':
        return this.codeEscape(/^[0-9a-fA-F]{1,8}/);
      case 'u':
        return this.codeEscape(/^[0-9a-fA-F]{4}/);
      case 'U':
        return this.codeEscape(/^[0-9a-fA-F]{8}/);
      case 'c': {
        const x = this.p.charCodeAt(this.i++);
        if (Number.isNaN(x)) throw invalidRegex('invalid escape \\ sequence');
        return x & 31;
      }
      default:
        if (/[A-Za-z0-9]/.test(ch)) throw invalidRegex('invalid escape \\ sequence');
        return c;
    }
  }

  private codeEscape(digits: RegExp): number {
    const m = digits.exec(this.p.slice(this.i, this.i + 8));
    if (m === null) throw invalidRegex('invalid escape \\ sequence');
    this.i += m[0].length;
    const cp = Number.parseInt(m[0], 16);
    if (cp > 0x10ffff) throw invalidRegex('invalid escape \\ sequence');
    return cp;
  }

  /** A bracket expression, `[` consumed. */
  private bracket(): RegexNode {
    const items: SetItem[] = [];
    let negated = false;
    if (this.peek() === '^') {
      negated = true;
      this.i++;
    }
    let first = true;
    for (;;) {
      if (this.i >= this.p.length) throw invalidRegex('brackets [] not balanced');
      if (this.peek() === ']' && !first) {
        this.i++;
        break;
      }
      first = false;
      const from = this.bracketItem();
      if (
        from.kind === 'range' &&
        this.peek() === '-' &&
        this.p[this.i + 1] !== ']' &&
        this.i + 1 < this.p.length
      ) {
        this.i++;
        const to = this.bracketItem();
        if (to.kind !== 'range') throw invalidRegex('invalid character range');
        if (to.from < from.from) throw invalidRegex('invalid character range');
        items.push({ kind: 'range', from: from.from, to: to.to });
      } else {
        items.push(from);
      }
    }
    return negated ? newlineExcluded(this.o.dotExcludesNewline, items) : { kind: 'set', negated, items };
  }

  /** One member of a bracket: a character (as a one-point range) or a class. */
  private bracketItem(): SetItem {
    const c = this.p.codePointAt(this.i)!;
    this.i += c > 0xffff ? 2 : 1;
    if (c === 0x5c /* \ */) {
      const e = this.p[this.i];
      const cls = e === undefined ? undefined : CLASS_ESCAPES[e];
      if (cls !== undefined) {
        if (cls[1]) throw invalidRegex('invalid escape \\ sequence');
        this.i++;
        return { kind: 'class', name: cls[0] };
      }
      if (e !== undefined && (ASSERTION_ESCAPES[e] !== undefined || (e >= '1' && e <= '9'))) {
        throw invalidRegex('invalid escape \\ sequence');
      }
      const cp = this.charEscape();
      return { kind: 'range', from: cp, to: cp };
    }
    const kind = this.p[this.i];
    if (c === 0x5b /* [ */ && (kind === ':' || kind === '.' || kind === '=')) return this.bracketTerm(kind);
    return { kind: 'range', from: c, to: c };
  }

  /** `[:class:]`, `[.c.]` or `[=c=]` inside a bracket, `[` consumed and `kind` next. */
  private bracketTerm(kind: string): SetItem {
    const close = this.p.indexOf(`${kind}]`, this.i + 1);
    if (close < 0) throw invalidRegex('brackets [] not balanced');
    const name = this.p.slice(this.i + 1, close);
    this.i = close + 2;
    if (kind === ':') {
      if (!CLASS_NAMES.has(name)) throw invalidRegex('invalid character class');
      return { kind: 'class', name: name as ClassName };
    }
    const chars = [...name];
    if (chars.length !== 1) throw invalidRegex('invalid collating element');
    const cp = chars[0]!.codePointAt(0)!;
    return { kind: 'range', from: cp, to: cp };
  }
}

/** `node` with every quantifier in it lazy. */
function preferShortest(node: RegexNode): RegexNode {
  switch (node.kind) {
    case 'repeat':
      return { ...node, body: preferShortest(node.body), greedy: false };
    case 'group':
    case 'look':
      return { ...node, body: preferShortest(node.body) };
    case 'seq':
      return { kind: 'seq', items: node.items.map(preferShortest) };
    case 'alt':
      return { kind: 'alt', options: node.options.map(preferShortest) };
    default:
      return node;
  }
}

/** A negated set; in newline-sensitive mode (options n, p) it never matches a newline. */
function newlineExcluded(excludeNewline: boolean, items: SetItem[]): RegexNode {
  if (excludeNewline) items.push({ kind: 'range', from: NEWLINE, to: NEWLINE });
  return { kind: 'set', negated: true, items };
}

/** Class escapes: their class and whether they are negated (`\D` = not a digit). */
const CLASS_ESCAPES: Record<string, [ClassName, boolean]> = {
  d: ['digit', false],
  s: ['space', false],
  w: ['word', false],
  D: ['digit', true],
  S: ['space', true],
  W: ['word', true],
};

const ASSERTION_ESCAPES: Record<string, AssertionKind> = {
  m: 'wordStart',
  M: 'wordEnd',
  y: 'wordBoundary',
  Y: 'notWordBoundary',
  A: 'textStart',
  Z: 'textEnd',
};

const SIMPLE_ESCAPES: Record<string, number> = {
  a: 7,
  b: 8,
  B: 0x5c,
  e: 0x1b,
  f: 12,
  n: 10,
  r: 13,
  t: 9,
  v: 11,
  '0': 0,
};
