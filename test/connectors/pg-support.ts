/**
 * Helpers of the PostgreSQL connector suites: `eddy serve --data-dir` as a child process (its
 * stderr kept, to check what it logged) that a test can kill with SIGKILL, and clients of it and
 * of the upstream PostgreSQL.
 */
import pg from 'pg';

export { client, kill, type ServeProcess as Served, startServe } from '../support/serve-process.ts';

export async function upstream(url: string): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  return c;
}

/** CREATE SECRET `<name>_pw` and CREATE CONNECTION `name` to the upstream at `url`. */
export function connectionSql(url: string, name: string, secret: string): string {
  const u = new URL(url);
  return `CREATE SECRET ${name}_pw AS '${secret}';
    CREATE CONNECTION ${name} WITH (type = 'postgres', host = '${u.hostname}', port = ${u.port},
      user = '${decodeURIComponent(u.username)}', password = SECRET ${name}_pw, dbname = '${u.pathname.slice(1)}')`;
}
