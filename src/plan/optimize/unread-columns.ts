/**
 * @module plan/optimize/unread-columns
 * What PostgreSQL's planner keeps of a query, applied to a bound plan before anything runs. It
 * drops a subquery's output column that nothing reads (pulling a simple subquery up into its
 * parent, `remove_unused_subquery_outputs` otherwise, an EXISTS subquery's whole output), so such
 * a column is never computed, and errors only a row would raise in it are never raised: here it
 * becomes NULL. Every expression it keeps is folded at plan time, so an error folding a constant
 * is the query's error even on no rows (`ARRAY[ARRAY[1], ARRAY[1,2]]` fails on an empty table):
 * here it is raised, after a pulled-up subquery's constant columns are put in their readers'
 * expressions, as the pull-up puts them. A LEFT JOIN PostgreSQL removes keeps only its left side
 * (`join-removal.ts`); a pulled-up subquery's computed columns move above the joins and WHERE
 * it sits in (`pull-up-maps.ts`). The plan is walked from its output down, carrying which
 * output columns of each node some consumer reads.
 */
import type { JoinType, LogicalPlan } from '../logical.ts';
import { forEachNode, planExpressions, sharedNodes } from '../plan-visit.ts';
import { isPlannedCte, plannedCtesOf } from '../planned-ctes.ts';
import { isAppendUnion, isGroupingSetUnion, isPullUpBarrier } from '../pull-up-barrier.ts';
import type { ScalarExpr, Subquery } from '../scalar.ts';
import { anyNode, children, referencedColumns, transformUp } from '../scalar-visit.ts';
import { canonicalQual, foldExpression, foldQuietly } from './fold-expression.ts';
import { removableSide } from './join-removal.ts';
import { reducedJoinTypes } from './outer-join-reduction.ts';
import { pullUpMaps, pullUpThroughFilter } from './pull-up-maps.ts';
import { raisePushedQualErrors } from './pushed-quals.ts';

type Columns = ReadonlySet<number>;

interface Walk {
  /** `plan` rewritten for the output columns `read`. */
  visit(plan: LogicalPlan, read: Columns): LogicalPlan;
  /** Whether `plan` is a CTE or view read more than once (planned whole, never pulled up). */
  shared(plan: LogicalPlan): boolean;
  /** The outer joins reduce_outer_joins reduces, with the type each becomes. */
  readonly reduced: ReadonlyMap<LogicalPlan, JoinType>;
}

/**
 * `plan` with every output column no consumer reads replaced by NULL (volatile ones excepted, kept
 * for their side effects as PostgreSQL keeps them); throws the first error folding the constants
 * of what is kept raises.
 */
export function nullUnreadColumns(plan: LogicalPlan): LogicalPlan {
  // A CTE or view read twice is planned once as a whole (a materialized CTE keeps every column),
  // also one read twice in the query text but once here, or only from CTEs nothing reads.
  const sharedHere = sharedNodes(plan, true);
  const shared = { has: (p: LogicalPlan) => sharedHere.has(p) || isPlannedCte(p) };
  const done = new Map<LogicalPlan, LogicalPlan>();
  const walk: Walk = {
    visit(p, read) {
      for (const cte of plannedCtesOf(p)) walk.visit(cte, allColumns(cte));
      if (!shared.has(p)) return rewriteNode(p, read, walk);
      let out = done.get(p);
      if (!out) {
        out = rewriteNode(p, allColumns(p), walk);
        done.set(p, out);
      }
      return out;
    },
    shared: (p) => shared.has(p),
    reduced: reducedJoinTypes(plan),
  };
  return walk.visit(plan, allColumns(plan));
}

/**
 * Keeps `e` (an expression PostgreSQL plans): folds it, raising what folding raises, adds the
 * input columns it reads to `into`, and rewrites the subqueries folding kept.
 */
