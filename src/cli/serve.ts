/**
 * @module cli/serve
 * `eddy serve [--data-dir DIR] [--host H] [--pg-port N] [--http-port N] [--user NAME:PASSWORD]…
 * [--tls-cert FILE --tls-key FILE] [--max-handshakes N] [--handshake-timeout-ms MS]
 * [--max-body-size BYTES] [--allowed-origin ORIGIN]…`: runs the server until SIGINT / SIGTERM,
 * then shuts down cleanly (listeners closed, connections ended). Users may also come from EDDY_USERS
 * (`name:password,name:password`), so passwords need not appear in the process list.
 */
import { parseArgs } from 'node:util';
import { EddyError, SqlState } from '../common/errors.ts';
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
      'max-handshakes': { type: 'string' },
      'handshake-timeout-ms': { type: 'string' },
      'max-body-size': { type: 'string' },
      'allowed-origin': { type: 'string', multiple: true },
    },
  });
  const userSpecs = [...(values.user ?? []), ...(process.env.EDDY_USERS ?? '').split(',').filter(Boolean)];
  const users = userSpecs.map((spec) => {
    const at = spec.indexOf(':');
    if (at <= 0 || at === spec.length - 1)
      throw new EddyError({
        code: SqlState.invalidAuthorizationSpecification,
        message: `--user wants NAME:PASSWORD with a non-empty password, got "${spec.replace(/:.*/, ':…')}"`,
      });
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
    handshake: {
      handshakesMax: positiveInteger(values['max-handshakes'], '--max-handshakes'),
      handshakeTimeoutMs: positiveInteger(values['handshake-timeout-ms'], '--handshake-timeout-ms'),
    },
    bodyBytesMax: positiveInteger(values['max-body-size'], '--max-body-size'),
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

/** A flag's value as a positive integer; undefined when the flag is absent. */
function positiveInteger(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (/^[0-9]+$/.test(text) && Number.isSafeInteger(n) && n > 0) return n;
  throw new EddyError({
    code: SqlState.invalidParameterValue,
    message: `${flag} wants a positive integer, got "${text}"`,
  });
}
