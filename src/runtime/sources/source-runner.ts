/**
 * @module runtime/sources/source-runner
 * Keeps one running reader per connector source in the catalog: started once the source is
 * committed (and after recovery, for the sources the data directory has), stopped when it is
 * dropped or the server closes. The catalog is looked at a few times a second, so a source
 * created or dropped by any session, transaction or replay is picked up without hooks into DDL.
 */
import type { TableEntry } from '../../catalog/catalog.ts';
import type { Database } from '../database.ts';
import { KafkaSource, type SourceStats } from './kafka-source.ts';
import { PostgresSource } from './postgres-source.ts';

const scanMs = 250;

export class SourceRunner {
  private readonly db: Database;
  private readonly log: (line: string) => void;
  private readonly running = new Map<number, KafkaSource | PostgresSource>();
  private timer: NodeJS.Timeout | null = null;

  constructor(db: Database, log: (line: string) => void) {
    this.db = db;
    this.log = log;
  }

  start(): void {
    this.scan();
    this.timer = setInterval(() => this.scan(), scanMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await Promise.all([...this.running.values()].map((s) => s.stop()));
    this.running.clear();
  }

  stats(): SourceStats[] {
    return [...this.running.values()].map((s) => s.snapshot());
  }

  private scan(): void {
    const wanted = new Map<number, TableEntry>();
    for (const r of this.db.catalog.allRelations())
      if (r.kind === 'source' && r.connector !== undefined) wanted.set(r.id, r);
    for (const [id, source] of this.running) {
      if (wanted.has(id)) continue;
      this.running.delete(id);
      // Gone from the catalog: dropped (a PostgreSQL source then drops its slot upstream).
      void (source instanceof PostgresSource ? source.stop(true) : source.stop());
    }
    for (const [id, entry] of wanted) {
      if (this.running.has(id)) continue;
      const source =
        entry.connector?.connector === 'postgres'
          ? new PostgresSource(this.db, entry, this.log)
          : new KafkaSource(this.db, entry, this.log);
      this.running.set(id, source);
      source.start();
    }
  }
}
