/**
 * @module dataflow/consolidate
 * Merges equal rows of a batch, summing their weights and dropping rows whose weight sums to zero.
 * Rows are equal when identical in form (`rowsIdentical`): a view's -1.10 +1.1 is a change.
 * An open-addressing table of Int32Array slots over row hashes, reused between calls, so the only
 * allocations are the output arrays. Rows keep the order of their first appearance (deterministic).
 */
import type { Value } from '../common/value.ts';
import { Batch } from './batch.ts';
import { hashRow, rowsIdentical } from './row.ts';

let slots = new Int32Array(1024);
let hashes = new Int32Array(512);

export function consolidate(batch: Batch): Batch {
  const n = batch.length;
  if (n === 0 || batch.consolidated) return batch;
  const arity = batch.arity;
  if (n === 1) return batch.weights[0] === 0 ? new Batch(arity) : batch;
  let size = 16;
  while (size < n * 2) size <<= 1;
  if (slots.length < size) slots = new Int32Array(size);
  else slots.fill(0, 0, size);
  if (hashes.length < n) hashes = new Int32Array(Math.max(n, hashes.length * 2));
  const mask = size - 1;
  const src = batch.values;
  const srcWeights = batch.weights;
  const values: Value[] = [];
  const weights: number[] = [];
  let rows = 0;
  for (let i = 0; i < n; i++) {
    const w = srcWeights[i]!;
    if (w === 0) continue;
    const base = i * arity;
    const h = hashRow(src, base, arity);
    let s = h & mask;
    for (;;) {
      const e = slots[s]!;
      if (e === 0) {
        slots[s] = rows + 1;
        hashes[rows] = h;
        for (let j = 0; j < arity; j++) values.push(src[base + j]!);
        weights.push(w);
        rows++;
        break;
      }
      if (hashes[e - 1] === h && rowsIdentical(values, (e - 1) * arity, src, base, arity)) {
        weights[e - 1]! += w;
        break;
      }
      s = (s + 1) & mask;
    }
  }
  return dropZeros(arity, values, weights, rows);
}

function dropZeros(arity: number, values: Value[], weights: number[], rows: number): Batch {
  let kept = 0;
  for (let i = 0; i < rows; i++) if (weights[i] !== 0) kept++;
  if (kept === rows) return consolidatedBatch(arity, values, weights);
  const outValues: Value[] = [];
  const outWeights: number[] = [];
  for (let i = 0; i < rows; i++) {
    const w = weights[i]!;
    if (w === 0) continue;
    const base = i * arity;
    for (let j = 0; j < arity; j++) outValues.push(values[base + j]!);
    outWeights.push(w);
  }
  return consolidatedBatch(arity, outValues, outWeights);
}

function consolidatedBatch(arity: number, values: Value[], weights: number[]): Batch {
  const b = new Batch(arity, values, weights);
  b.consolidated = true;
  return b;
}
