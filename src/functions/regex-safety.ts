/**
 * @module functions/regex-safety
 * A conservative static check: can a backtracking engine (V8's RegExp) run this pattern in time
 * linear in the text? It bounds the number of ways the pattern can match from one start position;
 * a pattern it cannot bound (nested or adjacent unbounded quantifiers, large nested bounds,
 * back-references) is left to the linear engine or the bounded backtracker (regex-engines.ts).
 */
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
 *   runs, and giving back its run costs the length of the text once.
 */
export function runsLinearOnBacktracker(re: ParsedRegex): boolean {
  if (re.hasBackrefs) return false;
  const budget = { singleCharLoops: anchoredAtTextStart(re.root) ? 1 : 0 };
  return paths(re.root, true, false, budget) <= BACKTRACK_PATHS_MAX;
}

interface LoopBudget {
  singleCharLoops: number;
}

/**
 * An upper bound of the ways `node` can match from one position (Infinity when unbounded).
 * `tail`: nothing follows it up to the end of the pattern; `inRepeat`: it runs inside a quantifier.
 */
function paths(node: RegexNode, tail: boolean, inRepeat: boolean, budget: LoopBudget): number {
  switch (node.kind) {
    case 'char':
    case 'set':
    case 'any':
    case 'assert':
      return 1;
    case 'backref':
      return Infinity;
    case 'group':
      return paths(node.body, tail, inRepeat, budget);
    case 'look':
      // A lookaround is atomic: its body runs to its own end once per arrival.
      return paths(node.body, true, false, { singleCharLoops: 0 });
    case 'alt': {
      let sum = 0;
      for (const option of node.options) sum += paths(option, tail, inRepeat, budget);
      return sum;
    }
    case 'seq': {
      let product = 1;
      const last = node.items.length - 1;
      for (let i = 0; i <= last; i++) product *= paths(node.items[i]!, tail && i === last, inRepeat, budget);
      return product;
    }
    case 'repeat':
      return repeatPaths(node, tail, inRepeat, budget);
  }
}

function repeatPaths(
  node: RegexNode & { kind: 'repeat' },
  tail: boolean,
  inRepeat: boolean,
  budget: LoopBudget,
): number {
  const body = paths(node.body, false, true, budget);
  if (node.max !== Infinity) {
    if (body <= 1) return node.max - node.min + 1;
    return Math.min(Infinity, (node.max - node.min + 1) * body ** node.max);
  }
  if (tail && body !== Infinity && (node.min <= 1 || body === 1)) return body;
  if (!inRepeat && isSingleChar(node.body) && budget.singleCharLoops > 0) {
    budget.singleCharLoops--;
    return 1;
  }
  return Infinity;
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
