/**
 * @module sql/bind/overload
 * Overload resolution for operators and functions, after PostgreSQL's rules (typeconv-oper /
 * typeconv-func): polymorphic parameters (any, anyelement, anyarray, anycompatible…) are first
 * resolved from the actual argument types; then an exact match wins (an unknown literal assumes
 * the other operands' type), then candidates reachable by implicit casts, preferring the most
 * exact matches, then preferred types, then the candidate whose categories fit unknown arguments.
 */

import { SemanticError, SqlState } from '../../common/errors.ts';
import { arrayOf, isNumeric, type SqlType, sameType, T, typeCategory } from '../../common/types.ts';
import { type ArgType, canCastImplicitly, isPseudoType } from '../../functions/index.ts';
import { commonType, widerNumeric } from './coerce.ts';

export interface Signature {
  readonly params: readonly ArgType[];
  readonly variadic?: ArgType;
  readonly returns: ArgType;
}

export interface Resolved<C> {
  readonly candidate: C;
  /** Concrete parameter types, one per argument. */
  readonly params: readonly SqlType[];
  readonly returns: SqlType;
}

const preferred = new Set(['float8', 'text', 'timestamptz', 'interval', 'bool']);

/** Picks the best candidate for `args`, or null if none applies. */
export function pickOverload<C>(
  candidates: readonly C[],
  signature: (c: C) => Signature,
  args: readonly SqlType[],
): Resolved<C> | null {
  const all: (Resolved<C> & { untyped: boolean })[] = [];
  for (const c of candidates) {
    const r = concretize(signature(c), args);
    if (r) all.push({ candidate: c, ...r });
  }
  if (all.length === 0) return null;
  // PostgreSQL cannot resolve anyelement / anyarray from untyped literals alone (42804); a
  // candidate that needs no such guess is taken instead where one applies.
  const typed = all.filter((c) => !c.untyped);
  if (typed.length === 0) {
    throw new SemanticError(
      SqlState.datatypeMismatch,
      'could not determine polymorphic type because input has type unknown',
    );
  }
  const concrete: Resolved<C>[] = typed;
  const exact = concrete.find((c) => c.params.every((p, i) => matches(args[i]!, p, args)));
  if (exact) return exact;
  const known = args.filter((a) => a.id !== 'unknown');
  if (known.length > 0 && known.every(isNumeric)) {
    const target = known.reduce(widerNumeric);
    const uniform = concrete.find((c) => c.params.every((p) => sameType(p, target)));
    if (uniform) return uniform;
  }
  const viable = concrete.filter((c) =>
    c.params.every((p, i) => args[i]!.id === 'unknown' || castable(args[i]!, p)),
  );
  if (viable.length <= 1) return viable[0] ?? null;
  return best(viable, args);
}

/** Substitutes polymorphic parameters for the call's argument types; null if they cannot agree. */
function concretize(
  sig: Signature,
  args: readonly SqlType[],
): { params: SqlType[]; returns: SqlType; untyped: boolean } | null {
  let params = sig.params;
  if (sig.variadic && args.length >= params.length) {
    params = [...params, ...Array.from({ length: args.length - params.length }, () => sig.variadic!)];
  }
  if (params.length !== args.length) return null;
  const elementArgs: SqlType[] = [];
  let compatible = false;
  let simplePolymorphic = false;
  let simpleTyped = false;
  params.forEach((p, i) => {
    const a = args[i]!;
    if (!isPseudoType(p) || p.id === 'any') return;
    if (p.id === 'anyelement' || p.id === 'anyarray' || p.id === 'anynonarray') {
      simplePolymorphic = true;
      if (a.id !== 'unknown') simpleTyped = true;
    }
    if (p.id === 'anycompatible' || p.id === 'anycompatiblearray') compatible = true;
    if (p.id === 'anyarray' || p.id === 'anycompatiblearray') {
      if (a.id === 'array') elementArgs.push(a.element);
      else if (a.id !== 'unknown') return;
    } else if (a.id !== 'unknown') elementArgs.push(a);
  });
  if (elementArgs.some((e) => e.id === 'unknown')) return null;
  let element: SqlType = T.text;
  if (elementArgs.length > 0) {
    if (compatible) {
      try {
        element = commonType(elementArgs, 'polymorphic');
      } catch {
        return null;
      }
    } else {
      element = elementArgs[0]!;
      if (!elementArgs.every((e) => sameType(e, element))) return null;
    }
  }
  const resolve = (p: ArgType, arg: SqlType | undefined): SqlType | null => {
    if (!isPseudoType(p)) return p;
    switch (p.id) {
      case 'any':
        return arg === undefined || arg.id === 'unknown' ? T.text : arg;
      case 'anyarray':
      case 'anycompatiblearray':
        return arrayOf(element);
      case 'anynonarray':
        return element.id === 'array' ? null : element;
      default:
        return element;
    }
  };
  const concrete: SqlType[] = [];
  for (let i = 0; i < params.length; i++) {
    const r = resolve(params[i]!, args[i]);
    if (!r) return null;
    concrete.push(r);
  }
  const returns = resolve(sig.returns, undefined);
  return returns ? { params: concrete, returns, untyped: simplePolymorphic && !simpleTyped } : null;
}

function matches(arg: SqlType, param: SqlType, all: readonly SqlType[]): boolean {
  if (arg.id === 'unknown') {
    const other = all.find((a) => a.id !== 'unknown');
    return other ? sameType(other, param) : param.id === 'text';
  }
  return sameType(arg, param) || (arg.id === 'varchar' && param.id === 'text');
}

function castable(arg: SqlType, param: SqlType): boolean {
  if (sameType(arg, param)) return true;
  if (param.id === 'array' && arg.id === 'array') return castable(arg.element, param.element);
  return canCastImplicitly(arg, param);
}

function best<C>(viable: readonly Resolved<C>[], args: readonly SqlType[]): Resolved<C> {
  const knownCategories = new Set(args.filter((a) => a.id !== 'unknown').map(typeCategory));
  const score = (c: Resolved<C>): [number, number, number] => {
    let exact = 0;
    let pref = 0;
    let categoryFit = 0;
    c.params.forEach((p, i) => {
      const a = args[i]!;
      if (a.id !== 'unknown' && sameType(a, p)) exact++;
      if (preferred.has(p.id)) pref++;
      if (a.id === 'unknown' && (knownCategories.has(typeCategory(p)) || typeCategory(p) === 'S'))
        categoryFit++;
    });
    return [exact, pref, categoryFit];
  };
  let winner = viable[0]!;
  let top = score(winner);
  for (const c of viable.slice(1)) {
    const s = score(c);
    if (s[0] > top[0] || (s[0] === top[0] && (s[1] > top[1] || (s[1] === top[1] && s[2] > top[2])))) {
      winner = c;
      top = s;
    }
  }
  return winner;
}
