/**
 * @module plan/evaluate/evaluate
 * The one-shot evaluator: computes a logical plan's result from scratch over the current
 * contents of the relations it reads. It serves ad-hoc SELECTs and is the oracle the incremental
 * dataflow is checked against, so every node is implemented in the plainest correct way
 * (correlated subqueries are evaluated per outer row, as SQL defines them). A subplan read by
 * several consumers (a CTE read twice) that reads no outer row is computed once per evaluation.
 * Each node is a generator streaming its rows to its consumer (row-stream), so a pipeline of
 * scans, filters, projections and set-returning functions holds no rows; every loop reports to
 * the statement's QueryGuard (limits, cancel) and passes a pause up when the guard's time slice
 * is over; `evaluate-sliced` drives it across slices.
 */
import { InternalError, SemanticError, SqlState, unreachable } from '../../common/errors.ts';
import type { Value } from '../../common/value.ts';
import { compareValues } from '../../common/value-ops.ts';
import { compilePredicate, compileScalar, type RowFn, type ScalarHooks } from '../compile-scalar.ts';
import type { LogicalPlan } from '../logical.ts';
import { conjunction, splitOneTimeQuals } from '../one-time-filter.ts';
import { outerDepth, sharedNodes } from '../plan-visit.ts';
import { compareHolds, type ScalarExpr, type Subquery } from '../scalar.ts';
import { aggregateRows, distinctRows, orderByRows, setOperationRows, topKRows } from './evaluate-holding.ts';
import { joinRows } from './evaluate-join.ts';
import { QueryGuard } from './query-guard.ts';
import {
  collectRows,
  type Evaluation,
  type RelationRows,
  type RowStream,
  type Rows,
  runToEnd,
  streamRows,
} from './row-stream.ts';
import { SubqueryPending, settle } from './subquery-pending.ts';
import { evaluateWindow } from './window-fold.ts';

export { type Evaluation, type RelationRows, type RowStream, type Rows, runToEnd } from './row-stream.ts';

export interface EvaluationSource {
  /** The current contents of a relation (table, source or materialized view), as a bag of rows. */
  readRelation(relationId: number): RelationRows;
  /** Column sets the relation is indexed on (primary key, CREATE INDEX), for point lookups. */
  indexes?(relationId: number): readonly (readonly number[])[];
  /** The rows whose `columns` equal `key`, from an index on exactly those columns. */
  lookup?(relationId: number, columns: readonly number[], key: readonly Value[]): Rows;
}

/**
 * Evaluates `plan` to its bag of rows (ordered when the plan ends in ORDER BY), in one go.
 * `guard` bounds it (57014, 53200); by default only by `eddy.query_memory`'s default.
 */
export function evaluatePlan(plan: LogicalPlan, source: EvaluationSource, guard = new QueryGuard()): Rows {
  return runToEnd(startEvaluation(plan, source, guard));
}

/** An evaluation to drive slice by slice (see evaluate-sliced). */
export function startEvaluation(plan: LogicalPlan, source: EvaluationSource, guard: QueryGuard): Evaluation {
  return new Evaluator(source, sharedNodes(plan, true), guard).run(plan);
}

/** What EXPLAIN ANALYZE reports of one plan node: rows out, runs, milliseconds (its inputs' included). */
export interface NodeProfile {
  rows: number;
  loops: number;
  ms: number;
}

/**
 * Evaluates `plan` as evaluatePlan does, counting each node's rows, runs (a node under a
 * correlated subquery runs once per outer row) and the time spent pulling its rows.
 */
export function profilePlan(
  plan: LogicalPlan,
  source: EvaluationSource,
  guard: QueryGuard,
): { rows: Rows; profile: Map<LogicalPlan, NodeProfile> } {
  const profile = new Map<LogicalPlan, NodeProfile>();
  const rows = runToEnd(new Evaluator(source, sharedNodes(plan, true), guard, profile).run(plan));
  return { rows, profile };
}

/** An evaluation whose result rows are handed out one at a time, never held (see evaluate-sliced). */
export function streamEvaluation(plan: LogicalPlan, source: EvaluationSource, guard: QueryGuard): RowStream {
  return new Evaluator(source, sharedNodes(plan, true), guard).stream(plan);
}

