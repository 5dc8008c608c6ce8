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
