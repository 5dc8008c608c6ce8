/**
 * @module cli/serve
 * `eddy serve` (flags in commands.ts): runs the server until SIGINT / SIGTERM, then shuts down
 * cleanly (listeners closed, connections ended). Users may also come from EDDY_USERS
 * (`name:password,name:password`), so passwords need not appear in the process list.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseMemorySetting, setDefaultQueryMemoryBytes } from '../plan/evaluate/query-guard.ts';
import { defaultHttpPort, defaultPgPort, serve } from '../server/server.ts';
import { type LogSyncMode, logSyncModes } from '../storage/input-log.ts';
import { parseCount, parsePort, UsageError } from './command-line.ts';
import type { ParsedCommandLine, serveCommand } from './commands.ts';

export async function runServe({ values }: ParsedCommandLine<typeof serveCommand>): Promise<number> {
  // Each spec keeps where it came from, so a mistake names the flag or the variable to fix.
  const userSpecs = [
    ...(values.user ?? []).map((spec) => ({ spec, from: '--user' })),
    ...(process.env.EDDY_USERS ?? '')
      .split(',')
      .filter(Boolean)
      .map((spec) => ({ spec, from: 'EDDY_USERS' })),
  ];
  const users = userSpecs.map(({ spec, from }) => {
    const at = spec.indexOf(':');
    if (at <= 0 || at === spec.length - 1)
      throw new UsageError(
        `${from} wants NAME:PASSWORD with a non-empty password, got "${spec.replace(/:.*/, ':…')}"`,
      );
    return { name: spec.slice(0, at), password: spec.slice(at + 1) };
  });
  const queryMemory = values['query-memory'];
  if (queryMemory !== undefined) {
    const bytes = parseMemorySetting(queryMemory);
    if (bytes === null)
      throw new UsageError(`--query-memory wants a size such as 512MB or 2GB, got "${queryMemory}"`);
    setDefaultQueryMemoryBytes(bytes);
  }
  const budget = values['memory-budget'];
  const memoryBudgetBytes = budget === undefined ? undefined : parseMemorySetting(budget);
  if (memoryBudgetBytes === null || memoryBudgetBytes === 0)
    throw new UsageError(`--memory-budget wants a size such as 256MB or 2GB, got "${budget}"`);
  if (budget !== undefined && values['in-memory'])
    throw new UsageError('--memory-budget needs a data directory to spill to, not --in-memory');
  if (Boolean(values['tls-cert']) !== Boolean(values['tls-key']))
    throw new UsageError('--tls-cert and --tls-key go together');
  if (values['in-memory'] && values['data-dir'] !== undefined)
    throw new UsageError('--in-memory and --data-dir exclude each other');
  const dataDir = values['in-memory'] ? undefined : (values['data-dir'] ?? defaultDataDir());
  const interval = values['checkpoint-interval'];
  const logSync = values['log-sync'];
  if (logSync !== undefined && !(logSyncModes as readonly string[]).includes(logSync))
    throw new UsageError(`--log-sync wants ${logSyncModes.join(' or ')}, got "${logSync}"`);
  const checkpoints = values.checkpoints;
  if (checkpoints !== undefined && checkpoints !== 'full' && checkpoints !== 'incremental')
    throw new UsageError(`--checkpoints wants full or incremental, got "${checkpoints}"`);
  const historyRows = values['subscription-history-rows'];
  const recovery: string[] = [];
  const server = await serve({
    host: values.host,
    pgPort: parsePort('--pg-port', values['pg-port'] ?? String(defaultPgPort)),
    httpPort: parsePort('--http-port', values['http-port'] ?? String(defaultHttpPort)),
    dataDir,
    checkpointIntervalMs:
      interval === undefined ? undefined : parseCount('--checkpoint-interval', interval, 0),
    memoryBudgetBytes,
    incrementalCheckpoints: checkpoints === undefined ? undefined : checkpoints === 'incremental',
    logSync: logSync as LogSyncMode | undefined,
    info: (line) => recovery.push(line),
    users,
    tlsCertFile: values['tls-cert'],
    tlsKeyFile: values['tls-key'],
    handshake: {
      handshakesMax: positiveCount('--max-handshakes', values['max-handshakes']),
      handshakeTimeoutMs: positiveCount('--handshake-timeout-ms', values['handshake-timeout-ms']),
    },
    bodyBytesMax: positiveCount('--max-body-size', values['max-body-size']),
    subscriptionHistoryRows:
      historyRows === undefined ? undefined : parseCount('--subscription-history-rows', historyRows, 0),
    allowedOrigins: values['allowed-origin'],
  });
  const pg = server.pg.address();
  const http = server.http.address();
  // The first configured user is the one to suggest; without users any name is trusted.
  const user = users[0]?.name ?? 'eddy';
  const scheme = values['tls-cert'] && values['tls-key'] ? 'https' : 'http';
  process.stdout.write(
    `eddy: serving PostgreSQL on ${pg.host}:${pg.port} (psql -h ${pg.host} -p ${pg.port} -U ${user}) and HTTP on ${scheme}://${http.host}:${http.port}\n`,
  );
  process.stdout.write(
    dataDir === undefined
      ? 'eddy: in memory (--in-memory): nothing survives a restart\n'
      : `eddy: data directory ${dataDir}\n${recovery.map((line) => `${line}\n`).join('')}`,
  );
  await new Promise<void>((resolve) => {
    const stop = (signal: string): void => {
      process.stdout.write(`eddy: ${signal}, shutting down\n`);
      resolve();
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  await server.close();
  return 0;
}

/**
 * Where `eddy serve` keeps its data without --data-dir: $EDDY_DATA_DIR, else the user's data
 * folder (XDG), never the working directory, so serving from a clone leaves `git status` clean.
 */
function defaultDataDir(): string {
  const fromEnv = process.env.EDDY_DATA_DIR;
  if (fromEnv) return fromEnv;
  const base = process.env.XDG_DATA_HOME || join(homedir(), '.local', 'share');
  return join(base, 'eddy', 'data');
}

/** A flag's value as a positive whole number; undefined when the flag is absent (the default holds). */
function positiveCount(flag: string, text: string | undefined): number | undefined {
  return text === undefined ? undefined : parseCount(flag, text, 1);
}
