/**
 * @module test/chaos/sse-follower
 * A subscriber that follows a view over HTTP Server-Sent Events across a server crash: it keeps
 * the view's rows (snapshot plus changes) and the last step it saw, and after the restart resumes
 * with `Last-Event-ID`, so the server must send exactly the changes it missed (or a resync, which
 * replaces the rows). How it resumed is part of the run's report.
 */
import { type ClientRequest, request } from 'node:http';
import { canonicalRow, SubscriberState } from './check.ts';

/** How the follower's reconnection was answered. */
export type ResumeOutcome = 'resumed' | 'resync' | 'snapshot' | 'none';

export class SseFollower {
  readonly state = new SubscriberState();
  /** The last step token the server gave (the SSE `id`), sent back on reconnection. */
  lastEventId: number | undefined;
  /** The first event after the latest reconnection, and errors the stream reported. */
  outcome: ResumeOutcome = 'none';
  readonly errors: string[] = [];
  private req: ClientRequest | undefined;
  private awaitingFirst = false;

  /** Connects (resuming after `lastEventId` when there is one); resolves once the stream is open. */
  connect(base: string, view: string): Promise<void> {
    this.awaitingFirst = true;
    this.outcome = this.lastEventId === undefined ? 'snapshot' : 'resumed';
    const headers: Record<string, string> = { accept: 'text/event-stream' };
    if (this.lastEventId !== undefined) headers['last-event-id'] = String(this.lastEventId);
    return new Promise((resolve, reject) => {
      const req = request(`${base}/subscribe/${view}`, { headers }, (res) => {
        if (res.statusCode !== 200) {
          reject(new Error(`subscribe: HTTP ${res.statusCode}`));
          res.resume();
          return;
        }
        resolve();
        let buffer = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffer += chunk;
          for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
            this.onEvent(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
          }
        });
        res.on('error', () => {});
      });
      req.on('error', (e) => reject(e));
      req.end();
      this.req = req;
    });
  }

  close(): void {
    this.req?.destroy();
  }

  private onEvent(text: string): void {
    let kind = 'message';
    let id: number | undefined;
    let data = '';
    for (const line of text.split('\n')) {
      if (line.startsWith('event: ')) kind = line.slice(7);
      else if (line.startsWith('id: ')) id = Number(line.slice(4));
      else if (line.startsWith('data: ')) data += line.slice(6);
    }
    if (data === '') return;
    const payload = JSON.parse(data) as {
      step?: number;
      rows?: unknown[][];
      changes?: { row: unknown[]; weight: number }[];
      error?: { message: string };
    };
    if (kind === 'error' || kind === 'view-error') {
      this.errors.push(`${kind}: ${payload.error?.message ?? data}`);
      return;
    }
    if (this.awaitingFirst && kind === 'resync') this.outcome = 'resync';
    this.awaitingFirst = false;
    const step = payload.step ?? id ?? -1;
    if (kind === 'snapshot' || kind === 'resync') {
      this.state.reset();
      for (const row of payload.rows ?? []) this.state.apply(step, canonicalRow(row), 1);
    }
    for (const c of payload.changes ?? []) this.state.apply(step, canonicalRow(c.row), c.weight);
    if (step > this.state.lastStep) this.state.lastStep = step;
    if (id !== undefined) this.lastEventId = id;
  }
}
