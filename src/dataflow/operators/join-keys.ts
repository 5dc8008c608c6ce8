/**
 * @module dataflow/operators/join-keys
 * The equi-join keys of a join: per key component, how each side computes its value (a column or
 * an expression over that side's row) and whether NULLs match (IS NOT DISTINCT FROM) or never
 * match (=). Both sides' key values are written into scratch buffers, never allocated per row.
 */
import type { SqlType } from '../../common/types.ts';
import type { Value } from '../../common/value.ts';
import type { RowFn } from '../operator.ts';

export interface JoinKeyComponent {
  /** Left-side key: a left column position, or an expression over the left row. */
  readonly left: number | RowFn;
  /** Right-side key: a right column position (relative to the right row), or an expression over it. */
  readonly right: number | RowFn;
  /** True for IS NOT DISTINCT FROM (NULL matches NULL); false for = (NULL never matches). */
  readonly nullSafe: boolean;
  readonly type: SqlType;
}

/** Reads one side's key values into a buffer. */
export class KeyExtractor {
  readonly arity: number;
  private readonly cols: Int32Array;
  private readonly fns: (RowFn | null)[];
  private readonly nullSafe: Uint8Array;

  constructor(parts: readonly (number | RowFn)[], nullSafe: readonly boolean[]) {
    this.arity = parts.length;
    this.cols = new Int32Array(parts.length);
    this.fns = [];
    this.nullSafe = new Uint8Array(parts.length);
    for (let k = 0; k < parts.length; k++) {
      const p = parts[k]!;
      this.cols[k] = typeof p === 'number' ? p : -1;
      this.fns.push(typeof p === 'number' ? null : p);
      this.nullSafe[k] = nullSafe[k] ? 1 : 0;
    }
  }

  /** Writes the key of the row at `values[base]` into `out`; returns false if it can never match. */
  extract(values: readonly Value[], base: number, out: Value[]): boolean {
    let matchable = true;
    for (let k = 0; k < this.arity; k++) {
      const c = this.cols[k]!;
      const v = c >= 0 ? values[base + c]! : this.fns[k]!(values, base);
      out[k] = v;
      if (v === null && this.nullSafe[k] === 0) matchable = false;
    }
    return matchable;
  }
}
