/**
 * @module functions/catalog-string
 * Catalog entries for the text, bytea, pattern-matching and regex functions and operators, with
 * PostgreSQL 15's signatures. Functions over `"any"` bind to their argument types: each argument
 * is printed with its type's output function, as PostgreSQL's concat and format do.
 */
import { trimBpchar } from '../common/bpchar.ts';
import { arrayOf, type SqlType, T } from '../common/types.ts';
import type { Value } from '../common/value.ts';
import { arrayElements } from './array-dims.ts';
import * as A from './array-ops.ts';
import * as B from './bytea.ts';
import { type CatalogBuilder, P, type ScalarImpl, withDefaults } from './catalog-types.ts';
import * as L from './like.ts';
import * as R from './regex.ts';
import * as S from './string.ts';
import * as SF from './string-format.ts';
import { formatText } from './text-io.ts';

const { text, int4, bool, bytea } = T;
const textArray = arrayOf(text);

type Printer = (v: Value) => string | null;

/** The text form of a value of `type` (its output function), null staying null. */
export function printerFor(type: SqlType): Printer {
  if (type.id === 'text' || type.id === 'varchar' || type.id === 'bpchar' || type.id === 'unknown') {
    return (v) => v as string | null;
  }
  return (v) => (v === null ? null : formatText(v, type));
}

/**
 * What `||` appends: the value cast to text. Unlike the output function (concat, format), the cast
 * from char(n) drops the padding.
 */
function textCastFor(type: SqlType): Printer {
  return type.id === 'bpchar' ? (v) => (v === null ? null : trimBpchar(v as string)) : printerFor(type);
}

/** An impl whose arguments are first printed as text, each with its own type's output function. */
function printingArgs(f: (...args: (string | null)[]) => Value): (types: readonly SqlType[]) => ScalarImpl {
  return (types) => {
    if (types.every((t) => t.id === 'text' || t.id === 'varchar' || t.id === 'unknown')) {
      return f as ScalarImpl;
    }
    const printers = types.map(printerFor);
    return (...args) => f(...args.map((a, i) => printers[i]!(a)));
  };
}

function lengthFunctions(c: CatalogBuilder): void {
  c.strict(['length', 'char_length', 'character_length'], [text], int4, S.textLength);
  c.strict('length', [bytea], int4, B.byteaLength);
  c.strict('octet_length', [text], int4, S.octetLength).strict('octet_length', [bytea], int4, B.byteaLength);
  c.strict('bit_length', [text], int4, S.bitLength).strict('bit_length', [bytea], int4, B.byteaBitLength);
  // octet_length of char(n) counts the padding (length, char_length and bit_length do not).
  c.strict('octet_length', [T.bpchar], int4, S.octetLength);
}

