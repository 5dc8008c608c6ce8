/**
 * @module plan/optimize/pushdown
 * Predicate pushdown: moves each WHERE / ON conjunct as close to the relations it reads as SQL
 * semantics allow: through maps (by substitution), distinct, set operations and ORDER BY; into
 * join sides, or into an inner join's ON so the dataflow can key the join; below aggregates
 * with GROUP BY when it reads only group columns. Volatile predicates never move.
 */
import { T } from '../../common/types.ts';
import type { LogicalPlan } from '../logical.ts';
import {
  forEachNode,
  outerDepth,
  planChildren,
  planExpressions,
  sharedNodes,
  withChildren,
} from '../plan-visit.ts';
import type { ScalarExpr } from '../scalar.ts';
import { anyNode, exprEquals, referencedColumns, remapColumns, transformUp } from '../scalar-visit.ts';
import { isGate } from './gate-inputs.ts';

export function conjunctsOf(e: ScalarExpr): ScalarExpr[] {
  if (e.kind === 'and') return e.args.flatMap(conjunctsOf);
  if (e.kind === 'literal' && e.value === true) return [];
  return e.kind === 'or' ? factorOr(e) : [e];
}

/**
 * `(a AND x) OR (a AND y)` as `a`, `x OR y` (PostgreSQL's find_duplicate_ors; equal in three-valued
 * logic): a join condition repeated in every arm of an OR (TPC-H Q19) keys the join instead of
 * being tested on every pair. An arm left with nothing makes the OR true. Only ORs with nothing
 * volatile and no subquery are factored, so what is evaluated, and how often, is otherwise kept.
 */
function factorOr(e: Extract<ScalarExpr, { kind: 'or' }>): ScalarExpr[] {
  if (!movable(e)) return [e];
  const arms = e.args.map(conjunctsOf);
  const common = arms[0]!.filter((c) => arms.every((arm) => arm.some((d) => exprEquals(c, d))));
  if (common.length === 0) return [e];
  const rests = arms.map((arm) => arm.filter((d) => !common.some((c) => exprEquals(c, d))));
  if (rests.some((r) => r.length === 0)) return common;
  return [...common, { kind: 'or', args: rests.map(andOf), type: T.bool }];
}

export function andOf(parts: readonly ScalarExpr[]): ScalarExpr {
  if (parts.length === 0) return { kind: 'literal', value: true, type: T.bool };
  return parts.length === 1 ? parts[0]! : { kind: 'and', args: parts, type: T.bool };
}

function movable(e: ScalarExpr): boolean {
  return !anyNode(
    e,
    (n) => (n.kind === 'call' && n.volatile) || n.kind === 'subquery' || n.kind === 'outerRef',
  );
}

/**
 * Whether conjunct `p` may move. One holding a subquery may when the subquery is uncorrelated and
 * computes nothing volatile, and `p` reads a column of the row (`x.id IN (SELECT …)`): it filters
 * that column's side before a join, as PostgreSQL's semi join does (fuzz 1212:123). One reading
 * no column stays where it is (a one-time filter, tested before any row is read).
 */
function movableQual(p: ScalarExpr): boolean {
  if (movable(p)) return true;
  if (referencedColumns(p).size === 0) return false;
  return !anyNode(
    p,
    (n) =>
      (n.kind === 'call' && n.volatile) ||
      n.kind === 'outerRef' ||
      (n.kind === 'subquery' && (outerDepth(n.plan) > 0 || computesVolatile(n.plan))),
  );
}

function computesVolatile(plan: LogicalPlan): boolean {
  let found = false;
  forEachNode(plan, true, (node) => {
    if (planExpressions(node).some((e) => anyNode(e, (n) => n.kind === 'call' && n.volatile))) found = true;
  });
  return found;
}

function filterOver(input: LogicalPlan, parts: readonly ScalarExpr[]): LogicalPlan {
  if (parts.length === 0) return input;
  return { kind: 'filter', input, predicate: qualOf(parts), schema: input.schema };
}

/** A conjunct list with a constant other than TRUE passes no row: it becomes FALSE (a one-time filter). */
function qualOf(parts: readonly ScalarExpr[]): ScalarExpr {
  if (parts.some((p) => p.kind === 'literal' && p.value !== true))
    return { kind: 'literal', value: false, type: T.bool };
  return andOf(parts);
}

/**
 * A subplan read by several consumers (a CTE or view read twice) is rewritten once and stays
 * shared: predicates of one consumer stop above it instead of specialising a copy per consumer.
 */
interface Pushdown {
  readonly shared: ReadonlySet<LogicalPlan>;
  /** Rewritten node of each input node rewritten so far. */
  readonly done: Map<LogicalPlan, LogicalPlan>;
  /** The rewritten forms of shared nodes: `push` does not enter them. */
  readonly sharedOut: Set<LogicalPlan>;
}

export function pushdownPredicates(plan: LogicalPlan): LogicalPlan {
  return rewrite(plan, { shared: sharedNodes(plan, false), done: new Map(), sharedOut: new Set() });
}

function rewrite(plan: LogicalPlan, ctx: Pushdown): LogicalPlan {
  let out = ctx.done.get(plan);
  if (out) return out;
  if (plan.kind === 'filter') out = push(rewrite(plan.input, ctx), conjunctsOf(plan.predicate), ctx);
  else if (plan.kind === 'join')
    out = pushJoin({ ...plan, left: rewrite(plan.left, ctx), right: rewrite(plan.right, ctx) }, [], ctx);
  else
    out = withChildren(
      plan,
      planChildren(plan).map((c) => rewrite(c, ctx)),
    );
  ctx.done.set(plan, out);
  if (ctx.shared.has(plan)) ctx.sharedOut.add(out);
  return out;
}