function* countRows(stream: RowStream, entry: NodeProfile): RowStream {
  entry.loops++;
  for (;;) {
    const start = performance.now();
    const step = stream.next();
    entry.ms += performance.now() - start;
    if (step.done) return;
    if (step.value !== undefined) entry.rows++;
    yield step.value;
  }
}

class Evaluator {
  private readonly outer: (readonly Value[])[] = [];
  private readonly hooks: ScalarHooks;
  private readonly source: EvaluationSource;
  private readonly shared: ReadonlySet<LogicalPlan>;
  private readonly guard: QueryGuard;
  /**
   * Results of shared subplans (consumers never mutate rows): the first map holds those that read
   * no outer row; one more map per outer row being evaluated holds those that read outer rows,
   * valid while that row is.
   */
  private readonly sharedResults: Map<LogicalPlan, Rows>[] = [new Map()];
  /** Set by EXPLAIN ANALYZE: every node's stream is then counted and timed. */
  private readonly profile: Map<LogicalPlan, NodeProfile> | undefined;

  constructor(
    source: EvaluationSource,
    shared: ReadonlySet<LogicalPlan>,
    guard: QueryGuard,
    profile?: Map<LogicalPlan, NodeProfile>,
  ) {
    this.source = source;
    this.shared = shared;
    this.guard = guard;
    this.profile = profile;
    this.hooks = {
      outerRef: (e) => {
        const depth = e.depth;
        const index = e.index;
        return () => {
          const row = this.outer[this.outer.length - depth];
          if (!row) throw new InternalError(`outer reference at depth ${depth} has no row`);
          return row[index]!;
        };
      },
      subquery: (e, compile) => this.compileSubquery(e, compile),
    };
  }

  /** A node's rows, held (the query's result, a subquery's, a shared subplan's). */
  *run(plan: LogicalPlan): Evaluation {
    if (!this.shared.has(plan))
      return yield* collectRows(this.profiled(plan, this.streamNode(plan)), plan.schema.length, this.guard);
    const results = this.sharedResults[outerDepth(plan) === 0 ? 0 : this.sharedResults.length - 1]!;
    let rows = results.get(plan);
    if (!rows) {
      rows = yield* collectRows(this.profiled(plan, this.streamNode(plan)), plan.schema.length, this.guard);
      results.set(plan, rows);
    }
    return rows;
  }

  /**
   * A node's rows one at a time (a shared subplan's from its held result). It hands out the
   * node's own generator rather than wrapping it: every wrapping generator costs each row a hop.
   */
  stream(plan: LogicalPlan): RowStream {
    if (this.shared.has(plan)) return this.streamShared(plan);
    return this.profiled(plan, this.streamNode(plan));
  }

  /** The node's stream as is, or counted and timed under EXPLAIN ANALYZE. */
  private profiled(plan: LogicalPlan, stream: RowStream): RowStream {
    if (this.profile === undefined) return stream;
    let entry = this.profile.get(plan);
    if (entry === undefined) {
      entry = { rows: 0, loops: 0, ms: 0 };
      this.profile.set(plan, entry);
    }
    return countRows(stream, entry);
  }

  private *streamShared(plan: LogicalPlan): RowStream {
    yield* streamRows(yield* this.run(plan), this.guard);
  }

  private streamNode(plan: LogicalPlan): RowStream {
    const guard = this.guard;
    switch (plan.kind) {
      case 'get':
        return this.scan(plan);
      case 'values':
        return this.values(plan);
      case 'filter':
        return this.filter(plan);
      case 'map':
        return this.map(plan);
      case 'join':
        return joinRows(
          plan,
          this.stream(plan.left),
          this.stream(plan.right),
          this.joinCondition(plan),
          guard,
        );
      case 'aggregate':
        return aggregateRows(plan, this.stream(plan.input), guard);
      case 'distinct':
        return distinctRows(this.stream(plan.input), plan.schema.length, guard);
      case 'topK':
        return topKRows(plan, this.stream(plan.input), guard);
      case 'window':
        return evaluateWindow(plan, this.stream(plan.input), guard);
      case 'setOp':
        return setOperationRows(plan, this.stream(plan.left), this.stream(plan.right), guard);
      case 'flatMap':
        return this.flatMap(plan);
      case 'orderBy':
        return orderByRows(plan, this.stream(plan.input), guard);
      default:
        return unreachable(plan, 'plan node');
    }
  }

