/**
 * @module plan/optimize/fold-expression
 * Constant folding of one expression with PostgreSQL's planner rules (eval_const_expressions):
 * expressions whose inputs are all constants and that are not volatile are evaluated once; a
 * strict operator or function with a NULL constant argument is NULL without evaluating the others;
 * AND / OR / NOT, CASE and COALESCE drop constant branches by three-valued logic. Which plan
 * expressions are folded, and so may raise at plan time, is decided in `plan-time-errors.ts`.
 */
import type { Value } from '../../common/value.ts';
import { compileScalar } from '../compile-scalar.ts';
import type { ScalarExpr } from '../scalar.ts';
import { children, mapChildren } from '../scalar-visit.ts';

const isNullLiteral = (e: ScalarExpr): boolean => e.kind === 'literal' && e.value === null;

function literal(value: Value, e: ScalarExpr): ScalarExpr {
  return { kind: 'literal', value, type: e.type };
}

function foldable(e: ScalarExpr): boolean {
  if (e.kind === 'column' || e.kind === 'outerRef' || e.kind === 'subquery' || e.kind === 'literal')
    return false;
  if (e.kind === 'call' && e.volatile) return false;
  return children(e).every((c) => c.kind === 'literal');
}

/** True when a NULL argument makes `e` NULL regardless of the other arguments. */
function nullPropagating(e: ScalarExpr): boolean {
  switch (e.kind) {
    case 'call':
      return e.strict;
    case 'compare':
    case 'cast':
    case 'not':
      return true;
    default:
      return false;
  }
}

/**
 * Folds `e` in PostgreSQL's order: children before their parent, except that AND / OR, CASE and
 * COALESCE fold their arguments left to right and stop where a constant decides the result, so a
 * branch that can never run is dropped unfolded (`CASE WHEN false THEN 1/0 END` raises nothing). An
 * error raised while folding what remains is the query's error, raised at plan time as
 * PostgreSQL's planner raises it, whether or not any row reaches the expression.
 */
export function foldExpression(e: ScalarExpr): ScalarExpr {
  return fold(e, true);
}

/**
 * Folds `e` as far as it folds without an error: an expression whose folding fails stays as it
 * is, to raise only if a row reaches it (PostgreSQL never folds it: see `plan-time-errors.ts`).
 */
export function foldQuietly(e: ScalarExpr): ScalarExpr {
  return fold(e, false);
}

function fold(e: ScalarExpr, raise: boolean): ScalarExpr {
  switch (e.kind) {
    case 'and':
    case 'or':
      return simplifyLogic(e, raise);
    case 'case':
      return simplifyCase(e, raise);
    case 'coalesce':
      return simplifyCoalesce(e, raise);
  }
  const n = mapChildren(e, (c) => fold(c, raise));
  if (n.kind === 'not' && n.arg.kind === 'not') return n.arg.arg;
  if (n.kind === 'inList' && isNullLiteral(n.arg)) return literal(null, n);
  if (nullPropagating(n) && children(n).some(isNullLiteral)) return literal(null, n);
  if (!foldable(n)) return n;
  if (raise) return literal(compileScalar(n)([], 0), n);
  try {
    return literal(compileScalar(n)([], 0), n);
  } catch {
    return n;
  }
}

function simplifyLogic(n: Extract<ScalarExpr, { kind: 'and' | 'or' }>, raise: boolean): ScalarExpr {
  const absorbing = n.kind === 'or';
  const args: ScalarExpr[] = [];
  let sawNull = false;
  for (const arg of n.args) {
    const a = fold(arg, raise);
    if (a.kind === 'literal') {
      if (a.value === absorbing) return a;
      if (a.value === null) sawNull = true;
      continue;
    }
    args.push(a);
  }
  if (args.length === 0) return literal(sawNull ? null : !absorbing, n);
  if (sawNull) args.push(literal(null, n));
  return args.length === 1 ? args[0]! : { ...n, args };
}

function simplifyCase(n: Extract<ScalarExpr, { kind: 'case' }>, raise: boolean): ScalarExpr {
  const whens: { when: ScalarExpr; result: ScalarExpr }[] = [];
  for (const w of n.whens) {
    const when = fold(w.when, raise);
    if (when.kind === 'literal') {
      if (when.value !== true) continue;
      const result = fold(w.result, raise);
      if (whens.length === 0) return result;
      return { ...n, whens, otherwise: result };
    }
    whens.push({ when, result: fold(w.result, raise) });
  }
  const otherwise = fold(n.otherwise, raise);
  return whens.length === 0 ? otherwise : { ...n, whens, otherwise };
}

function simplifyCoalesce(n: Extract<ScalarExpr, { kind: 'coalesce' }>, raise: boolean): ScalarExpr {
  const args: ScalarExpr[] = [];
  for (const arg of n.args) {
    const a = fold(arg, raise);
    if (isNullLiteral(a)) continue;
    args.push(a);
    if (a.kind === 'literal') break;
  }
  if (args.length === 0) return literal(null, n);
  return args.length === 1 ? args[0]! : { ...n, args };
}

/**
 * A folded WHERE / ON condition as PostgreSQL's canonicalize_qual leaves it: only TRUE lets a row
 * through, so within the condition's top-level AND / OR tree a NULL constant counts as FALSE. An
 * AND holding a FALSE or NULL constant is FALSE (its other conditions are never evaluated, nor the
 * columns they read computed: `x.a = y.b AND NULL`), an OR drops such constants and is TRUE with a
 * TRUE one. Returns `e` itself when nothing changes.
 */
export function canonicalQual(e: ScalarExpr): ScalarExpr {
  if (e.kind !== 'and' && e.kind !== 'or') return e;
  const absorbing = e.kind === 'or';
  const args: ScalarExpr[] = [];
  let changed = false;
  for (const arg of e.args) {
    const a = canonicalQual(arg);
    if (a !== arg) changed = true;
    if (a.kind === 'literal') {
      changed = true;
      // AND: TRUE is dropped, FALSE or NULL decides; OR: FALSE or NULL is dropped, TRUE decides.
      if (a.value === true) {
        if (absorbing) return a;
        continue;
      }
      if (!absorbing) return literal(false, e);
      continue;
    }
    args.push(a);
  }
  if (!changed) return e;
  if (args.length === 0) return literal(!absorbing, e);
  return args.length === 1 ? args[0]! : { ...e, args };
}
