/**
 * @module runtime/sinks/sink-runner
 * Keeps one running sink per committed sink in the catalog: started once it is committed (and
 * after recovery, for the sinks the data directory has), stopped when it is dropped (its progress
 * and history hold then go) or the server closes. Like the source runner it looks at the catalog
 * a few times a second instead of hooking into DDL.
 */
import type { SinkEntry } from '../../catalog/catalog.ts';
import type { Database } from '../database.ts';
import { KafkaSinkTarget } from './kafka-target.ts';
import { NatsSinkTarget } from './nats-target.ts';
import { PostgresSinkTarget } from './postgres-target.ts';
import { Sink, type SinkStats, type SinkTarget } from './sink.ts';
import { WebhookTarget } from './webhook-target.ts';

const scanMs = 250;

export class SinkRunner {
  private readonly db: Database;
  private readonly log: (line: string) => void;
  private readonly running = new Map<number, Sink>();
  private timer: NodeJS.Timeout | null = null;

  constructor(db: Database, log: (line: string) => void) {
    this.db = db;
    this.log = log;
  }

  start(): void {
    // Progress of sinks dropped while the server was down (replayed DROP SINK) goes, with its hold.
    const existing = new Set(
      this.db.catalog.readingAs(null, () => this.db.catalog.allSinks()).map((s) => s.id),
    );
    for (const { sinkId } of this.db.sinkProgress.all())
      if (!existing.has(sinkId)) {
        this.db.history.release(sinkId);
        this.db.sinkProgress.delete(sinkId);
      }
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

  stats(): SinkStats[] {
    return [...this.running.values()].map((s) => s.snapshot());
  }

  private scan(): void {
    const wanted = new Map<number, SinkEntry>();
    for (const s of this.db.catalog.readingAs(null, () => this.db.catalog.allSinks())) wanted.set(s.id, s);
    for (const [id, sink] of this.running) {
      if (wanted.has(id)) continue;
      this.running.delete(id);
      void sink.stop(true);
    }
    for (const [id, entry] of wanted) {
      if (this.running.has(id)) continue;
      const sink = new Sink(this.db, entry, targetOf(this.db, entry), this.log);
      this.running.set(id, sink);
      sink.start();
    }
  }
}

function targetOf(db: Database, entry: SinkEntry): SinkTarget {
  const relation = db.catalog.relationById(entry.relationId);
  switch (entry.spec.connector) {
    case 'webhook':
      return new WebhookTarget(entry.name, entry.spec, relation);
    case 'kafka':
      return new KafkaSinkTarget(entry.name, entry.spec, relation);
    case 'nats':
      return new NatsSinkTarget(entry.name, entry.spec, relation);
    case 'postgres':
      return new PostgresSinkTarget(db, entry.name, entry.spec, relation);
  }
}
