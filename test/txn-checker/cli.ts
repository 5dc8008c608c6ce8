/**
 * @module test/txn-checker/cli
 * `npm run txn-check -- [--seconds N] [--seed S] [--sessions N] [--keys N] [--ops N]
 * [--isolation read-committed|repeatable-read|serializable] [--inject] [--pg-url URL]`: runs the list-append
 * workload against a fresh in-process Eddy server (or, with --pg-url, a real PostgreSQL, to check
 * the checker), analyses the history and prints the figures. Exits 1 when it finds an anomaly
 * the level forbids. --inject switches Eddy's commit-time validation off (it must then fail).
 */
import { parseArgs } from 'node:util';
import pg from 'pg';
import { pgClient, startTestServer } from '../server/pgwire-support.ts';
import { analyze, type CheckedLevel, forbiddenAt } from './analyze.ts';
import { runWorkload, type WorkloadOptions } from './workload.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    seed: { type: 'string', default: '1' },
    sessions: { type: 'string', default: '10' },
    keys: { type: 'string', default: '8' },
    ops: { type: 'string', default: '4' },
    isolation: { type: 'string', default: 'repeatable-read' },
    inject: { type: 'boolean', default: false },
    'pg-url': { type: 'string' },
  },
});

const isolation = (values.isolation ?? '').replace('-', ' ') as CheckedLevel;
if (!(isolation in forbiddenAt))
  throw new Error(`--isolation: one of ${Object.keys(forbiddenAt).join(', ')}`);
const options: WorkloadOptions = {
  sessions: Number(values.sessions),
  keys: Number(values.keys),
  durationMs: Number(values.seconds) * 1000,
  seed: Number(values.seed),
  isolation,
  opsMax: Number(values.ops),
  materializedView: !values['pg-url'],
};

const pgUrl = values['pg-url'];
const eddy = pgUrl ? null : await startTestServer();
if (eddy && values.inject) eddy.db.testFaults.skipCommitValidation = true;
const connect = async (): Promise<pg.Client> => {
  if (!eddy) {
    const client = new pg.Client({ connectionString: pgUrl });
    await client.connect();
    return client;
  }
  return pgClient(eddy.port);
};
const started = Date.now();
const run = await runWorkload(connect, options);
const result = analyze(run.history);
await eddy?.server.close();
const forbidden = result.anomalies.filter((a) => forbiddenAt[isolation].has(a.kind));
const summary = {
  target: pgUrl ? 'postgresql' : values.inject ? 'eddy (validation skipped)' : 'eddy',
  isolation,
  seed: options.seed,
  seconds: (Date.now() - started) / 1000,
  sessions: options.sessions,
  keys: options.keys,
  transactions: result.txns,
  committed: result.committed,
  aborted: result.aborted,
  dependencies: result.edges,
  anomalies: result.counts,
  forbidden: forbidden.length,
  viewMatchesTable: run.viewMatchesTable,
  unexpectedErrors: run.unexpectedErrors.slice(0, 5),
  examples: forbidden.slice(0, 5).map((a) => `${a.kind}: ${a.detail}`),
};
console.log(JSON.stringify(summary, null, 2));
const failed = forbidden.length > 0 || run.unexpectedErrors.length > 0 || run.viewMatchesTable === false;
process.exitCode = failed ? 1 : 0;
