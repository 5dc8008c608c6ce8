/**
 * The Kafka source's encodings against a real broker (`npm run services`; skipped without
 * EDDY_KAFKA_BROKERS unless EDDY_REQUIRE_SERVICES=1): Avro in the schema registry's wire format
 * with schemas from a registry STAND-IN (test/connectors/support: no real registry starts
 * here), Protobuf by a `.proto` file, TEXT and BYTES into one column; the record's key,
 * timestamp, partition, offset and headers into `include.*` columns; a start at a timestamp.
 * Undecodable records (no magic byte, an unknown schema id, a value of the wrong Avro type, a
 * truncated body, bytes that are no Protobuf message) are dead-lettered while the rest flow.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import avro from 'avsc';
import protobuf from 'protobufjs';
import { serve } from '../../src/server/server.ts';
import { withService } from '../support/services.ts';
import { createTopic, eventually } from './kafka-support.ts';
import { client, produceRecords, rows } from './support/kafka-records.ts';
import { confluentFramed, SchemaRegistryStandIn } from './support/schema-registry-stand-in.ts';

const baseMs = Date.UTC(2026, 11, 7, 10, 0, 0);

async function untilCount(c: import('pg').Client, sql: string, n: number): Promise<void> {
  const count = async () => Number((await rows(c, sql))[0]!.n);
  await eventually(
    async () => (await count()) === n,
    30_000,
    async () => `${sql}: ${await count()}, want ${n}`,
  );
}

withService(
  'kafka',
  'ENCODE AVRO: schemas from the registry, metadata columns, bad records dead-lettered',
  async (brokers) => {
    const topic = await createTopic(brokers, 2);
    const registry = await SchemaRegistryStandIn.start();
    try {
      await avroSource(brokers, topic, registry);
    } finally {
      await registry.close();
    }
  },
);

async function avroSource(brokers: string, topic: string, registry: SchemaRegistryStandIn): Promise<void> {
  const schema = {
    type: 'record',
    name: 'Click',
    fields: [
      { name: 'id', type: 'int' },
      { name: 'page', type: 'string' },
      { name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' } },
      { name: 'ref', type: ['null', 'string'], default: null },
      { name: 'tags', type: { type: 'array', items: 'string' } },
    ],
  };
  const id = await registry.register(`${topic}-value`, schema);
  const wrongId = await registry.register(`${topic}-value`, {
    type: 'record',
    name: 'Click',
    fields: [{ name: 'id', type: 'string' }],
  });
  const type = avro.Type.forSchema(schema as avro.Schema);
  const body = (i: number) =>
    type.toBuffer({
      id: i,
      page: `p${i % 3}`,
      at: baseMs + i,
      ref: i % 2 === 0 ? null : `r${i}`,
      tags: ['a', `t${i}`],
    });
  const good = Array.from({ length: 20 }, (_, i) => ({
    partition: i % 2,
    key: `user-${i}`,
    value: confluentFramed(id, body(i)),
    headers: { trace: `t-${i}` },
    timestampMs: baseMs + 1000 * i,
  }));
  await produceRecords(brokers, topic, [
    ...good.slice(0, 10),
    { partition: 0, value: '{"id": 1}' },
    { partition: 0, value: confluentFramed(999, body(1)) },
    {
      partition: 1,
      value: confluentFramed(
        wrongId,
        avro.Type.forSchema({
          type: 'record',
          name: 'Click',
          fields: [{ name: 'id', type: 'string' }],
        }).toBuffer({ id: 'abc' }),
      ),
    },
    { partition: 1, value: confluentFramed(id, body(1).subarray(0, 3)) },
    ...good.slice(10),
  ]);
  const server = await serve({ pgPort: 0, httpPort: 0 });
  const c = await client(server.pg.address().port);
  try {
    await c.query(
      `CREATE SOURCE clicks (id int NOT NULL, page text, at timestamptz, ref text, tags text[],
                             k text, ts timestamptz, p int, o bigint, h jsonb)
         WITH (connector = 'kafka', topic = '${topic}', brokers = '${brokers}', include.key = 'k',
               include.timestamp = 'ts', include.partition = 'p', include.offset = 'o', include.headers = 'h')
         FORMAT PLAIN ENCODE AVRO (schema.registry = '${registry.url}');
       CREATE MATERIALIZED VIEW v AS
         SELECT id, page, (extract(epoch FROM at) * 1000)::bigint AS at_ms, ref, tags, k,
                (extract(epoch FROM ts) * 1000)::bigint AS ts_ms, p, o, h ->> 'trace' AS trace FROM clicks`,
    );
    await untilCount(c, 'SELECT count(*) AS n FROM v', 20);
    await untilCount(c, 'SELECT count(*) AS n FROM clicks_dead_letters', 4);
    const offsetOf = (i: number) => {
      const inPartition = [...good.slice(0, 10), null, null, null, null, ...good.slice(10)]
        .map((r, j) => ({ r, partition: r?.partition ?? (j < 12 ? 0 : 1) }))
        .filter((x) => x.partition === i % 2);
      return String(inPartition.findIndex((x) => x.r === good[i]));
    };
    assert.deepEqual(
      await rows(c, 'SELECT id, page, at_ms, ref, tags, k, ts_ms, p, o, trace FROM v ORDER BY id'),
      good.map((_, i) => ({
        id: i,
        page: `p${i % 3}`,
        at_ms: String(baseMs + i),
        ref: i % 2 === 0 ? null : `r${i}`,
        tags: ['a', `t${i}`],
        k: `user-${i}`,
        ts_ms: String(baseMs + 1000 * i),
        p: i % 2,
        o: offsetOf(i),
        trace: `t-${i}`,
      })),
    );
    const dead = await rows(
      c,
      'SELECT error_code, error_message FROM clicks_dead_letters ORDER BY partition, "offset"',
    );
    assert.deepEqual(
      dead.map((d) => d.error_code),
      ['22P03', '22P03', '22P02', '22P03'],
    );
    assert.match(String(dead[0]!.error_message), /magic byte/);
    assert.match(String(dead[1]!.error_message), /schema id 999 is not in the schema registry/);
    assert.match(String(dead[2]!.error_message), /column "id"/);
    // Each schema was fetched once, however many records and polls used it.
    assert.equal(registry.fetches.get(id), 1);
    assert.equal(registry.fetches.get(999), 1);
  } finally {
    await c.end();
    await server.close();
  }
}

withService(
  'kafka',
  'ENCODE PROTOBUF by a .proto file; TEXT and BYTES; start at a timestamp',
  async (brokers) => {
    const dir = mkdtempSync(join(tmpdir(), 'eddy-proto-'));
    const protoFile = join(dir, 'shop.proto');
    writeFileSync(
      protoFile,
      `syntax = "proto3";
     package shop;
     message Order { int64 id = 1; string customer = 2; double amount = 3; bool paid = 4; Status status = 5; }
     enum Status { NEW = 0; SHIPPED = 1; }`,
    );
    const Order = protobuf.loadSync(protoFile).lookupType('shop.Order');
    const orders = await createTopic(brokers, 1);
    const lines = await createTopic(brokers, 1);
    await produceRecords(brokers, orders, [
      ...[1, 2, 3].map((i) => ({
        value: Buffer.from(
          Order.encode({
            id: `${9007199254740993n + BigInt(i)}`,
            customer: `c${i}`,
            amount: i * 1.5,
            paid: i !== 2,
            status: i,
          }).finish(),
        ),
      })),
      { value: Buffer.from([0x0a, 0xff, 0xff, 0xff]) },
      { value: Buffer.from(Order.encode({ customer: 'defaults' }).finish()) },
    ]);
    // Five lines an hour before the start time, five at and after it.
    await produceRecords(
      brokers,
      lines,
      Array.from({ length: 10 }, (_, i) => ({
        value: Buffer.from(i === 7 ? [0x68, 0x69, 0xff] : Buffer.from(`line ${i}`)),
        timestampMs: baseMs + (i < 5 ? -3_600_000 : 0) + i,
      })),
    );
    const server = await serve({ pgPort: 0, httpPort: 0 });
    const c = await client(server.pg.address().port);
    try {
      await c.query(
        `CREATE SOURCE orders (id bigint, customer text, amount float8, paid bool, status text)
         WITH (connector = 'kafka', topic = '${orders}', brokers = '${brokers}')
         FORMAT PLAIN ENCODE PROTOBUF (message = 'shop.Order', schema.location = 'file://${protoFile}');
       CREATE MATERIALIZED VIEW o AS SELECT * FROM orders;
       CREATE SOURCE texts (line text, o bigint)
         WITH (connector = 'kafka', topic = '${lines}', brokers = '${brokers}', include.offset = 'o',
               start = '${new Date(baseMs).toISOString()}')
         FORMAT PLAIN ENCODE TEXT;
       CREATE MATERIALIZED VIEW t AS SELECT * FROM texts;
       CREATE SOURCE raw (b bytea, ts bigint)
         WITH (connector = 'kafka', topic = '${lines}', brokers = '${brokers}', include.timestamp = 'ts')
         FORMAT PLAIN ENCODE BYTES;
       CREATE MATERIALIZED VIEW r AS SELECT encode(b, 'hex') AS hex, ts FROM raw`,
      );
      await untilCount(c, 'SELECT count(*) AS n FROM o', 4);
      await untilCount(c, 'SELECT count(*) AS n FROM t', 4);
      await untilCount(c, 'SELECT count(*) AS n FROM r', 10);
      assert.deepEqual(
        await rows(c, 'SELECT id::text, customer, amount, paid, status FROM o ORDER BY customer'),
        [
          { id: '9007199254740994', customer: 'c1', amount: 1.5, paid: true, status: 'SHIPPED' },
          { id: '9007199254740995', customer: 'c2', amount: 3, paid: false, status: '2' },
          { id: '9007199254740996', customer: 'c3', amount: 4.5, paid: true, status: '3' },
          { id: '0', customer: 'defaults', amount: 0, paid: false, status: 'NEW' },
        ],
      );
      const dead = await rows(c, 'SELECT "offset", error_code FROM orders_dead_letters');
      assert.deepEqual(dead, [{ offset: '3', error_code: '22P03' }]);
      assert.deepEqual(await rows(c, 'SELECT line, o FROM t ORDER BY o'), [
        { line: 'line 5', o: '5' },
        { line: 'line 6', o: '6' },
        { line: 'line 8', o: '8' },
        { line: 'line 9', o: '9' },
      ]);
      assert.deepEqual(await rows(c, 'SELECT "offset", error_code FROM texts_dead_letters'), [
        { offset: '7', error_code: '22021' },
      ]);
      const raw = await rows(c, 'SELECT hex, ts FROM r ORDER BY ts');
      assert.equal(raw[7]!.hex, '6869ff');
      assert.equal(raw[0]!.hex, Buffer.from('line 0').toString('hex'));
      assert.equal(raw[0]!.ts, String(baseMs - 3_600_000));
    } finally {
      await c.end();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

withService(
  'kafka',
  'ENCODE AVRO sink: values registered and framed, read back exactly by an Avro source',
  async (brokers) => {
    const topic = await createTopic(brokers, 1);
    const registry = await SchemaRegistryStandIn.start();
    const server = await serve({ pgPort: 0, httpPort: 0 });
    const c = await client(server.pg.address().port);
    try {
      await c.query(
        `CREATE TABLE t (id int PRIMARY KEY, name text, big bigint, at timestamptz, raw bytea, price numeric, ok bool);
       INSERT INTO t VALUES (1, 'one', 9007199254740993, '2026-12-07 10:00:00.123456+00', '\\x0102', 1.50, true),
                            (2, 'two', -5, NULL, NULL, NULL, false),
                            (3, 'three', 3, '1969-12-31 23:59:59.999999+00', '\\x', 0, NULL);
       CREATE SINK out FROM t WITH (connector = 'kafka', topic = '${topic}', brokers = '${brokers}')
         FORMAT UPSERT ENCODE AVRO (schema.registry = '${registry.url}')`,
      );
      await c.query(`UPDATE t SET name = 'uno' WHERE id = 1; DELETE FROM t WHERE id = 2`);
      await c.query(
        `CREATE SOURCE back (k text, id int, name text, big bigint, at timestamptz, raw bytea, price numeric, ok bool, PRIMARY KEY (k))
         WITH (connector = 'kafka', topic = '${topic}', brokers = '${brokers}', include.key = 'k')
         FORMAT UPSERT ENCODE AVRO (schema.registry = '${registry.url}')`,
      );
      const columns = `id, name, big::text, at::text, encode(raw, 'hex') AS raw, price::text, ok`;
      const want = await rows(c, `SELECT ${columns} FROM t ORDER BY id`);
      let seen: unknown[] = [];
      await eventually(
        async () => {
          seen = await rows(c, `SELECT ${columns} FROM back ORDER BY id`);
          return JSON.stringify(seen) === JSON.stringify(want);
        },
        30_000,
        async () => `read back ${JSON.stringify(seen)}, want ${JSON.stringify(want)}`,
      );
      assert.deepEqual(
        (await rows(c, 'SELECT k FROM back ORDER BY k')).map((r) => r.k),
        ['{"id":1}', '{"id":3}'],
      );
      assert.equal(Number((await rows(c, 'SELECT count(*) AS n FROM back_dead_letters'))[0]!.n), 0);
    } finally {
      await c.end();
      await server.close();
      await registry.close();
    }
  },
);
