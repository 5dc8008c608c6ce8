/**
 * @module bench/engine/engine-queries
 * The engine suite's cases: which Nexmark tables each reads and its SQL for Eddy. The d2ts
 * versions (d2ts-case.ts) and the plain-JS oracle (oracle.ts) implement the same queries.
 */
import type { NexmarkTable } from '../../src/connectors/datagen/nexmark/index.ts';

export const ENGINE_QUERY_NAMES = ['q0', 'q1', 'q2', 'groupby', 'q4'] as const;
export type EngineQuery = (typeof ENGINE_QUERY_NAMES)[number];

export const ENGINE_SYSTEMS = ['eddy', 'd2ts'] as const;
export type EngineSystem = (typeof ENGINE_SYSTEMS)[number];

export interface EngineQueryDef {
  /** The tables fed to the system; the generator's other rows are dropped before timing. */
  readonly tables: readonly NexmarkTable[];
  /** The view, as Eddy is given it (RisingWave's Nexmark text made a materialized view). */
  readonly sql: string;
  readonly description: string;
}

export const ENGINE_QUERIES: Readonly<Record<EngineQuery, EngineQueryDef>> = {
  q0: {
    tables: ['bid'],
    sql: 'SELECT auction, bidder, price, date_time FROM bid',
    description: 'pass-through projection of bids',
  },
  q1: {
    tables: ['bid'],
    sql: 'SELECT auction, bidder, 0.908 * price AS price, date_time FROM bid',
    description: 'currency conversion: price * 0.908',
  },
  q2: {
    tables: ['bid'],
    sql: 'SELECT auction, price FROM bid WHERE auction % 123 = 0',
    description: 'selection: every 123rd auction',
  },
  groupby: {
    tables: ['bid'],
    sql: 'SELECT auction, count(*) AS bids, sum(price) AS total, max(price) AS top FROM bid GROUP BY auction',
    description: 'count, sum and max of bids per auction',
  },
  q4: {
    tables: ['auction', 'bid'],
    sql: `SELECT Q.category, AVG(Q.final) AS avg
FROM (SELECT MAX(B.price) AS final, A.category
      FROM auction A, bid B
      WHERE A.id = B.auction AND B.date_time BETWEEN A.date_time AND A.expires
      GROUP BY A.id, A.category) Q
GROUP BY Q.category`,
    description: 'average winning price per category (join, two aggregations)',
  },
};

export function isEngineQuery(name: string): name is EngineQuery {
  return (ENGINE_QUERY_NAMES as readonly string[]).includes(name);
}

export function isEngineSystem(name: string): name is EngineSystem {
  return (ENGINE_SYSTEMS as readonly string[]).includes(name);
}
