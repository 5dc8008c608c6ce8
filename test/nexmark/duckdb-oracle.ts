/**
 * @module test/nexmark/duckdb-oracle
 * The batch oracle of the Nexmark checks: DuckDB holding the same accepted (not late) events, and
 * each vendored query written in DuckDB's dialect. Window table functions become arithmetic on
 * microseconds since the epoch (windows aligned on 1970-01-01, as Eddy's), PostgreSQL's to_char
 * becomes strftime, regexp_match(…)[2] becomes regexp_extract guarded by regexp_matches.
 */
import {
  type DuckDBAppender,
  type DuckDBConnection,
  DuckDBDecimalValue,
  DuckDBInstance,
  DuckDBTimestampValue,
  timestampValue,
} from '@duckdb/node-api';
import type { Row } from '../../src/common/value.ts';
import { NEXMARK_COLUMNS, type NexmarkTable } from '../../src/connectors/datagen/nexmark/index.ts';

/** `TUMBLE`'s window start of `col` for a size in seconds, as a DuckDB timestamp expression. */
const tumbleStart = (col: string, seconds: number) =>
  `make_timestamp((epoch_us(${col}) // ${seconds * 1e6}) * ${seconds * 1e6})`;

const windows = (table: string, seconds: number, col = 'date_time') =>
  `(SELECT *, ${tumbleStart(col, seconds)} AS window_start,
           ${tumbleStart(col, seconds)} + INTERVAL ${seconds} SECOND AS window_end FROM ${table})`;

/** HOP(bid, date_time, 2 s, 10 s): each row in the five windows whose start is k slides back. */
const hop = `(SELECT bid.*, make_timestamp(((epoch_us(date_time) // 2000000) - k) * 2000000) AS window_start
   FROM bid CROSS JOIN range(0, 5) AS r(k))`;

const CHANNEL_ID = `'(&|^)channel_id=([^&]*)'`;
const channelId = `CASE WHEN regexp_matches(url, ${CHANNEL_ID}) THEN regexp_extract(url, ${CHANNEL_ID}, 2) END`;

const rankedCounts = (extra: string) => `count(*) AS total_bids,
       count(*) filter (where price < 10000) AS rank1_bids,
       count(*) filter (where price >= 10000 and price < 1000000) AS rank2_bids,
       count(*) filter (where price >= 1000000) AS rank3_bids${extra}`;
const distinctCounts = ['bidder', 'auction']
  .map(
    (c) => `, count(distinct ${c}), count(distinct ${c}) filter (where price < 10000),
       count(distinct ${c}) filter (where price >= 10000 and price < 1000000),
       count(distinct ${c}) filter (where price >= 1000000)`,
  )
  .join('');

