/**
 * @module cli/serve
 * `eddy serve` (flags in commands.ts): runs the server until SIGINT / SIGTERM, then shuts down
 * cleanly (listeners closed, connections ended). Users may also come from EDDY_USERS
 * (`name:password,name:password`), so passwords need not appear in the process list.
 */
import { defaultHttpPort, defaultPgPort, serve } from '../server/server.ts';
import { parsePort, UsageError } from './command-line.ts';
import type { ParsedCommandLine, serveCommand } from './commands.ts';

export async function runServe({ values }: ParsedCommandLine<typeof serveCommand>): Promise<number> {
  const userSpecs = [...(values.user ?? []), ...(process.env.EDDY_USERS ?? '').split(',').filter(Boolean)];
  const users = userSpecs.map((spec) => {
    const at = spec.indexOf(':');
    if (at <= 0) throw new UsageError(`--user wants NAME:PASSWORD, got "${spec.replace(/:.*/, ':…')}"`);
    return { name: spec.slice(0, at), password: spec.slice(at + 1) };
  });
  if (Boolean(values['tls-cert']) !== Boolean(values['tls-key']))
    throw new UsageError('--tls-cert and --tls-key go together');
  const server = await serve({
    host: values.host,
    pgPort: parsePort('--pg-port', values['pg-port'] ?? String(defaultPgPort)),
    httpPort: parsePort('--http-port', values['http-port'] ?? String(defaultHttpPort)),
    dataDir: values['data-dir'],
    users,
    tlsCertFile: values['tls-cert'],
    tlsKeyFile: values['tls-key'],
  });
  const pg = server.pg.address();
  const http = server.http.address();
  process.stdout.write(
    `eddy: serving PostgreSQL on ${pg.host}:${pg.port} (psql -h ${pg.host} -p ${pg.port} -U eddy) and HTTP on http://${http.host}:${http.port}\n`,
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
