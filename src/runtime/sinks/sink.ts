/**
 * @module runtime/sinks/sink
 * Runs one sink: delivers its relation's changes to a target (Kafka, a webhook, …) one step at a
 * time, in step order, each with its step number, and only once the step is durable (a step that
 * left Eddy is never lost to a crash). The first delivery is the relation's contents as of the
 * step it is taken at; after that, every step that changed the relation. The changes come from
 * the database's step history, which holds every step after the sink's last delivered one (the
 * hold survives restarts: checkpoints carry the history, the data directory the progress), so a
 * target that is down for a while loses nothing. A failed delivery is retried with backoff, and
 * the sink shows `retrying` with the error; steps go on being committed meanwhile and queue up in
 * the history (the sink's lag). A target that can say which step it committed last (Kafka) is
 * asked at every (re)connection, and its answer wins over Eddy's own progress record.
 */
import type { RelationEntry, SinkEntry, SinkStatus } from '../../catalog/catalog.ts';
import type { Value } from '../../common/value.ts';
import type { Database } from '../database.ts';

/** One step's changes as a target receives them. */
export interface SinkDelivery {
  readonly sink: string;
  readonly step: number;
  /** 'snapshot': the relation's contents as of `step` (first delivery); 'changes': the step's changes. */
  readonly kind: 'snapshot' | 'changes';
  readonly rows: readonly (readonly Value[])[];
  /** +n inserts n copies, −n deletes n copies. */
  readonly weights: readonly number[];
}

/** Where a sink delivers. Every method may throw: the sink retries after a backoff. */
export interface SinkTarget {
  /** Connects; answers the last step the target has committed, when it can tell (else null). */
  open(): Promise<number | null>;
  /** Delivers one step, exactly once or at least once as the target allows; answers bytes sent. */
  deliver(delivery: SinkDelivery): Promise<number>;
  close(): Promise<void>;
}

/** A failure no retry can fix (the view retracts into an append-only sink): the sink stops as `failed`. */
export class SinkFailure extends Error {}

/** A sink's figures for /metrics. */
export interface SinkStats extends SinkStatus {
  readonly name: string;
  readonly connector: string;
}

const retryFirstMs = 250;

export class Sink {
  readonly entry: SinkEntry;
  private readonly db: Database;
  private readonly target: SinkTarget;
  private readonly log: (line: string) => void;
  private readonly retryMaxMs: number;
  private stopped = false;
  private running: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private woken = false;
  private detach: (() => void) | null = null;
  private opened = false;
  /** The last step delivered (or passed over, having not changed the relation); null before the first. */
  private position: number | null;
  private stats = { deliveries: 0, rows: 0, bytes: 0, errors: 0 };
  private state: SinkStatus['state'] = 'starting';
  private lastError: string | null = null;

  constructor(db: Database, entry: SinkEntry, target: SinkTarget, log: (line: string) => void) {
    this.db = db;
    this.entry = entry;
    this.target = target;
    this.log = log;
    this.retryMaxMs = entry.spec.retryMaxMs;
    this.position = db.sinkProgress.get(entry.id) ?? null;
  }

  start(): void {
    this.db.watch(this.entry.relationId);
    if (this.position !== null) this.db.history.hold(this.entry.relationId, this.entry.id, this.position);
    this.detach = this.db.onStep((step) => {
      if (step.changes.byRelation.has(this.entry.relationId)) this.poke();
      // The lag shown grows with each step, not only when the sink next looks.
      if (this.state !== 'starting') this.publish();
    });
    this.running = this.loop();
  }

  /** Stops delivering (server closing, or the sink dropped: then `forget` also ends its hold). */
  async stop(forget = false): Promise<void> {
    this.stopped = true;
    this.detach?.();
    this.poke();
    await this.running;
    await this.target.close().catch(() => {});
    this.db.catalog.sinkStatus.delete(this.entry.id);
    if (forget) {
      this.db.history.release(this.entry.id);
      this.db.sinkProgress.delete(this.entry.id);
    }
  }

  snapshot(): SinkStats {
    return { name: this.entry.name, connector: this.entry.spec.connector, ...this.status() };
  }

  private status(): SinkStatus {
    const lag = this.position === null ? null : Math.max(0, this.db.currentStep - this.position);
    return {
      state: this.state,
      lastError: this.lastError,
      position: this.position,
      lag: lag ?? 0,
      ...this.stats,
    };
  }

  private publish(): void {
    if (!this.stopped) this.db.catalog.sinkStatus.set(this.entry.id, this.status());
  }

  private poke(): void {
    this.woken = true;
    this.wake?.();
  }