function keep(e: ScalarExpr, into: Set<number>, walk: Walk, qual = false): ScalarExpr {
  let folded = foldExpression(e);
  if (qual) {
    // A WHERE / ON condition: PostgreSQL's canonicalize_qual may rule out what reads a column.
    const canonical = canonicalQual(folded);
    if (canonical !== folded) e = folded = canonical;
  }
  referencedColumns(folded, into);
  const rewritten = new Map<LogicalPlan, LogicalPlan>();
  for (const s of subqueriesOf(folded)) {
    outerColumns(s.plan, 1, into);
    rewritten.set(s.plan, rewriteSubquery(s, walk));
  }
  if (rewritten.size === 0) return e;
  return transformUp(e, (n) => {
    const plan = n.kind === 'subquery' ? rewritten.get(n.plan) : undefined;
    return plan ? { ...n, plan } : n;
  });
}

function nullOf(e: ScalarExpr): ScalarExpr {
  return { kind: 'literal', value: null, type: e.type };
}

const isVolatile = (e: ScalarExpr): boolean => anyNode(e, (n) => n.kind === 'call' && n.volatile);

/** `p` with its children rewritten for the columns of them its kept expressions read. */
function rewriteNode(p: LogicalPlan, read: Columns, walk: Walk): LogicalPlan {
  const visit = walk.visit;
  const inline = (e: ScalarExpr, input: LogicalPlan) =>
    inlineConstants(e, (i) => constantColumn(input, i, walk));
  switch (p.kind) {
    case 'get':
      return p;
    case 'values': {
      // A one-row VALUES is pulled up like a simple subquery; a longer one is planned whole.
      const wanted = p.rows.length === 1 ? read : allColumns(p);
      const rows = p.rows.map((row) =>
        row.map((e, i) => (wanted.has(i) || isVolatile(e) ? keep(e, new Set(), walk) : nullOf(e))),
      );
      return { ...p, rows };
    }
    case 'filter': {
      const inputRead = new Set(read);
      const predicate = keep(inline(p.predicate, p.input), inputRead, walk, true);
      // A WHERE that is never TRUE over a single FROM subquery: PostgreSQL marks that relation
      // empty before it plans the subquery, so nothing in it is folded (nor run: see foldPlan).
      if (isRuledOut(foldExpression(predicate)) && overSubquery(p, walk)) {
        // The WHERE under a HAVING, and those of subqueries pulled up on the way, are the query's
        // own quals: PostgreSQL folds them first (fuzz 1919:66).
        for (const q of filtersAbove(p, walk)) keep(inline(q.predicate, q.input), new Set(), walk, true);
        return { ...p, predicate };
      }
      const filtered = { ...p, predicate, input: visit(p.input, inputRead) };
      return pullUpThroughFilter(filtered, isPulledUpMap(p.input, walk));
    }
    case 'map': {
      const inputRead = new Set<number>();
      const exprs = p.exprs.map((e, i) =>
        read.has(i) || isVolatile(e) ? keep(inline(e, p.input), inputRead, walk) : nullOf(e),
      );
      return { ...p, exprs, input: visit(p.input, inputRead) };
    }
    case 'join': {
      const needed = new Set(read);
      const nl = p.left.schema.length;
      // PostgreSQL removes joins after reducing outer joins: a FULL JOIN a WHERE makes LEFT can go.
      const reducedType = walk.reduced.get(p);
      const removed = removableSide(reducedType ? { ...p, joinType: reducedType } : p, read, walk.shared);
      if (removed !== null) return withoutSide(p, removed, read, walk);
      raisePushedQualErrors(p, walk.shared, (side) =>
        [...read].some((i) => (side === 'left' ? i < nl : i >= nl)),
      );
      const sideConstant = (i: number) =>
        i < nl ? joinSideConstant(p, 'left', i, walk) : joinSideConstant(p, 'right', i - nl, walk);
      // In its own ON even an outer join's nullable side needs no placeholder (PostgreSQL's pull-up
      // wraps constants only above the lowest outer join nulling them, and always in a FULL
      // join's ON): folded with them for its errors; the plan keeps the columns as join keys.
      if (p.joinType === 'left' || p.joinType === 'right') {
        const ownConstant = (i: number) =>
          i < nl ? constantColumn(p.left, i, walk) : constantColumn(p.right, i - nl, walk);
        foldExpression(inlineConstants(p.on, ownConstant));
      }
      const on = keep(inlineConstants(p.on, sideConstant), needed, walk, true);
      const left = new Set([...needed].filter((i) => i < nl));
      const right = new Set([...needed].filter((i) => i >= nl).map((i) => i - nl));
      const joined = { ...p, on, left: visit(p.left, left), right: visit(p.right, right) };
      return pullUpMaps(joined, (side) => isPulledUpMap(p[side], walk));
    }
    case 'aggregate': {
      const g = p.groupBy.length;
      const inputRead = new Set(p.groupBy);
      p.aggregates.forEach((call, k) => {
        if (!read.has(g + k)) {
          // jsonb_object_agg raises on a NULL key: an unread one keeps its keys.
          if (call.fn === 'jsonb_object_agg') inputRead.add(call.args[0]!);
          return;
        }
        for (const a of call.args) inputRead.add(a);
        if (call.filter !== null) inputRead.add(call.filter);
        for (const o of call.orderBy) inputRead.add(o.column);
      });
      return { ...p, input: visit(p.input, inputRead) };
    }
    case 'window': {
      const arity = p.input.schema.length;
      const inputRead = new Set([...read].filter((i) => i < arity));
      for (const i of p.partitionBy) inputRead.add(i);
      for (const o of p.orderBy) inputRead.add(o.column);
      p.calls.forEach((call, k) => {
        if (read.has(arity + k)) for (const a of call.args) inputRead.add(a);
      });
      return { ...p, input: visit(p.input, inputRead) };
    }
    case 'topK':
    case 'orderBy': {
      const inputRead = new Set(read);
      if (p.kind === 'topK') for (const i of p.partitionBy) inputRead.add(i);
      for (const o of p.orderBy) inputRead.add(o.column);
      return { ...p, input: visit(p.input, inputRead) };
    }
    case 'flatMap': {
      const arity = p.input.schema.length;
      const inputRead = new Set([...read].filter((i) => i < arity));
      const args = p.args.map((e) => keep(inline(e, p.input), inputRead, walk));
      return { ...p, args, input: visit(p.input, inputRead) };
    }
    // Every column of a DISTINCT is compared; a set operation is planned whole, except a UNION
    // ALL that PostgreSQL flattens into its branches (read as a FROM subquery: `read` is then
    // what its reader reads; anywhere else every column is read).
    case 'distinct':
      return { ...p, input: visit(p.input, allColumns(p.input)) };
    case 'setOp':
      if (isAppendUnion(p))
        return { ...p, left: appendBranch(p.left, read, walk), right: appendBranch(p.right, read, walk) };
      return { ...p, left: visit(p.left, allColumns(p.left)), right: visit(p.right, allColumns(p.right)) };
  }
}

