/**
 * @module sql/bind/outer-aggregate
 * PostgreSQL's outer-level aggregates: an aggregate call inside a subquery whose arguments read
 * only an enclosing query's columns is computed by that query (`SELECT (SELECT sum(o.x)) FROM o`
 * sums over o). These helpers find the level a call belongs to and move its expressions there.
 */
import { FeatureNotSupportedError } from '../../common/errors.ts';
import type { ScalarExpr } from '../../plan/scalar.ts';
import { anyNode, transformUp } from '../../plan/scalar-visit.ts';

/**
 * The query level an aggregate belongs to, as PostgreSQL decides it: the nearest level whose
 * columns its arguments read (0: this query, also when they read no column at all).
 */
export function aggregateLevel(exprs: readonly ScalarExpr[]): number {
  let level = Number.POSITIVE_INFINITY;
  for (const e of exprs) {
    anyNode(e, (n) => {
      if (n.kind === 'column') level = 0;
      if (n.kind === 'outerRef') level = Math.min(level, n.depth);
      return false;
    });
  }
  return level === Number.POSITIVE_INFINITY ? 0 : level;
}

/** Rewrites an expression read `level` queries out as one of that query's own expressions. */
export function outerToLevel(e: ScalarExpr, level: number, position?: number): ScalarExpr {
  return transformUp(e, (n) => {
    if (n.kind === 'subquery') {
      throw new FeatureNotSupportedError(
        'a subquery inside an aggregate of an outer query is not supported',
        {
          position,
        },
      );
    }
    if (n.kind !== 'outerRef') return n;
    return n.depth === level
      ? { kind: 'column', index: n.index, type: n.type }
      : { ...n, depth: n.depth - level };
  });
}
