/**
 * @module plan/scalar-visit
 * Generic traversal of bound scalar expressions: rebuild with mapped children, structural
 * equality, and column-reference queries. Every rewrite of expressions goes through these, so a
 * new expression kind only needs handling here.
 */
import { unreachable } from '../common/errors.ts';
import { valuesEqual } from '../common/value-ops.ts';
import type { LogicalPlan } from './logical.ts';
import type { ScalarExpr } from './scalar.ts';

/** Rebuilds `e` with each direct child replaced by `f(child)` (subquery plans are left as they are). */
export function mapChildren(e: ScalarExpr, f: (child: ScalarExpr) => ScalarExpr): ScalarExpr {
  switch (e.kind) {
    case 'column':
    case 'literal':
    case 'outerRef':
      return e;
    case 'call':
      return { ...e, args: e.args.map(f) };
    case 'compare':
    case 'isDistinct':
      return { ...e, left: f(e.left), right: f(e.right) };
    case 'and':
    case 'or':
    case 'coalesce':
    case 'minMax':
      return { ...e, args: e.args.map(f) };
    case 'not':
    case 'isNull':
    case 'cast':
      return { ...e, arg: f(e.arg) };
    case 'case':
      return {
        ...e,
        whens: e.whens.map((w) => ({ when: f(w.when), result: f(w.result) })),
        otherwise: f(e.otherwise),
      };
    case 'inList':
      return { ...e, arg: f(e.arg), list: e.list.map(f) };
    case 'subquery':
      return e.test ? { ...e, test: f(e.test) } : e;
    default:
      return unreachable(e, 'scalar expression');
  }
}

/** The direct children of `e` (not descending into subquery plans). */
export function children(e: ScalarExpr): ScalarExpr[] {
  const out: ScalarExpr[] = [];
  mapChildren(e, (c) => {
    out.push(c);
    return c;
  });
  return out;
}

/** Bottom-up rewrite: `f` sees each node after its children were rewritten. */
export function transformUp(e: ScalarExpr, f: (node: ScalarExpr) => ScalarExpr): ScalarExpr {
  return f(mapChildren(e, (c) => transformUp(c, f)));
}

/** True if `pred` holds for `e` or any descendant (not inside subquery plans). */
export function anyNode(e: ScalarExpr, pred: (node: ScalarExpr) => boolean): boolean {
  if (pred(e)) return true;
  return children(e).some((c) => anyNode(c, pred));
}

/**
 * Structural equality of bound expressions (same shape, same columns, same constants).
 * Subqueries are equal when `plansEqual` says their plans are (by default only the same plan
 * object; plan-visit's `planEquals` compares them structurally).
 */
export function exprEquals(
  a: ScalarExpr,
  b: ScalarExpr,
  plansEqual: (x: LogicalPlan, y: LogicalPlan) => boolean = (x, y) => x === y,
): boolean {
  if (a === b) return true;
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case 'column':
      return a.index === (b as typeof a).index;
    case 'outerRef':
      return a.index === (b as typeof a).index && a.depth === (b as typeof a).depth;
    case 'literal':
      return a.type.id === b.type.id && valuesEqual(a.value, (b as typeof a).value);
    case 'call':
      if (a.name !== (b as typeof a).name || a.volatile) return false;
      break;
    case 'compare':
      if (a.op !== (b as typeof a).op) return false;
      break;
    case 'isNull':
    case 'isDistinct':
    case 'inList':
      if (a.negated !== (b as typeof a).negated) return false;
      break;
    case 'minMax':
      if (a.greatest !== (b as typeof a).greatest) return false;
      break;
    case 'cast':
      if (a.type.id !== b.type.id) return false;
      break;
    case 'subquery': {
      const s = b as typeof a;
      if (a.subquery !== s.subquery || a.op !== s.op || !plansEqual(a.plan, s.plan)) return false;
      break;
    }
  }
  const ca = children(a);
  const cb = children(b);
  return ca.length === cb.length && ca.every((c, i) => exprEquals(c, cb[i]!, plansEqual));
}

/** Column indexes referenced by `e` at its own level. */
export function referencedColumns(e: ScalarExpr, into: Set<number> = new Set()): Set<number> {
  if (e.kind === 'column') into.add(e.index);
  for (const c of children(e)) referencedColumns(c, into);
  return into;
}

/** Renumbers column references through `map` (old index → new index). */
export function remapColumns(e: ScalarExpr, map: (index: number) => number): ScalarExpr {
  return transformUp(e, (n) => (n.kind === 'column' ? { ...n, index: map(n.index) } : n));
}
