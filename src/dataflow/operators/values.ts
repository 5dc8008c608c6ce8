/**
 * @module dataflow/operators/values
 * A constant collection: it emits all its rows (+1 each) on its first step and nothing after.
 */
import type { Value } from '../../common/value.ts';
import { Batch } from '../batch.ts';
import type { Operator } from '../operator.ts';

export class ValuesOp implements Operator {
  readonly arity: number;
  pendingInitial = true;
  private readonly rows: readonly (readonly Value[])[];

  constructor(arity: number, rows: readonly (readonly Value[])[]) {
    this.arity = arity;
    this.rows = rows;
  }

  step(_inputs: readonly Batch[]): Batch {
    if (!this.pendingInitial) return new Batch(this.arity);
    this.pendingInitial = false;
    return Batch.fromRows(this.arity, this.rows);
  }
}
