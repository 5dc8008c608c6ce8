/**
 * @module test/chaos/server-target
 * The server driver: `eddy serve --data-dir DIR` in a child process, written to by several
 * concurrent clients from the harness, each with its own node-postgres connection (SQL
 * transactions as BEGIN … COMMIT, DDL) and HTTP `POST /ingest` (single-table inserts); a
 * subscriber follows a view with `DECLARE … CURSOR FOR SUBSCRIBE` and FETCH.
 */
import pg from 'pg';
import { canonicalRow, type Dump } from './check.ts';
import { type ClientRun, runClientLoop } from './client-loop.ts';
import {
  ChildHandle,
  repoRoot,
  type StartOptions,
  type Target,
  TargetDied,
  type TargetEvents,
} from './target.ts';
import {
  allViewSpecs,
  type ClientState,
  setupScript,
  statementsOf,
  type TableName,
  tables,
  type Write,
} from './workload.ts';

export class ServerTarget implements Target {
  readonly subscriberSeesEveryStep = true;
  readonly opened: Promise<void>;
  openMs = 0;
  recoveryMs: number | undefined;
  viewsRestored: number | undefined;
  private readonly handle: ChildHandle;
  private readonly events: TargetEvents;
  private pgPort = 0;
  httpBase = '';
  private readonly clients = new Set<pg.Client>();

  constructor(options: StartOptions) {
    this.events = options.events;
    const args = [
      'serve',
      '--data-dir',
      options.dir,
      '--host',
      '127.0.0.1',
      '--pg-port',
      '0',
      '--http-port',
      '0',
      ...options.serveArgs,
    ];
    this.handle = new ChildHandle([`${repoRoot}src/cli/main.ts`, ...args], options);
    const started = performance.now();
    this.opened = new Promise<void>((resolve, reject) => {
      const stop = this.handle.onDeath(() =>
        reject(new TargetDied(`eddy serve died before serving: ${this.stderrTail()}`)),
      );
      this.handle.readLines((line) => {
        const recovered = /^eddy: recovered .* in ([\d.]+) ms/.exec(line);
        if (recovered !== null) this.recoveryMs = Number(recovered[1]);
        const restored = /^eddy: recovered .*\((\d+) views restored\)/.exec(line);
        if (restored !== null) this.viewsRestored = Number(restored[1]);
        const m = /PostgreSQL on [^\s]+:(\d+) .* HTTP on (https?:\/\/[^\s]+)/.exec(line);
        if (m === null) return;
        this.pgPort = Number(m[1]);
        this.httpBase = m[2]!;
        this.openMs = performance.now() - started;
        stop();
        resolve();
      });
    });
  }

  get alive(): boolean {
    return this.handle.alive;
  }

  get exited(): Promise<void> {
    return this.handle.exited;
  }

  private stderrTail(): string {
    return this.handle.stderr.trim().split('\n').slice(-3).join(' | ');
  }

  /** A connection whose errors (the server died) surface as failed queries, never as a crash. */
  private async connect(): Promise<pg.Client> {
    const client = new pg.Client({ host: '127.0.0.1', port: this.pgPort, user: 'eddy', database: 'eddy' });
    client.on('error', () => {});
    this.clients.add(client);
    try {
      await client.connect();
    } catch (error) {
      throw await this.diedOr(error);
    }
    return client;
  }

  /**
   * The error, or TargetDied when the server died: a broken connection arrives before the
   * process's exit is reported, so the exit gets a moment to show.
   */
  private async diedOr(error: unknown): Promise<unknown> {
    await Promise.race([this.handle.exited, new Promise((r) => setTimeout(r, 500))]);
    return this.handle.alive ? error : new TargetDied(`eddy serve died: ${this.stderrTail()}`);
  }

  private async release(client: pg.Client): Promise<void> {
    this.clients.delete(client);
    await client.end().catch(() => {});
  }

  async setup(): Promise<void> {
    const c = await this.connect();
    try {
      await c.query(setupScript()).catch(async (e: unknown) => {
        throw await this.diedOr(e);
      });
    } finally {
      await this.release(c);
    }
  }

