/**
 * The regex engines (src/functions/regex-engines.ts): which one a pattern gets, that the three
 * give the same matches (seeded random patterns), that catastrophic shapes answer on 50,000
 * characters, and that the bounded backtracker stops with 2201B instead of running on.
 * Outcomes only: no timing is asserted (bench/regex measures speed).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as R from '../../src/functions/regex.ts';
import { BACKTRACK_STEPS_MAX, BacktrackMatcher } from '../../src/functions/regex-backtrack.ts';
import { compilePattern, type RegexEngineName } from '../../src/functions/regex-engines.ts';
import { parseRegex } from '../../src/functions/regex-parse.ts';
import type { RegexNode } from '../../src/functions/regex-syntax.ts';

test('simple patterns stay on V8; ambiguous ones go to RE2; back-references to the backtracker', () => {
  const expected: [string, RegexEngineName][] = [
    ['^abc', 'v8'],
    ['[0-9]+', 'v8'],
    ['foo|bar', 'v8'],
    ['^\\d+$', 'v8'],
    ['\\s+', 'v8'],
    ['\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}', 'v8'],
    ['\\mfoo\\M', 'v8'],
    ['^(?:abc.*)$', 'v8'],
    ['items at (\\d+)-(\\d+)', 'v8'],
    [';([^;]*);', 'v8'],
    ['key=([^;]*);', 're2'],
    ['\\d+-', 're2'],
    ['a[^b]*b', 're2'],
    ['(\\w+)@(\\w+)\\.com', 're2'],
    ['\\d+$', 're2'],
    ['(a+)+b', 're2'],
    ['(a|a)*b', 're2'],
    ['(a*)*b', 're2'],
    ['(x+x+)+y', 're2'],
    ['(a{1,10}){1,10}b', 're2'],
    ['^(?:.*abc.*)$', 'v8'],
    ['^(?:.*a.*b.*)$', 're2'],
    ['.*$x', 're2'],
    ['^(\\w+) \\1$', 'backtrack'],
    ['(a+)+(?=b)', 'backtrack'],
    ['\\m(a+)+\\M', 'backtrack'],
  ];
  for (const [pattern, engine] of expected) assert.equal(compilePattern(pattern, '').engine, engine, pattern);
});

test('catastrophic shapes answer on 50,000 characters, as PostgreSQL does', () => {
  const a = 'a'.repeat(50000);
  const x = 'x'.repeat(50000);
  const cases: [string, string, boolean][] = [
    [a, '(a+)+b', false],
    [`${a}cb`, '(a+)+b', false],
    [a, '(a|a)*b', false],
    [a, '(a*)*b', false],
    [a, '(a{1,10}){1,10}b', false],
    [`${x}y`, '(x+x+)+y', true],
    [`${x}zy`, '(x+x+)+y', false],
    [`${a}!`, '^(a|aa)+$', false],
    [a, '(.*a){12}', true],
    [`${a}!`, '\\d+$', false],
    [a, '^(\\w+)\\s\\1$', false],
  ];
  for (const [s, p, want] of cases) assert.equal(R.textRegexEq(s, p), want, `${s.length} chars ~ '${p}'`);
  assert.equal(R.regexpCount(`${a}!`, '(a|aa)+!'), 1);
  assert.equal(R.regexpReplace(`${a}b`, '(a+)+$', ''), `${a}b`);
});

test('a back-reference search past the step budget fails with 2201B', () => {
  // The prefilter (back-reference read as its group's pattern) matches, so the backtracker runs:
  // (a+)+ splits 50 a's 2^49 ways before it can prove \1 never equals 51 a's.
  const s = `${'a'.repeat(50)}b${'a'.repeat(51)}`;
  assert.throws(
    () => R.textRegexEq(s, '^(a+)+b\\1$'),
    (e: { code?: string; message?: string; detail?: string }) => {
      assert.equal(e.code, '2201B');
      assert.equal(e.message, 'invalid regular expression: regular expression is too complex');
      assert.match(e.detail ?? '', new RegExp(String(BACKTRACK_STEPS_MAX)));
      return true;
    },
  );
  // Small inputs of the same pattern still answer.
  assert.equal(R.textRegexEq('aaabaa', '^(a+)+b\\1$'), true);
  assert.equal(R.textRegexEq('aaabaaaa', '^(a+)+b\\1$'), false);
});

test('the backtracker keeps its stack on the heap: long texts do not overflow', () => {
  const re = compilePattern('(a|b)*c', '', 'backtrack');
  const s = `${'ab'.repeat(100000)}c`;
  const m = re.exec(s, 0);
  assert.equal(m?.index, 0);
  assert.equal(m?.end, s.length);
  assert.equal(m?.group(1), 'b');
});

/** A tiny seeded generator (no timing, no global state). */
function random(seed: number): (n: number) => number {
  let state = seed;
  return (n) => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return (state >>> 8) % n;
  };
}

