/**
 * @module cli/remote
 * The CLI against a running server (`--url http://host:6876`): SQL over the HTTP API (`POST /sql`)
 * with results printed as the in-process CLI prints them, and `eddy status` from /health and
 * /metrics.
 */
interface RemoteResult {
  readonly command: string;
  readonly columns: readonly { readonly name: string; readonly type: string }[];
  readonly rows: readonly (readonly unknown[])[];
}

interface RemoteError {
  readonly code: string;
  readonly message: string;
  readonly detail?: string;
  readonly hint?: string;
  readonly position?: number;
}

/** Runs `sql` on the server; returns printable text and whether it failed. */
export async function remoteExecute(url: string, sql: string): Promise<{ text: string; failed: boolean }> {
  const response = await fetch(new URL('/sql', url), {
    method: 'POST',
    headers: { 'content-type': 'text/plain', ...authHeader() },
    body: sql,
  });
  const body = (await response.json()) as { results?: RemoteResult[]; error?: RemoteError };
  const parts = (body.results ?? []).map(formatRemote);
  if (body.error) {
    const e = body.error;
    const where = e.position !== undefined ? ` (at character ${e.position})` : '';
    parts.push(
      `ERROR:  ${e.message}${where}\nSQLSTATE: ${e.code}${e.detail ? `\nDETAIL:  ${e.detail}` : ''}${e.hint ? `\nHINT:  ${e.hint}` : ''}`,
    );
  }
  return { text: parts.join('\n'), failed: body.error !== undefined };
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
  const header = result.columns.map((c) => c.name);
  const cells = result.rows.map((row) =>
    row.map((v) => (v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v))),
  );
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]!.length)));
  const line = (values: string[]): string =>
    ` ${values.map((v, i) => v.padEnd(widths[i]!)).join(' | ')}`.trimEnd();
  return [
    line(header),
    widths.map((w) => '-'.repeat(w + 2)).join('+'),
    ...cells.map(line),
    `(${result.rows.length} ${result.rows.length === 1 ? 'row' : 'rows'})`,
  ].join('\n');
}

/** `eddy status`: whether the server answers, and its main counters. */
export async function remoteStatus(url: string): Promise<{ text: string; failed: boolean }> {
  try {
    const health = await fetch(new URL('/health', url), { headers: authHeader() });
    const metrics = await fetch(new URL('/metrics', url), { headers: authHeader() });
    const text = await metrics.text();
    const pick = (name: string): string =>
      text
        .split('\n')
        .filter((l) => l.startsWith(name) && !l.startsWith('#'))
        .map((l) => `  ${l}`)
        .join('\n');
    return {
      text: [
        `${url}: ${health.ok ? 'serving' : `unhealthy (HTTP ${health.status})`}`,
        pick('eddy_steps_total'),
        pick('eddy_sessions{'),
        pick('eddy_http_subscriptions{'),
      ]
        .filter(Boolean)
        .join('\n'),
      failed: !health.ok,
    };
  } catch (err) {
    return {
      text: `${url}: not reachable (${err instanceof Error ? err.message : String(err)})`,
      failed: true,
    };
  }
}
