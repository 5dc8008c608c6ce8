/**
 * @module dataflow/operators/negate
 * Negation (linear): given input changes, it emits the same rows with their weights negated.
 * Used to subtract one collection from another (with union).
 */
import { Batch } from '../batch.ts';
import type { Operator } from '../operator.ts';

export class NegateOp implements Operator {
  readonly arity: number;
  readonly pendingInitial = false;

  constructor(arity: number) {
    this.arity = arity;
  }

  step(inputs: readonly Batch[]): Batch {
    const input = inputs[0]!;
    const weights = input.weights;
    const negated = new Array<number>(weights.length);
    for (let i = 0; i < weights.length; i++) negated[i] = -weights[i]!;
    return new Batch(this.arity, input.values, negated);
  }
}
