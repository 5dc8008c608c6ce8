/**
 * @module scripts/chaos
 * `npm run chaos -- [--runs N] [--seed S] [--mode library|server|both] [--clients N] [--writes N]
 * [--writes-after N] [--checkpoint-ms N] [--dir ROOT] [--parallel N]`: the crash campaign (test/chaos); data
 * directories go under ROOT (the system's temporary folder by default; /dev/shm is faster). Prints a line per run and
 * a summary; exit code 1 when any run lost, duplicated or mismatched anything (each failing run
 * prints the command that replays it), 2 on bad usage.
 */
import { parseArgs } from 'node:util';
import { campaignDefaults, formatSummary, runCampaign } from '../test/chaos/campaign.ts';
import type { DriverMode } from '../test/chaos/run.ts';

function usage(message: string): never {
  process.stderr.write(`chaos: ${message}\n`);
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '20' },
    seed: { type: 'string', default: '1' },
    mode: { type: 'string', default: 'both' },
    clients: { type: 'string', default: String(campaignDefaults.clients) },
    writes: { type: 'string', default: String(campaignDefaults.writesPerClient) },
    'writes-after': { type: 'string', default: String(campaignDefaults.writesAfter) },
    'checkpoint-ms': { type: 'string', default: String(campaignDefaults.checkpointMs) },
    dir: { type: 'string' },
    parallel: { type: 'string', default: '1' },
  },
});

const count = (flag: string, text: string, min: number): number => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min)
    usage(`--${flag} wants a whole number of at least ${min}, got "${text}"`);
  return n;
};
if (!['library', 'server', 'both'].includes(values.mode)) usage('--mode wants library, server or both');
const mode = values.mode as DriverMode | 'both';

const started = Date.now();
const summary = await runCampaign({
  runs: count('runs', values.runs, 1),
  seed: count('seed', values.seed, 0),
  mode,
  clients: count('clients', values.clients, 1),
  writesPerClient: count('writes', values.writes, 1),
  writesAfter: count('writes-after', values['writes-after'], 0),
  checkpointMs: count('checkpoint-ms', values['checkpoint-ms'], 1),
  dirRoot: values.dir,
  parallel: count('parallel', values.parallel, 1),
  report: (line) => process.stdout.write(`${line}\n`),
});
process.stdout.write(`\n${formatSummary(summary)}\nelapsed ${Math.round((Date.now() - started) / 1000)} s\n`);
process.exit(summary.failed.length > 0 ? 1 : 0);
