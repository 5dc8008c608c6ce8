/**
 * @module dataflow/row-errors
 * Errors as data: a value that cannot be computed for one row (division by zero, overflow, a bad
 * cast: SQLSTATE class 22; a scalar subquery with several rows for it: 21000) does not stop the
 * dataflow. The row is left out of the operator's
 * output and its error is counted, with the row's weight, in the view's error collection, so a
 * later retraction of the same row retracts the error too. A view with live errors raises the
 * first of them when read (as PostgreSQL would raise it for the same data).
 * `RowErrors.collect` makes a collection current while a step runs; operators that evaluate
 * expressions report into it through `reportRowError`.
 */
import { DataError, type EddyError, SqlState, type SqlStateCode } from '../common/errors.ts';
import type { Value } from '../common/value.ts';
import { Batch } from './batch.ts';
import type { Operator } from './operator.ts';
import { num, stateMismatch } from './state.ts';
import { approxRetainedBytes } from './state-bytes.ts';

interface LiveError {
  readonly error: EddyError;
  weight: number;
}

export class RowErrors {
  private readonly live = new Map<string, LiveError>();

  /** Runs `fn` with this collection receiving the row errors it reports. */
  collect<T>(fn: () => T): T {
    const previous = active;
    active = this;
    try {
      return fn();
    } finally {
      active = previous;
    }
  }

  add(error: EddyError, weight: number): void {
    const key = `${error.code} ${error.message}`;
    const entry = this.live.get(key);
    if (entry) {
      entry.weight += weight;
      if (entry.weight === 0) this.live.delete(key);
    } else if (weight !== 0) {
      this.live.set(key, { error, weight });
    }
  }

  /** The first live error (with a positive count), if any. */
  first(): EddyError | undefined {
    for (const e of this.live.values()) if (e.weight > 0) return e.error;
    return undefined;
  }

  /** The live errors as plain data: [code, message, detail, hint, weight] each. */
  saveState(): Value[] {
    const out: Value[] = [];
    for (const { error, weight } of this.live.values())
      out.push([error.code, error.message, error.detail ?? null, error.hint ?? null, weight]);
    return out;
  }

  /** Loads `saveState`'s form into an empty collection. */
  restoreState(saved: readonly Value[]): void {
    if (this.live.size > 0) throw stateMismatch('restoring into a used error collection');
    for (const entry of saved) {
      if (!Array.isArray(entry) || entry.length !== 5) throw stateMismatch('malformed row error');
      const [code, message, detail, hint] = entry;
      if (typeof code !== 'string' || typeof message !== 'string') throw stateMismatch('malformed row error');
      const error = new DataError(code as SqlStateCode, message, {
        detail: typeof detail === 'string' ? detail : undefined,
        hint: typeof hint === 'string' ? hint : undefined,
      });
      this.add(error, num(entry[4]));
    }
  }

  /** Distinct live errors (by code and message). */
  stateSize(): number {
    return this.live.size;
  }

  /** Approximate bytes the live errors retain (dataflow/state-bytes.ts). */
  stateBytes(): number {
    return approxRetainedBytes(this.live);
  }

  get count(): number {
    let n = 0;
    for (const e of this.live.values()) n += e.weight;
    return n;
  }
}

let active: RowErrors | null = null;

/**
 * True for errors that belong to one row's data (SQLSTATE class 22, or 21000), not to the query;
 * and a user-defined function's failure on a row's values (38000 threw or returned a wrong type,
 * 57014 ran out of time: functions/js-sandbox raises both as DataError).
 */
export function isRowError(e: unknown): e is DataError {
  return (
    e instanceof DataError &&
    (e.code.startsWith('22') ||
      e.code.startsWith('38') ||
      e.code === SqlState.queryCanceled ||
      e.code === SqlState.cardinalityViolation)
  );
}

/**
 * Wraps a stateless operator (map, filter, flat-map) so that a row error in a batch is isolated:
 * the batch is re-run one row at a time (safe because the operator keeps no state), failing rows
 * are reported with their weights, and the others pass. Without a current collection, the error
 * propagates as before.
 */
export class RowErrorIsolation implements Operator {
  readonly arity: number;
  private readonly inner: Operator;

  constructor(inner: Operator) {
    this.inner = inner;
    this.arity = inner.arity;
  }

  get pendingInitial(): boolean {
    return this.inner.pendingInitial;
  }

  step(inputs: readonly Batch[]): Batch {
    try {
      return this.inner.step(inputs);
    } catch (e) {
      if (!isRowError(e) || active === null || inputs.length !== 1) throw e;
      return this.rowByRow(inputs[0]!, active);
    }
  }

  private rowByRow(input: Batch, errors: RowErrors): Batch {
    const out = new Batch(this.arity);
    const one = new Batch(input.arity);
    for (let i = 0; i < input.length; i++) {
      one.values.length = 0;
      one.weights.length = 0;
      one.push(input.values, i * input.arity, input.weights[i]!);
      try {
        const produced = this.inner.step([one]);
        for (let k = 0; k < produced.length; k++)
          out.push(produced.values, k * produced.arity, produced.weights[k]!);
      } catch (e) {
        if (!isRowError(e)) throw e;
        errors.add(e, input.weights[i]!);
      }
    }
    return out;
  }
}
