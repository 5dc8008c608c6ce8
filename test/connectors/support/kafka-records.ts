/**
 * @module test/connectors/support/kafka-records
 * Producing records with keys, headers and timestamps to the real broker of `npm run services`,
 * and the pg client helpers the format and envelope tests share.
 */
import { Producer } from '@platformatic/kafka';
import pg from 'pg';

export interface TestRecord {
  readonly partition?: number;
  readonly key?: string | Buffer | null;
  /** null: a tombstone. */
  readonly value: string | Buffer | null;
  readonly headers?: Record<string, string>;
  readonly timestampMs?: number;
}

const bytes = (v: string | Buffer): Buffer => (Buffer.isBuffer(v) ? v : Buffer.from(v));

/** Produces `records` in order (partition 0 unless they say otherwise), one request. */
export async function produceRecords(
  brokers: string,
  topic: string,
  records: readonly TestRecord[],
): Promise<void> {
  const producer = new Producer({ clientId: 'eddy-test-records', bootstrapBrokers: [brokers] });
  try {
    await producer.send({
      messages: records.map((r) => ({
        topic,
        partition: r.partition ?? 0,
        ...(r.key === undefined || r.key === null ? {} : { key: bytes(r.key) }),
        ...(r.value === null ? {} : { value: bytes(r.value) }),
        ...(r.headers === undefined
          ? {}
          : // The client takes header names as Buffers only in a Map.
            {
              headers: new Map(Object.entries(r.headers).map(([k, v]) => [Buffer.from(k), Buffer.from(v)])),
            }),
        ...(r.timestampMs === undefined ? {} : { timestamp: BigInt(r.timestampMs) }),
      })),
    });
  } finally {
    await producer.close();
  }
}

export async function client(port: number): Promise<pg.Client> {
  const c = new pg.Client({ host: '127.0.0.1', port, user: 'eddy', database: 'eddy' });
  await c.connect();
  return c;
}

export async function rows(c: pg.Client, sql: string): Promise<Record<string, unknown>[]> {
  return (await c.query(sql)).rows as Record<string, unknown>[];
}
