/**
 * The Kafka source's parts that need no broker: its options (defaults and 22023 / 0A000 for bad
 * ones), the JSON record decoder (each kind of bad record's SQLSTATE, ignored extra keys,
 * DEFAULTs, exact big integers), the record-batch reader's handling of transaction markers and
 * aborted transactions, and the source's DDL: the tables it keeps, their refusal of writes, a
 * source whose broker cannot be reached (retrying, shown by SHOW SOURCES) and its recovery
 * from a data directory. The parts that talk to Kafka are in test/connectors.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { TableColumn, TableEntry } from '../../src/catalog/catalog.ts';
import { timeZone } from '../../src/common/datetime-zone.ts';
import { T } from '../../src/common/types.ts';
import type { Value } from '../../src/common/value.ts';
import { plainJson } from '../../src/connectors/formats/source-format.ts';
import { kafkaSourceSpec } from '../../src/connectors/kafka/kafka-options.ts';
import { type Batch, type FetchedRecord, readBatches } from '../../src/connectors/kafka/kafka-reader.ts';
import { Eddy } from '../../src/eddy.ts';
import { JsonRecordDecoder, rawText, storableText } from '../../src/runtime/sources/json-records.ts';

const base = [
  { key: 'connector', value: 'kafka' },
  { key: 'topic', value: 't' },
  { key: 'brokers', value: 'a:9092, b:9093' },
];

test('Kafka source options: defaults, and bad options refused with 22023 or 0A000', () => {
  assert.deepEqual(kafkaSourceSpec(base), {
    connector: 'kafka',
    topic: 't',
    brokers: ['a:9092', 'b:9093'],
    start: 'earliest',
    maxRecordBytes: 1 << 20,
    pollBytes: 4 << 20,
    pollWaitMs: 200,
    format: plainJson,
  });
  assert.equal(kafkaSourceSpec([...base, { key: 'start', value: 'latest' }]).start, 'latest');
  // A start time: milliseconds since 1970, or ISO 8601 with its offset.
  assert.equal(kafkaSourceSpec([...base, { key: 'start', value: '1765101600000' }]).start, 1765101600000);
  assert.equal(
    kafkaSourceSpec([...base, { key: 'start', value: '2026-12-07T11:00:00+01:00' }]).start,
    Date.UTC(2026, 11, 7, 10),
  );
  assert.equal(kafkaSourceSpec([...base, { key: 'max_record_bytes', value: '10' }]).maxRecordBytes, 10);
  const refused: [readonly { key: string; value: string | boolean }[], string, RegExp][] = [
    [base.slice(0, 2), '22023', /needs the option "brokers"/],
    [[base[0]!, base[2]!], '22023', /needs the option "topic"/],
    [[...base.slice(0, 2), { key: 'brokers', value: 'nohost' }], '22023', /not host:port/],
    [[...base, { key: 'colour', value: 'red' }], '22023', /unknown option "colour"/],
    [[...base, { key: 'topic', value: 'u' }], '22023', /given twice/],
    [[...base, { key: 'start', value: 'middle' }], '22023', /'earliest', 'latest' or a time/],
    [[...base, { key: 'start', value: '2026-01-01' }], '22023', /'earliest', 'latest' or a time/],
    [[...base, { key: 'include.colour', value: 'c' }], '22023', /unknown option "include.colour"/],
    [[...base, { key: 'poll_bytes', value: '0' }], '22023', /positive integer/],
    [[...base, { key: 'poll_bytes', value: true }], '22023', /positive integer/],
  ];
  for (const [options, code, message] of refused)
    assert.throws(() => kafkaSourceSpec(options), { code, message }, JSON.stringify(options));
});

function column(name: string, type: TableColumn['type'], nullable = true): TableColumn {
  return { name, type, nullable, defaultExpr: null };
}

const columns = [column('id', T.int8, false), column('name', T.text), column('tags', T.jsonb)];
const table: TableEntry = {
  kind: 'source',
  id: 1,
  name: 's',
  schema: columns,
  columns,
  primaryKey: [],
  sql: '',
};
const decoder = new JsonRecordDecoder(table, [() => null, () => 'dflt', () => null], timeZone('UTC'), 64);

function decode(value: string | Buffer | null): {
  row: Value[];
  error: { code: string; message: string } | null;
} {
  const row: Value[] = [];
  const error = decoder.decode(typeof value === 'string' ? Buffer.from(value) : value, row);
  return { row, error };
}

test('JSON records: rows by column name, DEFAULTs, extra keys ignored, big integers exact', () => {
  assert.deepEqual(decode('{"id": 1, "name": "a", "other": 5}'), { row: [1, 'a', null], error: null });
  assert.deepEqual(decode('{"id": 2}').row, [2, 'dflt', null]);
  assert.deepEqual(decode('{"id": 9007199254740993, "name": null}').row, [9007199254740993n, null, null]);
  assert.equal(decode('{"id": 3, "tags": {"x": [1]}}').error, null);
  assert.deepEqual(decode('{"id": 1e3}').row, [1000, 'dflt', null]);
});

test('JSON records that cannot be read answer their SQLSTATE, the row untouched', () => {
  const cases: [string | Buffer | null, string, RegExp][] = [
    ['{"id": 1,', '22P02', /invalid input syntax for type json/],
    ['[1]', '22P02', /not a JSON object/],
    ['"text"', '22P02', /not a JSON object/],
    ['{"id": "x"}', '22P02', /column "id"/],
    ['{"id": 1e30}', '22003', /column "id": bigint out of range/],
    ['{"id": 99999999999999999999}', '22003', /column "id": bigint out of range/],
    ['{"name": "no id"}', '23502', /null value in column "id"/],
    ['{"id": null}', '23502', /null value in column "id"/],
    ['{"id": 1, "name": "a\\u0000b"}', '22021', /column "name": invalid byte sequence/],
    ['{"id": 1, "name": "\\ud800"}', '22021', /column "name"/],
    [Buffer.from([0x7b, 0xff, 0x7d]), '22021', /UTF-8/],
    [`{"id": 1, "name": "${'x'.repeat(80)}"}`, '54000', /max_record_bytes \(64\)/],
    [null, '22004', /tombstone/],
  ];
  for (const [value, code, message] of cases) {
    const { row, error } = decode(value);
    assert.equal(error?.code, code, String(value));
    assert.match(error.message, message);
    assert.deepEqual(row, []);
  }
  assert.equal(rawText(Buffer.from([0x61, 0, 0xff]), 10), 'a\uFFFD');
  assert.equal(rawText(Buffer.from('abcdef'), 3), 'abc…');
  assert.equal(rawText(null, 3), null);
  assert.equal(storableText('a\0b\ud800c', 10), 'ab\uFFFDc');
});

function batch(firstOffset: number, values: (string | null)[], producerId = -1, attributes = 0): Batch {
  return {
    firstOffset: BigInt(firstOffset),
    length: 0,
    partitionLeaderEpoch: 0,
    magic: 2,
    crc: 0,
    attributes,
    lastOffsetDelta: values.length - 1,
    firstTimestamp: 1000n,
    maxTimestamp: 1000n,
    producerId: BigInt(producerId),
    producerEpoch: 0,
    firstSequence: 0,
    records: values.map((v, i) => ({
      length: 0,
      attributes: 0,
      timestampDelta: BigInt(i),
      offsetDelta: i,
      key: null,
      value: v === null ? null : Buffer.from(v),
      headers: [],
    })),
  };
}

test('record batches: markers and aborted transactions left out, positions after them', () => {
  const transactional = 0x10;
  const control = 0x30;
  const batches = [
    batch(0, ['a', 'b']), // before `from` in part
    batch(2, ['t1'], 7, transactional), // producer 7, committed
    batch(3, [null], 7, control), // its commit marker
    batch(4, ['x1', 'x2'], 8, transactional), // producer 8, aborted
    batch(6, ['c']), // a plain record among them
    batch(7, [null], 8, control), // producer 8's abort marker
    batch(8, ['t2'], 8, transactional), // producer 8's next transaction, committed
    batch(9, [null], 8, control),
  ];
  const out: FetchedRecord[] = [];
  const last = readBatches(0, 1n, batches, [{ producerId: 8n, firstOffset: 4n }], out);
  assert.deepEqual(
    out.map((r) => [Number(r.offset), r.value?.toString()]),
    [
      [1, 'b'],
      [2, 't1'],
      [6, 'c'],
      [8, 't2'],
    ],
  );
  assert.equal(last, 9n);
  assert.equal(out[0]!.timestampMs, 1001);
  const none: FetchedRecord[] = [];
  assert.equal(readBatches(0, 5n, [], null, none), 4n);
});

const unreachable = "brokers = '127.0.0.1:1'";

test('a connector source keeps two tables that SQL reads but cannot write or drop', async () => {
  const eddy = await Eddy.open();
  try {
    await eddy.execute(`CREATE SOURCE s (a int) WITH (connector = 'kafka', topic = 't', ${unreachable})`);
    const kept =
      "SELECT tablename FROM pg_tables WHERE tablename IN ('s', 's_dead_letters', 's_offsets') ORDER BY 1";
    assert.deepEqual((await eddy.query(kept)).rows, [['s'], ['s_dead_letters'], ['s_offsets']]);
    assert.deepEqual(
      (await eddy.query('SELECT * FROM s_dead_letters')).columns.map((c) => c.name),
      ['source', 'partition', 'offset', 'raw', 'error_code', 'error_message', 'received_at'],
    );
    await assert.rejects(eddy.execute('INSERT INTO s VALUES (1)'), { code: '42809' });
    await assert.rejects(eddy.insert('s', [[1]]), { code: '42809' });
    await assert.rejects(eddy.execute('UPDATE s_offsets SET next_offset = 0'), { code: '42809' });
    await assert.rejects(eddy.execute('DROP TABLE s_dead_letters'), { code: '2BP01' });
    await assert.rejects(
      eddy.execute(`CREATE SOURCE s (a int) WITH (connector = 'kafka', topic = 't', ${unreachable})`),
      { code: '42P07' },
    );
    await eddy.execute(
      `CREATE SOURCE IF NOT EXISTS s (a int) WITH (connector = 'kafka', topic = 't', ${unreachable})`,
    );
    await eddy.execute('CREATE TABLE u_offsets (x int)');
    await assert.rejects(
      eddy.execute(`CREATE SOURCE u (a int) WITH (connector = 'kafka', topic = 't', ${unreachable})`),
      { code: '42P07', message: /u_offsets/ },
    );
    await assert.rejects(eddy.execute(`CREATE SOURCE v (a int) WITH (connector = 'pulsar')`), {
      code: '0A000',
    });
    await assert.rejects(eddy.execute(`CREATE SOURCE v (a int) WITH (connector = 'nats')`), {
      code: '22023',
      message: /needs the option "servers"/,
    });
    await assert.rejects(eddy.execute('CREATE SOURCE v (a int) FORMAT PLAIN ENCODE JSON'), { code: '42601' });
    await eddy.execute(
      'CREATE MATERIALIZED VIEW errs AS SELECT error_code, count(*) FROM s_dead_letters GROUP BY 1',
    );
    await assert.rejects(eddy.execute('DROP SOURCE s'), { code: '2BP01' });
    await eddy.execute('DROP SOURCE s CASCADE');
    assert.deepEqual((await eddy.query(kept)).rows, []);
  } finally {
    await eddy.close();
  }
});

test('a source whose broker cannot be reached retries and says why; the database goes on', async () => {
  const eddy = await Eddy.open();
  try {
    await eddy.execute(`CREATE SOURCE s (a int) WITH (connector = 'kafka', topic = 't', ${unreachable})`);
    const deadline = Date.now() + 20_000;
    let row: readonly Value[] | undefined;
    while (Date.now() < deadline) {
      row = (await eddy.query("SHOW SOURCES LIKE 's%'")).rows[0];
      if (row?.[3] === 'retrying') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const shown = (await eddy.query('SHOW SOURCES')).columns.map((c) => c.name);
    assert.deepEqual(shown, [
      'source',
      'connector',
      'topic',
      'state',
      'positions',
      'lag',
      'records',
      'dead_letters',
      'read_errors',
      'last_error',
    ]);
    assert.equal(row?.[3], 'retrying', JSON.stringify(row));
    assert.ok(Number(row?.[8]) >= 1);
    assert.equal(typeof row?.[9], 'string');
    assert.deepEqual((await eddy.query("SHOW SOURCES LIKE 'x%'")).rows, []);
    await eddy.execute('CREATE TABLE t (a int); INSERT INTO t VALUES (1)');
    assert.deepEqual((await eddy.query('SELECT a FROM t')).rows, [[1]]);
  } finally {
    await eddy.close();
  }
});

test('a connector source and its tables come back from a data directory', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-kafka-ddl-'));
  try {
    let eddy = await Eddy.open({ dir });
    await eddy.execute(`CREATE SOURCE s (a int) WITH (connector = 'kafka', topic = 't', ${unreachable})`);
    await eddy.close();
    eddy = await Eddy.open({ dir });
    try {
      const sources = (await eddy.query('SELECT source, topic FROM pg_catalog.eddy_sources')).rows;
      assert.deepEqual(sources, [['s', 't']]);
      await assert.rejects(eddy.execute('INSERT INTO s_offsets VALUES (0, 0)'), { code: '42809' });
    } finally {
      await eddy.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
