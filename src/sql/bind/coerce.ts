/**
 * @module sql/bind/coerce
 * Type coercion for the binder, following PostgreSQL's rules for the types Eddy has: implicit
 * casts, the common type of UNION/CASE/IN/COALESCE branches, and turning an expression into a
 * given type (folding casts of constants at bind time).
 */
import { SemanticError, SqlState } from '../../common/errors.ts';
import {
  isNumeric,
  type SqlType,
  sameType,
  T,
  typeCategory,
  typeName,
  withoutTypmod,
} from '../../common/types.ts';
import {
  canCastAssignment,
  canCastExplicitly,
  canCastImplicitly,
  castFunction,
  hasTypmod,
} from '../../functions/cast.ts';
import type { ScalarExpr } from '../../plan/scalar.ts';
import { recordParamType } from './params.ts';

const numericRank: Partial<Record<SqlType['id'], number>> = {
  int2: 1,
  int4: 2,
  int8: 3,
  numeric: 4,
  float4: 5,
  float8: 6,
};

const datetimeRank: Partial<Record<SqlType['id'], number>> = { date: 1, timestamp: 2, timestamptz: 3 };

/** Of two numeric types, the one both convert to implicitly (`int4`,`numeric` → `numeric`). */
export function widerNumeric(a: SqlType, b: SqlType): SqlType {
  const ra = numericRank[a.id] ?? 0;
  const rb = numericRank[b.id] ?? 0;
  if ((a.id === 'float4' || b.id === 'float4') && a.id !== b.id && Math.max(ra, rb) === 5) return T.float8;
  return ra >= rb ? a : b;
}

/**
 * The common type of several expressions' types (PostgreSQL's select_common_type): unknowns
 * adopt the others' type; all-unknown gives text. Throws 42804 naming `context` on a mismatch.
 */
export function commonType(types: readonly SqlType[], context: string, position?: number): SqlType {
  const known = types.filter((t) => t.id !== 'unknown');
  if (known.length === 0) return T.text;
  let result = known[0]!;
  for (const t of known.slice(1)) {
    if (sameType(result, t)) {
      // varchar(3) and varchar(5) meet as varchar, as in PostgreSQL: neither length holds for both.
      if (!sameTypmod(result, t)) result = withoutTypmod(result);
      continue;
    }
    if (isNumeric(result) && isNumeric(t)) {
      result = widerNumeric(result, t);
    } else if (datetimeRank[result.id] && datetimeRank[t.id]) {
      result = datetimeRank[result.id]! >= datetimeRank[t.id]! ? result : t;
    } else if (typeCategory(result) === 'S' && typeCategory(t) === 'S') {
      // The strings cast to one another implicitly, so PostgreSQL keeps the first type; Eddy
      // keeps char(n) first (padding is its own semantics) and otherwise meets at text.
      result = result.id === 'bpchar' ? withoutTypmod(result) : T.text;
    } else if (canCastImplicitly(t, result)) {
      // keep result
    } else if (canCastImplicitly(result, t)) {
      result = t;
    } else {
      throw new SemanticError(
        SqlState.datatypeMismatch,
        `${context} types ${typeName(result)} and ${typeName(t)} cannot be matched`,
        {
          position,
        },
      );
    }
  }
  // The modifier survives only when every input has it (PostgreSQL's select_common_typmod): a
  // literal has none, so coalesce(varchar(3) column, 'longer') is not cut and char(3) not padded;
  // nor has a mix of types, so `integer UNION numeric(6,2)` does not rescale the integer to 6.00.
  const everyInputHasIt = types.every((t) => sameType(t, result) && sameTypmod(t, result));
  return everyInputHasIt ? result : withoutTypmod(result);
}

function sameTypmod(a: SqlType, b: SqlType): boolean {
  if (a.id === 'array' && b.id === 'array') return sameTypmod(a.element, b.element);
  const x = a as { maxLength?: number; precision?: number; scale?: number };
  const y = b as { maxLength?: number; precision?: number; scale?: number };
  return x.maxLength === y.maxLength && x.precision === y.precision && x.scale === y.scale;
}

/** Converts `expr` to `type`: no-op when equal, folded for constants, else a Cast node. */
export function coerce(expr: ScalarExpr, type: SqlType, explicit: boolean, position?: number): ScalarExpr {
  if (sameType(expr.type, type) && !needsTypmodCheck(type)) return expr;
  if (!explicit && expr.type.id !== 'unknown' && !canCastImplicitly(expr.type, type)) {
    throw new SemanticError(
      SqlState.datatypeMismatch,
      `cannot convert ${typeName(expr.type)} to ${typeName(type)} implicitly`,
      {
        position,
      },
    );
  }
  if (explicit && expr.type.id !== 'unknown' && !canCastExplicitly(expr.type, type)) {
    throw new SemanticError(
      SqlState.cannotCoerce,
      `cannot cast type ${typeName(expr.type)} to ${typeName(type)}`,
      {
        position,
      },
    );
  }
  return castNode(expr, type, explicit);
}

/**
 * The cast itself, with its conversion resolved once here rather than per value. `explicit`
 * selects explicit-cast semantics where they differ from assignment (varchar(n) truncates
 * instead of failing with 22001).
 */
function castNode(expr: ScalarExpr, type: SqlType, explicit: boolean): ScalarExpr {
  if (expr.kind === 'literal' && expr.paramIndex !== undefined && expr.type.id === 'unknown') {
    // An untyped parameter takes the type its context asks for (PostgreSQL's inference).
    recordParamType(expr.paramIndex, type);
    if (expr.value === null) return { kind: 'literal', value: null, type, paramIndex: expr.paramIndex };
  }
  const from = expr.type.id === 'unknown' ? T.text : expr.type;
  const impl = castFunction(from, type, explicit);
  if (expr.kind === 'literal') {
    if (expr.value === null) return { kind: 'literal', value: null, type };
    try {
      return { kind: 'literal', value: impl(expr.value), type };
    } catch (err) {
      // A literal that does not convert is an error at once (PostgreSQL reports it while parsing).
      if (expr.type.id === 'unknown') throw err;
    }
  }
  return { kind: 'cast', arg: expr, impl, type };
}

function needsTypmodCheck(type: SqlType): boolean {
  return hasTypmod(type) && type.id !== 'array';
}

/** Coerces for assignment into a column (INSERT/UPDATE): PostgreSQL's assignment context. */
export function coerceForAssignment(
  expr: ScalarExpr,
  type: SqlType,
  column: string,
  position?: number,
): ScalarExpr {
  if (sameType(expr.type, type) && !needsTypmodCheck(type)) return expr;
  if (expr.type.id !== 'unknown' && !canCastAssignment(expr.type, type)) {
    throw new SemanticError(
      SqlState.datatypeMismatch,
      `column "${column}" is of type ${typeName(type)} but expression is of type ${typeName(expr.type)}`,
      { position, hint: 'You will need to rewrite or cast the expression.' },
    );
  }
  return castNode(expr, type, false);
}
