/**
 * @module dataflow/operators/distinct
 * DISTINCT (set semantics): given input changes, it emits +1 for a row whose accumulated weight
 * became positive and -1 for a row whose accumulated weight stopped being positive. State: each
 * distinct live row with its accumulated weight (NULLs equal, as SQL's DISTINCT).
 */
import { Batch } from '../batch.ts';
import type { Operator } from '../operator.ts';
import { expectKind, type OperatorState, type OperatorStateDelta, type StateSlicer } from '../state.ts';
import { approxRetainedBytes } from '../state-bytes.ts';
import { TrackedRows } from '../tracked-rows.ts';

export class DistinctOp implements Operator {
  readonly arity: number;
  readonly pendingInitial = false;
  private readonly tracked: TrackedRows;

  constructor(arity: number) {
    this.arity = arity;
    this.tracked = new TrackedRows(arity, false);
  }

  stateSize(): number {
    return this.tracked.bag.length;
  }

  stateBytes(): number {
    return approxRetainedBytes([this.tracked]);
  }

  saveState(): OperatorState {
    return this.tracked.save(this.kind);
  }

  saveStateDelta(): OperatorStateDelta {
    return this.tracked.saveDelta(this.kind);
  }

  beginSaveState(): StateSlicer {
    return this.tracked.beginSave(this.kind);
  }

  restoreState(state: OperatorState): void {
    expectKind(state, this.kind);
    this.tracked.restore(state);
  }

  private get kind(): string {
    return `distinct/${this.arity}`;
  }

  step(inputs: readonly Batch[]): Batch {
    const input = inputs[0]!;
    const out = new Batch(this.arity);
    const tracked = this.tracked;
    const rows = tracked.bag;
    const src = input.values;
    const arity = this.arity;
    for (let i = 0, base = 0; i < input.length; i++, base += arity) {
      const w = input.weights[i]!;
      if (w === 0) continue;
      const slot = tracked.slotOf(src, base);
      const before = rows.weights[slot]!;
      const after = before + w;
      rows.weights[slot] = after;
      rows.total += w;
      if (before > 0 !== after > 0) out.push(src, base, after > 0 ? 1 : -1);
      if (after === 0) tracked.removeAt(slot);
    }
    return out;
  }
}
