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
