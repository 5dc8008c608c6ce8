/**
 * @module functions/catalog-jsonb
 * Catalog entries for the jsonb operators and functions, with PostgreSQL 15's signatures (jsonpath
 * excepted). Functions over `"any"` / anyelement bind to their argument types and the session's
 * TimeZone (timestamptz values print in it), as PostgreSQL's to_jsonb does.
 */
import { InternalError } from '../common/errors.ts';
import type { Jsonb } from '../common/jsonb.ts';
import { jsonbBuildArray, jsonbBuildObject } from '../common/jsonb-build.ts';
import { toJsonb } from '../common/jsonb-convert.ts';
import * as JF from '../common/jsonb-functions.ts';
import * as J from '../common/jsonb-ops.ts';
import { jsonbDeletePath, jsonbInsert, jsonbSet } from '../common/jsonb-path.ts';
import { arrayOf, type SqlType, T } from '../common/types.ts';
import type { Value } from '../common/value.ts';
import { type ArgType, type CatalogBuilder, P, type ScalarImpl, withDefaults } from './catalog-types.ts';

const { int4, text, bool, jsonb } = T;
const textArray = arrayOf(text);

/** One OUT column of a function returning `setof record`. */
export interface OutColumn {
  readonly name: string;
  readonly type: SqlType;
}

/**
 * A set-returning function with OUT columns (PostgreSQL's `setof record`, e.g. jsonb_each): each
 * row `impl` returns is a tuple with one value per column. Kept apart from `ScalarFunctionDef`,
 * whose rows are single values.
 */
export interface RecordSetFunctionDef {
  readonly args: readonly ArgType[];
  readonly columns: readonly OutColumn[];
  readonly strict: boolean;
  impl(...args: Value[]): Value[][];
}

/**
 * common/jsonb takes a text[] argument as a readonly array, which the catalog's `Value` (plain
 * arrays) does not accept: this narrows the parameter at registration time, at no per-call cost.
 */
function textArrayArg<R>(f: (j: Jsonb, a: J.TextArray) => R): (j: Jsonb, a: (string | null)[]) => R {
  return f;
}

function jsonbOperators(c: CatalogBuilder): void {
  c.op('->', jsonb, int4, jsonb, J.jsonbElement).op('->', jsonb, text, jsonb, J.jsonbField);
  c.op('->>', jsonb, int4, text, J.jsonbElementText).op('->>', jsonb, text, text, J.jsonbFieldText);
  c.op('#>', jsonb, textArray, jsonb, textArrayArg(J.jsonbPath)).op(
    '#>>',
    jsonb,
    textArray,
    text,
    textArrayArg(J.jsonbPathText),
  );
  c.op('?', jsonb, text, bool, J.jsonbExists);
  c.op('?|', jsonb, textArray, bool, textArrayArg(J.jsonbExistsAny)).op(
    '?&',
    jsonb,
    textArray,
    bool,
    textArrayArg(J.jsonbExistsAll),
  );
  c.op('@>', jsonb, jsonb, bool, J.jsonbContains).op('<@', jsonb, jsonb, bool, J.jsonbContainedBy);
  c.op('||', jsonb, jsonb, jsonb, J.jsonbConcat);
  c.op('-', jsonb, text, jsonb, J.jsonbDeleteKey)
    .op('-', jsonb, int4, jsonb, J.jsonbDeleteIndex)
    .op('-', jsonb, textArray, jsonb, textArrayArg(J.jsonbDeleteKeys));
  c.op('#-', jsonb, textArray, jsonb, textArrayArg(jsonbDeletePath));
}