/** Each runnable query in DuckDB's dialect, its columns in the order of the Eddy view's. */
export const DUCKDB_QUERIES: Readonly<Record<string, string>> = {
  q0: 'SELECT auction, bidder, price, date_time FROM bid',
  q1: 'SELECT auction, bidder, 0.908 * price, date_time FROM bid',
  q2: 'SELECT auction, price FROM bid WHERE auction IN (1007, 1020, 2001, 2019, 2087)',
  q3: `SELECT P.name, P.city, P.state, A.id FROM auction A JOIN person P ON A.seller = P.id
       WHERE A.category = 10 AND P.state IN ('OR', 'ID', 'CA')`,
  q4: `SELECT category, avg(final) FROM (SELECT max(B.price) AS final, A.category FROM auction A, bid B
       WHERE A.id = B.auction AND B.date_time BETWEEN A.date_time AND A.expires GROUP BY A.id, A.category)
       GROUP BY category`,
  q5: `WITH c AS (SELECT auction, count(*) AS num, window_start FROM ${hop} GROUP BY auction, window_start)
       SELECT c.auction, c.num FROM c JOIN (SELECT max(num) AS maxn, window_start FROM c GROUP BY window_start) m
       ON c.window_start = m.window_start AND c.num >= m.maxn`,
  q6: `SELECT seller, avg(price) OVER (PARTITION BY seller ORDER BY date_time ROWS BETWEEN 10 PRECEDING AND CURRENT ROW)
       FROM (SELECT A.id, A.seller, B.price, B.date_time,
                    row_number() OVER (PARTITION BY A.id, A.seller ORDER BY B.price DESC) AS rownum
             FROM auction A, bid B WHERE A.id = B.auction AND B.date_time BETWEEN A.date_time AND A.expires)
       WHERE rownum <= 1`,
  q7: `SELECT B.auction, B.price, B.bidder, B.date_time FROM bid B
       JOIN (SELECT max(price) AS maxprice, window_end FROM ${windows('bid', 10)} GROUP BY window_end) B1
       ON B.price = B1.maxprice
       WHERE B.date_time BETWEEN B1.window_end - INTERVAL 10 SECOND AND B1.window_end`,
  q8: `SELECT P.id, P.name, P.window_start
       FROM (SELECT DISTINCT id, name, window_start, window_end FROM ${windows('person', 10)}) P
       JOIN (SELECT DISTINCT seller, window_start, window_end FROM ${windows('auction', 10)}) A
       ON P.id = A.seller AND P.window_start = A.window_start AND P.window_end = A.window_end`,
  q9: `SELECT id, item_name, description, initial_bid, reserve, date_time, expires, seller, category,
              auction, bidder, price, bid_date_time
       FROM (SELECT A.*, B.auction, B.bidder, B.price, B.date_time AS bid_date_time,
                    row_number() OVER (PARTITION BY A.id ORDER BY B.price DESC, B.date_time ASC) AS rownum
             FROM auction A, bid B WHERE A.id = B.auction AND B.date_time BETWEEN A.date_time AND A.expires)
       WHERE rownum <= 1`,
  q10: `SELECT auction, bidder, price, date_time, strftime(date_time, '%Y-%m-%d'), strftime(date_time, '%I:%M') FROM bid`,
  // Sessions by a recursive walk: each bid joins the session of the bidder's previous bid when
  // less than 10 s after it (so each session is [first, last + 10 s)), independent of Eddy's plan.
  q11: `WITH RECURSIVE ordered AS (
          SELECT bidder, date_time, row_number() OVER (PARTITION BY bidder ORDER BY date_time) AS n FROM bid),
        walk AS (
          SELECT bidder, date_time, n, date_time AS session_start FROM ordered WHERE n = 1
          UNION ALL
          SELECT o.bidder, o.date_time, o.n,
                 CASE WHEN o.date_time < w.date_time + INTERVAL 10 SECOND THEN w.session_start ELSE o.date_time END
          FROM walk w JOIN ordered o ON o.bidder = w.bidder AND o.n = w.n + 1)
        SELECT bidder, count(*), session_start, max(date_time) + INTERVAL 10 SECOND
        FROM walk GROUP BY bidder, session_start`,
  q12: `SELECT bidder, count(*), window_start, window_end FROM ${windows('bid_proctime', 10, 'p_time')}
        GROUP BY bidder, window_start, window_end`,
  q13: `SELECT B.auction, B.bidder, B.price, B.date_time, S.value FROM bid B
        JOIN (SELECT range AS key, CAST(range AS VARCHAR) AS value FROM range(0, 10000)) S ON B.auction % 10000 = S.key`,
  q14: `SELECT auction, bidder, 0.908 * price,
          CASE WHEN hour(date_time) >= 8 AND hour(date_time) <= 18 THEN 'dayTime'
               WHEN hour(date_time) <= 6 OR hour(date_time) >= 20 THEN 'nightTime'
               ELSE 'otherTime' END,
          date_time, length(extra) - length(replace(extra, 'c', ''))
        FROM bid WHERE 0.908 * price > 1000000 AND 0.908 * price < 50000000`,
  q15: `SELECT strftime(date_time, '%Y-%m-%d'), ${rankedCounts(distinctCounts)}
        FROM bid GROUP BY strftime(date_time, '%Y-%m-%d')`,
  q16: `SELECT channel, strftime(date_time, '%Y-%m-%d'), max(strftime(date_time, '%I:%m')), ${rankedCounts(distinctCounts)}
        FROM bid GROUP BY strftime(date_time, '%Y-%m-%d'), channel`,
  q17: `SELECT auction, strftime(date_time, '%Y-%m-%d'), ${rankedCounts('')},
          min(price), max(price), avg(price), sum(price)
        FROM bid GROUP BY strftime(date_time, '%Y-%m-%d'), auction`,
  q18: `SELECT auction, bidder, price, channel, url, date_time FROM (SELECT *,
          row_number() OVER (PARTITION BY bidder, auction ORDER BY date_time DESC) AS rank_number FROM bid)
        WHERE rank_number <= 1`,
  q19: `SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY auction ORDER BY price DESC) AS rank_number FROM bid)
        WHERE rank_number <= 10`,
  q20: `SELECT auction, bidder, price, channel, url, B.date_time, B.extra, item_name, description, initial_bid,
          reserve, A.date_time, expires, seller, category, A.extra
        FROM bid B JOIN auction A ON B.auction = A.id WHERE A.category = 10`,
  q21: `SELECT auction, bidder, price, channel,
          CASE WHEN lower(channel) = 'apple' THEN '0' WHEN lower(channel) = 'google' THEN '1'
               WHEN lower(channel) = 'facebook' THEN '2' WHEN lower(channel) = 'baidu' THEN '3'
               ELSE ${channelId} END
        FROM bid WHERE ${channelId} IS NOT NULL OR lower(channel) IN ('apple', 'google', 'facebook', 'baidu')`,
  q22: `SELECT auction, bidder, price, channel, split_part(url, '/', 4), split_part(url, '/', 5), split_part(url, '/', 6)
        FROM bid`,
  q23: `SELECT bidder, price, channel, url, B.extra, P.id, name, email_address, credit_card, city, state, P.extra,
          item_name, description, initial_bid, reserve, A.date_time, expires, seller, category, A.extra
        FROM bid B JOIN person P ON P.id = B.bidder JOIN auction A ON A.seller = B.bidder`,
};

