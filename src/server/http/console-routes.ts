/**
 * @module server/http/console-routes
 * The console's routes that come before authentication: the page and its assets (no data in
 * them), and the login that turns a user's name and password into a session cookie
 * (`POST /console/login`, `POST /console/logout`, `GET /console/session`). Everything the page
 * then reads goes through the API's usual routes, with the cookie as credentials.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DataError, SqlState } from '../../common/errors.ts';
import type { ConsoleAssets } from './console-assets.ts';
import { type ConsoleSessions, sessionCookie, sessionToken } from './console-session.ts';
import type { Credentials } from './http-access.ts';
import { readBody } from './http-body.ts';
import { HttpError, requireMethod } from './http-errors.ts';

/** Login bodies are a name and a password: a few KiB at most. */
const loginBodyBytesMax = 8192;

export interface ConsoleRouteContext {
  readonly credentials: Credentials;
  readonly sessions: ConsoleSessions;
  readonly secure: boolean;
  /** The built files, loaded on first use (so a server nobody browses never reads them). */
  readonly assets: () => Promise<ConsoleAssets>;
}

/** Whether a path is one of these routes (`/`, `/assets/{file}`, `/console/{action}`). */
export function isConsoleRoute(first: string, name: string | undefined, extra: string | undefined): boolean {
  if (extra !== undefined) return false;
  if (first === '') return name === undefined;
  return (first === 'assets' || first === 'console') && name !== undefined && name !== '';
}

/** Answers a console route; returns the status sent. Errors are thrown for the caller to answer. */
export async function serveConsoleRoute(
  ctx: ConsoleRouteContext,
  req: IncomingMessage,
  res: ServerResponse,
  first: string,
  name: string | undefined,
): Promise<number> {
  if (first === '' || first === 'assets') {
    requireMethod(req, 'GET');
    (await ctx.assets()).serve(res, first === '' ? null : name!);
    return 200;
  }
  switch (name) {
    case 'session': {
      requireMethod(req, 'GET');
      const token = sessionToken(req);
      const user = token === undefined ? undefined : ctx.sessions.user(token);
      return json(res, 200, { authRequired: ctx.credentials.required, user: user ?? null });
    }
    case 'login': {
      requireMethod(req, 'POST');
      if (!ctx.credentials.required) return json(res, 200, { authRequired: false, user: null });
      const { user, password } = loginRequest(await readBody(req, loginBodyBytesMax));
      const userName = ctx.credentials.login(user, password);
      res.setHeader('Set-Cookie', sessionCookie(ctx.sessions.create(userName), ctx.secure));
      return json(res, 200, { authRequired: true, user: userName });
    }
    case 'logout': {
      requireMethod(req, 'POST');
      const token = sessionToken(req);
      if (token !== undefined) ctx.sessions.end(token);
      res.setHeader('Set-Cookie', sessionCookie('', ctx.secure));
      return json(res, 200, { authRequired: ctx.credentials.required, user: null });
    }
    default:
      throw new HttpError(404, SqlState.undefinedObject, `no endpoint /console/${name}`);
  }
}

function loginRequest(body: string): { user: string; password: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = null;
  }
  const request = parsed as { user?: unknown; password?: unknown } | null;
  if (
    request === null ||
    typeof request !== 'object' ||
    typeof request.user !== 'string' ||
    typeof request.password !== 'string'
  ) {
    throw new DataError(
      SqlState.invalidParameterValue,
      'the body must be {"user": string, "password": string}',
    );
  }
  return { user: request.user, password: request.password };
}

function json(res: ServerResponse, status: number, body: unknown): number {
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.end(JSON.stringify(body));
  return status;
}
