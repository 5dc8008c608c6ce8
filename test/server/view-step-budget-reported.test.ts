/**
 * @module test/server/view-step-budget-reported
 * A materialized view whose maintenance passes the per-step budget is reported by the server
 * (issue 9): a log line naming the view and the step, the `eddy_view_steps_over_budget_total`
 * counter in /metrics, and its row in eddy_view_steps; the step itself completes and the view
 * stays fresh. The budget is set below any maintenance so the test needs no slow view.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { serve } from '../../src/server/server.ts';
import { pgClient } from './pgwire-support.ts';

test('a view past the step budget is logged, counted in /metrics and listed; its step completes', async () => {
  const server = await serve({ pgPort: 0, httpPort: 0 });
  const logged: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
    if (typeof chunk === 'string' && chunk.startsWith('eddy: step ')) logged.push(chunk);
    else return write(chunk, ...rest);
    return true;
  }) as typeof process.stderr.write;
  const client = await pgClient(server.pg.address().port);
  try {
    await client.query('CREATE TABLE t (id integer PRIMARY KEY, g integer)');
    await client.query('CREATE MATERIALIZED VIEW slow AS SELECT g, count(*) AS n FROM t GROUP BY g');
    await client.query('INSERT INTO t VALUES (1, 1)');
    assert.deepEqual(logged, [], 'a trivial step is within the default budget');
    server.db.viewStepBudgetMs = -1;
    await client.query('INSERT INTO t VALUES (2, 1)');
    assert.equal(logged.length, 1);
    assert.match(
      logged[0]!,
      /^eddy: step \d+: maintaining materialized view slow took \d+ ms \(budget -1 ms\)\n$/,
    );
    const metrics = await (await fetch(`http://127.0.0.1:${server.http.address().port}/metrics`)).text();
    assert.match(metrics, /^eddy_view_steps_over_budget_total\{view="slow"\} 1$/m);
    const listed = await client.query('SELECT view, over_budget FROM eddy_view_steps');
    assert.deepEqual(listed.rows, [{ view: 'slow', over_budget: '1' }]);
    assert.deepEqual((await client.query('SELECT n FROM slow')).rows, [{ n: '2' }]);
  } finally {
    process.stderr.write = write;
    await client.end();
    await server.close();
  }
});
