/**
 * @module dataflow/operators/values
 * A constant collection: it emits all its rows (+1 each) on its first step and nothing after.
 * Its state (checkpointed) is only whether that first step has happened.
 */
import type { Value } from '../../common/value.ts';
import { Batch } from '../batch.ts';
import type { Operator } from '../operator.ts';
import {
  expectKind,
  type OperatorState,
  type OperatorStateDelta,
  type StateSlicer,
  stateMismatch,
} from '../state.ts';

export class ValuesOp implements Operator {
  readonly arity: number;
  pendingInitial = true;
  private readonly rows: readonly (readonly Value[])[];

  constructor(arity: number, rows: readonly (readonly Value[])[]) {
    this.arity = arity;
    this.rows = rows;
  }

  /** Whether the rows were emitted yet is the whole state (meta [pendingInitial], no entries). */
  saveState(): OperatorState {
    return { kind: 'values', meta: [this.pendingInitial], entries: [] };
  }

  saveStateDelta(): OperatorStateDelta {
    return { kind: 'values', full: false, meta: [this.pendingInitial], upserts: [], deletes: [] };
  }

  beginSaveState(): StateSlicer {
    return { kind: 'values', next: () => [] };
  }

  restoreState(state: OperatorState): void {
    expectKind(state, 'values');
    const pending = state.meta[0];
    if (typeof pending !== 'boolean') throw stateMismatch('malformed values state');
    this.pendingInitial = pending;
  }

  step(_inputs: readonly Batch[]): Batch {
    if (!this.pendingInitial) return new Batch(this.arity);
    this.pendingInitial = false;
    return Batch.fromRows(this.arity, this.rows);
  }
}
