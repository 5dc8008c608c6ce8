/**
 * @module server/http/http-access
 * Who may talk to the HTTP API. Without users the server listens on loopback only and accepts
 * only requests addressed to a loopback host name (so a web page cannot reach it through DNS
 * rebinding); with users every request but /health and /ready needs Basic credentials or a
 * bearer token (a user's password). Browser requests from another origin are refused unless
 * that origin is allowed, so a page cannot drive the API with the developer's access.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIPv4, isIPv6 } from 'node:net';
import { EddyError, SqlState } from '../../common/errors.ts';
import { HttpError } from './http-errors.ts';

export interface HttpUser {
  readonly name: string;
  readonly password: string;
}

/** True for 127.0.0.0/8, ::1 (also IPv4-mapped) and `localhost`. */
export function isLoopbackHost(host: string): boolean {
  const h = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIPv4(h)) return h.startsWith('127.');
  if (isIPv6(h)) {
    const lower = h.toLowerCase();
    return (
      lower === '::1' ||
      lower === '0:0:0:0:0:0:0:1' ||
      (lower.startsWith('::ffff:') && isLoopbackHost(lower.slice(7)))
    );
  }
  return false;
}

/** Refuses to serve a non-loopback address without authentication, saying how to fix it. */
export function checkListenAddress(host: string, users: readonly HttpUser[] | undefined): void {
  if (isLoopbackHost(host) || (users !== undefined && users.length > 0)) return;
  throw new EddyError({
    code: SqlState.invalidAuthorizationSpecification,
    message: `refusing to serve HTTP on ${host || 'all interfaces'} without authentication`,
    hint: 'Configure at least one user (eddy serve --user NAME:PASSWORD, or EDDY_USERS), or listen on 127.0.0.1.',
  });
}

/** Checks credentials in constant time per user (SHA-256 digests, so lengths do not leak). */
export class Credentials {
  private readonly users: readonly { name: Buffer; password: Buffer; label: string }[];

  constructor(users: readonly HttpUser[]) {
    this.users = users.map((u) => ({ name: digest(u.name), password: digest(u.password), label: u.name }));
  }

  get required(): boolean {
    return this.users.length > 0;
  }

  /**
   * The user a request authenticates as: `Authorization: Basic` or `Bearer <password>`, or an
   * `access_token` query parameter (browsers' EventSource and WebSocket cannot set headers).
   */
  authenticate(req: IncomingMessage, accessToken: string | null): string {
    const header = req.headers.authorization;
    if (header === undefined && accessToken === null) {
      throw unauthorized('authentication required', SqlState.invalidAuthorizationSpecification);
    }
    if (header?.startsWith('Basic ')) {
      const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      const name = colon < 0 ? decoded : decoded.slice(0, colon);
      const password = colon < 0 ? '' : decoded.slice(colon + 1);
      return this.login(name, password);
    }
    const token = header?.startsWith('Bearer ')
      ? header.slice(7).trim()
      : header === undefined
        ? accessToken
        : null;
    if (token === null) {
      throw unauthorized('unsupported authorization scheme', SqlState.invalidAuthorizationSpecification);
    }
    const t = digest(token);
    let found: string | undefined;
    for (const u of this.users) if (timingSafeEqual(u.password, t)) found = u.label;
    if (found !== undefined) return found;
    throw unauthorized('invalid bearer token', SqlState.invalidPassword);
  }

  /** The user `name` when `password` is theirs (every user compared, in constant time); else 28P01. */
  login(name: string, password: string): string {
    const n = digest(name);
    const p = digest(password);
    let found: string | undefined;
    for (const u of this.users)
      if (timingSafeEqual(u.name, n) && timingSafeEqual(u.password, p)) found = u.label;
    if (found !== undefined) return found;
    throw unauthorized(`password authentication failed for user "${name}"`, SqlState.invalidPassword);
  }
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

function unauthorized(
  message: string,
  code: typeof SqlState.invalidPassword | typeof SqlState.invalidAuthorizationSpecification,
): HttpError {
  return new HttpError(401, code, message, {
    hint: 'Send Authorization: Basic (user:password) or Bearer <password>.',
    headers: { 'WWW-Authenticate': 'Basic realm="eddy", charset="UTF-8"' },
  });
}

const portSuffix = /:\d+$/;

/**
 * Without authentication, the Host header must name a loopback host: a page on another site
 * that rebinds its DNS name to 127.0.0.1 still sends its own name and is refused.
 */
export function checkHostHeader(req: IncomingMessage): void {
  const host = req.headers.host;
  if (host === undefined) return; // HTTP/1.0 clients; no browser omits it
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(portSuffix, '');
  if (!isLoopbackHost(name)) {
    throw new HttpError(
      403,
      SqlState.insufficientPrivilege,
      `host "${host}" is not served without authentication`,
      {
        hint: 'Address the server as localhost or 127.0.0.1, or configure users.',
      },
    );
  }
}

/**
 * The `Origin` a browser sent, if it is allowed (same origin as the Host header, or listed);
 * undefined without an Origin header; a 403 for any other origin.
 */
export function checkOrigin(req: IncomingMessage, allowed: readonly string[]): string | undefined {
  const origin = req.headers.origin;
  if (origin === undefined) return undefined;
  if (allowed.includes('*') || allowed.includes(origin)) return origin;
  let sameHost = false;
  try {
    sameHost = new URL(origin).host === req.headers.host;
  } catch {
    sameHost = false;
  }
  if (sameHost) return origin;
  throw new HttpError(403, SqlState.insufficientPrivilege, `origin "${origin}" is not allowed`, {
    hint: 'Serve the page from this server, or allow its origin (eddy serve --allowed-origin ORIGIN).',
  });
}
