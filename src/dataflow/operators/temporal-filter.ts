/**
 * @module dataflow/operators/temporal-filter
 * Temporal filters (plan/temporal-filter): keeps rows whose presence in the view depends on the
 * clock and moves them in and out as the step clock passes their times. Input rows carry, after
 * their own columns, two computed columns: `enter` (in once the clock reaches it; null: always
 * was) and `leave` (in while the clock is before it; null: never leaves); a row whose time is
 * NULL is dropped before (the SQL comparison is not true). The output is the input's own columns.
 *
 * At each step the clock reading `t` (never less than the last one) decides: a row in [enter,
 * leave) passes at once; a row not yet entered is held for `enter`, and any row that will leave
 * is held for `leave` with its weight negated. Held changes are released in time order once
 * `t` reaches them. The output depends only on the rows seen and the last reading, so replaying
 * the same steps with their logged readings gives the same contents. State: the held changes,
 * one entry per distinct time, and the last reading.
 */
import { InternalError } from '../../common/errors.ts';
import type { Value } from '../../common/value.ts';
import { Batch } from '../batch.ts';
import type { Operator } from '../operator.ts';
import {
  expectKind,
  type OperatorState,
  type OperatorStateDelta,
  type StateEntry,
  type StateSlicer,
} from '../state.ts';
import { approxRetainedBytes } from '../state-bytes.ts';

interface Held {
  readonly id: number;
  readonly rows: Batch;
}

export class TemporalFilterOp implements Operator {
  /** Columns of output rows (the input has two more: enter, leave). */
  readonly arity: number;
  private readonly clock: () => number;
  /** Held changes by the time they are due. */
  private readonly held = new Map<number, Held>();
  /** The times of `held`, ascending. */
  private times: number[] = [];
  private now = Number.NEGATIVE_INFINITY;
  private nextId = 1;
  /** Since the last save: ids changed (with their time) and ids gone; null before any save. */
  private changed: Map<number, number> | null = null;
  private deleted: number[] = [];

  constructor(arity: number, clock: () => number) {
    this.arity = arity;
    this.clock = clock;
  }

  /** Runs without input when held changes are due. */
  get pendingInitial(): boolean {
    const first = this.times[0];
    return first !== undefined && first <= this.clock();
  }

  /** When the next held change is due (µs), or null when none is held. */
  nextDue(): number | null {
    return this.times[0] ?? null;
  }

  step(inputs: readonly Batch[]): Batch {
    const input = inputs[0];
    const t = Math.max(this.now, this.clock());
    this.now = t;
    const out = new Batch(this.arity);
    if (input) {
      const width = input.arity;
      const values = input.values;
      for (let i = 0, base = 0; i < input.length; i++, base += width) {
        const w = input.weights[i]!;
        if (w === 0) continue;
        const enter = values[base + this.arity] as number | null;
        const leave = values[base + this.arity + 1] as number | null;
        if (enter !== null && leave !== null && enter >= leave) continue;
        if (leave !== null && leave <= t) continue;
        if (enter === null || enter <= t) out.push(values, base, w);
        else this.hold(enter, values, base, w);
        if (leave !== null) this.hold(leave, values, base, -w);
      }
    }
    this.release(t, out);
    return out;
  }

  private hold(time: number, src: readonly Value[], base: number, w: number): void {
    let entry = this.held.get(time);
    if (entry === undefined) {
      entry = { id: this.nextId++, rows: new Batch(this.arity) };
      this.held.set(time, entry);
      this.insertTime(time);
    }
    entry.rows.push(src, base, w);
    this.changed?.set(entry.id, time);
  }

  private insertTime(time: number): void {
    const times = this.times;
    let lo = 0;
    let hi = times.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (times[mid]! < time) lo = mid + 1;
      else hi = mid;
    }
    times.splice(lo, 0, time);
  }

  private release(t: number, out: Batch): void {
    let n = 0;
    for (const time of this.times) {
      if (time > t) break;
      const entry = this.held.get(time)!;
      const rows = entry.rows;
      for (let i = 0; i < rows.length; i++) out.push(rows.values, i * this.arity, rows.weights[i]!);
      this.held.delete(time);
      if (this.changed !== null) {
        this.changed.delete(entry.id);
        this.deleted.push(entry.id);
      }
      n++;
    }
    if (n > 0) this.times = this.times.slice(n);
  }

  stateSize(): number {
    let n = 0;
    for (const entry of this.held.values()) n += entry.rows.length;
    return n;
  }

  stateBytes(): number {
    return approxRetainedBytes([this.held, this.times]);
  }

  private get kind(): string {
    return `temporalFilter/${this.arity}`;
  }

  private meta(): Value[] {
    return [this.now === Number.NEGATIVE_INFINITY ? null : this.now, this.nextId];
  }

  private entry(time: number, held: Held): StateEntry {
    return { id: held.id, data: [time, held.rows.values.slice(), held.rows.weights.slice()] };
  }

  saveState(): OperatorState {
    this.changed = new Map();
    this.deleted = [];
    return {
      kind: this.kind,
      meta: this.meta(),
      entries: [...this.held].map(([time, held]) => this.entry(time, held)),
    };
  }

  saveStateDelta(): OperatorStateDelta {
    if (this.changed === null) {
      const whole = this.saveState();
      return { kind: whole.kind, full: true, meta: whole.meta, upserts: whole.entries, deletes: [] };
    }
    const upserts: StateEntry[] = [];
    for (const [, time] of this.changed) {
      const held = this.held.get(time);
      if (held !== undefined) upserts.push(this.entry(time, held));
    }
    const delta = { kind: this.kind, full: false, meta: this.meta(), upserts, deletes: this.deleted };
    this.changed = new Map();
    this.deleted = [];
    return delta;
  }

  beginSaveState(): StateSlicer {
    this.changed = new Map();
    this.deleted = [];
    const pending = [...this.held.keys()];
    const changedAtBegin = this.changed;
    return {
      kind: this.kind,
      next: (max: number): StateEntry[] => {
        if (this.changed !== changedAtBegin)
          throw new InternalError('temporal filter: another save ended this one');
        const out: StateEntry[] = [];
        while (out.length < max && pending.length > 0) {
          const time = pending.pop()!;
          const held = this.held.get(time);
          if (held !== undefined) out.push(this.entry(time, held));
        }
        return out;
      },
    };
  }

  restoreState(state: OperatorState): void {
    expectKind(state, this.kind);
    const [now, nextId] = state.meta as [number | null, number];
    this.now = now ?? Number.NEGATIVE_INFINITY;
    this.nextId = nextId;
    this.held.clear();
    for (const e of state.entries) {
      const [time, values, weights] = e.data as [number, Value[], number[]];
      this.held.set(time, { id: e.id, rows: new Batch(this.arity, values.slice(), weights.slice()) });
    }
    this.times = [...this.held.keys()].sort((a, b) => a - b);
    this.changed = new Map();
    this.deleted = [];
  }
}
