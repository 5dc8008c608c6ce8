/**
 * @module connectors/datagen/nexmark/nexmark-generator
 * Generates the Nexmark event stream (people, auctions, bids) into reusable flat batches.
 * Invariant: event n depends only on the config and the n events before it, so any batching of
 * the same config yields the same rows in the same order.
 */
import type { Row, Value } from '../../../common/value.ts';
import { engineScanForm, vouchInForm } from '../../../functions/form-scan.ts';
import { type NexmarkConfig, type NexmarkOptions, resolveNexmarkConfig } from './nexmark-config.ts';
import {
  AUCTION_ARITY,
  AuctionCol,
  BID_ARITY,
  BidCol,
  NEXMARK_COLUMNS,
  type NexmarkTable,
  PERSON_ARITY,
  PersonCol,
} from './nexmark-schema.ts';
import { NexmarkStrings } from './nexmark-strings.ts';
import { Xoshiro128 } from './xoshiro128.ts';

/** Ids start here so that small runs still hit the ids the classic queries name (e.g. auction 1007). */
export const FIRST_PERSON_ID = 1000;
export const FIRST_AUCTION_ID = 1000;
export const FIRST_CATEGORY_ID = 10;
/** Few categories, so per-category queries find results even on small runs. */
export const NUM_CATEGORIES = 5;
/** Random picks may name up to this many people / auctions that do not exist yet. */
export const PERSON_ID_LEAD = 10;
export const AUCTION_ID_LEAD = 10;
/** The hot seller, bidder and auction is the first of each block of this many recent ids. */
export const HOT_SELLER_BLOCK = 100;
export const HOT_BIDDER_BLOCK = 100;
export const HOT_AUCTION_BLOCK = 100;

/**
 * One table's rows, row-major: row i is `values[i * arity ... (i + 1) * arity - 1]`. Only the
 * generator writes `values`, and only values in Eddy's own form for their column (safe integers,
 * microsecond timestamps, ASCII text without NUL), so the array is vouched for in that form
 * (functions/form-scan): the library's bulk insert takes it without a scan. test/unit/nexmark
 * scans generated batches to hold the generator to this.
 */
export class NexmarkBatch {
  readonly table: NexmarkTable;
  readonly arity: number;
  /** May be longer than `rowCount * arity` when the holder is reused: read only `rowCount` rows. */
  readonly values: Value[] = [];
  rowCount = 0;

  constructor(table: NexmarkTable, arity: number) {
    this.table = table;
    this.arity = arity;
    vouchInForm(
      this.values,
      NEXMARK_COLUMNS[table].map((c) => engineScanForm(c.type)),
    );
  }

  /** A copy of row i (for tests and API boundaries, not hot loops). */
  row(i: number): Row {
    return this.values.slice(i * this.arity, (i + 1) * this.arity);
  }
}

export interface NexmarkBatches {
  readonly person: NexmarkBatch;
  readonly auction: NexmarkBatch;
  readonly bid: NexmarkBatch;
}

export function createNexmarkBatches(): NexmarkBatches {
  return {
    person: new NexmarkBatch('person', PERSON_ARITY),
    auction: new NexmarkBatch('auction', AUCTION_ARITY),
    bid: new NexmarkBatch('bid', BID_ARITY),
  };
}

export interface NexmarkEvent {
  readonly kind: NexmarkTable;
  /** Position in the stream, from 0. */
  readonly eventNumber: number;
  readonly row: Row;
}

export class NexmarkGenerator {
  readonly config: NexmarkConfig;
  private readonly random: Xoshiro128;
  private readonly strings: NexmarkStrings;
  private readonly totalProportion: number;
  /** Events between an auction and the one numInFlightAuctions later: sets auction lengths. */
  private readonly eventsPerInFlightAuctions: number;
  private eventNumber = 0;

  constructor(options: NexmarkOptions = {}) {
    this.config = resolveNexmarkConfig(options);
    const c = this.config;
    this.random = new Xoshiro128(c.seed);
    this.strings = new NexmarkStrings(this.random, c.seed);
    this.totalProportion = c.personProportion + c.auctionProportion + c.bidProportion;
    this.eventsPerInFlightAuctions = Math.floor(
      (c.numInFlightAuctions * this.totalProportion) / c.auctionProportion,
    );
  }

