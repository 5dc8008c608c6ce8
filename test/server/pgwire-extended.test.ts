/**
 * The extended query protocol: parameters in text and binary, named and unnamed statements and
 * portals, Describe of statements and portals, row limits with PortalSuspended, Close, Flush,
 * errors skipping to Sync, and binary results byte for byte as PostgreSQL 15 sends them (the
 * expected bytes below were captured from a PostgreSQL 15 server).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type pg from 'pg';
import {
  dataRowOf,
  fe,
  fieldsOf,
  pgClient,
  postgresClient,
  RawClient,
  rowDescriptionOf,
  startWithClient,
  stopWithClient,
  type TestServer,
  textRows,
  types,
} from './pgwire-support.ts';

let t: TestServer;
let client: pg.Client;

before(async () => {
  ({ t, client } = await startWithClient(
    'CREATE TABLE s (a integer, b text)',
    "INSERT INTO s VALUES (1, 'a'), (2, 'b'), (3, 'c'), (4, 'd'), (5, 'e')",
  ));
});
after(() => stopWithClient(t, client));

const tagOf = (body: Buffer) => body.toString('utf8', 0, body.length - 1);

test('node-postgres: parameters in text, NULLs, writes and reads', async () => {
  await client.query(
    'CREATE TABLE people (id integer PRIMARY KEY, name text, score numeric, seen timestamptz)',
  );
  const ins = await client.query('INSERT INTO people VALUES ($1, $2, $3, $4), ($5, $6, $7, $8)', [
    1,
    'ann',
    '12.50',
    new Date('2024-05-01T10:00:00Z'),
    2,
    null,
    null,
    null,
  ]);
  assert.equal(ins.rowCount, 2);
  const r = await client.query('SELECT id, name, score, seen FROM people WHERE id = $1', [1]);
  assert.deepEqual(r.rows, [{ id: 1, name: 'ann', score: '12.50', seen: new Date('2024-05-01T10:00:00Z') }]);
  const n = await client.query('SELECT name FROM people WHERE id = $1', ['2']);
  assert.deepEqual(n.rows, [{ name: null }]);
  assert.deepEqual((await client.query('SELECT $1::int + 1 AS x', [41])).rows, [{ x: 42 }]);
});

test('node-postgres: a named prepared statement is parsed once and run many times', async () => {
  for (let i = 1; i <= 5; i++) {
    const r = await client.query({ name: 'by-a', text: 'SELECT b FROM s WHERE a = $1', values: [i] });
    assert.deepEqual(r.rows, [{ b: 'abcde'[i - 1] }]);
  }
});

test('node-postgres in binary mode parses binary results', async () => {
  const bin = await pgClient(t.port, { binary: true } as pg.ClientConfig);
  try {
    const r = await bin.query(
      "SELECT 1::int2 AS i2, 2::int4 AS i4, 3::int8 AS i8, 1.5::float8 AS f, true AS b, 'hé'::text AS t, '2024-02-29 13:14:15.5+00'::timestamptz AS ts",
    );
    assert.deepEqual(r.rows[0], {
      i2: 1,
      i4: 2,
      i8: '3',
      f: 1.5,
      b: true,
      t: 'hé',
      ts: new Date('2024-02-29T13:14:15.500Z'),
    });
  } finally {
    await bin.end();
  }
});

/** [expression, its binary value as PostgreSQL 15 sends it]. */
const binaryVectors: [string, string][] = [
  ['32767::int2', '7fff'],
  ['-2::int4', 'fffffffe'],
  ['9007199254740993::int8', '0020000000000001'],
  ['1.5::float4', '3fc00000'],
  ['-2.25::float8', 'c002000000000000'],
  ['true', '01'],
  ["'hé'::text", '68c3a9'],
  ["'\\x01ff'::bytea", '01ff'],
  ["'123.4500'::numeric", '0002000000000004007b1194'],
  ["'-0.0001'::numeric", '0001ffff400000040001'],
  ["'12345678.9'::numeric", '000300010000000104d2162e2328'],
  ["'NaN'::numeric", '00000000c0000000'],
  ["'0.00'::numeric", '0000000000000002'],
  ["'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid", 'a0eebc999c0b4ef8bb6d6bb9bd380a11'],
  ["'2024-02-29'::date", '00002279'],
  ["'1969-12-31'::date", 'ffffd532'],
  ["'13:14:15.5'::time", '0000000b187d38e0'],
  ["'2024-02-29 13:14:15.5'::timestamp", '0002b583ce0998e0'],
  ["'1900-01-01 00:00:00+00'::timestamptz", 'fff4c9ee7c0b8000'],
  ["'1 year 2 mons 3 days 04:05:06.7'::interval", '000000036c966ee0000000030000000e'],
  ['\'{"a": [1, 2]}\'::jsonb', '017b2261223a205b312c20325d7d'],
  [
    'ARRAY[1,NULL,3]::int4[]',
    '00000001000000010000001700000003000000010000000400000001ffffffff0000000400000003',
  ],
  ['ARRAY[]::text[]', '000000000000000000000019'],
  ["'infinity'::timestamp", '7fffffffffffffff'],
  ["'-infinity'::date", '80000000'],
];

