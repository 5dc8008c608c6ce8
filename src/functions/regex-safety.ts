/**
 * @module functions/regex-safety
 * A conservative static check: can a backtracking engine (V8's RegExp) run this pattern in time
 * linear in the text? It bounds the number of ways the pattern can match from one start position;
 * a pattern it cannot bound (nested or adjacent unbounded quantifiers, large nested bounds,
 * back-references) is left to the linear engine or the bounded backtracker (regex-engines.ts).
 */
import { finiteCodePoints, jsSetSource } from './regex-source.ts';
import type { ParsedRegex, RegexNode } from './regex-syntax.ts';

/**
 * The most ways to match from one start position that a pattern may have and still run on V8:
 * each start then costs at most this many pattern-length walks.
 */
export const BACKTRACK_PATHS_MAX = 1000;

/**
 * True when V8's backtracking stays linear in the text. The unbounded quantifiers allowed are:
 * - one whose continuation is empty (at the end of the pattern): once it has its minimum, the
 *   match succeeds without trying shorter runs;
 * - in a pattern anchored at the start of the text (`^` without option n, `\A`), one quantifier
 *   of a single character (`\d+`, `.*`), outside any other quantifier: only one start position
 *   runs, and giving back its run costs the length of the text once;
 * - a quantifier of a single character that the next node can never match (`\d+-`, `[^,]*,`),
 *   in a pattern whose first character it can never match either: giving back any of its run
 *   fails at once, and no later start position falls inside the run (`a\d+x`, not `\d\d+x`).
 */
export function runsLinearOnBacktracker(re: ParsedRegex): boolean {
  if (re.hasBackrefs) return false;
  const budget: LoopBudget = {
    singleCharLoops: anchoredAtTextStart(re.root) ? 1 : 0,
    first: firstChars(re.root),
    caseInsensitive: re.caseInsensitive,
  };
  return paths(re.root, 'end', false, budget, null) <= BACKTRACK_PATHS_MAX;
}

/** What follows a node up to the end of the pattern: nothing, only a final `$`, or more. */
type Tail = 'end' | 'textEnd' | 'none';

interface LoopBudget {
  singleCharLoops: number;
  /** The one-character nodes a match can start with, or null when unknown. */
  readonly first: RegexNode[] | null;
  readonly caseInsensitive: boolean;
}

/**
 * An upper bound of the ways `node` can match from one position (Infinity when unbounded).
 * `tail`: what follows it up to the end of the pattern; `inRepeat`: it runs inside a quantifier;
 * `next`: the node right after it in its sequence, if any.
 */
function paths(
  node: RegexNode,
  tail: Tail,
  inRepeat: boolean,
  budget: LoopBudget,
  next: RegexNode | null,
): number {
  switch (node.kind) {
    case 'char':
    case 'set':
    case 'any':
    case 'assert':
      return 1;
    case 'backref':
      return Infinity;
    case 'group':
      return paths(node.body, tail, inRepeat, budget, next);
    case 'look':
      // A lookaround is atomic: its body runs to its own end once per arrival.
      return paths(node.body, 'end', false, { ...budget, singleCharLoops: 0, first: null }, null);
    case 'alt': {
      let sum = 0;
      for (const option of node.options) sum += paths(option, tail, inRepeat, budget, next);
      return sum;
    }
    case 'seq': {
      let product = 1;
      const last = node.items.length - 1;
      for (let i = 0; i <= last; i++) {
        const follower = i === last ? next : node.items[i + 1]!;
        product *= paths(node.items[i]!, tailAt(node.items, i, tail), inRepeat, budget, follower);
      }
      return product;
    }
    case 'repeat':
      return repeatPaths(node, tail, inRepeat, budget, next);
  }
}

