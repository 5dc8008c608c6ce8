/**
 * Eddy's transactions under the history checker: concurrent node-postgres sessions run a seeded
 * list-append workload against Eddy's wire server for a bounded number of transactions; the
 * history must show no anomaly the level forbids (snapshot isolation; serializable also G2), the
 * materialized view must equal the table, and with the commit-time validation switched off on
 * purpose the checker must report anomalies (so it cannot pass by seeing nothing).
 * Longer runs: `npm run txn-check -- --seconds 60 --seed 7`.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { pgClient, startTestServer, type TestServer } from '../server/pgwire-support.ts';
import { analyze, forbiddenAt } from './analyze.ts';
import { runWorkload, type WorkloadOptions } from './workload.ts';

let t: TestServer;

before(async () => {
  t = await startTestServer();
});

after(async () => {
  await t.server.close();
});

const slice = (overrides: Partial<WorkloadOptions> = {}): WorkloadOptions => ({
  sessions: 8,
  keys: 5,
  durationMs: 30_000,
  txnsMax: 800,
  seed: 1,
  isolation: 'repeatable read',
  opsMax: 4,
  materializedView: true,
  ...overrides,
});

function forbidden(level: WorkloadOptions['isolation'], counts: Record<string, number | undefined>) {
  return Object.entries(counts).filter(([kind]) => forbiddenAt[level].has(kind as never));
}

for (const isolation of ['repeatable read', 'serializable'] as const) {
  test(`${isolation}: no anomaly the level forbids, views equal tables`, async () => {
    const run = await runWorkload(() => pgClient(t.port), slice({ isolation, seed: isolation.length }));
    const result = analyze(run.history);
    assert.deepEqual(run.unexpectedErrors, []);
    assert.ok(result.committed > 50, `only ${result.committed} transactions committed`);
    assert.ok(result.aborted > 0, 'the workload never conflicted: it checks nothing');
    assert.ok(result.edges > 50, `only ${result.edges} dependencies`);
    assert.deepEqual(forbidden(isolation, result.counts), [], JSON.stringify(result.anomalies.slice(0, 5)));
    assert.equal(run.viewMatchesTable, true);
    assert.equal(t.db.commitLog.retainedSteps, 0);
  });
}

test('with commit-time validation skipped on purpose, the checker reports lost updates', async () => {
  t.db.testFaults.skipCommitValidation = true;
  try {
    const run = await runWorkload(() => pgClient(t.port), slice({ txnsMax: 400, seed: 3 }));
    const result = analyze(run.history);
    assert.ok((result.counts['lost-update'] ?? 0) > 0, JSON.stringify(result.counts));
    assert.ok(forbidden('repeatable read', result.counts).length > 0);
  } finally {
    t.db.testFaults.skipCommitValidation = false;
  }
});
