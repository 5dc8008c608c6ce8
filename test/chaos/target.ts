/**
 * @module test/chaos/target
 * A database process the crash harness drives and kills: the commands every driver offers, the
 * events it reports, and the child-process plumbing both drivers share (spawn with failpoints,
 * SIGKILL, exit). The drivers are library-target.ts and server-target.ts.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Dump } from './check.ts';
import type { ClientRun, WriteEvents } from './client-loop.ts';
import type { WarmPool } from './library-target.ts';
import type { ClientState } from './workload.ts';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface TargetEvents extends WriteEvents {
  /** The subscriber (re)started from a snapshot of the followed view. */
  snapshot(rows: readonly string[]): void;
  /** A resumed subscriber was sent the view's contents instead (its step was out of reach). */
  resync(rows: readonly string[]): void;
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
  /**
   * Milliseconds from the start to serving, once opened: `Eddy.open` in an already started library
   * process; spawn to the listening banner for the server (Node's start included).
   */
  readonly openMs: number;
  /** The engine's own figure for its recovery, once known (the server prints it after the banner). */
  readonly recoveryMs: number | undefined;
  /** Materialized views recovery restored from a checkpoint's state images, when the engine tells. */
  readonly viewsRestored: number | undefined;
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
  /**
   * Starts following a view: from a snapshot, or, with `afterStep`, resuming after that step
   * (the changes since; a resync event when the database cannot replay them).
   */
  follow(view: string, afterStep?: number): Promise<void>;
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

  readonly env: ProcessOptions['env'];

  constructor(args: readonly string[], options: ProcessOptions) {
    this.env = options.env;
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

  /** Who gets the process's stdout lines; a reused process gets a new listener. */
  onLine: (line: string) => void = () => {};
  private reading = false;

  /** Starts reading stdout by lines (until then it waits in the pipe). */
  readLines(onLine: (line: string) => void): void {
    this.onLine = onLine;
    if (this.reading) return;
    this.reading = true;
    createInterface({ input: this.child.stdout! }).on('line', (line) => this.onLine(line));
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
