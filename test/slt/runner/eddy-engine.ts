/**
 * @module test/slt/runner/eddy-engine
 * The Eddy adapter: one in-memory `Eddy.open()` database per engine instance, driven through the
 * library API. Views are materialized views, so incremental mode checks Eddy's maintenance.
 */
import { Eddy } from '../../../src/index.ts';
import type { EngineFactory, SltEngine, SltResult } from './engine.ts';

class EddyEngine implements SltEngine {
  private readonly db: Eddy;

  constructor(db: Eddy) {
    this.db = db;
  }

  async execute(sql: string): Promise<void> {
    await this.db.execute(sql);
  }

  query(sql: string): Promise<SltResult> {
    return this.db.query(sql);
  }

  viewDdl(name: string, columns: readonly string[], query: string): string {
    return `CREATE MATERIALIZED VIEW ${name} (${columns.join(', ')}) AS ${query}`;
  }

  close(): Promise<void> {
    return this.db.close();
  }
}

export function loadEddyFactory(): EngineFactory {
  return async () => new EddyEngine(await Eddy.open());
}
