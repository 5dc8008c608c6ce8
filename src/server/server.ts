/**
 * @module server/server
 * `eddy serve`: one process serving one database over the PostgreSQL wire protocol and HTTP.
 * Loopback without a password is the development default; listening anywhere else requires
 * users (SCRAM on the wire, basic/bearer on HTTP), and TLS is enabled by a certificate and key.
 */
import { readFile } from 'node:fs/promises';
import { Database } from '../runtime/database.ts';
import { createDataflowMaintainer } from '../runtime/dataflow-maintainer.ts';
import { loadParser } from '../sql/front/index.ts';
import { Durability } from '../storage/durability.ts';
import type { HandshakeLimits } from './handshake-bound.ts';
import { type HttpServer, startHttpServer } from './http/index.ts';
import { type PgServer, startPgServer } from './pgwire/index.ts';

/** Default ports: not PostgreSQL's 5432, so Eddy and PostgreSQL can run side by side. */
export const defaultPgPort = 6875;
export const defaultHttpPort = 6876;

export interface ServeOptions {
  readonly host?: string;
  readonly pgPort?: number;
  readonly httpPort?: number;
  /** Data folder: the database is durable there and recovered from it at start. Absent: in memory. */
  readonly dataDir?: string;
  /** Milliseconds between checkpoints (default 10 000; 0: only at shutdown). */
  readonly checkpointIntervalMs?: number;
  /** Where the recovery summary goes (nowhere by default; `eddy serve` prints it). */
  readonly info?: (line: string) => void;
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
  /** The data directory's store, or null in memory. */
  readonly durability: Durability | null;
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
  const db = new Database(createDataflowMaintainer);
  const durability =
    options.dataDir === undefined
      ? null
      : Durability.open(db, {
          dir: options.dataDir,
          checkpointIntervalMs: options.checkpointIntervalMs,
          info: options.info,
        });
  const handshake = options.handshake;
  let pg: PgServer;
  try {
    pg = await startPgServer({ db, host, port: options.pgPort ?? defaultPgPort, users, tls, handshake });
  } catch (e) {
    await durability?.close();
    throw e;
  }
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
      durability: () => durability?.stats ?? null,
    });
  } catch (e) {
    await pg.close();
    await durability?.close();
    throw e;
  }
  return {
    db,
    durability,
    pg,
    http,
    async close() {
      await Promise.allSettled([pg.close(), http.close()]);
      // After the listeners: a last checkpoint of everything acknowledged, then the lock goes.
      await durability?.close();
    },
  };
}
