/**
 * @module plan/evaluate/evaluate
 * The one-shot evaluator: computes a logical plan's result from scratch over the current
 * contents of the relations it reads. It serves ad-hoc SELECTs and is the oracle the incremental
 * dataflow is checked against, so every node is implemented in the plainest correct way
 * (correlated subqueries are evaluated per outer row, as SQL defines them). A subplan read by
 * several consumers (a CTE read twice) that reads no outer row is computed once per evaluation.
 * Each node is a generator that reports its rows to the statement's QueryGuard (limits, cancel)
 * and yields when the guard's time slice is over; `evaluate-sliced` drives it across slices.
 */
import { InternalError, SemanticError, SqlState, unreachable } from '../../common/errors.ts';
import type { Value } from '../../common/value.ts';
import { compareNullable, compareSortKey, compareValues } from '../../common/value-ops.ts';
import { compilePredicate, compileScalar, type RowFn, type ScalarHooks } from '../compile-scalar.ts';
import type { LogicalPlan, SortKey } from '../logical.ts';
import { conjunction, splitOneTimeQuals } from '../one-time-filter.ts';
import { outerDepth, sharedNodes } from '../plan-visit.ts';
import { compareHolds, type ScalarExpr, type Subquery } from '../scalar.ts';
import { foldAggregate } from './aggregate-fold.ts';
import { joinRows } from './evaluate-join.ts';
import { QueryGuard } from './query-guard.ts';
import { RowKeyMap } from './row-key-map.ts';
import { evaluateWindow } from './window-fold.ts';

export type Rows = Value[][];

export interface EvaluationSource {
  /** The current contents of a relation (table, source or materialized view), as a bag of rows. */
  readRelation(relationId: number): Rows;
  /** Column sets the relation is indexed on (primary key, CREATE INDEX), for point lookups. */
  indexes?(relationId: number): readonly (readonly number[])[];
  /** The rows whose `columns` equal `key`, from an index on exactly those columns. */
  lookup?(relationId: number, columns: readonly number[], key: readonly Value[]): Rows;
}

/** An evaluation in progress: each `next()` runs until the guard's slice is over or it is done. */
export type Evaluation = Generator<void, Rows, void>;

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

