/**
 * @module dataflow/operators/set-op
 * INTERSECT / EXCEPT, with bag (ALL) or set semantics. Given changes to the left and right inputs,
 * it emits, per changed row, the change of f(l, r) where l and r are the row's accumulated weights:
 * INTERSECT ALL min(l, r), EXCEPT ALL max(0, l - r), INTERSECT [l>0 ∧ r>0], EXCEPT [l>0 ∧ r=0].
 * State: each row with its left and right weights (NULLs equal, as SQL's set operations).
 */
import { Batch } from '../batch.ts';
import type { Operator } from '../operator.ts';
import { expectKind, type OperatorState, type OperatorStateDelta, type StateSlicer } from '../state.ts';
import { approxRetainedBytes } from '../state-bytes.ts';
import { TrackedRows } from '../tracked-rows.ts';

export type SetOpKind = 'intersect' | 'intersectAll' | 'except' | 'exceptAll';

function outputWeight(kind: SetOpKind, l: number, r: number): number {
  switch (kind) {
    case 'intersect':
      return l > 0 && r > 0 ? 1 : 0;
    case 'intersectAll':
      return Math.max(0, Math.min(l, r));
    case 'except':
      return l > 0 && r <= 0 ? 1 : 0;
    case 'exceptAll':
      return Math.max(0, l - r);
  }
}

export class SetOp implements Operator {
  readonly arity: number;
  readonly pendingInitial = false;
  private readonly kind: SetOpKind;
  /** Rows with their left weight (`weights`) and right weight (`aux`). */
  private readonly tracked: TrackedRows;

  constructor(arity: number, kind: SetOpKind) {
    this.arity = arity;
    this.kind = kind;
    this.tracked = new TrackedRows(arity, true);
  }

  stateSize(): number {
    return this.tracked.bag.length;
  }

  stateBytes(): number {
    return approxRetainedBytes([this.tracked]);
  }

  saveState(): OperatorState {
    return this.tracked.save(this.stateKind);
  }

  saveStateDelta(): OperatorStateDelta {
    return this.tracked.saveDelta(this.stateKind);
  }

  beginSaveState(): StateSlicer {
    return this.tracked.beginSave(this.stateKind);
  }

  restoreState(state: OperatorState): void {
    expectKind(state, this.stateKind);
    this.tracked.restore(state);
  }

  private get stateKind(): string {
    return `set-op/${this.kind}/${this.arity}`;
  }

  step(inputs: readonly Batch[]): Batch {
    const out = new Batch(this.arity);
    this.apply(inputs[0]!, true, out);
    this.apply(inputs[1]!, false, out);
    return out;
  }

  private apply(input: Batch, left: boolean, out: Batch): void {
    const tracked = this.tracked;
    const rows = tracked.bag;
    const arity = this.arity;
    const src = input.values;
    const aux = rows.aux!;
    for (let i = 0, base = 0; i < input.length; i++, base += arity) {
      const w = input.weights[i]!;
      if (w === 0) continue;
      const slot = tracked.slotOf(src, base);
      const l = rows.weights[slot]!;
      const r = aux[slot]!;
      const before = outputWeight(this.kind, l, r);
      const at = slot * arity;
      if (left) {
        // Rows equal as values may differ in form (1.00 and 1.0000): the output takes the left
        // input's, as a query's INTERSECT / EXCEPT does. While l is 0 nothing was emitted yet.
        if (l === 0) for (let j = 0; j < arity; j++) rows.values[at + j] = src[base + j]!;
        rows.weights[slot] = l + w;
        rows.total += w;
      } else aux[slot] = r + w;
      const after = outputWeight(this.kind, rows.weights[slot]!, aux[slot]!);
      // Emitted in the stored form, so a later retraction takes back exactly the row it added.
      if (after !== before) out.push(rows.values, at, after - before);
      if (rows.weights[slot] === 0 && aux[slot] === 0) tracked.removeAt(slot);
    }
  }
}
