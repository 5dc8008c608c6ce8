/**
 * @module functions/regex-engines
 * Compiles a PostgreSQL regular expression for the engine that can run it without hanging:
 * - V8's RegExp when regex-safety.ts proves its backtracking linear (the common, fastest case);
 * - else re2js (RE2, linear time whatever the pattern) when RE2 syntax can express it;
 * - else (back-references, lookaround, `\m \M \y \Y`) the step-bounded backtracker, which fails
 *   with 2201B rather than run on.
 * All three find the leftmost match and prefer alternatives and quantifiers as Perl does, so the
 * choice changes speed, never answers. Offsets are UTF-16 units of the searched string.
 */
import { createRequire } from 'node:module';
import type { RE2JS } from 're2js';
import { BacktrackMatcher } from './regex-backtrack.ts';
import { parseRegex } from './regex-parse.ts';
import { runsLinearOnBacktracker } from './regex-safety.ts';
import { jsSource, re2Source, re2SupersetSource } from './regex-source.ts';
import { invalidRegex, type ParsedRegex } from './regex-syntax.ts';

/** re2js, loaded on the first pattern that needs it (its CommonJS build, so synchronously). */
let re2js: typeof RE2JS | undefined;
function loadRe2(): typeof RE2JS {
  re2js ??= (createRequire(import.meta.url)('re2js') as typeof import('re2js')).RE2JS;
  return re2js;
}

export type RegexEngineName = 'v8' | 're2' | 'backtrack';

/** One match: the whole match's bounds, and each group's text and bounds (1-based). */
export interface RegexMatch {
  readonly index: number;
  readonly end: number;
  /** The text of group `g`, undefined when the group took no part in the match. */
  group(g: number): string | undefined;
  /** [start, end) of group `g` (0: the whole match), undefined when it took no part. */
  span(g: number): readonly [number, number] | undefined;
}

export interface CompiledRegex {
  readonly engine: RegexEngineName;
  /** Capturing groups in the pattern. */
  readonly groupCount: number;
  test(s: string): boolean;
  /** The leftmost match that starts at or after UTF-16 offset `from`, or null; `span` needs `withSpans`. */
  exec(s: string, from: number, withSpans?: boolean): RegexMatch | null;
}

/** Compiles `pattern` under PostgreSQL option letters `flags`; `engine` forces one (tests, benchmarks). */
export function compilePattern(pattern: string, flags: string, engine?: RegexEngineName): CompiledRegex {
  const re = parseRegex(pattern, flags);
  if (engine === 'v8' || (engine === undefined && runsLinearOnBacktracker(re))) return new V8Regex(re);
  if (engine !== 'backtrack') {
    const source = re2Source(re);
    if (source !== null) {
      const compiled = Re2Regex.tryCompile(source, re);
      if (compiled !== null) return compiled;
    }
  }
  return new BacktrackRegex(re);
}

class V8Regex implements CompiledRegex {
  readonly engine = 'v8';
  readonly groupCount: number;
  private readonly plain: RegExp;
  private readonly global: RegExp;
  /** With `d`, which records group offsets: slower, so made only for regexp_instr's subexpressions. */
  private withIndices: RegExp | null = null;

  constructor(re: ParsedRegex) {
    const { source, flags } = jsSource(re);
    try {
      this.plain = new RegExp(source, flags);
      this.global = new RegExp(source, `${flags}g`);
    } catch (e) {
      throw invalidRegex(e instanceof Error ? e.message.toLowerCase() : String(e));
    }
    this.groupCount = re.groupCount;
  }

  test(s: string): boolean {
    return this.plain.test(s);
  }

  exec(s: string, from: number, withSpans = false): RegexMatch | null {
    const re = withSpans
      ? (this.withIndices ??= new RegExp(this.global.source, `${this.global.flags}d`))
      : this.global;
    re.lastIndex = from;
    const m = re.exec(s);
    re.lastIndex = 0;
    return m === null ? null : new V8Match(m);
  }
}

class V8Match implements RegexMatch {
  readonly index: number;
  readonly end: number;
  private readonly m: RegExpExecArray;

  constructor(m: RegExpExecArray) {
    this.m = m;
    this.index = m.index;
    this.end = m.index + m[0].length;
  }

  group(g: number): string | undefined {
    return this.m[g];
  }

  span(g: number): readonly [number, number] | undefined {
    return this.m.indices?.[g];
  }
}

class Re2Regex implements CompiledRegex {
  readonly engine = 're2';
  readonly groupCount: number;
  private readonly re2: RE2JS;

  private constructor(re2: RE2JS, groupCount: number) {
    this.re2 = re2;
    this.groupCount = groupCount;
  }

  /** Null when RE2 refuses the program (its repetition limit is lower than PostgreSQL's). */
  static tryCompile(source: string, re: ParsedRegex): Re2Regex | null {
    const RE2 = loadRe2();
    const flags = RE2.DOTALL | (re.caseInsensitive ? RE2.CASE_INSENSITIVE : 0);
    try {
      return new Re2Regex(RE2.compile(source, flags), re.groupCount);
    } catch {
      return null;
    }
  }

  test(s: string): boolean {
    return this.re2.test(s);
  }

  exec(s: string, from: number): RegexMatch | null {
    if (from > s.length) return null;
    const m = this.re2.matcher(s);
    return m.find(from) ? new Re2Match(m.start(), m.end(), m) : null;
  }
}

type Re2Matcher = ReturnType<RE2JS['matcher']>;

class Re2Match implements RegexMatch {
  readonly index: number;
  readonly end: number;
  private readonly m: Re2Matcher;

  constructor(index: number, end: number, m: Re2Matcher) {
    this.index = index;
    this.end = end;
    this.m = m;
  }

  group(g: number): string | undefined {
    return this.m.group(g) ?? undefined;
  }

  span(g: number): readonly [number, number] | undefined {
    const start = this.m.start(g);
    return start < 0 ? undefined : [start, this.m.end(g)];
  }
}

/**
 * The bounded backtracker behind a linear prefilter (re2SupersetSource): texts the prefilter
 * rejects never reach the backtracker, and the rest are searched from the prefilter's leftmost
 * match on, so most searches that would blow the step budget are answered in linear time.
 */
class BacktrackRegex implements CompiledRegex {
  readonly engine = 'backtrack';
  readonly groupCount: number;
  private readonly matcher: BacktrackMatcher;
  private readonly prefilter: Re2Regex | null;

  constructor(re: ParsedRegex) {
    this.matcher = new BacktrackMatcher(re);
    this.groupCount = re.groupCount;
    this.prefilter = Re2Regex.tryCompile(re2SupersetSource(re), re);
  }

  test(s: string): boolean {
    return this.exec(s, 0) !== null;
  }

  exec(s: string, from: number): RegexMatch | null {
    let start = from;
    if (this.prefilter !== null) {
      const candidate = this.prefilter.exec(s, from);
      if (candidate === null) return null;
      start = candidate.index;
    }
    const m = this.matcher.exec(s, start);
    if (m === null) return null;
    const { bounds } = m;
    return {
      index: m.index,
      end: m.end,
      group: (g) =>
        bounds[2 * g]! < 0 || bounds[2 * g + 1]! < 0 ? undefined : s.slice(bounds[2 * g], bounds[2 * g + 1]),
      span: (g) =>
        bounds[2 * g]! < 0 || bounds[2 * g + 1]! < 0 ? undefined : [bounds[2 * g]!, bounds[2 * g + 1]!],
    };
  }
}
