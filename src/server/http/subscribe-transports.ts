/**
 * @module server/http/subscribe-transports
 * The two ways a subscriber receives events. Server-Sent Events: `id:` is the step (the resume
 * token a browser sends back as Last-Event-ID), `event:` the kind, `data:` the JSON payload on one
 * line. WebSocket: one text message per event, the payload with an `"event"` field added.
 */
import type { ServerResponse } from 'node:http';
import type { WebSocket } from 'ws';
import type { EventKind, SubscriberTransport } from './view-subscription.ts';

/** How long a dropped subscriber's socket may take to flush its final event before it is cut. */
const failGraceMs = 1000;

export class SseTransport implements SubscriberTransport {
  readonly kind = 'sse';
  private readonly res: ServerResponse;

  constructor(res: ServerResponse) {
    this.res = res;
  }

  /** Writes the stream's headers (once); events may follow. */
  open(): void {
    if (this.res.headersSent) return;
    this.res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    // A reconnecting browser waits this long (ms) before sending Last-Event-ID.
    this.res.write('retry: 1000\n\n');
  }

  bufferedBytes(): number {
    return this.res.writableLength;
  }

  send(event: EventKind, step: number, payload: string): void {
    this.open();
    this.res.write(`id: ${step}\nevent: ${event}\ndata: ${payload}\n\n`);
  }

  fail(error: string): void {
    this.open();
    const socket = this.res.socket;
    // The connection ends with the stream (no keep-alive), at the latest after the grace period.
    this.res.end(`event: error\ndata: {"error":${error}}\n\n`, () => socket?.end());
    const timer = setTimeout(() => socket?.destroy(), failGraceMs);
    timer.unref();
    socket?.once('close', () => clearTimeout(timer));
  }

  heartbeat(): void {
    this.res.write(': heartbeat\n\n');
  }

  close(): void {
    this.open();
    const socket = this.res.socket;
    this.res.end(() => socket?.end());
  }
}

export class WebSocketTransport implements SubscriberTransport {
  readonly kind = 'websocket';
  private readonly ws: WebSocket;

  constructor(ws: WebSocket) {
    this.ws = ws;
  }

  bufferedBytes(): number {
    return this.ws.bufferedAmount;
  }

  send(event: EventKind, _step: number, payload: string): void {
    // payload is `{"step":…}`: the event kind goes first.
    this.ws.send(`{"event":"${event}",${payload.slice(1)}`);
  }

  fail(error: string): void {
    this.ws.send(`{"event":"error","error":${error}}`);
    this.ws.close(1008, 'subscription ended by the server');
    const timer = setTimeout(() => this.ws.terminate(), failGraceMs);
    timer.unref();
    this.ws.once('close', () => clearTimeout(timer));
  }

  heartbeat(): void {
    this.ws.ping();
  }

  close(): void {
    this.ws.close(1001, 'server shutting down');
  }
}
