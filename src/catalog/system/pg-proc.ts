/**
 * @module catalog/system/pg-proc
 * pg_proc and pg_language: every function Eddy's binder resolves (the scalar catalog of
 * src/functions, set-returning functions, aggregates, window functions) plus the types' I/O
 * functions that pg_type names. Built once: the function catalog is fixed at startup.
 */
import { arrayOf, type SqlType, T, typeOid } from '../../common/types.ts';
import { type ArgType, isPseudoType, recordSetFunctions, scalarFunctions } from '../../functions/index.ts';
import { builtinTypes } from './builtin-types.ts';
import { NAMESPACE_PG_CATALOG, ROLE_OID } from './oids.ts';
import type { SystemRow } from './system-row.ts';

export interface ProcEntry {
  readonly oid: number;
  readonly name: string;
  readonly kind: 'f' | 'a' | 'w';
  readonly args: readonly number[];
  readonly returns: number;
  readonly returnsSet: boolean;
  /** Oid of the VARIADIC element type; 0 when not variadic. */
  readonly variadic: number;
  readonly strict: boolean;
  readonly volatile: boolean;
}

const pseudoOids: Readonly<Record<string, number>> = {
  any: 2276,
  anyelement: 2283,
  anyarray: 2277,
  anynonarray: 2776,
  anycompatible: 5077,
  anycompatiblearray: 5078,
};

function argOid(t: ArgType): number {
  return isPseudoType(t) ? pseudoOids[t.id]! : typeOid(t);
}

const { int4, int8, float8, text, bool } = T;
const any: ArgType = { id: 'any' };
const anyelement: ArgType = { id: 'anyelement' };
const anynonarray: ArgType = { id: 'anynonarray' };
const anyarray: ArgType = { id: 'anyarray' };

/** Aggregates the binder knows, with PostgreSQL's main signatures. */
const aggregates: readonly (readonly [string, readonly ArgType[], ArgType])[] = [
  ['count', [], int8],
  ['count', [any], int8],
  ...[T.int2, int4, int8, T.numeric, T.float4, float8, T.interval].flatMap(
    (t): (readonly [string, readonly ArgType[], ArgType])[] => [
      ['sum', [t], t === int4 || t === T.int2 ? int8 : t === int8 ? T.numeric : t],
      ['avg', [t], t === T.float4 || t === float8 ? float8 : t === T.interval ? t : T.numeric],
    ],
  ),
  ['min', [anyelement], anyelement],
  ['max', [anyelement], anyelement],
  ['string_agg', [text, text], text],
  ['array_agg', [anynonarray], anyarray],
  ['bool_and', [bool], bool],
  ['bool_or', [bool], bool],
  ['every', [bool], bool],
  ['jsonb_agg', [anyelement], T.jsonb],
  ['jsonb_object_agg', [any, any], T.jsonb],
  ...[T.int2, int4, int8].flatMap((t): (readonly [string, readonly ArgType[], ArgType])[] =>
    ['bit_and', 'bit_or', 'bit_xor'].map((f) => [f, [t], t] as const),
  ),
  ...['variance', 'var_samp', 'var_pop', 'stddev', 'stddev_samp', 'stddev_pop'].flatMap(
    (f): (readonly [string, readonly ArgType[], ArgType])[] => [
      ...[T.int2, int4, int8, T.numeric].map((t) => [f, [t], T.numeric] as const),
      [f, [T.float4], float8],
      [f, [float8], float8],
    ],
  ),
  ...['corr', 'covar_pop', 'covar_samp', 'regr_slope', 'regr_intercept', 'regr_r2']
    .concat(['regr_avgx', 'regr_avgy', 'regr_sxx', 'regr_syy', 'regr_sxy'])
    .map((f): readonly [string, readonly ArgType[], ArgType] => [f, [float8, float8], float8]),
  ['regr_count', [float8, float8], int8],
];

const windowFunctions: readonly (readonly [string, readonly ArgType[], ArgType])[] = [
  ['row_number', [], int8],
  ['rank', [], int8],
  ['dense_rank', [], int8],
  ['percent_rank', [], float8],
  ['cume_dist', [], float8],
  ['ntile', [int4], int4],
  ['lag', [anyelement], anyelement],
  ['lag', [anyelement, int4], anyelement],
  ['lead', [anyelement], anyelement],
  ['lead', [anyelement, int4], anyelement],
  ['first_value', [anyelement], anyelement],
  ['last_value', [anyelement], anyelement],
  ['nth_value', [anyelement, int4], anyelement],
];