test('binary results are byte for byte PostgreSQL’s', async () => {
  const raw = await RawClient.connect(t.port);
  raw.send(
    fe.parse('', `SELECT ${binaryVectors.map(([e]) => e).join(', ')}`),
    fe.bind('', '', [], [1]),
    fe.describe('P', ''),
    fe.execute('', 0),
    fe.sync(),
  );
  const out = await raw.until('Z');
  assert.equal(types(out), '12TDCZ');
  assert.ok(rowDescriptionOf(out[2]!).every((f) => f.format === 1));
  const row = dataRowOf(out[3]!);
  binaryVectors.forEach(([expr, hex], i) => {
    assert.equal(row[i]!.toString('hex'), hex, expr);
  });
  raw.end();
});

test('binary parameters are read as PostgreSQL’s receive functions do', {}, async () => {
  const raw = await RawClient.connect(t.port);
  const params: [number, string, string][] = [
    [23, '00000029', '41'],
    [20, 'fffffffffffffffe', '-2'],
    [701, 'c002000000000000', '-2.25'],
    [1700, '000300010000000104d2162e2328', '12345678.9'],
    [25, '68c3a9', 'hé'],
    [16, '01', 't'],
    [17, '01ff', '\\x01ff'],
    [2950, 'a0eebc999c0b4ef8bb6d6bb9bd380a11', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'],
    [1082, '00002279', '2024-02-29'],
    [1184, '0002b583ce0998e0', '2024-02-29 13:14:15.5+00'],
    [1186, '000000036c966ee0000000030000000e', '1 year 2 mons 3 days 04:05:06.7'],
    [3802, '017b2261223a205b312c20325d7d', '{"a": [1, 2]}'],
    [1007, '00000001000000010000001700000003000000010000000400000001ffffffff0000000400000003', '{1,NULL,3}'],
  ];
  raw.send(
    fe.parse(
      '',
      `SELECT ${params.map((_, i) => `$${i + 1}`).join(', ')}`,
      params.map(([oid]) => oid),
    ),
    fe.bind(
      '',
      '',
      params.map(([, hex]) => Buffer.from(hex, 'hex')),
    ),
    fe.execute('', 0),
    fe.sync(),
  );
  const out = await raw.until('Z');
  const error = out.find((m) => m.type === 'E');
  assert.equal(error, undefined, error && fieldsOf(error).M);
  assert.deepEqual(
    textRows(out)[0],
    params.map(([, , text]) => text),
  );
  raw.end();
});

test('Describe of a statement infers parameter types from context; declared ones stand', {}, async () => {
  const raw = await RawClient.connect(t.port);
  raw.send(
    fe.parse('q', 'SELECT a, b FROM s WHERE a = $1 AND b = $2', [0, 25]),
    fe.describe('S', 'q'),
    fe.sync(),
  );
  const out = await raw.until('Z');
  assert.equal(types(out), '1tTZ');
  const t1 = out[1]!.body;
  assert.deepEqual([t1.readInt16BE(0), t1.readUInt32BE(2), t1.readUInt32BE(6)], [2, 23, 25]);
  assert.deepEqual(
    rowDescriptionOf(out[2]!).map((f) => [f.name, f.typeOid, f.format]),
    [
      ['a', 23, 0],
      ['b', 25, 0],
    ],
  );
  await client.query('CREATE TABLE described (a integer, b text)');
  raw.send(fe.parse('', 'INSERT INTO described VALUES ($1, $2)'), fe.describe('S', ''), fe.sync());
  const ins = await raw.until('Z');
  assert.equal(types(ins), '1tnZ');
  assert.equal(
    (await client.query('SELECT count(*) AS n FROM described')).rows[0].n,
    '0',
    'describing a write writes nothing',
  );
  raw.end();
});

test('Execute with a row limit suspends the portal, and the rest follows', async () => {
  const raw = await RawClient.connect(t.port);
  raw.send(
    fe.parse('', 'SELECT a FROM s ORDER BY a'),
    fe.bind('p', '', []),
    fe.execute('p', 2),
    fe.execute('p', 2),
    fe.execute('p', 2),
    fe.execute('p', 2),
    fe.sync(),
  );
  const out = await raw.until('Z');
  assert.equal(types(out), '12DDsDDsDCCZ');
  assert.deepEqual(textRows(out), [['1'], ['2'], ['3'], ['4'], ['5']]);
  assert.deepEqual(
    out.filter((m) => m.type === 'C').map((m) => tagOf(m.body)),
    ['SELECT 1', 'SELECT 0'],
  );
  raw.end();
});

test('Describe of a portal reports its result formats', async () => {
  const raw = await RawClient.connect(t.port);
  raw.send(
    fe.parse('', 'SELECT a::varchar(5) AS v, 1.5::numeric(5,2) AS n FROM s LIMIT 1'),
    fe.bind('', '', [], [0, 1]),
    fe.describe('P', ''),
    fe.sync(),
  );
  const out = await raw.until('Z');
  assert.deepEqual(
    rowDescriptionOf(out[2]!).map((f) => [f.name, f.typeOid, f.typeModifier, f.format]),
    [
      ['v', 1043, 9, 0],
      ['n', 1700, (5 << 16) + 2 + 4, 1],
    ],
  );
  raw.end();
});

test('an error skips everything up to Sync, with its SQLSTATE and position', async () => {
  const raw = await RawClient.connect(t.port);
  raw.send(
    fe.parse('', 'SELECT nope FROM s'),
    fe.bind('', '', []),
    fe.execute('', 0),
    fe.sync(),
    fe.query('SELECT 1'),
  );
  const first = await raw.until('Z');
  // PostgreSQL analyses at Parse; Eddy at the first Describe or Execute: the error ends the batch either way.
  assert.match(types(first), /^1?2?EZ$/);
  const error = fieldsOf(first.find((m) => m.type === 'E')!);
  assert.equal(error.C, '42703');
  assert.equal(error.P, '8');
  assert.equal(types(await raw.until('Z')), 'TDCZ');
  const cases: [Buffer[], string, string][] = [
    [[fe.bind('', 'nope', [])], '26000', 'prepared statement "nope" does not exist'],
    [[fe.execute('nope', 0)], '34000', 'portal "nope" does not exist'],
    [
      [fe.parse('', 'SELECT 1; SELECT 2')],
      '42601',
      'cannot insert multiple commands into a prepared statement',
    ],
    [
      [fe.parse('', 'SELECT $1::int'), fe.bind('', '', [])],
      '08P01',
      'bind message supplies 0 parameters, but prepared statement "" requires 1',
    ],
    [
      [fe.parse('dup', 'SELECT 1'), fe.parse('dup', 'SELECT 2')],
      '42P05',
      'prepared statement "dup" already exists',
    ],
  ];
  for (const [messages, code, message] of cases) {
    raw.send(...messages, fe.sync());
    const err = (await raw.until('Z')).find((m) => m.type === 'E')!;
    assert.deepEqual([fieldsOf(err).C, fieldsOf(err).M], [code, message]);
  }
  raw.end();
});

test('Close, Flush and an empty statement', async () => {
  const raw = await RawClient.connect(t.port);
  raw.send(fe.parse('c1', 'SELECT 1'), fe.flush());
  assert.equal(types(await raw.until('1')), '1', 'Flush sends ParseComplete before Sync');
  raw.send(fe.close('S', 'c1'), fe.close('P', 'never-bound'), fe.sync());
  assert.equal(types(await raw.until('Z')), '33Z');
  raw.send(fe.bind('', 'c1', []), fe.sync());
  assert.equal(fieldsOf((await raw.until('Z'))[0]!).C, '26000');
  raw.send(fe.parse('', ''), fe.bind('', '', []), fe.describe('P', ''), fe.execute('', 0), fe.sync());
  assert.equal(types(await raw.until('Z')), '12nIZ');
  raw.end();
});

test('postgres.js: prepared statements with typed parameters, and errors', {}, async () => {
  const sql = postgresClient(t.port);
  try {
    await sql`CREATE TABLE events (id bigint PRIMARY KEY, kind text, payload jsonb, at timestamptz)`;
    for (let i = 1; i <= 3; i++) {
      await sql`INSERT INTO events VALUES (${i}, ${i % 2 ? 'click' : 'view'}, ${sql.json({ n: i })}, ${new Date(Date.UTC(2024, 0, i))})`;
    }
    const rows = await sql`SELECT id, kind, payload FROM events WHERE kind = ${'click'} ORDER BY id`;
    assert.deepEqual(
      rows.map((r) => [String(r.id), r.kind, r.payload]),
      [
        ['1', 'click', { n: 1 }],
        ['3', 'click', { n: 3 }],
      ],
    );
    await assert.rejects(sql`INSERT INTO events VALUES (${1}, ${'dup'}, ${null}, ${null})`, {
      code: '23505',
    });
    await assert.rejects(sql`SELECT * FROM nowhere WHERE id = ${1}`, { code: '42P01' });
  } finally {
    await sql.end();
  }
});

test('round-trip latency of a parameterised point query with node-postgres (reported)', async () => {
  const n = 3000;
  for (let i = 0; i < 300; i++) await client.query('SELECT b FROM s WHERE a = $1', [1 + (i % 5)]);
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await client.query('SELECT b FROM s WHERE a = $1', [1 + (i % 5)]);
  const micros = Number(process.hrtime.bigint() - start) / 1000 / n;
  console.log(
    `# parameterised SELECT round trip (node-postgres, extended protocol): ${micros.toFixed(1)} µs`,
  );
  assert.ok(micros > 0);
});
