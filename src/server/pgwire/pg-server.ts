/**
 * @module server/pgwire/pg-server
 * The PostgreSQL wire protocol server: listens, hands each socket to the handshake, runs one
 * Session per authenticated connection over the shared Database, routes CancelRequests by
 * backend key, enforces the connection limit, and shuts down cleanly. Invariant: without users
 * it serves loopback only (trust authentication is a development convenience, never a network
 * exposure).
 */
import { randomBytes, randomInt } from 'node:crypto';
import { createServer, isIP, type Server, type Socket } from 'node:net';
import { createScramSha256Data, type ScramSha256Data } from 'pg-gateway';
import { EddyError, SqlState } from '../../common/errors.ts';
import type { Database } from '../../runtime/database.ts';
import { Session } from '../../runtime/session.ts';
import { HandshakeBound, type HandshakeCounts, type HandshakeLimits } from '../handshake-bound.ts';
import { checkUsers } from '../server-users.ts';
import { type SetupOptions, setupConnection } from './connection-setup.ts';
import { type ConnectionOptions, PgConnection } from './pg-connection.ts';
import { applyStartupSettings, currentReported } from './session-settings.ts';
import { WireError, WireState } from './wire-error.ts';

/** How long `close()` lets connections flush their goodbyes before cutting them. */
const closeGraceMs = 2000;

export interface PgServerOptions {
  readonly db: Database;
  readonly host: string;
  /** 0: any free port (see `address()`). */
  readonly port: number;
  /** Password users (SCRAM-SHA-256). None: trust, and only on a loopback address. */
  readonly users?: readonly { readonly name: string; readonly password: string }[];
  /** TLS certificate and key (PEM); with them, clients must use TLS. */
  readonly tls?: { readonly key: Buffer; readonly cert: Buffer };
  /** Concurrent sessions (default 1,000); the next one gets FATAL 53300. */
  readonly maxConnections?: number;
  /** Largest frontend message in bytes (default 64 MiB); a larger one ends its connection. */
  readonly messageBytesMax?: number;
  /** Change rows a subscription may queue for a slow client before it is dropped (default 100,000). */
  readonly subscribeRowsMax?: number;
  /** Estimated bytes of those rows (default 8 MiB); past either limit the client is dropped (53400). */
  readonly subscribeBytesMax?: number;
  /** How long FETCH from a SUBSCRIBE cursor waits for a row; 0 (default) waits until one comes. */
  readonly fetchTimeoutMs?: number;
  /**
   * Connections still in startup or authentication (default 512; the next evicts the oldest)
   * and the time each may take (default 10 s; PostgreSQL's authentication_timeout is 60 s, but
   * a client that authenticates at all does so in milliseconds).
   */
  readonly handshake?: Partial<HandshakeLimits>;
  /** Where one-line notes about misbehaving clients go (default: stderr, at most 10 a second). */
  readonly log?: (line: string) => void;
}

export interface PgServer {
  address(): { host: string; port: number };
  /** Stops listening and ends every connection (FATAL 57P01 to each session). */
  close(): Promise<void>;
  /** Authenticated sessions now open. */
  sessions(): number;
  /** Connections in their handshake now, and those cut (evicted, timed out) so far. */
  handshakes(): HandshakeCounts;
}

