/**
 * @module test/chaos/chaos.test
 * CI's share of the crash campaign: 50 seeded runs, each killing the database once (at a
 * failpoint the seed picks, or by SIGKILL from outside) and some again while it recovers, through
 * the library and the server. Every acknowledged write must survive exactly once, every view must
 * equal its query, steps must not go back, and the subscribers, resuming after their last step,
 * must get the changes they missed (no resync) and end with the view's contents.
 * The long campaign is `npm run chaos -- --runs 1000`.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { formatSummary, runCampaign } from './campaign.ts';

const runs = 50;

test(`${runs} seeded kills and recoveries, library and server: nothing lost, nothing duplicated`, {
  // A hang guard, not a time limit: on a machine shared with other work the campaign runs slower.
  timeout: 20 * 60_000,
}, async () => {
  const lines: string[] = [];
  const summary = await runCampaign({
    runs,
    seed: 8_000,
    mode: 'both',
    clients: 3,
    writesPerClient: 10,
    writesAfter: 3,
    checkpointMs: 100,
    // Process kills keep what was written in the page cache, so a tmpfs checks the same, faster.
    dirRoot: existsSync('/dev/shm') ? '/dev/shm' : undefined,
    parallel: 2,
    report: (line) => lines.push(line),
  });
  const failures = lines.filter((l) => !l.startsWith('ok ')).join('\n');
  assert.equal(summary.failed.length, 0, `${formatSummary(summary)}\n${failures}`);
  // Not vacuous: the runs wrote, were killed, and the seeds reached the engine's failpoints.
  assert.ok(summary.failpointsAvailable.length > 0, 'the engine has failpoints (src/common/failpoints.ts)');
  assert.ok(summary.kills >= runs);
  assert.ok(summary.failpointKills >= runs / 4, formatSummary(summary));
  assert.ok(summary.acked > runs * 5, formatSummary(summary));
  // Subscribers carried on from their step tokens (a resync fails its run).
  assert.ok(summary.followersResumed >= runs / 2, formatSummary(summary));
  // A process that dies before its run starts writing (a warm process gone bad) would pass as a
  // kill during setup: only a few seeds plan that.
  assert.ok(summary.killedBeforeAnyAck <= runs / 5, formatSummary(summary));
});
