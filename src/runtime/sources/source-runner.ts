/**
 * @module runtime/sources/source-runner
 * Keeps one running source per connector source in the catalog: started once the source is
 * committed (and after recovery, for the sources the data directory has), stopped when it is
 * dropped or the server closes. The catalog is looked at a few times a second, so a source
 * created or dropped by any session, transaction or replay is picked up without hooks into DDL.
 * Polled connectors (Kafka, NATS, files, datagen) run the shared loop of connector-source with
 * their reader; a webhook source waits for `POST /webhook/<source>` (see `webhook`); a PostgreSQL
 * CDC source streams its replication slot (postgres-source).
 */
import type { TableEntry } from '../../catalog/catalog.ts';
import { SemanticError, SqlState } from '../../common/errors.ts';
import type { Database } from '../database.ts';
import {
  type ConnectorSource,
  PolledSource,
  type SourceReader,
  type SourceStats,
} from './connector-source.ts';
import { openDatagenSource } from './datagen-source.ts';
import { openFileSource } from './file-source.ts';
import { describeKafkaError, openKafkaSource } from './kafka-source.ts';
import { describeNatsError, openNatsSource } from './nats-source.ts';
import { PostgresSource } from './postgres-source.ts';
import { WebhookSource } from './webhook-source.ts';

export type { SourceStats };

const scanMs = 250;

export class SourceRunner {
  private readonly db: Database;
  private readonly log: (line: string) => void;
  private readonly running = new Map<number, ConnectorSource | PostgresSource>();
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

  /** The webhook source `name` (404 / 42P01 when there is none, 42809 for another kind of relation). */
  webhook(name: string): WebhookSource {
    this.scan();
    const entry = this.db.catalog.relation(name);
    const source = entry === undefined ? undefined : this.running.get(entry.id);
    if (source instanceof WebhookSource) return source;
    if (entry === undefined)
      throw new SemanticError(SqlState.undefinedTable, `webhook source "${name}" does not exist`);
    throw new SemanticError(SqlState.wrongObjectType, `"${name}" is not a webhook source`);
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
      const source = this.create(entry);
      this.running.set(id, source);
      source.start();
    }
  }

  private create(entry: TableEntry): ConnectorSource | PostgresSource {
    const spec = entry.connector!;
    const polled = (open: () => Promise<SourceReader>, describe: (err: unknown) => string = plainError) =>
      new PolledSource(this.db, entry, this.log, open, describe);
    switch (spec.connector) {
      case 'kafka':
        return polled(() => openKafkaSource(spec, entry.name), describeKafkaError);
      case 'nats':
        return polled(() => openNatsSource(spec, entry.name), describeNatsError);
      case 'file':
        return polled(() => openFileSource(spec, entry, this.log));
      case 'datagen':
        return polled(() => openDatagenSource(spec, entry));
      case 'webhook':
        return new WebhookSource(this.db, entry, this.log);
      case 'postgres':
        return new PostgresSource(this.db, entry, this.log);
    }
  }
}

function plainError(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