  private async loop(): Promise<void> {
    let backoff = retryFirstMs;
    while (!this.stopped) {
      try {
        if (!this.opened) {
          const committed = await this.target.open();
          this.opened = true;
          // The target's own record wins: Eddy's may lag it (killed between the target's commit and ours).
          if (committed !== null && committed !== this.position) this.record(committed);
        }
        await this.deliverPending();
        if (this.state !== 'running') this.state = 'running';
        this.lastError = null;
        this.publish();
        backoff = retryFirstMs;
        await this.sleep(1000);
      } catch (err) {
        if (this.stopped) break;
        this.stats.errors++;
        const message = errorMessage(err);
        const failed = err instanceof SinkFailure;
        if (this.lastError !== message)
          this.log(`sink ${this.entry.name}: ${message}${failed ? '' : '; retrying'}`);
        this.state = failed ? 'failed' : 'retrying';
        this.lastError = message;
        this.publish();
        await this.target.close().catch(() => {});
        this.opened = false;
        if (failed) {
          // Nothing to retry until the sink is dropped and re-created.
          while (!this.stopped) await this.sleep(60_000);
          break;
        }
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, this.retryMaxMs);
      }
    }
  }

  /** Waits for `ms`, or until a step changes the relation (or the sink stops). */
  private sleep(ms: number): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done(): void {
        clearTimeout(timer);
        self.wake = null;
        self.woken = false;
        resolve();
      }
      this.wake = done;
    });
  }

  /** Delivers every durable step after the position, in order. */
  private async deliverPending(): Promise<void> {
    const relationId = this.entry.relationId;
    if (!this.relationExists()) return;
    if (this.position === null) {
      // First delivery: the contents as of now, read in this same turn as the step number.
      const step = this.db.currentStep;
      const rows = this.db.readStoredRows(relationId);
      this.db.history.begin(relationId, step);
      this.db.history.hold(relationId, this.entry.id, step);
      await this.db.whenDurable();
      if (this.stopped) return;
      if (rows.length > 0)
        await this.send({ sink: this.entry.name, step, kind: 'snapshot', rows, weights: rows.map(() => 1) });
      this.record(step);
      return;
    }
    const through = this.db.currentStep;
    if (through === this.position) return;
    await this.db.whenDurable();
    if (this.stopped || !this.relationExists()) return;
    const from = this.position;
    const entries = this.db.history.after(relationId, from);
    if (entries === null)
      throw new SinkFailure(
        `the change history of ${this.relation().name} no longer reaches back to step ${from}, the last this sink delivered`,
      );
    for (const e of entries) {
      if (e.step > through || this.stopped || !this.sinkExists()) break;
      if (e.batch !== null) {
        const rows: Value[][] = [];
        for (let i = 0; i < e.batch.length; i++) rows.push(e.batch.row(i));
        await this.send({
          sink: this.entry.name,
          step: e.step,
          kind: 'changes',
          rows,
          weights: e.batch.weights.slice(0, e.batch.length),
        });
        this.record(e.step);
      }
    }
    // Steps up to `through` that did not change the relation are passed over (not recorded: the
    // next delivery records past them).
    if (!this.stopped && (this.position ?? 0) < through) this.position = through;
  }

  private async send(delivery: SinkDelivery): Promise<void> {
    const bytes = await this.target.deliver(delivery);
    this.stats.deliveries++;
    this.stats.rows += delivery.rows.length;
    this.stats.bytes += bytes;
  }

  /** The sink has delivered through `step`: recorded, and history up to it may go. */
  private record(step: number): void {
    this.position = step;
    this.db.sinkProgress.set(this.entry.id, this.entry.relationId, step);
    this.db.history.hold(this.entry.relationId, this.entry.id, step);
  }

  /** False once the sink is dropped (the runner stops it within a scan; nothing goes out meanwhile). */
  private sinkExists(): boolean {
    const name = this.entry.name;
    return this.db.catalog.readingAs(null, () => this.db.catalog.sink(name))?.id === this.entry.id;
  }

  private relationExists(): boolean {
    return this.db.catalog.allRelations().some((r) => r.id === this.entry.relationId);
  }

  relation(): RelationEntry {
    return this.db.catalog.relationById(this.entry.relationId);
  }
}

/** An error as one line, with the errors it wraps (a client error carries one per broker or partition). */
function errorMessage(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const inner = (err as { errors?: unknown }).errors;
  const causes = Array.isArray(inner)
    ? [...new Set(inner.map((e: unknown) => (e instanceof Error ? e.message : String(e))))]
    : [];
  return causes.length === 0 ? err.message : `${err.message}: ${causes.join('; ')}`;
}
