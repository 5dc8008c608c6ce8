/**
 * @module connectors/datagen/nexmark/nexmark-schema
 * The three Nexmark relations, with columns in the order of the RisingWave Nexmark DDL
 * (shared/conformance/nexmark/risingwave/ddl.sql). Generator rows follow exactly this order.
 */
import { type SqlType, T } from '../../../common/types.ts';

export type NexmarkTable = 'person' | 'auction' | 'bid';

export interface NexmarkColumn {
  readonly name: string;
  readonly type: SqlType;
}

export const NEXMARK_COLUMNS: Readonly<Record<NexmarkTable, readonly NexmarkColumn[]>> = Object.freeze({
  person: [
    { name: 'id', type: T.int8 },
    { name: 'name', type: T.varchar },
    { name: 'email_address', type: T.varchar },
    { name: 'credit_card', type: T.varchar },
    { name: 'city', type: T.varchar },
    { name: 'state', type: T.varchar },
    { name: 'date_time', type: T.timestamp },
    { name: 'extra', type: T.varchar },
  ],
  auction: [
    { name: 'id', type: T.int8 },
    { name: 'item_name', type: T.varchar },
    { name: 'description', type: T.varchar },
    { name: 'initial_bid', type: T.int8 },
    { name: 'reserve', type: T.int8 },
    { name: 'date_time', type: T.timestamp },
    { name: 'expires', type: T.timestamp },
    { name: 'seller', type: T.int8 },
    { name: 'category', type: T.int8 },
    { name: 'extra', type: T.varchar },
  ],
  bid: [
    { name: 'auction', type: T.int8 },
    { name: 'bidder', type: T.int8 },
    { name: 'price', type: T.int8 },
    { name: 'channel', type: T.varchar },
    { name: 'url', type: T.varchar },
    { name: 'date_time', type: T.timestamp },
    { name: 'extra', type: T.varchar },
  ],
});

/** Values per row of each table: a batch's flat `values` holds `rowCount * arity` of them. */
export const PERSON_ARITY = 8;
export const AUCTION_ARITY = 10;
export const BID_ARITY = 7;

/** Column positions used by the generator's writers and by benchmark code reading flat batches. */
export const PersonCol = {
  id: 0,
  name: 1,
  email: 2,
  creditCard: 3,
  city: 4,
  state: 5,
  dateTime: 6,
  extra: 7,
} as const;
export const AuctionCol = {
  id: 0,
  itemName: 1,
  description: 2,
  initialBid: 3,
  reserve: 4,
  dateTime: 5,
  expires: 6,
  seller: 7,
  category: 8,
  extra: 9,
} as const;
export const BidCol = { auction: 0, bidder: 1, price: 2, channel: 3, url: 4, dateTime: 5, extra: 6 } as const;

const SQL_TYPE_NAMES: Partial<Record<string, string>> = {
  int8: 'BIGINT',
  varchar: 'VARCHAR',
  timestamp: 'TIMESTAMP',
};

/** `CREATE TABLE <table> (...)` in PostgreSQL syntax, for loading generated rows into a database. */
export function nexmarkCreateTableSql(table: NexmarkTable): string {
  const columns = NEXMARK_COLUMNS[table].map((c) => `${c.name} ${SQL_TYPE_NAMES[c.type.id]}`);
  return `CREATE TABLE ${table} (${columns.join(', ')})`;
}
