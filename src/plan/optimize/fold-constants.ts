/**
 * @module plan/optimize/fold-constants
 * Constant folding: evaluates at plan time every expression whose inputs are all constants and
 * that is not volatile, and simplifies AND/OR/NOT with constant arguments by three-valued logic.
 * A folding error (say, division by zero) is left in place so it is raised when the row is seen,
 * exactly as PostgreSQL would raise it.
 */

import { compileScalar } from '../compile-scalar.ts';
import type { LogicalPlan } from '../logical.ts';
import { planChildren, withChildren } from '../plan-visit.ts';
import type { ScalarExpr } from '../scalar.ts';
import { children, transformUp } from '../scalar-visit.ts';

function foldable(e: ScalarExpr): boolean {
  if (e.kind === 'column' || e.kind === 'outerRef' || e.kind === 'subquery' || e.kind === 'literal')
    return false;
  if (e.kind === 'call' && e.volatile) return false;
  return children(e).every((c) => c.kind === 'literal');
}

export function foldExpression(e: ScalarExpr): ScalarExpr {
  return transformUp(e, (n) => {
    if (n.kind === 'and' || n.kind === 'or') return simplifyLogic(n);
    if (!foldable(n)) return n;
    try {
      return { kind: 'literal', value: compileScalar(n)([], 0), type: n.type };
    } catch {
      return n;
    }
  });
}

function simplifyLogic(n: Extract<ScalarExpr, { kind: 'and' | 'or' }>): ScalarExpr {
  const absorbing = n.kind === 'or';
  const args: ScalarExpr[] = [];
  for (const a of n.args) {
    if (a.kind === 'literal' && a.value === absorbing) return a;
    if (a.kind === 'literal' && a.value === !absorbing) continue;
    args.push(a);
  }
  if (args.length === 0) return { kind: 'literal', value: !absorbing, type: n.type };
  if (args.length === 1 && args[0]!.type.id === 'bool') return args[0]!;
  return { ...n, args };
}

export function foldConstants(plan: LogicalPlan): LogicalPlan {
  const p = withChildren(plan, planChildren(plan).map(foldConstants));
  switch (p.kind) {
    case 'filter':
      return { ...p, predicate: foldExpression(p.predicate) };
    case 'map':
      return { ...p, exprs: p.exprs.map(foldExpression) };
    case 'join':
      return { ...p, on: foldExpression(p.on) };
    default:
      return p;
  }
}
