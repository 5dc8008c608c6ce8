/**
 * @module test/unit/nexmark
 * The Nexmark generator: determinism, batching invariance, the 1:3:46 mix, id relationships and
 * hot ratios, timestamps, and the field distributions of the Nexmark specification.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataError, SqlState } from '../../src/common/errors.ts';
import type { Row, Value } from '../../src/common/value.ts';
import {
  AuctionCol,
  BidCol,
  createNexmarkBatches,
  FIRST_AUCTION_ID,
  FIRST_PERSON_ID,
  NEXMARK_COLUMNS,
  NEXMARK_DEFAULT_FIRST_EVENT_TIME,
  type NexmarkEvent,
  NexmarkGenerator,
  type NexmarkOptions,
  nexmarkCreateTableSql,
  PersonCol,
  Xoshiro128,
} from '../../src/connectors/datagen/nexmark/index.ts';
import { engineScanForm, formsKey, isVouchedInForm, rowScanner } from '../../src/functions/form-scan.ts';

function collect(options: NexmarkOptions, count: number): NexmarkEvent[] {
  return [...new NexmarkGenerator(options).events(count)];
}

/** All rows of each table, generated `batchEvents` events at a time. */
function tables(options: NexmarkOptions, count: number, batchEvents: number): Record<string, Row[]> {
  const gen = new NexmarkGenerator({ ...options, maxEvents: count });
  const out = createNexmarkBatches();
  const rows: Record<string, Row[]> = { person: [], auction: [], bid: [] };
  while (gen.next(out, batchEvents) > 0) {
    for (const batch of [out.person, out.auction, out.bid]) {
      for (let i = 0; i < batch.rowCount; i++) rows[batch.table].push(batch.row(i));
    }
  }
  return rows;
}

const num = (v: Value): number => {
  assert.equal(typeof v, 'number');
  return v as number;
};
const str = (v: Value): string => {
  assert.equal(typeof v, 'string');
  return v as string;
};
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const min = (xs: number[]): number => xs.reduce((a, b) => Math.min(a, b), Infinity);
const max = (xs: number[]): number => xs.reduce((a, b) => Math.max(a, b), -Infinity);

describe('Xoshiro128', () => {
  it('is a pure function of the seed', () => {
    const a = new Xoshiro128(42);
    const b = new Xoshiro128(42);
    const c = new Xoshiro128(43);
    const xs = Array.from({ length: 100 }, () => a.nextU32());
    assert.deepEqual(
      Array.from({ length: 100 }, () => b.nextU32()),
      xs,
    );
    assert.notDeepEqual(
      Array.from({ length: 100 }, () => c.nextU32()),
      xs,
    );
  });

  it('draws uniformly within range', () => {
    const r = new Xoshiro128(9);
    const counts = new Array(10).fill(0);
    for (let i = 0; i < 100_000; i++) counts[r.nextInt(10)]++;
    for (const c of counts) assert.ok(c > 9_500 && c < 10_500, `bucket count ${c}`);
    for (let i = 0; i < 10_000; i++) {
      const d = r.nextDouble();
      assert.ok(d >= 0 && d < 1);
      const l = r.nextLong(3_000_000_000);
      assert.ok(Number.isInteger(l) && l >= 0 && l < 3_000_000_000);
    }
  });
});

