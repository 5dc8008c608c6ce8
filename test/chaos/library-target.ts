/**
 * @module test/chaos/library-target
 * The library driver: library-child.ts in a child process, one command at a time, its events
 * passed to the harness as they arrive. Processes come from a warm pool: started ahead of time
 * (Node's start and the parser's load overlap the previous run), and a process that survived its
 * run (the restarted one, after its checks and a clean close) goes back to the pool to be the
 * next run's first process. A recovery always runs in a process that never opened that directory.
 */
import type { Dump } from './check.ts';
import type { ClientRun } from './client-loop.ts';
import {
  ChildHandle,
  type ProcessOptions,
  repoRoot,
  type StartOptions,
  type Target,
  TargetDied,
  type TargetEvents,
} from './target.ts';
import type { ClientState, Write } from './workload.ts';

type Reply = { t: string } & Record<string, unknown>;

/** Library processes are all alike but for their environment; failpoints are armed at open. */
function startLibraryProcess(env: ProcessOptions['env']): ChildHandle {
  return new ChildHandle([`${repoRoot}test/chaos/library-child.ts`], { failpoints: '', env });
}

export class LibraryTarget implements Target {
  readonly subscriberSeesEveryStep = false;
  readonly httpBase = undefined;
  readonly opened: Promise<void>;
  openMs = 0;
  private readonly handle: ChildHandle;
  private readonly pool: WarmPool | undefined;
  private readonly stopWatchingDeath: () => void;
  private waiter: { want: string; resolve: (r: Reply) => void; reject: (e: Error) => void } | undefined;
  private readonly events: TargetEvents;
  private readonly sent = new Map<string, Write>();
  /** Set once the process went back to the pool: it is no longer this target's to kill. */
  private givenBack = false;

  constructor(options: StartOptions) {
    this.events = options.events;
    this.pool = options.pool;
    this.handle = options.pool?.take(options.env) ?? startLibraryProcess(options.env);
    this.handle.readLines((line) => this.onLine(line));
    this.stopWatchingDeath = this.handle.onDeath(() => {
      const w = this.waiter;
      this.waiter = undefined;
      const stderr = this.handle.stderr.trim().split('\n').slice(-3).join(' | ');
      w?.reject(new TargetDied(`library process died: ${stderr}`));
    });
    // The time Eddy.open took inside the child: recovery, without Node's own start.
    this.opened = this.command(
      { c: 'open', dir: options.dir, options: options.openOptions, failpoints: options.failpoints },
      'opened',
    ).then((reply) => {
      this.openMs = reply.ms as number;
      this.recoveryMs = reply.recoveryMs as number | undefined;
      this.viewsRestored = reply.viewsRestored as number | undefined;
    });
  }

  recoveryMs: number | undefined;
  viewsRestored: number | undefined;

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
        if (typeof event.step === 'number') e.change(event.step, []);
        return false;
      case 'resync':
        e.resync(event.rows as string[]);
        e.change(event.step as number, []);
        return true;
      default:
        return false;
    }
  }

  private take(id: unknown): Write {
    const write = this.sent.get(id as string)!;
    this.sent.delete(id as string);
    return write;
  }

  private command(command: Record<string, unknown>, want: string): Promise<Reply> {
    if (!this.handle.alive) return Promise.reject(new TargetDied('library process is gone'));
    const reply = new Promise<Reply>((resolve, reject) => {
      this.waiter = { want, resolve, reject };
    });
    this.handle.child.stdin!.write(`${JSON.stringify(command)}\n`);
    return reply;
  }

  async setup(): Promise<void> {
    await this.command({ c: 'setup' }, 'setupDone');
  }

  async follow(view: string, afterStep?: number): Promise<void> {
    if (afterStep === undefined) await this.command({ c: 'follow', view }, 'snapshot');
    else await this.command({ c: 'follow', view, afterStep }, 'followed');
  }

  async runClients(states: readonly ClientState[], run: ClientRun): Promise<void> {
    try {
      // Steps of acknowledged writes come from subscriptions to the tables, which exist by now.
      await this.command({ c: 'watch' }, 'watching');
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

  /** Closes the database cleanly; the process goes back to the pool (or exits without one). */
  async close(): Promise<void> {
    await this.command({ c: 'close', exit: this.pool === undefined }, 'closed');
    this.stopWatchingDeath();
    if (this.pool) {
      this.givenBack = true;
      this.pool.giveBack(this.handle);
    } else await this.handle.exited;
  }

  kill(): void {
    if (!this.givenBack) this.handle.kill();
  }
}

/**
 * Idle library processes, by environment. A run tops the pool up to what it may still need;
 * processes coming back beyond `maxIdle` are ended, so that runs which needed fewer than planned
 * (a recovery kill that never fired) cannot pile idle processes up over a long campaign.
 */
export class WarmPool {
  private readonly idle = new Map<string, ChildHandle[]>();

  private readonly maxIdle: number;

  constructor(maxIdle = 4) {
    this.maxIdle = maxIdle;
  }

  /** Starts processes until `count` idle ones with this environment wait (at most `maxIdle`). */
  fill(env: ProcessOptions['env'], count: number): void {
    const want = Math.min(count, this.maxIdle);
    for (let n = this.idleWith(env).length; n < want; n++) this.giveBack(startLibraryProcess(env), env);
  }

  giveBack(handle: ChildHandle, env: ProcessOptions['env'] = handle.env): void {
    const list = this.idleWith(env);
    if (list.length >= this.maxIdle) {
      handle.kill();
      return;
    }
    list.push(handle);
  }

  private idleWith(env: ProcessOptions['env']): ChildHandle[] {
    const key = JSON.stringify(env);
    const live = (this.idle.get(key) ?? []).filter((h) => h.alive);
    this.idle.set(key, live);
    return live;
  }

  /** An idle live process with this environment, if there is one. */
  take(env: ProcessOptions['env']): ChildHandle | undefined {
    const list = this.idle.get(JSON.stringify(env)) ?? [];
    for (let h = list.shift(); h !== undefined; h = list.shift()) if (h.alive) return h;
    return undefined;
  }

  get size(): number {
    let n = 0;
    for (const list of this.idle.values()) n += list.filter((h) => h.alive).length;
    return n;
  }

  async close(): Promise<void> {
    const all = [...this.idle.values()].flat();
    this.idle.clear();
    for (const h of all) h.kill();
    await Promise.all(all.map((h) => h.exited));
  }
}
