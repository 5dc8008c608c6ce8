/**
 * @module runtime/sources/kafka-source
 * Runs one Kafka source: reads its topic's partitions from the positions in its offsets table,
 * and turns each poll into one step holding the decoded rows (into the source), the records that
 * could not be decoded (into its dead-letter table) and every polled partition's next offset
 * (into its offsets table). One step is one log record, so rows and positions are durable
 * together: after a crash, recovery restores both and the source resumes where the last durable
 * step left it (nothing lost, nothing twice). The next poll waits until the step is durable and
 * applied, which is the backpressure: a source never has more than one poll in memory.
 */
import type { SourceStatus, TableEntry } from '../../catalog/catalog.ts';
import { timeZone } from '../../common/datetime-zone.ts';
import type { Value } from '../../common/value.ts';
import type { KafkaSourceSpec } from '../../connectors/kafka/kafka-options.ts';
import { KafkaReader, kafkaErrorMessage } from '../../connectors/kafka/kafka-reader.ts';
import { ChangeSet } from '../changes.ts';
import type { Database } from '../database.ts';
import { Session } from '../session.ts';
import { columnDefaults } from '../statements/column-defaults.ts';
import type { StatementContext } from '../statements/context.ts';
import { deadLetterTableName, offsetTableName } from '../statements/create-source.ts';
import { ingestFlat } from '../statements/insert.ts';
import { JsonRecordDecoder, rawText, storableText } from './json-records.ts';

/** A source's figures for /metrics, by name. */
export interface SourceStats extends SourceStatus {
  readonly name: string;
  readonly connector: string;
}

const rawTextMax = 4096;
const retryMs = { first: 250, max: 5000 };
const partitionCheckMs = 5000;

export class KafkaSource {
  readonly sourceId: number;
  private readonly db: Database;
  private readonly spec: KafkaSourceSpec;
  private readonly name: string;
  private readonly log: (line: string) => void;
  private reader: KafkaReader | null = null;
  private stopped = false;
  private running: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private partitionsCheckedAt = 0;
  private readonly highWatermarks = new Map<number, bigint>();
  private stats = { records: 0, deadLetters: 0, bytes: 0, steps: 0, errors: 0 };
  private state: SourceStatus['state'] = 'starting';
  private lastError: string | null = null;

  constructor(db: Database, source: TableEntry, log: (line: string) => void) {
    this.db = db;
    this.sourceId = source.id;
    this.name = source.name;
    this.spec = source.connector as KafkaSourceSpec;
    this.log = log;
  }

  start(): void {
    this.running = this.loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.running;
    this.state = 'stopped';
    this.db.catalog.sourceStatus.delete(this.sourceId);
  }

  snapshot(): SourceStats {
    return { name: this.name, connector: 'kafka', ...this.status() };
  }

  private status(): SourceStatus {
    const positions = this.positions();
    let lag = 0;
    for (const [p, next] of positions) {
      const high = this.highWatermarks.get(p);
      if (high !== undefined && high > next) lag += Number(high - next);
    }
    return { state: this.state, lastError: this.lastError, lag, positions, ...this.stats };
  }

  /** Shows the current status in pg_catalog.eddy_sources. */
  private publish(): void {
    if (!this.stopped && this.stillExists()) this.db.catalog.sourceStatus.set(this.sourceId, this.status());
  }

