/**
 * Text functions (src/functions/string.ts, string-format.ts) against PostgreSQL 15 (UTF-8): each row
 * is the SQL run on a real server, the same computation here, and the server's answer.
 */

import { test } from 'node:test';
import { arrayOf, T } from '../../src/common/types.ts';
import * as B from '../../src/functions/bytea.ts';
import * as S from '../../src/functions/string.ts';
import * as SF from '../../src/functions/string-format.ts';
import { byteaIn } from '../../src/functions/text-io.ts';
import { check, out } from './functions-check.ts';

const { int4, text, bytea } = T;
const i = (v: number): string => out(v, int4);
const bx = (hex: string): Uint8Array => byteaIn(hex);

test('lengths count characters', () => {
  check([
    [`length('héllo😀')`, () => i(S.textLength('héllo😀')), '6'],
    [`octet_length('héllo😀')`, () => i(S.octetLength('héllo😀')), '10'],
    [`bit_length('héllo😀')`, () => i(S.bitLength('héllo😀')), '80'],
    [`char_length('')`, () => i(S.textLength('')), '0'],
    [`length('\\x010203'::bytea)`, () => i(B.byteaLength(bx('\\x010203'))), '3'],
  ]);
});

test('case mapping', () => {
  check([
    [`lower('ÀBC Déf')`, () => S.lower('ÀBC Déf'), 'àbc déf'],
    [`upper('àbc déf')`, () => S.upper('àbc déf'), 'ÀBC DÉF'],
    [
      `initcap('hello WORLD-foo bar_baz 3rd éCOLE')`,
      () => S.initcap('hello WORLD-foo bar_baz 3rd éCOLE'),
      'Hello World-Foo Bar_Baz 3rd École',
    ],
    [`initcap('o''neil mc-DONALD')`, () => S.initcap("o'neil mc-DONALD"), "O'Neil Mc-Donald"],
  ]);
});

test('substr, overlay, position', () => {
  check([
    [`substr('hello', 0, 2)`, () => S.substr('hello', 0, 2), 'h'],
    [`substr('hello', -1, 3)`, () => S.substr('hello', -1, 3), 'h'],
    [`substr('hello', 2)`, () => S.substr('hello', 2), 'ello'],
    [`substr('hello', 10)`, () => S.substr('hello', 10), ''],
    [
      `substr('hello', 2, -1)`,
      () => S.substr('hello', 2, -1),
      'ERROR 22011: negative substring length not allowed',
    ],
    [`substr('hello', -5)`, () => S.substr('hello', -5), 'hello'],
    [`substr('hello', 2147483647, 10)`, () => S.substr('hello', 2147483647, 10), ''],
    [`substr('hello', 1, 2147483647)`, () => S.substr('hello', 1, 2147483647), 'hello'],
    [`substr('a😀b😀c', 2, 3)`, () => S.substr('a😀b😀c', 2, 3), '😀b😀'],
    [`overlay('Txxxxas' placing 'hom' from 2 for 4)`, () => S.overlay('Txxxxas', 'hom', 2, 4), 'Thomas'],
    [
      `overlay('hello' placing 'X' from 0)`,
      () => S.overlay('hello', 'X', 0),
      'ERROR 22011: negative substring length not allowed',
    ],
    [`overlay('hello' placing 'X' from 10)`, () => S.overlay('hello', 'X', 10), 'helloX'],
    [`overlay('hello' placing 'XY' from 2)`, () => S.overlay('hello', 'XY', 2), 'hXYlo'],
    [`overlay('hello' placing 'X' from 2 for -1)`, () => S.overlay('hello', 'X', 2, -1), 'hXhello'],
    [`position('' in 'abc')`, () => i(S.strpos('abc', '')), '1'],
    [`strpos('abc', 'c')`, () => i(S.strpos('abc', 'c')), '3'],
    [`strpos('😀a😀b', 'b')`, () => i(S.strpos('😀a😀b', 'b')), '4'],
    [`strpos('abc', 'x')`, () => i(S.strpos('abc', 'x')), '0'],
    [`substr('\\x010203'::bytea, 0, 2)`, () => out(B.byteaSubstr(bx('\\x010203'), 0, 2), bytea), '\\x01'],
    [
      `position('\\x03'::bytea in '\\x010203'::bytea)`,
      () => i(B.byteaPosition(bx('\\x010203'), bx('\\x03'))),
      '3',
    ],
  ]);
});

