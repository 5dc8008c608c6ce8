/**
 * @module functions/regex-backtrack
 * A backtracking matcher with a step budget, for the patterns no linear engine takes
 * (back-references, lookaround, Unicode word boundaries). The tree is compiled to a small program
 * run with an explicit stack (no recursion per character, so long texts cannot overflow the JS
 * stack); a search that needs more than BACKTRACK_STEPS_MAX steps fails with 2201B instead of
 * running on. Leftmost-first like V8 and RE2, so every engine gives the same answers.
 */
import { DataError, SqlState } from '../common/errors.ts';
import { isPairAt } from './code-points.ts';
import { jsSetSource, WORD_CLASS_JS } from './regex-source.ts';
import type { AssertionKind, ParsedRegex, RegexNode } from './regex-syntax.ts';

/** Steps (instructions run) one search may take, over all its start positions. */
export const BACKTRACK_STEPS_MAX = 10_000_000;
/** Instructions a compiled pattern may have (nested bounds multiply). */
const PROGRAM_SIZE_MAX = 100_000;

type Inst =
  | { op: 'char'; codePoint: number }
  /** One character matched by a sticky JS RegExp (sets, case-insensitive characters). */
  | { op: 'class'; re: RegExp }
  | { op: 'any' }
  | { op: 'split'; first: number; second: number }
  | { op: 'jmp'; to: number }
  /** state[slot] := position (capture bounds and loop marks), undone on backtracking. */
  | { op: 'save'; slot: number }
  /** Fails when the loop iteration that set state[slot] consumed nothing (an empty loop). */
  | { op: 'progress'; slot: number }
  | { op: 'assert'; what: AssertionKind }
  | { op: 'backref'; group: number }
  | { op: 'look'; body: Inst[]; behind: boolean; negated: boolean }
  | { op: 'match' };

export interface BacktrackMatch {
  index: number;
  end: number;
  /** Start and end of each group g at [2g], [2g+1] (UTF-16 offsets), -1 when it took no part. */
  bounds: Int32Array;
}

export function regexTooComplex(): DataError {
  return new DataError(
    SqlState.invalidRegularExpression,
    'invalid regular expression: regular expression is too complex',
    { detail: `Matching needed more than ${BACKTRACK_STEPS_MAX} backtracking steps.` },
  );
}

const CHOICE = -1;

export class BacktrackMatcher {
  private readonly program: Inst[];
  private readonly slots: number;
  private readonly caseInsensitive: boolean;
  private readonly groupCount: number;
  private steps = 0;
  /** The top-level search's backtracking stack, reused from one start position to the next. */
  private readonly stack: number[] = [];

  constructor(re: ParsedRegex) {
    const compiler = new Compiler(re.caseInsensitive, 2 * (re.groupCount + 1));
    compiler.emit(re.root);
    compiler.out.push({ op: 'match' });
    this.program = compiler.out;
    this.slots = compiler.slots;
    this.caseInsensitive = re.caseInsensitive;
    this.groupCount = re.groupCount;
  }

  /** The leftmost match starting at or after UTF-16 offset `from`, or null. */
  exec(s: string, from: number): BacktrackMatch | null {
    this.steps = BACKTRACK_STEPS_MAX;
    const state = new Int32Array(this.slots);
    for (let start = from; start <= s.length; start += isPairAt(s, start) ? 2 : 1) {
      state.fill(-1);
      const end = this.run(this.program, s, start, -1, state, this.stack);
      if (end >= 0) {
        const bounds = state.slice(0, 2 * (this.groupCount + 1));
        bounds[0] = start;
        bounds[1] = end;
        return { index: start, end, bounds };
      }
    }
    return null;
  }

