/**
 * The differential fuzzer's bounded slice in `npm test`: a few seeded rounds (ad hoc, incremental,
 * TLP, NoREC) against a throwaway PostgreSQL 15 cluster. Fails on any divergence that is not a
 * known open one (known-open.ts). Without PostgreSQL it skips, except under CI=true, where it fails.
 * Longer runs: `npm run fuzz -- --minutes N --seed S` (see docs/conformance.md).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { postgresInstalled, startPostgresCluster } from '../support/postgres-cluster.ts';
import { runCampaign } from './campaign.ts';

const seed = Number(process.env.EDDY_FUZZ_SEED ?? 20261207);
const rounds = Number(process.env.EDDY_FUZZ_ROUNDS ?? 3);
const ci = process.env.CI === 'true';
const missing = postgresInstalled() ? false : 'PostgreSQL 15 server binaries not found (set EDDY_PG_BIN)';

test(`fuzz slice: ${rounds} rounds of seed ${seed} agree with PostgreSQL 15`, {
  timeout: 120_000,
  skip: missing !== false && !ci ? missing : false,
}, async () => {
  assert.equal(missing, false, `CI=true: ${missing}`);
  const cluster = await startPostgresCluster({ locale: 'C', settings: ['fsync=off'] });
  const log: string[] = [];
  try {
    const tally = await runCampaign(
      { seed, pgUrl: cluster.url, minimise: true, minimiseRuns: 60, log: (l) => log.push(l) },
      Number.POSITIVE_INFINITY,
      rounds,
    );
    const unknown = tally.findings.filter((f) => f.known === undefined);
    assert.deepEqual(unknown, [], log.join('\n'));
    // The generator must mostly produce queries both engines run: a slice of errors proves nothing.
    const checks = Object.values(tally.checks).reduce((a, b) => a + b, 0);
    assert.ok(tally.rounds === rounds && tally.same > checks / 2, `${tally.same} of ${checks} checks agreed`);
  } finally {
    await cluster.stop();
  }
});
