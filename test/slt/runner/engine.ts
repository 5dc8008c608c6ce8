/**
 * @module test/slt/runner/engine
 * The narrow interface the runner drives an engine through, and the factory that picks an adapter.
 * Every engine instance is isolated: a fresh database (Eddy) or a fresh schema (PostgreSQL).
 */
import type { SqlType } from '../../../src/common/types.ts';
import type { Value } from '../../../src/common/value.ts';

export interface SltColumn {
  readonly name: string;
  readonly type: SqlType;
}

/** Values follow src/common/value.ts exactly, whatever the engine. */
export interface SltResult {
  readonly columns: readonly SltColumn[];
  readonly rows: readonly (readonly Value[])[];
}

export interface SltEngine {
  /** Runs one statement; rejects with an error carrying a SQLSTATE `code` when it fails. */
  execute(sql: string): Promise<void>;
  /** Runs one query and returns its columns and rows. */
  query(sql: string): Promise<SltResult>;
  /**
   * The statement that creates a view of `query` maintained as rows arrive, with the given column
   * names (explicit names, because result columns such as `?column?` repeat).
   */
  viewDdl(name: string, columns: readonly string[], query: string): string;
  close(): Promise<void>;
}

export type EngineKind = 'eddy' | 'postgres';

export interface EngineOptions {
  /** PostgreSQL connection string; else the PG* environment variables apply. */
  readonly pgUrl?: string;
}

/** Opens a new, empty engine instance. */
export type EngineFactory = () => Promise<SltEngine>;

/** A failure as the runner reports it: SQLSTATE (or the JS error's name) and message. */
export interface EngineFailure {
  readonly code: string;
  readonly message: string;
}

/** Adapters are loaded lazily, so running one engine never loads the other's dependencies. */
export async function engineFactory(kind: EngineKind, options: EngineOptions = {}): Promise<EngineFactory> {
  if (kind === 'postgres') {
    const { openPgEngine } = await import('./pg-engine.ts');
    return () => openPgEngine(options.pgUrl);
  }
  const { loadEddyFactory } = await import('./eddy-engine.ts');
  return loadEddyFactory();
}

/** Reads the SQLSTATE and message of anything an engine threw. */
export function failureOf(error: unknown): EngineFailure {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return {
      code: typeof code === 'string' && code !== '' ? code : `(${error.name})`,
      message: error.message,
    };
  }
  return { code: '(thrown)', message: String(error) };
}

export function describeFailure(f: EngineFailure): string {
  return `${f.code} ${f.message}`;
}

/** True when an error (as `describeFailure` prints it) matches a record's expected error pattern. */
export function errorMatches(pattern: string | undefined, failure: string): boolean {
  if (pattern === undefined) return true;
  const code = failure.split(' ', 1)[0]!;
  if (/^[0-9A-Z]{5}$/.test(pattern)) return code === pattern;
  return new RegExp(pattern).test(failure.slice(code.length + 1));
}
