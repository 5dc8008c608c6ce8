/**
 * @module test/server/http-sql-stream
 * `POST /sql` as NDJSON (issue 9): a result far past eddy.query_memory arrives whole, line by
 * line; an error after a million rows is the last line, after them; a client that stops reading
 * pauses the query (what the server queues stays bounded) while statement_timeout still ends
 * it; a client that disconnects cancels its statement and stops its script. The JSON form stays
 * the default; a long JSON answer is written in chunks as the client reads, not queued whole.
 */
import assert from 'node:assert/strict';
import { request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { after, before, test } from 'node:test';
import { loadParser } from '../../src/sql/front/index.ts';
import { request, sql, startTestServer, type TestServer } from './http-support.ts';

let t: TestServer;

before(async () => {
  await loadParser();
  t = await startTestServer();
});

after(() => t.close());

/** What an NDJSON answer held: row lines counted (not kept), every object line with the row count before it. */
interface Lines {
  readonly status: number;
  readonly contentType: string | null;
  rows: number;
  lastRow: unknown;
  readonly objects: { line: Record<string, unknown>; rowsBefore: number }[];
}

/** Posts `script` asking for NDJSON and reads the answer as it streams. */
async function ndjson(script: string, headers: Record<string, string> = {}, query = '?format=ndjson') {
  const res = await fetch(`${t.base}/sql${query}`, { method: 'POST', body: script, headers });
  const lines: Lines = {
    status: res.status,
    contentType: res.headers.get('content-type'),
    rows: 0,
    lastRow: undefined,
    objects: [],
  };
  const decoder = new TextDecoder();
  let rest = '';
  for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
    const text = rest + decoder.decode(chunk, { stream: true });
    const parts = text.split('\n');
    rest = parts.pop()!;
    for (const part of parts) take(lines, part);
  }
  assert.equal(rest, '', 'the answer ends with a newline');
  return lines;
}

function take(lines: Lines, text: string): void {
  const value = JSON.parse(text);
  if (Array.isArray(value)) {
    lines.rows++;
    lines.lastRow = value;
  } else lines.objects.push({ line: value, rowsBefore: lines.rows });
}

test('2 M generated rows under eddy.query_memory = 16MB arrive whole as NDJSON; the JSON form fails with 53200', async () => {
  const script =
    "SET eddy.query_memory = '16MB'; SELECT g, 'r' || g AS label FROM generate_series(1, 2000000) g";
  const lines = await ndjson(script);
  assert.equal(lines.status, 200);
  assert.equal(lines.contentType, 'application/x-ndjson; charset=utf-8');
  assert.equal(lines.rows, 2_000_000);
  assert.deepEqual(lines.lastRow, [2_000_000, 'r2000000']);
  assert.deepEqual(
    lines.objects.map((o) => [o.line, o.rowsBefore]),
    [
      [{ statement: 0, command: 'SET', rowCount: 0 }, 0],
      [
        {
          statement: 1,
          columns: [
            { name: 'g', type: 'integer' },
            { name: 'label', type: 'text' },
          ],
        },
        0,
      ],
      [{ statement: 1, command: 'SELECT 2000000', rowCount: 2_000_000 }, 2_000_000],
      [{ step: t.db.currentStep }, 2_000_000],
    ],
  );
  const whole = await sql(t.base, script);
  assert.equal(whole.status, 503);
  assert.equal(whole.body.error.code, '53200');
});

test('an error after a million rows is the last line, after those rows', async () => {
  const lines = await ndjson('SELECT 1 / (1000000 - g) AS q FROM generate_series(1, 2000000) g');
  assert.equal(lines.status, 200);
  assert.equal(lines.rows, 999_999);
  assert.deepEqual(lines.lastRow, [1]);
  const last = lines.objects.at(-1)!;
  assert.deepEqual(last.line, { statement: 0, error: { code: '22012', message: 'division by zero' } });
  assert.equal(last.rowsBefore, 999_999);
  assert.equal(lines.objects.length, 2, 'the header, then the error');
});

test('a script: each statement its lines in order; a failing one undoes the implicit transaction', async () => {
  await sql(t.base, 'CREATE TABLE stream_t (a integer, b text)');
  const lines = await ndjson(
    "INSERT INTO stream_t VALUES (1, 'x'), (2, NULL); SELECT a, b FROM stream_t ORDER BY a; SELECT 1 / 0",
    { accept: 'application/x-ndjson' },
    '',
  );
  assert.equal(lines.status, 200);
  assert.equal(lines.rows, 2);
  assert.deepEqual(
    lines.objects.map((o) => [o.line, o.rowsBefore]),
    [
      [{ statement: 0, command: 'INSERT 0 2', rowCount: 2 }, 0],
      [
        {
          statement: 1,
          columns: [
            { name: 'a', type: 'integer' },
            { name: 'b', type: 'text' },
          ],
        },
        0,
      ],
      [{ statement: 1, command: 'SELECT 2', rowCount: 2 }, 2],
      [{ statement: 2, error: { code: '22012', message: 'division by zero' } }, 2],
    ],
  );
  // One implicit transaction, as in the JSON form: the INSERT went with the failure.
  const after = await ndjson('SELECT count(*) AS n FROM stream_t');
  assert.equal(after.rows, 1);
  assert.deepEqual(after.lastRow, [0]);
});

