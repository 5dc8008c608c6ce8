/**
 * @module dataflow/operators/union
 * N-ary union with weights (UNION ALL, linear): given input changes, it emits all of them, each
 * input's weights multiplied by that input's sign (+1, or -1 to subtract an input).
 */
import { Batch } from '../batch.ts';
import type { Operator } from '../operator.ts';

export class UnionOp implements Operator {
  readonly arity: number;
  readonly pendingInitial = false;
  private readonly signs: readonly number[];

  constructor(arity: number, signs: readonly number[]) {
    this.arity = arity;
    this.signs = signs;
  }

  step(inputs: readonly Batch[]): Batch {
    let nonEmpty = 0;
    let only = 0;
    for (let k = 0; k < inputs.length; k++) {
      if (inputs[k]!.length > 0) {
        nonEmpty++;
        only = k;
      }
    }
    if (nonEmpty === 1 && this.signs[only] === 1) return inputs[only]!;
    const out = new Batch(this.arity);
    for (let k = 0; k < inputs.length; k++) {
      const input = inputs[k]!;
      const sign = this.signs[k]!;
      const src = input.values;
      for (let v = 0; v < src.length; v++) out.values.push(src[v]!);
      const weights = input.weights;
      for (let i = 0; i < weights.length; i++) out.weights.push(sign * weights[i]!);
    }
    return out;
  }
}
