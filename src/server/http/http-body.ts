/**
 * @module server/http/http-body
 * Reads a request body under a byte limit: a declared Content-Length over the limit is refused
 * before any byte is read, and a streamed body is refused as soon as it passes the limit, so no
 * more than `limit` bytes are ever held for one request.
 */

import type { IncomingMessage } from 'node:http';
import { SqlState } from '../../common/errors.ts';
import { decodeUtf8 } from '../../common/utf8-text.ts';
import { HttpError } from './http-errors.ts';

/** The 16 MiB default of `bodyBytesMax`. */
export const bodyBytesMaxDefault = 16 * 1024 * 1024;

function tooLarge(limit: number): HttpError {
  return new HttpError(413, SqlState.programLimitExceeded, `request body exceeds ${limit} bytes`, {
    hint: 'Split the rows over several requests, or raise the limit (eddy serve --max-body-size BYTES).',
  });
}

/** The whole body as UTF-8 text; rejects with a 413 HttpError past `limit` bytes. */
export async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return decodeUtf8(await readBodyBytes(req, limit));
}

/** The whole body as bytes (a webhook signs the bytes); rejects with a 413 HttpError past `limit` bytes. */
export function readBodyBytes(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) {
    discardRest(req);
    return Promise.reject(tooLarge(limit));
  }
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        chunks.length = 0;
        discardRest(req);
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    const onAborted = () => {
      cleanup();
      reject(new HttpError(400, SqlState.connectionFailure, 'the client closed the connection mid-request'));
    };
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onAborted);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onAborted);
  });
}

/**
 * Lets the rest of a refused body drain unread (never buffered). The 413 answer does not close
 * the connection itself: closing a socket with the client's bytes still arriving resets it, and
 * the reset can discard the answer before the client reads it. A body that has not ended
 * within 2 s is cut off instead.
 */
function discardRest(req: IncomingMessage): void {
  req.on('data', () => {});
  req.resume();
  const timer = setTimeout(() => req.socket.destroy(), 2000);
  timer.unref();
  req.once('end', () => clearTimeout(timer));
  req.socket.once('close', () => clearTimeout(timer));
}
