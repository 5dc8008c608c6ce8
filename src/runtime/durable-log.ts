/**
 * @module runtime/durable-log
 * What the runtime asks of durable storage (implemented in `storage/`, ADR 0003): every
 * committed step and every catalog change is appended to the input log before it is applied,
 * and nothing is acknowledged before the log is synced past it. Without a data directory the
 * database has no log and lives in memory.
 */
import type { ChangeSet } from './changes.ts';

/** A statement that changed the catalog, as replay re-runs it. */
export interface DdlRecord {
  readonly sql: string;
  /** The catalog's next id when it ran: replay starts there, so ids come out the same. */
  readonly firstId: number;
  /** The session's time zone (constants in the statement may depend on it). */
  readonly timeZone: string;
}

export interface DurableLog {
  /**
   * Appends one step: its number, clock reading, the DDL its transaction published and the
   * changes of its tables and sources. Throws having written nothing (53100 disk full, 58030).
   */
  appendStep(step: number, clockMicros: number, ddl: readonly DdlRecord[], changes: ChangeSet): void;
  /** Appends catalog changes committed without any row change. Throws as appendStep does. */
  appendDdl(ddl: readonly DdlRecord[]): void;
  /** Null when everything appended is synced; else settles when the last append is. */
  whenDurable(): Promise<void> | null;
}

/**
 * Runs callbacks in the order given, each only once everything committed before it was given
 * is durable: how replies and subscriber events wait for the log without overtaking each other.
 * In memory (nothing to wait for) each runs at once.
 */
export class AfterDurable {
  private readonly whenDurable: () => Promise<void> | null;
  private held: Promise<void> | null = null;

  constructor(whenDurable: () => Promise<void> | null) {
    this.whenDurable = whenDurable;
  }

  /** Runs `action` now or once durable; `onFailure` instead if the log could not be synced. */
  run(action: () => void, onFailure: (err: unknown) => void): void {
    const durable = this.whenDurable();
    if (durable === null && this.held === null) {
      action();
      return;
    }
    const held: Promise<void> = Promise.all([this.held, durable]).then(
      () => {
        if (this.held === held) this.held = null;
        action();
      },
      (err: unknown) => {
        if (this.held === held) this.held = null;
        onFailure(err);
      },
    );
    this.held = held;
  }
}
