/**
 * @module console/api
 * The console's calls to its own server (docs/openapi.yaml): same origin, the session cookie as
 * credentials. Every call marks itself with X-Eddy-Console so a 401 comes without the header that
 * would open the browser's own password prompt; the console shows its login form instead.
 */

export interface ApiErrorFields {
  readonly code: string;
  readonly message: string;
  readonly detail?: string;
  readonly hint?: string;
  /** 1-based character position in the SQL text, as PostgreSQL reports it. */
  readonly position?: number;
}

/** An error answered by the server, with its SQLSTATE. */
export class ApiError extends Error {
  readonly status: number;
  readonly fields: ApiErrorFields;
  constructor(status: number, fields: ApiErrorFields) {
    super(fields.message);
    this.status = status;
    this.fields = fields;
  }
}

export interface Column {
  readonly name: string;
  readonly type: string;
}

export interface CatalogObject {
  readonly name: string;
  /** `table`, `source`, `view`, `materializedView`; later kinds (sinks, checkpoints) are more entries. */
  readonly kind: string;
  readonly columns: readonly Column[];
  readonly sql: string;
  readonly dependsOn: readonly (string | null)[];
  readonly dependents: readonly string[];
  readonly primaryKey: readonly string[];
  readonly indexes: readonly { readonly name: string; readonly columns: readonly string[] }[];
  readonly rows: number | null;
  readonly hydration: { readonly done: number; readonly total: number } | null;
  readonly error: ApiErrorFields | null;
}

export interface SqlResult {
  readonly command: string;
  readonly rowCount: number;
  readonly columns: readonly Column[];
  readonly rows: readonly (readonly unknown[])[];
}

export interface Stats {
  readonly now: number;
  readonly uptimeMs: number;
  readonly step: number;
  readonly rowsIn: number;
  readonly rowsOut: number;
  readonly latency: { readonly steps: number; readonly p50Ms: number | null; readonly p99Ms: number | null };
  /** `stateBytes`: every materialized view's operator state, approximate (docs/console.md). */
  readonly memory: { readonly rssBytes: number; readonly heapUsedBytes: number; readonly stateBytes: number };
  readonly sessions: Readonly<Record<string, number>>;
  readonly subscriptions: { readonly sse: number; readonly websocket: number };
  readonly errors: Readonly<Record<string, number>>;
  /** `rows`: the view's own rows in error now (0 when the error comes from a view it reads). */
  readonly viewErrors: readonly ({ readonly view: string; readonly rows: number } & ApiErrorFields)[];
}

export interface DataflowNode {
  readonly id: number;
  readonly operator: string;
  readonly relation: string | null;
  readonly inputs: readonly number[];
  readonly rowsIn: number;
  readonly rowsOut: number;
  readonly runs: number;
  readonly busyMs: number;
  readonly stateEntries: number | null;
  /** Approximate bytes retained by the operator's state (docs/console.md); null when stateless. */
  readonly stateBytes: number | null;
}

export interface Dataflow {
  readonly view: string;
  readonly step: number;
  readonly now: number;
  readonly hydration: { readonly done: number; readonly total: number } | null;
  readonly nodes: readonly DataflowNode[];
}

export interface SessionInfo {
  readonly authRequired: boolean;
  readonly user: string | null;
}

/** Called when the server answers 401: the session is gone, show the login. */
let onUnauthorized: () => void = () => {};
export function setUnauthorizedHandler(handler: () => void): void {
  onUnauthorized = handler;
}

async function call<T>(path: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(path, {
    ...init,
    credentials: 'same-origin',
    headers: { 'X-Eddy-Console': '1', ...(init.headers as Record<string, string> | undefined) },
  });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ApiError(response.status, {
      code: 'XX000',
      message: `unexpected answer: ${text.slice(0, 200)}`,
    });
  }
  if (!response.ok) {
    if (response.status === 401 && !path.startsWith('/console/')) onUnauthorized();
    const error = (body as { error?: ApiErrorFields }).error;
    throw new ApiError(response.status, error ?? { code: 'XX000', message: `HTTP ${response.status}` });
  }
  return body as T;
}

export const api = {
  session: () => call<SessionInfo>('/console/session'),
  login: (user: string, password: string) =>
    call<SessionInfo>('/console/login', { method: 'POST', body: JSON.stringify({ user, password }) }),
  logout: () => call<SessionInfo>('/console/logout', { method: 'POST' }),
  catalog: () => call<{ step: number; objects: CatalogObject[] }>('/catalog'),
  stats: () => call<Stats>('/stats'),
  dataflow: (view: string) => call<Dataflow>(`/dataflow/${encodeURIComponent(view)}`),
  sql: (sql: string) =>
    call<{ results: SqlResult[]; step: number }>('/sql', {
      method: 'POST',
      body: sql,
      headers: { 'Content-Type': 'text/plain; charset=utf-8' },
    }),
};

/** A subscription URL for EventSource (the cookie goes with it; no header needed). */
export function subscribeUrl(view: string, afterStep: number | null): string {
  const base = `/subscribe/${encodeURIComponent(view)}`;
  return afterStep === null ? base : `${base}?from=${afterStep}`;
}
