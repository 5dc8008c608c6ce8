/**
 * @module bench/engine/oracle
 * Each engine-suite query evaluated once, in plain JavaScript, over all the input: the expected
 * final result the incremental systems are checked against.
 */
import type { Row } from '../../src/common/value.ts';
import { AuctionCol, BidCol, type NexmarkBatch } from '../../src/connectors/datagen/nexmark/index.ts';
import type { InputBatch } from './engine-input.ts';
import type { EngineQuery } from './engine-queries.ts';

export function oracle(query: EngineQuery, input: readonly InputBatch[]): Row[] {
  const bids = input.map((b) => b.bid).filter((b): b is NexmarkBatch => b !== undefined);
  switch (query) {
    case 'q0':
      return mapBids(bids, (v, at) => [
        v[at + BidCol.auction],
        v[at + BidCol.bidder],
        v[at + BidCol.price],
        v[at + BidCol.dateTime],
      ]);
    case 'q1':
      return mapBids(bids, (v, at) => [
        v[at + BidCol.auction],
        v[at + BidCol.bidder],
        0.908 * (v[at + BidCol.price] as number),
        v[at + BidCol.dateTime],
      ]);
    case 'q2':
      return mapBids(bids, (v, at) =>
        (v[at + BidCol.auction] as number) % 123 === 0
          ? [v[at + BidCol.auction], v[at + BidCol.price]]
          : null,
      );
    case 'groupby':
      return groupBy(bids);
    case 'q4':
      return q4(input, bids);
  }
}

function mapBids(bids: NexmarkBatch[], f: (values: Row, at: number) => Row | null): Row[] {
  const rows: Row[] = [];
  for (const b of bids) {
    for (let i = 0; i < b.rowCount; i++) {
      const row = f(b.values, i * b.arity);
      if (row !== null) rows.push(row);
    }
  }
  return rows;
}

function groupBy(bids: NexmarkBatch[]): Row[] {
  const groups = new Map<number, { count: number; sum: number; max: number }>();
  mapBids(bids, (v, at) => {
    const auction = v[at + BidCol.auction] as number;
    const price = v[at + BidCol.price] as number;
    const g = groups.get(auction);
    if (g === undefined) groups.set(auction, { count: 1, sum: price, max: price });
    else {
      g.count++;
      g.sum += price;
      if (price > g.max) g.max = price;
    }
    return null;
  });
  return [...groups].map(([auction, g]) => [auction, g.count, g.sum, g.max]);
}

function q4(input: readonly InputBatch[], bids: NexmarkBatch[]): Row[] {
  const auctions = new Map<number, { start: number; end: number; category: number }>();
  for (const { auction: a } of input) {
    if (a === undefined) continue;
    for (let i = 0, at = 0; i < a.rowCount; i++, at += a.arity) {
      const v = a.values;
      auctions.set(v[at + AuctionCol.id] as number, {
        start: v[at + AuctionCol.dateTime] as number,
        end: v[at + AuctionCol.expires] as number,
        category: v[at + AuctionCol.category] as number,
      });
    }
  }
  const finals = new Map<number, number>();
  mapBids(bids, (v, at) => {
    const a = auctions.get(v[at + BidCol.auction] as number);
    const time = v[at + BidCol.dateTime] as number;
    if (a === undefined || time < a.start || time > a.end) return null;
    const id = v[at + BidCol.auction] as number;
    finals.set(id, Math.max(finals.get(id) ?? Number.NEGATIVE_INFINITY, v[at + BidCol.price] as number));
    return null;
  });
  const categories = new Map<number, { sum: number; count: number }>();
  for (const [id, final] of finals) {
    const category = auctions.get(id)!.category;
    const c = categories.get(category) ?? { sum: 0, count: 0 };
    c.sum += final;
    c.count++;
    categories.set(category, c);
  }
  return [...categories].map(([category, c]) => [category, c.sum / c.count]);
}