function randomPattern(rnd: (n: number) => number, depth: number, groups: { n: number }): string {
  const atoms = ['a', 'b', '.', '[ab]', '[^a]', '\\d', 'x', '^', '$'];
  let out = '';
  const length = 1 + rnd(3);
  for (let i = 0; i < length; i++) {
    let atom: string;
    const pick = rnd(10);
    if (depth > 0 && pick < 2) atom = `(${randomPattern(rnd, depth - 1, groups)})`;
    else if (depth > 0 && pick < 3)
      atom = `(?:${randomPattern(rnd, depth - 1, groups)}|${randomPattern(rnd, depth - 1, groups)})`;
    else atom = atoms[rnd(atoms.length)]!;
    if (atom.startsWith('(') && !atom.startsWith('(?')) groups.n++;
    if (atom !== '^' && atom !== '$') atom += ['', '', '*', '+', '?', '{1,2}', '*?', '+?'][rnd(8)]!;
    out += atom;
  }
  return out;
}

/** Every match, as PostgreSQL's global functions walk them: [start, end] and each group's text. */
function allMatches(pattern: string, s: string, engine: RegexEngineName): string {
  const re = compilePattern(pattern, '', engine);
  const out: string[] = [];
  let at = 0;
  for (let m = re.exec(s, at); m !== null && out.length < 20; m = re.exec(s, at)) {
    const groups: (string | undefined)[] = [];
    for (let g = 1; g <= re.groupCount; g++) groups.push(m.group(g));
    out.push(`${m.index}-${m.end}:${groups.join(',')}`);
    at = m.end === m.index ? m.end + 1 : m.end;
  }
  return out.join(' ');
}

test('V8, RE2 and the backtracker find the same matches (seeded random patterns)', () => {
  const rnd = random(9);
  const texts = ['', 'a', 'ab', 'ba1', 'aab1b', 'x1ab', 'bbbaaa', 'a1a1b'];
  let compared = 0;
  let comparedWithRe2 = 0;
  for (let k = 0; k < 300; k++) {
    const pattern = randomPattern(rnd, 2, { n: 0 });
    // A group inside a quantifier keeps its last iteration in RE2 and the backtracker, but is
    // reset by a later iteration that skips it in V8: compare those patterns on whole matches.
    const groupInLoop = /\([^)]*\)[*+?{]/.test(pattern) || /\(.*\(.*\).*\)[*+?{]/.test(pattern);
    // A quantifier whose body can match nothing: ECMAScript rejects an empty iteration past
    // the minimum (and so does the backtracker), RE2 stops the loop there; the match can differ.
    const emptyLoops = hasNullableLoop(parseRegex(pattern, '').root);
    for (const s of texts) {
      const v8 = allMatches(pattern, s, 'v8');
      const backtrack = allMatches(pattern, s, 'backtrack');
      const strip = (r: string): string => (groupInLoop ? r.replace(/:[^ ]*/g, '') : r);
      assert.equal(strip(backtrack), strip(v8), `backtrack vs v8: '${s}' ~ '${pattern}'`);
      compared++;
      if (emptyLoops) continue;
      const re2 = allMatches(pattern, s, 're2');
      assert.equal(strip(re2), strip(v8), `re2 vs v8: '${s}' ~ '${pattern}'`);
      comparedWithRe2++;
    }
  }
  assert.equal(compared, 2400);
  assert.ok(comparedWithRe2 > 1200, `${comparedWithRe2} compared with RE2`);
});

function nullable(node: RegexNode): boolean {
  switch (node.kind) {
    case 'seq':
      return node.items.every(nullable);
    case 'alt':
      return node.options.some(nullable);
    case 'group':
      return nullable(node.body);
    case 'repeat':
      return node.min === 0 || nullable(node.body);
    case 'assert':
    case 'look':
    case 'backref':
      return true;
    default:
      return false;
  }
}

function hasNullableLoop(node: RegexNode): boolean {
  if (node.kind === 'repeat' && node.max > node.min && nullable(node.body)) return true;
  if ('body' in node) return hasNullableLoop(node.body);
  if (node.kind === 'seq') return node.items.some(hasNullableLoop);
  if (node.kind === 'alt') return node.options.some(hasNullableLoop);
  return false;
}

test('patterns left to V8 backtrack linearly: the step-counting backtracker stays in budget on long texts', () => {
  // The backtracker searches exactly as V8 does, counting steps: a pattern the safety check
  // wrongly passed (quadratic or worse) would need over 10^7 steps on these 5,000-character texts.
  const rnd = random(4);
  const n = 5000;
  const texts = [
    'a'.repeat(n),
    'ab'.repeat(n / 2),
    '1'.repeat(n),
    `${'a'.repeat(n - 1)}!`,
    'x1'.repeat(n / 2),
    'b'.repeat(n),
  ];
  let checked = 0;
  for (let k = 0; k < 400 && checked < 50; k++) {
    const pattern = randomPattern(rnd, 2, { n: 0 });
    if (compilePattern(pattern, '').engine !== 'v8') continue;
    assert.ok(backtracksLinearly(pattern, texts), pattern);
    checked++;
  }
  assert.ok(checked >= 30, `${checked} patterns checked`);
  // The check itself has teeth: quadratic and exponential shapes run out of steps.
  for (const unsafe of ['a+$', '(a|b)*!', '\\d*x', '(a+)+!'])
    assert.equal(backtracksLinearly(unsafe, texts), false);
});

/** The backtracker alone (no prefilter) searches every text within its step budget. */
function backtracksLinearly(pattern: string, texts: string[]): boolean {
  const matcher = new BacktrackMatcher(parseRegex(pattern, ''));
  try {
    for (const s of texts) matcher.exec(s, 0);
    return true;
  } catch (e) {
    if ((e as { code?: string }).code === '2201B') return false;
    throw e;
  }
}
