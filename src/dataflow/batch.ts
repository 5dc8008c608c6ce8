/**
 * @module dataflow/batch
 * The Z-set batch: rows with integer weights, stored row-major in one flat value array (row i's
 * column j at `values[i * arity + j]`) beside a parallel weight array. No per-row objects.
 * A batch handed to an operator is never mutated by it; operators build new output batches.
 */
import type { Row, Value } from '../common/value.ts';

export class Batch {
  readonly arity: number;
  readonly values: Value[];
  readonly weights: number[];
  /** Set by whoever knows it: no two rows are equal and no weight is zero (consolidate is a no-op). */
  consolidated = false;

  constructor(arity: number, values: Value[] = [], weights: number[] = []) {
    this.arity = arity;
    this.values = values;
    this.weights = weights;
  }

  /** Number of rows (arity 0 rows exist too, so this counts weights, not values). */
  get length(): number {
    return this.weights.length;
  }

  /** Appends `arity` values read from `src[base]` with `weight`. */
  push(src: readonly Value[], base: number, weight: number): void {
    const values = this.values;
    const arity = this.arity;
    for (let j = 0; j < arity; j++) values.push(src[base + j]!);
    this.weights.push(weight);
  }

  /** A batch from rows given as arrays (API boundaries and tests); weight 1 each unless given. */
  static fromRows(arity: number, rows: readonly (readonly Value[])[], weights?: readonly number[]): Batch {
    const batch = new Batch(arity);
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      if (row.length !== arity) throw new RangeError(`row ${i} has ${row.length} values, expected ${arity}`);
      batch.push(row, 0, weights === undefined ? 1 : weights[i]!);
    }
    return batch;
  }

  /** Row i as a fresh array (for API boundaries and tests, not for hot loops). */
  row(i: number): Row {
    const arity = this.arity;
    return this.values.slice(i * arity, i * arity + arity);
  }

  /** Concatenates batches of one arity. */
  static concat(arity: number, batches: readonly Batch[]): Batch {
    const out = new Batch(arity);
    for (const b of batches) {
      const n = b.values.length;
      for (let k = 0; k < n; k++) out.values.push(b.values[k]!);
      const m = b.weights.length;
      for (let k = 0; k < m; k++) out.weights.push(b.weights[k]!);
    }
    return out;
  }
}
