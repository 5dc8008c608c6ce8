/**
 * @module plan/evaluate/aggregate-fold
 * One-shot aggregate computation, with PostgreSQL's types (sum(int4) is bigint, sum(bigint) and
 * avg(int) are numeric) and NULL rules. An accumulator takes a group's rows one at a time: the
 * plain aggregates keep a running value, so a group of millions of rows holds none of them; the
 * order-sensitive ones and DISTINCT keep the group's rows and fold them at the end. The reference
 * the incremental aggregates are checked against, so it favours plainness.
 */

import { compareArgumentValues, minMaxOrder, sameArgumentValue } from '../../common/bpchar.ts';
import { jsonbAgg, jsonbObjectAgg } from '../../common/jsonb-build.ts';
import type { SqlType } from '../../common/types.ts';
import type { Value } from '../../common/value.ts';
import { compareSortKey } from '../../common/value-ops.ts';
import {
  FloatMoments,
  type MomentsFunction,
  NumericMoments,
  type RegressionFunction,
  regressionFunctions,
  type VarianceFunction,
  varianceFunctions,
} from '../../dataflow/aggregates/moments.ts';
import { percentile } from '../../dataflow/aggregates/order-statistics.ts';
import type { Cursor } from '../../dataflow/sorted-list.ts';
import { checkAccumulatedArrays } from '../../functions/array-dims.ts';
import { int8Canonical } from '../../functions/int-ops.ts';
import type { AggregateCall, Schema } from '../logical.ts';
import type { QueryGuard } from './query-guard.ts';
import { RowKeyMap } from './row-key-map.ts';
import { type Evaluation, runToEnd } from './row-stream.ts';
import { RunningSum } from './running-sum.ts';
import { sortSliced } from './sort-sliced.ts';

/**
 * One aggregate call over one group, fed row by row. A running one answers its `value()`; one
 * that holds the group's rows (the caller counts them in the memory estimate) folds them in
 * `finish`, which may sort them, in slices.
 */
export type AggregateAccumulator = RunningAggregate | HeldRowsAggregate;

/** Starts `call` over a new group of rows of `schema`. */
export function startAggregate(call: AggregateCall, schema: Schema): AggregateAccumulator {
  if (call.distinct || orderedAggregates.has(call.fn)) return new HeldRowsAggregate(call, schema);
  return startRunning(call, call.fn === 'count_star' ? null : schema[call.args[0]!]!.type);
}

function startRunning(call: AggregateCall, argType: SqlType | null): RunningAggregate {
  if (varianceFunctions.has(call.fn) || regressionFunctions.has(call.fn))
    return new MomentsAggregate(call, argType!);
  return new RunningAggregate(call, argType);
}

/** Computes `call` over the rows of one group in one go (a window frame); `guard` may cancel it. */
export function foldAggregate(
  call: AggregateCall,
  rows: readonly (readonly Value[])[],
  schema: Schema,
  guard: QueryGuard,
): Value {
  const accumulator = startAggregate(call, schema);
  for (const r of rows) accumulator.add(r);
  return accumulator.holdsRows ? runToEnd(accumulator.finish(guard)) : accumulator.value();
}

const orderedAggregates = new Set([
  'string_agg',
  'array_agg',
  'jsonb_agg',
  'jsonb_object_agg',
  'percentile_cont',
  'percentile_disc',
  'mode',
  'first',
  'last',
]);

/** count, sum, avg, min, max, bool_and, bool_or without DISTINCT: a running value. */
class RunningAggregate {
  readonly holdsRows = false;
  private readonly fn: AggregateCall['fn'];
  protected readonly filter: number | null;
  protected readonly argIndex: number;
  private readonly argType: SqlType | null;
  private readonly sum: RunningSum | null;
  /** min/max: the order the extreme is sought in (char's, trimmed, for bpchar). */
  private readonly order: ((a: Value, b: Value) => number) | null;
  private count = 0;
  private best: Value = null;
  private sawFalse = false;
  private sawTrue = false;
  /** bit_and / bit_or / bit_xor: the running word (as 64 bits). */
  private word: bigint | null = null;