const DUCKDB_TYPES: Record<string, string> = { int8: 'BIGINT', varchar: 'VARCHAR', timestamp: 'TIMESTAMP' };

/** An in-memory DuckDB with the three Nexmark tables, fed the rows the stream accepted. */
export class DuckDbOracle {
  private readonly connection: DuckDBConnection;
  private readonly appenders: Record<NexmarkTable, DuckDBAppender>;

  private constructor(connection: DuckDBConnection, appenders: Record<NexmarkTable, DuckDBAppender>) {
    this.connection = connection;
    this.appenders = appenders;
  }

  static async open(): Promise<DuckDbOracle> {
    const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
    const connection = await instance.connect();
    const appenders = {} as Record<NexmarkTable, DuckDBAppender>;
    for (const table of ['person', 'auction', 'bid'] as const) {
      const columns = NEXMARK_COLUMNS[table].map((c) => `${c.name} ${DUCKDB_TYPES[c.type.id]}`);
      await connection.run(`CREATE TABLE ${table} (${columns.join(', ')})`);
      appenders[table] = await connection.createAppender(table);
    }
    // q12's processing time: each accepted bid's bidder with the clock reading of its step.
    await connection.run('CREATE TABLE bid_proctime (bidder BIGINT, p_time TIMESTAMP)');
    return new DuckDbOracle(connection, appenders);
  }

  /** Appends generator rows (engine forms: ids as numbers, timestamps as µs). */
  append(table: NexmarkTable, rows: readonly Row[]): void {
    const appender = this.appenders[table];
    const columns = NEXMARK_COLUMNS[table];
    for (const row of rows) {
      columns.forEach((c, i) => {
        const v = row[i];
        if (v === null) appender.appendNull();
        else if (c.type.id === 'int8') appender.appendBigInt(BigInt(v as number));
        else if (c.type.id === 'timestamp') appender.appendTimestamp(timestampValue(BigInt(v as number)));
        else appender.appendVarchar(v as string);
      });
      appender.endRow();
    }
    appender.flushSync();
  }

  /** Bids' bidders (column 1) with the processing time `micros` of the step that took them (q12). */
  async appendProctime(bids: readonly Row[], micros: number): Promise<void> {
    const values = bids.map((r) => `(${r[1] as number}, make_timestamp(${micros}))`);
    if (values.length > 0) await this.connection.run(`INSERT INTO bid_proctime VALUES ${values.join(', ')}`);
  }

  /** The query's rows, each value normalised by `normalizeValue`. */
  async rows(sql: string): Promise<unknown[][]> {
    const reader = await this.connection.runAndReadAll(sql);
    return reader.getRows().map((row) => row.map(normalizeDuckDb));
  }

  close(): void {
    for (const a of Object.values(this.appenders)) a.closeSync();
    this.connection.closeSync();
  }
}

function normalizeDuckDb(v: unknown): unknown {
  if (v instanceof DuckDBTimestampValue) return Number(v.micros);
  if (v instanceof DuckDBDecimalValue) return normalizeValue(v.toDouble());
  return normalizeValue(v);
}

/**
 * One form for values from either side: numbers (and bigints, and Eddy's numerics) to 12
 * significant digits, so that a numeric average and a double average compare equal.
 */
export function normalizeValue(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number') return Number.isInteger(v) ? v : Number(v.toPrecision(12));
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  return normalizeValue(Number(String(v)));
}