  /** Runs `prog` from `pos`; the end of its first match (at `mustEnd` when >= 0), or -1. */
  private run(
    prog: Inst[],
    s: string,
    startPos: number,
    mustEnd: number,
    state: Int32Array,
    stack: number[] = [],
  ): number {
    stack.length = 0;
    let pc = 0;
    let pos = startPos;
    for (;;) {
      if (--this.steps < 0) throw regexTooComplex();
      const inst = prog[pc]!;
      let ok = true;
      switch (inst.op) {
        case 'char': {
          const cp = s.codePointAt(pos);
          ok = cp === inst.codePoint;
          if (ok) pos += cp! > 0xffff ? 2 : 1;
          pc++;
          break;
        }
        case 'class':
          inst.re.lastIndex = pos;
          ok = inst.re.test(s);
          pos = inst.re.lastIndex;
          pc++;
          break;
        case 'any':
          ok = pos < s.length;
          pos += isPairAt(s, pos) ? 2 : 1;
          pc++;
          break;
        case 'split':
          stack.push(inst.second, pos, CHOICE);
          pc = inst.first;
          break;
        case 'jmp':
          pc = inst.to;
          break;
        case 'save':
          stack.push(state[inst.slot]!, inst.slot);
          state[inst.slot] = pos;
          pc++;
          break;
        case 'progress':
          ok = pos !== state[inst.slot];
          pc++;
          break;
        case 'assert':
          ok = assertionHolds(inst.what, s, pos);
          pc++;
          break;
        case 'backref': {
          const end = this.backref(s, pos, state, inst.group);
          ok = end >= 0;
          pos = end;
          pc++;
          break;
        }
        case 'look':
          ok = this.look(inst, s, pos, state, stack);
          pc++;
          break;
        case 'match':
          if (mustEnd < 0 || pos === mustEnd) return pos;
          ok = false;
          break;
      }
      if (ok) continue;
      // Backtrack: undo saves (old value, slot >= 0) down to the latest choice (pc, pos, CHOICE).
      for (;;) {
        if (stack.length === 0) return -1;
        const top = stack.pop()!;
        if (top === CHOICE) {
          pos = stack.pop()!;
          pc = stack.pop()!;
          break;
        }
        state[top] = stack.pop()!;
      }
    }
  }

  /** The end of the back-referenced text matched at `pos`, or -1 (a group that took no part matches nothing). */
  private backref(s: string, pos: number, state: Int32Array, group: number): number {
    const from = state[2 * group]!;
    const to = state[2 * group + 1]!;
    if (from < 0 || to < 0) return -1;
    const want = s.slice(from, to);
    const got = s.slice(pos, pos + want.length);
    this.steps -= want.length;
    const same = this.caseInsensitive ? got.toLowerCase() === want.toLowerCase() : got === want;
    return same ? pos + want.length : -1;
  }

  /** A lookaround at `pos`; a positive one keeps the groups it set (recorded for backtracking). */
  private look(
    inst: Inst & { op: 'look' },
    s: string,
    pos: number,
    state: Int32Array,
    stack: number[],
  ): boolean {
    const inner = state.slice();
    let found = false;
    if (!inst.behind) found = this.run(inst.body, s, pos, -1, inner) >= 0;
    else {
      for (let start = pos; start >= 0 && !found; start--) {
        if (start < pos && isPairAt(s, start - 1)) continue;
        inner.set(state);
        found = this.run(inst.body, s, start, pos, inner) >= 0;
      }
    }
    if (found === inst.negated) return false;
    if (!inst.negated) {
      for (let i = 0; i < inner.length; i++) {
        if (inner[i] !== state[i]) {
          stack.push(state[i]!, i);
          state[i] = inner[i]!;
        }
      }
    }
    return true;
  }
}

class Compiler {
  readonly out: Inst[] = [];
  slots: number;
  private readonly caseInsensitive: boolean;

  constructor(caseInsensitive: boolean, slots: number) {
    this.caseInsensitive = caseInsensitive;
    this.slots = slots;
  }

  private push(inst: Inst): number {
    if (this.out.length >= PROGRAM_SIZE_MAX) throw regexTooComplex();
    this.out.push(inst);
    return this.out.length - 1;
  }

