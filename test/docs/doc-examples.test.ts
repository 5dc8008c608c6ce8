/**
 * @module test/docs/doc-examples
 * Every SQL example of docs/sql.md (its ```sql blocks) and of README.md (the `eddy=>` lines of
 * its psql session) runs, in order, over the PostgreSQL wire protocol as psql sends it (one
 * simple query per statement), in one database per page: an error fails the test. A statement
 * that streams until cancelled (`SUBSCRIBE`, `COPY (SUBSCRIBE …)`) must start its stream; then
 * it is cancelled, as Ctrl-C in psql does.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { cancelRequest, fe, fieldsOf, RawClient, startTestServer } from '../server/pgwire-support.ts';

const root = new URL('../../', import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, root), 'utf8');

/** Statements that stream rows until the client cancels them. */
const streaming = /^\s*(SUBSCRIBE\b|COPY\s*\(\s*SUBSCRIBE\b)/i;

async function runExamples(page: string, scripts: readonly string[]): Promise<number> {
  const t = await startTestServer();
  const raw = await RawClient.connect(t.port);
  let statements = 0;
  try {
    for (const script of scripts) {
      for (const { text } of t.db.parse(script)) {
        statements++;
        raw.send(fe.query(text));
        const stream = streaming.test(text);
        for (let cancelled = false; ; ) {
          const m = await raw.next();
          assert.ok(m, `${page}: the server closed the connection after ${text}`);
          if (m.type === 'E' && !cancelled) assert.fail(`${page}: ${text}\n  failed: ${fieldsOf(m).M}`);
          if (m.type === 'Z') break;
          // RowDescription (a SUBSCRIBE statement) or CopyOutResponse (COPY): the stream is on.
          if (stream && !cancelled && (m.type === 'T' || m.type === 'H')) {
            cancelled = true;
            await cancelRequest(t.port, raw.backendKey);
          }
        }
      }
    }
  } finally {
    raw.end();
    await t.server.close();
  }
  return statements;
}

test('every SQL example in docs/sql.md runs', async () => {
  const blocks = [...read('docs/sql.md').matchAll(/```sql\n([\s\S]*?)```/g)].map((m) => m[1]!);
  assert.ok((await runExamples('docs/sql.md', blocks)) > 20);
});

test("every statement of the README's psql session runs", async () => {
  const lines = [...read('README.md').matchAll(/^eddy=> (.*)$/gm)].map((m) => m[1]!);
  assert.equal(await runExamples('README.md', [lines.join('\n')]), lines.length);
});
