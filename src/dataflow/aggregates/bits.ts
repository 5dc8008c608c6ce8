/**
 * @module dataflow/aggregates/bits
 * bit_and, bit_or and bit_xor over smallint, integer or bigint: per group the count of live values
 * and, per bit, how many of them have it set. A bit of bit_and is set while every value has it,
 * of bit_or while any has it, of bit_xor while an odd number has it; so a retraction never reads
 * the group's other rows. NULL over no non-NULL values; the result has the argument's type.
 */
import type { Value } from '../../common/value.ts';
import { int8Canonical } from '../../functions/int-ops.ts';
import { num, numbers, tuple } from '../state.ts';
import { type Aggregator, growTo } from './aggregator.ts';

export type BitFunction = 'bit_and' | 'bit_or' | 'bit_xor';

export class BitAgg implements Aggregator {
  private readonly column: number;
  private readonly fn: BitFunction;
  /** 16, 32 or 64. */
  private readonly width: number;
  private readonly counts: number[] = [];
  /** Per slot, per bit (least significant first), the live values with that bit set; null when none. */
  private readonly ones: (number[] | null)[] = [];

  constructor(column: number, fn: BitFunction, width: number) {
    this.column = column;
    this.fn = fn;
    this.width = width;
  }

  reserve(capacity: number): void {
    growTo(this.counts, capacity, 0);
    growTo(this.ones, capacity, null);
  }

  update(slot: number, row: readonly Value[], base: number, weight: number): void {
    const v = row[base + this.column]!;
    if (v === null) return;
    this.counts[slot]! += weight;
    let ones = this.ones[slot]!;
    if (ones === null) ones = this.ones[slot] = new Array<number>(this.width).fill(0);
    if (this.width < 64) {
      const n = v as number;
      for (let b = 0; b < this.width; b++) if ((n >>> b) & 1) ones[b]! += weight;
      return;
    }
    let word = BigInt.asUintN(64, BigInt(v as number | bigint));
    for (let b = 0; word !== 0n; b++, word >>= 1n) if (word & 1n) ones[b]! += weight;
  }

  result(slot: number): Value {
    const n = this.counts[slot]!;
    if (n <= 0) return null;
    const ones = this.ones[slot]!;
    let word = 0n;
    for (let b = this.width - 1; b >= 0; b--) {
      const c = ones === null ? 0 : ones[b]!;
      const set = this.fn === 'bit_and' ? c === n : this.fn === 'bit_or' ? c > 0 : c % 2 !== 0;
      word = (word << 1n) | (set ? 1n : 0n);
    }
    return this.width < 64 ? Number(BigInt.asIntN(this.width, word)) : int8Canonical(BigInt.asIntN(64, word));
  }

  clear(slot: number): void {
    this.counts[slot] = 0;
    this.ones[slot] = null;
  }

  saveSlot(slot: number): Value {
    return [this.counts[slot]!, this.ones[slot]?.slice() ?? null];
  }

  restoreSlot(slot: number, data: Value): void {
    const [count, ones] = tuple(data, 2);
    this.counts[slot] = num(count);
    this.ones[slot] = ones === null ? null : numbers(ones);
  }
}
