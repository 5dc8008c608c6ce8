/**
 * @module server/server
 * `eddy serve`: one process serving one database over the PostgreSQL wire protocol and HTTP.
 * Loopback without a password is the development default; listening anywhere else requires
 * users (SCRAM on the wire, basic/bearer on HTTP), and TLS is enabled by a certificate and key.
 */
import { readFile } from 'node:fs/promises';
import { Database } from '../runtime/database.ts';
import { loadParser } from '../sql/front/index.ts';
import type { HandshakeLimits } from './handshake-bound.ts';
import { type HttpServer, startHttpServer } from './http/index.ts';
import { OperatorProfiles } from './http/operator-profile.ts';
import { type PgServer, startPgServer } from './pgwire/index.ts';

/** Default ports: not PostgreSQL's 5432, so Eddy and PostgreSQL can run side by side. */
export const defaultPgPort = 6875;
export const defaultHttpPort = 6876;

export interface ServeOptions {
  readonly host?: string;
  readonly pgPort?: number;
  readonly httpPort?: number;
  /** Data folder (durability is the storage issue's; the database lives in memory for now). */
  readonly dataDir?: string;
  readonly users?: readonly { name: string; password: string }[];
  readonly tlsCertFile?: string;
  readonly tlsKeyFile?: string;
  /** Bound and timeout for connections not authenticated yet, per protocol (see HandshakeBound). */
  readonly handshake?: Partial<HandshakeLimits>;
  /** Largest HTTP request body in bytes (default 16 MiB). */
  readonly bodyBytesMax?: number;
  /** Browser origins besides the server's own that may call the HTTP API (`*`: any). */
  readonly allowedOrigins?: readonly string[];
}

export interface EddyServer {
  readonly db: Database;
  readonly pg: PgServer;
  readonly http: HttpServer;
  close(): Promise<void>;
}

export async function serve(options: ServeOptions = {}): Promise<EddyServer> {
  await loadParser();
  const host = options.host ?? '127.0.0.1';
  const users = options.users && options.users.length > 0 ? [...options.users] : undefined;
  const tls =
    options.tlsCertFile && options.tlsKeyFile
      ? { cert: await readFile(options.tlsCertFile), key: await readFile(options.tlsKeyFile) }
      : undefined;
  // Every view's operators are counted, for the console's dataflow graph (two clock reads per run).
  const operatorProfiles = new OperatorProfiles();
  const db = new Database(operatorProfiles.factory());
  const handshake = options.handshake;
  const pg = await startPgServer({ db, host, port: options.pgPort ?? defaultPgPort, users, tls, handshake });
  let http: HttpServer;
  try {
    http = await startHttpServer({
      db,
      host,
      port: options.httpPort ?? defaultHttpPort,
      users,
      tls,
      handshake,
      bodyBytesMax: options.bodyBytesMax,
      allowedOrigins: options.allowedOrigins,
      sessions: () => ({ pgwire: pg.sessions() }),
      handshakes: () => ({ pgwire: pg.handshakes() }),
      operatorProfiles,
    });
  } catch (e) {
    await pg.close();
    throw e;
  }
  // A view whose maintenance passed the step budget is named in the log (and counted in /metrics).
  const stopLogging = db.onStep((step) => {
    for (const { viewId, ms } of step.overBudget) {
      const name = db.catalog.relationById(viewId).name;
      process.stderr.write(
        `eddy: step ${step.step}: maintaining materialized view ${name} took ${Math.round(ms)} ms (budget ${db.viewStepBudgetMs} ms)\n`,
      );
    }
  });
  return {
    db,
    pg,
    http,
    async close() {
      stopLogging();
      await Promise.allSettled([pg.close(), http.close()]);
    },
  };
}
