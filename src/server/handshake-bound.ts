/**
 * @module server/handshake-bound
 * Bounds the connections that have not authenticated yet (HTTP: no authorised request yet;
 * pgwire: startup and authentication not done), per listener. Past `handshakesMax` the oldest one
 * is cut, so a flood of half-open sockets cannot take every descriptor while clients that do
 * authenticate keep getting in; each pending connection is also cut after `handshakeTimeoutMs`.
 */
import type { Socket } from 'node:net';
import { EddyError, SqlState } from '../common/errors.ts';

export interface HandshakeLimits {
  /** Connections per listener still in their handshake; the next one evicts the oldest. */
  readonly handshakesMax: number;
  /** Time from connect to authenticated before the connection is cut. */
  readonly handshakeTimeoutMs: number;
}

/** What a listener's bound has seen, for /metrics. */
export interface HandshakeCounts {
  readonly pending: number;
  readonly evicted: number;
  readonly timedOut: number;
}

export const handshakeLimitsDefault: HandshakeLimits = { handshakesMax: 512, handshakeTimeoutMs: 10_000 };

/** Ends a pending connection that was evicted or timed out. */
export type HandshakeCut = (reason: 'evicted' | 'timeout') => void;

interface Pending {
  readonly timer: NodeJS.Timeout;
  readonly cut: HandshakeCut;
}

export class HandshakeBound {
  /** Pending sockets in arrival order (a Map iterates in insertion order: the first is the oldest). */
  private readonly pending = new Map<Socket, Pending>();
  private readonly limits: HandshakeLimits;
  /** Connections cut since the start, by reason. */
  evicted = 0;
  timedOut = 0;

  constructor(limits: Partial<HandshakeLimits> = {}) {
    checkHandshakeLimits(limits);
    this.limits = {
      handshakesMax: limits.handshakesMax ?? handshakeLimitsDefault.handshakesMax,
      handshakeTimeoutMs: limits.handshakeTimeoutMs ?? handshakeLimitsDefault.handshakeTimeoutMs,
    };
  }

  get size(): number {
    return this.pending.size;
  }

  counts(): HandshakeCounts {
    return { pending: this.pending.size, evicted: this.evicted, timedOut: this.timedOut };
  }

  get timeoutMs(): number {
    return this.limits.handshakeTimeoutMs;
  }

  /**
   * A new connection, pending until `authenticated`; evicts the oldest pending one when full.
   * `cut` ends it when it is evicted or times out (default: destroy the socket).
   */
  admit(socket: Socket, cut: HandshakeCut = () => socket.destroy()): void {
    while (this.pending.size >= this.limits.handshakesMax) {
      const [oldest, entry] = this.pending.entries().next().value as [Socket, Pending];
      this.forget(oldest);
      this.evicted++;
      entry.cut('evicted');
    }
    const timer = setTimeout(() => {
      if (!this.pending.has(socket)) return;
      this.forget(socket);
      this.timedOut++;
      cut('timeout');
    }, this.limits.handshakeTimeoutMs);
    timer.unref();
    this.pending.set(socket, { timer, cut });
    socket.once('close', () => this.forget(socket));
  }

  /** The connection authenticated (or is gone): it no longer counts. */
  authenticated(socket: Socket): void {
    this.forget(socket);
  }

  isPending(socket: Socket): boolean {
    return this.pending.has(socket);
  }

  /** Every pending socket (server shutdown). */
  sockets(): Socket[] {
    return [...this.pending.keys()];
  }

  private forget(socket: Socket): void {
    const entry = this.pending.get(socket);
    if (entry === undefined) return;
    clearTimeout(entry.timer);
    this.pending.delete(socket);
  }
}

/** Limits given by a user (flags, options) must be positive integers. */
function checkHandshakeLimits(limits: Partial<HandshakeLimits>): void {
  for (const [name, value] of Object.entries(limits)) {
    if (value !== undefined && !(Number.isSafeInteger(value) && value > 0))
      throw new EddyError({
        code: SqlState.invalidParameterValue,
        message: `${name} must be a positive integer, got ${value}`,
      });
  }
}
