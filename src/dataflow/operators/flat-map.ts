/**
 * @module dataflow/operators/flat-map
 * Flat-map (linear): given input changes, it emits, for each changed input row, the input row
 * extended by each row of the set-returning function over its arguments, with the input's weight.
 */
import type { Value } from '../../common/value.ts';
import { Batch } from '../batch.ts';
import type { Operator, RowFn } from '../operator.ts';

export type SetReturningFn = (args: readonly Value[]) => Iterable<Value[]>;

export class FlatMapOp implements Operator {
  readonly arity: number;
  readonly pendingInitial = false;
  private readonly inputArity: number;
  private readonly args: readonly RowFn[];
  private readonly impl: SetReturningFn;
  private readonly argBuf: Value[];

  constructor(inputArity: number, outputArity: number, args: readonly RowFn[], impl: SetReturningFn) {
    this.inputArity = inputArity;
    this.arity = outputArity;
    this.args = args;
    this.impl = impl;
    this.argBuf = new Array<Value>(args.length).fill(null);
  }

  step(inputs: readonly Batch[]): Batch {
    const input = inputs[0]!;
    const src = input.values;
    const inArity = this.inputArity;
    const extra = this.arity - inArity;
    const out = new Batch(this.arity);
    const values = out.values;
    const args = this.args;
    const argBuf = this.argBuf;
    for (let i = 0, base = 0; i < input.length; i++, base += inArity) {
      for (let a = 0; a < args.length; a++) argBuf[a] = args[a]!(src, base);
      const w = input.weights[i]!;
      for (const produced of this.impl(argBuf)) {
        for (let j = 0; j < inArity; j++) values.push(src[base + j]!);
        for (let j = 0; j < extra; j++) values.push(produced[j] ?? null);
        out.weights.push(w);
      }
    }
    return out;
  }
}
