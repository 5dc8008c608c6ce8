/**
 * @module server/http/console-session
 * Browser sessions for the console: a browser's EventSource and WebSocket cannot send an
 * Authorization header, so the console logs in once (`POST /console/login` with a user's name
 * and password) and gets a random token in an HttpOnly, SameSite=Strict cookie that the API then
 * accepts like credentials. Tokens live in memory only (a restart logs everyone out), expire
 * after `sessionTtlMs`, and are bounded in number (the oldest goes first).
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const sessionCookieName = 'eddy_session';
/** How long a console login lasts. */
export const sessionTtlMs = 12 * 60 * 60 * 1000;
/** Logins kept at once; past it the oldest is forgotten. */
export const sessionsMax = 1024;

export class ConsoleSessions {
  /** token → user and expiry, in creation order (a Map iterates in insertion order). */
  private readonly sessions = new Map<string, { readonly user: string; readonly expiresAt: number }>();

  /** A new session for `user`; returns its token. */
  create(user: string, now = Date.now()): string {
    const token = randomBytes(32).toString('base64url');
    if (this.sessions.size >= sessionsMax) this.sessions.delete(this.sessions.keys().next().value!);
    this.sessions.set(token, { user, expiresAt: now + sessionTtlMs });
    return token;
  }

  /** The user of a live session token, else undefined (an expired one is forgotten). */
  user(token: string, now = Date.now()): string | undefined {
    const session = this.sessions.get(token);
    if (!session) return undefined;
    if (session.expiresAt <= now) {
      this.sessions.delete(token);
      return undefined;
    }
    return session.user;
  }

  end(token: string): void {
    this.sessions.delete(token);
  }
}

/** The session token a request's Cookie header carries, if any. */
export function sessionToken(req: IncomingMessage): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === sessionCookieName) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** The Set-Cookie value for a token (`''` with max age 0 clears it); Secure over TLS. */
export function sessionCookie(token: string, secure: boolean): string {
  const maxAge = token === '' ? 0 : Math.floor(sessionTtlMs / 1000);
  return `${sessionCookieName}=${token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${secure ? '; Secure' : ''}`;
}
