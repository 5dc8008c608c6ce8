/**
 * @module plan/optimize/fold-constants
 * Constant folding with PostgreSQL's planner rules (eval_const_expressions): expressions whose
 * inputs are all constants and that are not volatile are evaluated once; a strict operator or
 * function with a NULL constant argument is NULL without evaluating the others; AND / OR / NOT,
 * CASE and COALESCE drop constant branches by three-valued logic. Like PostgreSQL, this decides
 * which expressions are ever evaluated (`x / 0 > NULL` raises nothing), so ad-hoc queries and
 * views both get it. An error while folding is raised at plan time, as PostgreSQL raises it
 * (`SELECT x FROM t WHERE 1/0 = 1` fails on an empty table).
 */
import type { Value } from '../../common/value.ts';
import { compileScalar } from '../compile-scalar.ts';
import type { LogicalPlan } from '../logical.ts';
import { memoizePlanRewrite, planChildren, withChildren } from '../plan-visit.ts';
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
  switch (e.kind) {
    case 'and':
    case 'or':
      return simplifyLogic(e);
    case 'case':
      return simplifyCase(e);
    case 'coalesce':
      return simplifyCoalesce(e);
  }
  const n = mapChildren(e, foldExpression);
  if (n.kind === 'not' && n.arg.kind === 'not') return n.arg.arg;
  if (n.kind === 'inList' && isNullLiteral(n.arg)) return literal(null, n);
  if (nullPropagating(n) && children(n).some(isNullLiteral)) return literal(null, n);
  if (!foldable(n)) return n;
  return literal(compileScalar(n)([], 0), n);
}

function simplifyLogic(n: Extract<ScalarExpr, { kind: 'and' | 'or' }>): ScalarExpr {
  const absorbing = n.kind === 'or';
  const args: ScalarExpr[] = [];
  let sawNull = false;
  for (const arg of n.args) {
    const a = foldExpression(arg);
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

function simplifyCase(n: Extract<ScalarExpr, { kind: 'case' }>): ScalarExpr {
  const whens: { when: ScalarExpr; result: ScalarExpr }[] = [];
  for (const w of n.whens) {
    const when = foldExpression(w.when);
    if (when.kind === 'literal') {
      if (when.value !== true) continue;
      const result = foldExpression(w.result);
      if (whens.length === 0) return result;
      return { ...n, whens, otherwise: result };
    }
    whens.push({ when, result: foldExpression(w.result) });
  }
  const otherwise = foldExpression(n.otherwise);
  return whens.length === 0 ? otherwise : { ...n, whens, otherwise };
}

function simplifyCoalesce(n: Extract<ScalarExpr, { kind: 'coalesce' }>): ScalarExpr {
  const args: ScalarExpr[] = [];
  for (const arg of n.args) {
    const a = foldExpression(arg);
    if (isNullLiteral(a)) continue;
    args.push(a);
    if (a.kind === 'literal') break;
  }
  if (args.length === 0) return literal(null, n);
  return args.length === 1 ? args[0]! : { ...n, args };
}

/** Folds constants in every node; each node of a shared subplan once (the result stays shared). */
export const foldConstants = memoizePlanRewrite((plan: LogicalPlan): LogicalPlan => {
  const p = withChildren(plan, planChildren(plan).map(foldConstants));
  switch (p.kind) {
    case 'filter':
      return { ...p, predicate: foldQual(foldExpression(p.predicate)) };
    case 'map':
      return { ...p, exprs: p.exprs.map(foldExpression) };
    case 'join':
      return { ...p, on: foldQual(foldExpression(p.on)) };
    case 'values':
      return { ...p, rows: p.rows.map((r) => r.map(foldExpression)) };
    case 'flatMap':
      return { ...p, args: p.args.map(foldExpression) };
    case 'topK':
      // LIMIT 0 reads nothing, as PostgreSQL's executor never starts its input: an error some
      // input row would raise is not raised (the input is still planned, and folded, above).
      return p.limit === 0 ? { kind: 'values', rows: [], schema: p.schema } : p;
    default:
      return p;
  }
});

/**
 * A WHERE / ON condition is a list of quals that must all be TRUE: if any is a constant other than
 * TRUE, no row can pass, and (like PostgreSQL's one-time filter) nothing else is evaluated.
 */
function foldQual(e: ScalarExpr): ScalarExpr {
  if (e.kind !== 'and') return e;
  const constantReject = e.args.some((a) => a.kind === 'literal' && a.value !== true);
  return constantReject ? { kind: 'literal', value: false, type: e.type } : e;
}
