/**
 * @module dataflow/aggregates/ordered
 * string_agg, array_agg, jsonb_agg, jsonb_object_agg: per group the ordered multiset of entries
 * (ORDER BY keys within the call, then the arguments, so ties break deterministically), each with
 * its count. A change updates one entry; the result is rebuilt from the entries in order (its size
 * is the group's anyway). With DISTINCT each entry contributes once whatever its count, and the
 * forms of one char value ('a', 'a  ', kept apart as entries so retractions stay exact) count as
 * one entry, shown in its most padded form, as grouping shows it (ADR 0002).
 */

import { compareArgumentValues, sameArgumentValue } from '../../common/bpchar.ts';
import type { SqlType } from '../../common/types.ts';
import type { Value } from '../../common/value.ts';
import { checkAccumulatedArrays } from '../../functions/array-dims.ts';
import { compareBySortKey, type SortKey } from '../row.ts';
import { SortedList } from '../sorted-list.ts';
import { numbers, stateMismatch, tuple } from '../state.ts';
import { type Aggregator, growTo } from './aggregator.ts';

export type OrderedKind = 'string_agg' | 'array_agg' | 'jsonb_agg' | 'jsonb_object_agg';

/** Builds the result from the entries' arguments (in order, each repeated by its count). */
export type OrderedFinisher = (args: readonly (readonly Value[])[], types: readonly SqlType[]) => Value;

export class OrderedAgg implements Aggregator {
  private readonly argCols: readonly number[];
  private readonly orderBy: readonly SortKey[];
  private readonly distinct: boolean;
  /** Rows whose first argument is NULL contribute nothing (string_agg). */
  private readonly skipNullFirst: boolean;
  private readonly finish: OrderedFinisher;
  private readonly argTypes: readonly SqlType[];
  private readonly cmp: (a: Value[], b: Value[]) => number;
  /** Whether two entries are one for DISTINCT (their char arguments compared trimmed). */
  private readonly sameEntry: (a: Value[], b: Value[]) => boolean;
  private readonly lists: (SortedList<Value[]> | null)[] = [];

  constructor(options: {
    argCols: readonly number[];
    argTypes: readonly SqlType[];
    orderBy: readonly SortKey[];
    distinct: boolean;
    skipNullFirst: boolean;
    finish: OrderedFinisher;
  }) {
    this.argCols = options.argCols;
    this.argTypes = options.argTypes;
    this.orderBy = options.orderBy;
    this.distinct = options.distinct;
    this.skipNullFirst = options.skipNullFirst;
    this.finish = options.finish;
    // An entry is [order keys…, arguments…]; its order keys are compared first.
    const keys = this.orderBy.map((k, i) => ({
      column: i,
      descending: k.descending,
      nullsFirst: k.nullsFirst,
    }));
    const width = keys.length + this.argCols.length;
    const bpchar = this.argTypes.map((t) => t.id === 'bpchar');
    const compareKeys = (a: Value[], b: Value[]): number => {
      for (let i = 0; i < keys.length; i++) {
        const c = compareBySortKey(a[i]!, b[i]!, keys[i]!);
        if (c !== 0) return c;
      }
      return 0;
    };
    this.cmp = (a, b) => {
      const c = compareKeys(a, b);
      if (c !== 0) return c;
      for (let i = keys.length; i < width; i++) {
        const byArgument = compareArgumentValues(a[i]!, b[i]!, bpchar[i - keys.length]!);
        if (byArgument !== 0) return byArgument;
      }
      return 0;
    };
    this.sameEntry = (a, b) => {
      if (compareKeys(a, b) !== 0) return false;
      for (let i = keys.length; i < width; i++)
        if (!sameArgumentValue(a[i]!, b[i]!, bpchar[i - keys.length]!)) return false;
      return true;
    };
  }

  reserve(capacity: number): void {
    growTo(this.lists, capacity, null);
  }