  private async loop(): Promise<void> {
    let backoff = retryMs.first;
    while (!this.stopped) {
      try {
        await this.pollOnce();
        this.publish();
        backoff = retryMs.first;
      } catch (err) {
        if (this.stopped) break;
        this.stats.errors++;
        const message = kafkaErrorMessage(err);
        if (this.state !== 'retrying' || this.lastError !== message)
          this.log(`source ${this.name}: ${message}; retrying`);
        this.state = 'retrying';
        this.lastError = message;
        this.publish();
        await this.reader?.close().catch(() => {});
        this.reader = null;
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, retryMs.max);
      }
    }
    await this.reader?.close().catch(() => {});
    this.reader = null;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /** One poll and its step; first makes sure every partition has a recorded position. */
  private async pollOnce(): Promise<void> {
    if (this.reader === null) {
      this.reader = await KafkaReader.open({
        brokers: this.spec.brokers,
        topic: this.spec.topic,
        clientId: `eddy-source-${this.name}`,
        maxWaitMs: this.spec.pollWaitMs,
        maxBytes: this.spec.pollBytes,
      });
    }
    if (Date.now() - this.partitionsCheckedAt > partitionCheckMs) await this.recordNewPartitions(this.reader);
    const positions = this.positions();
    if (positions.size === 0) return;
    const poll = await this.reader.poll(positions);
    if (this.stopped || !this.stillExists()) return;
    for (const [p, high] of poll.highWatermarks) this.highWatermarks.set(p, high);
    this.state = 'running';
    this.lastError = null;
    const advanced = [...poll.next].filter(([p, next]) => next !== positions.get(p));
    if (poll.records.length === 0 && advanced.length === 0) return;

    const ctx = this.statementContext();
    const source = this.table(this.name);
    const decoder = new JsonRecordDecoder(
      source,
      columnDefaults(source, ctx.session.settings),
      timeZone(ctx.session.settings.timeZone),
      this.spec.maxRecordBytes,
    );
    const rows: Value[] = [];
    const dead: Value[] = [];
    let good = 0;
    let bytes = 0;
    const receivedAt = Date.now() * 1000;
    for (const record of poll.records) {
      bytes += record.value?.length ?? 0;
      const error = decoder.decode(record.value, rows);
      if (error === null) good++;
      else
        dead.push(
          this.name,
          record.partition,
          Number(record.offset),
          rawText(record.value, rawTextMax),
          error.code,
          storableText(error.message, rawTextMax),
          receivedAt,
        );
    }
    const deadCount = poll.records.length - good;
    if (good > 0) ingestFlat(ctx, source, rows, good);
    if (deadCount > 0) ingestFlat(ctx, this.table(deadLetterTableName(this.name)), dead, deadCount);
    const offsets = advanced.flatMap(([p, next]) => [p, Number(next)]);
    ingestFlat(ctx, this.table(offsetTableName(this.name)), offsets, advanced.length, 'update');
    this.db.commitStep(ctx.changes);
    this.stats.records += good;
    this.stats.deadLetters += deadCount;
    this.stats.bytes += bytes;
    this.stats.steps++;
    await this.db.whenDurable();
  }

  /** Partitions with no position yet start at `start` (earliest or latest): recorded in a step of their own. */
  private async recordNewPartitions(reader: KafkaReader): Promise<void> {
    const count = await reader.partitions();
    this.partitionsCheckedAt = Date.now();
    const known = this.positions();
    const missing: number[] = [];
    for (let p = 0; p < count; p++) if (!known.has(p)) missing.push(p);
    if (missing.length === 0) return;
    const starts = await reader.offsets(this.spec.start);
    if (this.stopped || !this.stillExists()) return;
    const ctx = this.statementContext();
    const offsets = missing.flatMap((p) => [p, Number(starts.get(p) ?? 0n)]);
    ingestFlat(ctx, this.table(offsetTableName(this.name)), offsets, missing.length, 'update');
    this.db.commitStep(ctx.changes);
    await this.db.whenDurable();
  }

  /** The positions as the offsets table holds them (restored by recovery like any table). */
  private positions(): Map<number, bigint> {
    const table = this.db.catalog.relation(offsetTableName(this.name));
    const positions = new Map<number, bigint>();
    if (table === undefined || !this.stillExists()) return positions;
    for (const [partition, next] of this.db.store(table.id).scan())
      positions.set(partition as number, BigInt(next as number | bigint));
    return positions;
  }

  private stillExists(): boolean {
    return this.db.catalog.relation(this.name)?.id === this.sourceId;
  }

  private table(name: string): TableEntry {
    return this.db.catalog.relation(name) as TableEntry;
  }

  private statementContext(): StatementContext {
    const session = new Session(this.db);
    session.startStatement();
    return { text: '', offset: 0, params: [], session, changes: new ChangeSet() };
  }
}