test('replace, translate, trim, pad', () => {
  check([
    [`replace('abcabc', '', 'x')`, () => S.replace('abcabc', '', 'x'), 'abcabc'],
    [`replace('abcabc', 'b', '$&')`, () => S.replace('abcabc', 'b', '$&'), 'a$&ca$&c'],
    [`translate('12345', '143', 'ax')`, () => S.translate('12345', '143', 'ax'), 'a2x5'],
    [`translate('aaa', 'aa', 'xy')`, () => S.translate('aaa', 'aa', 'xy'), 'xxx'],
    [`translate('a😀b', '😀', 'X')`, () => S.translate('a😀b', '😀', 'X'), 'aXb'],
    [`btrim('xyxtrimyyx', 'xy')`, () => S.btrim('xyxtrimyyx', 'xy'), 'trim'],
    [`ltrim('  a  ') || '|'`, () => S.ltrim('  a  ') + '|', 'a  |'],
    [`rtrim('  a  ') || '|'`, () => S.rtrim('  a  ') + '|', '  a|'],
    [`btrim(E' \\t a \\t ') || '|'`, () => S.btrim(' \t a \t ') + '|', '\t a \t|'],
    [`btrim('😀a😀', '😀')`, () => S.btrim('😀a😀', '😀'), 'a'],
    [`btrim('aaa', 'a')`, () => S.btrim('aaa', 'a'), ''],
    [`lpad('hi', 5, 'xy')`, () => S.lpad('hi', 5, 'xy'), 'xyxhi'],
    [`lpad('hello', 2)`, () => S.lpad('hello', 2), 'he'],
    [`lpad('hi', 5, '')`, () => S.lpad('hi', 5, ''), 'hi'],
    [`rpad('hi', 5, 'xy')`, () => S.rpad('hi', 5, 'xy'), 'hixyx'],
    [`lpad('hi', -1)`, () => S.lpad('hi', -1), ''],
    [`rpad('é', 3, '😀')`, () => S.rpad('é', 3, '😀'), 'é😀😀'],
    [
      `btrim('\\x0001020100'::bytea, '\\x00'::bytea)`,
      () => out(B.byteaTrim(bx('\\x0001020100'), bx('\\x00')), bytea),
      '\\x010201',
    ],
  ]);
});

test('left, right, repeat, reverse, split_part', () => {
  check([
    [`left('abcde', 2)`, () => S.left('abcde', 2), 'ab'],
    [`left('abcde', -2)`, () => S.left('abcde', -2), 'abc'],
    [`left('abc', -10)`, () => S.left('abc', -10), ''],
    [`right('abcde', 2)`, () => S.right('abcde', 2), 'de'],
    [`right('abcde', -2)`, () => S.right('abcde', -2), 'cde'],
    [`right('abc', 10)`, () => S.right('abc', 10), 'abc'],
    [`right('a😀b', 2)`, () => S.right('a😀b', 2), '😀b'],
    [`repeat('ab', 3)`, () => S.repeat('ab', 3), 'ababab'],
    [`repeat('ab', -1)`, () => S.repeat('ab', -1), ''],
    [`repeat('ab', 1000000000)`, () => S.repeat('ab', 1000000000), 'ERROR 54000: requested length too large'],
    [`reverse('a😀bc')`, () => S.reverse('a😀bc'), 'cb😀a'],
    [`split_part('a,b,c', ',', 2)`, () => S.splitPart('a,b,c', ',', 2), 'b'],
    [`split_part('a,b,c', ',', -1)`, () => S.splitPart('a,b,c', ',', -1), 'c'],
    [`split_part('a,b,c', ',', -4)`, () => S.splitPart('a,b,c', ',', -4), ''],
    [
      `split_part('a,b,c', ',', 0)`,
      () => S.splitPart('a,b,c', ',', 0),
      'ERROR 22023: field position must not be zero',
    ],
    [`split_part('a,b,c', ',', 5)`, () => S.splitPart('a,b,c', ',', 5), ''],
    [`split_part('abc', '', 1)`, () => S.splitPart('abc', '', 1), 'abc'],
    [`split_part('abc', '', 2)`, () => S.splitPart('abc', '', 2), ''],
    [`split_part('', 'x', 1)`, () => S.splitPart('', 'x', 1), ''],
    [`split_part('a::b::c', '::', 3)`, () => S.splitPart('a::b::c', '::', 3), 'c'],
  ]);
});

