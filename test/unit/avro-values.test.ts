/**
 * Avro values in the schema registry's wire format (connectors/formats/avro-values) against the
 * registry stand-in: a schema is fetched once per id; a record without the magic byte, with an
 * unknown id, or with a body its schema does not read fails alone (22P03); a registry that
 * cannot be reached fails `prepare` (08006), so the source retries the poll instead of
 * dead-lettering good records.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import avro from 'avsc';
import { AvroDecoder } from '../../src/connectors/formats/avro-values.ts';
import { confluentFramed, SchemaRegistryStandIn } from '../connectors/support/schema-registry-stand-in.ts';

const schema = {
  type: 'record',
  name: 'Reading',
  fields: [
    { name: 'sensor', type: 'string' },
    { name: 'value', type: ['null', 'double'] },
    { name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' } },
  ],
};

test('Avro values: schemas fetched once by id; framing, unknown ids and bad bodies fail alone', async () => {
  const registry = await SchemaRegistryStandIn.start();
  try {
    const id = await registry.register('readings-value', schema);
    const body = avro.Type.forSchema(schema as avro.Schema).toBuffer({ sensor: 's1', value: 2.5, at: 1_000 });
    const decoder = new AvroDecoder(`${registry.url}/`);
    const good = confluentFramed(id, body);
    const unknown = confluentFramed(id + 41, body);
    await decoder.prepare([good, good, unknown, null, Buffer.from('x')]);
    await decoder.prepare([good, unknown]);
    assert.deepEqual(decoder.decode(good), { sensor: 's1', value: 2.5, at: new Date(1_000) });
    assert.equal(registry.fetches.get(id), 1);
    assert.equal(registry.fetches.get(id + 41), 1);
    assert.throws(() => decoder.decode(unknown), {
      code: '22P03',
      message: /schema id 42 is not in the schema registry/,
    });
    assert.throws(() => decoder.decode(body), { code: '22P03', message: /magic byte/ });
    assert.throws(() => decoder.decode(good.subarray(0, 8)), { code: '22P03' });
    assert.throws(() => decoder.decode(Buffer.concat([good, Buffer.from([1])])), {
      code: '22P03',
      message: /1 bytes after its Avro value/,
    });
  } finally {
    await registry.close();
  }
  const unreachable = new AvroDecoder(registry.url);
  await assert.rejects(unreachable.prepare([confluentFramed(1, Buffer.alloc(1))]), { code: '08006' });
});

test('Avro values: nested records, maps and bytes come out as plain objects and Uint8Arrays', async () => {
  const registry = await SchemaRegistryStandIn.start();
  try {
    const nested = {
      type: 'record',
      name: 'Outer',
      fields: [
        { name: 'inner', type: { type: 'record', name: 'Inner', fields: [{ name: 'x', type: 'int' }] } },
        { name: 'counts', type: { type: 'map', values: 'long' } },
        { name: 'raw', type: 'bytes' },
        { name: 'list', type: { type: 'array', items: 'Inner' } },
      ],
    };
    const id = await registry.register('outer-value', nested);
    const value = { inner: { x: 1 }, counts: { a: 2 }, raw: Buffer.from([1, 2]), list: [{ x: 3 }] };
    const framed = confluentFramed(id, avro.Type.forSchema(nested as avro.Schema).toBuffer(value));
    const decoder = new AvroDecoder(registry.url);
    await decoder.prepare([framed]);
    assert.deepEqual(decoder.decode(framed), {
      inner: { x: 1 },
      counts: { a: 2 },
      raw: new Uint8Array([1, 2]),
      list: [{ x: 3 }],
    });
  } finally {
    await registry.close();
  }
});