function textFunctions(c: CatalogBuilder): void {
  c.strict('lower', [text], text, S.lower)
    .strict('upper', [text], text, S.upper)
    .strict('initcap', [text], text, S.initcap);
  c.strict(['substr', 'substring'], [text, int4], text, (s: string, a: number) => S.substr(s, a));
  c.strict(['substr', 'substring'], [text, int4, int4], text, (s: string, a: number, n: number) =>
    S.substr(s, a, n),
  );
  c.strict('substring', [text, text], text, R.regexSubstring);
  c.strict('substring', [text, text, text], text, (s: string, p: string, e: string) =>
    R.regexSubstring(s, L.similarToEscape(p, e)),
  );
  c.strict(['strpos', 'position'], [text, text], int4, S.strpos);
  c.strict('overlay', [text, text, int4], text, (s: string, r: string, a: number) => S.overlay(s, r, a));
  c.strict('overlay', [text, text, int4, int4], text, (s: string, r: string, a: number, n: number) =>
    S.overlay(s, r, a, n),
  );
  c.strict('replace', [text, text, text], text, S.replace).strict(
    'translate',
    [text, text, text],
    text,
    S.translate,
  );
  for (const [name, f] of [
    ['btrim', S.btrim],
    ['ltrim', S.ltrim],
    ['rtrim', S.rtrim],
  ] as const) {
    c.strict(name, [text], text, (s: string) => f(s));
    c.strict(name, [text, text], text, (s: string, chars: string) => f(s, chars));
  }
  c.strict('btrim', [bytea, bytea], bytea, (b: Uint8Array, set: Uint8Array) => B.byteaTrim(b, set));
  c.strict('ltrim', [bytea, bytea], bytea, (b: Uint8Array, set: Uint8Array) =>
    B.byteaTrim(b, set, true, false),
  );
  c.strict('rtrim', [bytea, bytea], bytea, (b: Uint8Array, set: Uint8Array) =>
    B.byteaTrim(b, set, false, true),
  );
  for (const [name, f] of [
    ['lpad', S.lpad],
    ['rpad', S.rpad],
  ] as const) {
    c.strict(name, [text, int4], text, (s: string, n: number) => f(s, n));
    c.strict(name, [text, int4, text], text, (s: string, n: number, fill: string) => f(s, n, fill));
  }
  c.strict('left', [text, int4], text, S.left).strict('right', [text, int4], text, S.right);
  c.strict('repeat', [text, int4], text, S.repeat).strict('reverse', [text], text, S.reverse);
  c.strict('split_part', [text, text, int4], text, S.splitPart);
  c.strict('starts_with', [text, text], bool, S.startsWith);
  c.strict('textcat', [text, text], text, S.textcat);
  c.strict('md5', [text], text, S.md5Text).strict('md5', [bytea], text, B.md5Bytea);
  c.strict('ascii', [text], int4, S.ascii).strict('chr', [int4], text, S.chr);
}

function formatFunctions(c: CatalogBuilder): void {
  c.fn('concat', {
    args: [],
    variadic: P.any,
    returns: text,
    strict: false,
    impl: SF.concat,
    bind: printingArgs(SF.concat),
  });
  c.fn('concat_ws', {
    args: [text],
    variadic: P.any,
    returns: text,
    strict: false,
    impl: SF.concatWs,
    bind: printingArgs(SF.concatWs),
  });
  c.fn('format', { args: [text], returns: text, strict: false, impl: (f: string | null) => SF.format(f) });
  c.fn('format', {
    args: [text],
    variadic: P.any,
    returns: text,
    strict: false,
    impl: SF.format,
    bind: printingArgs(SF.format),
  });
  c.strict('quote_ident', [text], text, SF.quoteIdent);
  c.strict('quote_literal', [text], text, SF.quoteLiteral);
  c.fn('quote_literal', {
    args: [P.anyelement],
    returns: text,
    strict: true,
    impl: SF.quoteLiteral,
    bind: printingArgs((s) => SF.quoteLiteral(s!)),
  });
  c.fn('quote_nullable', { args: [text], returns: text, strict: false, impl: SF.quoteNullable });
  c.fn('quote_nullable', {
    args: [P.anyelement],
    returns: text,
    strict: false,
    impl: SF.quoteNullable,
    bind: printingArgs(SF.quoteNullable),
  });
  c.fn('string_to_array', {
    args: [text, text],
    returns: textArray,
    strict: false,
    impl: withDefaults(SF.stringToArray),
  });
  c.fn('string_to_array', {
    args: [text, text, text],
    returns: textArray,
    strict: false,
    impl: withDefaults(SF.stringToArray),
  });
  c.fn('string_to_table', {
    args: [text, text],
    returns: text,
    strict: false,
    returnsSet: true,
    impl: (s: string | null, d: string | null) => SF.stringToArray(s, d) ?? [],
  });
  c.fn('string_to_table', {
    args: [text, text, text],
    returns: text,
    strict: false,
    returnsSet: true,
    impl: (s: string | null, d: string | null, n: string | null) => SF.stringToArray(s, d, n) ?? [],
  });
  const arrayToString = (
    items: (string | null)[] | null,
    d: string | null,
    n: string | null = null,
  ): string | null => (items === null || d === null ? null : SF.arrayToString(items, d, n));
  const bindArrayToString = (types: readonly SqlType[]): ScalarImpl => {
    const array = types[0]!;
    const element = array.id === 'array' ? array.element : array;
    const print = element.id === 'text' || element.id === 'varchar' ? null : printerFor(element);
    // A multidimensional array joins all its elements, row after row, as PostgreSQL does.
    return (items, d, n) =>
      arrayToString(
        items === null
          ? null
          : ((print === null
              ? arrayElements(items as Value[])
              : arrayElements(items as Value[]).map(print)) as (string | null)[]),
        d as string | null,
        n as string | null,
      );
  };
  c.fn('array_to_string', {
    args: [P.anyarray, text],
    returns: text,
    strict: true,
    impl: withDefaults(arrayToString),
    bind: bindArrayToString,
  });
  c.fn('array_to_string', {
    args: [P.anyarray, text, text],
    returns: text,
    strict: false,
    impl: withDefaults(arrayToString),
    bind: bindArrayToString,
  });
}

