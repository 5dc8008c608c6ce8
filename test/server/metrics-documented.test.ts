/**
 * @module test/server/metrics-documented
 * docs/openapi.yaml names every metric that /metrics exports (after some SQL, so that the
 * per-relation and per-code series exist), and names none it does not export.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { serve } from '../../src/server/server.ts';

test('docs/openapi.yaml lists exactly the metrics /metrics exports', async () => {
  // With a data directory and a memory budget, so that the durable store's and the budget's
  // metrics are exported too.
  const dataDir = mkdtempSync(join(tmpdir(), 'eddy-metrics-'));
  const server = await serve({ pgPort: 0, httpPort: 0, dataDir, memoryBudgetBytes: 2 ** 30 });
  try {
    const base = `http://127.0.0.1:${server.http.address().port}`;
    await fetch(`${base}/sql`, {
      method: 'POST',
      body: 'CREATE TABLE t (a int); CREATE MATERIALIZED VIEW m AS SELECT a, count(*) FROM t GROUP BY a; INSERT INTO t VALUES (1); SELECT 1/0',
    });
    const text = await (await fetch(`${base}/metrics`)).text();
    const exported = new Set([...text.matchAll(/^# TYPE (\w+) /gm)].map((m) => m[1]!));
    const openapi = readFileSync(new URL('../../docs/openapi.yaml', import.meta.url), 'utf8');
    const documented = new Set([...openapi.matchAll(/`(eddy_\w+)/g)].map((m) => m[1]!));
    assert.ok(exported.size > 5, text);
    assert.deepEqual(
      [...exported].filter((name) => !documented.has(name)),
      [],
      'exported but not documented',
    );
    assert.deepEqual(
      [...documented].filter((name) => !exported.has(name)),
      [],
      'documented but not exported',
    );
  } finally {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
