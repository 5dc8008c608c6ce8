/**
 * @module plan/one-time-filter
 * The quals of a WHERE that read no column of the rows they filter (constants, outer references,
 * uncorrelated subqueries, nothing volatile). PostgreSQL evaluates those once, before its input
 * runs (a Result node's one-time filter), and never runs the input when they are not all TRUE, so
 * errors the input's rows would raise are not raised. The evaluator does the same.
 */

import { outerDepth } from './plan-visit.ts';
import type { ScalarExpr } from './scalar.ts';
import { anyNode } from './scalar-visit.ts';

/** The conjuncts of `predicate` split into one-time quals and the rest, each in written order. */
export function splitOneTimeQuals(predicate: ScalarExpr): { oneTime: ScalarExpr[]; perRow: ScalarExpr[] } {
  const all = conjuncts(predicate);
  return { oneTime: all.filter((q) => !readsRow(q)), perRow: all.filter(readsRow) };
}

function conjuncts(e: ScalarExpr): ScalarExpr[] {
  return e.kind === 'and' ? e.args.flatMap(conjuncts) : [e];
}

/**
 * Whether `e` depends on the filtered row (or is volatile). A subquery reading any outer row counts
 * as reading this one: outerDepth does not say which level it reads.
 */
function readsRow(e: ScalarExpr): boolean {
  return anyNode(
    e,
    (n) =>
      n.kind === 'column' ||
      (n.kind === 'call' && n.volatile) ||
      (n.kind === 'subquery' && outerDepth(n.plan) > 0),
  );
}

/** The AND of `quals` (TRUE when there are none), typed as `like`, the predicate they came from. */
export function conjunction(quals: readonly ScalarExpr[], like: ScalarExpr): ScalarExpr {
  if (quals.length === 1) return quals[0]!;
  if (quals.length === 0) return { kind: 'literal', value: true, type: like.type };
  return { kind: 'and', args: quals, type: like.type };
}
