/**
 * @module dataflow
 * The incremental dataflow engine's public surface: Z-set batches, the circuit and its step,
 * and the operators (for tests and custom graphs; views are built by plan/lower).
 */
export { Batch } from './batch.ts';
export { consolidate } from './consolidate.ts';
export { Circuit, type NodeId, type OutputId } from './circuit.ts';
export type { Operator, RowFn, RowPredicate } from './operator.ts';
export { type KeyMap, makeKeyMap } from './key-map.ts';
export { FloatSum } from './float-sum.ts';
export { type AggregateDescriptor, type AggregateName, makeAggregator } from './aggregates/make-aggregator.ts';
export type { Aggregator } from './aggregates/aggregator.ts';
export { AggregateOp, type AggregateSpec } from './operators/aggregate.ts';
export { DistinctOp } from './operators/distinct.ts';
export { FilterOp } from './operators/filter.ts';
export { FlatMapOp } from './operators/flat-map.ts';
export type { JoinKeyComponent } from './operators/join-keys.ts';
export { JoinOp, type JoinMode } from './operators/join.ts';
export { MapOp, type MapColumn } from './operators/map.ts';
export { NegateOp } from './operators/negate.ts';
export { NullAwareAntiJoinOp } from './operators/null-aware-anti-join.ts';
export { SetOp, type SetOpKind } from './operators/set-op.ts';
export { TopKOp } from './operators/top-k.ts';
export { UnionOp } from './operators/union.ts';
export { ValuesOp } from './operators/values.ts';
export { WindowOp } from './operators/window.ts';
export type { SortKey } from './row.ts';
export type { FrameSpec, WindowCallSpec, WindowFunctionName } from './window/window-spec.ts';
