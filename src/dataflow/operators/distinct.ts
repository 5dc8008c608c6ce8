/**
 * @module dataflow/operators/distinct
 * DISTINCT (set semantics): given input changes, it emits +1 for a row whose accumulated weight
 * became positive and -1 for a row whose accumulated weight stopped being positive. State: each
 * distinct live row with its accumulated weight (NULLs equal, as SQL's DISTINCT).
 */
import { Batch } from '../batch.ts';
import type { Operator } from '../operator.ts';
import { RowBag } from '../row-bag.ts';

export class DistinctOp implements Operator {
  readonly arity: number;
  readonly pendingInitial = false;
  private readonly rows: RowBag;

  constructor(arity: number) {
    this.arity = arity;
    this.rows = new RowBag(arity, false, 'value');
  }

  stateSize(): number {
    return this.rows.length;
  }

  step(inputs: readonly Batch[]): Batch {
    const input = inputs[0]!;
    const out = new Batch(this.arity);
    const rows = this.rows;
    const src = input.values;
    const arity = this.arity;
    for (let i = 0, base = 0; i < input.length; i++, base += arity) {
      const w = input.weights[i]!;
      if (w === 0) continue;
      const slot = rows.add(src, base, w, 0);
      const after = rows.weights[slot]!;
      const before = after - w;
      if (before > 0 !== after > 0) out.push(src, base, after > 0 ? 1 : -1);
      if (after === 0) rows.removeAt(slot);
    }
    return out;
  }
}
