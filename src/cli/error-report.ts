/**
 * @module cli/error-report
 * How the CLI prints failures. A SQL error is shown as psql shows it (`ERROR:`, then `LINE n:`
 * with a caret under the error's position, then DETAIL and HINT), the same for an error raised
 * in-process and one received from a server. Any other failure (a missing file, a port in use,
 * an unreachable server, a usage mistake, a refused setting) is one line: never a stack trace.
 */
import { EddyError } from '../common/errors.ts';
import { CommandFailure, UsageError } from './command-line.ts';

/** The ErrorResponse fields the CLI prints: an EddyError, or the HTTP API's error object. */
export interface SqlErrorFields {
  readonly code: string;
  readonly message: string;
  readonly detail?: string;
  readonly hint?: string;
  /** 1-based character position in the statement text the error refers to. */
  readonly position?: number;
}

/** Characters of a long line shown around the error, as psql trims it. */
const contextWidth = 60;

/**
 * psql's layout of a SQL error. `source` is the text the position counts in (a script or a
 * statement); LINE numbers count from its first line.
 */
export function formatSqlError(error: SqlErrorFields, source?: string): string {
  const lines = [`ERROR:  ${error.message}`];
  if (error.position !== undefined && source !== undefined)
    lines.push(...positionLines(source, error.position));
  if (error.detail) lines.push(`DETAIL:  ${error.detail}`);
  if (error.hint) lines.push(`HINT:  ${error.hint}`);
  lines.push(`SQLSTATE: ${error.code}`);
  return lines.join('\n');
}

/** `LINE n: …text…` and a caret under the character at `position` (1-based). */
function positionLines(source: string, position: number): string[] {
  const chars = Array.from(source);
  const at = Math.min(Math.max(position - 1, 0), chars.length);
  const before = chars.slice(0, at);
  const lineNumber = before.filter((c) => c === '\n').length + 1;
  const lineStart = before.lastIndexOf('\n') + 1;
  let lineEnd = chars.indexOf('\n', at);
  if (lineEnd < 0) lineEnd = chars.length;
  let line = chars.slice(lineStart, lineEnd).map((c) => (c === '\t' || c === '\r' ? ' ' : c));
  let column = at - lineStart;
  // A long line is cut to a window around the error, each cut marked "...", as psql does.
  if (line.length > contextWidth) {
    const start = Math.max(0, Math.min(column - contextWidth / 2, line.length - contextWidth));
    const cutEnd = start + contextWidth < line.length;
    line = [
      ...(start > 0 ? ['...'] : []),
      ...line.slice(start, start + contextWidth),
      ...(cutEnd ? ['...'] : []),
    ];
    column = column - start + (start > 0 ? 3 : 0);
  }
  const label = `LINE ${lineNumber}: `;
  return [`${label}${line.join('').trimEnd()}`, `${' '.repeat(label.length + column)}^`];
}

/** Exit code of a failure: 2 for a usage mistake, 1 for anything else. */
export function exitCodeOf(err: unknown): number {
  return err instanceof UsageError ? 2 : 1;
}

/**
 * One line for a failure outside SQL, prefixed with the command (`eddy run: …`). Unexpected
 * errors say so; their stack is printed only with EDDY_DEBUG set.
 */
export function describeFailure(command: string, err: unknown): string {
  const prefix = command ? `eddy ${command}` : 'eddy';
  if (err instanceof UsageError)
    return `${prefix}: ${err.message} (see eddy ${command ? `${command} ` : ''}--help)`;
  if (err instanceof EddyError) return `${prefix}: ${err.message}${err.hint ? ` (hint: ${err.hint})` : ''}`;
  if (err instanceof CommandFailure) return `${prefix}: ${err.message}`;
  const system = systemErrorText(err);
  if (system) return `${prefix}: ${system}`;
  const text = err instanceof Error ? err.message : String(err);
  const stack = process.env.EDDY_DEBUG && err instanceof Error ? `\n${err.stack}` : '';
  return `${prefix}: internal error: ${text}${stack}`;
}

interface SystemError {
  readonly code: string;
  readonly syscall?: string;
  readonly path?: string;
  readonly address?: string;
  readonly port?: number;
}

const systemReasons: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EISDIR: 'is a directory',
  EADDRINUSE: 'address already in use',
  EADDRNOTAVAIL: 'address not available',
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  ECONNRESET: 'connection reset',
  ETIMEDOUT: 'timed out',
};

/** Why a Node.js system call failed, in words (`no such file or directory`); undefined otherwise. */
export function systemErrorReason(err: unknown): string | undefined {
  const code = (err as Partial<SystemError> | undefined)?.code;
  if (typeof code !== 'string' || !/^E[A-Z]+$/.test(code)) return undefined;
  return systemReasons[code] ?? (err instanceof Error ? err.message : code);
}

/** A Node.js system error (or a fetch failure caused by one) in words; undefined otherwise. */
function systemErrorText(err: unknown): string | undefined {
  const e = (err instanceof TypeError && err.cause ? err.cause : err) as Partial<SystemError>;
  const reason = systemErrorReason(e);
  if (reason === undefined) return undefined;
  if (e.syscall === 'listen' || e.syscall === 'bind')
    return `cannot listen on ${e.address ?? ''}:${e.port ?? ''}: ${reason}`;
  if (e.syscall === 'connect' || e.syscall === 'getaddrinfo')
    return `cannot connect to ${e.address ?? (e as { hostname?: string }).hostname ?? ''}${e.port ? `:${e.port}` : ''}: ${reason}`;
  if (e.path) return `cannot open "${e.path}": ${reason}`;
  return reason;
}