/**
 * A LEFT (RIGHT) JOIN PostgreSQL removes (`join-removal.ts`): its ON is folded, as PostgreSQL folds
 * it before removing the join (a pulled-up side's constants put in), and its subqueries planned;
 * the removed side is never planned, so its columns become NULL over the other input.
 */
function withoutSide(
  p: Extract<LogicalPlan, { kind: 'join' }>,
  removed: 'left' | 'right',
  read: Columns,
  walk: Walk,
): LogicalPlan {
  const nl = p.left.schema.length;
  const ownConstant = (i: number) =>
    i < nl ? constantColumn(p.left, i, walk) : constantColumn(p.right, i - nl, walk);
  keep(inlineConstants(p.on, ownConstant), new Set(), walk);
  const kept = removed === 'right' ? p.left : p.right;
  const base = removed === 'right' ? 0 : nl;
  const input = walk.visit(kept, new Set([...read].filter((i) => i >= base).map((i) => i - base)));
  const isKept = (i: number): boolean => i >= base && i < base + kept.schema.length;
  return {
    kind: 'map',
    input,
    exprs: p.schema.map((c, i) =>
      isKept(i)
        ? { kind: 'column', index: i - base, type: c.type }
        : { kind: 'literal', value: null, type: c.type },
    ),
    schema: p.schema,
  };
}

/**
 * Whether the filter's input is one FROM relation that is a subquery PostgreSQL plans on its own
 * (looking through subqueries it pulls up, and from a HAVING through its grouping). Over a join (a USING join's merged columns included)
 * the constant-FALSE WHERE becomes a gate above the join, and the subqueries are planned.
 */
