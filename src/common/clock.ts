/**
 * @module common/clock
 * The wall clock at microsecond resolution, as PostgreSQL's timestamps have it: the epoch time
 * read once at start-up, advanced by the monotonic high-resolution timer. Readings never go back,
 * so statements, transactions and steps read in order get ordered times.
 */

const anchorMicros = Date.now() * 1000;
const anchorNanos = process.hrtime.bigint();
let lastReading = 0;

/** Microseconds since 1970-01-01 00:00:00 UTC, never less than an earlier reading. */
export function clockMicros(): number {
  const reading = anchorMicros + Number((process.hrtime.bigint() - anchorNanos) / 1000n);
  if (reading > lastReading) lastReading = reading;
  return lastReading;
}

/**
 * Recovery: no later reading may be earlier than `micros` (a step's clock reading from before a
 * restart), so the clock never goes back across restarts even if the wall clock did.
 */
export function clockAtLeast(micros: number): void {
  if (micros > lastReading) lastReading = micros;
}

/**
 * The clock a database's steps read (temporal filters keep views current against it): the system
 * clock by default; a `ManualClock` in tests. `schedule` runs `fn` once the clock reaches
 * `atMicros` (the returned function cancels it).
 */
export interface Clock {
  now(): number;
  schedule(atMicros: number, fn: () => void): () => void;
}

/** The wall clock above; timers are Node's, unref'd so they never keep a process alive. */
export const systemClock: Clock = {
  now: clockMicros,
  schedule(atMicros: number, fn: () => void): () => void {
    // setTimeout's longest delay is 2^31-1 ms; a later wake-up re-arms itself.
    const delayMs = Math.min(Math.max(0, Math.ceil((atMicros - clockMicros()) / 1000)), 2 ** 31 - 1);
    const timer = setTimeout(() => {
      if (clockMicros() >= atMicros) fn();
      else cancel = systemClock.schedule(atMicros, fn);
    }, delayMs);
    timer.unref();
    let cancel = (): void => clearTimeout(timer);
    return () => cancel();
  },
};

/**
 * A clock that moves only when told (tests): `advanceTo` runs, in time order, every scheduled
 * function whose time has come, synchronously. It never goes back.
 */
export class ManualClock implements Clock {
  private micros: number;
  private timers: { at: number; fn: () => void }[] = [];

  constructor(startMicros: number) {
    this.micros = startMicros;
  }

  now(): number {
    return this.micros;
  }

  schedule(atMicros: number, fn: () => void): () => void {
    const timer = { at: atMicros, fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  advanceTo(micros: number): void {
    if (micros < this.micros) throw new Error(`the clock cannot go back (${micros} < ${this.micros})`);
    this.micros = micros;
    for (;;) {
      const due = this.timers.filter((t) => t.at <= micros).sort((a, b) => a.at - b.at)[0];
      if (due === undefined) return;
      this.timers = this.timers.filter((t) => t !== due);
      due.fn();
    }
  }

  advanceBy(micros: number): void {
    this.advanceTo(this.micros + micros);
  }
}