function repeatPaths(
  node: RegexNode & { kind: 'repeat' },
  tail: Tail,
  inRepeat: boolean,
  budget: LoopBudget,
  next: RegexNode | null,
): number {
  const body = paths(node.body, 'none', true, budget, null);
  if (node.max !== Infinity) {
    if (body <= 1) return node.max - node.min + 1;
    return Math.min(Infinity, (node.max - node.min + 1) * body ** node.max);
  }
  if (tail === 'end' && body !== Infinity && (node.min <= 1 || body === 1)) return body;
  // `.*$` at the end: the loop runs to the end of the text, where `$` holds; nothing is given back.
  if (tail === 'textEnd' && node.greedy && singleChar(node.body).kind === 'any') return 1;
  if (
    !inRepeat &&
    isSingleChar(node.body) &&
    next !== null &&
    endsDeterministically(node.body, next, budget)
  ) {
    return 1;
  }
  if (!inRepeat && isSingleChar(node.body) && budget.singleCharLoops > 0) {
    budget.singleCharLoops--;
    return 1;
  }
  return Infinity;
}

/** What follows item `i` of a sequence that `tail` follows. */
function tailAt(items: readonly RegexNode[], i: number, tail: Tail): Tail {
  const last = items.length - 1;
  if (i === last) return tail;
  const end = items[last]!;
  return i === last - 1 && tail === 'end' && end.kind === 'assert' && end.what === 'textEnd'
    ? 'textEnd'
    : 'none';
}

/** The loop over `body` cannot give back a character that `next` or a match's first character takes. */
function endsDeterministically(body: RegexNode, next: RegexNode, budget: LoopBudget): boolean {
  const after = firstChars(next);
  if (after === null || budget.first === null) return false;
  const loop = singleChar(body);
  return [...after, ...budget.first].every((c) => disjoint(loop, c, budget.caseInsensitive));
}

/** The one-character nodes a match of `node` must start with; null when it can match nothing. */
function firstChars(node: RegexNode): RegexNode[] | null {
  switch (node.kind) {
    case 'char':
    case 'set':
    case 'any':
      return [node];
    case 'group':
      return firstChars(node.body);
    case 'repeat':
      return node.min > 0 ? firstChars(node.body) : null;
    case 'alt': {
      const out: RegexNode[] = [];
      for (const option of node.options) {
        const first = firstChars(option);
        if (first === null) return null;
        out.push(...first);
      }
      return out;
    }
    case 'seq': {
      // Zero-width assertions first do not change which character starts the match.
      const i = node.items.findIndex((item) => item.kind !== 'assert');
      return i < 0 ? null : firstChars(node.items[i]!);
    }
    default:
      return null;
  }
}

/** True only when no character matches both one-character nodes (checked over the smaller side). */
function disjoint(a: RegexNode, b: RegexNode, caseInsensitive: boolean): boolean {
  const aPoints = finiteCodePoints(a);
  const [points, other] = aPoints !== null ? [aPoints, b] : [finiteCodePoints(b), a];
  if (points === null || other.kind === 'any') return false;
  const test = charTest(other, caseInsensitive);
  return points.every((cp) => !test(cp));
}

function charTest(node: RegexNode, caseInsensitive: boolean): (cp: number) => boolean {
  const set: RegexNode & { kind: 'set' } =
    node.kind === 'set' ? node : { kind: 'set', negated: false, items: [] };
  if (node.kind === 'char') set.items.push({ kind: 'range', from: node.codePoint, to: node.codePoint });
  const re = new RegExp(`^${jsSetSource(set)}$`, caseInsensitive ? 'iu' : 'u');
  return (cp) => re.test(String.fromCodePoint(cp));
}

function singleChar(node: RegexNode): RegexNode {
  return node.kind === 'group' ? singleChar(node.body) : node;
}

function isSingleChar(node: RegexNode): boolean {
  if (node.kind === 'group') return isSingleChar(node.body);
  return node.kind === 'char' || node.kind === 'set' || node.kind === 'any';
}

/** Every match must start at the start of the text (not at a line start). */
function anchoredAtTextStart(node: RegexNode): boolean {
  switch (node.kind) {
    case 'assert':
      return node.what === 'textStart';
    case 'seq':
      return node.items.length > 0 && anchoredAtTextStart(node.items[0]!);
    case 'group':
      return anchoredAtTextStart(node.body);
    case 'alt':
      return node.options.every(anchoredAtTextStart);
    default:
      return false;
  }
}
