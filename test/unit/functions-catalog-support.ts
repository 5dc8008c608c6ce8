/**
 * @module test/unit/functions-catalog-support
 * Runs catalog entries the way the binder does, from text: `evalCase('date_trunc(text,timestamp)',
 * ['hour', '2020-01-01 12:34'])` finds the overload by signature, parses each argument with its
 * type's input function, binds, applies strictness and prints the result (or the error) as psql.
 */
import { type TimeZone, timeZone } from '../../src/common/datetime-zone.ts';
import { EddyError } from '../../src/common/errors.ts';
import { arrayOf, type SqlType, T } from '../../src/common/types.ts';
import type { Value } from '../../src/common/value.ts';
import {
  type ArgType,
  binaryOperators,
  formatText,
  isPseudoType,
  parseText,
  scalarFunctions,
  unaryOperators,
} from '../../src/functions/index.ts';

/** A case: the call's signature with concrete types, the argument texts ('NULL' for NULL), psql's answer. */
export type Case = readonly [signature: string, args: readonly string[], expected: string];

interface Entry {
  params: readonly ArgType[];
  variadic?: ArgType;
  returns: ArgType;
  strict: boolean;
  returnsSet: boolean;
  impl: (...args: Value[]) => Value;
  bind?: (types: readonly SqlType[], env: { timeZone: TimeZone }) => (...args: Value[]) => Value;
}

export function typeOf(name: string): SqlType {
  if (name.endsWith('[]')) return arrayOf(typeOf(name.slice(0, -2)));
  const t = (T as Record<string, SqlType>)[name];
  if (!t) throw new Error(`unknown type ${name}`);
  return t;
}

function sameConcrete(param: ArgType, arg: SqlType): boolean {
  if (isPseudoType(param)) {
    if (param.id === 'anyarray' || param.id === 'anycompatiblearray') return arg.id === 'array';
    return param.id !== 'anynonarray' || arg.id !== 'array';
  }
  if (param.id === 'array' && arg.id === 'array') return sameConcrete(param.element, arg.element);
  return param.id === arg.id;
}

function entriesFor(signature: string): { entries: Entry[]; types: SqlType[] } {
  const call = /^([a-z_0-9]+)\((.*)\)$/.exec(signature);
  if (call) {
    const types = call[2] === '' ? [] : call[2]!.split(',').map(typeOf);
    const defs = scalarFunctions[call[1]!] ?? [];
    return {
      types,
      entries: defs.map((d) => ({
        params: d.args,
        variadic: d.variadic,
        returns: d.returns,
        strict: d.strict,
        returnsSet: d.returnsSet === true,
        impl: d.impl,
        bind: d.bind,
      })),
    };
  }
  const parts = signature.split(' ');
  if (parts.length === 2) {
    const types = [typeOf(parts[1]!)];
    const defs = unaryOperators[parts[0]!] ?? [];
    return {
      types,
      entries: defs.map((d) => ({
        params: [d.arg],
        returns: d.returns,
        strict: true,
        returnsSet: false,
        impl: d.impl,
      })),
    };
  }
  const types = [typeOf(parts[0]!), typeOf(parts[2]!)];
  const defs = binaryOperators[parts[1]!] ?? [];
  return {
    types,
    entries: defs.map((d) => ({
      params: [d.left, d.right],
      returns: d.returns,
      strict: d.strict !== false,
      returnsSet: false,
      impl: d.impl,
      bind: d.bind,
    })),
  };
}

/** The overload whose parameters take exactly these types (pseudo-types taking any fitting one). */
function resolve(signature: string): { entry: Entry; types: SqlType[] } {
  const { entries, types } = entriesFor(signature);
  const entry = entries.find((e) => {
    const params = [...e.params];
    while (e.variadic && params.length < types.length) params.push(e.variadic);
    return params.length === types.length && params.every((p, i) => sameConcrete(p, types[i]!));
  });
  if (!entry) throw new Error(`no catalog entry for ${signature}`);
  return { entry, types };
}

/** The concrete result type: a polymorphic result follows the first polymorphic argument. */
function resultType(entry: Entry, types: readonly SqlType[]): SqlType {
  const r = entry.returns;
  if (!isPseudoType(r)) return r;
  const i = entry.params.findIndex((p) => isPseudoType(p) && p.id !== 'any');
  const arg = types[i]!;
  const element = arg.id === 'array' && entry.params[i]!.id.endsWith('array') ? arg.element : arg;
  return r.id === 'anyarray' || r.id === 'anycompatiblearray' ? arrayOf(element) : element;
}

/** Evaluates a case in `zoneName` and prints what psql would (`NULL`, rows joined by `|`, `ERR code message`). */
export function evalCase(signature: string, args: readonly string[], zoneName = 'UTC'): string {
  const zone = timeZone(zoneName);
  try {
    const { entry, types } = resolve(signature);
    const values = args.map((a, i) => (a === 'NULL' ? null : parseText(a, types[i]!, zone)));
    const impl = entry.bind ? entry.bind(types, { timeZone: zone }) : entry.impl;
    const type = resultType(entry, types);
    const print = (v: Value): string => (v === null ? 'NULL' : formatText(v, type, zone));
    if (entry.returnsSet) {
      if (entry.strict && values.includes(null)) return '';
      return (impl(...values) as Value[]).map(print).join('|');
    }
    if (entry.strict && values.includes(null)) return 'NULL';
    return print(impl(...values));
  } catch (e) {
    if (e instanceof EddyError) return `ERR ${e.code} ${e.message}`;
    throw e;
  }
}
