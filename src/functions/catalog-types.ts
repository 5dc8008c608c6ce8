/**
 * @module functions/catalog-types
 * The shape of the function and operator catalog the binder resolves calls against: PostgreSQL
 * signatures (pseudo-types included) with the JS implementation of each. Impls take non-null
 * values when `strict` (the caller returns NULL on a NULL argument) and never allocate needlessly.
 */
import type { TimeZone } from '../common/datetime-zone.ts';
import type { SqlType } from '../common/types.ts';
import type { Value } from '../common/value.ts';
import type { SystemCatalogAccess } from './catalog-system.ts';

/** PostgreSQL's polymorphic pseudo-types, as they appear in signatures. */
export interface PseudoType {
  readonly id: 'any' | 'anyelement' | 'anyarray' | 'anynonarray' | 'anycompatible' | 'anycompatiblearray';
}

export const P = {
  any: Object.freeze({ id: 'any' }),
  anyelement: Object.freeze({ id: 'anyelement' }),
  anyarray: Object.freeze({ id: 'anyarray' }),
  anynonarray: Object.freeze({ id: 'anynonarray' }),
  anycompatible: Object.freeze({ id: 'anycompatible' }),
  anycompatiblearray: Object.freeze({ id: 'anycompatiblearray' }),
} as const satisfies Record<string, PseudoType>;

/** A parameter or result type in a signature: a real type or a pseudo-type. */
export type ArgType = SqlType | PseudoType;

export function isPseudoType(t: ArgType): t is PseudoType {
  return t.id.startsWith('any');
}

export type ScalarImpl = (...args: Value[]) => Value;

/**
 * A set-returning function's implementation that yields its values lazily. `Value` covers arrays
 * (which the binder also accepts) but not generators, hence the one cast, kept here.
 */
export function setReturning(impl: (...args: Value[]) => Iterable<Value>): ScalarImpl {
  return impl as unknown as ScalarImpl;
}

/** What a `bind` may depend on besides argument types: the session's settings at bind time. */
export interface BindEnv {
  /** The session's TimeZone (timestamptz input, output, arithmetic and extraction depend on it). */
  readonly timeZone: TimeZone;
  /** The catalog, for system information functions (format_type, pg_get_indexdef, to_regclass). */
  readonly system?: SystemCatalogAccess;
}

export interface ScalarFunctionDef {
  args: ArgType[];
  /** Present for VARIADIC functions: the type of each extra argument (`any` for concat, format). */
  variadic?: ArgType;
  /** For a pseudo-type result, the binder derives the type from the arguments (anyelement → its type). */
  returns: ArgType;
  /** Strict: NULL in any argument gives NULL without calling impl. */
  strict: boolean;
  volatile?: boolean;
  /**
   * Set-returning (regexp_matches, ...): impl returns an iterable of result values, one per row
   * (an array, or a generator through `setReturning` so a long series is never held whole).
   */
  returnsSet?: boolean;
  /**
   * The implementation. A method signature on purpose: TypeScript then checks the typed functions
   * assigned here (`(a: number, b: number) => number`) bivariantly, so no wrapper sits in the hot path.
   */
  impl(...args: Value[]): Value;
  /**
   * For functions over `any`/polymorphic arguments whose behaviour depends on the actual types
   * (concat prints each argument with its type's output function): called once at bind time with
   * the resolved argument types; its result replaces `impl`. Absent: use `impl` as is.
   */
  bind?(argTypes: readonly SqlType[], env: BindEnv): ScalarImpl;
}

export interface OperatorDef {
  left: ArgType;
  right: ArgType;
  returns: ArgType;
  /** Operators are strict unless said otherwise (array `||` is not). */
  strict?: boolean;
  impl(left: Value, right: Value): Value;
  bind?(argTypes: readonly SqlType[], env: BindEnv): ScalarImpl;
}

export interface UnaryOperatorDef {
  arg: ArgType;
  returns: ArgType;
  impl(arg: Value): Value;
}

/** Collects catalog entries under lower-case names / operator symbols. */
export class CatalogBuilder {
  readonly functions: Record<string, ScalarFunctionDef[]> = Object.create(null);
  readonly binary: Record<string, OperatorDef[]> = Object.create(null);
  readonly unary: Record<string, UnaryOperatorDef[]> = Object.create(null);

  fn(names: string | string[], def: ScalarFunctionDef): this {
    for (const name of typeof names === 'string' ? [names] : names) (this.functions[name] ??= []).push(def);
    return this;
  }

  /** A strict, non-volatile function: the common case, in one line. */
  strict(names: string | string[], args: ArgType[], returns: ArgType, impl: ScalarFunctionDef['impl']): this {
    return this.fn(names, { args, returns, strict: true, impl });
  }

  op(symbol: string, left: ArgType, right: ArgType, returns: ArgType, impl: OperatorDef['impl']): this {
    (this.binary[symbol] ??= []).push({ left, right, returns, impl });
    return this;
  }

  opDef(symbol: string, def: OperatorDef): this {
    (this.binary[symbol] ??= []).push(def);
    return this;
  }

  prefix(symbol: string, arg: ArgType, returns: ArgType, impl: UnaryOperatorDef['impl']): this {
    (this.unary[symbol] ??= []).push({ arg, returns, impl });
    return this;
  }
}

/**
 * An impl with optional trailing parameters (`regexpReplace(s, p, r, flags = '')`), listed under
 * several arities: the caller passes exactly the signature's arguments and the JS defaults fill
 * the rest. TypeScript cannot relate `flags?: string` to Value (which has no undefined), hence the cast.
 */
export function withDefaults(f: (...args: never[]) => unknown): ScalarImpl {
  return f as unknown as ScalarImpl;
}
