/**
 * @module dataflow/aggregates/count
 * count(*), count(x) and bool_and / bool_or: plain counters per group. count(x) counts non-NULL
 * values; bool_and is FALSE while any FALSE is present, bool_or TRUE while any TRUE is (NULL over
 * no non-NULL values), so deleting a value never needs the group's other rows.
 */
import type { Value } from '../../common/value.ts';
import { num, tuple } from '../state.ts';
import { type Aggregator, growTo } from './aggregator.ts';

export class CountAgg implements Aggregator {
  /** Column counted when not NULL, or -1 for count(*). */
  private readonly column: number;
  private readonly counts: number[] = [];

  constructor(column: number) {
    this.column = column;
  }

  reserve(capacity: number): void {
    growTo(this.counts, capacity, 0);
  }

  update(slot: number, row: readonly Value[], base: number, weight: number): void {
    if (this.column >= 0 && row[base + this.column] === null) return;
    this.counts[slot]! += weight;
  }

  result(slot: number): Value {
    return this.counts[slot]!;
  }

  clear(slot: number): void {
    this.counts[slot] = 0;
  }

  seed(slot: number, result: Value): boolean {
    this.counts[slot] = result as number;
    return true;
  }

  saveSlot(slot: number): Value {
    return this.counts[slot]!;
  }

  restoreSlot(slot: number, data: Value): void {
    this.counts[slot] = num(data);
  }
}

export class BoolAgg implements Aggregator {
  private readonly column: number;
  private readonly isAnd: boolean;
  private readonly trues: number[] = [];
  private readonly falses: number[] = [];

  constructor(column: number, isAnd: boolean) {
    this.column = column;
    this.isAnd = isAnd;
  }

  reserve(capacity: number): void {
    growTo(this.trues, capacity, 0);
    growTo(this.falses, capacity, 0);
  }

  update(slot: number, row: readonly Value[], base: number, weight: number): void {
    const v = row[base + this.column];
    if (v === true) this.trues[slot]! += weight;
    else if (v === false) this.falses[slot]! += weight;
  }

  result(slot: number): Value {
    const t = this.trues[slot]!;
    const f = this.falses[slot]!;
    if (t <= 0 && f <= 0) return null;
    return this.isAnd ? f <= 0 : t > 0;
  }

  clear(slot: number): void {
    this.trues[slot] = 0;
    this.falses[slot] = 0;
  }

  saveSlot(slot: number): Value {
    return [this.trues[slot]!, this.falses[slot]!];
  }

  restoreSlot(slot: number, data: Value): void {
    const [t, f] = tuple(data, 2);
    this.trues[slot] = num(t);
    this.falses[slot] = num(f);
  }
}