  private *scan(plan: Extract<LogicalPlan, { kind: 'get' }>): RowStream {
    const rows = this.source.readRelation(plan.relationId);
    // Rows materialised for this query (a transaction's overlay) are held while they are scanned;
    // a store's snapshot shares the store's chunks and costs nothing of its own.
    const held = Array.isArray(rows) ? rows.length : 0;
    this.guard.hold(held, plan.schema.length);
    try {
      for (const r of rows) {
        yield r;
        if (this.guard.worked()) yield;
      }
    } finally {
      this.guard.release(held, plan.schema.length);
    }
  }

  private *values(plan: Extract<LogicalPlan, { kind: 'values' }>): RowStream {
    for (const r of plan.rows) {
      const fns = r.map((e) => this.compile(e));
      const call = () => fns.map((f) => f([], 0));
      let row: Value[];
      try {
        row = call();
      } catch (x) {
        row = yield* settle(call, x);
      }
      yield row;
    }
  }

  private *filter(plan: Extract<LogicalPlan, { kind: 'filter' }>): RowStream {
    // A constant FALSE / NULL filter never runs its input (PostgreSQL's one-time filter).
    if (plan.predicate.kind === 'literal' && plan.predicate.value !== true) return;
    // Quals that read no column run first, once; unless all are TRUE the input never runs.
    const { oneTime, perRow } = splitOneTimeQuals(plan.predicate);
    for (const q of oneTime) {
      const holds = compilePredicate(q, this.hooks);
      const call = () => holds([], 0);
      let ok: boolean;
      try {
        ok = call();
      } catch (x) {
        ok = yield* settle(call, x);
      }
      if (!ok) return;
    }
    const keep = compilePredicate(conjunction(perRow, plan.predicate), this.hooks);
    const looked = this.indexLookup(plan);
    for (const r of looked ?? this.stream(plan.input)) {
      if (r === undefined) {
        yield;
        continue;
      }
      let ok: boolean;
      try {
        ok = keep(r, 0);
      } catch (x) {
        ok = yield* settle(() => keep(r, 0), x);
      }
      if (ok) yield r;
      if (this.guard.worked()) yield;
    }
  }

  private *map(plan: Extract<LogicalPlan, { kind: 'map' }>): RowStream {
    const fns = plan.exprs.map((e) => this.compile(e));
    for (const r of this.stream(plan.input)) {
      if (r === undefined) {
        yield;
        continue;
      }
      let out: Value[];
      try {
        out = fns.map((f) => f(r, 0));
      } catch (x) {
        out = yield* settle(() => fns.map((f) => f(r, 0)), x);
      }
      yield out;
      if (this.guard.worked()) yield;
    }
  }

  /** Each input row extended by each row of the set-returning function, as the function yields them. */
  private *flatMap(plan: Extract<LogicalPlan, { kind: 'flatMap' }>): RowStream {
    const args = plan.args.map((e) => this.compile(e));
    for (const r of this.stream(plan.input)) {
      if (r === undefined) {
        yield;
        continue;
      }
      let values: Value[];
      try {
        values = args.map((f) => f(r, 0));
      } catch (x) {
        values = yield* settle(() => args.map((f) => f(r, 0)), x);
      }
      for (const produced of plan.impl(values)) {
        // FROM f(…) alone reads one empty row: the produced row is the row (rows are never mutated).
        yield r.length === 0 ? produced : r.concat(produced);
        if (this.guard.worked()) yield;
      }
    }
  }

  /**
   * A filter directly over a relation whose `column = constant` conjuncts cover one of its
   * indexes reads just the matching rows (the whole predicate is still applied to them).
   */
  private indexLookup(plan: Extract<LogicalPlan, { kind: 'filter' }>): Rows | undefined {
    const get = plan.input;
    if (get.kind !== 'get' || !this.source.indexes || !this.source.lookup) return undefined;
    const equalities = new Map<number, Value>();
    for (const c of plan.predicate.kind === 'and' ? plan.predicate.args : [plan.predicate]) {
      if (c.kind !== 'compare' || c.op !== '=') continue;
      const [column, constant] = c.left.kind === 'column' ? [c.left, c.right] : [c.right, c.left];
      if (column.kind === 'column' && constant.kind === 'literal' && constant.value !== null)
        equalities.set(column.index, constant.value);
    }
    if (equalities.size === 0) return undefined;
    const index = this.source.indexes(get.relationId).find((cols) => cols.every((c) => equalities.has(c)));
    return index
      ? this.source.lookup(
          get.relationId,
          index,
          index.map((c) => equalities.get(c)!),
        )
      : undefined;
  }