export async function startPgServer(options: PgServerOptions): Promise<PgServer> {
  const users = options.users ?? [];
  checkUsers(users);
  if (users.length === 0 && !isLoopback(options.host)) {
    throw new EddyError({
      code: SqlState.invalidAuthorizationSpecification,
      message: `refusing to serve the PostgreSQL protocol on ${options.host} without passwords: anyone who can reach it could read and change all data`,
      hint: 'Configure at least one user with a password, or listen on a loopback address such as 127.0.0.1.',
    });
  }
  const connectionOptions: ConnectionOptions = {
    messageBytesMax: options.messageBytesMax ?? 64 * 1024 * 1024,
    subscribeRowsMax: options.subscribeRowsMax ?? 100_000,
    subscribeBytesMax: options.subscribeBytesMax ?? 8 * 1024 * 1024,
    fetchTimeoutMs: options.fetchTimeoutMs ?? 0,
  };
  const maxConnections = options.maxConnections ?? 1000;
  const connections = new Map<number, PgConnection>();
  const handshaking = new HandshakeBound(options.handshake);
  let nextPid = randomInt(1, 1 << 20);

  const setup: SetupOptions = {
    auth: await authOptions(users),
    tls: options.tls,
    log: options.log ?? rateLimitedStderr(),
    onCancel(pid, secret) {
      const conn = connections.get(pid);
      if (conn && conn.secret === secret) conn.cancel();
    },
    admit() {
      if (connections.size < maxConnections) return null;
      return WireError.fatal(WireState.tooManyConnections, 'sorry, too many clients already');
    },
    onReady(socket, params, leftover) {
      const session = new Session(options.db);
      const pid = nextPid++;
      // pg_backend_pid() answers the pid this client received in BackendKeyData.
      session.settings.backendPid = pid;
      // pg_cancel_backend(pid) reaches any connection of this server, as a CancelRequest would.
      session.settings.cancelBackend = (target: number) => {
        const conn = connections.get(target);
        conn?.cancel();
        return conn !== undefined;
      };
      // current_user: the authenticated name (under trust, the name the client gave, as PostgreSQL).
      if (params.user) session.settings.userName = params.user;
      const conn = new PgConnection(
        socket,
        session,
        { pid, secret: randomInt(0, 2 ** 31 - 1) },
        connectionOptions,
        (c) => connections.delete(c.pid),
      );
      try {
        applyStartupSettings(session, params);
      } catch (e) {
        conn.terminate(
          e instanceof WireError ? e : WireError.fatal(WireState.invalidParameterValue, String(e)),
        );
        return;
      }
      connections.set(pid, conn);
      conn.start(currentReported(session), params.user ?? '', leftover);
    },
  };

  const sockets = new Set<Socket>();
  const server = createServer({ noDelay: true }, (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    const abort = setupConnection(socket, {
      ...setup,
      onReady(secured, params, leftover) {
        // Keyed by the raw socket: `secured` is a TLSSocket over it when TLS was negotiated.
        handshaking.authenticated(socket);
        setup.onReady(secured, params, leftover);
      },
    });
    handshaking.admit(socket, abort);
  });
  await listen(server, options.port, options.host);
  const bound = server.address();
  const port = bound !== null && typeof bound === 'object' ? bound.port : options.port;

  return {
    address: () => ({ host: options.host, port }),
    sessions: () => connections.size,
    handshakes: () => handshaking.counts(),
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      const shutdown = WireError.fatal(
        WireState.adminShutdown,
        'terminating connection due to administrator command',
      );
      for (const conn of [...connections.values()]) conn.terminate(shutdown);
      for (const socket of handshaking.sockets()) socket.destroy();
      // Clients that do not read their last message do not get to hold the shutdown up.
      const deadline = setTimeout(() => {
        for (const socket of sockets) socket.destroy();
      }, closeGraceMs);
      await closed;
      clearTimeout(deadline);
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Lines to stderr, at most 10 a second: a flood of bad clients must not become a flood of log. */
function rateLimitedStderr(): (line: string) => void {
  let windowStart = 0;
  let written = 0;
  let suppressed = 0;
  return (line) => {
    const now = Date.now();
    if (now - windowStart >= 1000) {
      if (suppressed > 0) process.stderr.write(`eddy: pgwire: ${suppressed} similar lines suppressed\n`);
      windowStart = now;
      written = 0;
      suppressed = 0;
    }
    if (written++ < 10) process.stderr.write(`eddy: pgwire: ${line}\n`);
    else suppressed++;
  };
}

function isLoopback(host: string): boolean {
  const h = host.toLowerCase();
  if (h === 'localhost') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || h.startsWith('::ffff:127.');
  return false;
}

/** SCRAM verifiers computed once; an unknown user gets a verifier no password matches (no user probing). */
async function authOptions(
  users: readonly { name: string; password: string }[],
): Promise<SetupOptions['auth']> {
  if (users.length === 0) return { method: 'trust' };
  const verifiers = new Map<string, ScramSha256Data>();
  for (const u of users) verifiers.set(u.name, await createScramSha256Data(u.password));
  const nobody = await createScramSha256Data(randomBytes(24).toString('base64'));
  return {
    method: 'scram-sha-256',
    getScramSha256Data: ({ username }) => verifiers.get(username) ?? nobody,
  };
}