  constructor(call: AggregateCall, argType: SqlType | null) {
    this.fn = call.fn;
    this.filter = call.filter;
    this.argIndex = call.args[0] ?? -1;
    this.argType = argType;
    this.sum = (call.fn === 'sum' || call.fn === 'avg') && argType ? new RunningSum(argType) : null;
    this.order =
      (call.fn === 'min' || call.fn === 'max') && argType ? minMaxOrder(argType, call.fn === 'max') : null;
  }

  add(row: readonly Value[]): void {
    if (this.filter !== null && row[this.filter] !== true) return;
    if (this.fn === 'count_star') this.count++;
    else this.addValue(row[this.argIndex]!);
  }

  /** Adds one argument value (NULLs are skipped by every aggregate here). */
  addValue(v: Value): void {
    if (v === null) return;
    this.count++;
    switch (this.fn) {
      case 'sum':
      case 'avg':
        this.sum!.add(v);
        return;
      case 'min':
      case 'max': {
        const sign = this.fn === 'max' ? 1 : -1;
        if (this.best === null || sign * this.order!(v, this.best) > 0) this.best = v;
        return;
      }
      case 'bool_and':
      case 'bool_or':
        if (v === true) this.sawTrue = true;
        else this.sawFalse = true;
        return;
      case 'bit_and':
      case 'bit_or':
      case 'bit_xor': {
        const b = BigInt.asUintN(64, BigInt(v as number | bigint));
        const w = this.word;
        this.word = w === null ? b : this.fn === 'bit_and' ? w & b : this.fn === 'bit_or' ? w | b : w ^ b;
        return;
      }
    }
  }

  value(): Value {
    switch (this.fn) {
      case 'count_star':
      case 'count':
        return this.count;
      case 'sum':
        return this.sum!.sum();
      case 'avg':
        return this.sum!.avg();
      case 'min':
      case 'max':
        return this.best;
      case 'bool_and':
        return this.count === 0 ? null : !this.sawFalse;
      case 'bool_or':
        return this.count === 0 ? null : this.sawTrue;
      case 'bit_and':
      case 'bit_or':
      case 'bit_xor': {
        if (this.word === null) return null;
        const width = this.argType!.id === 'int2' ? 16 : this.argType!.id === 'int4' ? 32 : 64;
        const signed = BigInt.asIntN(width, this.word);
        return width < 64 ? Number(signed) : int8Canonical(signed);
      }
    }
    return null;
  }
}

/** variance … regr_*: exact moments, one row at a time (regression rows need both values). */
class MomentsAggregate extends RunningAggregate {
  private readonly momentsFn: MomentsFunction;
  private readonly second: number;
  private readonly numeric: NumericMoments | null;
  private readonly floats: FloatMoments | null;

  constructor(call: AggregateCall, argType: SqlType) {
    super(call, argType);
    this.momentsFn = call.fn as MomentsFunction;
    this.second = call.args[1] ?? -1;
    const t = argType.id;
    const numeric = t === 'int2' || t === 'int4' || t === 'int8' || t === 'numeric';
    this.numeric = numeric ? new NumericMoments() : null;
    this.floats = numeric ? null : new FloatMoments();
  }

  override add(row: readonly Value[]): void {
    if (this.filter !== null && row[this.filter] !== true) return;
    const y = row[this.argIndex]!;
    if (this.second < 0) this.addValue(y);
    else if (y !== null && row[this.second] !== null)
      this.floats!.add(y as number, row[this.second] as number, 1);
  }

  override addValue(v: Value): void {
    if (v === null) return;
    if (this.numeric) this.numeric.add(v, 1);
    else this.floats!.add(0, v as number, 1);
  }

  override value(): Value {
    const fn = this.momentsFn;
    if (this.numeric) return this.numeric.isEmpty() ? null : this.numeric.result(fn as VarianceFunction);
    const m = this.floats!;
    if (regressionFunctions.has(fn))
      return m.isEmpty() && fn !== 'regr_count' ? null : m.regression(fn as RegressionFunction);
    return m.isEmpty() ? null : m.variance(fn as VarianceFunction);
  }
}