  /**
   * A join's ON as a qual list, as PostgreSQL evaluates it: its conjuncts in order, stopping at the
   * first that is not TRUE (NULL too), so `a.x = b.y AND f(b)` never computes f where the equality
   * is NULL. The null-aware anti join of NOT IN must tell NULL from FALSE: the whole condition.
   */
  private joinCondition(plan: Extract<LogicalPlan, { kind: 'join' }>): RowFn {
    if (plan.nullAwareAnti) return compileScalar(plan.on, this.hooks);
    const holds = compilePredicate(plan.on, this.hooks);
    return (row, base) => holds(row, base);
  }

  private compile(e: ScalarExpr): RowFn {
    return compileScalar(e, this.hooks);
  }

  private compileSubquery(e: Subquery, compile: (x: ScalarExpr) => RowFn): RowFn {
    const test = e.test ? compile(e.test) : null;
    const correlated = outerDepth(e.plan) > 0;
    let cached: Rows | null = null;
    // A result finished in slices (see subquery-pending), for the row it was computed for.
    let ready: { readonly row: readonly Value[]; readonly base: number; readonly rows: Rows } | null = null;
    const done = (rows: Rows): Rows => {
      // A correlated subquery's rows are used for this outer row only, then dropped.
      if (correlated) this.guard.release(rows.length, e.plan.schema.length);
      else cached = rows;
      return rows;
    };
    const rowsFor = (full: readonly Value[], base: number): Rows => {
      if (!correlated && cached) return cached;
      if (ready && ready.row === full && ready.base === base) return ready.rows;
      const row = base === 0 ? full : full.slice(base);
      const shared = new Map<LogicalPlan, Rows>();
      const evaluation = this.run(e.plan);
      this.outer.push(row);
      this.sharedResults.push(shared);
      try {
        // Runs here until its first pause; a subquery that needs more slices runs them as its
        // caller's (a scalar expression cannot yield): the caller settles it and calls again.
        const step = evaluation.next();
        if (step.done) return done(step.value);
      } finally {
        this.outer.pop();
        this.sharedResults.pop();
      }
      const self = this;
      function* rest(): Evaluation<void> {
        self.outer.push(row);
        self.sharedResults.push(shared);
        let finished = false;
        try {
          for (;;) {
            yield;
            const step = evaluation.next();
            if (step.done) {
              finished = true;
              ready = { row: full, base, rows: done(step.value) };
              return;
            }
          }
        } finally {
          if (!finished) evaluation.return(undefined as never);
          self.outer.pop();
          self.sharedResults.pop();
        }
      }
      throw new SubqueryPending(rest(), () => {
        ready = null;
      });
    };
    switch (e.subquery) {
      case 'exists':
        return (row, base) => rowsFor(row, base).length > 0;
      case 'scalar':
        return (row, base) => {
          const rows = rowsFor(row, base);
          if (rows.length > 1) {
            throw new SemanticError(
              SqlState.cardinalityViolation,
              'more than one row returned by a subquery used as an expression',
            );
          }
          return rows.length === 0 ? null : rows[0]![0]!;
        };
      case 'any':
      case 'all': {
        const all = e.subquery === 'all';
        const op = e.op!;
        return (row, base) => {
          const rows = rowsFor(row, base);
          if (rows.length === 0) return all;
          const x = test!(row, base);
          let sawNull = x === null;
          if (x !== null) {
            for (const r of rows) {
              const v = r[0]!;
              if (v === null) {
                sawNull = true;
                continue;
              }
              const holds = compareHolds(op, compareValues(x, v));
              if (all && !holds) return false;
              if (!all && holds) return true;
            }
          }
          return sawNull ? null : all;
        };
      }
    }
  }
}