/** Oids for functions PostgreSQL gives none Eddy could reuse: a range no other object uses. */
const FUNCTION_OID_BASE = 20_000;

function buildProcs(): ProcEntry[] {
  const procs: ProcEntry[] = [];
  let next = FUNCTION_OID_BASE;
  const add = (p: Omit<ProcEntry, 'oid'>): void => {
    procs.push({ oid: next++, ...p });
  };
  for (const [name, defs] of Object.entries(scalarFunctions)) {
    for (const d of defs) {
      const variadic = d.variadic ? argOid(d.variadic) : 0;
      const variadicParam = d.variadic
        ? isPseudoType(d.variadic)
          ? [argOid(d.variadic)]
          : [typeOid(arrayOf(d.variadic as SqlType))]
        : [];
      add({
        name,
        kind: 'f',
        args: [...d.args.map(argOid), ...variadicParam],
        returns: argOid(d.returns),
        returnsSet: d.returnsSet === true,
        variadic,
        strict: d.strict,
        volatile: d.volatile === true,
      });
    }
  }
  for (const [name, defs] of Object.entries(recordSetFunctions)) {
    for (const d of defs)
      add({
        name,
        kind: 'f',
        args: d.args.map(argOid),
        returns: 2249,
        returnsSet: true,
        variadic: 0,
        strict: d.strict,
        volatile: false,
      });
  }
  for (const [kind, list] of [
    ['a', aggregates],
    ['w', windowFunctions],
  ] as const) {
    for (const [name, args, returns] of list)
      add({
        name,
        kind,
        args: args.map(argOid),
        returns: argOid(returns),
        returnsSet: false,
        variadic: 0,
        strict: false,
        volatile: false,
      });
  }
  addIoFunctions(procs);
  return procs;
}

/** The input, output, receive and send functions pg_type.typinput … typsend point at. */
function addIoFunctions(procs: ProcEntry[]): void {
  const seen = new Set<number>();
  for (const t of builtinTypes) {
    t.io.forEach((fn, i) => {
      if (!fn || seen.has(fn[1])) return;
      seen.add(fn[1]);
      const [args, returns] =
        i === 0 ? [[2275], t.oid] : i === 1 ? [[t.oid], 2275] : i === 2 ? [[2281], t.oid] : [[t.oid], 17];
      procs.push({
        oid: fn[1],
        name: fn[0],
        kind: 'f',
        args,
        returns,
        returnsSet: false,
        variadic: 0,
        strict: true,
        volatile: false,
      });
    });
  }
}

let procs: ProcEntry[] | undefined;
let procsByOid: Map<number, ProcEntry> | undefined;

export function allProcs(): readonly ProcEntry[] {
  procs ??= buildProcs();
  return procs;
}

export function procByOid(oid: number): ProcEntry | undefined {
  procsByOid ??= new Map(allProcs().map((p) => [p.oid, p]));
  return procsByOid.get(oid);
}

export function pgProcRows(): SystemRow[] {
  return allProcs().map((p) => ({
    oid: p.oid,
    proname: p.name,
    pronamespace: NAMESPACE_PG_CATALOG,
    proowner: ROLE_OID,
    prolang: 12,
    procost: 1,
    prorows: p.returnsSet ? 1000 : 0,
    provariadic: p.variadic,
    prosupport: 0,
    prokind: p.kind,
    prosecdef: false,
    proleakproof: false,
    proisstrict: p.strict,
    proretset: p.returnsSet,
    provolatile: p.volatile ? 'v' : 'i',
    proparallel: 's',
    pronargs: p.args.length,
    pronargdefaults: 0,
    prorettype: p.returns,
    proargtypes: [...p.args],
    prosrc: p.name,
  }));
}

export function pgLanguageRows(): SystemRow[] {
  return [
    [12, 'internal', false, false],
    [13, 'c', false, false],
    [14, 'sql', false, true],
  ].map(([oid, lanname, lanispl, lanpltrusted]) => ({
    oid,
    lanname,
    lanowner: ROLE_OID,
    lanispl,
    lanpltrusted,
    lanplcallfoid: 0,
    laninline: 0,
    lanvalidator: 0,
  }));
}