/**
 * The held rows of one group as columns: only the columns the call reads (its arguments and
 * ORDER BY keys), each an array of values, and rows named by their number. A million held rows
 * are then a few arrays, not a million row arrays the garbage collector copies one by one.
 */
type HeldColumns = readonly Value[][];

/** Order-sensitive aggregates and DISTINCT: the group's rows (as columns), folded at the end. */
class HeldRowsAggregate {
  readonly holdsRows = true;
  private readonly call: AggregateCall;
  private readonly schema: Schema;
  /** Indexed by the row's column number; empty for the columns the call does not read. */
  private readonly columns: Value[][];
  private readonly read: readonly number[];
  private count = 0;

  constructor(call: AggregateCall, schema: Schema) {
    this.call = call;
    this.schema = schema;
    this.read = [...new Set([...call.args, ...call.orderBy.map((k) => k.column)])];
    this.columns = schema.map(() => []);
  }

  add(row: readonly Value[]): void {
    if (this.call.filter !== null && row[this.call.filter] !== true) return;
    for (const c of this.read) this.columns[c]!.push(row[c]!);
    this.count++;
  }

  /** Folds the held rows; every loop over them reports to `guard` (and yields when told). */
  *finish(guard: QueryGuard): Evaluation<Value> {
    const call = this.call;
    const ordered = orderedAggregates.has(call.fn);
    const all: number[] = new Array(this.count);
    for (let i = 0; i < this.count; i++) all[i] = i;
    const columns: HeldColumns = this.columns;
    const input = ordered ? yield* orderedInput(call, columns, all, this.schema, guard) : all;
    if (call.fn === 'count_star') return input.length;
    const argIndex = call.args[0]!;
    const argType = this.schema[argIndex]!.type;
    if (call.fn === 'string_agg')
      return yield* stringAgg(input, columns[argIndex]!, columns[call.args[1]!]!, guard);
    if (call.fn === 'first' || call.fn === 'last') {
      if (input.length === 0) return null;
      return columns[argIndex]![input[call.fn === 'first' ? 0 : input.length - 1]!]!;
    }
    if (call.fn === 'percentile_cont' || call.fn === 'percentile_disc' || call.fn === 'mode')
      return orderedSet(call, yield* columnOf(input, columns[argIndex]!, guard), columns, input);
    const column = yield* columnOf(input, columns[argIndex]!, guard);
    const values = ordered ? column : yield* distinctValues(column, guard);
    switch (call.fn) {
      case 'array_agg':
        if (argType.id === 'array') checkAccumulatedArrays(values);
        return input.length === 0 ? null : (values as Value);
      case 'jsonb_agg':
        return jsonbAgg(values, argType);
      case 'jsonb_object_agg':
        return jsonbObjectAgg(
          values,
          yield* columnOf(input, columns[call.args[1]!]!, guard),
          argType,
          this.schema[call.args[1]!]!.type,
        );
    }
    // count, sum, avg, min, max, bool_and, bool_or, bit_*, variance (DISTINCT): the distinct values.
    const running = startRunning({ ...call, filter: null }, argType);
    for (const v of values) running.addValue(v);
    return running.value();
  }
}

/**
 * percentile_cont / percentile_disc / mode over a group's values in the call's order (NULLs
 * dropped); the fraction is the direct argument's value on any row (constant).
 */
