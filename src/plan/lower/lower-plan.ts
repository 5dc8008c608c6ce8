/**
 * @module plan/lower/lower-plan
 * Lowers a logical plan into dataflow operators of a (possibly shared) circuit: one lowering
 * function per logical node kind, dispatched through a Record so a new kind breaks the build.
 * Invariant: the plan is decorrelated (no Subquery or OuterRef left); `orderBy` lowers to nothing,
 * since a view is a bag. A subplan read by several consumers (a CTE read twice) is lowered once:
 * one operator subgraph whose output feeds every consumer.
 */

import { FeatureNotSupportedError } from '../../common/errors.ts';
import type { Value } from '../../common/value.ts';
import type { Circuit, NodeId, OutputId } from '../../dataflow/circuit.ts';
import type { Operator } from '../../dataflow/operator.ts';
import { AggregateOp } from '../../dataflow/operators/aggregate.ts';
import { DistinctOp } from '../../dataflow/operators/distinct.ts';
import { FilterOp } from '../../dataflow/operators/filter.ts';
import { FlatMapOp } from '../../dataflow/operators/flat-map.ts';
import { JoinOp } from '../../dataflow/operators/join.ts';
import { type MapColumn, MapOp } from '../../dataflow/operators/map.ts';
import { NullAwareAntiJoinOp } from '../../dataflow/operators/null-aware-anti-join.ts';
import { SetOp } from '../../dataflow/operators/set-op.ts';
import { TemporalFilterOp } from '../../dataflow/operators/temporal-filter.ts';
import { TopKOp } from '../../dataflow/operators/top-k.ts';
import { TopKWithTiesOp } from '../../dataflow/operators/top-k-with-ties.ts';
import { UnionOp } from '../../dataflow/operators/union.ts';
import { ValuesOp } from '../../dataflow/operators/values.ts';
import { WindowOp } from '../../dataflow/operators/window.ts';
import { WindowCloseOp } from '../../dataflow/operators/window-close.ts';
import { RowErrorIsolation } from '../../dataflow/row-errors.ts';
import type { SpillContext } from '../../dataflow/spilling-key-map.ts';
import { isAppendOnly } from '../append-only.ts';
import { isProctimeCall, proctimeCall } from '../clock-calls.ts';
import { compilePredicate, compileScalar } from '../compile-scalar.ts';
import type { LogicalKind, LogicalPlan } from '../logical.ts';
import { forEachNode, planExpressions } from '../plan-visit.ts';
import type { ScalarExpr } from '../scalar.ts';
import { children, transformUp } from '../scalar-visit.ts';
import { readsClock, splitTemporal } from '../temporal-filter.ts';
import { groupClosing, type WatermarkOf, type WindowClose } from '../window-close.ts';
import { compileResidual, splitJoinCondition } from './lower-join.ts';
import { aggregateSpec, windowCallSpec } from './lower-window.ts';

export interface LowerOptions {
  /**
   * The catalog id of the relation this plan defines (a materialized view): later plans reading
   * that relation read this view's output directly instead of an input.
   */
  readonly relationId?: number;
  /** Whether a relation only ever receives insertions (sources): lets operators keep less state. */
  readonly appendOnly?: (relationId: number) => boolean;
  /** EMIT ON WINDOW CLOSE: the view's output waits for its windows to close (plan/window-close). */
  readonly windowClose?: WindowClose;
  /** Relations' watermarks: aggregates over windows free the groups of closed windows. */
  readonly watermarkOf?: WatermarkOf;
  /** Under a memory budget: where join sides and groups keep cold keys (ADR 0006). */
  readonly spill?: SpillContext | null;
  /** The clock reading (µs) of the step being run: temporal filters move rows in and out by it. */
  readonly stepClock?: () => number;
}

export interface LoweredView {
  /** Key of this view's deltas in `Circuit.step`'s result (and the argument of `hydrate`). */
  readonly outputId: OutputId;
  /** The view's node group, for `Circuit.dropView`. */
  readonly group: number;
  /** Columns of the view's rows. */
  readonly arity: number;
  /** The view's temporal filters: the step clock must run a step when one is next due. */
  readonly temporalFilters: readonly TemporalFilterOp[];
}

/** Adds `plan` to `circuit` as one view; on failure nothing is left behind. */
export function lowerPlan(circuit: Circuit, plan: LogicalPlan, options: LowerOptions = {}): LoweredView {
  assertDecorrelated(plan);
  const group = circuit.beginView();
  try {
    const appendOnly = options.appendOnly ?? (() => false);
    const ctx: Context = {
      circuit,
      group,
      appendOnly,
      watermarkOf: options.watermarkOf,
      spill: options.spill ?? null,
      stepClock: options.stepClock,
      temporalFilters: [],
      lowered: new Map(),
    };
    let root = lower(ctx, plan);
    const close = options.windowClose;
    if (close) {
      // EMIT ON WINDOW CLOSE: the view's changes wait for the watermark that closes their window.
      const watermark = lower(ctx, close.watermark);
      const op = new WindowCloseOp(plan.schema.length, close.closeColumn, close.offsetMicros);
      root = add(ctx, op, [root, watermark]);
    }
    const outputId = circuit.finishView(group, root, options.relationId);
    return { outputId, group, arity: plan.schema.length, temporalFilters: ctx.temporalFilters };
  } catch (e) {
    circuit.dropView(group);
    throw e;
  }
}

