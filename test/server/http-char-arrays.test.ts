/**
 * @module test/server/http-char-arrays
 * char(n) and multidimensional arrays through HTTP: /ingest reads them (char keeps its length
 * rule: 22001 when too long), /sql answers char(n) padded as PostgreSQL prints it and int[][]
 * as nested JSON arrays.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ingest, rows, startTestServer, type TestServer } from './http-support.ts';

let t: TestServer;
before(async () => {
  t = await startTestServer();
  await rows(t.base, 'CREATE TABLE cm (id int, c char(3), a integer[][])');
});
after(() => t.close());

test('ingested char(3) and int[][] read back padded and nested', async () => {
  const answer = await ingest(t.base, 'cm', [
    {
      id: 1,
      c: 'a',
      a: [
        [1, 2],
        [3, 4],
      ],
    },
    { id: 2, c: 'a  ', a: '{{5},{6}}' },
  ]);
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  assert.deepEqual(await rows(t.base, 'SELECT id, c, a FROM cm ORDER BY id'), [
    [
      1,
      'a  ',
      [
        [1, 2],
        [3, 4],
      ],
    ],
    [2, 'a  ', [[5], [6]]],
  ]);
  assert.deepEqual(await rows(t.base, 'SELECT count(DISTINCT c) FROM cm'), [[1]]);
  const tooLong = await ingest(t.base, 'cm', [{ id: 3, c: 'abcd' }]);
  assert.equal(tooLong.status, 400);
  assert.equal(tooLong.body.error.code, '22001');
});

test('one integer[] column takes any depth from /ingest; ragged input is 2202E', async () => {
  await rows(t.base, 'CREATE TABLE mixed (id int, a integer[], j jsonb[])');
  const answer = await ingest(t.base, 'mixed', [
    { id: 1, a: [1, null], j: [[1, 2]] },
    { id: 2, a: [[1], [2]], j: '{"[3]"}' },
    { id: 3, a: '{{{7}}}' },
  ]);
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  // jsonb[] elements may be JSON arrays: there an inner array is an element, not a dimension.
  assert.deepEqual(await rows(t.base, 'SELECT id, a, array_ndims(a), j FROM mixed ORDER BY id'), [
    [1, [1, null], 1, [[1, 2]]],
    [2, [[1], [2]], 2, [[3]]],
    [3, [[[7]]], 3, null],
  ]);
  const ragged = await ingest(t.base, 'mixed', [{ id: 4, a: [[1], 2] }]);
  assert.equal(ragged.status, 400);
  assert.equal(ragged.body.error.code, '2202E');
});