function jsonbFunctions(c: CatalogBuilder): void {
  c.strict('jsonb_typeof', [jsonb], text, JF.jsonbTypeof);
  c.strict('jsonb_array_length', [jsonb], int4, JF.jsonbArrayLength);
  c.strict('jsonb_strip_nulls', [jsonb], jsonb, JF.jsonbStripNulls);
  c.strict('jsonb_pretty', [jsonb], text, JF.jsonbPretty);
  c.fn('jsonb_extract_path', {
    args: [jsonb],
    variadic: text,
    returns: jsonb,
    strict: true,
    impl: (j: Jsonb, ...path: string[]) => J.jsonbPath(j, path),
  });
  c.fn('jsonb_extract_path_text', {
    args: [jsonb],
    variadic: text,
    returns: text,
    strict: true,
    impl: (j: Jsonb, ...path: string[]) => J.jsonbPathText(j, path),
  });
  // pg_proc gives create_if_missing / insert_after defaults; each arity is its own entry here.
  c.strict('jsonb_set', [jsonb, textArray, jsonb], jsonb, withDefaults(jsonbSet));
  c.strict('jsonb_set', [jsonb, textArray, jsonb, bool], jsonb, withDefaults(jsonbSet));
  c.strict('jsonb_insert', [jsonb, textArray, jsonb], jsonb, withDefaults(jsonbInsert));
  c.strict('jsonb_insert', [jsonb, textArray, jsonb, bool], jsonb, withDefaults(jsonbInsert));
  for (const [name, f, returns] of [
    ['jsonb_array_elements', JF.jsonbArrayElements, jsonb],
    ['jsonb_array_elements_text', JF.jsonbArrayElementsText, text],
    ['jsonb_object_keys', JF.jsonbObjectKeys, text],
  ] as const) {
    c.fn(name, { args: [jsonb], returns, strict: true, returnsSet: true, impl: f });
  }
}

/** The impl of an entry that only works once bound to its argument types. */
function bindOnly(name: string): ScalarImpl {
  return () => {
    throw new InternalError(`${name} called without bind`);
  };
}

const EMPTY_OBJECT = jsonbBuildObject([], []);
const EMPTY_ARRAY = jsonbBuildArray([], []);

function buildFunctions(c: CatalogBuilder): void {
  c.fn('jsonb_build_object', { args: [], returns: jsonb, strict: false, impl: () => EMPTY_OBJECT });
  c.fn('jsonb_build_object', {
    args: [],
    variadic: P.any,
    returns: jsonb,
    strict: false,
    impl: bindOnly('jsonb_build_object'),
    bind: (types, env) => {
      const zone = env.timeZone;
      return (...args) => jsonbBuildObject(args, types, zone);
    },
  });
  c.fn('jsonb_build_array', { args: [], returns: jsonb, strict: false, impl: () => EMPTY_ARRAY });
  c.fn('jsonb_build_array', {
    args: [],
    variadic: P.any,
    returns: jsonb,
    strict: false,
    impl: bindOnly('jsonb_build_array'),
    bind: (types, env) => {
      const zone = env.timeZone;
      return (...args) => jsonbBuildArray(args, types, zone);
    },
  });
  c.fn('to_jsonb', {
    args: [P.anyelement],
    returns: jsonb,
    strict: true,
    impl: bindOnly('to_jsonb'),
    bind: (types, env) => {
      const type = types[0]!;
      const zone = env.timeZone;
      return (v) => toJsonb(v, type, zone);
    },
  });
}

export function addJsonbCatalog(c: CatalogBuilder): void {
  jsonbOperators(c);
  jsonbFunctions(c);
  buildFunctions(c);
}

/** jsonb_each and jsonb_each_text: rows (key text, value jsonb | text). */
export const jsonbRecordSetFunctions: Readonly<Record<string, readonly RecordSetFunctionDef[]>> = {
  jsonb_each: [
    {
      args: [jsonb],
      columns: [
        { name: 'key', type: text },
        { name: 'value', type: jsonb },
      ],
      strict: true,
      impl: JF.jsonbEach,
    },
  ],
  jsonb_each_text: [
    {
      args: [jsonb],
      columns: [
        { name: 'key', type: text },
        { name: 'value', type: text },
      ],
      strict: true,
      impl: JF.jsonbEachText,
    },
  ],
};
