/**
 * @module server/server
 * `eddy serve`: one process serving one database over the PostgreSQL wire protocol and HTTP.
 * Loopback without a password is the development default; listening anywhere else requires
 * users (SCRAM on the wire, basic/bearer on HTTP), and TLS is enabled by a certificate and key.
 */
import { readFile } from 'node:fs/promises';
import { Database } from '../runtime/database.ts';
import { SinkRunner } from '../runtime/sinks/sink-runner.ts';
import { SourceRunner } from '../runtime/sources/source-runner.ts';
import { loadParser } from '../sql/front/index.ts';
import type { Durability } from '../storage/durability.ts';
import type { LogSyncMode } from '../storage/input-log.ts';
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
  /** Data folder: the database is durable there and recovered from it at start. Absent: in memory. */
  readonly dataDir?: string;
  /** Milliseconds between checkpoints (default 10 000; 0: only at shutdown). */
  readonly checkpointIntervalMs?: number;
  /** Checkpoints hold only the changes since the previous one (storage/durability); false: every one is full. */
  readonly incrementalCheckpoints?: boolean;
  /** Where the input log's fdatasync runs: libuv's thread pool (default) or the event loop at the end of a turn. */
  readonly logSync?: LogSyncMode;
  /** Anonymous resident memory to stay under; state beyond it spills to the data directory (ADR 0006). */
  readonly memoryBudgetBytes?: number;
  /** Where the recovery summary goes (nowhere by default; `eddy serve` prints it). */
  readonly info?: (line: string) => void;
  readonly users?: readonly { name: string; password: string }[];
  readonly tlsCertFile?: string;
  readonly tlsKeyFile?: string;
  /** Bound and timeout for connections not authenticated yet, per protocol (see HandshakeBound). */
  readonly handshake?: Partial<HandshakeLimits>;
  /** Largest HTTP request body in bytes (default 16 MiB). */
  readonly bodyBytesMax?: number;
  /** Rows of change history kept per subscribed relation for resuming subscribers (default 100 000). */
  readonly subscriptionHistoryRows?: number;
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
  // Every view's operators are counted, for the console's dataflow graph (two clock reads per run).
  const operatorProfiles = new OperatorProfiles();
  const db = new Database(operatorProfiles.factory());
  if (options.subscriptionHistoryRows !== undefined) db.history.rowsMax = options.subscriptionHistoryRows;
  // storage/ (and lmdb, a native addon) is loaded only for a database kept in a directory.
  const { Durability } =
    options.dataDir === undefined ? { Durability: null } : await import('../storage/durability.ts');
  if (Durability && options.dataDir !== undefined) await Durability.prepare(options.dataDir);
  const durability =
    Durability === null || options.dataDir === undefined
      ? null
      : Durability.open(db, {
          dir: options.dataDir,
          checkpointIntervalMs: options.checkpointIntervalMs,
          incrementalCheckpoints: options.incrementalCheckpoints,
          logSync: options.logSync,
          memoryBudgetBytes: options.memoryBudgetBytes,
          info: options.info,
        });
  const handshake = options.handshake;
  // Connector sources (Kafka, NATS, files, datagen, webhooks) run from here on, from the positions recovery restored.
  const sources = new SourceRunner(db, (line) => process.stderr.write(`eddy: ${line}\n`));
  sources.start();
  // Sinks deliver from the progress recovery restored (or their targets report).
  const sinks = new SinkRunner(db, (line) => process.stderr.write(`eddy: ${line}\n`));
  sinks.start();
  let pg: PgServer;
  try {
    pg = await startPgServer({ db, host, port: options.pgPort ?? defaultPgPort, users, tls, handshake });
  } catch (e) {
    await sources.stop();
    await sinks.stop();
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
      operatorProfiles,
      durability: () => durability?.stats ?? null,
      sources: () => sources.stats(),
      webhook: (name, body, headers) => sources.webhook(name).receive(body, headers),
      sinks: () => sinks.stats(),
    });
  } catch (e) {
    await sources.stop();
    await sinks.stop();
    await pg.close();
    await durability?.close();
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
    durability,
    pg,
    http,
    async close() {
      stopLogging();
      await sources.stop();
      await sinks.stop();
      await Promise.allSettled([pg.close(), http.close()]);
      // After the listeners: a last checkpoint of everything acknowledged, then the lock goes.
      await durability?.close();
    },
  };
}
