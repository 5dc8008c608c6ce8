/**
 * Pattern matching (src/functions/regex*.ts, like.ts) against PostgreSQL 15:
 * each row is the SQL run on a real server, the same computation here, and the server's answer.
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { arrayOf, T } from '../../src/common/types.ts';
import type { Value } from '../../src/common/value.ts';
import * as L from '../../src/functions/like.ts';
import * as R from '../../src/functions/regex.ts';
import { byteaIn } from '../../src/functions/text-io.ts';
import { check, out } from './functions-check.ts';

const ta = arrayOf(T.text);
const b = (v: boolean): string => out(v, T.bool);
const i = (v: number): string => out(v, T.int4);
const rows = (v: Value[][]): string => v.map((r) => out(r, ta)).join('\n');

test('LIKE and ILIKE', () => {
  check([
    [`'abc' LIKE 'abc'`, () => b(L.textLike('abc', 'abc')), 't'],
    [`'abc' LIKE 'a%'`, () => b(L.textLike('abc', 'a%')), 't'],
    [`'abc' LIKE '%c'`, () => b(L.textLike('abc', '%c')), 't'],
    [`'abc' LIKE '%b%'`, () => b(L.textLike('abc', '%b%')), 't'],
    [`'abc' LIKE '_b_'`, () => b(L.textLike('abc', '_b_')), 't'],
    [`'abc' LIKE '__'`, () => b(L.textLike('abc', '__')), 'f'],
    [`'' LIKE '%'`, () => b(L.textLike('', '%')), 't'],
    [`'' LIKE '_'`, () => b(L.textLike('', '_')), 'f'],
    [`'a😀c' LIKE 'a_c'`, () => b(L.textLike('a😀c', 'a_c')), 't'],
    [`'a😀c😀' LIKE '%_c_'`, () => b(L.textLike('a😀c😀', '%_c_')), 't'],
    [`'aXbXc' LIKE 'a%b%c'`, () => b(L.textLike('aXbXc', 'a%b%c')), 't'],
    [`'abcbc' LIKE '%bc%bc'`, () => b(L.textLike('abcbc', '%bc%bc')), 't'],
    [`'abc' LIKE '%bc%bc'`, () => b(L.textLike('abc', '%bc%bc')), 'f'],
    [`'ab' LIKE 'a%b%'`, () => b(L.textLike('ab', 'a%b%')), 't'],
    [`'aab' LIKE 'a_%_'`, () => b(L.textLike('aab', 'a_%_')), 't'],
    [`'ab' LIKE 'a_%_'`, () => b(L.textLike('ab', 'a_%_')), 'f'],
    [`'a%' LIKE 'a\\%'`, () => b(L.textLike('a%', 'a\\%')), 't'],
    [`'ab' LIKE 'a\\%'`, () => b(L.textLike('ab', 'a\\%')), 'f'],
    [`'a\\' LIKE 'a\\\\'`, () => b(L.textLike('a\\', 'a\\\\')), 't'],
    [
      `'ab' LIKE 'a\\'`,
      () => b(L.textLike('ab', 'a\\')),
      'ERROR 22025: LIKE pattern must not end with escape character',
    ],
    [`'xyz' NOT LIKE 'x%'`, () => b(L.textNotLike('xyz', 'x%')), 'f'],
    [`'ABC' ILIKE 'a%c'`, () => b(L.textILike('ABC', 'a%c')), 't'],
    [`'ÉTÉ' ILIKE 'été'`, () => b(L.textILike('ÉTÉ', 'été')), 't'],
    [`'abc' NOT ILIKE 'AB_'`, () => b(L.textNotILike('abc', 'AB_')), 'f'],
    [`'a%' LIKE 'a#%' ESCAPE '#'`, () => b(L.textLike('a%', L.likeEscape('a#%', '#'))), 't'],
    [`'a\\b' LIKE 'a\\b' ESCAPE '#'`, () => b(L.textLike('a\\b', L.likeEscape('a\\b', '#'))), 't'],
    [`'a%' LIKE 'a#%' ESCAPE ''`, () => b(L.textLike('a%', L.likeEscape('a#%', ''))), 'f'],
    [`'a\\b' LIKE 'a\\b' ESCAPE ''`, () => b(L.textLike('a\\b', L.likeEscape('a\\b', ''))), 't'],
    [
      `'a' LIKE 'a' ESCAPE 'xy'`,
      () => b(L.textLike('a', L.likeEscape('a', 'xy'))),
      'ERROR 22025: invalid escape string',
    ],
    [`like_escape('a%#%b\\c', '#')`, () => L.likeEscape('a%#%b\\c', '#'), 'a%\\%b\\\\c'],
    [`like_escape('ab#', '#')`, () => L.likeEscape('ab#', '#'), 'ab\\'],
    [
      `'\\x0102'::bytea LIKE '\\x0125'::bytea`,
      () => b(L.byteaLike(byteaIn('\\x0102'), byteaIn('\\x0125'))),
      't',
    ],
    [
      `'\\x01ff02'::bytea LIKE '\\x015f02'::bytea`,
      () => b(L.byteaLike(byteaIn('\\x01ff02'), byteaIn('\\x015f02'))),
      't',
    ],
  ]);
});

test('SIMILAR TO', () => {
  const similar = (s: string, p: string, e?: string): string => b(R.textRegexEq(s, L.similarToEscape(p, e)));
  check([
    [
      `similar_to_escape('a(b|c)%_.x^*+?{2}[a-z]')`,
      () => L.similarToEscape('a(b|c)%_.x^*+?{2}[a-z]'),
      '^(?:a(?:b|c).*.\\.x\\^*+?{2}[a-z])$',
    ],
    [
      `similar_to_escape('a#"b#"c', '#')`,
      () => L.similarToEscape('a#"b#"c', '#'),
      '^(?:a){1,1}?(b){1,1}(?:c)$',
    ],
    [`similar_to_escape('[]a%]')`, () => L.similarToEscape('[]a%]'), '^(?:[]a%])$'],
    [
      `similar_to_escape('a#"b#"c#"', '#')`,
      () => L.similarToEscape('a#"b#"c#"', '#'),
      'ERROR 2200C: SQL regular expression may not contain more than two escape-double-quote separators',
    ],
    [
      `similar_to_escape('a', 'xy')`,
      () => L.similarToEscape('a', 'xy'),
      'ERROR 22025: invalid escape string',
    ],
    [`'abc' SIMILAR TO 'a(b|c)%'`, () => similar('abc', 'a(b|c)%'), 't'],
    [`'abc' SIMILAR TO 'ab'`, () => similar('abc', 'ab'), 'f'],
    [`'a.c' SIMILAR TO 'a.c'`, () => similar('a.c', 'a.c'), 't'],
    [`'abc' SIMILAR TO 'a.c'`, () => similar('abc', 'a.c'), 'f'],
    [`'aaa' SIMILAR TO 'a{2,3}'`, () => similar('aaa', 'a{2,3}'), 't'],
    [`'a%' SIMILAR TO 'a\\%'`, () => similar('a%', 'a\\%'), 't'],
    [`'ab' SIMILAR TO 'a!_' ESCAPE '!'`, () => similar('ab', 'a!_', '!'), 'f'],
    [
      `substring('foobar' similar 'f#"o%#"r' escape '#')`,
      () => out(R.regexSubstring('foobar', L.similarToEscape('f#"o%#"r', '#')), T.text),
      'ooba',
    ],
    [
      `substring('foobar' similar '%#"x#"%' escape '#')`,
      () => out(R.regexSubstring('foobar', L.similarToEscape('%#"x#"%', '#')), T.text),
      'NULL',
    ],
    [
      `substring('foobar' similar 'fo%' escape '#')`,
      () => out(R.regexSubstring('foobar', L.similarToEscape('fo%', '#')), T.text),
      'foobar',
    ],
  ]);
});

test('regex match operators', () => {
  check([
    [`'abc' ~ 'B'`, () => b(R.textRegexEq('abc', 'B')), 'f'],
    [`'abc' ~* 'B'`, () => b(R.textICRegexEq('abc', 'B')), 't'],
    [`'abc' !~ 'b'`, () => b(R.textRegexNe('abc', 'b')), 'f'],
    [`'abc' !~* 'X'`, () => b(R.textICRegexNe('abc', 'X')), 't'],
    [`'a.c' ~ 'a\\.c'`, () => b(R.textRegexEq('a.c', 'a\\.c')), 't'],
    [`'abc' ~ '^[[:alpha:]]+$'`, () => b(R.textRegexEq('abc', '^[[:alpha:]]+$')), 't'],
    [`'ab1' ~ '^[[:alpha:]]+$'`, () => b(R.textRegexEq('ab1', '^[[:alpha:]]+$')), 'f'],
    [`'a1_' ~ '^\\w+$'`, () => b(R.textRegexEq('a1_', '^\\w+$')), 't'],
    [`'a-b' ~ '^[\\w-]+$'`, () => b(R.textRegexEq('a-b', '^[\\w-]+$')), 't'],
    [`'ab' ~ 'a{'`, () => b(R.textRegexEq('ab', 'a{')), 'f'],
    [`'a{' ~ 'a{'`, () => b(R.textRegexEq('a{', 'a{')), 't'],
    [`'aaa' ~ '^a{2,3}$'`, () => b(R.textRegexEq('aaa', '^a{2,3}$')), 't'],
    [
      `'ab' ~ '(a'`,
      () => b(R.textRegexEq('ab', '(a')),
      'ERROR 2201B: invalid regular expression: parentheses () not balanced',
    ],
    [
      `'ab' ~ 'a)'`,
      () => b(R.textRegexEq('ab', 'a)')),
      'ERROR 2201B: invalid regular expression: parentheses () not balanced',
    ],
    [
      `'ab' ~ '['`,
      () => b(R.textRegexEq('ab', '[')),
      'ERROR 2201B: invalid regular expression: brackets [] not balanced',
    ],
    [
      `'x' ~ '*'`,
      () => b(R.textRegexEq('x', '*')),
      'ERROR 2201B: invalid regular expression: quantifier operand invalid',
    ],
    [`'ab' ~ '\\mab\\M'`, () => b(R.textRegexEq('ab', '\\mab\\M')), 't'],
    [`'foo bar' ~ '\\ybar\\y'`, () => b(R.textRegexEq('foo bar', '\\ybar\\y')), 't'],
    [`'foobar' ~ '\\ybar'`, () => b(R.textRegexEq('foobar', '\\ybar')), 'f'],
    [`'foobar' ~ 'o\\Yb'`, () => b(R.textRegexEq('foobar', 'o\\Yb')), 't'],
    [`E'a\\nb' ~ 'a.b'`, () => b(R.textRegexEq('a\nb', 'a.b')), 't'],
    [`E'a\\nb' ~ '^b'`, () => b(R.textRegexEq('a\nb', '^b')), 'f'],
    [`E'a\\nb' ~ 'a[^x]b'`, () => b(R.textRegexEq('a\nb', 'a[^x]b')), 't'],
    [`'ab' ~ 'a\\d'`, () => b(R.textRegexEq('ab', 'a\\d')), 'f'],
    [`'a]' ~ '[]]'`, () => b(R.textRegexEq('a]', '[]]')), 't'],
    [`'x' ~ '[^]a]'`, () => b(R.textRegexEq('x', '[^]a]')), 't'],
    [`'a^b' ~ 'a\\^b'`, () => b(R.textRegexEq('a^b', 'a\\^b')), 't'],
    [`'a-b' ~ 'a\\-b'`, () => b(R.textRegexEq('a-b', 'a\\-b')), 't'],
    [`'a/b' ~ 'a/b'`, () => b(R.textRegexEq('a/b', 'a/b')), 't'],
    [`'abc' ~ '***=a.c'`, () => b(R.textRegexEq('abc', '***=a.c')), 'f'],
    [`'a.c' ~ '***=a.c'`, () => b(R.textRegexEq('a.c', '***=a.c')), 't'],
    [`'ABC' ~ '(?i)b'`, () => b(R.textRegexEq('ABC', '(?i)b')), 't'],
    [`'abc' ~ 'a(?=b)'`, () => b(R.textRegexEq('abc', 'a(?=b)')), 't'],
    [`'abc' ~ '(?<=b)c'`, () => b(R.textRegexEq('abc', '(?<=b)c')), 't'],
    [`'abab' ~ '^(ab)\\1$'`, () => b(R.textRegexEq('abab', '^(ab)\\1$')), 't'],
    [`'aé' ~ '^a\\u00e9$'`, () => b(R.textRegexEq('aé', '^a\\u00e9$')), 't'],
    [`'a b' ~ 'a\\sb'`, () => b(R.textRegexEq('a b', 'a\\sb')), 't'],
    [
      `'ab' ~ 'a\\qb'`,
      () => b(R.textRegexEq('ab', 'a\\qb')),
      'ERROR 2201B: invalid regular expression: invalid escape \\ sequence',
    ],
    [`'Straße' ~* 'STRASSE'`, () => b(R.textICRegexEq('Straße', 'STRASSE')), 'f'],
  ]);
});

test('regexp functions', () => {
  check([
    [
      `regexp_replace('foobarbaz', 'b(..)', 'X\\1Y', 'g')`,
      () => R.regexpReplace('foobarbaz', 'b(..)', 'X\\1Y', 'g'),
      'fooXarYXazY',
    ],
    [`regexp_replace('abc', 'b', '[\\&]')`, () => R.regexpReplace('abc', 'b', '[\\&]'), 'a[b]c'],
    [`regexp_replace('aaa', 'a', 'b')`, () => R.regexpReplace('aaa', 'a', 'b'), 'baa'],
    [`regexp_replace('AaA', 'a', 'x', 'gi')`, () => R.regexpReplace('AaA', 'a', 'x', 'gi'), 'xxx'],
    [`regexp_replace('abc', 'b', '\\\\')`, () => R.regexpReplace('abc', 'b', '\\\\'), 'a\\c'],
    [`regexp_replace('x', 'x', 'a\\0b')`, () => R.regexpReplace('x', 'x', 'a\\0b'), 'a\\0b'],
    [`regexp_replace('x', 'x', 'a$&b')`, () => R.regexpReplace('x', 'x', 'a$&b'), 'a$&b'],
    [`regexp_replace('abc', '^', 'X')`, () => R.regexpReplace('abc', '^', 'X'), 'Xabc'],
    [`regexp_replace('abc', 'x*', '-', 'g')`, () => R.regexpReplace('abc', 'x*', '-', 'g'), '-a-b-c-'],
    [`regexp_replace('a😀b', '.', '-', 'g')`, () => R.regexpReplace('a😀b', '.', '-', 'g'), '---'],
    [`regexp_replace('abc', '(b)(x)?', '[\\2]')`, () => R.regexpReplace('abc', '(b)(x)?', '[\\2]'), 'a[]c'],
    [
      `regexp_replace('abc', 'b', 'x', 'z')`,
      () => R.regexpReplace('abc', 'b', 'x', 'z'),
      'ERROR 22023: invalid regular expression option: "z"',
    ],
    [`regexp_replace('abcabc', 'b', 'X', 1, 2)`, () => R.regexpReplaceAt('abcabc', 'b', 'X', 1, 2), 'abcaXc'],
    [`regexp_replace('abcabc', 'b', 'X', 3)`, () => R.regexpReplaceAt('abcabc', 'b', 'X', 3), 'abcaXc'],
    [`regexp_replace('abcabc', 'b', 'X', 1, 0)`, () => R.regexpReplaceAt('abcabc', 'b', 'X', 1, 0), 'aXcaXc'],
    [
      `regexp_replace('abcabc', 'B', 'X', 1, 0, 'i')`,
      () => R.regexpReplaceAt('abcabc', 'B', 'X', 1, 0, 'i'),
      'aXcaXc',
    ],
    [
      `regexp_replace('abc', 'b', 'X', 0)`,
      () => R.regexpReplaceAt('abc', 'b', 'X', 0),
      'ERROR 22023: invalid value for parameter "start": 0',
    ],
    [
      `regexp_match('foobarbequebaz', '(bar)(beque)')`,
      () => out(R.regexpMatch('foobarbequebaz', '(bar)(beque)'), ta),
      '{bar,beque}',
    ],
    [`regexp_match('foobar', 'ba.')`, () => out(R.regexpMatch('foobar', 'ba.'), ta), '{bar}'],
    [`regexp_match('abc', 'x')`, () => out(R.regexpMatch('abc', 'x'), ta), 'NULL'],
    [`regexp_match('ab', '(a)|(b)')`, () => out(R.regexpMatch('ab', '(a)|(b)'), ta), '{a,NULL}'],
    [`regexp_match('abc', '(?:a)(b)')`, () => out(R.regexpMatch('abc', '(?:a)(b)'), ta), '{b}'],
    [
      `regexp_match('abc', 'b', 'g')`,
      () => out(R.regexpMatch('abc', 'b', 'g'), ta),
      'ERROR 22023: regexp_match() does not support the "global" option',
    ],
    [`regexp_matches('abcb', 'b', 'g')`, () => rows(R.regexpMatches('abcb', 'b', 'g')), '{b}\n{b}'],
    [
      `regexp_matches('abc', 'x*', 'g')`,
      () => rows(R.regexpMatches('abc', 'x*', 'g')),
      '{""}\n{""}\n{""}\n{""}',
    ],
    [`regexp_matches('abc', '(a)(x)?')`, () => rows(R.regexpMatches('abc', '(a)(x)?')), '{a,NULL}'],
    [`regexp_matches('aXbX', '(.)x', 'gi')`, () => rows(R.regexpMatches('aXbX', '(.)x', 'gi')), '{a}\n{b}'],
    [
      `regexp_split_to_array('hello world  x', '\\s+')`,
      () => out(R.regexpSplitToArray('hello world  x', '\\s+'), ta),
      '{hello,world,x}',
    ],
    [`regexp_split_to_array('abc', '')`, () => out(R.regexpSplitToArray('abc', ''), ta), '{a,b,c}'],
    [`regexp_split_to_array('abc', 'x*')`, () => out(R.regexpSplitToArray('abc', 'x*'), ta), '{a,b,c}'],
    [`regexp_split_to_array('axxb', 'x*')`, () => out(R.regexpSplitToArray('axxb', 'x*'), ta), '{a,b}'],
    [`regexp_split_to_array('', 'x')`, () => out(R.regexpSplitToArray('', 'x'), ta), '{""}'],
    [`regexp_split_to_array(',a,', ',')`, () => out(R.regexpSplitToArray(',a,', ','), ta), '{"",a,""}'],
    [`regexp_split_to_array('a(b)c', '(b)')`, () => out(R.regexpSplitToArray('a(b)c', '(b)'), ta), '{a(,)c}'],
    [`substring('foobar' from 'o(b.)')`, () => out(R.regexSubstring('foobar', 'o(b.)'), T.text), 'ba'],
    [`substring('foobar' from 'o.b')`, () => out(R.regexSubstring('foobar', 'o.b'), T.text), 'oob'],
    [`substring('foobar' from 'x')`, () => out(R.regexSubstring('foobar', 'x'), T.text), 'NULL'],
    [`regexp_count('abcabc', 'b')`, () => i(R.regexpCount('abcabc', 'b')), '2'],
    [`regexp_count('abcabc', 'b', 3)`, () => i(R.regexpCount('abcabc', 'b', 3)), '1'],
    [`regexp_count('abc', 'x*')`, () => i(R.regexpCount('abc', 'x*')), '4'],
    [`regexp_like('abc', 'B', 'i')`, () => b(R.regexpLike('abc', 'B', 'i')), 't'],
    [`regexp_substr('abcabc', 'b.', 1, 2)`, () => out(R.regexpSubstr('abcabc', 'b.', 1, 2), T.text), 'bc'],
    [`regexp_substr('abcabc', 'x')`, () => out(R.regexpSubstr('abcabc', 'x'), T.text), 'NULL'],
    [
      `regexp_substr('a1b2', '([a-z])(\\d)', 1, 2, '', 2)`,
      () => out(R.regexpSubstr('a1b2', '([a-z])(\\d)', 1, 2, '', 2), T.text),
      '2',
    ],
    [`regexp_instr('abcabc', 'b', 1, 2)`, () => i(R.regexpInstr('abcabc', 'b', 1, 2)), '5'],
    [`regexp_instr('abcabc', 'bc', 1, 1, 1)`, () => i(R.regexpInstr('abcabc', 'bc', 1, 1, 1)), '4'],
    [
      `regexp_instr('😀abcabc', 'b(c)', 1, 2, 0, '', 1)`,
      () => i(R.regexpInstr('😀abcabc', 'b(c)', 1, 2, 0, '', 1)),
      '7',
    ],
    [`regexp_instr('abc', 'x')`, () => i(R.regexpInstr('abc', 'x')), '0'],
  ]);
});

test('LIKE agrees with a backtracking reference on random patterns', () => {
  let seed = 42;
  const rnd = (n: number): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed % n;
  };
  const pick = (alphabet: string[], max: number): string =>
    Array.from({ length: rnd(max + 1) }, () => alphabet[rnd(alphabet.length)]).join('');
  const reference = (s: string, p: string): boolean => {
    let src = '';
    for (let k = 0; k < p.length; k++) {
      const c = p[k]!;
      if (c === '\\') src += p[++k]!.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
      else if (c === '%') src += '.*';
      else if (c === '_') src += '.';
      else src += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    }
    return new RegExp(`^${src}$`, 'su').test(s);
  };
  for (let k = 0; k < 5000; k++) {
    const s = pick(['a', 'b', '😀', 'é'], 8);
    let p = pick(['a', 'b', '%', '_', '😀', '\\%', '\\_'], 6);
    if (p.endsWith('\\')) p = p.slice(0, -1);
    assert.equal(L.textLike(s, p), reference(s, p), `'${s}' LIKE '${p}'`);
  }
});