describe('NexmarkGenerator', () => {
  it('is deterministic from its seed', () => {
    const a = collect({ seed: 5 }, 5_000);
    assert.deepEqual(collect({ seed: 5 }, 5_000), a);
    const other = collect({ seed: 6 }, 5_000);
    assert.notDeepEqual(
      other.map((e) => e.row),
      a.map((e) => e.row),
    );
  });

  it("writes only values in their column's engine form, as its batches are vouched for", () => {
    const gen = new NexmarkGenerator({ seed: 9, maxEvents: 60_000 });
    // One holder reused for every batch, as a source would: stale rows past rowCount count too.
    const out = createNexmarkBatches();
    const holders = [out.person, out.auction, out.bid];
    const formsOf = (table: keyof typeof NEXMARK_COLUMNS) =>
      NEXMARK_COLUMNS[table].map((c) => engineScanForm(c.type));
    for (const batch of holders)
      assert.ok(isVouchedInForm(batch.values, formsKey(formsOf(batch.table))), batch.table);
    let scanned = 0;
    while (gen.next(out, 1_000) > 0) {
      for (const batch of holders) {
        const firstOutOfForm = rowScanner(formsOf(batch.table))(batch.values, 0);
        assert.equal(firstOutOfForm, batch.values.length, `${batch.table}: ${batch.values[firstOutOfForm]}`);
        scanned += batch.rowCount;
      }
    }
    assert.equal(scanned, 60_000);
  });

  it('gives the same rows whatever the batch size', () => {
    const one = tables({ seed: 3 }, 7_000, 1);
    assert.deepEqual(tables({ seed: 3 }, 7_000, 777), one);
    assert.deepEqual(tables({ seed: 3 }, 7_000, 10_000), one);
  });

  it('mixes people, auctions and bids 1:3:46, in a fixed pattern', () => {
    const events = collect({}, 100_000);
    const counts = { person: 0, auction: 0, bid: 0 };
    for (const e of events) counts[e.kind]++;
    assert.deepEqual(counts, { person: 2_000, auction: 6_000, bid: 92_000 });
    assert.deepEqual(
      events.slice(0, 5).map((e) => e.kind),
      ['person', 'auction', 'auction', 'auction', 'bid'],
    );
    assert.equal(events[50].kind, 'person');
  });

  it('honours custom proportions and maxEvents', () => {
    const gen = new NexmarkGenerator({
      personProportion: 1,
      auctionProportion: 1,
      bidProportion: 2,
      maxEvents: 10,
    });
    const kinds = [...gen.events()].map((e) => e.kind);
    assert.deepEqual(kinds, [
      'person',
      'auction',
      'bid',
      'bid',
      'person',
      'auction',
      'bid',
      'bid',
      'person',
      'auction',
    ]);
    assert.ok(gen.done);
    assert.equal(gen.next(createNexmarkBatches(), 100), 0);
  });

  it('emits rows in the column order and value forms of the DDL', () => {
    const rows = tables({}, 100, 100);
    assert.equal(rows.person[0].length, NEXMARK_COLUMNS.person.length);
    assert.equal(rows.auction[0].length, NEXMARK_COLUMNS.auction.length);
    assert.equal(rows.bid[0].length, NEXMARK_COLUMNS.bid.length);
    for (const [table, list] of Object.entries(rows)) {
      const columns = NEXMARK_COLUMNS[table as 'bid'];
      for (const row of list) {
        row.forEach((v, i) => {
          const type = columns[i].type.id;
          if (type === 'varchar') assert.equal(typeof v, 'string');
          else assert.ok(Number.isSafeInteger(v), `${table}.${columns[i].name} = ${String(v)}`);
        });
      }
    }
    assert.equal(
      nexmarkCreateTableSql('bid'),
      'CREATE TABLE bid (auction BIGINT, bidder BIGINT, price BIGINT, channel VARCHAR, url VARCHAR, date_time TIMESTAMP, extra VARCHAR)',
    );
  });

  it('numbers people and auctions consecutively and references only recent or just-ahead ids', () => {
    let lastPerson = FIRST_PERSON_ID - 1;
    let lastAuction = FIRST_AUCTION_ID - 1;
    const auctionIds = new Set<number>();
    const referenced = new Set<number>();
    for (const e of new NexmarkGenerator({ seed: 11 }).events(200_000)) {
      if (e.kind === 'person') {
        assert.equal(e.row[PersonCol.id], ++lastPerson);
      } else if (e.kind === 'auction') {
        assert.equal(e.row[AuctionCol.id], ++lastAuction);
        auctionIds.add(lastAuction);
        const seller = num(e.row[AuctionCol.seller]);
        assert.ok(
          seller >= FIRST_PERSON_ID && seller <= lastPerson + 10,
          `seller ${seller} after ${lastPerson}`,
        );
      } else {
        const auction = num(e.row[BidCol.auction]);
        const bidder = num(e.row[BidCol.bidder]);
        // In flight: at most 100 auctions old; at most 10 ahead (the reference generator's lead).
        assert.ok(
          auction >= lastAuction - 100 && auction <= lastAuction + 10,
          `auction ${auction} at ${lastAuction}`,
        );
        assert.ok(bidder >= Math.max(FIRST_PERSON_ID, lastPerson - 1000) && bidder <= lastPerson + 10);
        referenced.add(auction);
      }
    }
    // Every referenced auction exists by the end of the stream, save the final lead.
    for (const id of referenced)
      assert.ok(auctionIds.has(id) || id > lastAuction, `auction ${id} never created`);
  });

  it('sends about half the bids to the hot auction and three quarters to hot bidders and sellers', () => {
    let hotAuction = 0;
    let hotBidder = 0;
    let hotSeller = 0;
    let bids = 0;
    let auctions = 0;
    let lastPerson = -1;
    let lastAuction = -1;
    for (const e of new NexmarkGenerator({ seed: 2 }).events(300_000)) {
      if (e.kind === 'person') lastPerson = num(e.row[PersonCol.id]) - FIRST_PERSON_ID;
      else if (e.kind === 'auction') {
        lastAuction = num(e.row[AuctionCol.id]) - FIRST_AUCTION_ID;
        auctions++;
        if (num(e.row[AuctionCol.seller]) - FIRST_PERSON_ID === Math.floor(lastPerson / 100) * 100)
          hotSeller++;
      } else {
        bids++;
        if (num(e.row[BidCol.auction]) - FIRST_AUCTION_ID === Math.floor(lastAuction / 100) * 100)
          hotAuction++;
        if (num(e.row[BidCol.bidder]) - FIRST_PERSON_ID === Math.floor(lastPerson / 100) * 100 + 1)
          hotBidder++;
      }
    }
    // 1 − 1/ratio by construction, plus the rare random pick that lands on the hot id.
    assert.ok(hotAuction / bids > 0.49 && hotAuction / bids < 0.52, `hot auction share ${hotAuction / bids}`);
    assert.ok(hotBidder / bids > 0.74 && hotBidder / bids < 0.77, `hot bidder share ${hotBidder / bids}`);
    assert.ok(
      hotSeller / auctions > 0.74 && hotSeller / auctions < 0.77,
      `hot seller share ${hotSeller / auctions}`,
    );
  });

  it('stamps events at the configured rate, monotonically', () => {
    let previous = -Infinity;
    for (const e of new NexmarkGenerator({ eventsPerSecond: 10_000 }).events(20_000)) {
      const t = num(
        e.row[e.kind === 'bid' ? BidCol.dateTime : e.kind === 'auction' ? AuctionCol.dateTime : 6],
      );
      assert.equal(t, NEXMARK_DEFAULT_FIRST_EVENT_TIME + e.eventNumber * 100);
      assert.ok(t >= previous);
      previous = t;
    }
    const slow = new NexmarkGenerator({ eventsPerSecond: 3, firstEventTime: 0 });
    assert.deepEqual(
      [0, 1, 2, 3, 4].map((n) => slow.timestampOf(n)),
      [0, 333_333, 666_666, 1_000_000, 1_333_333],
    );
  });

  it('draws prices, categories, auction lengths and padding as the specification does', () => {
    const rows = tables({ seed: 4 }, 500_000, 10_000);
    const prices = rows.bid.map((r) => num(r[BidCol.price])).sort((a, b) => a - b);
    assert.ok(prices[0] >= 100 && prices[prices.length - 1] <= 100_000_000);
    // Log-uniform over 10^2..10^8: the median is near 10^5 and a sixth of prices lie in each decade.
    const median = prices[prices.length >> 1];
    assert.ok(median > 80_000 && median < 125_000, `median price ${median}`);
    const belowThousand = prices.filter((p) => p < 1_000).length / prices.length;
    assert.ok(Math.abs(belowThousand - 1 / 6) < 0.01, `share below 1000: ${belowThousand}`);
    const categories = new Set(rows.auction.map((r) => r[AuctionCol.category]));
    assert.deepEqual([...categories].sort(), [10, 11, 12, 13, 14]);
    for (const r of rows.auction) {
      assert.ok(num(r[AuctionCol.reserve]) > num(r[AuctionCol.initialBid]));
      assert.ok(num(r[AuctionCol.expires]) > num(r[AuctionCol.dateTime]));
    }
    // Lengths are uniform up to twice the time to create 100 more auctions (1,666 events of 100 µs).
    const lengths = rows.auction.map((r) => num(r[AuctionCol.expires]) - num(r[AuctionCol.dateTime]));
    assert.ok(Math.abs(mean(lengths) - 166_600) < 3_000, `mean auction length ${mean(lengths)}`);
    assert.ok(max(lengths) <= 333_201);
    const bidExtra = rows.bid.map((r) => str(r[BidCol.extra]).length);
    assert.ok(min(bidExtra) >= 54 && max(bidExtra) <= 81);
    assert.ok(Math.abs(mean(bidExtra) - 67.5) < 0.5, `mean bid extra ${mean(bidExtra)}`);
    const auctionSizes = rows.auction.map(
      (r) =>
        str(r[AuctionCol.itemName]).length +
        str(r[AuctionCol.description]).length +
        str(r[AuctionCol.extra]).length,
    );
    assert.ok(Math.abs(mean(auctionSizes) + 48 - 500) < 5, `mean auction size ${mean(auctionSizes) + 48}`);
  });

  it('fills people and bid channels with plausible values', () => {
    const rows = tables({ seed: 8 }, 100_000, 5_000);
    for (const r of rows.person) {
      assert.match(str(r[PersonCol.creditCard]), /^\d{4} \d{4} \d{4} \d{4}$/);
      // Words are trimmed, as in the reference generator, so a rare one is empty.
      assert.match(str(r[PersonCol.email]), /^[a-z ]*@[a-z ]*\.com$/);
      assert.ok(['AZ', 'CA', 'ID', 'OR', 'WA', 'WY'].includes(str(r[PersonCol.state])));
      assert.match(str(r[PersonCol.name]), /^\w+ \w+$/);
    }
    let hot = 0;
    let withId = 0;
    for (const r of rows.bid) {
      const channel = str(r[BidCol.channel]);
      const url = str(r[BidCol.url]);
      assert.match(
        url,
        /^https:\/\/www\.nexmark\.com\/[a-z_]{3,4}\/[a-z_]{3,4}\/[a-z_]{3,4}\/item\.htm\?query=1/,
      );
      if (['Apple', 'Google', 'Facebook', 'Baidu'].includes(channel)) hot++;
      else {
        assert.match(channel, /^channel-\d+$/);
        if (url.includes('&channel_id=')) withId++;
      }
    }
    const cold = rows.bid.length - hot;
    assert.ok(Math.abs(hot / rows.bid.length - 0.5) < 0.01);
    assert.ok(withId / cold > 0.85 && withId / cold < 0.95, `cold channels with an id ${withId / cold}`);
  });

  it('rejects options it cannot honour with SQLSTATE 22023', () => {
    for (const bad of [{ eventsPerSecond: 0 }, { seed: 1.5 }, { bidProportion: 0 }, { maxEvents: -1 }]) {
      assert.throws(
        () => new NexmarkGenerator(bad),
        (e: unknown) => e instanceof DataError && e.code === SqlState.invalidParameterValue,
      );
    }
  });
});
