/**
 * @module test/server/http-ingest-values
 * POST /ingest reads JSON values with the library's value mapping (README, "Values"): each row of
 * that table a JSON body can express, stored and read back as text or refused with its SQLSTATE;
 * `onConflict=update|nothing`; volatile DEFAULTs evaluated per row.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ingest, rows, startTestServer, type TestServer } from './http-support.ts';

const CASES: readonly [string, string, unknown, string | { code: string }][] = [
  ['integral number into integer', 'i', 5, '5'],
  ['fraction into integer rounds half away from zero', 'i', 2.5, '3'],
  ['fraction into bigint', 'b', 1.5, '2'],
  ['fraction into text keeps its digits', 's', 1.5, '1.5'],
  ['number into numeric', 'n', 0.1, '0.1'],
  ['number into date has no cast', 'd', 5, { code: '42804' }],
  ['string into integer', 'i', '5', '5'],
  ['bad string into integer', 'i', 'five', { code: '22P02' }],
  [
    'string into timestamp keeps microseconds',
    'ts',
    '2024-01-02 03:04:05.123456',
    '2024-01-02 03:04:05.123456',
  ],
  ['boolean into boolean', 'l', true, 'true'],
  ['boolean into text', 's', false, 'false'],
  ['boolean into integer', 'i', true, { code: '42804' }],
  ['object into jsonb', 'j', { a: [1, 'x'] }, '{"a": [1, "x"]}'],
  ['a JSON string into jsonb is that string (the body is JSON already)', 'j', 'x', '"x"'],
  ['array into integer[]', 'a', [1, '2', null], '{1,2,NULL}'],
  ['object into integer', 'i', { a: 1 }, { code: '42804' }],
];

describe('POST /ingest values', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
    await rows(
      t.base,
      `CREATE TABLE v (id int PRIMARY KEY, i int, b bigint, n numeric, s text, l boolean, d date,
                       ts timestamp, j jsonb, a int[]);
       CREATE TABLE kv (k int PRIMARY KEY, v text, n int NOT NULL DEFAULT 7);
       CREATE TABLE log (id uuid DEFAULT gen_random_uuid(), at timestamptz DEFAULT now(),
                         r float8 DEFAULT random(), msg text);
       CREATE TABLE nokey (x int);
       SELECT 1`,
    );
  });
  after(() => t.close());

  CASES.forEach(([name, column, value, expected], index) => {
    test(name, async () => {
      const answer = await ingest(t.base, 'v', [{ id: index, [column]: value }]);
      if (typeof expected === 'string') {
        assert.equal(answer.status, 200, JSON.stringify(answer.body));
        assert.deepEqual(await rows(t.base, `SELECT ${column}::text FROM v WHERE id = ${index}`), [
          [expected],
        ]);
      } else {
        assert.equal(answer.status, 400);
        assert.equal(answer.body.error.code, expected.code);
        assert.equal(answer.body.error.column, column);
        assert.deepEqual(await rows(t.base, `SELECT count(*) FROM v WHERE id = ${index}`), [[0]]);
      }
    });
  });

  test('onConflict=update replaces the row with the same key; nothing skips it; absent is 23505', async () => {
    assert.equal(
      (
        await ingest(t.base, 'kv', [
          { k: 1, v: 'a', n: 1 },
          { k: 2, v: 'b' },
        ])
      ).status,
      200,
    );
    const duplicate = await ingest(t.base, 'kv', [{ k: 1, v: 'x' }]);
    assert.equal(duplicate.status, 400);
    assert.equal(duplicate.body.error.code, '23505');
    const skipped = await ingest(t.base, 'kv?onConflict=nothing', [
      { k: 1, v: 'x' },
      { k: 3, v: 'c' },
    ]);
    assert.deepEqual(skipped.body.inserted, 1);
    const updated = await ingest(t.base, 'kv?onConflict=update', [
      { k: 1, v: 'new' },
      { k: 4, v: 'd' },
    ]);
    assert.deepEqual(updated.body.inserted, 2);
    assert.deepEqual(await rows(t.base, 'SELECT k, v, n FROM kv ORDER BY k'), [
      [1, 'new', 7],
      [2, 'b', 7],
      [3, 'c', 7],
      [4, 'd', 7],
    ]);
    const twice = await ingest(t.base, 'kv?onConflict=update', [{ k: 5 }, { k: 5 }]);
    assert.equal(twice.body.error.code, '21000');
    assert.equal((await ingest(t.base, 'nokey?onConflict=update', [{ x: 1 }])).body.error.code, '42P10');
    assert.equal((await ingest(t.base, 'kv?onConflict=replace', [{ k: 9 }])).body.error.code, '22023');
  });

  test('volatile DEFAULTs are evaluated per row; now() is the request’s one reading', async () => {
    const answer = await ingest(t.base, 'log', [{ msg: 'a' }, { msg: 'b' }, { msg: 'c' }]);
    assert.equal(answer.status, 200);
    assert.deepEqual(
      await rows(t.base, 'SELECT count(DISTINCT id), count(DISTINCT at), count(DISTINCT r) FROM log'),
      [[3, 1, 3]],
    );
  });
});