/** Runs an evaluation to its end without giving the event loop a turn. */
export function runToEnd<T>(evaluation: Generator<void, T, void>): T {
  for (;;) {
    const step = evaluation.next();
    if (step.done) return step.value;
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

  constructor(source: EvaluationSource, shared: ReadonlySet<LogicalPlan>, guard: QueryGuard) {
    this.source = source;
    this.shared = shared;
    this.guard = guard;
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

  *run(plan: LogicalPlan): Evaluation {
    if (!this.shared.has(plan)) return yield* this.computeHeld(plan);
    const results = this.sharedResults[outerDepth(plan) === 0 ? 0 : this.sharedResults.length - 1]!;
    let rows = results.get(plan);
    if (!rows) {
      rows = yield* this.computeHeld(plan);
      results.set(plan, rows);
    }
    return rows;
  }

  /** Computes a node; once it is done, the memory estimate holds its rows instead of its inputs'. */
  private *computeHeld(plan: LogicalPlan): Evaluation {
    const before = this.guard.bytes;
    const rows = yield* this.compute(plan);
    this.guard.settle(before, rows.length, plan.schema.length);
    return rows;
  }

  private *compute(plan: LogicalPlan): Evaluation {
    const guard = this.guard;
    switch (plan.kind) {
      case 'get': {
        const rows = this.source.readRelation(plan.relationId);
        guard.producedMany(rows.length, plan.schema.length);
        return rows;
      }
      case 'values': {
        const fns = plan.rows.map((r) => r.map((e) => this.compile(e)));
        return fns.map((r) => r.map((f) => f([], 0)));
      }
      case 'filter': {
        // A constant FALSE / NULL filter never runs its input (PostgreSQL's one-time filter).
        if (plan.predicate.kind === 'literal' && plan.predicate.value !== true) return [];
        // Quals that read no column run first, once; unless all are TRUE the input never runs.
        const { oneTime, perRow } = splitOneTimeQuals(plan.predicate);
        if (!oneTime.every((q) => compilePredicate(q, this.hooks)([], 0))) return [];
        const keep = compilePredicate(conjunction(perRow, plan.predicate), this.hooks);
        const candidates = this.indexLookup(plan) ?? (yield* this.run(plan.input));
        const out: Rows = [];
        for (const r of candidates) {
          if (keep(r, 0)) out.push(r);
          if (guard.worked()) yield;
        }
        return out;
      }
      case 'map': {
        const fns = plan.exprs.map((e) => this.compile(e));
        const out: Rows = [];
        for (const r of yield* this.run(plan.input)) {
          out.push(fns.map((f) => f(r, 0)));
          if (guard.produced(fns.length)) yield;
        }
        return out;
      }
      case 'join':
        return yield* this.join(plan);
      case 'aggregate':
        return yield* this.aggregate(plan);
      case 'distinct':
        return yield* distinct(yield* this.run(plan.input), guard);
      case 'topK':
        return yield* this.topK(plan);
      case 'window':
        return evaluateWindow(plan, yield* this.run(plan.input));
      case 'setOp': {
        const left = yield* this.run(plan.left);
        const right = yield* this.run(plan.right);
        return yield* setOperation(plan.op, plan.all, left, right, guard);
      }
      case 'flatMap': {
        const args = plan.args.map((e) => this.compile(e));
        const arity = plan.schema.length;
        const out: Rows = [];
        for (const r of yield* this.run(plan.input)) {
          for (const produced of plan.impl(args.map((f) => f(r, 0)))) {
            // FROM f(…) alone reads one empty row: the produced row is the row (rows are never mutated).
            out.push(r.length === 0 ? produced : r.concat(produced));
            if (guard.produced(arity)) yield;
          }
        }
        return out;
      }
      case 'orderBy': {
        const input = yield* this.run(plan.input);
        guard.producedMany(input.length, 0);
        return sortRows(input, plan.orderBy, false);
      }
      default:
        return unreachable(plan, 'plan node');
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

  private compile(e: ScalarExpr): RowFn {
    return compileScalar(e, this.hooks);
  }

  private *join(plan: Extract<LogicalPlan, { kind: 'join' }>): Evaluation {
    const left = yield* this.run(plan.left);
    const right = yield* this.run(plan.right);
    return yield* joinRows(plan, left, right, compileScalar(plan.on, this.hooks), this.guard);
  }

  private *aggregate(plan: Extract<LogicalPlan, { kind: 'aggregate' }>): Evaluation {
    const input = yield* this.run(plan.input);
    const groups = new RowKeyMap<Rows>();
    for (const r of input) {
      groups
        .upsert(
          plan.groupBy.map((i) => r[i]!),
          () => [],
        )
        .push(r);
      if (this.guard.worked()) yield;
    }
    if (plan.groupBy.length === 0 && groups.size === 0) groups.upsert([], () => []);
    return groups
      .entries()
      .map(({ key, value }) => [
        ...key,
        ...plan.aggregates.map((call) => foldAggregate(call, value, plan.input.schema)),
      ]);
  }

  private *topK(plan: Extract<LogicalPlan, { kind: 'topK' }>): Evaluation {
    const input = yield* this.run(plan.input);
    this.guard.producedMany(input.length, 0);
    const partitions = new RowKeyMap<Rows>();
    for (const r of input) {
      partitions
        .upsert(
          plan.partitionBy.map((i) => r[i]!),
          () => [],
        )
        .push(r);
      if (this.guard.worked()) yield;
    }
    const out: Rows = [];
    const end = plan.limit === null ? Number.POSITIVE_INFINITY : plan.offset + plan.limit;
    for (const { value } of partitions.entries()) {
      const sorted = sortRows(value, plan.orderBy, true);
      let stop = Math.min(end, sorted.length);
      if (plan.withTies && stop > plan.offset) {
        const last = sorted[stop - 1]!;
        while (stop < sorted.length && sortKeysEqual(sorted[stop]!, last, plan.orderBy)) stop++;
      }
      for (let i = plan.offset; i < stop; i++) out.push(sorted[i]!);
    }
    return out;
  }

  private compileSubquery(e: Subquery, compile: (x: ScalarExpr) => RowFn): RowFn {
    const test = e.test ? compile(e.test) : null;
    const correlated = outerDepth(e.plan) > 0;
    let cached: Rows | null = null;
    const rowsFor = (row: readonly Value[]): Rows => {
      if (!correlated && cached) return cached;
      this.outer.push(row);
      this.sharedResults.push(new Map());
      try {
        // A subquery runs inside a scalar expression, which cannot yield: it runs to its end.
        const rows = runToEnd(this.run(e.plan));
        if (!correlated) cached = rows;
        return rows;
      } finally {
        this.outer.pop();
        this.sharedResults.pop();
      }
    };
    switch (e.subquery) {
      case 'exists':
        return (row, base) => rowsFor(base === 0 ? row : row.slice(base)).length > 0;
      case 'scalar':
        return (row, base) => {
          const rows = rowsFor(base === 0 ? row : row.slice(base));
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
          const rows = rowsFor(base === 0 ? row : row.slice(base));
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

function* distinct(rows: Rows, guard: QueryGuard): Evaluation {
  const seen = new RowKeyMap<true>();
  const out: Rows = [];
  for (const r of rows) {
    const before = seen.size;
    seen.upsert(r, () => true);
    if (seen.size > before) out.push(r);
    if (guard.worked()) yield;
  }
  return out;
}

function* setOperation(
  op: 'union' | 'intersect' | 'except',
  all: boolean,
  left: Rows,
  right: Rows,
  guard: QueryGuard,
): Evaluation {
  if (op === 'union') {
    guard.producedMany(left.length + right.length, 0);
    return all ? [...left, ...right] : yield* distinct([...left, ...right], guard);
  }
  const rightCounts = new RowKeyMap<{ n: number }>();
  for (const r of right) {
    rightCounts.upsert(r, () => ({ n: 0 })).n++;
    if (guard.worked()) yield;
  }
  const out: Rows = [];
  const source = all ? left : yield* distinct(left, guard);
  for (const r of source) {
    if (guard.worked()) yield;
    const c = rightCounts.get(r);
    const inRight = c !== undefined && c.n > 0;
    if (op === 'intersect' && inRight) {
      out.push(r);
      if (all) c!.n--;
    } else if (op === 'except') {
      if (!inRight) out.push(r);
      else if (all) c!.n--;
    }
  }
  return out;
}

/**
 * Sorts rows by `keys`. With `total`, ties are broken by the whole row so that the order (and a
 * LIMIT's choice) is deterministic and identical to what the dataflow's top-k keeps.
 */
/** Whether two rows tie under ORDER BY (peers): equal on every sort key. */
function sortKeysEqual(a: readonly Value[], b: readonly Value[], keys: readonly SortKey[]): boolean {
  return keys.every((k) => compareSortKey(a[k.column]!, b[k.column]!, k.descending, k.nullsFirst) === 0);
}

export function sortRows(rows: Rows, keys: readonly SortKey[], total: boolean): Rows {
  return [...rows].sort((a, b) => {
    for (const k of keys) {
      const c = compareSortKey(a[k.column]!, b[k.column]!, k.descending, k.nullsFirst);
      if (c !== 0) return c;
    }
    if (!total) return 0;
    for (let i = 0; i < a.length; i++) {
      const c = compareNullable(a[i]!, b[i]!, false);
      if (c !== 0) return c;
    }
    return 0;
  });
}