test('md5, ascii, chr, starts_with, encode, decode', () => {
  check([
    [`md5('abc')`, () => S.md5Text('abc'), '900150983cd24fb0d6963f7d28e17f72'],
    [`md5('é')`, () => S.md5Text('é'), '66ddcd97cfdeabb2f6fb8a999b4bc76f'],
    [`md5('\\x01'::bytea)`, () => B.md5Bytea(bx('\\x01')), '55a54008ad1ba589aa210d2629c1df41'],
    [
      `sha256('abc'::bytea)`,
      () => out(B.sha('sha256')(new TextEncoder().encode('abc')), bytea),
      '\\xba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    ],
    [`ascii('é')`, () => i(S.ascii('é')), '233'],
    [`ascii('')`, () => i(S.ascii('')), '0'],
    [`chr(233)`, () => S.chr(233), 'é'],
    [`chr(0)`, () => S.chr(0), 'ERROR 54000: null character not permitted'],
    [`chr(-1)`, () => S.chr(-1), 'ERROR 22023: character number must be positive'],
    [
      `chr(1114112)`,
      () => S.chr(1114112),
      'ERROR 54000: requested character too large for encoding: 1114112',
    ],
    [`chr(55296)`, () => S.chr(55296), 'ERROR 54000: requested character not valid for encoding: 55296'],
    [`starts_with('abc', 'ab')`, () => out(S.startsWith('abc', 'ab'), T.bool), 't'],
    [`encode('\\x00015c41ff'::bytea, 'hex')`, () => B.encode(bx('\\x00015c41ff'), 'hex'), '00015c41ff'],
    [`encode('\\x00015c41ff'::bytea, 'base64')`, () => B.encode(bx('\\x00015c41ff'), 'base64'), 'AAFcQf8='],
    [
      `encode('\\x00415c41ff'::bytea, 'escape')`,
      () => B.encode(bx('\\x00415c41ff'), 'escape'),
      '\\000A\\\\A\\377',
    ],
    [
      `encode(decode(repeat('ab', 60), 'hex'), 'base64')`,
      () => B.encode(B.decode('ab'.repeat(60), 'hex'), 'base64'),
      'q6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6ur\nq6ur',
    ],
    [
      `encode('\\x00'::bytea, 'foo')`,
      () => B.encode(bx('\\x00'), 'foo'),
      'ERROR 22023: unrecognized encoding: "foo"',
    ],
    [`decode('AAFcQf8=', 'base64')`, () => out(B.decode('AAFcQf8=', 'base64'), bytea), '\\x00015c41ff'],
    [
      `decode(E' AA Fc\\nQf8=', 'base64')`,
      () => out(B.decode(' AA Fc\nQf8=', 'base64'), bytea),
      '\\x00015c41ff',
    ],
    [
      `decode('AAF', 'base64')`,
      () => out(B.decode('AAF', 'base64'), bytea),
      'ERROR 22023: invalid base64 end sequence',
    ],
    [
      `decode('A*AF', 'base64')`,
      () => out(B.decode('A*AF', 'base64'), bytea),
      'ERROR 22023: invalid symbol "*" found while decoding base64 sequence',
    ],
    [
      `decode('0', 'hex')`,
      () => out(B.decode('0', 'hex'), bytea),
      'ERROR 22023: invalid hexadecimal data: odd number of digits',
    ],
    [`decode('a\\000b\\\\', 'escape')`, () => out(B.decode('a\\000b\\\\', 'escape'), bytea), '\\x6100625c'],
    [`get_byte('\\x0102'::bytea, 1)`, () => i(B.getByte(bx('\\x0102'), 1)), '2'],
    [
      `get_byte('\\x0102'::bytea, 2)`,
      () => i(B.getByte(bx('\\x0102'), 2)),
      'ERROR 2202E: index 2 out of valid range, 0..1',
    ],
  ]);
});

test('format, quoting, concat', () => {
  check([
    [
      `format('%s|%I|%L', 'a b', 'Foo', 'it''s')`,
      () => SF.format('%s|%I|%L', 'a b', 'Foo', "it's")!,
      "a b|\"Foo\"|'it''s'",
    ],
    [`format('%L', NULL)`, () => SF.format('%L', null)!, 'NULL'],
    [`format('%s', NULL) || '|'`, () => SF.format('%s', null) + '|', '|'],
    [
      `format('%I', NULL)`,
      () => SF.format('%I', null)!,
      'ERROR 22004: null values cannot be formatted as an SQL identifier',
    ],
    [`format('%2$s %1$s', 'a', 'b')`, () => SF.format('%2$s %1$s', 'a', 'b')!, 'b a'],
    [`format('%-5s|%5s|', 'ab', 'cd')`, () => SF.format('%-5s|%5s|', 'ab', 'cd')!, 'ab   |   cd|'],
    [`format('%*s|', 6, 'x')`, () => SF.format('%*s|', '6', 'x')!, '     x|'],
    [`format('%*s|', -6, 'x')`, () => SF.format('%*s|', '-6', 'x')!, 'x     |'],
    [`format('%*s|', NULL, 'a')`, () => SF.format('%*s|', null, 'a')!, 'a|'],
    [`format('%1$*2$s|', 'a', 4)`, () => SF.format('%1$*2$s|', 'a', '4')!, '   a|'],
    [
      `format('%*2$s|', 'a', 3)`,
      () => SF.format('%*2$s|', 'a', '3')!,
      'ERROR 22023: too few arguments for format()',
    ],
    [`format('%3$*1$s|', 5, 'x', 'y')`, () => SF.format('%3$*1$s|', '5', 'x', 'y')!, '    y|'],
    [`format('%5s|%-5s|', 'é', 'é')`, () => SF.format('%5s|%-5s|', 'é', 'é')!, '    é|é    |'],
    [`format('%s %s', 'a')`, () => SF.format('%s %s', 'a')!, 'ERROR 22023: too few arguments for format()'],
    [`format('%x', 1)`, () => SF.format('%x', '1')!, 'ERROR 22023: unrecognized format() type specifier "x"'],
    [`format('%', 1)`, () => SF.format('%', '1')!, 'ERROR 22023: unterminated format() type specifier'],
    [`format('%-', 1)`, () => SF.format('%-', '1')!, 'ERROR 22023: unterminated format() type specifier'],
    [`format('%1$', 1)`, () => SF.format('%1$', '1')!, 'ERROR 22023: unterminated format() type specifier'],
    [
      `format('%*1s', 1)`,
      () => SF.format('%*1s', '1')!,
      'ERROR 22023: width argument position must be ended by "$"',
    ],
    [
      `format('%0$s', 'x')`,
      () => SF.format('%0$s', 'x')!,
      'ERROR 22023: format specifies argument 0, but arguments are numbered from 1',
    ],
    [`format('100%%')`, () => SF.format('100%%')!, '100%'],
    [`format('%s %s %1$s %s', 'a', 'b', 'c')`, () => SF.format('%s %s %1$s %s', 'a', 'b', 'c')!, 'a b a b'],
    [`format('%L', E'a\\\\b')`, () => SF.format('%L', 'a\\b')!, "E'a\\\\b'"],
    [`format(NULL) IS NULL`, () => String(SF.format(null) === null).charAt(0), 't'],
    [`quote_ident('abc')`, () => SF.quoteIdent('abc'), 'abc'],
    [`quote_ident('Abc')`, () => SF.quoteIdent('Abc'), '"Abc"'],
    [`quote_ident('select')`, () => SF.quoteIdent('select'), '"select"'],
    [`quote_ident('name')`, () => SF.quoteIdent('name'), 'name'],
    [`quote_ident('a"b')`, () => SF.quoteIdent('a"b'), '"a""b"'],
    [`quote_ident('_a1')`, () => SF.quoteIdent('_a1'), '_a1'],
    [`quote_ident('1a')`, () => SF.quoteIdent('1a'), '"1a"'],
    [`quote_ident('')`, () => SF.quoteIdent(''), '""'],
    [`quote_ident('é')`, () => SF.quoteIdent('é'), '"é"'],
    [`quote_ident('a$')`, () => SF.quoteIdent('a$'), '"a$"'],
    [`quote_literal('it''s')`, () => SF.quoteLiteral("it's"), "'it''s'"],
    [`quote_literal(E'a\\\\b''c')`, () => SF.quoteLiteral("a\\b'c"), "E'a\\\\b''c'"],
    [`quote_nullable(NULL)`, () => SF.quoteNullable(null), 'NULL'],
    [`concat('a', NULL, 'b')`, () => SF.concat('a', null, 'b'), 'ab'],
    [`concat_ws(',', 'a', NULL, 'b')`, () => SF.concatWs(',', 'a', null, 'b')!, 'a,b'],
    [`concat_ws(NULL, 'a') IS NULL`, () => String(SF.concatWs(null, 'a') === null).charAt(0), 't'],
  ]);
});

test('text arrays', () => {
  const ta = arrayOf(text);
  check([
    [`string_to_array('a,b,,c', ',')`, () => out(SF.stringToArray('a,b,,c', ','), ta), '{a,b,"",c}'],
    [`string_to_array('abc', NULL)`, () => out(SF.stringToArray('abc', null), ta), '{a,b,c}'],
    [`string_to_array('', ',')`, () => out(SF.stringToArray('', ','), ta), '{}'],
    [`string_to_array('abc', '')`, () => out(SF.stringToArray('abc', ''), ta), '{abc}'],
    [`string_to_array('a,*,b', ',', '*')`, () => out(SF.stringToArray('a,*,b', ',', '*'), ta), '{a,NULL,b}'],
    [`string_to_array(NULL, ',')`, () => out(SF.stringToArray(null, ','), ta), 'NULL'],
    [`array_to_string(array['a', null, 'b'], ',')`, () => SF.arrayToString(['a', null, 'b'], ','), 'a,b'],
    [
      `array_to_string(array['a', null, 'b'], ',', '*')`,
      () => SF.arrayToString(['a', null, 'b'], ',', '*'),
      'a,*,b',
    ],
  ]);
});
