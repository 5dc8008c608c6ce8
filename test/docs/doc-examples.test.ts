/**
 * @module test/docs/doc-examples
 * Every SQL example of docs/sql.md (its ```sql blocks) and of README.md (the `eddy=>` lines of
 * its psql session) runs, in order, in one database per page: a statement that fails fails
 * the test. Subscription statements exist only over the PostgreSQL protocol, so here they are
 * parsed, not run (test/server/pgwire-subscribe.test.ts runs them).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { Eddy } from '../../src/eddy.ts';
import { Database } from '../../src/runtime/database.ts';
import { createDataflowMaintainer } from '../../src/runtime/dataflow-maintainer.ts';

const root = new URL('../../', import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, root), 'utf8');

/** Statements that only a wire-protocol session can run (they stream until cancelled). */
const wireOnly =
  /^\s*(SUBSCRIBE\b|COPY\s*\(\s*SUBSCRIBE\b|DECLARE\s+\w+\s+CURSOR\s+FOR\s+SUBSCRIBE\b|FETCH\b)/i;

async function runExamples(page: string, scripts: readonly string[]): Promise<void> {
  assert.ok(scripts.length > 0, `${page} has examples`);
  const db = await Eddy.open();
  const parser = new Database(createDataflowMaintainer);
  try {
    for (const script of scripts) {
      const statements = parser.parse(script);
      const inTransactionWithWireOnly = statements.some((s) => wireOnly.test(s.text));
      for (const { text } of statements) {
        if (wireOnly.test(text) || (inTransactionWithWireOnly && /^\s*(BEGIN|COMMIT)\b/i.test(text)))
          continue;
        await db.execute(text).catch((err: unknown) => {
          assert.fail(`${page}: ${text}\n  failed: ${err instanceof Error ? err.message : String(err)}`);
        });
      }
    }
  } finally {
    await db.close();
  }
}

test('every SQL example in docs/sql.md runs', async () => {
  const blocks = [...read('docs/sql.md').matchAll(/```sql\n([\s\S]*?)```/g)].map((m) => m[1]!);
  await runExamples('docs/sql.md', blocks);
});

test("every statement of the README's psql session runs", async () => {
  const lines = [...read('README.md').matchAll(/^eddy=> (.*)$/gm)].map((m) => m[1]!);
  await runExamples('README.md', [lines.join('\n')]);
});
