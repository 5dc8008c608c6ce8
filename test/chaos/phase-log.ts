/**
 * @module test/chaos/phase-log
 * What the crash harness records while a database runs: per client, each write sent and how it
 * ended (acknowledged, refused, or in doubt); the highest step any output showed; the followed
 * view's rows as the subscriber saw them. One log per phase (before the kill, after recovery).
 */
import { type ClientHistory, SubscriberState } from './check.ts';
import type { TargetEvents } from './target.ts';
import { type ClientState, cloneClientState, type Write } from './workload.ts';

/** The events of one phase: each client's history, the steps seen, the subscriber. */
export class PhaseLog implements TargetEvents {
  readonly histories = new Map<number, ClientHistory>();
  private readonly outcomes = new Map<string, ClientHistory['writes'][number]>();
  ackedCount = 0;
  maxStepSeen = -1;
  readonly unexpected: string[] = [];
  /** Refusals the run provoked (disk full, 53100): they must leave nothing behind, like any refusal. */
  allowedRefusal: string | undefined;
  refused = 0;
  onAck: (count: number) => void = () => {};

  readonly subscriber = new SubscriberState();
  /** Whether the subscriber got its start (a snapshot), so it has a step to resume after. */
  following = false;
  /** Resumptions answered with the view's contents instead of the missed changes. */
  resyncs = 0;

  constructor(states: readonly ClientState[]) {
    for (const s of states) this.histories.set(s.client, { start: cloneClientState(s), writes: [] });
  }

  sent(write: Write): void {
    const entry = { write, outcome: 'unknown' as const } as ClientHistory['writes'][number];
    this.histories.get(write.client)!.writes.push(entry);
    this.outcomes.set(write.id, entry);
  }

  acked(write: Write, step: number | undefined): void {
    this.outcomes.get(write.id)!.outcome = 'acked';
    if (step !== undefined && step > this.maxStepSeen) this.maxStepSeen = step;
    this.onAck(++this.ackedCount);
  }

  failed(write: Write, code: string, message: string): void {
    this.outcomes.get(write.id)!.outcome = 'failed';
    if (code === this.allowedRefusal) this.refused++;
    else this.unexpected.push(`write ${write.id} refused: ${code} ${message}`);
  }

  unknown(): void {}

  snapshot(rows: readonly string[]): void {
    this.following = true;
    this.subscriber.reset();
    for (const r of rows) this.subscriber.apply(-1, r, 1);
  }

  resync(rows: readonly string[]): void {
    this.resyncs++;
    this.snapshot(rows);
  }

  change(step: number, rows: readonly (readonly [string, number])[]): void {
    for (const [key, weight] of rows) this.subscriber.apply(step, key, weight);
    if (step > this.subscriber.lastStep) this.subscriber.lastStep = step;
    if (step > this.maxStepSeen) this.maxStepSeen = step;
  }

  /** Whether the view's DDL was acknowledged, failed or in doubt. */
  ddlOutcome(): { write: Write; outcome: string } | undefined {
    for (const h of this.histories.values()) for (const w of h.writes) if (w.write.via === 'ddl') return w;
    return undefined;
  }

  inDoubt(): number {
    let n = 0;
    for (const h of this.histories.values()) n += h.writes.filter((w) => w.outcome === 'unknown').length;
    return n;
  }
}

/** Passes a target's events to the log of the current phase (each phase keeps its own). */
export class EventRelay implements TargetEvents {
  to: TargetEvents;
  constructor(to: TargetEvents) {
    this.to = to;
  }
  sent(w: Write): void {
    this.to.sent(w);
  }
  acked(w: Write, step: number | undefined): void {
    this.to.acked(w, step);
  }
  failed(w: Write, code: string, message: string): void {
    this.to.failed(w, code, message);
  }
  unknown(w: Write, reason: string): void {
    this.to.unknown(w, reason);
  }
  snapshot(rows: readonly string[]): void {
    this.to.snapshot(rows);
  }
  resync(rows: readonly string[]): void {
    this.to.resync(rows);
  }
  change(step: number, rows: readonly (readonly [string, number])[]): void {
    this.to.change(step, rows);
  }
}
