/**
 * @module test/slt/runner/eddy-engine
 * The Eddy adapter: one in-memory `Eddy.open()` database per engine instance, used through the
 * library API. Views are materialized views, so incremental mode checks Eddy's maintenance.
 */
import type { Value } from '../../../src/common/value.ts';
import type { EngineFactory, SltColumn, SltEngine, SltResult } from './engine.ts';

/** The library surface the adapter relies on (src/index.ts). */
interface EddyDatabase {
  execute(sql: string): Promise<unknown>;
  query(sql: string): Promise<{ columns: readonly SltColumn[]; rows: Value[][] }>;
  close(): Promise<void>;
}

interface EddyStatic {
  open(options?: Record<string, unknown>): Promise<EddyDatabase>;
}

/*
 * Imported by a computed specifier so the runner type-checks while src/index.ts is being written;
 * the shape is checked at run time below instead.
 */
const libraryPath = '../../../src/index.ts';

class EddyEngine implements SltEngine {
  private readonly db: EddyDatabase;

  constructor(db: EddyDatabase) {
    this.db = db;
  }

  async execute(sql: string): Promise<void> {
    await this.db.execute(sql);
  }

  async query(sql: string): Promise<SltResult> {
    const r = await this.db.query(sql);
    return { columns: r.columns, rows: r.rows };
  }

  viewDdl(name: string, columns: readonly string[], query: string): string {
    return `CREATE MATERIALIZED VIEW ${name} (${columns.join(', ')}) AS ${query}`;
  }

  close(): Promise<void> {
    return this.db.close();
  }
}

export async function loadEddyFactory(): Promise<EngineFactory> {
  const mod: unknown = await import(libraryPath);
  const eddy = (mod as { Eddy?: unknown }).Eddy;
  if (typeof eddy !== 'function' && (typeof eddy !== 'object' || eddy === null)) {
    throw new Error(`${libraryPath} does not export Eddy`);
  }
  if (typeof (eddy as { open?: unknown }).open !== 'function') throw new Error('Eddy.open is not a function');
  const lib = eddy as EddyStatic;
  return async () => new EddyEngine(await lib.open());
}
