/**
 * Column DEFAULTs and the clock through the library: volatile defaults run per row in SQL INSERT,
 * insert() and insertBatch(); now() is the transaction's start with microsecond precision,
 * clock_timestamp() advances; the catalog shows each default as PostgreSQL does (`now()`).
 * A view is never left broken for good by one input row: its error is data a retraction removes.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Eddy } from '../../src/index.ts';

const tick = () => new Promise((resolve) => setTimeout(resolve, 3));

async function logTable(): Promise<Eddy> {
  const db = await Eddy.open();
  await db.execute(`CREATE TABLE log (id int PRIMARY KEY, at timestamptz DEFAULT now(), u uuid DEFAULT gen_random_uuid(),
                    c timestamptz DEFAULT clock_timestamp(), n int NOT NULL DEFAULT 7)`);
  return db;
}

async function column(db: Eddy, sql: string): Promise<unknown[]> {
  return (await db.query(sql)).rows.map((r) => r[0]);
}

describe('volatile DEFAULTs run per row', () => {
  test('SQL INSERT, insert() and insertBatch() each read now() once per call and gen_random_uuid() per row', async () => {
    const db = await logTable();
    await db.execute('INSERT INTO log (id) VALUES (1), (2)');
    await tick();
    await db.insert('log', [{ id: 3 }, [4, undefined, undefined, undefined, undefined]]);
    await tick();
    await db.insertBatch(
      'log',
      [5, undefined, undefined, undefined, undefined, 6, undefined, undefined, undefined, undefined],
      2,
    );
    const at = await column(db, 'SELECT at FROM log ORDER BY id');
    assert.equal(at[0], at[1]);
    assert.equal(at[2], at[3]);
    assert.equal(at[4], at[5]);
    assert.ok((at[0] as number) < (at[2] as number) && (at[2] as number) < (at[4] as number), String(at));
    assert.deepEqual(await column(db, 'SELECT count(DISTINCT u) FROM log'), [6]);
    assert.deepEqual(await column(db, 'SELECT count(*) FROM log WHERE n = 7'), [6]);
    // clock_timestamp() is read per row, never before the statement's now().
    assert.deepEqual(await column(db, 'SELECT bool_and(c >= at) FROM log'), [true]);
  });

  test('inside BEGIN … COMMIT every statement’s now() is the transaction’s start', async () => {
    const db = await logTable();
    await db.execute('BEGIN');
    await db.execute('INSERT INTO log (id) VALUES (1)');
    await tick();
    await db.execute('INSERT INTO log (id) VALUES (2)');
    const [inside] = (await db.query('SELECT now(), statement_timestamp()')).rows;
    await db.execute('COMMIT');
    const at = await column(db, 'SELECT at FROM log ORDER BY id');
    assert.equal(at[0], at[1]);
    assert.equal(inside![0], at[0]);
    assert.ok(
      (inside![1] as number) > (inside![0] as number),
      'statement_timestamp() moves within a transaction',
    );
    await db.execute('INSERT INTO log (id) VALUES (3)');
    assert.ok(((await column(db, 'SELECT at FROM log WHERE id = 3'))[0] as number) > (at[0] as number));
  });

  test('UPDATE … SET col = DEFAULT reads the clock of the UPDATE', async () => {
    const db = await logTable();
    await db.execute('INSERT INTO log (id) VALUES (1)');
    const [before] = await column(db, 'SELECT at FROM log');
    await tick();
    await db.execute('UPDATE log SET at = DEFAULT');
    const [after] = await column(db, 'SELECT at FROM log');
    assert.ok((after as number) > (before as number));
  });
});

describe('the clock', () => {
  test('now() has microseconds, is on the epoch, and never goes back', async () => {
    const db = await Eddy.open();
    const readings: number[] = [];
    for (let i = 0; i < 8; i++) readings.push((await column(db, 'SELECT now()'))[0] as number);
    assert.ok(
      readings.some((r) => r % 1000 !== 0),
      `microsecond digits: ${readings}`,
    );
    for (let i = 1; i < readings.length; i++) assert.ok(readings[i]! >= readings[i - 1]!);
    assert.ok(Math.abs(readings[0]! - Date.now() * 1000) < 5_000_000, 'within seconds of the wall clock');
    const [text] = await column(db, 'SELECT clock_timestamp()::text');
    assert.match(text as string, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{1,6})?\+00$/);
  });
});

describe('the catalog shows each DEFAULT as PostgreSQL does', () => {
  test('information_schema.columns and pg_attrdef', async () => {
    const db = await Eddy.open();
    await db.execute(`CREATE TABLE d (a timestamptz DEFAULT now(), b timestamp DEFAULT CURRENT_TIMESTAMP,
                      c uuid DEFAULT gen_random_uuid(), e float8 DEFAULT random(), f date DEFAULT CURRENT_DATE,
                      g int DEFAULT 7, h text DEFAULT 'x')`);
    const expected = [
      'now()',
      'CURRENT_TIMESTAMP',
      'gen_random_uuid()',
      'random()',
      'CURRENT_DATE',
      '7',
      "'x'::text",
    ];
    assert.deepEqual(
      await column(
        db,
        "SELECT column_default FROM information_schema.columns WHERE table_name = 'd' ORDER BY ordinal_position",
      ),
      expected,
    );
    assert.deepEqual(
      await column(
        db,
        "SELECT pg_get_expr(adbin, adrelid) FROM pg_attrdef WHERE adrelid = 'd'::regclass ORDER BY adnum",
      ),
      expected,
    );
  });
});

describe('a view is never left broken by one input row', () => {
  test('a row the view cannot compute is an error while it lasts; deleting it heals the view', async () => {
    const db = await Eddy.open();
    await db.execute(
      'CREATE TABLE t (k int PRIMARY KEY, b bigint); CREATE MATERIALIZED VIEW v AS SELECT k, 10 / b AS q FROM t',
    );
    await db.insert('t', [
      [1, 2],
      [2, 0],
    ]);
    await assert.rejects(db.query('SELECT * FROM v'), { code: '22012' });
    await db.execute('DELETE FROM t WHERE k = 2');
    assert.deepEqual((await db.query('SELECT * FROM v')).rows, [[1, 5]]);
  });

  test('1.5 into a bigint column is stored as 2 (never a fraction the view cannot use)', async () => {
    const db = await Eddy.open();
    await db.execute(
      'CREATE TABLE t (k int PRIMARY KEY, b bigint); CREATE MATERIALIZED VIEW v AS SELECT sum(b)::text AS s FROM t',
    );
    await db.insertBatch('t', [1, 1.5], 1);
    assert.deepEqual((await db.query('SELECT s FROM v')).rows, [['2']]);
    await assert.rejects(db.insertBatch('t', [2, 1.5], 1, { valueForm: 'engine' }), {
      code: '42804',
      column: 'b',
    });
    await db.execute('DELETE FROM t');
    assert.deepEqual((await db.query('SELECT s FROM v')).rows, [[null]]);
  });
});