function orderedSet(
  call: AggregateCall,
  sorted: readonly Value[],
  columns: HeldColumns,
  input: readonly number[],
): Value {
  const values = sorted.filter((v) => v !== null);
  if (call.fn === 'mode') {
    const key = call.orderBy[0]!;
    let best: Value = null;
    let bestCount = 0;
    for (let i = 0; i < values.length; ) {
      let j = i + 1;
      while (
        j < values.length &&
        compareSortKey(values[i]!, values[j]!, key.descending, key.nullsFirst) === 0
      )
        j++;
      if (j - i > bestCount) {
        best = values[i]!;
        bestCount = j - i;
      }
      i = j;
    }
    return best;
  }
  if (input.length === 0) return null;
  const fraction = columns[call.args[1]!]![input[0]!]!;
  if (fraction === null) return null;
  const list = {
    total: values.length,
    seekRank: (rank: number, cur: Cursor) => {
      cur.offset = rank;
      return rank;
    },
    itemAt: (cur: Cursor) => values[cur.offset]!,
  };
  return percentile(call.fn as 'percentile_cont' | 'percentile_disc', fraction as number, list, {
    chunk: 0,
    offset: 0,
  });
}

/** string_agg(value, delimiter): the non-NULL values joined, each after its own row's delimiter. */
function* stringAgg(
  input: readonly number[],
  values: readonly Value[],
  delimiters: readonly Value[],
  guard: QueryGuard,
): Evaluation<string | null> {
  let out: string | null = null;
  for (const r of input) {
    const v = values[r]!;
    if (v !== null) {
      const delimiter = delimiters[r];
      out =
        out === null
          ? (v as string)
          : out + (delimiter === null ? '' : (delimiter as string)) + (v as string);
    }
    if (guard.worked()) yield;
  }
  return out;
}

/** One column's values of the rows numbered `input`, in that order. */
function* columnOf(
  input: readonly number[],
  column: readonly Value[],
  guard: QueryGuard,
): Evaluation<Value[]> {
  const out: Value[] = new Array(input.length);
  for (let i = 0; i < input.length; i++) {
    out[i] = column[input[i]!]!;
    if (guard.worked()) yield;
  }
  return out;
}

/** The distinct values (NULL kept once: array_agg(DISTINCT …) keeps it; the others skip NULLs anyway). */
function* distinctValues(values: readonly Value[], guard: QueryGuard): Evaluation<Value[]> {
  const seen = new RowKeyMap<true>();
  const out: Value[] = [];
  for (const v of values) {
    const before = seen.size;
    seen.upsert([v], () => true);
    if (seen.size > before) out.push(v);
    if (guard.worked()) yield;
  }
  return out;
}

/**
 * The rows of an order-sensitive aggregate in the order it sees them: by the call's ORDER BY,
 * ties (and calls without ORDER BY) by the arguments ascending, NULLs last, so the result is
 * deterministic (the dataflow uses the same order). With DISTINCT, equal entries once: forms of
 * one char value sort together, least padded first, and the last of them (the most padded) is
 * kept, as grouping shows it (ADR 0002).
 */
function* orderedInput(
  call: AggregateCall,
  columns: HeldColumns,
  rows: number[],
  schema: Schema,
  guard: QueryGuard,
): Evaluation<number[]> {
  const bpchar = call.args.map((i) => schema[i]!.type.id === 'bpchar');
  const keys = call.orderBy.map((k) => ({ ...k, values: columns[k.column]! }));
  const args = call.args.map((i) => columns[i]!);
  const compareKeys = (a: number, b: number): number => {
    for (const k of keys) {
      const c = compareSortKey(k.values[a]!, k.values[b]!, k.descending, k.nullsFirst);
      if (c !== 0) return c;
    }
    return 0;
  };
  const compare = (a: number, b: number): number => {
    const c = compareKeys(a, b);
    if (c !== 0) return c;
    for (let k = 0; k < args.length; k++) {
      const byArgument = compareArgumentValues(args[k]![a]!, args[k]![b]!, bpchar[k]!);
      if (byArgument !== 0) return byArgument;
    }
    return 0;
  };
  const same = (a: number, b: number): boolean =>
    compareKeys(a, b) === 0 &&
    args.every((values, k) => sameArgumentValue(values[a]!, values[b]!, bpchar[k]!));
  const sorted = yield* sortSliced(rows, compare, guard);
  return call.distinct
    ? sorted.filter((r, i) => i === sorted.length - 1 || !same(r, sorted[i + 1]!))
    : sorted;
}
