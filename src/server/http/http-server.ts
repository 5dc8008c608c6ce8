/**
 * @module server/http/http-server
 * Eddy's HTTP API on node:http / node:https: routing, access checks, error answers, the
 * subscriber registry (heartbeats, shutdown) and the server's lifecycle. Every request runs
 * against the one shared Database; statements and ingests run synchronously once their body is
 * read, so each sees and leaves the database at a step boundary.
 */

import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer } from 'ws';
import { SqlState } from '../../common/errors.ts';
import type { Database } from '../../runtime/database.ts';
import type { SinkStats } from '../../runtime/sinks/sink.ts';
import type { SourceStats } from '../../runtime/sources/kafka-source.ts';
import { conflictOption } from '../../runtime/statements/insert.ts';
import { loadParser } from '../../sql/front/index.ts';
import type { DurabilityStats } from '../../storage/durability.ts';
import { HandshakeBound, type HandshakeCounts, type HandshakeLimits } from '../handshake-bound.ts';
import { checkUsers } from '../server-users.ts';
import { ConsoleApi } from './console-api.ts';
import type { ConsoleAssets } from './console-assets.ts';
import { isConsoleRoute, serveConsoleRoute } from './console-routes.ts';
import { ConsoleSessions, sessionToken } from './console-session.ts';
import {
  Credentials,
  checkHostHeader,
  checkListenAddress,
  checkOrigin,
  type HttpUser,
} from './http-access.ts';
import { bodyBytesMaxDefault, readBody } from './http-body.ts';
import { errorAnswer, HttpError, requireMethod } from './http-errors.ts';
import { ingestText } from './ingest.ts';
import { durabilityMetrics, HttpMetrics } from './metrics.ts';
import type { OperatorProfiles } from './operator-profile.ts';
import { sinkMetrics } from './sink-metrics.ts';
import { sourceMetrics } from './source-metrics.ts';
import { parseSqlRequest, runSql } from './sql-endpoint.ts';
import { streamSql, wantsNdjson } from './sql-stream.ts';
import { type SubscribeContext, startSse, startWebSocket, wsUpgradeFailure } from './subscribe-endpoint.ts';
import { ChangesPayloadCache, type ViewSubscription } from './view-subscription.ts';
import { readView } from './views-endpoint.ts';

export interface HttpServerOptions {
  readonly db: Database;
  readonly host: string;
  /** 0 picks any free port (see `address()`). */
  readonly port: number;
  /** Basic or bearer (a user's password) authentication; none: loopback only, no authentication. */
  readonly users?: readonly HttpUser[];
  readonly tls?: { readonly key: string | Buffer; readonly cert: string | Buffer };
  /**
   * Connections without an authorised request yet (default 512; the next evicts the oldest) and
   * how long each may stay so (default 10 s), so half-open sockets cannot exhaust descriptors.
   */
  readonly handshake?: Partial<HandshakeLimits>;
  /** Largest request body accepted (default 16 MiB); larger ones get 413. */
  readonly bodyBytesMax?: number;
  /** Browser origins besides the server's own that may call the API (`*` for any). */
  readonly allowedOrigins?: readonly string[];
  /** Unsent bytes a subscriber may hold before it is dropped (default 8 MiB). */
  readonly subscriberBufferBytesMax?: number;
  /** SSE heartbeat comment / WebSocket ping interval (default 15 s). */
  readonly heartbeatIntervalMs?: number;
  /** Least time between two progress events to one subscriber (default 1 s). */
  readonly progressIntervalMs?: number;
  /** Whether the server is ready (e.g. recovery done); /ready answers 503 until it is. Default: always. */
  readonly ready?: () => boolean;
  /** Open sessions of the other protocols served beside HTTP (the wire protocol's), for /metrics. */
  readonly sessions?: () => Readonly<Record<string, number>>;
  /** The handshake bounds of the other protocols served beside HTTP, for /metrics. */
  readonly handshakes?: () => Readonly<Record<string, HandshakeCounts>>;
  /** Per-operator counters of the database's views, for the console's dataflow graph (`eddy serve` keeps them). */
  readonly operatorProfiles?: OperatorProfiles;
  /** The durable store's figures for /metrics (none in memory). */
  readonly durability?: () => DurabilityStats | null;
  /** The connector sources' figures for /metrics (none without connector sources). */
  readonly sources?: () => readonly SourceStats[];
  /** The sinks' figures for /metrics. */
  readonly sinks?: () => readonly SinkStats[];
}