  emit(node: RegexNode): void {
    switch (node.kind) {
      case 'char':
        if (!this.caseInsensitive) this.push({ op: 'char', codePoint: node.codePoint });
        else this.push({ op: 'class', re: stickyClass(`[\\u{${node.codePoint.toString(16)}}]`, true) });
        break;
      case 'set':
        this.push({ op: 'class', re: stickyClass(jsSetSource(node), this.caseInsensitive) });
        return;
      case 'any':
        this.push({ op: 'any' });
        return;
      case 'seq':
        for (const item of node.items) this.emit(item);
        return;
      case 'alt':
        this.alternation(node.options);
        break;
      case 'group':
        if (node.capture !== null) this.push({ op: 'save', slot: 2 * node.capture });
        this.emit(node.body);
        if (node.capture !== null) this.push({ op: 'save', slot: 2 * node.capture + 1 });
        break;
      case 'repeat':
        this.repeat(node);
        break;
      case 'backref':
        this.push({ op: 'backref', group: node.group });
        return;
      case 'assert':
        this.push({ op: 'assert', what: node.what });
        return;
      case 'look': {
        const sub = new Compiler(this.caseInsensitive, this.slots);
        sub.emit(node.body);
        sub.out.push({ op: 'match' });
        this.slots = sub.slots;
        this.push({ op: 'look', body: sub.out, behind: node.behind, negated: node.negated });
        return;
      }
    }
  }

  /** a|b|c: split(a, split(b, c)), each alternative jumping to the end. */
  private alternation(options: RegexNode[]): void {
    const jumps: (Inst & { op: 'jmp' })[] = [];
    for (let i = 0; i < options.length; i++) {
      const last = i === options.length - 1;
      const split = last ? null : { op: 'split' as const, first: 0, second: 0 };
      if (split !== null) split.first = this.push(split) + 1;
      this.emit(options[i]!);
      if (!last) {
        const jmp = { op: 'jmp' as const, to: 0 };
        this.push(jmp);
        jumps.push(jmp);
        split!.second = this.out.length;
      }
    }
    for (const j of jumps) j.to = this.out.length;
  }

  private repeat(node: RegexNode & { kind: 'repeat' }): void {
    for (let i = 0; i < node.min; i++) this.emit(node.body);
    if (node.max === Infinity) {
      const mark = this.slots++;
      const split = { op: 'split' as const, first: 0, second: 0 };
      const loop = this.push(split);
      const body = this.push({ op: 'save', slot: mark });
      this.emit(node.body);
      this.push({ op: 'progress', slot: mark });
      this.push({ op: 'jmp', to: loop });
      this.order(split, body, this.out.length, node.greedy);
      return;
    }
    // Each optional iteration, like the loop's, must consume something (as in ECMAScript).
    const mark = this.slots++;
    const splits: (Inst & { op: 'split' })[] = [];
    for (let i = node.min; i < node.max; i++) {
      const split = { op: 'split' as const, first: 0, second: 0 };
      const at = this.push(split);
      splits.push(split);
      split.first = at + 1;
      this.push({ op: 'save', slot: mark });
      this.emit(node.body);
      this.push({ op: 'progress', slot: mark });
    }
    for (const split of splits) this.order(split, split.first, this.out.length, node.greedy);
  }

  /** Greedy tries the body first; lazy tries what follows first. */
  private order(split: Inst & { op: 'split' }, body: number, after: number, greedy: boolean): void {
    split.first = greedy ? body : after;
    split.second = greedy ? after : body;
  }
}

function stickyClass(source: string, caseInsensitive: boolean): RegExp {
  return new RegExp(source, caseInsensitive ? 'iuy' : 'uy');
}

const WORD_AT = new RegExp(`[${WORD_CLASS_JS}]`, 'uy');

function isWordAt(s: string, pos: number): boolean {
  if (pos < 0 || pos >= s.length) return false;
  WORD_AT.lastIndex = pos;
  return WORD_AT.test(s);
}

function isWordBefore(s: string, pos: number): boolean {
  return isWordAt(s, pos >= 2 && isPairAt(s, pos - 2) ? pos - 2 : pos - 1);
}

function assertionHolds(what: AssertionKind, s: string, pos: number): boolean {
  switch (what) {
    case 'textStart':
      return pos === 0;
    case 'textEnd':
      return pos === s.length;
    case 'lineStart':
      return pos === 0 || s.charCodeAt(pos - 1) === 10;
    case 'lineEnd':
      return pos === s.length || s.charCodeAt(pos) === 10;
    case 'wordStart':
      return !isWordBefore(s, pos) && isWordAt(s, pos);
    case 'wordEnd':
      return isWordBefore(s, pos) && !isWordAt(s, pos);
    case 'wordBoundary':
      return isWordBefore(s, pos) !== isWordAt(s, pos);
    case 'notWordBoundary':
      return isWordBefore(s, pos) === isWordAt(s, pos);
  }
}