  update(slot: number, row: readonly Value[], base: number, weight: number): void {
    const argCols = this.argCols;
    if (this.skipNullFirst && row[base + argCols[0]!] === null) return;
    const orderBy = this.orderBy;
    const entry = new Array<Value>(orderBy.length + argCols.length);
    for (let i = 0; i < orderBy.length; i++) entry[i] = row[base + orderBy[i]!.column]!;
    for (let i = 0; i < argCols.length; i++) entry[orderBy.length + i] = row[base + argCols[i]!]!;
    let list = this.lists[slot]!;
    if (list === null) {
      list = new SortedList(this.cmp);
      this.lists[slot] = list;
    }
    list.addWeight(entry, weight);
  }

  result(slot: number): Value {
    const list = this.lists[slot];
    if (list === null || list === undefined || list.size === 0) return null;
    const skip = this.orderBy.length;
    const args: Value[][] = [];
    const argsOf = (entry: Value[]): Value[] => (skip === 0 ? entry : entry.slice(skip));
    if (this.distinct) {
      // Entries one for DISTINCT are adjacent; the last of each run is the most padded.
      let pending: Value[] | null = null;
      list.forEachFrom(0, (entry) => {
        if (pending !== null && !this.sameEntry(pending, entry)) args.push(argsOf(pending));
        pending = entry;
        return true;
      });
      if (pending !== null) args.push(argsOf(pending));
    } else {
      list.forEachFrom(0, (entry, count) => {
        const a = argsOf(entry);
        for (let k = 0; k < count; k++) args.push(a);
        return true;
      });
    }
    return this.finish(args, this.argTypes);
  }

  clear(slot: number): void {
    this.lists[slot] = null;
  }

  /** [entries, counts] in order, or null for an empty group. */
  saveSlot(slot: number): Value {
    const list = this.lists[slot];
    if (list === null || list === undefined) return null;
    const { items, weights } = list.toArrays();
    return [items.map((entry) => entry.slice()), weights];
  }

  restoreSlot(slot: number, data: Value): void {
    if (data === null) return;
    const [entries, counts] = tuple(data, 2);
    const cs = numbers(counts);
    if (!Array.isArray(entries) || entries.length !== cs.length)
      throw stateMismatch('malformed ordered state');
    const list = new SortedList(this.cmp);
    for (let i = 0; i < cs.length; i++) {
      const entry = entries[i];
      if (!Array.isArray(entry)) throw stateMismatch('malformed ordered entry');
      list.insert(entry.slice(), cs[i]!);
    }
    this.lists[slot] = list;
  }
}

/** string_agg(value, delimiter): values joined, each but the first preceded by its row's delimiter. */
export function finishStringAgg(args: readonly (readonly Value[])[]): Value {
  if (args.length === 0) return null;
  if (args[0]![0] instanceof Uint8Array) return concatBytes(args);
  let out = args[0]![0] as string;
  for (let i = 1; i < args.length; i++) {
    const d = args[i]![1] ?? null;
    out += (d === null ? '' : (d as string)) + (args[i]![0] as string);
  }
  return out;
}

function concatBytes(args: readonly (readonly Value[])[]): Uint8Array {
  const parts: Uint8Array[] = [];
  let length = 0;
  for (let i = 0; i < args.length; i++) {
    const d = args[i]![1] ?? null;
    if (i > 0 && d !== null) {
      parts.push(d as Uint8Array);
      length += (d as Uint8Array).length;
    }
    parts.push(args[i]![0] as Uint8Array);
    length += (args[i]![0] as Uint8Array).length;
  }
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** array_agg(value): the values in order, NULLs included; arrays stack into one more dimension. */
export function finishArrayAgg(args: readonly (readonly Value[])[], types: readonly SqlType[]): Value {
  if (args.length === 0) return null;
  const out = new Array<Value>(args.length);
  for (let i = 0; i < args.length; i++) out[i] = args[i]![0]!;
  if (types[0]?.id === 'array') checkAccumulatedArrays(out);
  return out;
}