/** Places `parts` (predicates over `plan`'s output) as deep into `plan` as allowed. */
function push(plan: LogicalPlan, parts: readonly ScalarExpr[], ctx: Pushdown): LogicalPlan {
  if (ctx.sharedOut.has(plan)) return filterOver(plan, parts);
  const fixed = parts.filter((p) => !movableQual(p));
  const free = parts.filter(movableQual);
  if (free.length === 0) return filterOver(plan, fixed);
  let pushed: LogicalPlan;
  switch (plan.kind) {
    case 'filter':
      pushed = push(plan.input, [...conjunctsOf(plan.predicate), ...free], ctx);
      break;
    case 'map': {
      const substitutable = plan.exprs.every((e) => movable(e));
      if (!substitutable) return filterOver(plan, parts);
      // A conjunct reading an outer join's NULL-extended side runs only on its unmatched rows:
      // below the padding it would also meet (and could raise on) rows that found a match.
      const padded = (p: ScalarExpr): boolean =>
        plan.nullPadding === true && [...referencedColumns(p)].some((i) => plan.exprs[i]!.kind === 'literal');
      const through = free
        .filter((p) => !padded(p))
        .map((p) => transformUp(p, (n) => (n.kind === 'column' ? plan.exprs[n.index]! : n)));
      const stay = parts.filter((p) => !movableQual(p) || padded(p));
      return filterOver({ ...plan, input: push(plan.input, through, ctx) }, stay);
    }
    case 'join':
      // Below a gate rows may not be computed yet (gate-inputs.ts): nothing is evaluated there.
      if (isGate(plan)) return filterOver(plan, parts);
      pushed = pushJoin(plan, free, ctx);
      break;
    case 'distinct':
    case 'orderBy':
      pushed = { ...plan, input: push(plan.input, free, ctx) };
      break;
    case 'setOp':
      pushed = { ...plan, left: push(plan.left, free, ctx), right: push(plan.right, free, ctx) };
      break;
    case 'aggregate': {
      // Without GROUP BY the aggregate yields a row even from no input, so nothing may go below
      // it: `WHERE false` above must still remove that row.
      const groupOnly = (p: ScalarExpr): boolean =>
        plan.groupBy.length > 0 && [...referencedColumns(p)].every((i) => i < plan.groupBy.length);
      const below = free.filter(groupOnly).map((p) => remapColumns(p, (i) => plan.groupBy[i]!));
      const above = free.filter((p) => !groupOnly(p));
      return filterOver({ ...plan, input: push(plan.input, below, ctx) }, [...above, ...fixed]);
    }
    case 'topK':
    case 'window': {
      const partitionOnly = (p: ScalarExpr): boolean =>
        [...referencedColumns(p)].every((i) => plan.partitionBy.includes(i));
      const below = free.filter(partitionOnly);
      const above = free.filter((p) => !partitionOnly(p));
      return filterOver({ ...plan, input: push(plan.input, below, ctx) } as LogicalPlan, [
        ...above,
        ...fixed,
      ]);
    }
    default:
      return filterOver(plan, parts);
  }
  return filterOver(pushed, fixed);
}

/** Distributes `parts` (over the join's output) and the join's own ON conjuncts. */
function pushJoin(
  join: Extract<LogicalPlan, { kind: 'join' }>,
  parts: readonly ScalarExpr[],
  ctx: Pushdown,
): LogicalPlan {
  const nl = join.left.schema.length;
  const sideOf = (p: ScalarExpr): 'left' | 'right' | 'both' | 'none' => {
    const cols = [...referencedColumns(p)];
    if (cols.length === 0) return 'none';
    if (cols.every((c) => c < nl)) return 'left';
    if (cols.every((c) => c >= nl)) return 'right';
    return 'both';
  };
  const toRight = (p: ScalarExpr): ScalarExpr => remapColumns(p, (i) => i - nl);
  const leftParts: ScalarExpr[] = [];
  const rightParts: ScalarExpr[] = [];
  const onParts: ScalarExpr[] = [];
  const above: ScalarExpr[] = [];
  const type = join.joinType;
  const semi = type === 'semi' || type === 'anti';
  // A right-only ON conjunct filters the right side, except in the null-aware anti join of
  // NOT IN, where a right row whose comparison is NULL still blocks the left row.
  const filtersRight =
    type === 'inner' || type === 'left' || type === 'semi' || (type === 'anti' && !join.nullAwareAnti);
  // The join's own ON conjuncts, first: a pair the ON rejects never meets a WHERE conjunct that
  // joins it (as written, the WHERE runs on the join's output; an error there stays unraised).
  for (const p of conjunctsOf(join.on)) {
    const side = movableQual(p) ? sideOf(p) : 'both';
    if (side === 'left' && (type === 'inner' || type === 'right' || type === 'semi')) leftParts.push(p);
    else if (side === 'right' && filtersRight) rightParts.push(toRight(p));
    else onParts.push(p);
  }
  // WHERE conjuncts over the join's output.
  for (const p of parts) {
    const side = sideOf(p);
    if ((side === 'left' || side === 'none') && (type === 'inner' || type === 'left' || semi))
      leftParts.push(p);
    else if (side === 'right' && (type === 'inner' || type === 'right')) rightParts.push(toRight(p));
    else if (side === 'both' && type === 'inner') onParts.push(p);
    else above.push(p);
  }
  const pushed: LogicalPlan = {
    ...join,
    left: push(join.left, leftParts, ctx),
    right: push(join.right, rightParts, ctx),
    // In the null-aware anti join a NULL condition is unknown, not false: it still blocks the
    // left row while the right side has rows, so a NULL constant must not become FALSE there.
    on: join.nullAwareAnti ? andOf(onParts) : qualOf(onParts),
  };
  return filterOver(pushed, above);
}
