/**
 * @module bench/engine/d2ts-case
 * The engine suite's queries written for @electric-sql/d2ts, as its README would have them: a D2
 * graph of map / filter / join / reduce ending in an `output` sink, one version per batch.
 */
import {
  D2,
  filter,
  type IStreamBuilder,
  innerJoin,
  type Message,
  MessageType,
  MultiSet,
  map,
  output,
  type RootStreamBuilder,
  reduce,
} from '@electric-sql/d2ts';
import type { Row, Value } from '../../src/common/value.ts';
import { AuctionCol, BidCol, type NexmarkBatch } from '../../src/connectors/datagen/nexmark/index.ts';
import type { CaseOptions, EngineCase, OpenedCase } from './engine-case.ts';
import type { InputBatch } from './engine-input.ts';
import type { EngineQuery } from './engine-queries.ts';
import { ResultDigest } from './result-digest.ts';

/** Input rows are the generator's rows, one array per row: d2ts needs one object per record. */
type Rec = Value[];
type Auction = [id: number, [start: number, end: number, category: number]];
type BidByAuction = [auction: number, [price: number, time: number]];

interface Pipeline {
  readonly bids: RootStreamBuilder<Rec>;
  readonly auctions?: RootStreamBuilder<Rec>;
  /** Connects the query's last stream to the sink; `toRow` flattens an output record for capture. */
  sink(onMessage: (m: Message<unknown>) => void): void;
  readonly toRow: (record: unknown) => Row;
}

export function openD2tsCase(query: EngineQuery, options: CaseOptions): OpenedCase {
  const graph = new D2({ initialFrontier: 0 });
  const pipeline = buildPipeline(graph, query);
  let rows = 0;
  const captured = new Map<string, { row: Row; weight: number }>();
  // The digest is kept as the output changes (d2ts keeps no result to read at the end); the time
  // it takes is reported apart, so the measured rate is d2ts's own.
  const digest = new ResultDigest();
  let verificationNs = 0n;
  pipeline.sink((m) => {
    if (m.type !== MessageType.DATA) return;
    const changes = m.data.collection.getInner();
    for (const [record, weight] of changes) {
      rows += weight;
      if (options.capture) capture(captured, pipeline.toRow(record), weight);
    }
    const start = process.hrtime.bigint();
    for (const [record, weight] of changes) digest.add(pipeline.toRow(record), weight);
    verificationNs += process.hrtime.bigint() - start;
  });
  graph.finalize();
  let version = 0;
  const engineCase: EngineCase = {
    push(batch: InputBatch) {
      pipeline.bids.sendData(version, toMultiSet(batch.bid));
      pipeline.bids.sendFrontier(version + 1);
      if (pipeline.auctions) {
        pipeline.auctions.sendData(version, toMultiSet(batch.auction));
        pipeline.auctions.sendFrontier(version + 1);
      }
      version++;
      graph.run();
    },
    flush: async () => {},
    outputRows: async () => rows,
    result: async () => {
      if (!options.capture) throw new Error('d2ts case opened without capture');
      return expand(captured);
    },
    digest: async () => digest.value(),
    takeVerificationNs() {
      const ns = verificationNs;
      verificationNs = 0n;
      return ns;
    },
    close: async () => {},
  };
  return { ok: true, engineCase };
}

function buildPipeline(graph: D2, query: EngineQuery): Pipeline {
  const bids = graph.newInput<Rec>();
  const attach =
    <T>(stream: IStreamBuilder<T>) =>
    (onMessage: (m: Message<unknown>) => void) => {
      stream.pipe(output((m: Message<T>) => onMessage(m as Message<unknown>)));
    };
  switch (query) {
    case 'q0': {
      const out = bids.pipe(
        map((b) => [b[BidCol.auction], b[BidCol.bidder], b[BidCol.price], b[BidCol.dateTime]]),
      );
      return { bids, sink: attach(out), toRow: (r) => r as Row };
    }
    case 'q1': {
      const out = bids.pipe(
        map((b) => [
          b[BidCol.auction],
          b[BidCol.bidder],
          0.908 * (b[BidCol.price] as number),
          b[BidCol.dateTime],
        ]),
      );
      return { bids, sink: attach(out), toRow: (r) => r as Row };
    }
    case 'q2': {
      const out = bids.pipe(
        filter((b) => (b[BidCol.auction] as number) % 123 === 0),
        map((b) => [b[BidCol.auction], b[BidCol.price]]),
      );
      return { bids, sink: attach(out), toRow: (r) => r as Row };
    }
    case 'groupby': {
      const out = bids.pipe(
        map((b): [number, number] => [b[BidCol.auction] as number, b[BidCol.price] as number]),
        reduce(countSumMax),
      );
      return { bids, sink: attach(out), toRow: (r) => flattenKeyed(r) };
    }
    case 'q4':
      return q4(graph, bids, attach);
  }
}

