/**
 * @module sql/bind/operators
 * Binds unary and binary operators: comparisons become `compare` nodes over a common type;
 * everything else resolves against the operator catalog (src/functions) by overload resolution.
 */
import { trimBpchar } from '../../common/bpchar.ts';
import { SemanticError, SqlState, UndefinedObjectError } from '../../common/errors.ts';
import { type ArrayType, isNumeric, type SqlType, sameType, T, typeName } from '../../common/types.ts';
import type { Value } from '../../common/value.ts';
import { type BindEnv, binaryOperators, unaryOperators } from '../../functions/index.ts';
import type { CompareOp, ScalarExpr } from '../../plan/scalar.ts';
import { coerce, commonType } from './coerce.ts';
import { pickOverload } from './overload.ts';

export const compareOps = new Set<string>(['=', '<>', '!=', '<', '<=', '>', '>=']);

/** LIKE, ILIKE and regex matches: on char(n), PostgreSQL matches the value with its padding. */
const PADDED_MATCH_OPS = new Set(['~~', '!~~', '~~*', '!~~*', '~', '!~', '~*', '!~*']);

/**
 * A char operand as the text those operators see, its padding kept (the cast to text would drop
 * it); anything else as it is.
 */
function paddedBpchar(expr: ScalarExpr): ScalarExpr {
  return expr.type.id === 'bpchar' ? asText(expr, 'bpchar_padded', (v) => v) : expr;
}

/**
 * A char operand as char's comparison sees it: trailing spaces are insignificant (PostgreSQL's
 * bpchareq and bpcharcmp), so the padded value form compares through `trimBpchar`. Every node
 * that compares values of a bpchar type (=, <, IS DISTINCT FROM, IN, CASE, NULLIF, join keys)
 * wraps its operands with this; grouping and DISTINCT see the padded values, equal within a char(n).
 */
export function comparableBpchar(expr: ScalarExpr): ScalarExpr {
  return expr.type.id === 'bpchar' ? asText(expr, 'bpchar_trimmed', (v) => trimBpchar(v as string)) : expr;
}

function asText(expr: ScalarExpr, name: string, impl: (v: Value) => Value): ScalarExpr {
  if (expr.kind === 'literal' && expr.paramIndex === undefined)
    return { kind: 'literal', value: expr.value === null ? null : impl(expr.value), type: T.text };
  return { kind: 'call', name, args: [expr], impl, strict: true, volatile: false, type: T.text };
}

export function bindBinaryOperator(
  op: string,
  left: ScalarExpr,
  right: ScalarExpr,
  env: BindEnv,
  position?: number,
): ScalarExpr {
  if (compareOps.has(op))
    return bindComparison((op === '!=' ? '<>' : op) as CompareOp, left, right, position);
  if (PADDED_MATCH_OPS.has(op)) left = paddedBpchar(left);
  const candidates = binaryOperators[op] ?? [];
  const resolved = pickOverload(candidates, (c) => ({ params: [c.left, c.right], returns: c.returns }), [
    left.type,
    right.type,
  ]);
  if (!resolved) throw noOperator(`${typeName(left.type)} ${op} ${typeName(right.type)}`, position);
  const def = resolved.candidate;
  const args = [
    coerce(left, resolved.params[0]!, false, position),
    coerce(right, resolved.params[1]!, false, position),
  ];
  const impl = def.bind
    ? def.bind(
        args.map((a) => a.type),
        env,
      )
    : def.impl;
  const strict = def.strict !== false;
  const [a, b] = args as [ScalarExpr, ScalarExpr];
  if (a.kind === 'literal' && b.kind === 'literal') {
    if (strict && (a.value === null || b.value === null))
      return { kind: 'literal', value: null, type: resolved.returns };
    try {
      return { kind: 'literal', value: impl(a.value, b.value), type: resolved.returns };
    } catch {
      // An error (division by zero…) is raised when a row is evaluated, as PostgreSQL does.
    }
  }
  return { kind: 'call', name: op, args, impl, strict, volatile: false, type: resolved.returns };
}

/**
 * The type both sides of a comparison convert to. char(n) against text compares as text, as
 * PostgreSQL's operator resolution picks text = text (text is the preferred string type), so the
 * text side's trailing spaces count; against char(n), varchar (either side first) or a literal it
 * compares as char.
 * Two arrays need the same element type (`anyarray = anyarray`): IS DISTINCT FROM, NULLIF and IN
 * compare with `=`, so `int[] IS DISTINCT FROM bigint[]` is 42883 as in PostgreSQL.
 */
