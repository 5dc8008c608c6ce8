/**
 * @module scripts/fuzz
 * `npm run fuzz -- [--minutes N] [--rounds N] [--seed S] [--case seed:round:mode:index] [--out DIR]
 * [--pg-url URL] [--no-minimise] [--summary FILE]`: the differential SQL fuzzer (test/fuzz). Starts a
 * throwaway PostgreSQL 15 cluster unless --pg-url is given, runs rounds until the time or round
 * budget is spent, prints each divergence with its minimal form, and a summary. Exit code 1 when
 * a divergence not listed in test/fuzz/known-open.ts was found, 2 on bad usage.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { runCampaign, type Tally } from '../test/fuzz/campaign.ts';
import type { Mode } from '../test/fuzz/round.ts';
import { startPostgresCluster } from '../test/support/postgres-cluster.ts';

const modes: readonly Mode[] = ['adhoc', 'incremental', 'tlp', 'norec'];

function usage(message: string): never {
  process.stderr.write(`fuzz: ${message}\n`);
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '1' },
    rounds: { type: 'string' },
    seed: { type: 'string', default: '1' },
    case: { type: 'string' },
    out: { type: 'string', default: 'fuzz-out' },
    'pg-url': { type: 'string' },
    'no-minimise': { type: 'boolean', default: false },
    summary: { type: 'string' },
  },
});

let seed = Number(values.seed);
let firstRound = 0;
let maxRounds = values.rounds === undefined ? Infinity : Number(values.rounds);
let only: { mode: Mode; index: number } | undefined;
if (values.case !== undefined) {
  const [s, r, mode, index] = values.case.split(':');
  if (!modes.includes(mode as Mode) || [s, r, index].some((x) => x === undefined || !/^\d+$/.test(x))) {
    usage(`--case wants seed:round:mode:index with mode one of ${modes.join(', ')}`);
  }
  seed = Number(s);
  firstRound = Number(r);
  maxRounds = 1;
  only = { mode: mode as Mode, index: Number(index) };
}
if (!Number.isInteger(seed) || !(Number(values.minutes) > 0))
  usage('--seed wants an integer, --minutes a positive number');

function summaryOf(tally: Tally) {
  return {
    seed,
    seconds: Math.round((Date.now() - started) / 1000),
    rounds: tally.rounds,
    checks: tally.checks,
    same: tally.same,
    bothFailed: tally.bothFailed,
    joinOrder: tally.joinOrder,
    planDependent: tally.planDependent,
    formChoice: tally.formChoice,
    postgresBug: tally.postgresBug,
    unsupportedTotal: [...tally.unsupported.values()].reduce((a, b) => a + b, 0),
    unsupported: [...tally.unsupported].sort((a, b) => b[1] - a[1]).slice(0, 15),
    divergences: tally.divergences,
    distinctFindings: new Set(tally.findings.map((f) => f.signature)).size,
    knownOpen: tally.findings.filter((f) => f.known !== undefined).length,
    findings: tally.findings.map(({ caseId, mode, what, known, detail, minimalSql, file }) => ({
      caseId,
      mode,
      what,
      known,
      detail: detail.slice(0, 300),
      minimalSql,
      file,
    })),
  };
}

function writeSummary(tally: Tally): void {
  if (values.summary !== undefined)
    writeFileSync(values.summary, `${JSON.stringify(summaryOf(tally), null, 2)}\n`);
}

const started = Date.now();
const cluster =
  values['pg-url'] === undefined
    ? await startPostgresCluster({ locale: 'C', settings: ['fsync=off'] })
    : undefined;
const pgUrl = values['pg-url'] ?? cluster!.url;
// Stopping the fuzzer (Ctrl-C, kill) stops the cluster too; the summary file is already current.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void (cluster?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
  });
}
let tally: Tally;
try {
  tally = await runCampaign(
    {
      seed,
      pgUrl,
      out: values.out,
      minimise: !values['no-minimise'],
      only,
      log: (line) => process.stdout.write(`[+${Math.round((Date.now() - started) / 1000)}s] ${line}\n`),
      onRound: (t) => writeSummary(t),
    },
    started + Number(values.minutes) * 60_000,
    maxRounds,
    firstRound,
  );
} finally {
  await cluster?.stop();
}

const summary = summaryOf(tally);
writeSummary(tally);
process.stdout.write(
  `fuzz: seed ${seed}, ${summary.rounds} rounds in ${summary.seconds} s; checks ${JSON.stringify(tally.checks)}; ` +
    `same ${summary.same}, both failed ${summary.bothFailed}, join order ${summary.joinOrder}, plan-dependent ${summary.planDependent}, form choice ${summary.formChoice}, PostgreSQL bug ${summary.postgresBug}, unsupported ${summary.unsupportedTotal}; ` +
    `divergences ${JSON.stringify(tally.divergences)} (${summary.distinctFindings} distinct, ${summary.knownOpen} known open)\n`,
);
for (const [shape, n] of summary.unsupported.slice(0, 8))
  process.stdout.write(`  unsupported ×${n}: ${shape}\n`);
process.exit(tally.findings.some((f) => f.known === undefined) ? 1 : 0);
