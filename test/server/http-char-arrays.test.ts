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