function byteaFunctions(c: CatalogBuilder): void {
  c.strict(['substr', 'substring'], [bytea, int4], bytea, (b: Uint8Array, a: number) => B.byteaSubstr(b, a));
  c.strict(['substr', 'substring'], [bytea, int4, int4], bytea, (b: Uint8Array, a: number, n: number) =>
    B.byteaSubstr(b, a, n),
  );
  c.strict('position', [bytea, bytea], int4, B.byteaPosition);
  c.strict('overlay', [bytea, bytea, int4], bytea, (b: Uint8Array, r: Uint8Array, a: number) =>
    B.byteaOverlay(b, r, a),
  );
  c.strict(
    'overlay',
    [bytea, bytea, int4, int4],
    bytea,
    (b: Uint8Array, r: Uint8Array, a: number, n: number) => B.byteaOverlay(b, r, a, n),
  );
  c.strict('width_bucket', [P.anycompatible, P.anycompatiblearray], int4, A.widthBucketArray);
  c.strict('get_byte', [bytea, int4], int4, B.getByte);
  for (const alg of ['sha224', 'sha256', 'sha384', 'sha512'] as const)
    c.strict(alg, [bytea], bytea, B.sha(alg));
  c.strict('encode', [bytea, text], text, B.encode).strict('decode', [text, text], bytea, B.decode);
}

function regexFunctions(c: CatalogBuilder): void {
  c.strict('regexp_replace', [text, text, text], text, (s: string, p: string, r: string) =>
    R.regexpReplace(s, p, r),
  );
  c.strict('regexp_replace', [text, text, text, text], text, withDefaults(R.regexpReplace));
  c.strict(
    'regexp_replace',
    [text, text, text, int4],
    text,
    (s: string, p: string, r: string, start: number) => R.regexpReplaceAt(s, p, r, start),
  );
  c.strict(
    'regexp_replace',
    [text, text, text, int4, int4],
    text,
    (s: string, p: string, r: string, a: number, n: number) => R.regexpReplaceAt(s, p, r, a, n),
  );
  c.strict('regexp_replace', [text, text, text, int4, int4, text], text, withDefaults(R.regexpReplaceAt));
  c.strict('regexp_match', [text, text], textArray, (s: string, p: string) => R.regexpMatch(s, p));
  c.strict('regexp_match', [text, text, text], textArray, withDefaults(R.regexpMatch));
  for (const args of [
    [text, text],
    [text, text, text],
  ]) {
    c.fn('regexp_matches', {
      args,
      returns: textArray,
      strict: true,
      returnsSet: true,
      impl: withDefaults(R.regexpMatches),
    });
    c.strict('regexp_split_to_array', args, textArray, withDefaults(R.regexpSplitToArray));
    c.fn('regexp_split_to_table', {
      args,
      returns: text,
      strict: true,
      returnsSet: true,
      impl: withDefaults(R.regexpSplitToTable),
    });
    c.strict('regexp_like', args, bool, withDefaults(R.regexpLike));
  }
  const counts = [
    [text, text],
    [text, text, int4],
    [text, text, int4, text],
  ];
  for (const args of counts) c.strict('regexp_count', args, int4, withDefaults(R.regexpCount));
  for (let n = 2; n <= 7; n++) {
    c.strict(
      'regexp_instr',
      [text, text, int4, int4, int4, text, int4].slice(0, n),
      int4,
      withDefaults(R.regexpInstr),
    );
  }
  for (let n = 2; n <= 6; n++) {
    c.strict(
      'regexp_substr',
      [text, text, int4, int4, text, int4].slice(0, n),
      text,
      withDefaults(R.regexpSubstr),
    );
  }
  c.strict('like_escape', [text, text], text, L.likeEscape);
  c.strict('like_escape', [bytea, bytea], bytea, L.byteaLikeEscape);
  c.strict('similar_to_escape', [text], text, (p: string) => L.similarToEscape(p));
  c.strict('similar_to_escape', [text, text], text, withDefaults(L.similarToEscape));
}

