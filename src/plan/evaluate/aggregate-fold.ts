/**
 * @module plan/evaluate/aggregate-fold
 * One-shot aggregate computation: folds the rows of one group into each aggregate's result, with
 * PostgreSQL's types (sum(int4) is bigint, sum(bigint) and avg(int) are numeric) and NULL rules.
 * The reference the incremental aggregates are checked against, so it favours plainness.
 */
import { addIntervals, divideInterval, type Interval } from '../../common/interval.ts';
import { jsonbAgg, jsonbObjectAgg } from '../../common/jsonb-build.ts';
import { Numeric } from '../../common/numeric.ts';
import type { SqlType } from '../../common/types.ts';
import type { Value } from '../../common/value.ts';
import { compareNullable, compareSortKey, compareValues } from '../../common/value-ops.ts';
import { FloatSum } from '../../dataflow/float-sum.ts';
import { checkAccumulatedArrays } from '../../functions/array-dims.ts';
import { floatOverflow } from '../../functions/errors.ts';
import { int8Canonical } from '../../functions/int-ops.ts';
import type { AggregateCall, Schema } from '../logical.ts';
import { RowKeyMap } from './row-key-map.ts';

/** Computes `call` over the rows of one group. */
export function foldAggregate(
  call: AggregateCall,
  rows: readonly (readonly Value[])[],
  schema: Schema,
): Value {
  let input: readonly (readonly Value[])[] =
    call.filter === null ? rows : rows.filter((r) => r[call.filter!] === true);
  if (orderedAggregates.has(call.fn)) input = orderedInput(call, input);
  if (call.fn === 'count_star') return input.length;
  const argIndex = call.args[0]!;
  const argType = schema[argIndex]!.type;
  let values: Value[] = input.map((r) => r[argIndex]!);
  if (call.distinct && !orderedAggregates.has(call.fn)) values = distinctValues(values);
  switch (call.fn) {
    case 'count':
      return values.filter((v) => v !== null).length;
    case 'sum':
      return sumValues(
        values.filter((v) => v !== null),
        argType,
      );
    case 'avg':
      return avgValues(
        values.filter((v) => v !== null),
        argType,
      );
    case 'min':
    case 'max': {
      let best: Value = null;
      const sign = call.fn === 'max' ? 1 : -1;
      for (const v of values)
        if (v !== null && (best === null || sign * compareValues(v, best) > 0)) best = v;
      return best;
    }
    case 'bool_and':
    case 'bool_or': {
      const present = values.filter((v) => v !== null);
      if (present.length === 0) return null;
      return call.fn === 'bool_and' ? present.every((v) => v === true) : present.some((v) => v === true);
    }
    case 'string_agg': {
      let out: string | null = null;
      for (const r of input) {
        const v = r[argIndex]!;
        if (v === null) continue;
        const delimiter = r[call.args[1]!];
        out =
          out === null
            ? (v as string)
            : out + (delimiter === null ? '' : (delimiter as string)) + (v as string);
      }
      return out;
    }
    case 'array_agg':
      if (argType.id === 'array') checkAccumulatedArrays(values);
      return input.length === 0 ? null : (values as Value);
    case 'jsonb_agg':
      return jsonbAgg(values, argType);
    case 'jsonb_object_agg':
      return jsonbObjectAgg(
        input.map((r) => r[argIndex]!),
        input.map((r) => r[call.args[1]!]!),
        argType,
        schema[call.args[1]!]!.type,
      );
  }
}

/** The distinct values (NULL kept once: array_agg(DISTINCT …) keeps it; the others skip NULLs anyway). */
function distinctValues(values: readonly Value[]): Value[] {
  const seen = new RowKeyMap<true>();
  const out: Value[] = [];
  for (const v of values) {
    const before = seen.size;
    seen.upsert([v], () => true);
    if (seen.size > before) out.push(v);
  }
  return out;
}

const orderedAggregates = new Set(['string_agg', 'array_agg', 'jsonb_agg', 'jsonb_object_agg']);

/**
 * The rows of an order-sensitive aggregate in the order it sees them: by the call's ORDER BY,
 * ties (and calls without ORDER BY) by the arguments ascending, NULLs last, so the result is
 * deterministic (the dataflow uses the same order); with DISTINCT, equal entries once.
 */
function orderedInput(call: AggregateCall, rows: readonly (readonly Value[])[]): (readonly Value[])[] {
  const compare = (a: readonly Value[], b: readonly Value[]): number => {
    for (const k of call.orderBy) {
      const c = compareSortKey(a[k.column]!, b[k.column]!, k.descending, k.nullsFirst);
      if (c !== 0) return c;
    }
    for (const i of call.args) {
      const c = compareNullable(a[i]!, b[i]!, false);
      if (c !== 0) return c;
    }
    return 0;
  };
  const sorted = [...rows].sort(compare);
  return call.distinct ? sorted.filter((r, i) => i === 0 || compare(sorted[i - 1]!, r) !== 0) : sorted;
}

/** sum(): int2/int4 → int8, int8/numeric → numeric, float → float, interval → interval; NULL if empty. */
export function sumValues(values: readonly Value[], type: SqlType): Value {
  if (values.length === 0) return null;
  switch (type.id) {
    case 'int2':
    case 'int4': {
      let total = 0;
      for (const v of values) total += v as number;
      return Number.isSafeInteger(total)
        ? total
        : int8Canonical(values.reduce<bigint>((s, v) => s + BigInt(v as number), 0n));
    }
    case 'int8': {
      let total = 0n;
      for (const v of values) total += BigInt(v as number | bigint);
      return Numeric.fromInt(total);
    }
    case 'numeric': {
      let total = values[0] as Numeric;
      for (let i = 1; i < values.length; i++) total = total.add(values[i] as Numeric);
      return total;
    }
    case 'float4':
    case 'float8': {
      const total = exactFloatSum(values);
      return type.id === 'float4' ? Math.fround(total) : total;
    }
    case 'interval': {
      let total = values[0] as Interval;
      for (let i = 1; i < values.length; i++) total = addIntervals(total, values[i] as Interval);
      return total;
    }
  }
  return null;
}

/** avg(): integers and numeric → numeric (PostgreSQL's scale), floats → float8, interval → interval. */
export function avgValues(values: readonly Value[], type: SqlType): Value {
  if (values.length === 0) return null;
  switch (type.id) {
    case 'int2':
    case 'int4':
    case 'int8': {
      let total = 0n;
      for (const v of values) total += BigInt(v as number | bigint);
      return Numeric.avg(Numeric.fromInt(total), values.length);
    }
    case 'numeric':
      return Numeric.avg(sumValues(values, type) as Numeric, values.length);
    case 'float4':
    case 'float8':
      return exactFloatSum(values) / values.length;
    case 'interval':
      return divideInterval(sumValues(values, type) as Interval, values.length);
  }
  return null;
}

/**
 * A float sum that does not depend on the order of the values (correctly rounded), as the
 * dataflow's incremental sum computes it; an infinite result from finite values is PostgreSQL's
 * overflow error.
 */
function exactFloatSum(values: readonly Value[]): number {
  const sum = new FloatSum();
  for (const v of values) sum.add(v as number, 1);
  const total = sum.value();
  if (!Number.isFinite(total) && values.every((v) => Number.isFinite(v as number))) throw floatOverflow();
  return total;
}