export interface HttpServer {
  address(): { host: string; port: number };
  close(): Promise<void>;
}

/** How long close() lets requests in flight finish before cutting their connections. */
const closeGraceMs = 2000;

/** Starts the HTTP API; refuses a non-loopback host without users. */
export async function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  checkUsers(options.users);
  checkListenAddress(options.host, options.users);
  await loadParser();
  const api = new HttpApi(options);
  await api.listen();
  return api;
}

type Route =
  | 'sql'
  | 'ingest'
  | 'views'
  | 'subscribe'
  | 'metrics'
  | 'health'
  | 'ready'
  | 'catalog'
  | 'stats'
  | 'dataflow'
  | 'console'
  | 'other';

class HttpApi implements HttpServer {
  private readonly options: HttpServerOptions;
  private readonly db: Database;
  private readonly server: ReturnType<typeof createHttpServer>;
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  private readonly credentials: Credentials;
  private readonly handshakes: HandshakeBound;
  private readonly metrics: HttpMetrics;
  private readonly subscriptions = new Set<ViewSubscription>();
  private readonly subscribe: SubscribeContext;
  private readonly consoleSessions = new ConsoleSessions();
  private readonly consoleApi: ConsoleApi;
  private consoleAssets: Promise<ConsoleAssets> | null = null;
  private readonly heartbeat: NodeJS.Timeout;
  private closing: Promise<void> | null = null;

