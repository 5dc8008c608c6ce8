/**
 * @module test/server/http-ingest
 * POST /ingest/{table}: JSON arrays of objects or arrays, NDJSON, type conversion (exact bigint
 * and numeric), defaults, read-your-writes, one step per request, sources, bad rows named by
 * index and column with nothing applied, and 413 for oversized bodies (declared or streamed).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ingest, request, rows, startTestServer, type TestServer } from './http-support.ts';

describe('POST /ingest/{table}', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ bodyBytesMax: 64 * 1024 });
    await rows(
      t.base,
      `CREATE TABLE events (id bigint PRIMARY KEY, kind text NOT NULL, amount numeric(12,2), at timestamptz,
                            tags text[], payload jsonb, flag boolean DEFAULT true, note varchar(5));
       CREATE MATERIALIZED VIEW per_kind AS SELECT kind, count(*) AS n, sum(amount) AS total FROM events GROUP BY kind;
       SELECT 1`,
    );
  });
  after(() => t.close());

  test('a JSON array of objects lands in one step and is visible when the answer comes', async () => {
    const before = t.db.currentStep;
    const answer = await ingest(t.base, 'events', [
      { id: 1, kind: 'click', amount: 1.5, at: '2024-05-01T10:00:00Z', tags: ['a', 'b'], payload: { x: 1 } },
      { id: 2, kind: 'click', amount: '2.25', at: null, tags: '{c}', payload: [1, 'two'], flag: false },
      { id: 3, kind: 'view' },
    ]);
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body, { inserted: 3, step: before + 1 });
    assert.equal(t.db.currentStep, before + 1);
    // Read your writes: the view already reflects the step, through SQL and through /views.
    assert.deepEqual(await rows(t.base, 'SELECT kind, n, total FROM per_kind ORDER BY kind'), [
      ['click', 2, '3.75'],
      ['view', 1, null],
    ]);
    assert.deepEqual(
      await rows(t.base, 'SELECT id, amount, at, tags, payload, flag FROM events ORDER BY id'),
      [
        [1, '1.50', '2024-05-01 10:00:00+00', ['a', 'b'], { x: 1 }, true],
        [2, '2.25', null, ['c'], [1, 'two'], false],
        [3, null, null, null, null, true],
      ],
    );
  });

  test('arrays of values in column order, and NDJSON', async () => {
    const arrays = await ingest(t.base, 'events', [[10, 'buy', '9.99', null, null, null, null, 'hi']]);
    assert.equal(arrays.status, 200);
    assert.equal(arrays.body.inserted, 1);
    const ndjson = await ingest(
      t.base,
      'events',
      '{"id": 11, "kind": "buy"}\n\n{"id": 12, "kind": "buy", "amount": 0.01}\n',
      'application/x-ndjson',
    );
    assert.equal(ndjson.status, 200);
    assert.equal(ndjson.body.inserted, 2);
    assert.deepEqual(await rows(t.base, "SELECT n, total FROM per_kind WHERE kind = 'buy'"), [[3, '10.00']]);
  });

  test('bigints beyond 2^53 and long numerics stay exact, as numbers or strings', async () => {
    await rows(t.base, 'CREATE TABLE exact (id bigint, n numeric, j jsonb); SELECT 1');
    const answer = await ingest(
      t.base,
      'exact',
      '[{"id": 9007199254740993, "n": 12345678901234567890.10, "j": {"v": 1.50}},' +
        ' {"id": "-9223372036854775808", "n": "1e-20", "j": 3}]',
    );
    assert.equal(answer.status, 200);
    assert.deepEqual(await rows(t.base, 'SELECT id::text, n::text, j::text FROM exact ORDER BY n'), [
      ['-9223372036854775808', '0.00000000000000000001', '3'],
      ['9007199254740993', '12345678901234567890.10', '{"v": 1.50}'],
    ]);
  });

  test('a source accepts ingest; views over it see the rows', async () => {
    await rows(
      t.base,
      `CREATE SOURCE clicks (page text, ms int);
       CREATE MATERIALIZED VIEW click_counts AS SELECT page, count(*) AS n FROM clicks GROUP BY page;
       SELECT 1`,
    );
    const answer = await ingest(t.base, 'clicks', [{ page: '/a', ms: 5 }, { page: '/a' }, ['/b', 7]]);
    assert.equal(answer.status, 200);
    assert.deepEqual(await rows(t.base, 'SELECT page, n FROM click_counts ORDER BY page'), [
      ['/a', 2],
      ['/b', 1],
    ]);
  });

  const badRows: [string, unknown, string, number, string | undefined][] = [
    [
      'a JSON type the column cannot take',
      [
        { id: 20, kind: 'k' },
        { id: 21, kind: 'k', at: true },
      ],
      '42804',
      1,
      'at',
    ],
    ['bad text for the type', [{ id: 20, kind: 'k', at: 'garbage' }], '22007', 0, 'at'],
    [
      'an integer out of range',
      [
        { id: 20, kind: 'k' },
        { id: 21, kind: 'k' },
        { id: 1e19, kind: 'k' },
      ],
      '22003',
      2,
      'id',
    ],
    ['NULL in a NOT NULL column', [{ id: 20, kind: null }], '23502', 0, 'kind'],
    ['a missing NOT NULL column', [{ id: 20 }], '23502', 0, 'kind'],
    ['an unknown column', [{ id: 20, kind: 'k', colour: 'red' }], '42703', 0, 'colour'],
    ['too long for varchar(5)', [{ id: 20, kind: 'k', note: 'toolong' }], '22001', 0, 'note'],
    ['numeric(12,2) overflow', [{ id: 20, kind: 'k', amount: 1e12 }], '22003', 0, 'amount'],
    ['an array of the wrong length', [[20, 'k']], '42601', 0, undefined],
    ['a scalar row', [{ id: 20, kind: 'k' }, 42], '22023', 1, undefined],
  ];
  for (const [what, body, code, row, column] of badRows) {
    test(`bad row: ${what} is a 400 naming row ${row}${column ? ` and column ${column}` : ''}, and nothing lands`, async () => {
      const step = t.db.currentStep;
      const answer = await ingest(t.base, 'events', body);
      assert.equal(answer.status, 400, JSON.stringify(answer.body));
      assert.equal(answer.body.error.code, code);
      assert.equal(answer.body.error.row, row);
      assert.equal(answer.body.error.column, column);
      assert.equal(t.db.currentStep, step);
      assert.deepEqual(await rows(t.base, 'SELECT count(*) FROM events WHERE id >= 20 AND id < 30'), [[0]]);
    });
  }

  test('a duplicate primary key rejects the whole request', async () => {
    const answer = await ingest(t.base, 'events', [
      { id: 30, kind: 'k' },
      { id: 1, kind: 'k' },
    ]);
    assert.equal(answer.status, 400);
    assert.equal(answer.body.error.code, '23505');
    assert.deepEqual(await rows(t.base, 'SELECT count(*) FROM events WHERE id = 30'), [[0]]);
  });

  test('malformed JSON and NDJSON are 400 22P02 (NDJSON names the row)', async () => {
    const json = await ingest(t.base, 'events', '[{"id": 40,');
    assert.equal(json.status, 400);
    assert.equal(json.body.error.code, '22P02');
    const nd = await ingest(t.base, 'events', '{"id": 40, "kind": "k"}\n{oops}\n', 'application/x-ndjson');
    assert.equal(nd.status, 400);
    assert.equal(nd.body.error.row, 1);
  });

  test('unknown table is 404; a view is not writable (42809)', async () => {
    const missing = await ingest(t.base, 'nope', []);
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.code, '42P01');
    const view = await ingest(t.base, 'per_kind', []);
    assert.equal(view.status, 400);
    assert.equal(view.body.error.code, '42809');
  });

  test('an empty array inserts nothing and takes no step', async () => {
    const step = t.db.currentStep;
    const answer = await ingest(t.base, 'events', []);
    assert.deepEqual(answer.body, { inserted: 0, step });
  });

  test('413 for a declared body over the limit', async () => {
    const big = JSON.stringify(Array.from({ length: 5000 }, (_, i) => ({ id: 1000 + i, kind: 'bulk' })));
    assert.ok(big.length > 64 * 1024);
    const answer = await ingest(t.base, 'events', big);
    assert.equal(answer.status, 413);
    assert.equal(answer.body.error.code, '54000');
    assert.deepEqual(await rows(t.base, "SELECT count(*) FROM events WHERE kind = 'bulk'"), [[0]]);
  });

  test('413 for an endless streamed body: the server answers without reading it all', async () => {
    let sent = 0;
    const chunk = new TextEncoder().encode(`${'{"id": 1, "kind": "x"}\n'.repeat(400)}`);
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        sent += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const res = await fetch(`${t.base}/ingest/events`, {
      method: 'POST',
      body: endless,
      headers: { 'content-type': 'application/x-ndjson' },
      duplex: 'half',
    } as RequestInit);
    assert.equal(res.status, 413);
    const body = (await res.json()) as { error: { code: string } };
    assert.equal(body.error.code, '54000');
    assert.ok(sent < 64 * 1024 * 1024, `sent ${sent} bytes`);
  });

  test('the server keeps serving after refusing a body', async () => {
    assert.equal((await request(t.base, '/health')).status, 200);
  });
});
