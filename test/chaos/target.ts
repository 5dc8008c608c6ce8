/**
 * @module test/chaos/target
 * A database process the crash harness drives and kills: the commands every driver offers, the
 * events it reports, and the child-process plumbing both drivers share (spawn with failpoints,
 * SIGKILL, exit). The library driver is here; the server driver is in server-target.ts.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Dump } from './check.ts';
import type { ClientRun, WriteEvents } from './client-loop.ts';
import type { ClientState, Write } from './workload.ts';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface TargetEvents extends WriteEvents {
  /** The subscriber (re)started from a snapshot of the followed view. */
  snapshot(rows: readonly string[]): void;
  /** The subscriber saw one step's changes (keys with weights). */
  change(step: number, rows: readonly (readonly [string, number])[]): void;
}

/** What a database process is started with. */
export interface ProcessOptions {
  /** `EDDY_FAILPOINTS` for the process ("name@n,…"); empty for none. */
  readonly failpoints: string;
  /** Extra environment. */
  readonly env: Readonly<Record<string, string>>;
}

export interface StartOptions extends ProcessOptions {
  readonly dir: string;
  readonly events: TargetEvents;
  /** Library: `Eddy.open` options besides `dir`. Server: `eddy serve` flags besides the data dir. */
  readonly openOptions: Readonly<Record<string, unknown>>;
  readonly serveArgs: readonly string[];
  /** Library processes started ahead of time. */
  readonly pool: WarmPool | undefined;
}

/** The process died before answering. */
export class TargetDied extends Error {}

export interface Target {
  /** Resolves once the database is open (recovery done); rejects when the process died first. */
  readonly opened: Promise<void>;
  /** Milliseconds from the process's start to open, once opened. */
  readonly openMs: number;
  readonly alive: boolean;
  /** Resolves when the process has exited. */
  readonly exited: Promise<void>;
  /** Creates the workload's tables and views, one transaction. */
  setup(): Promise<void>;
  /**
   * Whether the subscriber reports every step (progress rows over the wire), so the harness can
   * wait for it to reach a step. The library's subscriber reports only steps that change the view,
   * in order with the replies to commands, so it has caught up when a reply arrives.
   */
  readonly subscriberSeesEveryStep: boolean;
  /** The server's HTTP address (for the SSE subscriber); undefined for the library. */
  readonly httpBase: string | undefined;
  /** Starts following a view (snapshot, then changes). */
  follow(view: string): Promise<void>;
  /** Runs the clients concurrently until each sent its writes or the process died. */
  runClients(states: readonly ClientState[], run: ClientRun): Promise<void>;
  dump(): Promise<Dump>;
  /** Commits a write to the probe table; the step it landed in. */
  probe(): Promise<number>;
  /** Clean shutdown. */
  close(): Promise<void>;
  kill(): void;
}

/** A child process that dies by SIGKILL or ends; what both drivers share. */
export class ChildHandle {
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
  alive = true;
  stderr = '';
  private readonly deathWatchers = new Set<() => void>();

