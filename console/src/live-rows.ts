/**
 * @module console/live-rows
 * A view's rows as a subscription keeps them: the snapshot, then each step's changes applied by
 * weight. Events are queued as they arrive and applied once per animation frame, so a view that
 * changes thousands of rows many times a second costs one render per frame; the page shows a
 * bounded window of rows. The rows and the last step are kept in sessionStorage when the page
 * goes away, so a reload resumes after that step (`?from=`) and shows every step since: no gap.
 */
import { type ApiErrorFields, type Column, subscribeUrl } from './api.ts';

export interface StepEntry {
  readonly step: number;
  readonly inserts: number;
  readonly deletes: number;
  readonly at: number;
  readonly kind: 'snapshot' | 'resync' | 'changes' | 'resumed';
}

interface RowEntry {
  readonly row: readonly unknown[];
  count: number;
}

/** Steps listed in the step log. */
export const stepLogMax = 30;
/** Rows a saved state may hold; a larger view takes a fresh snapshot after a reload. */
const savedRowsMax = 20_000;

type Event =
  | { kind: 'snapshot' | 'resync'; step: number; columns: Column[]; rows: unknown[][] }
  | { kind: 'changes'; step: number; changes: { row: unknown[]; weight: number }[] }
  | { kind: 'progress'; step: number }
  | { kind: 'view-error'; step: number; error: ApiErrorFields }
  | { kind: 'view-error-cleared'; step: number };

export class LiveRows {
  readonly view: string;
  readonly rows = new Map<string, RowEntry>();
  columns: readonly Column[] = [];
  step: number | null = null;
  stepAt: number | null = null;
  /** Keys of rows the latest step inserted, and rows it deleted. */
  inserted = new Set<string>();
  deleted: (readonly unknown[])[] = [];
  log: StepEntry[] = [];
  viewError: ApiErrorFields | null = null;
  failure: ApiErrorFields | null = null;
  connected = false;
  paused = false;
  /** Events applied since the page opened (for the frame-rate benchmark and tests). */
  applied = 0;
  private readonly queue: Event[] = [];
  private frame = 0;
  private source: EventSource | null = null;
  private readonly onChange: () => void;
  private readonly save = () => this.saveState();

  constructor(view: string, onChange: () => void) {
    this.view = view;
    this.onChange = onChange;
  }

  start(): void {
    const resumeAfter = this.restoreState();
    const source = new EventSource(subscribeUrl(this.view, resumeAfter));
    this.source = source;
    source.onopen = () => {
      this.connected = true;
      this.schedule();
    };
    source.onerror = () => {
      // The browser reconnects by itself, sending the last step as Last-Event-ID.
      this.connected = false;
      this.schedule();
    };
    for (const kind of [
      'snapshot',
      'resync',
      'changes',
      'progress',
      'view-error',
      'view-error-cleared',
    ] as const) {
      source.addEventListener(kind, (e) => this.enqueue({ kind, ...JSON.parse((e as MessageEvent).data) }));
    }
    source.addEventListener('error', (e) => {
      const data = (e as MessageEvent).data;
      if (typeof data !== 'string') return;
      this.failure = (JSON.parse(data) as { error: ApiErrorFields }).error;
      source.close();
      this.schedule();
    });
    addEventListener('pagehide', this.save);
  }

  stop(): void {
    this.saveState();
    removeEventListener('pagehide', this.save);
    this.source?.close();
    cancelAnimationFrame(this.frame);
  }

  setPaused(paused: boolean): void {
    this.paused = paused;
    this.schedule();
  }

  private enqueue(event: Event): void {
    this.queue.push(event);
    this.schedule();
  }

  private schedule(): void {
    if (this.frame === 0) this.frame = requestAnimationFrame(() => this.flush());
  }

  /** Applies every queued event, then renders once (unless paused: the rows move, the page waits). */
  private flush(): void {
    this.frame = 0;
    const events = this.queue.splice(0);
    if (events.length > 0) {
      this.inserted = new Set();
      this.deleted = [];
    }
    for (const e of events) this.apply(e);
    if (!this.paused) this.onChange();
  }

  private apply(e: Event): void {
    this.applied++;
    this.step = e.step;
    this.stepAt = Date.now();
    switch (e.kind) {
      case 'snapshot':
      case 'resync':
        this.rows.clear();
        this.columns = e.columns;
        for (const row of e.rows) this.add(row, 1);
        this.logStep({ step: e.step, inserts: e.rows.length, deletes: 0, at: this.stepAt, kind: e.kind });
        return;
      case 'changes': {
        let inserts = 0;
        let deletes = 0;
        for (const { row, weight } of e.changes) {
          if (weight > 0) inserts += weight;
          else deletes -= weight;
          this.add(row, weight);
        }
        this.logStep({ step: e.step, inserts, deletes, at: this.stepAt, kind: 'changes' });
        return;
      }
      case 'view-error':
        this.viewError = e.error;
        return;
      case 'view-error-cleared':
        this.viewError = null;
        return;
      case 'progress':
        return;
    }
  }

  private add(row: readonly unknown[], weight: number): void {
    const key = JSON.stringify(row);
    const entry = this.rows.get(key);
    if (weight > 0) this.inserted.add(key);
    else {
      this.inserted.delete(key);
      this.deleted.push(row);
    }
    if (entry) {
      entry.count += weight;
      if (entry.count <= 0) this.rows.delete(key);
    } else if (weight > 0) this.rows.set(key, { row, count: weight });
  }

  private logStep(entry: StepEntry): void {
    this.log.unshift(entry);
    if (this.log.length > stepLogMax) this.log.length = stepLogMax;
  }

  private get storageKey(): string {
    return `eddy.console.live.${this.view}`;
  }

  private saveState(): void {
    try {
      if (this.step === null || this.rows.size > savedRowsMax || this.failure) {
        sessionStorage.removeItem(this.storageKey);
        return;
      }
      const rows = [...this.rows.values()].map((e) => [e.row, e.count]);
      sessionStorage.setItem(
        this.storageKey,
        JSON.stringify({ step: this.step, columns: this.columns, rows, log: this.log }),
      );
    } catch {
      // Storage full: the next visit takes a snapshot.
    }
  }

  /** Restores the state saved when the page last went away; returns the step to resume after. */
  private restoreState(): number | null {
    try {
      const saved = sessionStorage.getItem(this.storageKey);
      if (!saved) return null;
      sessionStorage.removeItem(this.storageKey);
      const state = JSON.parse(saved) as {
        step: number;
        columns: Column[];
        rows: [unknown[], number][];
        log: StepEntry[];
      };
      this.columns = state.columns;
      for (const [row, count] of state.rows) this.rows.set(JSON.stringify(row), { row, count });
      this.step = state.step;
      this.log = [
        { step: state.step, inserts: 0, deletes: 0, at: Date.now(), kind: 'resumed' },
        ...state.log,
      ];
      this.log.length = Math.min(this.log.length, stepLogMax);
      return state.step;
    } catch {
      return null;
    }
  }
}
