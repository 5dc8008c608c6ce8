/**
 * @module test/chaos/library-child
 * The crash harness's library process: opens `Eddy.open({ dir })` and runs the harness's commands
 * (one JSON line each on stdin) through `execute()`, `insert()` and `subscribe()`, reporting every
 * event as it happens on stdout as `@chaos {json}` lines. It is the process that gets killed: an
 * event printed before the kill is one the harness saw; an acknowledgement not printed was never
 * seen. It starts idle (loaded, waiting for `open`), so the harness can start it ahead of time.
 */
import { createInterface } from 'node:readline';
import { setFailpoints } from '../../src/common/failpoints.ts';
import { Eddy, type Eddy as EddyType } from '../../src/eddy.ts';
import { loadParser } from '../../src/sql/front/index.ts';
import type { DurabilityStats } from '../../src/storage/durability.ts';
import { canonicalRow, type Dump } from './check.ts';
import { type ClientRun, runClientLoop } from './client-loop.ts';
import {
  allViewSpecs,
  type ClientState,
  setupScript,
  statementsOf,
  type TableName,
  tables,
  type Write,
} from './workload.ts';

function emit(event: Record<string, unknown>): void {
  process.stdout.write(`@chaos ${JSON.stringify(event)}\n`);
}

// Loaded before the harness needs this process, so that `open` measures recovery alone.
await loadParser();
let db: EddyType;

async function open(dir: string, options: Record<string, unknown>, failpoints: string): Promise<void> {
  // A reused process starts afresh: its previous database is closed, its watches gone with it.
  watching = false;
  lastStep = -1;
  setFailpoints(failpoints);
  const started = performance.now();
  db = await Eddy.open({ dir, ...options });
  const ms = performance.now() - started;
  // The engine's own recovery figures (what eddy serve prints); the library API does not expose them.
  const stats = (db as unknown as { durability: { stats: DurabilityStats } | null }).durability?.stats;
  emit({ t: 'opened', ms, recoveryMs: stats?.recoveryMs, viewsRestored: stats?.viewsRestored });
}

/** The latest step any subscription here has seen: the step an acknowledged write landed in. */
let lastStep = -1;
const noteStep = (step: number): void => {
  if (step > lastStep) lastStep = step;
};

let watching = false;
function watchTables(): void {
  if (watching) return;
  for (const t of tables) db.subscribe(t.name, (c) => noteStep(c.step));
  watching = true;
}

/**
 * One library instance is one session: a script's implicit transaction is open while its COMMIT
 * waits, and `insert()` refuses to run inside it (0A000). So scripts run alone, while inserts may
 * overlap each other (and share a group commit).
 */
class SessionGate {
  private scriptRunning = false;
  private scriptDone: Promise<void> = Promise.resolve();
  private readonly inserts = new Set<Promise<unknown>>();

  async insert<T>(f: () => Promise<T>): Promise<T> {
    while (this.scriptRunning) await this.scriptDone;
    const p = f();
    this.inserts.add(p);
    try {
      return await p;
    } finally {
      this.inserts.delete(p);
    }
  }

  async script<T>(f: () => Promise<T>): Promise<T> {
    while (this.scriptRunning || this.inserts.size > 0)
      await (this.scriptRunning ? this.scriptDone : Promise.allSettled([...this.inserts]));
    this.scriptRunning = true;
    let done = (): void => {};
    this.scriptDone = new Promise((resolve) => {
      done = resolve;
    });
    try {
      return await f();
    } finally {
      this.scriptRunning = false;
      done();
    }
  }
}
const gate = new SessionGate();

async function send(write: Write): Promise<number | undefined> {
  if (write.via === 'insert') {
    const op = write.ops[0]!;
    if (op.op !== 'insert') throw new Error('an insert write holds one insert');
    await gate.insert(() => db.insert(op.table, op.rows));
  } else {
    await gate.script(() => db.execute(statementsOf(write).join(';\n')));
  }
  return lastStep;
}