test('an error before the first line answers as the JSON form does; format and Accept choose the form', async () => {
  const missing = await sql(t.base, 'SELECT * FROM no_such_table', { accept: 'application/x-ndjson' });
  assert.equal(missing.status, 404);
  assert.equal(missing.headers.get('content-type'), 'application/json; charset=utf-8');
  assert.equal(missing.body.error.code, '42P01');
  const unknown = await request(t.base, '/sql?format=csv', { method: 'POST', body: 'SELECT 1' });
  assert.equal(unknown.status, 400);
  assert.equal(unknown.body.error.code, '22023');
  // The default, format=json and an Accept ranking JSON higher keep the JSON form.
  for (const [query, accept] of [
    ['', undefined],
    ['?format=json', 'application/x-ndjson'],
    ['', 'application/json, application/x-ndjson;q=0.5'],
    ['', 'application/x-ndjson;q=0'],
  ] as const) {
    const answer = await request(t.base, `/sql${query}`, {
      method: 'POST',
      body: 'SELECT 1 AS one',
      headers: accept === undefined ? {} : { accept },
    });
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body.results[0].rows, [[1]], `${query} ${accept}`);
  }
  const ranked = await ndjson(
    'SELECT 1 AS one',
    { accept: 'application/json;q=0.5, application/ndjson' },
    '',
  );
  assert.equal(ranked.contentType, 'application/x-ndjson; charset=utf-8');
  assert.deepEqual(ranked.lastRow, [1]);
});

/** Opens a streamed POST /sql with node:http, whose response can be paused and destroyed. */
function openStream(script: string, query = '?format=ndjson'): Promise<IncomingMessage> {
  const url = new URL(`${t.base}/sql${query}`);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, path: url.pathname + url.search, method: 'POST' },
      resolve,
    );
    req.on('error', reject);
    req.end(script);
  });
}

test('a client that stops reading pauses the query (bounded output); statement_timeout still ends it', async () => {
  // 115 bytes a row, 50 M rows: unpaused, the server would queue gigabytes within the timeout.
  const res = await openStream(
    "SET statement_timeout = '2s'; SELECT g, repeat('x', 100) AS pad FROM generate_series(1, 50000000) g",
  );
  assert.equal(res.statusCode, 200);
  res.pause();
  // Another client is served meanwhile.
  for (let i = 0; i < 5; i++) {
    assert.deepEqual((await sql(t.base, 'SELECT 1 AS one')).body.results[0].rows, [[1]]);
    await new Promise((resolve) => setTimeout(resolve, 600));
  }
  let bytes = 0;
  let text = '';
  res.setEncoding('utf8');
  res.on('data', (chunk: string) => {
    bytes += chunk.length;
    text = (text + chunk).slice(-4096);
  });
  res.resume();
  await new Promise((resolve) => res.once('end', resolve));
  const last = JSON.parse(text.trimEnd().split('\n').at(-1)!);
  assert.equal(last.error.code, '57014');
  assert.equal(last.statement, 1);
  assert.ok(bytes > 64 * 1024, 'rows were sent before the timeout');
  // What was queued for the client is the sockets' buffers' worth, not 2 s of evaluation.
  assert.ok(bytes < 32 * 2 ** 20, `bytes queued: ${bytes}`);
});

test('a client that disconnects cancels its statement (57014) and its script stops', async () => {
  await sql(t.base, 'CREATE TABLE stream_gone (i integer)');
  const canceledBefore = await canceledCount();
  const res = await openStream(
    'SELECT g FROM generate_series(1, 50000000) g; INSERT INTO stream_gone VALUES (1)',
  );
  assert.equal(res.statusCode, 200);
  await new Promise((resolve) => res.once('data', resolve));
  res.destroy();
  // The server counts the statement's 57014 once it ended; another client sees it.
  const deadline = Date.now() + 30_000;
  while ((await canceledCount()) === canceledBefore) {
    assert.ok(Date.now() < deadline, 'the statement ended with 57014');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.deepEqual((await sql(t.base, 'SELECT count(*) AS n FROM stream_gone')).body.results[0].rows, [[0]]);
});

/** `eddy_errors_total` for SQLSTATE 57014 from GET /metrics. */
async function canceledCount(): Promise<number> {
  const text = await (await fetch(`${t.base}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('eddy_errors_total{') && l.includes('"57014"'));
  return line === undefined ? 0 : Number(line.split(' ').at(-1));
}

test('a long JSON answer is written as the client reads it, not queued whole; it arrives intact', async () => {
  // The HTTP server's own response object, to see what it queued for the client.
  const node = (t.server as unknown as { server: Server }).server;
  let response: ServerResponse | undefined;
  const grab = (_req: IncomingMessage, res: ServerResponse) => {
    response = res;
  };
  node.prependListener('request', grab);
  const n = 400_000;
  // About 200 bytes a row: an 80 MB body.
  const res = await openStream(`SELECT g, repeat('x', 190) AS pad FROM generate_series(1, ${n}) g`, '');
  node.off('request', grab);
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers['content-type'], 'application/json; charset=utf-8');
  res.pause();
  // Another client is served meanwhile, while the answer waits for this one to read.
  for (let i = 0; i < 3; i++) {
    assert.deepEqual((await sql(t.base, 'SELECT 1 AS one')).body.results[0].rows, [[1]]);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  // Before, the whole body was handed to the socket at once: 80 MB queued in the server.
  assert.ok(response, 'the request was seen');
  assert.ok(response.writableLength < 4 * 2 ** 20, `queued for the client: ${response.writableLength} bytes`);
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.resume();
  await new Promise((resolve) => res.once('end', resolve));
  const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  assert.equal(body.results.length, 1);
  assert.equal(body.results[0].rowCount, n);
  assert.equal(body.results[0].rows.length, n);
  assert.deepEqual(body.results[0].rows[n - 1], [n, 'x'.repeat(190)]);
  assert.equal(body.step, t.db.currentStep);
});
