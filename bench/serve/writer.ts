/**
 * @module bench/serve/writer
 * The suite's handle on the writer process (writer-child.ts): starts it, keeps its latest progress
 * sample, so a phase's achieved insert rate is measured between two samples, and stops it.
 */
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { processTreeCpuSec } from './serve-target.ts';

export interface WriterSpec {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly database: string;
  readonly firstId: number;
  readonly users: number;
  readonly seed: number;
  readonly rowsPerSec: number;
  readonly batchRows: number;
}

export interface WriterReport {
  readonly rows: number;
  readonly seconds: number;
  readonly insertP50Ms: number;
  readonly insertP99Ms: number;
  readonly insertMaxMs: number;
}

export const WRITER_PROGRESS = 'progress ';
export const WRITER_RESULT = 'result ';

/** Rows the writer had inserted when the suite heard of it (performance.now() in the suite). */
export interface WriterSample {
  readonly atMs: number;
  readonly rows: number;
}

const CHILD = fileURLToPath(new URL('./writer-child.ts', import.meta.url));
const stopTimeoutMs = 10_000;

export class Writer {
  latest: WriterSample = { atMs: performance.now(), rows: 0 };
  private report: WriterReport | null = null;
  private stderr = '';
  private readonly exited: Promise<number | null>;
  private readonly child: ChildProcessByStdio<null, Readable, Readable>;

  private constructor(spec: WriterSpec) {
    this.child = spawn(process.execPath, [CHILD, JSON.stringify(spec)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
    let pending = '';
    this.child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk;
      let newline = pending.indexOf('\n');
      while (newline >= 0) {
        this.onLine(pending.slice(0, newline));
        pending = pending.slice(newline + 1);
        newline = pending.indexOf('\n');
      }
    });
    this.child.stderr.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
  }

  /** Resolves once the writer has connected and reported its first progress. */
  static async start(spec: WriterSpec): Promise<Writer> {
    const writer = new Writer(spec);
    const first = new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (writer.latest.rows > 0 || writer.child.exitCode !== null) {
          clearInterval(poll);
          resolve();
        }
      }, 10);
    });
    await first;
    writer.check();
    return writer;
  }

  cpuSeconds(): number {
    return this.child.pid === undefined ? 0 : processTreeCpuSec(this.child.pid, false);
  }

  /** Throws if the writer has died (a refused INSERT, a lost connection). */
  check(): void {
    if (this.child.exitCode !== null && this.report === null)
      throw new Error(`writer exited (code ${this.child.exitCode}): ${this.stderr.trim()}`);
  }

  async stop(): Promise<WriterReport> {
    if (this.child.exitCode === null) this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), stopTimeoutMs);
    await this.exited;
    clearTimeout(timer);
    if (this.report === null) throw new Error(`writer gave no result: ${this.stderr.trim()}`);
    return this.report;
  }

  private onLine(line: string): void {
    if (line.startsWith(WRITER_PROGRESS))
      this.latest = { atMs: performance.now(), rows: Number(line.slice(WRITER_PROGRESS.length)) };
    else if (line.startsWith(WRITER_RESULT))
      this.report = JSON.parse(line.slice(WRITER_RESULT.length)) as WriterReport;
  }
}

/** Rows per second between two samples. */
export function writerRate(from: WriterSample, to: WriterSample): number {
  return to.atMs > from.atMs ? ((to.rows - from.rows) * 1000) / (to.atMs - from.atMs) : 0;
}