interface Context {
  readonly circuit: Circuit;
  readonly group: number;
  readonly appendOnly: (relationId: number) => boolean;
  readonly watermarkOf: WatermarkOf | undefined;
  readonly spill: SpillContext | null;
  readonly stepClock: (() => number) | undefined;
  /** Temporal filter operators built, for the view's next due time. */
  readonly temporalFilters: TemporalFilterOp[];
  /** The node already built for each plan node, so a shared subplan is built once. */
  readonly lowered: Map<LogicalPlan, NodeId>;
}

type Lowering = { [K in LogicalKind]: (ctx: Context, plan: Extract<LogicalPlan, { kind: K }>) => NodeId };

function lower(ctx: Context, plan: LogicalPlan): NodeId {
  let node = ctx.lowered.get(plan);
  if (node === undefined) {
    node = lowerings[plan.kind](ctx, plan as never);
    ctx.lowered.set(plan, node);
  }
  return node;
}

function add(ctx: Context, op: Operator, inputs: readonly NodeId[]): NodeId {
  return ctx.circuit.addOperator(ctx.group, op, inputs);
}

/**
 * A filter with temporal conjuncts (plan/temporal-filter): the other conjuncts filter first; a
 * map appends each row's enter and leave times (row errors isolated as in any map); the temporal
 * filter operator holds rows until the step clock reaches those times and drops the two columns.
 */
function lowerTemporalFilter(
  ctx: Context,
  p: Extract<LogicalPlan, { kind: 'filter' }>,
  input: NodeId,
): NodeId {
  const split = splitTemporal(p.predicate);
  if (split === undefined || ctx.stepClock === undefined)
    throw new FeatureNotSupportedError('the current time in this filter of a materialized view');
  const arity = p.input.schema.length;
  // The other conjuncts, and a time for each bound: a NULL time makes its comparison not true.
  const rest = split.rest === null ? () => true : compilePredicate(split.rest);
  const times = split.bounds.map((b) => compileScalar(b.time));
  const passes = (row: readonly Value[], base: number): boolean =>
    rest(row, base) && times.every((t) => t(row, base) !== null);
  let node = add(ctx, new RowErrorIsolation(new FilterOp(arity, passes)), [input]);
  const bound = (kind: 'enter' | 'leave'): MapColumn => {
    const parts = split.bounds
      .filter((b) => b.kind === kind)
      .map((b) => ({ time: compileScalar(b.time), offset: b.offsetMicros }));
    const pick = kind === 'enter' ? Math.max : Math.min;
    // NULL: no bound of this kind.
    return (row: readonly Value[], base: number): Value => {
      let at: number | null = null;
      for (const { time, offset } of parts) {
        const t = (time(row, base) as number) + offset;
        at = at === null ? t : pick(at, t);
      }
      return at;
    };
  };
  const columns: MapColumn[] = [
    ...Array.from({ length: arity }, (_, i) => i),
    bound('enter'),
    bound('leave'),
  ];
  node = add(ctx, new RowErrorIsolation(new MapOp(arity, columns)), [node]);
  const op = new TemporalFilterOp(arity, ctx.stepClock);
  ctx.temporalFilters.push(op);
  return add(ctx, op, [node]);
}