  constructor(options: HttpServerOptions) {
    this.options = options;
    this.db = options.db;
    this.credentials = new Credentials(options.users ?? []);
    this.metrics = new HttpMetrics(options.db);
    this.sessions = options.sessions;
    const handler = (req: IncomingMessage, res: ServerResponse) => void this.handle(req, res);
    this.server = options.tls
      ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert, noDelay: true }, handler)
      : createHttpServer({ noDelay: true }, handler);
    this.handshakes = new HandshakeBound(options.handshake);
    this.server.on('connection', (socket: Socket) => this.handshakes.admit(socket));
    this.server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) =>
      this.upgrade(req, socket, head),
    );
    this.subscribe = {
      db: this.db,
      wss: this.wss,
      cache: new ChangesPayloadCache(),
      limits: {
        bufferBytesMax: options.subscriberBufferBytesMax ?? 8 * 1024 * 1024,
        progressIntervalMs: options.progressIntervalMs ?? 1000,
      },
      register: (s) => this.subscriptions.add(s),
      onEnd: (s, dropped) => {
        this.subscriptions.delete(s);
        if (dropped) this.metrics.subscriptionsDropped++;
      },
    };
    this.consoleApi = new ConsoleApi({
      db: this.db,
      metrics: this.metrics,
      profiles: options.operatorProfiles,
      subscriptions: () => this.gauges(),
      sessions: () => this.sessions?.() ?? {},
    });
    this.heartbeat = setInterval(() => {
      for (const s of this.subscriptions) s.heartbeat();
    }, options.heartbeatIntervalMs ?? 15_000);
    this.heartbeat.unref();
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, this.options.host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
  }

  address(): { host: string; port: number } {
    const a = this.server.address() as AddressInfo;
    return { host: a.address, port: a.port };
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    clearInterval(this.heartbeat);
    for (const s of [...this.subscriptions]) {
      s.stop();
      s.transport.close();
    }
    this.metrics.detach();
    this.consoleApi.detach();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    const grace = setTimeout(() => {
      this.server.closeAllConnections();
      for (const ws of this.wss.clients) ws.terminate();
    }, closeGraceMs);
    grace.unref();
    await closed;
    clearTimeout(grace);
    this.wss.close();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let route: Route = 'other';
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const [, first = '', name, extra] = url.pathname.split('/');
      route = routeOf(first, name !== undefined && name !== '' && extra === undefined);
      if (route === 'health') return this.answer(req, res, route, 200, '{"status":"ok"}');
      if (route === 'ready') {
        const ready = this.closing === null && (this.options.ready?.() ?? true);
        const body = ready ? `{"status":"ready","step":${this.db.currentStep}}` : '{"status":"not ready"}';
        return this.answer(req, res, route, ready ? 200 : 503, body);
      }
      if (this.closing) {
        throw new HttpError(503, SqlState.adminShutdown, 'the server is shutting down', {
          headers: { Connection: 'close' },
        });
      }
      if (isConsoleRoute(first, name, extra)) {
        route = 'console';
        this.checkAccess(req, res, url, false);
        const status = await serveConsoleRoute(this.consoleContext(), req, res, first, name);
        this.metrics.countRequest(route, status);
        return;
      }
      const userName = this.checkAccess(req, res, url);
      if (req.method === 'OPTIONS') return this.preflight(res, route);
      await this.dispatch(route, req, res, url, name ?? '', userName);
    } catch (err) {
      this.answerError(req, res, route, err);
    }
  }

  private consoleContext() {
    return {
      credentials: this.credentials,
      sessions: this.consoleSessions,
      secure: this.options.tls !== undefined,
      assets: () => {
        // Loaded on the first request for the console: a server nobody browses never reads it.
        this.consoleAssets ??= import('./console-assets.ts').then((m) => new m.ConsoleAssets());
        return this.consoleAssets;
      },
    };
  }

  private async dispatch(
    route: Route,
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    name: string,
    userName: string | undefined,
  ) {
    switch (route) {
      case 'sql': {
        requireMethod(req, 'POST');
        const ndjson = wantsNdjson(req, url);
        const body = await readBody(req, this.bodyBytesMax);
        // A client that goes away before its answer cancels the statement (57014, unseen).
        const gone = new AbortController();
        res.once('close', () => {
          if (!res.writableFinished) gone.abort();
        });
        if (ndjson) {
          const request = parseSqlRequest(body, req.headers['content-type']);
          const errorCode = await streamSql(this.db, request, res, userName, gone.signal);
          if (errorCode !== null) this.metrics.countError(errorCode);
          this.metrics.countRequest(route, 200);
          return;
        }
        return this.answer(
          req,
          res,
          route,
          200,
          await runSql(this.db, parseSqlRequest(body, req.headers['content-type']), userName, gone.signal),
        );
      }
      case 'ingest': {
        requireMethod(req, 'POST');
        const body = await readBody(req, this.bodyBytesMax);
        const type = req.headers['content-type']?.toLowerCase() ?? '';
        const ndjson = type.includes('ndjson') || type.includes('jsonl');
        const onConflict = conflictOption(url.searchParams.get('onConflict'));
        const { inserted, step } = ingestText(this.db, name, body, ndjson, onConflict);
        return this.answer(req, res, route, 200, `{"inserted":${inserted},"step":${step}}`);
      }
      case 'views':
        requireMethod(req, 'GET');
        return this.answer(req, res, route, 200, readView(this.db, name, url.searchParams));
      case 'subscribe':
        requireMethod(req, 'GET');
        startSse(this.subscribe, req, res, name, url);
        this.metrics.countRequest(route, 200);
        return;
      case 'catalog':
        requireMethod(req, 'GET');
        return this.answer(req, res, route, 200, this.consoleApi.catalog());
      case 'stats':
        requireMethod(req, 'GET');
        return this.answer(req, res, route, 200, this.consoleApi.stats());
      case 'dataflow':
        requireMethod(req, 'GET');
        return this.answer(req, res, route, 200, this.consoleApi.dataflow(name));
      case 'metrics':
        requireMethod(req, 'GET');
        res.setHeader('Content-Type', 'text/plain; version=0.0.4; charset=utf-8');
        this.metrics.countRequest(route, 200);
        res.end(
          this.metrics.render(this.gauges(), this.sessions?.() ?? {}, {
            ...this.options.handshakes?.(),
            http: this.handshakes.counts(),
          }) +
            durabilityMetrics(this.options.durability?.() ?? null) +
            sourceMetrics(this.options.sources?.() ?? []) +
            sinkMetrics(this.options.sinks?.() ?? []),
        );
        return;
      default:
        throw new HttpError(404, SqlState.undefinedObject, `no endpoint ${url.pathname}`, {
          hint: 'Endpoints: POST /sql, POST /ingest/{table}, GET /views/{name}, GET /subscribe/{view}, GET /catalog, GET /stats, GET /dataflow/{view}, GET /metrics, GET /health, GET /ready; the console at /.',
        });
    }
  }

  private get bodyBytesMax(): number {
    return this.options.bodyBytesMax ?? bodyBytesMaxDefault;
  }

  private readonly sessions: (() => Readonly<Record<string, number>>) | undefined;

  private gauges() {
    let sse = 0;
    let websocket = 0;
    let bufferedBytes = 0;
    for (const s of this.subscriptions) {
      if (s.transport.kind === 'sse') sse++;
      else websocket++;
      bufferedBytes += s.transport.bufferedBytes();
    }
    return { sse, websocket, bufferedBytes };
  }

  /**
   * Host (without users), origin and credentials; sets the CORS header for an allowed origin.
   * Returns the authenticated user (undefined without users, or for a preflight).
   */
  private checkAccess(
    req: IncomingMessage,
    res: ServerResponse | null,
    url: URL,
    authenticate = true,
  ): string | undefined {
    if (!this.credentials.required) checkHostHeader(req);
    const origin = checkOrigin(req, this.options.allowedOrigins ?? []);
    if (origin !== undefined && res) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Vary', 'Origin');
    }
    if (req.method === 'OPTIONS' || !authenticate) return undefined;
    const userName = this.credentials.required ? this.authenticate(req, url) : undefined;
    this.handshakes.authenticated(rawSocket(req.socket));
    return userName;
  }

  /** A console session cookie (when no Authorization header is sent), else the request's credentials. */
  private authenticate(req: IncomingMessage, url: URL): string {
    const token = sessionToken(req);
    if (token !== undefined && req.headers.authorization === undefined) {
      const user = this.consoleSessions.user(token);
      if (user !== undefined) return user;
    }
    return this.credentials.authenticate(req, url.searchParams.get('access_token'));
  }

  private preflight(res: ServerResponse, route: Route): void {
    res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
    res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type, Last-Event-ID');
    res.setHeader('Access-Control-Max-Age', '600');
    res.statusCode = 204;
    this.metrics.countRequest(route, 204);
    res.end();
  }

  /** Answers once the input log is synced past every step committed so far (nothing acknowledged early). */
  private answer(
    req: IncomingMessage,
    res: ServerResponse,
    route: Route,
    status: number,
    body: string,
  ): void {
    const durable = this.db.whenDurable();
    if (durable !== null) {
      durable.then(
        () => this.send(res, route, status, body),
        (err: unknown) => this.answerError(req, res, route, err),
      );
      return;
    }
    this.send(res, route, status, body);
  }

  private send(res: ServerResponse, route: Route, status: number, body: string): void {
    res.statusCode = status;
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    this.metrics.countRequest(route, status);
    res.end(body);
  }

  private answerError(req: IncomingMessage, res: ServerResponse, route: Route, err: unknown): void {
    const answer = errorAnswer(err);
    this.metrics.countError(answer.code);
    this.metrics.countRequest(route, answer.status);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    for (const [k, v] of Object.entries(answer.headers)) {
      // The console handles a 401 with its own login form; WWW-Authenticate would pop the browser's.
      if (k === 'WWW-Authenticate' && req.headers['x-eddy-console'] !== undefined) continue;
      res.setHeader(k, v);
    }
    res.statusCode = answer.status;
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.end(answer.body);
  }

  /** WebSocket subscriptions: `GET /subscribe/{view}` with `Upgrade: websocket`. */
  private upgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    socket.setNoDelay(true);
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const [, first = '', name, extra] = url.pathname.split('/');
      if (routeOf(first, name !== undefined && name !== '' && extra === undefined) !== 'subscribe') {
        throw new HttpError(404, SqlState.undefinedObject, `no WebSocket endpoint ${url.pathname}`);
      }
      if (this.closing) throw new HttpError(503, SqlState.adminShutdown, 'the server is shutting down');
      this.checkAccess(req, null, url);
      startWebSocket(this.subscribe, req, socket, head, name!, url);
      this.metrics.countRequest('subscribe', 101);
    } catch (err) {
      const answer = errorAnswer(err);
      this.metrics.countError(answer.code);
      this.metrics.countRequest('subscribe', answer.status);
      wsUpgradeFailure(socket, answer);
    }
  }
}

/**
 * The TCP socket under a request's socket: over TLS, Node's TLSSocket keeps the socket it wraps
 * in `_parent` (not in its typings), and the handshake bound counts TCP sockets.
 */
function rawSocket(socket: Socket): Socket {
  return (socket as Socket & { _parent?: Socket | null })._parent ?? socket;
}

function routeOf(first: string, hasName: boolean): Route {
  switch (first) {
    case 'sql':
    case 'catalog':
    case 'stats':
    case 'metrics':
    case 'health':
    case 'ready':
      return hasName ? 'other' : first;
    case 'ingest':
    case 'views':
    case 'subscribe':
    case 'dataflow':
      return hasName ? first : 'other';
    default:
      return 'other';
  }
}
