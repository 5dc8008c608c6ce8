/**
 * @module test/chaos/client-loop
 * One workload client: sends its writes one at a time (the next only after the previous one's
 * acknowledgement), and reports each as sent, acknowledged, refused or unknown. A write whose
 * answer never came (the connection or the process died) ends the client: at most one write per
 * client is ever in doubt. Used in the library child and, for the server, in the harness itself.
 */
import { applyWrite, type ClientState, nextWrite, type WorkloadShape, type Write } from './workload.ts';

export interface WriteEvents {
  sent(write: Write): void;
  acked(write: Write, step: number | undefined): void;
  /** The database answered with an error: the write is not applied. */
  failed(write: Write, code: string, message: string): void;
  /** No answer: the write may or may not be applied. */
  unknown(write: Write, reason: string): void;
}

export interface ClientRun {
  readonly seed: number;
  readonly shape: WorkloadShape;
  readonly ddl: { readonly at: number; readonly kind: 'create' | 'drop' } | undefined;
  /** Writes this client sends in this phase. */
  readonly writes: number;
}

/** Sends a write; resolves with the step it landed in when the interface tells it. */
export type SendWrite = (write: Write) => Promise<number | undefined>;

/** A SQLSTATE the database answered with, or undefined when there was no answer at all. */
export function answeredCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return undefined;
  // Connection exceptions and shutdowns: the answer is about the connection, not the write.
  if (code.startsWith('08') || code.startsWith('57P')) return undefined;
  return code;
}

export async function runClientLoop(
  state: ClientState,
  run: ClientRun,
  send: SendWrite,
  events: WriteEvents,
): Promise<void> {
  for (let k = 0; k < run.writes; k++) {
    const write = nextWrite(run.seed, state, run.shape, run.ddl);
    events.sent(write);
    try {
      const step = await send(write);
      applyWrite(state, write);
      events.acked(write, step);
    } catch (error) {
      const code = answeredCode(error);
      const message = error instanceof Error ? error.message : String(error);
      if (code === undefined) {
        events.unknown(write, message);
        return;
      }
      state.index = write.index + 1;
      events.failed(write, code, message);
    }
  }
}
