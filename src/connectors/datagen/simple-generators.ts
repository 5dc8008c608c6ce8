/**
 * @module connectors/datagen/simple-generators
 * Event generators for datagen sources, as rows in a source's column order: Nexmark's (one of its
 * three tables, from the stateful generator in ./nexmark) and two simple ones, orders and
 * clickstream clicks, where event n is a pure function of the seed and n. Every generator is
 * deterministic from its seed and resumable at any event number, so a source that records the
 * next event number in its positions goes on after a restart with exactly the events it would
 * have made. Event times are made from the event number too (not the wall clock): event n is at
 * 2024-01-01 00:00:00 UTC + n / rate seconds (10,000 events/s when the rate is unlimited).
 */
import type { SqlType } from '../../common/types.ts';
import { T } from '../../common/types.ts';
import type { Value } from '../../common/value.ts';
import type { DatagenSourceSpec } from './datagen-options.ts';
import {
  createNexmarkBatches,
  NEXMARK_COLUMNS,
  NEXMARK_DEFAULT_FIRST_EVENT_TIME,
  type NexmarkBatches,
  NexmarkGenerator,
} from './nexmark/index.ts';

const firstEventTime = NEXMARK_DEFAULT_FIRST_EVENT_TIME;

const orderColumns: [string, SqlType][] = [
  ['order_id', T.int8],
  ['customer_id', T.int8],
  ['product', T.text],
  ['quantity', T.int4],
  ['price_cents', T.int8],
  ['created_at', T.timestamptz],
];

const clickColumns: [string, SqlType][] = [
  ['event_id', T.int8],
  ['user_id', T.int8],
  ['page', T.text],
  ['referrer', T.text],
  ['duration_ms', T.int4],
  ['at', T.timestamptz],
];

const products = [
  'apple',
  'banana',
  'cherry',
  'date',
  'elderberry',
  'fig',
  'grape',
  'honeydew',
  'kiwi',
  'lemon',
];
const pages = ['/', '/search', '/product', '/cart', '/checkout', '/help', '/account', '/blog'];
const referrers = ['search', 'social', 'email', 'ads'];

/** The columns a generator makes, by name. */
export function generatedColumns(spec: Pick<DatagenSourceSpec, 'generator' | 'table'>): Map<string, SqlType> {
  if (spec.generator === 'nexmark')
    return new Map(NEXMARK_COLUMNS[spec.table ?? 'bid'].map((c) => [c.name, c.type]));
  return new Map(spec.generator === 'orders' ? orderColumns : clickColumns);
}

/** Makes the rows of events [from, from + count), in the order of `columns` (names). */
export interface RowGenerator {
  /** Appends the rows of the next `count` events from event `from` to `out`; answers the row count. */
  generate(from: number, count: number, out: Value[]): number;
}

export function rowGenerator(spec: DatagenSourceSpec, columns: readonly string[]): RowGenerator {
  if (spec.generator === 'nexmark') return new NexmarkRows(spec, columns);
  const names = (spec.generator === 'orders' ? orderColumns : clickColumns).map(([n]) => n);
  const index = columns.map((c) => names.indexOf(c));
  const stepMicros = 1e6 / (spec.rate > 0 ? spec.rate : 10_000);
  const make = spec.generator === 'orders' ? orderRow : clickRow;
  const row: Value[] = new Array(names.length);
  return {
    generate(from, count, out) {
      for (let n = from; n < from + count; n++) {
        make(spec.seed, n, firstEventTime + Math.floor(n * stepMicros), row);
        for (const i of index) out.push(row[i]!);
      }
      return count;
    },
  };
}

function orderRow(seed: number, n: number, at: number, row: Value[]): void {
  row[0] = n + 1;
  row[1] = 1 + Math.floor(unit(seed, n, 1) * 10_000);
  row[2] = products[Math.floor(unit(seed, n, 2) * products.length)]!;
  row[3] = 1 + Math.floor(unit(seed, n, 3) * 5);
  row[4] = 100 + Math.floor(unit(seed, n, 4) * 99_900);
  row[5] = at;
}

function clickRow(seed: number, n: number, at: number, row: Value[]): void {
  row[0] = n + 1;
  row[1] = 1 + Math.floor(unit(seed, n, 1) * 100_000);
  row[2] = pages[Math.floor(unit(seed, n, 2) * pages.length)]!;
  const r = unit(seed, n, 3);
  row[3] = r < 0.3 ? null : referrers[Math.floor(((r - 0.3) / 0.7) * referrers.length)]!;
  row[4] = Math.floor(unit(seed, n, 4) * 60_000);
  row[5] = at;
}

/** A number in [0, 1) that depends only on (seed, n, field): a 32-bit integer hash. */
function unit(seed: number, n: number, field: number): number {
  let h =
    Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(Math.floor(n / 4294967296) + field, 0x85ebca77) ^ (n >>> 0);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  h ^= h >>> 16;
  h = Math.imul(h ^ Math.imul(field, 0xc2b2ae35), 0x27d4eb2f);
  h ^= h >>> 15;
  return (h >>> 0) / 4294967296;
}

/** One Nexmark table's rows from the whole event stream (the other kinds are counted, not kept). */
class NexmarkRows implements RowGenerator {
  private readonly spec: DatagenSourceSpec;
  private readonly index: number[];
  private readonly batches: NexmarkBatches = createNexmarkBatches();
  private generator: NexmarkGenerator;

  constructor(spec: DatagenSourceSpec, columns: readonly string[]) {
    this.spec = spec;
    const names = NEXMARK_COLUMNS[spec.table ?? 'bid'].map((c) => c.name);
    this.index = columns.map((c) => names.indexOf(c));
    this.generator = this.fresh();
  }

  private fresh(): NexmarkGenerator {
    return new NexmarkGenerator({
      seed: this.spec.seed,
      eventsPerSecond: this.spec.rate > 0 ? this.spec.rate : 10_000,
    });
  }

  generate(from: number, count: number, out: Value[]): number {
    if (this.generator.eventsGenerated > from) this.generator = this.fresh();
    // Resuming: the generator is stateful, so events before `from` are made again and dropped.
    while (this.generator.eventsGenerated < from)
      this.generator.next(this.batches, Math.min(65_536, from - this.generator.eventsGenerated));
    this.generator.next(this.batches, count);
    const batch = this.batches[this.spec.table ?? 'bid'];
    const arity = batch.arity;
    for (let r = 0; r < batch.rowCount; r++)
      for (const i of this.index) out.push(batch.values[r * arity + i]!);
    return batch.rowCount;
  }
}
