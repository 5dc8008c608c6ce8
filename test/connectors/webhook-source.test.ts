/**
 * The webhook source: `POST /webhook/<source>` with NDJSON, a JSON array or one JSON object;
 * each request is one step (its rows and dead letters together); bad records (malformed JSON,
 * wrong types, missing NOT NULL fields, oversized, not an object) dead-lettered with their place
 * in the request; the HMAC-SHA256 signature checked when a key is set (401 with nothing
 * written otherwise); an oversized body refused with 413; and the server keeps serving.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { serve } from '../../src/server/server.ts';
import { client } from './serve-support.ts';

test('webhook source: NDJSON, arrays and objects; one request one step; bad records dead-lettered', async () => {
  const server = await serve({ pgPort: 0, httpPort: 0, bodyBytesMax: 64 * 1024 });
  const base = `http://127.0.0.1:${server.http.address().port}`;
  const c = await client(server.pg.address().port);
  const post = async (path: string, body: string | Buffer, headers: Record<string, string> = {}) => {
    const res = await fetch(`${base}${path}`, { method: 'POST', body, headers });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  try {
    await c.query(
      `CREATE SOURCE hook (id int NOT NULL, kind text) WITH (connector = 'webhook', max_record_bytes = 100);
       CREATE MATERIALIZED VIEW v AS SELECT count(*) AS n, sum(id) AS total FROM hook`,
    );
    const lines = [
      '{"id": 1, "kind": "a"}',
      '{"id": 2,',
      '{"id": "two"}',
      '{"kind": "no id"}',
      `{"id": 5, "kind": "${'k'.repeat(200)}"}`,
      '',
      '7',
      '{"id": 8, "kind": "b"}',
    ];
    const first = await post('/webhook/hook', lines.join('\n'), { 'content-type': 'application/x-ndjson' });
    assert.equal(first.status, 200);
    assert.deepEqual({ records: first.body.records, dead: first.body.dead_letters }, { records: 2, dead: 5 });
    const dead = await c.query(
      'SELECT partition, "offset", error_code FROM hook_dead_letters ORDER BY "offset"',
    );
    assert.deepEqual(
      dead.rows.map((r) => [r.partition, Number(r.offset), r.error_code]),
      [
        [0, 2, '22P02'],
        [0, 3, '22P02'],
        [0, 4, '23502'],
        [0, 5, '54000'],
        [0, 6, '22P02'],
      ],
    );
    // 100 records in one request: one step.
    const many = Array.from({ length: 100 }, (_, i) => ({ id: 100 + i }));
    const second = await post('/webhook/hook', JSON.stringify(many), { 'content-type': 'application/json' });
    assert.equal(second.status, 200);
    assert.equal(second.body.records, 100);
    const third = await post('/webhook/hook', '{"id": 1000}', { 'content-type': 'application/json' });
    assert.equal(third.body.step, (second.body.step as number) + 1);
    const malformed = await post('/webhook/hook', '{"id": ', { 'content-type': 'application/json' });
    assert.deepEqual([malformed.status, malformed.body.dead_letters], [200, 1]);
    const { rows } = await c.query('SELECT n, total FROM v');
    const total = 1 + 8 + many.reduce((a, r) => a + r.id, 0) + 1000;
    assert.deepEqual(rows, [{ n: '103', total: String(total) }]);
    // An oversized body is refused whole; unknown and non-webhook relations are errors.
    const huge = await fetch(`${base}/webhook/hook`, { method: 'POST', body: 'x'.repeat(70 * 1024) });
    assert.equal(huge.status, 413);
    const unknown = await fetch(`${base}/webhook/nope`, { method: 'POST', body: '{}' });
    assert.equal(((await unknown.json()) as { error: { code: string } }).error.code, '42P01');
    await c.query('CREATE TABLE plain (a int)');
    const notHook = await fetch(`${base}/webhook/plain`, { method: 'POST', body: '{}' });
    assert.equal(((await notHook.json()) as { error: { code: string } }).error.code, '42809');
    await assert.rejects(
      c.query('INSERT INTO hook VALUES (1, null)'),
      (e: Error & { code?: string }) => e.code === '42809',
    );
    const shown = await c.query(
      "SELECT connector, state, records, dead_letters FROM pg_catalog.eddy_sources WHERE source = 'hook'",
    );
    assert.deepEqual(shown.rows, [
      { connector: 'webhook', state: 'running', records: '103', dead_letters: '6' },
    ]);
    // The server still serves.
    assert.deepEqual((await c.query('SELECT 1 AS one')).rows, [{ one: 1 }]);
  } finally {
    await c.end();
    await server.close();
  }
});

test('webhook source with an HMAC-SHA256 key: unsigned and wrongly signed requests are refused, nothing written', async () => {
  const server = await serve({ pgPort: 0, httpPort: 0 });
  const base = `http://127.0.0.1:${server.http.address().port}`;
  const c = await client(server.pg.address().port);
  try {
    await c.query(
      `CREATE SOURCE signed (id int) WITH (connector = 'webhook', hmac_secret = 's3cret', signature_header = 'X-Hub-Signature-256');
       CREATE MATERIALIZED VIEW v AS SELECT count(*) AS n FROM signed`,
    );
    const body = '{"id": 1}\n{"id": 2}';
    const sign = (key: string) => createHmac('sha256', key).update(body).digest('hex');
    const send = (headers: Record<string, string>) =>
      fetch(`${base}/webhook/signed`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/x-ndjson', ...headers },
      });
    const unsigned = await send({});
    assert.equal(unsigned.status, 401);
    assert.equal(((await unsigned.json()) as { error: { code: string } }).error.code, '28000');
    assert.equal((await send({ 'x-hub-signature-256': `sha256=${sign('wrong')}` })).status, 401);
    assert.equal((await send({ 'x-hub-signature-256': 'sha256=zz' })).status, 401);
    assert.deepEqual((await c.query('SELECT n FROM v')).rows, [{ n: '0' }]);
    const ok = await send({ 'x-hub-signature-256': `sha256=${sign('s3cret')}` });
    assert.equal(ok.status, 200);
    assert.equal((await send({ 'X-Hub-Signature-256': sign('s3cret') })).status, 200);
    assert.deepEqual((await c.query('SELECT n FROM v')).rows, [{ n: '4' }]);
    const shown = await c.query(
      "SELECT read_errors, topic FROM pg_catalog.eddy_sources WHERE source = 'signed'",
    );
    assert.deepEqual(shown.rows, [{ read_errors: '3', topic: 'POST /webhook/{source}' }]);
    // The key never shows.
    const listed = JSON.stringify((await c.query('SHOW SOURCES')).rows);
    assert.doesNotMatch(listed, /s3cret/);
  } finally {
    await c.end();
    await server.close();
  }
});
