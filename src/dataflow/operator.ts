/**
 * @module dataflow/operator
 * The contract every dataflow operator keeps: once per step it receives one delta batch per input
 * (possibly empty) and returns its own delta batch. Operators never mutate their input batches.
 * Stateful operators keep exactly the state they need to turn input deltas into output deltas.
 */
import type { Value } from '../common/value.ts';
import type { Batch } from './batch.ts';
import type { OperatorState, OperatorStateDelta, StateSlicer } from './state.ts';

export interface Operator {
  /** Columns of each output row. */
  readonly arity: number;
  /**
   * True until the operator has produced output that does not depend on input (a constant
   * collection, a scalar aggregate's row over empty input): the circuit runs it even without input.
   */
  readonly pendingInitial: boolean;
  step(inputs: readonly Batch[]): Batch;
  /** Entries of state kept (keys of indexes, groups, partitions, distinct rows); absent when stateless. */
  stateSize?(): number;
  /**
   * Approximate bytes retained by that state (dataflow/state-bytes.ts: a bounded walk priced
   * with a model of V8's representations); every operator with `stateSize` has it.
   */
  stateBytes?(): number;
  /**
   * Every operator with `stateSize` also saves and restores its state as plain data, whole or as
   * the changes since its previous save (the contract is in dataflow/state.ts).
   */
  saveState?(): OperatorState;
  saveStateDelta?(): OperatorStateDelta;
  beginSaveState?(): StateSlicer;
  restoreState?(state: OperatorState): void;
}

/** A compiled scalar expression over the row at `row[base…]` (plan/compile-scalar's RowFn). */
export type RowFn = (row: readonly Value[], base: number) => Value;
/** A compiled predicate: true only when the SQL result is TRUE. */
export type RowPredicate = (row: readonly Value[], base: number) => boolean;