export function comparisonType(a: SqlType, b: SqlType, position?: number, context = 'operator'): SqlType {
  if ((a.id === 'bpchar' && b.id === 'text') || (a.id === 'text' && b.id === 'bpchar')) return T.text;
  // varchar has no operators of its own: against char, bpchar = bpchar has an exact match and
  // text = text none, so `varchar = char(n)` compares as char, its trailing spaces insignificant.
  if ((a.id === 'bpchar' && b.id === 'varchar') || (a.id === 'varchar' && b.id === 'bpchar')) return T.bpchar;
  if (a.id === 'array' && b.id === 'array' && !sameType(a.element, b.element)) {
    throw noOperator(`${typeName(a)} = ${typeName(b)}`, position);
  }
  return commonType([a, b], context, position);
}

function bindComparison(op: CompareOp, left: ScalarExpr, right: ScalarExpr, position?: number): ScalarExpr {
  if (left.type.id === 'array' && right.type.id === 'array') {
    return bindArrayComparison(op, left as ArrayExpr, right as ArrayExpr, position);
  }
  let type: SqlType;
  try {
    type = comparisonType(left.type, right.type, position);
  } catch (err) {
    if (err instanceof SemanticError) {
      throw noOperator(`${typeName(left.type)} ${op} ${typeName(right.type)}`, position);
    }
    throw err;
  }
  return coercedComparison(op, left, right, type, position);
}

/** `left op right` with both sides coerced to their comparison type. */
function coercedComparison(
  op: CompareOp,
  left: ScalarExpr,
  right: ScalarExpr,
  type: SqlType,
  position?: number,
): ScalarExpr {
  return {
    kind: 'compare',
    op,
    left: comparableBpchar(coerce(left, type, false, position)),
    right: comparableBpchar(coerce(right, type, false, position)),
    type: T.bool,
  };
}

type ArrayExpr = ScalarExpr & { readonly type: ArrayType };

/**
 * Two arrays compare only when their element types are the same: PostgreSQL's array operators
 * take anyarray on both sides and no implicit cast joins int[] and bigint[] (42883). Dimensions
 * are not part of an array's type, so int[] compares with int[][] as it is; value-ops orders
 * arrays of any shape as PostgreSQL does.
 */
function bindArrayComparison(
  op: CompareOp,
  left: ArrayExpr,
  right: ArrayExpr,
  position?: number,
): ScalarExpr {
  if (!sameType(left.type.element, right.type.element)) {
    throw noOperator(`${typeName(left.type)} ${op} ${typeName(right.type)}`, position);
  }
  return coercedComparison(op, left, right, comparisonType(left.type, right.type, position), position);
}

export function bindUnaryOperator(op: string, arg: ScalarExpr, position?: number): ScalarExpr {
  if (op === '+' && (isNumeric(arg.type) || arg.type.id === 'unknown')) {
    return arg.type.id === 'unknown' ? coerce(arg, T.float8, false, position) : arg;
  }
  const candidates = unaryOperators[op] ?? [];
  const resolved = pickOverload(candidates, (c) => ({ params: [c.arg], returns: c.returns }), [arg.type]);
  if (!resolved) throw noOperator(`${op} ${typeName(arg.type)}`, position);
  const impl = resolved.candidate.impl;
  const coerced = coerce(arg, resolved.params[0]!, false, position);
  if (coerced.kind === 'literal') {
    if (coerced.value === null) return { kind: 'literal', value: null, type: resolved.returns };
    try {
      return { kind: 'literal', value: impl(coerced.value), type: resolved.returns };
    } catch {
      // Raised at evaluation, as PostgreSQL does.
    }
  }
  return {
    kind: 'call',
    name: op,
    args: [coerced],
    impl,
    strict: true,
    volatile: false,
    type: resolved.returns,
  };
}

function noOperator(signature: string, position?: number): UndefinedObjectError {
  return new UndefinedObjectError(SqlState.undefinedFunction, `operator does not exist: ${signature}`, {
    position,
    hint: 'No operator matches the given name and argument types. You might need to add explicit type casts.',
  });
}
