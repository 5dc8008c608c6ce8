/**
 * @module functions/regex-source
 * Writes a parsed regular expression (regex-syntax.ts) as the source text of an engine: a
 * JavaScript RegExp (flags `us`, plus `i`) or RE2 syntax (re2js, DOTALL). Both spell out the
 * same character sets, so a pattern matches the same text whichever engine runs it. RE2 has no
 * back-references, lookaround or Unicode word boundaries: `re2Source` returns null for those.
 */
import type { AssertionKind, ClassName, ParsedRegex, RegexNode, SetItem } from './regex-syntax.ts';

/** `superset`: RE2 syntax for a pattern that matches wherever the original does (a prefilter). */
type Target = 'js' | 're2' | 'superset';

/** A class as Unicode properties (`L` for `\p{L}`) and code point ranges. */
type ClassPart = string | readonly [number, number];

/** Where `\s` and [[:space:]] match: the same characters as JavaScript's `\s`. */
const SPACE: ClassPart[] = [
  [9, 13],
  [0x20, 0x20],
  [0xa0, 0xa0],
  [0x1680, 0x1680],
  [0x2000, 0x200a],
  [0x2028, 0x2029],
  [0x202f, 0x202f],
  [0x205f, 0x205f],
  [0x3000, 0x3000],
  [0xfeff, 0xfeff],
];
const DIGIT: ClassPart = [0x30, 0x39];
const UNDERSCORE: ClassPart = [0x5f, 0x5f];

const CLASSES: Record<ClassName, ClassPart[]> = {
  alpha: ['L'],
  digit: [DIGIT],
  alnum: ['L', 'Nd'],
  upper: ['Lu'],
  lower: ['Ll'],
  space: SPACE,
  blank: [
    [0x20, 0x20],
    [9, 9],
  ],
  punct: ['P', 'S'],
  xdigit: [DIGIT, [0x41, 0x46], [0x61, 0x66]],
  word: ['L', 'Nd', UNDERSCORE],
  cntrl: ['Cc'],
  graph: ['L', 'M', 'N', 'P', 'S'],
  print: [[0x20, 0x20], 'L', 'M', 'N', 'P', 'S'],
};

/** The word characters of `\m \M \y \Y`, as the body of a JS character class. */
export const WORD_CLASS_JS = classBody([{ kind: 'class', name: 'word' }], 'js');

/** JavaScript RegExp source and flags equivalent to `re`. */
export function jsSource(re: ParsedRegex): { source: string; flags: string } {
  return { source: write(re.root, 'js')!, flags: re.caseInsensitive ? 'ius' : 'us' };
}

/** RE2 source for `re` (to compile with DOTALL, and CASE_INSENSITIVE as `re` says), or null. */
export function re2Source(re: ParsedRegex): string | null {
  return write(re.root, 're2');
}

/**
 * RE2 source for a pattern that matches every text `re` matches, at least where `re` does: its
 * back-references become their group's pattern (or any text), its lookaround and word boundaries
 * nothing. A text it rejects cannot match `re`, which the backtracker then need not try.
 */
export function re2SupersetSource(re: ParsedRegex): string {
  const groups = new Map<number, RegexNode>();
  collectGroups(re.root, groups);
  return write(re.root, 'superset', groups)!;
}

function collectGroups(node: RegexNode, into: Map<number, RegexNode>): void {
  if (node.kind === 'group' && node.capture !== null) into.set(node.capture, node.body);
  if ('body' in node) collectGroups(node.body, into);
  else if (node.kind === 'seq') for (const item of node.items) collectGroups(item, into);
  else if (node.kind === 'alt') for (const option of node.options) collectGroups(option, into);
}

function hasBackref(node: RegexNode): boolean {
  if (node.kind === 'backref') return true;
  if ('body' in node) return hasBackref(node.body);
  if (node.kind === 'seq') return node.items.some(hasBackref);
  if (node.kind === 'alt') return node.options.some(hasBackref);
  return false;
}

/**
 * The code points a one-character node matches, when they are few (a character, ranges or
 * classes such as \d and \s without Unicode properties, not negated); else null.
 */
export function finiteCodePoints(node: RegexNode, limit = 512): number[] | null {
  if (node.kind === 'char') return [node.codePoint];
  if (node.kind !== 'set' || node.negated) return null;
  const ranges: (readonly [number, number])[] = [];
  for (const item of node.items) {
    if (item.kind === 'range') ranges.push([item.from, item.to]);
    else {
      for (const part of CLASSES[item.name]) {
        if (typeof part === 'string') return null;
        ranges.push(part);
      }
    }
  }
  const out: number[] = [];
  for (const [from, to] of ranges) {
    if (out.length + to - from + 1 > limit) return null;
    for (let cp = from; cp <= to; cp++) out.push(cp);
  }
  return out;
}

