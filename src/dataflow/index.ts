/**
 * @module dataflow
 * The incremental dataflow engine's public surface: Z-set batches, the circuit and its step,
 * and the operators (for tests and custom graphs; views are built by plan/lower).
 */

export type { Aggregator } from './aggregates/aggregator.ts';
export {
  type AggregateDescriptor,
  type AggregateName,
  makeAggregator,
} from './aggregates/make-aggregator.ts';
export { Arrangement } from './arrangement.ts';
export { Batch } from './batch.ts';
export { Circuit, type NodeId, type OutputId } from './circuit.ts';
export { consolidate } from './consolidate.ts';
export { FloatSum } from './float-sum.ts';
export { type KeyMap, makeKeyMap } from './key-map.ts';
export type { Operator, RowFn, RowPredicate } from './operator.ts';
export { AggregateOp, type AggregateSpec } from './operators/aggregate.ts';
export { DistinctOp } from './operators/distinct.ts';
export { FilterOp } from './operators/filter.ts';
export { FlatMapOp } from './operators/flat-map.ts';
export { type JoinMode, JoinOp } from './operators/join.ts';
export type { JoinKeyComponent } from './operators/join-keys.ts';
export { type MapColumn, MapOp } from './operators/map.ts';
export { NegateOp } from './operators/negate.ts';
export { NullAwareAntiJoinOp } from './operators/null-aware-anti-join.ts';
export { SetOp, type SetOpKind } from './operators/set-op.ts';
export { TopKOp } from './operators/top-k.ts';
export { UnionOp } from './operators/union.ts';
export { ValuesOp } from './operators/values.ts';
export { WindowOp } from './operators/window.ts';
export type { SortKey } from './row.ts';
export { RowBag } from './row-bag.ts';
export {
  applyStateDelta,
  type CircuitState,
  type CircuitStateDelta,
  type OperatorState,
  type OperatorStateDelta,
  type StateEntry,
} from './state.ts';
export type { FrameSpec, WindowCallSpec, WindowFunctionName } from './window/window-spec.ts';