function stringOperators(c: CatalogBuilder): void {
  c.op('||', text, text, text, S.textcat).op('||', bytea, bytea, bytea, B.byteacat);
  const textAny = (a: string, b: string): string => a + b;
  c.opDef('||', {
    left: text,
    right: P.anynonarray,
    returns: text,
    impl: textAny,
    bind: (types) => {
      const print = textCastFor(types[1]!);
      return (a, b) => (a as string) + print(b);
    },
  });
  c.opDef('||', {
    left: P.anynonarray,
    right: text,
    returns: text,
    impl: textAny,
    bind: (types) => {
      const print = textCastFor(types[0]!);
      return (a, b) => print(a) + (b as string);
    },
  });
  c.opDef('||', {
    left: P.anycompatiblearray,
    right: P.anycompatiblearray,
    returns: P.anycompatiblearray,
    strict: false,
    impl: A.arrayCat,
  });
  c.opDef('||', {
    left: P.anycompatiblearray,
    right: P.anycompatible,
    returns: P.anycompatiblearray,
    strict: false,
    impl: A.arrayAppend,
  });
  c.opDef('||', {
    left: P.anycompatible,
    right: P.anycompatiblearray,
    returns: P.anycompatiblearray,
    strict: false,
    impl: A.arrayPrepend,
  });
  c.op('~~', text, text, bool, L.textLike).op('!~~', text, text, bool, L.textNotLike);
  c.op('~~*', text, text, bool, L.textILike).op('!~~*', text, text, bool, L.textNotILike);
  c.op('~~', bytea, bytea, bool, L.byteaLike).op('!~~', bytea, bytea, bool, L.byteaNotLike);
  c.op('~', text, text, bool, R.textRegexEq).op('!~', text, text, bool, R.textRegexNe);
  c.op('~*', text, text, bool, R.textICRegexEq).op('!~*', text, text, bool, R.textICRegexNe);
  c.op('^@', text, text, bool, S.startsWith);
  // Under the C collation Eddy uses, the pattern comparisons are the plain ones.
  c.op('~<~', text, text, bool, (a: string, b: string) => a < b).op(
    '~<=~',
    text,
    text,
    bool,
    (a: string, b: string) => a <= b,
  );
  c.op('~>~', text, text, bool, (a: string, b: string) => a > b).op(
    '~>=~',
    text,
    text,
    bool,
    (a: string, b: string) => a >= b,
  );
  c.op('@>', P.anyarray, P.anyarray, bool, A.arrayContains).op(
    '<@',
    P.anyarray,
    P.anyarray,
    bool,
    A.arrayContained,
  );
  c.op('&&', P.anyarray, P.anyarray, bool, A.arrayOverlap);
}

export function addStringCatalog(c: CatalogBuilder): void {
  lengthFunctions(c);
  textFunctions(c);
  formatFunctions(c);
  byteaFunctions(c);
  regexFunctions(c);
  stringOperators(c);
}