/** A JS character class for one set node, for engines that test a character at a time. */
export function jsSetSource(node: RegexNode & { kind: 'set' }): string {
  return `[${node.negated ? '^' : ''}${classBody(node.items, 'js')}]`;
}

function write(node: RegexNode, t: Target, groups?: Map<number, RegexNode>): string | null {
  switch (node.kind) {
    case 'char':
      return codePoint(node.codePoint, t);
    case 'set':
      return `[${node.negated ? '^' : ''}${classBody(node.items, t)}]`;
    case 'any':
      return '.';
    case 'seq': {
      if (node.items.length === 0) return '(?:)';
      let out = '';
      for (const item of node.items) {
        const s = write(item, t, groups);
        if (s === null) return null;
        out += s;
      }
      return out;
    }
    case 'alt': {
      const parts: string[] = [];
      for (const option of node.options) {
        const s = write(option, t, groups);
        if (s === null) return null;
        parts.push(s);
      }
      return `(?:${parts.join('|')})`;
    }
    case 'group': {
      const body = write(node.body, t, groups);
      if (body === null) return null;
      return node.capture === null ? `(?:${body})` : `(${body})`;
    }
    case 'repeat':
      return repeat(node, t, groups);
    case 'backref': {
      if (t !== 'superset') return t === 'js' ? `(?:\\${node.group})` : null;
      const body = groups?.get(node.group);
      return body === undefined || hasBackref(body) ? ANY_TEXT : `(?:${write(body, t, groups)})`;
    }
    case 'assert':
      return assertion(node.what, t);
    case 'look': {
      if (t === 'superset') return '(?:)';
      if (t === 're2') return null;
      const body = write(node.body, t, groups);
      return body === null ? null : `(?${node.behind ? '<' : ''}${node.negated ? '!' : '='}${body})`;
    }
  }
}

function repeat(
  node: RegexNode & { kind: 'repeat' },
  t: Target,
  groups?: Map<number, RegexNode>,
): string | null {
  const body = write(node.body, t, groups);
  if (body === null) return null;
  const atomic = node.body.kind === 'char' || node.body.kind === 'set' || node.body.kind === 'any';
  const operand = atomic || node.body.kind === 'group' ? body : `(?:${body})`;
  const { min, max } = node;
  let q: string;
  if (min === 0 && max === Infinity) q = '*';
  else if (min === 1 && max === Infinity) q = '+';
  else if (min === 0 && max === 1) q = '?';
  else if (max === Infinity) q = `{${min},}`;
  else q = min === max ? `{${min}}` : `{${min},${max}}`;
  return `${operand}${q}${node.greedy ? '' : '?'}`;
}

function assertion(what: AssertionKind, t: Target): string | null {
  // JS never gets the `m` flag: its `^`/`$` would also stop at \r, U+2028 and U+2029, where
  // PostgreSQL's newline-sensitive mode knows only \n.
  switch (what) {
    case 'textStart':
      return t === 'js' ? '^' : '\\A';
    case 'textEnd':
      return t === 'js' ? '$' : '\\z';
    case 'lineStart':
      return t === 'js' ? '(?<![^\\n])' : '(?m:^)';
    case 'lineEnd':
      return t === 'js' ? '(?![^\\n])' : '(?m:$)';
    default:
      if (t === 'superset') return '(?:)';
      return t === 'js' ? WORD_ASSERTIONS[what] : null;
  }
}

const ANY_TEXT = '(?:[\\x{0}-\\x{10ffff}]*)';
const W = WORD_CLASS_JS;
const WORD_ASSERTIONS: Record<'wordStart' | 'wordEnd' | 'wordBoundary' | 'notWordBoundary', string> = {
  wordStart: `(?<![${W}])(?=[${W}])`,
  wordEnd: `(?<=[${W}])(?![${W}])`,
  wordBoundary: `(?:(?<![${W}])(?=[${W}])|(?<=[${W}])(?![${W}]))`,
  notWordBoundary: `(?:(?<=[${W}])(?=[${W}])|(?<![${W}])(?![${W}]))`,
};

function classBody(items: readonly SetItem[], t: Target): string {
  let out = '';
  for (const item of items) {
    if (item.kind === 'range') {
      out += codePoint(item.from, t);
      if (item.to !== item.from) out += `-${codePoint(item.to, t)}`;
    } else {
      for (const part of CLASSES[item.name]) {
        if (typeof part === 'string') out += `\\p{${part}}`;
        else
          out +=
            part[0] === part[1] ? codePoint(part[0], t) : `${codePoint(part[0], t)}-${codePoint(part[1], t)}`;
      }
    }
  }
  return out;
}

/** A code point as a literal: letters and digits as they are, anything else escaped. */
function codePoint(cp: number, t: Target): string {
  if ((cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a)) {
    return String.fromCharCode(cp);
  }
  return t === 'js' ? `\\u{${cp.toString(16)}}` : `\\x{${cp.toString(16)}}`;
}
