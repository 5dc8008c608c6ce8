/**
 * @module plan/scalar
 * Bound scalar expressions: the binder's output for every expression, typed, with names resolved
 * to column positions and functions resolved to implementations. Immutable, `kind`-tagged.
 * Column indexes refer to the input row of the plan node that owns the expression.
 */
import type { SqlType } from '../common/types.ts';
import type { Value } from '../common/value.ts';
import type { LogicalPlan } from './logical.ts';

export type ScalarExpr =
  | ColumnRef
  | Literal
  | OuterRef
  | Call
  | Compare
  | And
  | Or
  | Not
  | IsNull
  | IsDistinct
  | Case
  | Coalesce
  | MinMax
  | InList
  | Cast
  | Subquery;

export type ScalarKind = ScalarExpr['kind'];

/** The value of column `index` of the current input row. */
export interface ColumnRef {
  readonly kind: 'column';
  readonly index: number;
  readonly type: SqlType;
}

export interface Literal {
  readonly kind: 'literal';
  readonly value: Value;
  readonly type: SqlType;
  /** Set when this literal stands for parameter `$n` (0-based), so its type can be inferred. */
  readonly paramIndex?: number;
}

/**
 * A correlated reference from inside a subquery to a column of an enclosing query's row:
 * `depth` 1 is the immediately enclosing query. Removed by decorrelation before lowering.
 */
export interface OuterRef {
  readonly kind: 'outerRef';
  readonly depth: number;
  readonly index: number;
  readonly type: SqlType;
}

/** A resolved function or operator. `strict`: any NULL argument gives NULL without calling `impl`. */
export interface Call {
  readonly kind: 'call';
  readonly name: string;
  readonly args: readonly ScalarExpr[];
  readonly impl: (...args: Value[]) => Value;
  readonly strict: boolean;
  /** Volatile calls (random(), now() in a view) are never constant-folded. */
  readonly volatile: boolean;
  readonly type: SqlType;
}

export type CompareOp = '=' | '<>' | '<' | '<=' | '>' | '>=';

/** Whether `op` holds for a three-way comparison result `c` (negative, zero, positive). */
export function compareHolds(op: CompareOp, c: number): boolean {
  switch (op) {
    case '=':
      return c === 0;
    case '<>':
      return c !== 0;
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '>':
      return c > 0;
    case '>=':
      return c >= 0;
  }
}

/** Comparison of two values of one type (the binder casts both sides to it); NULL if either is NULL. */
export interface Compare {
  readonly kind: 'compare';
  readonly op: CompareOp;
  readonly left: ScalarExpr;
  readonly right: ScalarExpr;
  readonly type: SqlType;
}

/** Three-valued AND / OR over any number of boolean arguments. */
export interface And {
  readonly kind: 'and';
  readonly args: readonly ScalarExpr[];
  readonly type: SqlType;
}

export interface Or {
  readonly kind: 'or';
  readonly args: readonly ScalarExpr[];
  readonly type: SqlType;
}

export interface Not {
  readonly kind: 'not';
  readonly arg: ScalarExpr;
  readonly type: SqlType;
}

export interface IsNull {
  readonly kind: 'isNull';
  readonly arg: ScalarExpr;
  readonly negated: boolean;
  readonly type: SqlType;
}

/** `IS [NOT] DISTINCT FROM`: NULL-safe equality, never NULL. */
export interface IsDistinct {
  readonly kind: 'isDistinct';
  readonly left: ScalarExpr;
  readonly right: ScalarExpr;
  readonly negated: boolean;
  readonly type: SqlType;
}

/** Searched CASE (a simple CASE is bound to this form with `=` comparisons). */
export interface Case {
  readonly kind: 'case';
  readonly whens: readonly { readonly when: ScalarExpr; readonly result: ScalarExpr }[];
  readonly otherwise: ScalarExpr;
  readonly type: SqlType;
}

export interface Coalesce {
  readonly kind: 'coalesce';
  readonly args: readonly ScalarExpr[];
  readonly type: SqlType;
}

/** GREATEST / LEAST: NULL arguments are ignored; NULL only if all are NULL. */
export interface MinMax {
  readonly kind: 'minMax';
  readonly greatest: boolean;
  readonly args: readonly ScalarExpr[];
  readonly type: SqlType;
}

/** `arg [NOT] IN (list…)` with SQL's NULL semantics. */
export interface InList {
  readonly kind: 'inList';
  readonly arg: ScalarExpr;
  readonly list: readonly ScalarExpr[];
  readonly negated: boolean;
  readonly type: SqlType;
}

export interface Cast {
  readonly kind: 'cast';
  readonly arg: ScalarExpr;
  readonly impl: (value: Value) => Value;
  readonly type: SqlType;
}

/**
 * A subquery inside an expression. `exists`: EXISTS(plan); `scalar`: the single value of a
 * one-column plan (error 21000 if more than one row); `any`/`all`: `test op ANY/ALL (plan)`
 * (IN is `= ANY`). May contain OuterRefs; decorrelation turns it into joins before lowering.
 */
export interface Subquery {
  readonly kind: 'subquery';
  readonly subquery: 'exists' | 'scalar' | 'any' | 'all';
  readonly plan: LogicalPlan;
  readonly test?: ScalarExpr;
  readonly op?: CompareOp;
  readonly type: SqlType;
}

export function col(index: number, type: SqlType): ColumnRef {
  return { kind: 'column', index, type };
}

export function lit(value: Value, type: SqlType): Literal {
  return { kind: 'literal', value, type };
}
