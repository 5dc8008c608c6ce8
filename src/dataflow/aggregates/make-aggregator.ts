/**
 * @module dataflow/aggregates/make-aggregator
 * Picks the incremental implementation of one aggregate call from its function, argument types
 * and modifiers (DISTINCT, ORDER BY within the call). Result types follow PostgreSQL: count int8;
 * sum(int2/int4) int8, sum(int8/numeric) numeric, sum(float4) real, sum(float8) double; avg of
 * integers and numeric numeric, of floats double; min/max the argument's type.
 */
import { minMaxOrder } from '../../common/bpchar.ts';
import { FeatureNotSupportedError } from '../../common/errors.ts';
import { jsonbAgg, jsonbObjectAgg } from '../../common/jsonb-build.ts';
import type { SqlType } from '../../common/types.ts';
import type { Value } from '../../common/value.ts';
import type { AggregateFunction } from '../../plan/logical.ts';
import type { SortKey } from '../row.ts';
import type { Aggregator } from './aggregator.ts';
import { AppendOnlyMinMaxAgg } from './append-only-min-max.ts';
import { BitAgg } from './bits.ts';
import { BoolAgg, CountAgg } from './count.ts';
import { DistinctAgg } from './distinct.ts';
import { FirstLastAgg } from './first-last.ts';
import { MinMaxAgg } from './min-max.ts';
import { type MomentsFunction, regressionFunctions, varianceFunctions } from './moments.ts';
import { OrderedSetAgg } from './order-statistics.ts';
import { finishArrayAgg, finishStringAgg, OrderedAgg } from './ordered.ts';
import { StatisticsAgg } from './statistics.ts';
import { FloatSumAgg, IntervalSumAgg, IntSumAgg, NumericSumAgg } from './sum.ts';

/** The logical plan's aggregate names (a type-only import: no runtime dependency on plan). */
export type AggregateName = AggregateFunction;

export interface AggregateDescriptor {
  readonly fn: AggregateName;
  /** Input column positions of the arguments. */
  readonly args: readonly number[];
  /** Types of those columns. */
  readonly argTypes: readonly SqlType[];
  readonly distinct: boolean;
  /** ORDER BY within the call (input column positions). */
  readonly orderBy: readonly SortKey[];
  /** The input never retracts a row (see plan/append-only.ts): min/max keep one value per group. */
  readonly appendOnly?: boolean;
}

export function makeAggregator(d: AggregateDescriptor): Aggregator {
  if (d.appendOnly && (d.fn === 'min' || d.fn === 'max')) {
    const max = d.fn === 'max';
    return new AppendOnlyMinMaxAgg(d.args[0]!, max, minMaxOrder(d.argTypes[0]!, max));
  }
  const inner = makePlain(d);
  if (!d.distinct) return inner;
  switch (d.fn) {
    case 'count':
    case 'sum':
    case 'avg':
    case 'bool_and':
    case 'bool_or':
    case 'bit_and':
    case 'bit_or':
    case 'bit_xor':
    case 'var_samp':
    case 'var_pop':
    case 'stddev_samp':
    case 'stddev_pop':
      return new DistinctAgg(inner, d.args[0]!, d.argTypes[0]!);
    default:
      // min/max ignore DISTINCT; the ordered aggregates apply it to their entries.
      return inner;
  }
}

function makePlain(d: AggregateDescriptor): Aggregator {
  const col = d.args[0] ?? -1;
  if (varianceFunctions.has(d.fn) || regressionFunctions.has(d.fn)) {
    const t = d.argTypes[0]!.id;
    const numeric = t === 'int2' || t === 'int4' || t === 'int8' || t === 'numeric';
    return new StatisticsAgg(d.fn as MomentsFunction, d.args, numeric);
  }
  switch (d.fn) {
    case 'count_star':
      return new CountAgg(-1);
    case 'count':
      return new CountAgg(col);
    case 'sum':
    case 'avg':
      return makeSum(d.fn === 'avg', col, d.argTypes[0]!);
    case 'min':
    case 'max':
      return new MinMaxAgg(col, d.fn === 'max', minMaxOrder(d.argTypes[0]!, d.fn === 'max'));
    case 'bool_and':
    case 'bool_or':
      return new BoolAgg(col, d.fn === 'bool_and');
    case 'string_agg':
      return ordered(d, true, finishStringAgg);
    case 'array_agg':
      return ordered(d, false, finishArrayAgg);
    case 'jsonb_agg':
      return ordered(d, false, (args, types) => jsonbAgg(column(args, 0), types[0]!));
    case 'jsonb_object_agg':
      return ordered(d, false, (args, types) =>
        jsonbObjectAgg(column(args, 0), column(args, 1), types[0]!, types[1]!),
      );
    case 'bit_and':
    case 'bit_or':
    case 'bit_xor':
      return new BitAgg(col, d.fn, bitWidth(d.argTypes[0]!));
    case 'percentile_cont':
    case 'percentile_disc':
    case 'mode':
      return new OrderedSetAgg(d.fn, d.args, d.orderBy[0]!);
    case 'first':
    case 'last':
      return new FirstLastAgg(col, d.orderBy, d.fn === 'last');
  }
  throw new FeatureNotSupportedError(`aggregate ${d.fn} is not supported incrementally`);
}

/** The width of an integer type's bits (bit_and/bit_or/bit_xor). */
export function bitWidth(type: SqlType): number {
  return type.id === 'int2' ? 16 : type.id === 'int4' ? 32 : 64;
}

function makeSum(avg: boolean, col: number, type: SqlType): Aggregator {
  switch (type.id) {
    case 'int2':
    case 'int4':
      return new IntSumAgg(col, avg ? 'avg' : 'int8');
    case 'int8':
      return new IntSumAgg(col, avg ? 'avg' : 'numeric');
    case 'numeric':
      return new NumericSumAgg(col, avg);
    case 'float4':
      return new FloatSumAgg(col, avg ? 'avg' : 'float4');
    case 'float8':
      return new FloatSumAgg(col, avg ? 'avg' : 'float8');
    case 'interval':
      return new IntervalSumAgg(col, avg);
    default:
      throw new FeatureNotSupportedError(`${avg ? 'avg' : 'sum'} over type ${type.id} is not supported`);
  }
}

function ordered(
  d: AggregateDescriptor,
  skipNullFirst: boolean,
  finish: (args: readonly (readonly Value[])[], types: readonly SqlType[]) => Value,
): Aggregator {
  return new OrderedAgg({
    argCols: d.args,
    argTypes: d.argTypes,
    orderBy: d.orderBy,
    distinct: d.distinct,
    skipNullFirst,
    finish,
  });
}

function column(args: readonly (readonly Value[])[], i: number): Value[] {
  const out = new Array<Value>(args.length);
  for (let k = 0; k < args.length; k++) out[k] = args[k]![i]!;
  return out;
}
