/**
 * @module dataflow/operators/map
 * Map / project (linear): given input changes, it emits one output change per input change, the
 * row computed column by column (a copied input column or a compiled expression), weight unchanged.
 */
import type { Value } from '../../common/value.ts';
import { Batch } from '../batch.ts';
import type { Operator, RowFn } from '../operator.ts';

/** One output column: an input column position to copy, or an expression to evaluate. */
export type MapColumn = number | RowFn;

export class MapOp implements Operator {
  readonly arity: number;
  readonly pendingInitial = false;
  private readonly inputArity: number;
  /** Per output column: the input column to copy, or -1 to evaluate `fns[j]`. */
  private readonly copies: Int32Array;
  private readonly fns: (RowFn | null)[];

  constructor(inputArity: number, columns: readonly MapColumn[]) {
    this.inputArity = inputArity;
    this.arity = columns.length;
    this.copies = new Int32Array(columns.length);
    this.fns = [];
    for (let j = 0; j < columns.length; j++) {
      const c = columns[j]!;
      this.copies[j] = typeof c === 'number' ? c : -1;
      this.fns.push(typeof c === 'number' ? null : c);
    }
  }

  step(inputs: readonly Batch[]): Batch {
    const input = inputs[0]!;
    const src = input.values;
    const n = input.length;
    const inArity = this.inputArity;
    const arity = this.arity;
    const copies = this.copies;
    const fns = this.fns;
    const values: Value[] = new Array<Value>(n * arity);
    for (let i = 0, base = 0, k = 0; i < n; i++, base += inArity) {
      for (let j = 0; j < arity; j++, k++) {
        const c = copies[j]!;
        values[k] = c >= 0 ? src[base + c]! : fns[j]!(src, base);
      }
    }
    return new Batch(arity, values, input.weights);
  }
}
