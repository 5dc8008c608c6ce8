/**
 * @module server/http/console-assets
 * Serves the console's built files (dist/console, made by `npm run build` from console/): the page
 * at `/` and its hashed assets under `/assets/`. Loaded by the HTTP server only when a browser
 * asks for the console, and the package's `eddydb/console` entry point, never by the library.
 * The files hold no data, so they are served before authentication (the page itself asks for a
 * login); only names of files the build wrote are served, read once and kept in memory.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SqlState } from '../../common/errors.ts';
import { HttpError } from './http-errors.ts';

/**
 * The folder of the built console: `dist/console` under the package root, which is three levels
 * above this module both as source (src/server/http) and as built (dist/server/http).
 */
export function consoleAssetsDir(): string {
  return fileURLToPath(new URL('../../../dist/console/', import.meta.url));
}

const contentTypes: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
};

/**
 * The page may load only its own files and talk only to its own server; no frames. Styles may be
 * set from script (charts position their parts), which CSP counts as inline style attributes.
 */
const contentSecurityPolicy =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

interface Asset {
  readonly body: Buffer;
  readonly type: string;
}

/** The built files, read on first use. */
export class ConsoleAssets {
  private readonly dir: string;
  private files: Map<string, Asset> | null = null;

  constructor(dir = consoleAssetsDir()) {
    this.dir = dir;
  }

  /** Answers `GET /` (`file` = null) or `GET /assets/{file}`; 404 for anything else. */
  serve(res: ServerResponse, file: string | null): void {
    const files = this.load();
    const name = file === null ? 'index.html' : `assets/${file}`;
    const asset = files.get(name);
    if (!asset) throw new HttpError(404, SqlState.undefinedObject, `no console file ${name}`);
    res.statusCode = 200;
    res.setHeader('Content-Type', asset.type);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Security-Policy', contentSecurityPolicy);
    res.setHeader('Referrer-Policy', 'no-referrer');
    // Asset names carry a content hash (the build's), so they never change; the page may.
    res.setHeader('Cache-Control', file === null ? 'no-cache' : 'public, max-age=31536000, immutable');
    res.end(asset.body);
  }

  private load(): Map<string, Asset> {
    if (this.files) return this.files;
    if (!existsSync(join(this.dir, 'index.html'))) {
      throw new HttpError(503, SqlState.undefinedObject, 'the console is not built', {
        hint: 'Run `npm run build` (it builds console/ into dist/console).',
      });
    }
    const files = new Map<string, Asset>();
    const add = (name: string) =>
      files.set(name, {
        body: readFileSync(join(this.dir, name)),
        type: contentTypes[extname(name)] ?? 'application/octet-stream',
      });
    add('index.html');
    const assets = join(this.dir, 'assets');
    if (existsSync(assets)) for (const f of readdirSync(assets)) add(`assets/${f}`);
    this.files = files;
    return files;
  }
}
