/**
 * @module cli/remote
 * The CLI against a running server (`--url http://host:6876`): SQL over the HTTP API (`POST /sql`)
 * with results and errors printed as the in-process CLI prints them, and `eddy status` from
 * /health and /metrics. Imports nothing of the engine.
 */
import { CommandFailure } from './command-line.ts';
import type { ParsedCommandLine, statusCommand } from './commands.ts';
import type { SqlErrorFields } from './error-report.ts';
import { formatTable } from './table-format.ts';

interface RemoteResult {
  readonly command: string;
  readonly columns: readonly { readonly name: string; readonly type: string }[];
  readonly rows: readonly (readonly unknown[])[];
}

/** Type names (as the HTTP API spells them) whose values psql aligns right. */
const numericTypeNames = new Set(['smallint', 'integer', 'bigint', 'numeric', 'real', 'double precision']);

/** Runs `sql` on the server: each result as printable text, and the error that stopped it. */
export async function remoteExecute(
  url: string,
  sql: string,
): Promise<{ results: string[]; error?: SqlErrorFields }> {
  const response = await fetchFrom(url, '/sql', {
    method: 'POST',
    headers: { 'content-type': 'text/plain', ...authHeader() },
    body: sql,
  });
  const body = (await response.json().catch(() => ({}))) as {
    results?: RemoteResult[];
    error?: SqlErrorFields;
  };
  const results = (body.results ?? []).map(formatRemote);
  if (body.error) return { results, error: body.error };
  if (!response.ok)
    return { results, error: { code: 'XX000', message: `HTTP ${response.status} from ${url}` } };
  return { results };
}

/** fetch, with an unreachable server or a malformed URL reported as one line. */
export async function fetchFrom(url: string, path: string, init: RequestInit = {}): Promise<Response> {
  let target: URL;
  try {
    target = new URL(path, url);
  } catch {
    throw new CommandFailure(`"${url}" is not a URL (e.g. http://127.0.0.1:6876)`);
  }
  try {
    return await fetch(target, init);
  } catch (err) {
    const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
    throw new CommandFailure(
      `cannot reach ${url}: ${cause instanceof Error ? cause.message : String(cause)}`,
    );
  }
}

/** `EDDY_USER` / `EDDY_PASSWORD` from the environment, as HTTP basic credentials. */
function authHeader(): Record<string, string> {
  const user = process.env.EDDY_USER;
  if (!user) return {};
  return {
    authorization: `Basic ${Buffer.from(`${user}:${process.env.EDDY_PASSWORD ?? ''}`).toString('base64')}`,
  };
}

function formatRemote(result: RemoteResult): string {
  if (result.columns.length === 0) return result.command;
  return formatTable(
    result.columns.map((c) => c.name),
    result.rows.map((row) =>
      row.map((v) => (v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v))),
    ),
    result.columns.map((c) => numericTypeNames.has(c.type)),
  );
}

/** `eddy status`: whether the server answers, and its main counters; exit code 1 when it does not. */
export async function runStatus({ values }: ParsedCommandLine<typeof statusCommand>): Promise<number> {
  const url = values.url ?? 'http://127.0.0.1:6876';
  const health = await fetchFrom(url, '/health', { headers: authHeader() });
  const metrics = await fetchFrom(url, '/metrics', { headers: authHeader() });
  const text = await metrics.text();
  const pick = (name: string): string =>
    text
      .split('\n')
      .filter((l) => l.startsWith(name) && !l.startsWith('#'))
      .map((l) => `  ${l}`)
      .join('\n');
  const lines = [
    `${url}: ${health.ok ? 'serving' : `unhealthy (HTTP ${health.status})`}`,
    pick('eddy_steps_total'),
    pick('eddy_sessions{'),
    pick('eddy_http_subscriptions{'),
  ];
  process.stdout.write(`${lines.filter(Boolean).join('\n')}\n`);
  return health.ok ? 0 : 1;
}