async function dump(): Promise<Dump> {
  const names = new Set(db.relations().map((r) => r.name));
  const tablesPresent = tables.every((t) => names.has(t.name));
  const tableRows: Record<TableName, (string | null)[][]> = { acct: [], item: [], ev: [] };
  if (tablesPresent) {
    for (const t of tables) {
      const result = await db.query(`SELECT ${t.columns.map((c) => `${c}::text`).join(', ')} FROM ${t.name}`);
      tableRows[t.name] = result.rows as (string | null)[][];
    }
  }
  const views = [];
  for (const v of allViewSpecs()) {
    if (!names.has(v.name)) continue;
    const stored = (await db.query(`SELECT * FROM ${v.name}`)).rows.map(canonicalRow);
    const adhoc = (await db.query(v.query)).rows.map(canonicalRow);
    views.push({ name: v.name, stored, adhoc });
  }
  return { tablesPresent, tables: tableRows, views };
}

/**
 * Follows a view from a snapshot (the read and the subscription happen with no step between),
 * or resuming after `afterStep`: the changes since, or a resync with the view's contents.
 */
async function follow(view: string, afterStep: number | undefined): Promise<void> {
  const snapshot = afterStep === undefined ? await db.query(`SELECT * FROM ${view}`) : undefined;
  db.subscribe(
    view,
    (c) => {
      noteStep(c.step);
      if (c.resync) emit({ t: 'resync', step: c.step, rows: c.changes.map((x) => canonicalRow(x.row)) });
      else emit({ t: 'change', step: c.step, rows: c.changes.map((x) => [canonicalRow(x.row), x.weight]) });
    },
    { afterStep },
  );
  if (snapshot) emit({ t: 'snapshot', step: db.currentStep, rows: snapshot.rows.map(canonicalRow) });
  else emit({ t: 'followed' });
}

async function probe(): Promise<number> {
  let step = -1;
  const sub = db.subscribe('chaos_probe', (c) => {
    step = c.step;
  });
  await db.insert('chaos_probe', [[1]]);
  sub.unsubscribe();
  return step;
}

async function runClients(states: ClientState[], run: ClientRun): Promise<void> {
  await Promise.all(
    states.map((state) =>
      runClientLoop(state, run, send, {
        sent: (w) => emit({ t: 'sent', write: w }),
        acked: (w, step) => emit({ t: 'acked', id: w.id, step }),
        failed: (w, code, message) => emit({ t: 'failed', id: w.id, code, message }),
        unknown: (w, reason) => emit({ t: 'unknown', id: w.id, reason }),
      }),
    ),
  );
}

type Command =
  | { c: 'open'; dir: string; options: Record<string, unknown>; failpoints: string }
  | { c: 'setup' }
  | { c: 'watch' }
  | { c: 'follow'; view: string; afterStep?: number }
  | { c: 'run'; states: ClientState[]; run: ClientRun }
  | { c: 'dump' }
  | { c: 'probe' }
  | { c: 'close'; exit: boolean };

async function handle(command: Command): Promise<void> {
  switch (command.c) {
    case 'open':
      return open(command.dir, command.options, command.failpoints);
    case 'setup':
      await db.execute(setupScript());
      return emit({ t: 'setupDone' });
    case 'watch':
      watchTables();
      return emit({ t: 'watching' });
    case 'follow':
      await follow(command.view, command.afterStep);
      return;
    case 'run':
      await runClients(command.states, command.run);
      return emit({ t: 'runDone' });
    case 'dump':
      return emit({ t: 'dump', dump: await dump() });
    case 'probe':
      return emit({ t: 'probe', step: await probe() });
    case 'close':
      await db.close();
      setFailpoints('');
      emit({ t: 'closed' });
      if (command.exit) process.exit(0);
      return;
  }
}

for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() === '') continue;
  const command = JSON.parse(line) as Command;
  handle(command).catch((error: unknown) => {
    const e = error as { code?: string; message?: string };
    emit({ t: 'error', command: command.c, code: e.code, message: e.message ?? String(error) });
  });
}
// The harness closed stdin without a close command: leave without a clean shutdown.
process.exit(0);
