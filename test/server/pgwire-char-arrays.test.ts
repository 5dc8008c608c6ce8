/**
 * @module test/server/pgwire-char-arrays
 * char(n) and multidimensional arrays over the wire as PostgreSQL sends them: char(n) is type
 * 1042 with typmod n + 4 and its padding in text and binary; int[][] is int4[] (1007), `{{…}}`
 * in text and ndim 2 in binary, both ways (a binary int[][] parameter whose type the query's
 * cast gives is read back); information_schema and pg_attribute describe both. Depth is the
 * value's, not the type's: one integer[] column holds arrays of different dimensions.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type pg from 'pg';
import {
  dataRowOf,
  fe,
  pgClient,
  RawClient,
  rowDescriptionOf,
  startTestServer,
  type TestServer,
} from './pgwire-support.ts';

let t: TestServer;
let client: pg.Client;

before(async () => {
  t = await startTestServer();
  client = await pgClient(t.port);
  await client.query('CREATE TABLE cm (c char(4), v varchar(4), a integer[][])');
  await client.query("INSERT INTO cm VALUES ('ab', 'ab', '{{1,2},{3,4}}')");
});

after(async () => {
  await client.end();
  await t.server.close();
});

test('char(n) and int[][] in text: type, typmod, padding, nesting', async () => {
  const r = await client.query('SELECT c, v, a FROM cm');
  assert.deepEqual(
    r.fields.map((f) => [f.dataTypeID, f.dataTypeModifier]),
    [
      [1042, 8],
      [1043, 8],
      [1007, -1],
    ],
  );
  assert.deepEqual(r.rows[0], {
    c: 'ab  ',
    v: 'ab',
    a: [
      [1, 2],
      [3, 4],
    ],
  });
  const eq = await client.query("SELECT count(*)::int AS n FROM cm WHERE c = $1 AND c = 'ab    '", ['ab']);
  assert.equal(eq.rows[0].n, 1);
});

test('the catalogs describe char(4) and integer[][] as PostgreSQL does', async () => {
  const columns = await client.query(
    "SELECT column_name, data_type, character_maximum_length AS len FROM information_schema.columns WHERE table_name = 'cm' ORDER BY ordinal_position",
  );
  assert.deepEqual(
    columns.rows.map((r) => [r.column_name, r.data_type, r.len]),
    [
      ['c', 'character', 4],
      ['v', 'character varying', 4],
      ['a', 'ARRAY', null],
    ],
  );
  const attributes = await client.query(
    "SELECT format_type(atttypid, atttypmod) AS t, attndims FROM pg_attribute WHERE attrelid = 'cm'::regclass AND attnum > 0 ORDER BY attnum",
  );
  assert.deepEqual(
    attributes.rows.map((r) => [r.t, r.attndims]),
    [
      ['character(4)', 0],
      ['character varying(4)', 0],
      ['integer[]', 2],
    ],
  );
});

/** array_send of an int4[] without nulls: ndim, flags, element oid, (length, 1) per dimension, values. */
function int4ArrayBinary(shape: readonly number[], values: readonly number[]): Buffer {
  const header = 12 + 8 * shape.length;
  const param = Buffer.alloc(header + 8 * values.length);
  param.writeInt32BE(shape.length, 0);
  param.writeInt32BE(0, 4);
  param.writeInt32BE(23, 8);
  for (const [d, length] of shape.entries()) {
    param.writeInt32BE(length, 12 + 8 * d);
    param.writeInt32BE(1, 16 + 8 * d);
  }
  for (const [i, v] of values.entries()) {
    param.writeInt32BE(4, header + i * 8);
    param.writeInt32BE(v, header + 4 + i * 8);
  }
  return param;
}

test('binary results and parameters: char padded, int[][] with two dimensions', async () => {
  const raw = await RawClient.connect(t.port);
  const param = int4ArrayBinary([2, 1], [5, 6]);
  raw.send(
    fe.parse('', 'SELECT c, $1::integer[][] AS p, $1::integer[][]::text AS t FROM cm'),
    fe.bind('', '', [param], [1, 1, 0]),
    fe.describe('P', ''),
    fe.execute(''),
    fe.sync(),
  );
  const messages = await raw.until('Z');
  assert.equal(
    messages.find((m) => m.type === 'E'),
    undefined,
  );
  const description = rowDescriptionOf(messages.find((m) => m.type === 'T')!);
  assert.deepEqual(
    description.map((f) => f.typeOid),
    [1042, 1007, 25],
  );
  const [c, p, text] = dataRowOf(messages.find((m) => m.type === 'D')!);
  assert.equal(c!.toString('utf8'), 'ab  ');
  assert.equal(text!.toString('utf8'), '{{5},{6}}');
  assert.deepEqual(
    [p!.readInt32BE(0), p!.readInt32BE(12), p!.readInt32BE(20), p!.readInt32BE(32), p!.readInt32BE(40)],
    [2, 2, 1, 5, 6],
  );
  raw.socket.destroy();
});

test('one int4[] type for every depth: mixed depths in a column, a 2-D parameter to $1::integer[]', async () => {
  await client.query('CREATE TABLE mixed (id integer, a integer[])');
  await client.query("INSERT INTO mixed VALUES (1, '{1,2}'), (2, '{{1,2},{3,4}}'), (3, ARRAY[[[7]]])");
  const r = await client.query(
    'SELECT a, pg_typeof(a)::text AS t, array_ndims(a) AS n FROM mixed ORDER BY id',
  );
  assert.equal(r.fields[0]!.dataTypeID, 1007);
  assert.deepEqual(
    r.rows.map((row) => [row.a, row.t, row.n]),
    [
      [[1, 2], 'integer[]', 1],
      [
        [
          [1, 2],
          [3, 4],
        ],
        'integer[]',
        2,
      ],
      [[[[7]]], 'integer[]', 3],
    ],
  );
  const raw = await RawClient.connect(t.port);
  raw.send(
    fe.parse('', 'SELECT $1::integer[] AS p, array_ndims($1::integer[]) AS n'),
    fe.bind('', '', [int4ArrayBinary([1, 2], [8, 9])], [0, 0]),
    fe.execute(''),
    fe.sync(),
  );
  const messages = await raw.until('Z');
  assert.equal(
    messages.find((m) => m.type === 'E'),
    undefined,
  );
  const [p, n] = dataRowOf(messages.find((m) => m.type === 'D')!);
  assert.equal(p!.toString('utf8'), '{{8,9}}');
  assert.equal(n!.toString('utf8'), '2');
  raw.socket.destroy();
});