function q4(
  graph: D2,
  bids: RootStreamBuilder<Rec>,
  attach: <T>(s: IStreamBuilder<T>) => (onMessage: (m: Message<unknown>) => void) => void,
): Pipeline {
  const auctions = graph.newInput<Rec>();
  const keyedBids = bids.pipe(
    map(
      (b): BidByAuction => [
        b[BidCol.auction] as number,
        [b[BidCol.price] as number, b[BidCol.dateTime] as number],
      ],
    ),
  );
  const out = auctions.pipe(
    map(
      (a): Auction => [
        a[AuctionCol.id] as number,
        [a[AuctionCol.dateTime] as number, a[AuctionCol.expires] as number, a[AuctionCol.category] as number],
      ],
    ),
    innerJoin(keyedBids),
    filter(([, [auction, bid]]) => bid[1] >= auction[0] && bid[1] <= auction[1]),
    map(([id, [auction, bid]]): [number, [number, number]] => [id, [auction[2], bid[0]]]),
    // MAX(price) per (auction, category): the category is a function of the auction id.
    reduce(maxWithCategory),
    map(([, [category, final]]): [number, number] => [category, final]),
    reduce(average),
  );
  return { bids, auctions, sink: attach(out), toRow: (r) => flattenKeyed(r) };
}

/**
 * d2ts hands a reduce every (value, multiplicity) of the key. Bids are never retracted, so max
 * may skip the non-positive entries instead of consolidating the group first.
 */
function countSumMax(values: [number, number][]): [[number, number, number], number][] {
  let count = 0;
  let sum = 0;
  let max = Number.NEGATIVE_INFINITY;
  for (const [price, m] of values) {
    count += m;
    sum += price * m;
    if (m > 0 && price > max) max = price;
  }
  return count === 0 ? [] : [[[count, sum, max], 1]];
}

function maxWithCategory(values: [[number, number], number][]): [[number, number], number][] {
  let category = 0;
  let max = Number.NEGATIVE_INFINITY;
  for (const [[c, price], m] of values) {
    category = c;
    if (m > 0 && price > max) max = price;
  }
  return max === Number.NEGATIVE_INFINITY ? [] : [[[category, max], 1]];
}

/** The per-auction maxima change, so this group sees retractions: sum and count are linear. */
function average(values: [number, number][]): [number, number][] {
  let sum = 0;
  let count = 0;
  for (const [final, m] of values) {
    sum += final * m;
    count += m;
  }
  return count === 0 ? [] : [[sum / count, 1]];
}

function toMultiSet(batch: NexmarkBatch | undefined): MultiSet<Rec> {
  const data: [Rec, number][] = [];
  if (batch) {
    const { values, arity } = batch;
    for (let i = 0, at = 0; i < batch.rowCount; i++, at += arity)
      data.push([values.slice(at, at + arity), 1]);
  }
  return new MultiSet(data);
}

function flattenKeyed(record: unknown): Row {
  const [key, value] = record as [Value, Value];
  return Array.isArray(value) ? [key, ...value] : [key, value];
}

function capture(into: Map<string, { row: Row; weight: number }>, row: Row, weight: number): void {
  const key = JSON.stringify(row);
  const entry = into.get(key);
  if (entry === undefined) into.set(key, { row, weight });
  else if ((entry.weight += weight) === 0) into.delete(key);
}

function expand(captured: Map<string, { row: Row; weight: number }>): Row[] {
  const rows: Row[] = [];
  for (const { row, weight } of captured.values()) {
    if (weight < 0) throw new Error(`negative weight ${weight} for ${JSON.stringify(row)}`);
    for (let i = 0; i < weight; i++) rows.push(row);
  }
  return rows;
}