  /** Events generated so far; also the number of the next event. */
  get eventsGenerated(): number {
    return this.eventNumber;
  }

  get done(): boolean {
    return this.eventNumber >= this.config.maxEvents;
  }

  /** Event time of event n, microseconds since the epoch (non-decreasing in n). */
  timestampOf(eventNumber: number): number {
    return this.config.firstEventTime + Math.floor((eventNumber * 1e6) / this.config.eventsPerSecond);
  }

  kindOf(eventNumber: number): NexmarkTable {
    const offset = (this.config.firstEventId + eventNumber) % this.totalProportion;
    if (offset < this.config.personProportion) return 'person';
    return offset < this.config.personProportion + this.config.auctionProportion ? 'auction' : 'bid';
  }

  /**
   * Empties the three holders, then generates up to `maxEvents` events into them.
   * Returns how many were generated: fewer only at `config.maxEvents`, 0 once done.
   */
  next(out: NexmarkBatches, maxEvents: number): number {
    out.person.rowCount = 0;
    out.auction.rowCount = 0;
    out.bid.rowCount = 0;
    const count = Math.max(0, Math.min(maxEvents, this.config.maxEvents - this.eventNumber));
    const { personProportion, auctionProportion, firstEventId } = this.config;
    for (let i = 0; i < count; i++) {
      const n = this.eventNumber++;
      const eventId = firstEventId + n;
      const offset = eventId % this.totalProportion;
      if (offset < personProportion) this.writePerson(out.person, eventId, n);
      else if (offset < personProportion + auctionProportion) this.writeAuction(out.auction, eventId, n);
      else this.writeBid(out.bid, eventId, n);
    }
    return count;
  }

  /** The stream one event at a time, each row a fresh array: for tests, not for speed. */
  *events(count = Number.POSITIVE_INFINITY): Generator<NexmarkEvent> {
    const batches = createNexmarkBatches();
    for (let i = 0; i < count && !this.done; i++) {
      const eventNumber = this.eventNumber;
      this.next(batches, 1);
      const batch = batches[this.kindOf(eventNumber)];
      yield { kind: batch.table, eventNumber, row: batch.row(0) };
    }
  }

  /** Base-0 id of the newest person at `eventId` (the one being created, for a person event). */
  lastPersonId(eventId: number): number {
    const epoch = Math.floor(eventId / this.totalProportion);
    const offset = Math.min(eventId % this.totalProportion, this.config.personProportion - 1);
    return epoch * this.config.personProportion + offset;
  }

  /** Base-0 id of the newest auction at `eventId` (−1 before the first one). */
  lastAuctionId(eventId: number): number {
    const { personProportion, auctionProportion } = this.config;
    let epoch = Math.floor(eventId / this.totalProportion);
    let offset = eventId % this.totalProportion;
    if (offset < personProportion) {
      epoch--;
      offset = auctionProportion - 1;
    } else if (offset >= personProportion + auctionProportion) {
      offset = auctionProportion - 1;
    } else {
      offset -= personProportion;
    }
    return epoch * auctionProportion + offset;
  }

  /** A random recently active person, possibly one of the next PERSON_ID_LEAD to be created. */
  private randomPersonId(eventId: number): number {
    const numPeople = this.lastPersonId(eventId) + 1;
    const active = Math.min(numPeople, this.config.numActivePeople);
    return numPeople - active + this.random.nextLong(active + PERSON_ID_LEAD);
  }

  /** A random auction likely still open, possibly one of the next AUCTION_ID_LEAD to be created. */
  private randomAuctionId(eventId: number): number {
    const maxAuction = this.lastAuctionId(eventId);
    const minAuction = Math.max(maxAuction - this.config.numInFlightAuctions, 0);
    return minAuction + this.random.nextLong(maxAuction - minAuction + 1 + AUCTION_ID_LEAD);
  }

  /** Prices span 1.00 to 1,000,000.00 (in cents), log-uniformly. */
  private nextPrice(): number {
    return Math.round(10 ** (this.random.nextDouble() * 6) * 100);
  }