function overSubquery(filter: Extract<LogicalPlan, { kind: 'filter' }>, walk: Walk): boolean {
  let p = filter.input;
  // A HAVING without aggregates is a WHERE to PostgreSQL's planner (it moves or copies it there).
  if (p.kind === 'aggregate' && !walk.shared(p)) p = p.input;
  if (isGroupingSetUnion(p)) return false;
  while (!walk.shared(p) && !isPullUpBarrier(p) && (p.kind === 'filter' || (p.kind === 'map' && pulledUp(p))))
    p = p.input;
  const k = p.kind;
  return (
    k === 'map' || k === 'distinct' || k === 'topK' || k === 'setOp' || k === 'orderBy' || k === 'window'
  );
}

/** The filters `overSubquery` looks through below `filter`, on the way to the subquery. */
function filtersAbove(
  filter: Extract<LogicalPlan, { kind: 'filter' }>,
  walk: Walk,
): Extract<LogicalPlan, { kind: 'filter' }>[] {
  const out: Extract<LogicalPlan, { kind: 'filter' }>[] = [];
  let p = filter.input;
  if (p.kind === 'aggregate' && !walk.shared(p)) p = p.input;
  // A map over a filter is a select list over a WHERE (its own level's, or a subquery's pulled up).
  const passes = (m: LogicalPlan): boolean =>
    m.kind === 'filter' ||
    (m.kind === 'map' && (pulledUp(m) || (m.input.kind === 'filter' && !m.exprs.some(isVolatile))));
  while (!walk.shared(p) && !isPullUpBarrier(p) && passes(p)) {
    if (p.kind === 'filter') out.push(p);
    p = (p as Extract<LogicalPlan, { kind: 'filter' | 'map' }>).input;
  }
  return out;
}

const isRuledOut = (e: ScalarExpr): boolean => e.kind === 'literal' && e.value !== true;

function allColumns(plan: LogicalPlan): Columns {
  return new Set(plan.schema.keys());
}

/**
 * A subquery expression's plan: all its columns are read, except for an EXISTS, whose output
 * PostgreSQL throws away (with its DISTINCT and ORDER BY) unless the query aggregates, limits,
 * combines rows or calls a set-returning function.
 */
function rewriteSubquery(s: Subquery, walk: Walk): LogicalPlan {
  const visit = walk.visit;
  if (s.subquery !== 'exists' || !existsDiscardsOutput(s.plan)) return visit(s.plan, allColumns(s.plan));
  const shell = (p: LogicalPlan): LogicalPlan =>
    p.kind === 'distinct' || p.kind === 'orderBy' ? { ...p, input: shell(p.input) } : visit(p, new Set());
  return shell(s.plan);
}

function existsDiscardsOutput(plan: LogicalPlan): boolean {
  let p = plan;
  while (p.kind === 'distinct' || p.kind === 'orderBy' || p.kind === 'map' || p.kind === 'filter')
    p = p.input;
  return !(
    p.kind === 'aggregate' ||
    p.kind === 'window' ||
    p.kind === 'topK' ||
    p.kind === 'setOp' ||
    p.kind === 'flatMap'
  );
}

/**
 * The constant expression column `index` of `plan` always holds, where PostgreSQL pulls a simple
 * subquery up into its reader and so folds that constant in the reader's expressions
 * (`ARRAY[x.a, ARRAY[1,2]]` over `(SELECT ARRAY[1] AS a …) x` fails while planning). Not through
 * a subquery that aggregates, limits, sorts or combines rows or has its own WITH
 * (`pull-up-barrier.ts`), a CTE read twice, or the nullable side of an outer join (PostgreSQL
 * keeps a placeholder there, NULL for unmatched rows).
 */
