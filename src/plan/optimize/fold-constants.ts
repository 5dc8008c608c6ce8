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
  return fold(e, true);
}

/**
 * `raise` false leaves an expression whose folding fails in place, raised only if a row reaches
 * it: for a subquery's output column, which PostgreSQL drops unfolded when nothing reads it.
 */
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
 * Folds constants in every node. The query's own output columns are folded so that an error is
 * raised, as PostgreSQL's plan always computes them; a subquery's may go unread, so an error there
 * waits for a row (PostgreSQL drops an unread column before folding it).
 */
export function foldConstants(plan: LogicalPlan): LogicalPlan {
  raiseInOutputColumns(plan);
  return foldNode(plan);
}

function raiseInOutputColumns(plan: LogicalPlan): void {
  switch (plan.kind) {
    case 'map':
      for (const e of plan.exprs) foldExpression(e);
      return;
    case 'orderBy':
    case 'topK':
    case 'distinct':
    case 'setOp':
      for (const child of planChildren(plan)) raiseInOutputColumns(child);
      return;
  }
}

/** Each node of a shared subplan is folded once (the result stays shared). */
const foldNode = memoizePlanRewrite((plan: LogicalPlan): LogicalPlan => {
  const p = withChildren(plan, planChildren(plan).map(foldNode));
  switch (p.kind) {
    case 'filter':
      return { ...p, predicate: foldQual(foldExpression(p.predicate)) };
    case 'map':
      return { ...p, exprs: p.exprs.map((e) => fold(e, false)) };
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
