/**
 * @module cli/serve
 * `eddy serve [--data-dir DIR] [--host H] [--pg-port N] [--http-port N] [--user NAME:PASSWORD]…
 * [--tls-cert FILE --tls-key FILE]`: runs the server until SIGINT / SIGTERM, then shuts down
 * cleanly (listeners closed, connections ended). Users may also come from EDDY_USERS
 * (`name:password,name:password`), so passwords need not appear in the process list.
 */
import { parseArgs } from 'node:util';
import { defaultHttpPort, defaultPgPort, serve } from '../server/server.ts';

export async function runServe(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      'data-dir': { type: 'string' },
      host: { type: 'string', default: '127.0.0.1' },
      'pg-port': { type: 'string', default: String(defaultPgPort) },
      'http-port': { type: 'string', default: String(defaultHttpPort) },
      user: { type: 'string', multiple: true },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
    },
  });
  const userSpecs = [...(values.user ?? []), ...(process.env.EDDY_USERS ?? '').split(',').filter(Boolean)];
  const users = userSpecs.map((spec) => {
    const at = spec.indexOf(':');
    if (at <= 0) throw new Error(`--user wants NAME:PASSWORD, got "${spec.replace(/:.*/, ':…')}"`);
    return { name: spec.slice(0, at), password: spec.slice(at + 1) };
  });
  const server = await serve({
    host: values.host,
    pgPort: Number(values['pg-port']),
    httpPort: Number(values['http-port']),
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
