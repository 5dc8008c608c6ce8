/**
 * The library's value mapping (README, "Values"): every row of the table is a case here, stored
 * through `insert()` and `insertBatch()` and read back as text, or refused with its SQLSTATE,
 * naming the table, row and column, with nothing applied. Expected texts are what PostgreSQL 15
 * stores for `INSERT … VALUES ($1)` with the same value as a constant of the same type.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  Eddy,
  EddyError,
  formatValue,
  Interval,
  type Jsonb,
  jsonbToPlain,
  Numeric,
  RowInputError,
  toDate,
} from '../../src/index.ts';

const COLUMNS = {
  i: 'integer',
  b: 'bigint',
  n: 'numeric',
  p: 'numeric(5,2)',
  f: 'double precision',
  r: 'real',
  s: 'text',
  v: 'varchar(3)',
  l: 'boolean',
  d: 'date',
  ts: 'timestamp',
  tz: 'timestamptz',
  iv: 'interval',
  j: 'jsonb',
  a: 'integer[]',
  u: 'uuid',
  y: 'bytea',
} as const;
type Column = keyof typeof COLUMNS;

/** [column, JS value, stored text or SQLSTATE] — one row of the README's table per group. */
const CASES: readonly [string, Column, unknown, string | { code: string }][] = [
  // A number is a numeric constant under the assignment cast.
  ['integral number into integer', 'i', 5, '5'],
  ['fraction into integer rounds half away from zero (numeric → int)', 'i', 2.5, '3'],
  ['fraction into bigint', 'b', 1.5, '2'],
  ['fraction into text keeps its digits', 's', 1.5, '1.5'],
  ['large number into text prints as numeric', 's', 1e21, '1000000000000000000000'],
  ['number into numeric', 'n', 0.1, '0.1'],
  ['integral number into numeric', 'n', 5, '5'],
  ['negative fraction into numeric', 'n', -1234.5678, '-1234.5678'],
  ['Infinity into numeric', 'n', Number.NEGATIVE_INFINITY, '-Infinity'],
  ['number into numeric(5,2) rounds to its scale', 'p', 1.005, '1.01'],
  ['number into numeric(5,2) beyond its precision', 'p', 1234.5, { code: '22003' }],
  ['number into double precision', 'f', 0.1, '0.1'],
  ['number into real', 'r', 0.1, '0.1'],
  ['number into integer out of range', 'i', 3e9, { code: '22003' }],
  ['NaN into double precision', 'f', Number.NaN, 'NaN'],
  ['NaN into integer (PostgreSQL: cannot convert NaN)', 'i', Number.NaN, { code: '0A000' }],
  ['number into date has no cast', 'd', 5, { code: '42804' }],
  ['number into boolean has no cast', 'l', 1, { code: '42804' }],
  // A string is an untyped literal read by the column type's input function.
  ['string into integer', 'i', '5', '5'],
  ['bad string into integer', 'i', 'five', { code: '22P02' }],
  ['string into numeric keeps its scale', 'n', '1.50', '1.50'],
  [
    'string into timestamp keeps microseconds',
    'ts',
    '2024-01-02 03:04:05.123456',
    '2024-01-02 03:04:05.123456',
  ],
  ['string into timestamptz', 'tz', '2024-01-02T03:04:05.5+02:00', '2024-01-02 01:04:05.5+00'],
  ['string into integer[]', 'a', '{1,2}', '{1,2}'],
  ['string into jsonb is JSON text', 'j', '{"a": 1}', '{"a": 1}'],
  ['string into uuid', 'u', 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'],
  ['string into interval', 'iv', '1 day 2 hours', '1 day 02:00:00'],
  ['string too long for varchar(3)', 'v', 'abcd', { code: '22001' }],
  // A bigint is an integer.
  ['bigint into integer', 'i', 7n, '7'],
  ['bigint into bigint beyond 2^53', 'b', 2n ** 62n, '4611686018427387904'],
  ['bigint beyond int8', 'b', 2n ** 63n, { code: '22003' }],
  ['bigint into integer out of range', 'i', 2n ** 40n, { code: '22003' }],
  ['bigint into text', 's', 7n, '7'],
  // A boolean fits boolean and text; into an integer it is 42804, as VALUES (true) is.
  ['boolean into boolean', 'l', true, 'true'],
  ['boolean into text', 's', false, 'false'],
  ['boolean into integer', 'i', true, { code: '42804' }],
  // A Date is a timestamptz: it fits date and timestamps.
  ['Date into timestamptz', 'tz', new Date('2024-01-02T03:04:05.678Z'), '2024-01-02 03:04:05.678+00'],
  [
    'Date into timestamp (UTC session)',
    'ts',
    new Date('2024-01-02T03:04:05.678Z'),
    '2024-01-02 03:04:05.678',
  ],
  ['Date into date', 'd', new Date('2024-01-02T23:00:00Z'), '2024-01-02'],
  ['invalid Date', 'tz', new Date('nope'), { code: '22007' }],
  [
    'Date before 1970 into timestamptz',
    'tz',
    new Date('1901-12-13T20:45:52.001Z'),
    '1901-12-13 20:45:52.001+00',
  ],
  ['Date into integer', 'i', new Date(0), { code: '42804' }],
  // Plain objects and arrays fit jsonb and array columns.
  ['object into jsonb', 'j', { a: [1, 'x', null], b: true }, '{"a": [1, "x", null], "b": true}'],
  ['array into jsonb', 'j', [1, { c: 2 }], '[1, {"c": 2}]'],
  ['array into integer[] (elements converted)', 'a', [1, '2', 3n, null], '{1,2,3,NULL}'],
  ['array with a bad element', 'a', [1, 'x'], { code: '22P02' }],
  // integer[] holds any depth (the dimensions are the value's): nested arrays are sub-arrays.
  [
    'nested arrays into integer[]',
    'a',
    [
      [1, null],
      [3, '4'],
    ],
    '{{1,NULL},{3,4}}',
  ],
  ['string of two dimensions into integer[]', 'a', '{{1},{2}}', '{{1},{2}}'],
  ['ragged nested arrays', 'a', [[1], [2, 3]], { code: '2202E' }],
  ['an array beside a number', 'a', [[1], 2], { code: '2202E' }],
  ['object into integer', 'i', { a: 1 }, { code: '42804' }],
  ['number into jsonb has no assignment cast', 'j', 5, { code: '42804' }],
  // Eddy's own value classes.
  ['Numeric into numeric', 'n', Numeric.parse('12.340'), '12.340'],
  ['Numeric into numeric(5,2) rounds to its scale', 'p', Numeric.parse('12.345'), '12.35'],
  ['Numeric into bigint rounds', 'b', Numeric.parse('2.5'), '3'],
  ['Interval into interval', 'iv', new Interval(1, 2, 3_000_000), '1 mon 2 days 00:00:03'],
  ['Uint8Array into bytea', 'y', new Uint8Array([0xde, 0xad]), '\\xdead'],
  // Anything else is 42804.
  ['function', 's', () => 1, { code: '42804' }],
  ['symbol', 's', Symbol('x'), { code: '42804' }],
  ['Map', 'j', new Map(), { code: '42804' }],
];

async function freshTable(): Promise<Eddy> {
  const db = await Eddy.open();
  const columns = Object.entries(COLUMNS).map(([name, type]) => `${name} ${type}`);
  await db.execute(`CREATE TABLE t (id integer PRIMARY KEY, ${columns.join(', ')})`);
  return db;
}

async function storedText(db: Eddy, column: Column): Promise<unknown> {
  const { rows } = await db.query<[string | null]>(`SELECT ${column}::text FROM t`);
  assert.equal(rows.length, 1);
  return rows[0]![0];
}

describe('library values are read as parameters of INSERT … VALUES ($1)', () => {
  for (const [name, column, value, expected] of CASES) {
    test(name, async () => {
      const db = await freshTable();
      const viaInsert = db.insert('t', [{ id: 1, [column]: value }]);
      const viaBatch = async () => {
        const arity = Object.keys(COLUMNS).length + 1;
        const flat: unknown[] = new Array(arity).fill(null);
        flat[0] = 2;
        flat[Object.keys(COLUMNS).indexOf(column) + 1] = value;
        return db.insertBatch('t', flat, 1);
      };
      if (typeof expected === 'string') {
        assert.equal(await viaInsert, 1);
        assert.equal(await storedText(db, column), expected);
        await db.execute('DELETE FROM t');
        assert.equal(await viaBatch(), 1);
        assert.equal(await storedText(db, column), expected);
        return;
      }
      for (const attempt of [viaInsert, viaBatch()]) {
        await assert.rejects(attempt, (err: unknown) => {
          assert.ok(err instanceof RowInputError, String(err));
          assert.equal(err.code, expected.code);
          assert.equal(err.table, 't');
          assert.equal(err.row, 0);
          assert.equal(err.column, column);
          assert.match(err.detail ?? '', new RegExp(`column "${column}"`));
          return true;
        });
      }
      assert.deepEqual((await db.query('SELECT count(*) FROM t')).rows, [[0]]);
    });
  }
});

describe('a call is one transaction', () => {
  test('one bad value in the last row rejects every row, and the row index names it', async () => {
    const db = await freshTable();
    await assert.rejects(db.insert('t', [{ id: 1 }, { id: 2 }, { id: 3, b: 1.5 }, { id: 4, i: 'five' }]), {
      code: '22P02',
      row: 3,
      column: 'i',
    });
    assert.deepEqual((await db.query('SELECT count(*) FROM t')).rows, [[0]]);
  });

  test('a duplicate key in a second table rejects the first table’s rows too', async () => {
    const db = await Eddy.open();
    await db.execute('CREATE TABLE a (k int PRIMARY KEY); CREATE TABLE b (k int PRIMARY KEY)');
    await db.insert('b', [[1]]);
    let steps = 0;
    db.subscribe('a', () => steps++);
    await assert.rejects(
      db.insertBatches([
        { table: 'a', values: [1, 2], rowCount: 2 },
        { table: 'b', values: [1], rowCount: 1 },
      ]),
      { code: '23505' },
    );
    assert.equal(steps, 0);
    assert.deepEqual((await db.query('SELECT count(*) FROM a')).rows, [[0]]);
  });

  test('two batches for one table in one call are checked together (a key repeated across them is 23505)', async () => {
    const db = await Eddy.open();
    await db.execute('CREATE TABLE a (k int PRIMARY KEY)');
    const batch = (values: number[]) => ({ table: 'a', values, rowCount: values.length });
    await assert.rejects(db.insertBatches([batch([1, 2]), batch([3, 1])]), { code: '23505' });
    assert.equal(await db.insertBatches([batch([1, 2]), batch([3])]), 3);
    assert.deepEqual((await db.query('SELECT count(*) FROM a')).rows, [[3]]);
  });

  test('NULL into a NOT NULL column is 23502 naming the row and column', async () => {
    const db = await Eddy.open();
    await db.execute('CREATE TABLE t (k int PRIMARY KEY, v text NOT NULL)');
    await assert.rejects(
      db.insert('t', [
        [1, 'x'],
        [2, null],
      ]),
      { code: '23502', row: 1, column: 'v' },
    );
    await assert.rejects(db.insertBatch('t', [1, 'x', 2, undefined], 2), { code: '23502', row: 1 });
  });

  test('an unknown object key is 42703; a short array row is 42601', async () => {
    const db = await freshTable();
    await assert.rejects(db.insert('t', [{ id: 1, nope: 1 }]), { code: '42703', column: 'nope' });
    await assert.rejects(
      db.insert('t', [[1, 2]]),
      (err: unknown) => err instanceof EddyError && err.code === '42601',
    );
  });

  test('insertBatch: a rowCount that is not a non-negative integer, or values not an array, is 22023', async () => {
    const db = await freshTable();
    for (const rowCount of [undefined, 1.5, -1, Number.NaN, '1']) {
      await assert.rejects(db.insertBatch('t', [1, 'x'], rowCount as unknown as number), {
        code: '22023',
        message: /rowCount must be a non-negative integer/,
      });
    }
    await assert.rejects(db.insertBatch('t', 'abc' as unknown as unknown[], 1), { code: '22023' });
    assert.deepEqual((await db.query('SELECT count(*) FROM t')).rows, [[0]]);
  });
});

describe('DEFAULT through the library', () => {
  test('undefined and a missing key take the column DEFAULT; null stays NULL', async () => {
    const db = await Eddy.open();
    await db.execute("CREATE TABLE t (k int PRIMARY KEY, n int NOT NULL DEFAULT 7, s text DEFAULT 'x')");
    await db.insert('t', [{ k: 1 }, [2, undefined, null], { k: 3, n: undefined, s: 'y' }]);
    await db.insertBatch('t', [4, undefined, undefined], 1);
    assert.deepEqual((await db.query('SELECT * FROM t ORDER BY k')).rows, [
      [1, 7, 'x'],
      [2, 7, null],
      [3, 7, 'y'],
      [4, 7, 'x'],
    ]);
  });
});

describe('execute() and query() parameters take the same JavaScript values', () => {
  test('Date, plain object, bigint, array and undefined parameters; anything else is 42804', async () => {
    const db = await Eddy.open();
    await db.execute('CREATE TABLE p (at timestamptz, j jsonb, b bigint, a int[])');
    await db.execute('INSERT INTO p VALUES ($1, $2, $3, $4)', [
      new Date('2024-01-02T03:04:05Z'),
      { x: [1] },
      2n ** 60n,
      [1, 2, null],
    ]);
    await db.execute('INSERT INTO p (b) VALUES ($1)', [undefined]);
    assert.deepEqual(
      (await db.query('SELECT at::text, j::text, b::text, a::text FROM p WHERE at IS NOT NULL')).rows,
      [['2024-01-02 03:04:05+00', '{"x": [1]}', '1152921504606846976', '{1,2,NULL}']],
    );
    assert.deepEqual((await db.query('SELECT count(*) FROM p WHERE b = ANY($1)', [[7, 2 ** 60]])).rows, [
      [1],
    ]);
    await assert.rejects(db.execute('INSERT INTO p (b) VALUES ($1)', [2n ** 63n]), { code: '22003' });
    await assert.rejects(db.execute('SELECT $1', [Symbol('x')]), { code: '42804' });
    await assert.rejects(db.execute('SELECT $1', [[1, 'a']]), { code: '42804' });
  });
});

describe('reading values', () => {
  test('formatValue, toDate and jsonbToPlain read what query() returns; query<T>() types rows', async () => {
    const db = await Eddy.open();
    const { rows, columns } = await db.query<[number, number, Numeric, Jsonb]>(
      `SELECT '2024-01-02 03:04:05.123456'::timestamptz, '2024-01-02'::date, 1.50::numeric, '{"a": [1, 12345678901234567890]}'::jsonb`,
    );
    const [ts, day, amount, doc] = rows[0]!;
    assert.equal(formatValue(ts, columns[0]!.type), '2024-01-02 03:04:05.123456+00');
    assert.equal(toDate(ts, columns[0]!.type).toISOString(), '2024-01-02T03:04:05.123Z');
    assert.equal(toDate(day, columns[1]!.type).toISOString(), '2024-01-02T00:00:00.000Z');
    assert.equal(amount.toString(), '1.50');
    const plain = jsonbToPlain(doc) as { a: [number, Numeric] };
    assert.equal(plain.a[0], 1);
    assert.equal(plain.a[1].toString(), '12345678901234567890');
    assert.equal(formatValue(null, columns[0]!.type), null);
  });
});

describe('onConflict', () => {
  test("absent: 23505; 'nothing' skips existing keys; 'update' replaces the row and its view rows", async () => {
    const db = await Eddy.open();
    await db.execute(`CREATE TABLE kv (k int PRIMARY KEY, v text, n int NOT NULL DEFAULT 7);
                      CREATE MATERIALIZED VIEW by_v AS SELECT v, count(*) AS c FROM kv GROUP BY v`);
    await db.insert('kv', [
      { k: 1, v: 'a', n: 1 },
      { k: 2, v: 'a' },
    ]);
    await assert.rejects(
      db.insert('kv', [
        { k: 3, v: 'b' },
        { k: 1, v: 'x' },
      ]),
      { code: '23505' },
    );
    assert.equal(
      await db.insert(
        'kv',
        [
          { k: 1, v: 'x' },
          { k: 3, v: 'b' },
        ],
        { onConflict: 'nothing' },
      ),
      1,
    );
    assert.equal(await db.insertBatch('kv', [1, 'b', 5, 4, 'c', undefined], 2, { onConflict: 'update' }), 2);
    assert.deepEqual((await db.query('SELECT * FROM kv ORDER BY k')).rows, [
      [1, 'b', 5],
      [2, 'a', 7],
      [3, 'b', 7],
      [4, 'c', 7],
    ]);
    assert.deepEqual((await db.query('SELECT v, c FROM by_v ORDER BY v')).rows, [
      ['a', 1],
      ['b', 2],
      ['c', 1],
    ]);
  });

  test('one call may not update a key twice (21000); a table without a key is 42P10; a bad option 22023', async () => {
    const db = await Eddy.open();
    await db.execute('CREATE TABLE kv (k int PRIMARY KEY, v text); CREATE TABLE bag (x int)');
    await assert.rejects(
      db.insert(
        'kv',
        [
          [1, 'a'],
          [1, 'b'],
        ],
        { onConflict: 'update' },
      ),
      { code: '21000' },
    );
    await assert.rejects(db.insert('bag', [[1]], { onConflict: 'nothing' }), { code: '42P10' });
    await assert.rejects(db.insert('kv', [[1, 'a']], { onConflict: 'replace' as never }), { code: '22023' });
    await assert.rejects(db.insert('kv', [[1, 'a']], { valueForm: 'raw' as never }), { code: '22023' });
    assert.deepEqual((await db.query('SELECT count(*) FROM kv')).rows, [[0]]);
  });
});

describe("valueForm: 'engine' on the bulk path", () => {
  test('a numeric column takes a Numeric as is and refuses a number or a string (42804), table or source', async () => {
    const db = await Eddy.open();
    await db.execute('CREATE TABLE t (k int PRIMARY KEY, n numeric); CREATE SOURCE s (k int, n numeric)');
    for (const name of ['t', 's']) {
      const rows = [1, Numeric.parse('1.50'), 2, null, 3, Numeric.parse('-7')];
      assert.equal(await db.insertBatch(name, rows, 3, { valueForm: 'engine' }), 3);
      for (const bad of [1.5, '1.5']) {
        await assert.rejects(
          db.insertBatch(name, [4, Numeric.parse('1'), 5, bad], 2, { valueForm: 'engine' }),
          {
            code: '42804',
            row: 1,
            column: 'n',
          },
        );
      }
    }
    const { rows } = await db.query<[string]>('SELECT n::text FROM t ORDER BY k');
    assert.deepEqual(rows, [['1.50'], [null], ['-7']]);
  });
});

describe('strings on the bulk path', () => {
  test('NUL and lone surrogates are 22021 naming row and column, in either value form, source or table', async () => {
    const db = await Eddy.open();
    await db.execute(
      'CREATE SOURCE s (k int, t text, v varchar(3)); CREATE TABLE t (k int PRIMARY KEY, t text, v varchar(3))',
    );
    const cases: [number, string][] = [
      [1, 'a\0b'],
      [1, 'x\ud800'],
      [1, '\udc00'],
      [2, 'a\0'],
      [2, '\ud83d'],
    ];
    for (const name of ['s', 't'])
      for (const valueForm of ['js', 'engine'] as const)
        for (const [column, bad] of cases) {
          const values: unknown[] = [1, 'ok \u{1F600}', 'abc', 2, 'fine', 'de'];
          values[3 + column] = bad;
          await assert.rejects(db.insertBatch(name, values, 2, { valueForm }), (err: unknown) => {
            assert.ok(err instanceof RowInputError, String(err));
            assert.equal(err.code, '22021');
            assert.equal(err.row, 1);
            assert.equal(err.column, column === 1 ? 't' : 'v');
            return true;
          });
        }
    assert.equal(await db.insertBatch('s', [1, 'ok \u{1F600}', 'abc'], 1, { valueForm: 'engine' }), 1);
    assert.deepEqual((await db.query('SELECT count(*) FROM t')).rows, [[0]]);
  });
});
