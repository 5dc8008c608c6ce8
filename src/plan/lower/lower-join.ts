/**
 * @module plan/lower/lower-join
 * Splits a join condition into equi-join keys and a residual: each top-level conjunct of the form
 * `leftExpr = rightExpr` or `leftExpr IS NOT DISTINCT FROM rightExpr` (each side reading only
 * one input, nothing volatile) becomes a key; every other conjunct joins the residual predicate.
 */

import { T } from '../../common/types.ts';
import type { RowFn, RowPredicate } from '../../dataflow/operator.ts';
import type { JoinKeyComponent } from '../../dataflow/operators/join-keys.ts';
import { compilePredicate, compileScalar } from '../compile-scalar.ts';
import type { ScalarExpr } from '../scalar.ts';
import { anyNode, referencedColumns, remapColumns } from '../scalar-visit.ts';

export interface JoinCondition {
  readonly keys: JoinKeyComponent[];
  /** The non-key conjuncts, over left ++ right; null when there are none. */
  readonly residual: ScalarExpr | null;
}

export function splitJoinCondition(on: ScalarExpr, leftArity: number): JoinCondition {
  const keys: JoinKeyComponent[] = [];
  const rest: ScalarExpr[] = [];
  for (const c of conjuncts(on)) {
    const key = asKey(c, leftArity);
    if (key !== null) keys.push(key);
    else if (!(c.kind === 'literal' && c.value === true)) rest.push(c);
  }
  const residual =
    rest.length === 0
      ? null
      : rest.length === 1
        ? rest[0]!
        : { kind: 'and' as const, args: rest, type: T.bool };
  return { keys, residual };
}

export function compileResidual(residual: ScalarExpr | null): RowPredicate | null {
  return residual === null ? null : compilePredicate(residual);
}

function conjuncts(e: ScalarExpr): ScalarExpr[] {
  if (e.kind !== 'and') return [e];
  return e.args.flatMap(conjuncts);
}

type Side = 'left' | 'right' | null;

function sideOf(e: ScalarExpr, leftArity: number): Side {
  if (anyNode(e, (n) => (n.kind === 'call' && n.volatile) || n.kind === 'subquery' || n.kind === 'outerRef'))
    return null;
  const cols = referencedColumns(e);
  if (cols.size === 0) return null;
  let left = false;
  let right = false;
  for (const c of cols) {
    if (c < leftArity) left = true;
    else right = true;
  }
  return left && right ? null : left ? 'left' : 'right';
}

function asKey(c: ScalarExpr, leftArity: number): JoinKeyComponent | null {
  let a: ScalarExpr;
  let b: ScalarExpr;
  let nullSafe: boolean;
  if (c.kind === 'compare' && c.op === '=') {
    a = c.left;
    b = c.right;
    nullSafe = false;
  } else if (c.kind === 'isDistinct' && c.negated) {
    a = c.left;
    b = c.right;
    nullSafe = true;
  } else return null;
  const sa = sideOf(a, leftArity);
  const sb = sideOf(b, leftArity);
  if (sa === null || sb === null || sa === sb) return null;
  const [l, r] = sa === 'left' ? [a, b] : [b, a];
  return {
    left: keyPart(l, 0),
    right: keyPart(r, leftArity),
    nullSafe,
    type: l.type,
  };
}

/** A column position (relative to the side's row) or a compiled expression over that row. */
function keyPart(e: ScalarExpr, offset: number): number | RowFn {
  if (e.kind === 'column') return e.index - offset;
  return compileScalar(offset === 0 ? e : remapColumns(e, (i) => i - offset));
}