const lowerings: Lowering = {
  get: (ctx, p) => ctx.circuit.addRead(ctx.group, p.relationId, p.schema.length),

  values: (ctx, p) => {
    const rows = p.rows.map((r) => r.map((e) => compileScalar(e)(noRow, 0)));
    return add(ctx, new ValuesOp(p.schema.length, rows), []);
  },

  filter: (ctx, p) => {
    const input = lower(ctx, p.input);
    if (p.predicate.kind === 'literal' && p.predicate.value === true) return input;
    if (readsClock(p.predicate)) return lowerTemporalFilter(ctx, p, input);
    return add(
      ctx,
      new RowErrorIsolation(new FilterOp(p.input.schema.length, compilePredicate(p.predicate))),
      [input],
    );
  },

  map: (ctx, p) => {
    const input = lower(ctx, p.input);
    const columns: MapColumn[] = p.exprs.map((e) =>
      e.kind === 'column' ? e.index : compileScalar(withStepClock(ctx, e)),
    );
    return add(ctx, new RowErrorIsolation(new MapOp(p.input.schema.length, columns)), [input]);
  },

  flatMap: (ctx, p) => {
    const input = lower(ctx, p.input);
    const args = p.args.map((e) => compileScalar(e));
    return add(
      ctx,
      new RowErrorIsolation(new FlatMapOp(p.input.schema.length, p.schema.length, args, p.impl)),
      [input],
    );
  },

  join: (ctx, p) => {
    const left = lower(ctx, p.left);
    const right = lower(ctx, p.right);
    const leftArity = p.left.schema.length;
    const rightArity = p.right.schema.length;
    const { keys, residual } = splitJoinCondition(p.on, leftArity);
    if (p.joinType === 'anti' && p.nullAwareAnti) {
      const nullAware = new NullAwareAntiJoinOp(leftArity, rightArity, keys, compileScalar(p.on));
      return add(ctx, nullAware, [left, right]);
    }
    return add(
      ctx,
      new JoinOp(leftArity, rightArity, p.joinType, keys, compileResidual(residual), ctx.spill),
      [left, right],
    );
  },

  aggregate: (ctx, p) => {
    const input = lower(ctx, p.input);
    const schema = p.input.schema;
    const appendOnly = isAppendOnly(p.input, ctx.appendOnly);
    const specs = p.aggregates.map((a) => aggregateSpec(a, schema, appendOnly));
    const groupTypes = p.groupBy.map((g) => schema[g]!.type);
    const closing = ctx.watermarkOf && groupClosing(p, ctx.watermarkOf);
    if (!closing)
      return add(ctx, new AggregateOp(schema.length, p.groupBy, groupTypes, specs, undefined, ctx.spill), [
        input,
      ]);
    // Groups of windows the watermark has closed are freed: the watermark is a second input.
    const watermark = lower(ctx, closing.watermark);
    return add(ctx, new AggregateOp(schema.length, p.groupBy, groupTypes, specs, closing, ctx.spill), [
      input,
      watermark,
    ]);
  },

  distinct: (ctx, p) => add(ctx, new DistinctOp(p.schema.length), [lower(ctx, p.input)]),

  topK: (ctx, p) => {
    const input = lower(ctx, p.input);
    const types = p.partitionBy.map((c) => p.input.schema[c]!.type);
    const op =
      p.withTies && p.limit !== null
        ? new TopKWithTiesOp(p.schema.length, p.partitionBy, types, p.orderBy, p.limit, p.offset)
        : new TopKOp(p.schema.length, p.partitionBy, types, p.orderBy, p.limit, p.offset);
    return add(ctx, op, [input]);
  },

  window: (ctx, p) => {
    const input = lower(ctx, p.input);
    const schema = p.input.schema;
    const calls = p.calls.map((c) => windowCallSpec(c, schema, p.orderBy));
    const types = p.partitionBy.map((c) => schema[c]!.type);
    return add(ctx, new WindowOp(schema.length, p.partitionBy, types, p.orderBy, calls), [input]);
  },

  setOp: (ctx, p) => {
    const left = lower(ctx, p.left);
    const right = lower(ctx, p.right);
    const arity = p.schema.length;
    if (p.op === 'union') {
      const union = add(ctx, new UnionOp(arity, [1, 1]), [left, right]);
      return p.all ? union : add(ctx, new DistinctOp(arity), [union]);
    }
    const kind =
      p.op === 'intersect' ? (p.all ? 'intersectAll' : 'intersect') : p.all ? 'exceptAll' : 'except';
    return add(ctx, new SetOp(arity, kind), [left, right]);
  },

  orderBy: (ctx, p) => lower(ctx, p.input),
};

const noRow: readonly Value[] = [];

/** Decorrelation removes every Subquery and OuterRef before lowering; one left is a caller's bug. */
function assertDecorrelated(plan: LogicalPlan): void {
  forEachNode(plan, false, (p) => {
    for (const e of planExpressions(p)) checkExpr(e);
  });
}

function checkExpr(e: ScalarExpr): void {
  if (e.kind === 'subquery') {
    throw new FeatureNotSupportedError(
      'Subquery expression reached dataflow lowering (it should have been decorrelated)',
    );
  }
  if (e.kind === 'outerRef') {
    throw new FeatureNotSupportedError(
      'OuterRef expression reached dataflow lowering (it should have been decorrelated)',
    );
  }
  for (const c of children(e)) checkExpr(c);
}

/** `e` with its proctime() calls reading the step clock: the time each row reaches the view. */
function withStepClock(ctx: Context, e: ScalarExpr): ScalarExpr {
  const stepClock = ctx.stepClock;
  if (stepClock === undefined) return e;
  return transformUp(e, (n) => (isProctimeCall(n) ? proctimeCall(stepClock) : n));
}