function constantColumn(plan: LogicalPlan, index: number, walk: Walk): ScalarExpr | undefined {
  if (walk.shared(plan) || isPullUpBarrier(plan)) return undefined;
  switch (plan.kind) {
    case 'map': {
      const e = plan.exprs[index]!;
      if (e.kind === 'column') return constantColumn(plan.input, e.index, walk);
      return isConstant(e) && pulledUp(plan) ? e : undefined;
    }
    case 'filter':
      return constantColumn(plan.input, index, walk);
    case 'join': {
      const nl = plan.left.schema.length;
      return index < nl
        ? joinSideConstant(plan, 'left', index, walk)
        : joinSideConstant(plan, 'right', index - nl, walk);
    }
    default:
      return undefined;
  }
}

function joinSideConstant(
  join: Extract<LogicalPlan, { kind: 'join' }>,
  side: 'left' | 'right',
  index: number,
  walk: Walk,
): ScalarExpr | undefined {
  const nullable = join.joinType === 'full' || join.joinType === (side === 'left' ? 'right' : 'left');
  return nullable ? undefined : constantColumn(join[side], index, walk);
}

/**
 * A branch of a flattened UNION ALL for the columns its reader reads. PostgreSQL pulls a branch
 * over one relation and no WHERE up into the append (is_safe_append_member), where it folds every
 * column, raising their constant errors, though it computes only the read ones; any other branch
 * (a join, a WHERE, grouping) is planned as a subquery without its unread columns.
 */
function appendBranch(branch: LogicalPlan, read: Columns, walk: Walk): LogicalPlan {
  if (branch.kind === 'map' && !isPullUpBarrier(branch) && overOneRelation(branch.input))
    branch.exprs.forEach((e, i) => {
      if (!read.has(i)) foldExpression(e);
    });
  return walk.visit(branch, read);
}

function overOneRelation(p: LogicalPlan): boolean {
  return p.kind === 'get' || (p.kind === 'values' && p.rows.length === 1 && p.schema.length === 0);
}

/**
 * A map PostgreSQL pulls up into its reader: one over relations, joins and WHERE filters only,
 * computing nothing volatile (which pulling up could evaluate more than once).
 */
function pulledUp(map: Extract<LogicalPlan, { kind: 'map' }>): boolean {
  if (map.exprs.some(isVolatile)) return false;
  let p = map.input;
  while (p.kind === 'filter') p = p.input;
  return p.kind === 'get' || p.kind === 'join' || p.kind === 'map' || p.kind === 'values';
}

/** Whether bound `p` is a map PostgreSQL pulls up into its reader, computed where that reads it. */
function isPulledUpMap(p: LogicalPlan, walk: Walk): boolean {
  return p.kind === 'map' && !walk.shared(p) && !isPullUpBarrier(p) && pulledUp(p);
}

function isConstant(e: ScalarExpr): boolean {
  return !anyNode(
    e,
    (n) =>
      n.kind === 'column' ||
      n.kind === 'outerRef' ||
      n.kind === 'subquery' ||
      (n.kind === 'call' && n.volatile),
  );
}

/** `e` with each column reference `constantOf` resolves replaced by that constant. */
function inlineConstants(e: ScalarExpr, constantOf: (index: number) => ScalarExpr | undefined): ScalarExpr {
  return transformUp(e, (n) => (n.kind === 'column' ? (constantOf(n.index) ?? n) : n));
}

/** The subquery expressions in `e`, outside any subquery plan. */
function subqueriesOf(e: ScalarExpr, into: Subquery[] = []): Subquery[] {
  if (e.kind === 'subquery') into.push(e);
  for (const c of children(e)) subqueriesOf(c, into);
  return into;
}

/**
 * Adds to `into` the columns of the enclosing row that `plan`, a subquery `depth` levels in,
 * reads through outer references that folding keeps: they are read as surely as a plain column
 * reference.
 */
function outerColumns(plan: LogicalPlan, depth: number, into: Set<number>): void {
  const visitExpr = (e: ScalarExpr): void => {
    if (e.kind === 'outerRef' && e.depth === depth) into.add(e.index);
    if (e.kind === 'subquery') outerColumns(e.plan, depth + 1, into);
    for (const c of children(e)) visitExpr(c);
  };
  // As folded: a reference folding drops (`false AND x.c = 1`) reads nothing.
  forEachNode(plan, false, (node) => {
    for (const e of planExpressions(node)) visitExpr(foldQuietly(e));
  });
}
