/**
 * @module plan/optimize/fold-constants
 * Constant folding with PostgreSQL's planner rules (eval_const_expressions): expressions whose
 * inputs are all constants and that are not volatile are evaluated once; a strict operator or
 * function with a NULL constant argument is NULL without evaluating the others; AND / OR / NOT,
 * CASE and COALESCE drop constant branches by three-valued logic. Like PostgreSQL, this decides
 * which expressions are ever evaluated (`x / 0 > NULL` raises nothing), so ad-hoc queries and
 * views both get it. A folding error is left in place, raised if a row reaches it.
 */
import type { Value } from '../../common/value.ts';
import { compileScalar } from '../compile-scalar.ts';
import type { LogicalPlan } from '../logical.ts';
import { memoizePlanRewrite, planChildren, withChildren } from '../plan-visit.ts';
import type { ScalarExpr } from '../scalar.ts';
import { children, transformUp } from '../scalar-visit.ts';

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

export function foldExpression(e: ScalarExpr): ScalarExpr {
  return transformUp(e, (n) => {
    switch (n.kind) {
      case 'and':
      case 'or':
        return simplifyLogic(n);
      case 'case':
        return simplifyCase(n);
      case 'not':
        if (n.arg.kind === 'not') return n.arg.arg;
        break;
      case 'inList':
        if (isNullLiteral(n.arg)) return literal(null, n);
        break;
      case 'coalesce': {
        const args: ScalarExpr[] = [];
        for (const a of n.args) {
          if (isNullLiteral(a)) continue;
          args.push(a);
          if (a.kind === 'literal') break;
        }
        if (args.length === 0) return literal(null, n);
        return args.length === 1 ? args[0]! : { ...n, args };
      }
    }
    if (nullPropagating(n) && children(n).some(isNullLiteral)) return literal(null, n);
    if (!foldable(n)) return n;
    try {
      return literal(compileScalar(n)([], 0), n);
    } catch {
      return n;
    }
  });
}

function simplifyLogic(n: Extract<ScalarExpr, { kind: 'and' | 'or' }>): ScalarExpr {
  const absorbing = n.kind === 'or';
  const args: ScalarExpr[] = [];
  let sawNull = false;
  for (const a of n.args) {
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
    if (w.when.kind === 'literal') {
      if (w.when.value !== true) continue;
      if (whens.length === 0) return w.result;
      return { ...n, whens, otherwise: w.result };
    }
    whens.push(w);
  }
  return whens.length === 0 ? n.otherwise : { ...n, whens };
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