  async follow(view: string, afterStep?: number): Promise<void> {
    const c = await this.connect();
    let resumed = afterStep !== undefined;
    const declare = async (): Promise<void> => {
      await c.query('BEGIN');
      const resume = resumed ? ` WITH (after_step = ${afterStep})` : '';
      await c.query(`DECLARE chaos_follow CURSOR FOR SUBSCRIBE TO ${view}${resume}`);
    };
    try {
      await declare().catch(async (error: unknown) => {
        // 55000: the step is out of the retained history's reach: start again from a snapshot.
        if (!resumed || (error as { code?: string }).code !== '55000') throw error;
        await c.query('ROLLBACK');
        resumed = false;
        this.events.resync([]);
        await declare();
      });
    } catch (error) {
      await this.release(c);
      throw await this.diedOr(error);
    }
    // A snapshot's rows arrive as the first step's changes; a resumed cursor carries on.
    if (afterStep === undefined) this.events.snapshot([]);
    // Reads until the connection ends (the server died or closed).
    void (async () => {
      for (;;) {
        let result: pg.QueryArrayResult;
        try {
          result = await c.query({ text: 'FETCH ALL chaos_follow', rowMode: 'array' });
        } catch {
          return this.release(c);
        }
        const byStep = new Map<number, [string, number][]>();
        for (const row of result.rows) {
          const step = Number(row[0]);
          const list = byStep.get(step) ?? [];
          if (row[1] !== true) list.push([canonicalRow(row.slice(3)), Number(row[2])]);
          byStep.set(step, list);
        }
        for (const [step, rows] of byStep) this.events.change(step, rows);
      }
    })();
  }

  async runClients(states: readonly ClientState[], run: ClientRun): Promise<void> {
    await Promise.all(
      states.map(async (state) => {
        let c: pg.Client;
        try {
          c = await this.connect();
        } catch (error) {
          if (error instanceof TargetDied) return;
          throw error;
        }
        try {
          await runClientLoop(state, run, (w) => this.send(c, w), this.events);
        } finally {
          await this.release(c);
        }
      }),
    );
  }

  private async send(c: pg.Client, write: Write): Promise<number | undefined> {
    if (write.via === 'insert') return this.ingest(write);
    const statements = statementsOf(write);
    if (write.via === 'ddl') {
      await c.query(statements[0]!);
      return undefined;
    }
    try {
      await c.query('BEGIN');
      for (const s of statements) await c.query(s);
      await c.query('COMMIT');
    } catch (error) {
      // A refused statement aborts the transaction; end it before the next write.
      await c.query('ROLLBACK').catch(() => {});
      throw error;
    }
    return undefined;
  }

  private async ingest(write: Write): Promise<number> {
    const op = write.ops[0]!;
    if (op.op !== 'insert') throw new Error('an insert write holds one insert');
    const response = await fetch(`${this.httpBase}/ingest/${op.table}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(op.rows),
    });
    const body = (await response.json()) as { step?: number; error?: { code: string; message: string } };
    if (!response.ok || body.error) {
      throw Object.assign(new Error(body.error?.message ?? `HTTP ${response.status}`), {
        code: body.error?.code,
      });
    }
    return body.step!;
  }

  async dump(): Promise<Dump> {
    const c = await this.connect();
    try {
      const tableRows = { acct: [], item: [], ev: [] } as Record<TableName, (string | null)[][]>;
      let tablesPresent = true;
      for (const t of tables) {
        const sql = `SELECT ${t.columns.map((col) => `${col}::text`).join(', ')} FROM ${t.name}`;
        try {
          tableRows[t.name] = (await c.query({ text: sql, rowMode: 'array' })).rows;
        } catch (error) {
          if ((error as { code?: string }).code !== '42P01') throw error;
          tablesPresent = false;
        }
      }
      const names = new Set(
        (await c.query({ text: 'SELECT matviewname FROM pg_matviews', rowMode: 'array' })).rows.map(
          (r) => r[0] as string,
        ),
      );
      const views = [];
      for (const v of allViewSpecs()) {
        if (!names.has(v.name)) continue;
        const read = async (sql: string) =>
          (await c.query({ text: sql, rowMode: 'array' })).rows.map(canonicalRow);
        views.push({
          name: v.name,
          stored: await read(`SELECT * FROM ${v.name}`),
          adhoc: await read(v.query),
        });
      }
      return { tablesPresent, tables: tableRows, views };
    } catch (error) {
      throw await this.diedOr(error);
    } finally {
      await this.release(c);
    }
  }

  async probe(): Promise<number> {
    const response = await fetch(`${this.httpBase}/ingest/chaos_probe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '[[1]]',
    });
    const body = (await response.json()) as { step: number };
    if (!response.ok) throw new Error(`probe: HTTP ${response.status} ${JSON.stringify(body)}`);
    return body.step;
  }

  async close(): Promise<void> {
    await Promise.all([...this.clients].map((c) => this.release(c)));
    if (!this.handle.alive) return;
    this.handle.child.kill('SIGTERM');
    const timer = setTimeout(() => this.handle.kill(), 20_000);
    await this.handle.exited;
    clearTimeout(timer);
  }

  kill(): void {
    this.handle.kill();
  }
}
