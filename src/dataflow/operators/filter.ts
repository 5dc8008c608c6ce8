/**
 * @module dataflow/operators/filter
 * Filter (linear): given input changes, it emits the changes of the rows whose predicate is TRUE,
 * with their weights unchanged. Stateless.
 */
import { Batch } from '../batch.ts';
import type { Operator, RowPredicate } from '../operator.ts';

export class FilterOp implements Operator {
  readonly arity: number;
  readonly pendingInitial = false;
  private readonly predicate: RowPredicate;

  constructor(arity: number, predicate: RowPredicate) {
    this.arity = arity;
    this.predicate = predicate;
  }

  step(inputs: readonly Batch[]): Batch {
    const input = inputs[0]!;
    const arity = this.arity;
    const out = new Batch(arity);
    const values = input.values;
    const weights = input.weights;
    const predicate = this.predicate;
    for (let i = 0, base = 0; i < weights.length; i++, base += arity) {
      if (predicate(values, base)) out.push(values, base, weights[i]!);
    }
    return out;
  }
}