  private writePerson(batch: NexmarkBatch, eventId: number, n: number): void {
    const s = this.strings;
    const name = s.nextPersonName();
    const email = s.nextEmail();
    const creditCard = s.nextCreditCard();
    const city = s.nextCity();
    const state = s.nextState();
    const size = 8 + name.length + email.length + creditCard.length + city.length + state.length;
    const v = batch.values;
    const at = batch.rowCount++ * PERSON_ARITY;
    v[at + PersonCol.id] = this.lastPersonId(eventId) + FIRST_PERSON_ID;
    v[at + PersonCol.name] = name;
    v[at + PersonCol.email] = email;
    v[at + PersonCol.creditCard] = creditCard;
    v[at + PersonCol.city] = city;
    v[at + PersonCol.state] = state;
    v[at + PersonCol.dateTime] = this.timestampOf(n);
    v[at + PersonCol.extra] = s.nextExtra(size, this.config.avgPersonByteSize);
  }

  private writeAuction(batch: NexmarkBatch, eventId: number, n: number): void {
    const r = this.random;
    const c = this.config;
    const seller =
      r.nextInt(c.hotSellersRatio) > 0
        ? Math.floor(this.lastPersonId(eventId) / HOT_SELLER_BLOCK) * HOT_SELLER_BLOCK
        : this.randomPersonId(eventId);
    const category = FIRST_CATEGORY_ID + r.nextInt(NUM_CATEGORIES);
    const initialBid = this.nextPrice();
    const dateTime = this.timestampOf(n);
    // Auctions last on average until numInFlightAuctions more auctions have been created.
    const horizon = this.timestampOf(n + this.eventsPerInFlightAuctions) - dateTime;
    const expires = dateTime + 1 + r.nextLong(Math.max(horizon * 2, 1));
    const itemName = this.strings.nextString(20);
    const description = this.strings.nextString(100);
    const reserve = initialBid + this.nextPrice();
    const size = 8 + itemName.length + description.length + 8 + 8 + 8 + 8 + 8;
    const v = batch.values;
    const at = batch.rowCount++ * AUCTION_ARITY;
    v[at + AuctionCol.id] = this.lastAuctionId(eventId) + FIRST_AUCTION_ID;
    v[at + AuctionCol.itemName] = itemName;
    v[at + AuctionCol.description] = description;
    v[at + AuctionCol.initialBid] = initialBid;
    v[at + AuctionCol.reserve] = reserve;
    v[at + AuctionCol.dateTime] = dateTime;
    v[at + AuctionCol.expires] = expires;
    v[at + AuctionCol.seller] = seller + FIRST_PERSON_ID;
    v[at + AuctionCol.category] = category;
    v[at + AuctionCol.extra] = this.strings.nextExtra(size, c.avgAuctionByteSize);
  }

  private writeBid(batch: NexmarkBatch, eventId: number, n: number): void {
    const r = this.random;
    const c = this.config;
    const auction =
      r.nextInt(c.hotAuctionRatio) > 0
        ? Math.floor(this.lastAuctionId(eventId) / HOT_AUCTION_BLOCK) * HOT_AUCTION_BLOCK
        : this.randomAuctionId(eventId);
    // Hot bidders are the second of their block, so they are never also the hot seller.
    const bidder =
      r.nextInt(c.hotBiddersRatio) > 0
        ? Math.floor(this.lastPersonId(eventId) / HOT_BIDDER_BLOCK) * HOT_BIDDER_BLOCK + 1
        : this.randomPersonId(eventId);
    const price = this.nextPrice();
    const channel = this.strings.nextChannel();
    const v = batch.values;
    const at = batch.rowCount++ * BID_ARITY;
    v[at + BidCol.auction] = auction + FIRST_AUCTION_ID;
    v[at + BidCol.bidder] = bidder + FIRST_PERSON_ID;
    v[at + BidCol.price] = price;
    v[at + BidCol.channel] = channel;
    v[at + BidCol.url] = this.strings.url;
    v[at + BidCol.dateTime] = this.timestampOf(n);
    v[at + BidCol.extra] = this.strings.nextExtra(8 + 8 + 8 + 8, c.avgBidByteSize);
  }
}