  constructor(args: readonly string[], options: ProcessOptions) {
    this.child = spawn(process.execPath, args, {
      cwd: repoRoot,
      env: {
        ...process.env,
        ...options.env,
        EDDY_FAILPOINTS: options.failpoints,
        EDDY_USERS: '',
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stderr!.setEncoding('utf8').on('data', (s: string) => {
      // Keep the tail only: a failing run prints it.
      this.stderr = (this.stderr + s).slice(-4000);
    });
    this.child.stdin!.on('error', () => {});
    this.exited = new Promise((resolve) => {
      this.child.once('exit', () => {
        this.alive = false;
        for (const w of this.deathWatchers) w();
        resolve();
      });
    });
  }

  lines(onLine: (line: string) => void): void {
    createInterface({ input: this.child.stdout! }).on('line', onLine);
  }

  /** Calls `f` when the process dies (at once if it has); returns a function that stops watching. */
  onDeath(f: () => void): () => void {
    if (!this.alive) {
      f();
      return () => {};
    }
    this.deathWatchers.add(f);
    return () => this.deathWatchers.delete(f);
  }

  kill(): void {
    if (this.alive) this.child.kill('SIGKILL');
  }
}

type Reply = { t: string } & Record<string, unknown>;

/** The library driver: library-child.ts in a child process, one command at a time. */
export class LibraryTarget implements Target {
  readonly subscriberSeesEveryStep = false;
  readonly httpBase = undefined;
  readonly opened: Promise<void>;
  openMs = 0;
  private readonly handle: ChildHandle;
  private waiter: { want: string; resolve: (r: Reply) => void; reject: (e: Error) => void } | undefined;
  private readonly events: TargetEvents;
  private readonly sent = new Map<string, Write>();

  constructor(options: StartOptions) {
    this.events = options.events;
    this.handle = options.pool?.take(options) ?? startLibraryProcess(options);
    this.handle.lines((line) => this.onLine(line));
    this.handle.child.stdin!.write(
      `${JSON.stringify({ c: 'open', dir: options.dir, options: options.openOptions })}\n`,
    );
    // The time Eddy.open took inside the child: recovery, without Node's own start.
    this.opened = this.await('opened').then((reply) => {
      this.openMs = reply.ms as number;
    });
    this.handle.onDeath(() => {
      const w = this.waiter;
      this.waiter = undefined;
      w?.reject(
        new TargetDied(
          `library process died: ${this.handle.stderr.trim().split('\n').slice(-3).join(' | ')}`,
        ),
      );
    });
  }

  get alive(): boolean {
    return this.handle.alive;
  }

  get exited(): Promise<void> {
    return this.handle.exited;
  }

  private onLine(line: string): void {
    if (!line.startsWith('@chaos ')) return;
    const event = JSON.parse(line.slice(7)) as Reply;
    if (this.report(event)) return;
    const w = this.waiter;
    if (w === undefined) return;
    if (event.t === 'error') {
      this.waiter = undefined;
      w.reject(Object.assign(new Error(`${event.command}: ${event.message}`), { code: event.code }));
    } else if (event.t === w.want) {
      this.waiter = undefined;
      w.resolve(event);
    }
  }

  /** Passes a write or subscriber event on; false for a reply to a command (a snapshot is both). */
  private report(event: Reply): boolean {
    const e = this.events;
    switch (event.t) {
      case 'sent': {
        const write = event.write as Write;
        this.sent.set(write.id, write);
        e.sent(write);
        return true;
      }
      case 'acked':
        e.acked(this.take(event.id), event.step as number | undefined);
        return true;
      case 'failed':
        e.failed(this.take(event.id), event.code as string, event.message as string);
        return true;
      case 'unknown':
        e.unknown(this.take(event.id), event.reason as string);
        return true;
      case 'change':
        e.change(event.step as number, event.rows as [string, number][]);
        return true;
      case 'snapshot':
        e.snapshot(event.rows as string[]);
        return false;
      default:
        return false;
    }
  }

  private take(id: unknown): Write {
    const write = this.sent.get(id as string)!;
    this.sent.delete(id as string);
    return write;
  }

  private await(want: string): Promise<Reply> {
    if (!this.handle.alive) return Promise.reject(new TargetDied('library process is gone'));
    return new Promise((resolve, reject) => {
      this.waiter = { want, resolve, reject };
    });
  }

  private command(command: Record<string, unknown>, want: string): Promise<Reply> {
    const reply = this.await(want);
    this.handle.child.stdin!.write(`${JSON.stringify(command)}\n`);
    return reply;
  }

  async setup(): Promise<void> {
    await this.command({ c: 'setup' }, 'setupDone');
  }

  async follow(view: string): Promise<void> {
    await this.command({ c: 'follow', view }, 'snapshot');
  }

  async runClients(states: readonly ClientState[], run: ClientRun): Promise<void> {
    // Steps of acknowledged writes come from subscriptions to the tables, which exist by now.
    await this.command({ c: 'watch' }, 'watching');
    try {
      await this.command({ c: 'run', states, run }, 'runDone');
    } catch (error) {
      if (!(error instanceof TargetDied)) throw error;
      // Writes sent and never answered are in doubt.
      for (const write of this.sent.values()) this.events.unknown(write, 'process died');
      this.sent.clear();
    }
  }

  async dump(): Promise<Dump> {
    return (await this.command({ c: 'dump' }, 'dump')).dump as Dump;
  }

  async probe(): Promise<number> {
    return (await this.command({ c: 'probe' }, 'probe')).step as number;
  }

  async close(): Promise<void> {
    await this.command({ c: 'close' }, 'closed').catch((e: unknown) => {
      if (!(e instanceof TargetDied)) throw e;
    });
    await this.handle.exited;
  }

  kill(): void {
    this.handle.kill();
  }
}

function startLibraryProcess(options: ProcessOptions): ChildHandle {
  return new ChildHandle([`${repoRoot}test/chaos/library-child.ts`], options);
}

/**
 * Library processes started ahead of time, idle until they get a data directory: Node's start and
 * the parser's load (about 1.5 s here) overlap the previous run instead of adding to it.
 */
export class WarmPool {
  private readonly idle = new Map<string, ChildHandle[]>();

  private static key(options: ProcessOptions): string {
    return JSON.stringify([options.failpoints, options.env]);
  }

  prewarm(options: ProcessOptions): void {
    const key = WarmPool.key(options);
    const list = this.idle.get(key) ?? [];
    list.push(startLibraryProcess(options));
    this.idle.set(key, list);
  }

  /** A started process with these options, if one is waiting and alive. */
  take(options: ProcessOptions): ChildHandle | undefined {
    const list = this.idle.get(WarmPool.key(options)) ?? [];
    for (let h = list.shift(); h !== undefined; h = list.shift()) if (h.alive) return h;
    return undefined;
  }

  async close(): Promise<void> {
    const all = [...this.idle.values()].flat();
    this.idle.clear();
    for (const h of all) h.kill();
    await Promise.all(all.map((h) => h.exited));
  }
}
