/**
 * @module plan/evaluate/running-sum
 * sum() and avg() of the one-shot evaluator, one value at a time, with PostgreSQL's result types
 * (sum(int2/int4) is bigint, sum(int8) and avg of integers are numeric, float sums are exact and
 * order-independent as the dataflow's, interval sums are intervals), so an aggregate holds one
 * running total per group instead of the group's rows.
 */
import { addIntervals, divideInterval, type Interval } from '../../common/interval.ts';
import { Numeric } from '../../common/numeric.ts';
import type { SqlType } from '../../common/types.ts';
import type { Value } from '../../common/value.ts';
import { FloatSum } from '../../dataflow/float-sum.ts';
import { floatOverflow } from '../../functions/errors.ts';
import { int8Canonical } from '../../functions/int-ops.ts';

export class RunningSum {
  /** Non-NULL values added. */
  count = 0;
  private readonly type: SqlType;
  /** An integer total while it is a safe integer; `big` from the first that is not. */
  private small = 0;
  private big: bigint | null = null;
  private numeric: Numeric | null = null;
  private readonly floats: FloatSum | null;
  private allFinite = true;
  private interval: Interval | null = null;

  constructor(type: SqlType) {
    this.type = type;
    this.floats = type.id === 'float4' || type.id === 'float8' ? new FloatSum() : null;
  }

  /** Adds one non-NULL value. */
  add(v: Value): void {
    this.count++;
    switch (this.type.id) {
      case 'int2':
      case 'int4':
      case 'int8':
        this.addInteger(v as number | bigint);
        return;
      case 'numeric':
        this.numeric = this.numeric === null ? (v as Numeric) : this.numeric.add(v as Numeric);
        return;
      case 'float4':
      case 'float8':
        this.floats!.add(v as number, 1);
        if (!Number.isFinite(v as number)) this.allFinite = false;
        return;
      case 'interval':
        this.interval = this.interval === null ? (v as Interval) : addIntervals(this.interval, v as Interval);
        return;
    }
  }

  /** sum(): NULL when no value was added. */
  sum(): Value {
    if (this.count === 0) return null;
    switch (this.type.id) {
      case 'int2':
      case 'int4':
        return this.big === null ? this.small : int8Canonical(this.big);
      case 'int8':
        return Numeric.fromInt(this.big ?? this.small);
      case 'numeric':
        return this.numeric;
      case 'float4':
      case 'float8': {
        const total = this.floatTotal();
        return this.type.id === 'float4' ? Math.fround(total) : total;
      }
      case 'interval':
        return this.interval;
    }
    return null;
  }

  /** avg(): NULL when no value was added. */
  avg(): Value {
    if (this.count === 0) return null;
    switch (this.type.id) {
      case 'int2':
      case 'int4':
      case 'int8':
        return Numeric.avg(Numeric.fromInt(this.big ?? this.small), this.count);
      case 'numeric':
        return Numeric.avg(this.numeric!, this.count);
      case 'float4':
      case 'float8':
        return this.floatTotal() / this.count;
      case 'interval':
        return divideInterval(this.interval!, this.count);
    }
    return null;
  }

  private addInteger(v: number | bigint): void {
    if (this.big === null && typeof v === 'number') {
      // A sum past 2^53 - 1 is never rounded back into the safe range, so this test is exact.
      const total = this.small + v;
      if (Number.isSafeInteger(total)) {
        this.small = total;
        return;
      }
    }
    this.big = (this.big ?? BigInt(this.small)) + BigInt(v);
  }

  /** The correctly rounded float total; an infinite one from finite values is PostgreSQL's overflow. */
  private floatTotal(): number {
    const total = this.floats!.value();
    if (!Number.isFinite(total) && this.allFinite) throw floatOverflow();
    return total;
  }
}
