/**
 * @module test/clients/client-support
 * Shared by the real-client journeys: an Eddy server (`serve`, both protocols) on 127.0.0.1 with
 * free ports, child processes run without blocking the event loop the server lives on, and the
 * rule for a missing client: skipped with a reason outside CI, a failure when CI=true.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type EddyServer, serve } from '../../src/server/server.ts';
import { requirePrerequisite, skipUnlessPresent } from '../prerequisites.ts';

/** The repository root, where `.tools/` (git-ignored) holds the installed clients. */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export { inCi } from '../prerequisites.ts';

export interface ClientServer {
  readonly server: EddyServer;
  readonly pgPort: number;
  readonly httpPort: number;
  /** libpq-style connection settings, also the environment psql and psycopg read. */
  readonly env: Record<string, string>;
}

export async function startClientServer(): Promise<ClientServer> {
  const server = await serve({ host: '127.0.0.1', pgPort: 0, httpPort: 0 });
  const pgPort = server.pg.address().port;
  const httpPort = server.http.address().port;
  const env = { PGHOST: '127.0.0.1', PGPORT: String(pgPort), PGUSER: 'eddy', PGDATABASE: 'eddy' };
  return { server, pgPort, httpPort, env };
}

export interface Finished {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs a program to its end. Asynchronous on purpose: the server answering it runs in this
 * process, so a synchronous spawn would deadlock. A program still running after `timeoutMs` is
 * killed (its output so far is kept for the failure message).
 */
export function run(
  command: string,
  args: readonly string[],
  options: { env?: Record<string, string>; input?: string; cwd?: string; timeoutMs?: number } = {},
): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd ?? repoRoot,
      env: { ...process.env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    // Our own timer rather than spawn's `timeout`, which outlives a command that failed to start
    // and holds the test process open until it fires.
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.stdin.on('error', () => {}); // EPIPE from a program that exits without reading stdin
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** Whether `command args…` can be started and exits with 0 (a probe for an installed client). */
export async function works(command: string, args: readonly string[]): Promise<boolean> {
  try {
    return (await run(command, args, { timeoutMs: 30_000 })).code === 0;
  } catch {
    return false;
  }
}

/**
 * The `skip` option for a client journey: the reason outside CI when the client is missing, else
 * false (in CI the test then runs and `requireClient` fails it).
 */
export const skipUnlessInstalled = skipUnlessPresent;

export const requireClient = requirePrerequisite;

/** Reads the JSON lines a scripted client prints: one `{"step": …}` object per observation. */
export function observations(stdout: string): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    const parsed: unknown = JSON.parse(line);
    assert.ok(typeof parsed === 'object' && parsed !== null && 'step' in parsed, line);
    const record = parsed as Record<string, unknown>;
    out.set(String(record.step), record);
  }
  return out;
}

/** A failure message that shows what the client said. */
export function transcript(f: Finished): string {
  return `exit ${f.code ?? f.signal}\n--- stdout\n${f.stdout}\n--- stderr\n${f.stderr}`;
}
