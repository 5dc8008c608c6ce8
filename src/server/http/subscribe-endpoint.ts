/**
 * @module server/http/subscribe-endpoint
 * `GET /subscribe/{view}` as Server-Sent Events, or as a WebSocket with `Upgrade: websocket`.
 * Resume after a step with `Last-Event-ID` or `?from=<step>`; `?snapshot=false` skips the
 * snapshot. A subscription that cannot start answers a plain JSON error (before any event).
 */
import { type IncomingMessage, type ServerResponse, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { WebSocket, WebSocketServer } from 'ws';
import { EddyError, SqlState } from '../../common/errors.ts';
import type { Database } from '../../runtime/database.ts';
import { type ErrorAnswer, errorJson } from './http-errors.ts';
import { requireRelation } from './relation-name.ts';
import { SseTransport, WebSocketTransport } from './subscribe-transports.ts';
import {
  type ChangesPayloadCache,
  resumePoint,
  type SubscriberTransport,
  type SubscriptionLimits,
  ViewSubscription,
} from './view-subscription.ts';

/** What the endpoint needs from the server. */
export interface SubscribeContext {
  readonly db: Database;
  readonly wss: WebSocketServer;
  readonly cache: ChangesPayloadCache;
  readonly limits: SubscriptionLimits;
  readonly register: (subscription: ViewSubscription) => void;
  readonly onEnd: (subscription: ViewSubscription, dropped: boolean) => void;
}

interface SubscribeRequest {
  readonly relation: ReturnType<typeof requireRelation>;
  readonly afterStep: number | undefined;
  readonly snapshot: boolean;
}

function subscribeRequest(
  ctx: SubscribeContext,
  req: IncomingMessage,
  name: string,
  url: URL,
): SubscribeRequest {
  const relation = requireRelation(ctx.db, name);
  const lastEventId = req.headers['last-event-id'];
  const afterStep = resumePoint(
    typeof lastEventId === 'string' ? lastEventId : undefined,
    url.searchParams.get('from'),
  );
  return { relation, afterStep, snapshot: url.searchParams.get('snapshot') !== 'false' };
}

function subscribe(
  ctx: SubscribeContext,
  request: SubscribeRequest,
  transport: SubscriberTransport,
): ViewSubscription {
  const subscription = new ViewSubscription(
    ctx.db,
    request.relation,
    transport,
    ctx.limits,
    ctx.cache,
    ctx.onEnd,
  );
  ctx.register(subscription);
  try {
    subscription.start(request.afterStep, request.snapshot);
  } catch (err) {
    subscription.stop();
    throw err;
  }
  return subscription;
}

/** Starts an SSE stream on `res`; throws (nothing written yet) when it cannot start. */
export function startSse(
  ctx: SubscribeContext,
  req: IncomingMessage,
  res: ServerResponse,
  name: string,
  url: URL,
): void {
  const request = subscribeRequest(ctx, req, name, url);
  const transport = new SseTransport(res);
  const subscription = subscribe(ctx, request, transport);
  transport.open();
  req.socket.setTimeout(0);
  res.on('close', () => subscription.stop());
}

/** Completes a WebSocket upgrade and subscribes; a failure to start ends the socket with an error event. */
export function startWebSocket(
  ctx: SubscribeContext,
  req: IncomingMessage,
  socket: Socket,
  head: Buffer,
  name: string,
  url: URL,
): void {
  const request = subscribeRequest(ctx, req, name, url);
  ctx.wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
    const transport = new WebSocketTransport(ws);
    let subscription: ViewSubscription;
    try {
      subscription = subscribe(ctx, request, transport);
    } catch (err) {
      const error =
        err instanceof EddyError
          ? err
          : new EddyError({ code: SqlState.internalError, message: String(err) });
      transport.fail(errorJson(error));
      return;
    }
    ws.on('close', () => subscription.stop());
    ws.on('error', () => subscription.stop());
  });
}

/** Answers a refused upgrade with a plain HTTP error and closes the socket. */
export function wsUpgradeFailure(socket: Socket, answer: ErrorAnswer): void {
  const headers = Object.entries(answer.headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  socket.end(
    `HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status] ?? ''}\r\n` +
      `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(answer.body)}\r\n` +
      `Connection: close\r\n${headers}\r\n${answer.body}`,
    // Closed once the answer is out: a client that keeps its side open must not hold the server.
    () => socket.destroy(),
  );
}
