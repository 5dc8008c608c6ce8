/**
 * @module dataflow/operators/window-close
 * EMIT ON WINDOW CLOSE: holds a view's changes until the watermark passes the end of their
 * window, then lets them through, and forgets them. Input 0 is the view's changes; input 1 is
 * the watermark's (a one-column collection: −old, +new as it advances). A row closes when
 * `row[closeColumn] + offset ≤ watermark` (offset: the window size when the column is the
 * window's start); a change to a window already closed passes at once, so the output is always
 * the view's result restricted to closed windows, and only inserts while closed windows cannot
 * change. A row whose window bound is NULL belongs to no window and never closes. State: the
 * rows not yet closed (one entry each) and the watermark.
 */
import type { Value } from '../../common/value.ts';
import { Batch } from '../batch.ts';
import type { Operator } from '../operator.ts';
import { expectKind, type OperatorState, type OperatorStateDelta, type StateSlicer } from '../state.ts';
import { approxRetainedBytes } from '../state-bytes.ts';
import { TrackedRows } from '../tracked-rows.ts';

export class WindowCloseOp implements Operator {
  readonly arity: number;
  readonly pendingInitial = false;
  private readonly closeColumn: number;
  private readonly offset: number;
  private readonly pending: TrackedRows;
  private watermark: number | null = null;

  constructor(arity: number, closeColumn: number, offsetMicros: number) {
    this.arity = arity;
    this.closeColumn = closeColumn;
    this.offset = offsetMicros;
    this.pending = new TrackedRows(arity, false);
  }

  stateSize(): number {
    return this.pending.bag.length;
  }

  stateBytes(): number {
    return approxRetainedBytes([this.pending]);
  }

  // The image is the pending rows' (TrackedRows), its meta extended with the watermark.
  saveState(): OperatorState {
    const image = this.pending.save(this.kind);
    return { ...image, meta: [...image.meta, this.watermark] };
  }

  saveStateDelta(): OperatorStateDelta {
    const delta = this.pending.saveDelta(this.kind);
    return { ...delta, meta: [...delta.meta, this.watermark] };
  }

  beginSaveState(): StateSlicer {
    return this.pending.beginSave(this.kind);
  }

  restoreState(state: OperatorState): void {
    expectKind(state, this.kind);
    this.pending.restore(state);
    this.watermark = (state.meta[1] ?? null) as number | null;
  }

  private get kind(): string {
    return `windowClose/${this.arity}/${this.closeColumn}/${this.offset}`;
  }

  step(inputs: readonly Batch[]): Batch {
    const [changes, watermarks] = inputs as [Batch, Batch | undefined];
    const out = new Batch(this.arity);
    const before = this.watermark;
    if (watermarks)
      for (let i = 0; i < watermarks.length; i++)
        if (watermarks.weights[i]! > 0)
          this.watermark = watermarks.values[i * watermarks.arity] as number | null;
    const arity = this.arity;
    for (let i = 0, base = 0; i < changes.length; i++, base += arity) {
      const w = changes.weights[i]!;
      if (w === 0) continue;
      const closesAt = changes.values[base + this.closeColumn];
      if (closesAt === null) continue;
      if (this.closed(closesAt)) out.push(changes.values, base, w);
      else this.hold(changes.values, base, w);
    }
    if (this.watermark !== null && this.watermark !== before) this.release(out);
    return out;
  }

  private closed(closesAt: Value): boolean {
    return this.watermark !== null && (closesAt as number) + this.offset <= this.watermark;
  }

  private hold(src: readonly Value[], base: number, w: number): void {
    const slot = this.pending.slotOf(src, base);
    const rows = this.pending.bag;
    rows.weights[slot]! += w;
    rows.total += w;
    if (rows.weights[slot] === 0) this.pending.removeAt(slot);
  }

  /** Emits and forgets the held rows the watermark has closed (from the end: removal moves the last row). */
  private release(out: Batch): void {
    const rows = this.pending.bag;
    const arity = this.arity;
    for (let slot = rows.length - 1; slot >= 0; slot--) {
      if (!this.closed(rows.values[slot * arity + this.closeColumn]!)) continue;
      out.push(rows.values, slot * arity, rows.weights[slot]!);
      this.pending.removeAt(slot);
    }
  }
}
